//! Process substitution in the plan: how `<(...)` and `>(...)` reach the
//! command that names them.
//!
//! In an argument, the substitution becomes a path the program opens:
//! `/dev/fd/N`, with the edge's end put on fd N of the command (N counts
//! down from 63, as in bash), or with `--procsub=fifo` a FIFO in the run's
//! private directory. As the whole target of a redirection (`cat < <(cmd)`)
//! no path is needed: the redirection puts the edge's end on its fd.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

/// How a process substitution in an argument is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProcSubMode {
    /// `/dev/fd/N` where the system has `/dev/fd`, else a FIFO.
    #[default]
    Auto,
    /// `/dev/fd/N`: the program opens its own inherited fd N.
    DevFd,
    /// A FIFO in the private directory: for programs that close inherited
    /// fds, or that `stat` the path.
    Fifo,
}

impl ProcSubMode {
    /// Does this mode name substitutions with FIFOs here?
    pub fn uses_fifos(self) -> bool {
        match self {
            ProcSubMode::Auto => !Path::new("/dev/fd").is_dir(),
            ProcSubMode::DevFd => false,
            ProcSubMode::Fifo => true,
        }
    }
}

/// The highest fd a `/dev/fd/N` substitution gets; the next one gets N-1.
pub const FIRST_DEVFD: u32 = 63;

/// Redirections use fds 0-9, so substitutions stop above them.
pub const LAST_DEVFD: u32 = 10;

/// The path of a substitution that the program opens as `/dev/fd/N`.
pub fn devfd_path(fd: u32) -> Vec<u8> {
    format!("/dev/fd/{fd}").into_bytes()
}

/// Where this run's private directory will be: chosen while planning,
/// because FIFO paths appear in arguments, and created (mode 0700, failing
/// if anything is there already) only when the run starts. The name is
/// unpredictable, so no one can prepare a trap at it.
pub fn private_dir_path() -> PathBuf {
    let base = crate::transport::private_dir::base();
    let mut random = [0u8; 8];
    // SAFETY: getrandom writes at most `random.len()` bytes into the buffer.
    let got = unsafe { libc::getrandom(random.as_mut_ptr().cast(), random.len(), 0) };
    if got != random.len() as isize {
        // Without the kernel's randomness, the time and pid still make the
        // name unique; `mkdir` refuses an existing one anyway.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        random = (nanos as u64).to_ne_bytes();
    }
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("pipe-run.{}.{hex}", std::process::id());
    base.join(OsString::from_vec(name.into_bytes()))
}
