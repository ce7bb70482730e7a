//! What a plan is built against: variables, positional parameters, and the
//! fds pipe-run itself passes down to its stages.

use std::ffi::OsString;
use std::os::fd::RawFd;

use crate::environment::Environment;
use crate::expand::Vars;

use super::procsub::ProcSubMode;
use super::redirect::MAX_FD;
use crate::transport::Kind;

#[derive(Debug, Clone, Default)]
pub struct Context {
    pub vars: Vars,
    /// Fds 0-9 that are open in pipe-run without close-on-exec: a stage
    /// inherits them, as a shell passes its own fds to commands.
    pub inherited_fds: Vec<u32>,
    /// Standard fds (0-2) that were closed when pipe-run started: stages
    /// get them closed too, as from a shell.
    pub closed_std_fds: Vec<u32>,
    /// The transport of an edge whose attributes name none (`--via`).
    pub via: Kind,
    /// How substitutions in arguments are named (`--procsub`).
    pub procsub: ProcSubMode,
}

impl Context {
    /// The context of this process: its environment and open fds.
    ///
    /// `zero` becomes `$0` and `args` the positional parameters.
    pub fn from_process(zero: OsString, args: Vec<OsString>, nounset: bool) -> Context {
        // The Rust runtime reopened closed standard fds as /dev/null: they
        // look open now, but were not when pipe-run started.
        let closed = crate::startup::closed_standard_fds();
        Context {
            vars: Vars {
                env: Environment::from_process(),
                zero,
                positional: args,
                nounset,
                pid: std::process::id(),
            },
            inherited_fds: inherited_fds()
                .into_iter()
                .filter(|fd| !closed.contains(fd))
                .collect(),
            closed_std_fds: closed,
            via: Kind::default(),
            procsub: ProcSubMode::default(),
        }
    }
}

/// Fds 0-9 open without `FD_CLOEXEC`.
pub fn inherited_fds() -> Vec<u32> {
    (0..=MAX_FD)
        .filter(|&fd| {
            // SAFETY: F_GETFD only reads the flags of a descriptor number; an
            // unopened number fails with EBADF and nothing is touched.
            let flags = unsafe { libc::fcntl(fd as RawFd, libc::F_GETFD) };
            flags >= 0 && flags & libc::FD_CLOEXEC == 0
        })
        .collect()
}
