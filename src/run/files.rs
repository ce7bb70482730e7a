//! Opening the files a plan redirects to, all of them, before any stage
//! starts, so that a failure leaves every file as it was.
//!
//! The plan's checks cannot foresee every failure (a dangling symlink, a
//! trailing `/`, a name too long, a running executable, the fd limit), and
//! opening file after file with `O_CREAT | O_TRUNC` would have emptied the
//! earlier ones by the time a later one fails. So the opens go in phases:
//!
//! 1. Every file that exists is opened without `O_CREAT` or `O_TRUNC`, in
//!    plan order. A creating redirection whose file is missing is put aside
//!    to be created; a `<` of a file an earlier redirection creates (which
//!    the plan allows) waits until it exists.
//! 2. The missing files are created with `O_EXCL`, so pipe-run knows exactly
//!    which files it made, then the waiting reads are opened. A failure here
//!    removes every file made in this phase.
//! 3. Only then are the existing regular files that a `>` opened truncated.
//!    Creating before truncating puts the likely failures (a missing
//!    directory, `EMFILE`) where they can still be undone; `ftruncate` on a
//!    file already open for writing has nothing left to fail on in practice.
//!
//! FIFOs are left to the child, as before: opening one read-only or
//! write-only blocks until its other end is opened, maybe by a later stage.

use std::collections::HashSet;
use std::ffi::c_int;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{OFlag, open};
use nix::sys::stat::{Mode, SFlag, fstat};
use nix::unistd::ftruncate;

use super::error::RunError;
use super::fds::above_floor;
use crate::plan::{FdAction, OpenMode, Stage};

/// Files a stage redirects to, opened by the parent once the whole plan has
/// validated: one slot per redirection, `None` where the child opens the file
/// itself (a FIFO) or the redirection opens nothing.
pub type StageFiles = Vec<Option<OwnedFd>>;

/// How a redirection opens its file, in the parent and in a child alike.
pub fn open_flags(mode: OpenMode) -> c_int {
    match mode {
        OpenMode::Read => libc::O_RDONLY,
        OpenMode::Write => libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
        OpenMode::Append => libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND,
        OpenMode::ReadWrite => libc::O_RDWR | libc::O_CREAT,
    }
}

/// A read-only or write-only open of a FIFO blocks until the other end is
/// open; read-write does not.
fn is_blocking_fifo(path: &Path, mode: OpenMode) -> bool {
    mode != OpenMode::ReadWrite && path.metadata().is_ok_and(|m| m.file_type().is_fifo())
}

/// Open the files of every stage (see the module documentation for the
/// order). On error nothing has been created or truncated, and the error
/// names the file.
pub fn open_files(stages: &[&Stage]) -> Result<Vec<StageFiles>, RunError> {
    let mut opening = Opening {
        files: stages
            .iter()
            .map(|s| s.redirects.iter().map(|_| None).collect())
            .collect(),
        created: Vec::new(),
        done: false,
    };
    let mut to_create = Vec::new();
    let mut creating = HashSet::new();
    let mut deferred = Vec::new();
    let mut truncate = Vec::new();

    for slot in slots(stages) {
        // The plan matches a read with an earlier creation by the path as
        // written; so does this.
        if slot.mode == OpenMode::Read && creating.contains(slot.path) {
            deferred.push(slot);
            continue;
        }
        match open(slot.path, existing_flags(slot.mode), Mode::empty()) {
            Ok(fd) => {
                if slot.mode == OpenMode::Write && is_regular(&fd) {
                    truncate.push(slot);
                }
                opening.keep(&slot, fd)?;
            }
            Err(Errno::ENOENT) if slot.mode != OpenMode::Read => {
                creating.insert(slot.path);
                to_create.push(slot);
            }
            Err(e) => return Err(failed(&slot, e)),
        }
    }

    for slot in to_create {
        let (fd, made) =
            create(slot.path, existing_flags(slot.mode)).map_err(|e| failed(&slot, e))?;
        // Made by this run, or another redirection of this run made it
        // first: it is new and empty. Otherwise it appeared meanwhile, and
        // `>` truncates it like any existing file.
        let ours = match made {
            Some(path) => match identity(&fd) {
                Ok(id) => {
                    opening.created.push(Created { path, id });
                    true
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&path);
                    return Err(failed(&slot, e));
                }
            },
            None => identity(&fd).is_ok_and(|id| opening.created.iter().any(|c| c.id == id)),
        };
        if !ours && slot.mode == OpenMode::Write && is_regular(&fd) {
            truncate.push(slot);
        }
        opening.keep(&slot, fd)?;
    }
    for slot in deferred {
        let fd = open(slot.path, existing_flags(slot.mode), Mode::empty())
            .map_err(|e| failed(&slot, e))?;
        opening.keep(&slot, fd)?;
    }

    for slot in truncate {
        let fd = opening.files[slot.stage][slot.index]
            .as_ref()
            .expect("a file to truncate was opened");
        ftruncate(fd, 0).map_err(|e| failed(&slot, e))?;
    }
    opening.done = true;
    Ok(std::mem::take(&mut opening.files))
}

/// One redirection that pipe-run opens itself.
#[derive(Clone, Copy)]
struct Slot<'a> {
    stage: usize,
    index: usize,
    path: &'a Path,
    mode: OpenMode,
}

/// Every redirection the parent opens, in plan order.
fn slots<'a>(stages: &'a [&'a Stage]) -> impl Iterator<Item = Slot<'a>> {
    stages.iter().enumerate().flat_map(|(stage, s)| {
        s.redirects
            .iter()
            .enumerate()
            .filter_map(move |(index, action)| match action {
                FdAction::Open { path, mode, .. } if !is_blocking_fifo(path, *mode) => Some(Slot {
                    stage,
                    index,
                    path,
                    mode: *mode,
                }),
                _ => None,
            })
    })
}

/// The child's flags without creating or truncating anything.
fn existing_flags(mode: OpenMode) -> OFlag {
    OFlag::from_bits_retain(open_flags(mode) & !(libc::O_CREAT | libc::O_TRUNC)) | OFlag::O_CLOEXEC
}

/// Linux follows at most this many symbolic links in one lookup.
const MAX_SYMLINKS: usize = 40;

/// Create `path` with `O_EXCL`. Returns the file, and the path of the file
/// made when this call made it (`None`: it exists, made by someone else or
/// by an earlier redirection of this run).
///
/// `O_EXCL` does not follow a symlink in the last component, where plain
/// `O_CREAT` creates the link's target; so a link is followed here, one hop
/// at a time, and the target created with `O_EXCL`. That keeps "made by this
/// run" exact, and a rollback removes the target, never the link.
fn create(path: &Path, flags: OFlag) -> nix::Result<(OwnedFd, Option<PathBuf>)> {
    let mode = Mode::from_bits_truncate(0o666);
    let mut target = path.to_path_buf();
    for _ in 0..=MAX_SYMLINKS {
        match open(&target, flags | OFlag::O_CREAT | OFlag::O_EXCL, mode) {
            Ok(fd) => return Ok((fd, Some(target))),
            Err(Errno::EEXIST) => {}
            Err(e) => return Err(e),
        }
        match target.symlink_metadata() {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = target.read_link().map_err(errno)?;
                target = match target.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            Ok(_) => return open(&target, flags, mode).map(|fd| (fd, None)),
            // Gone again since the open: try once more.
            Err(_) => {}
        }
    }
    Err(Errno::ELOOP)
}

fn errno(e: io::Error) -> Errno {
    e.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
}

fn is_regular(fd: &OwnedFd) -> bool {
    fstat(fd.as_fd())
        .is_ok_and(|st| SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFREG)
}

/// Device and inode.
type Identity = (u64, u64);

fn identity(fd: &OwnedFd) -> nix::Result<Identity> {
    fstat(fd.as_fd()).map(|st| (st.st_dev, st.st_ino))
}

fn failed(slot: &Slot, e: Errno) -> RunError {
    RunError::Redirect {
        path: slot.path.to_path_buf(),
        mode: slot.mode,
        error: io::Error::from(e),
    }
}

/// A file this run created, to remove if the run goes no further.
struct Created {
    path: PathBuf,
    id: Identity,
}

/// The files opened so far. Until `done`, dropping it (on an error, or a
/// panic midway) removes every file it created.
struct Opening {
    files: Vec<StageFiles>,
    created: Vec<Created>,
    done: bool,
}

impl Opening {
    /// Put `fd` in its slot, numbered above the fds a redirection can name.
    fn keep(&mut self, slot: &Slot, fd: OwnedFd) -> Result<(), RunError> {
        let fd = above_floor(fd).map_err(|e| {
            // F_DUPFD says EINVAL when the fd limit is at or below the floor:
            // no number above it is free, which is what EMFILE says.
            let e = match e.raw_os_error() {
                Some(libc::EINVAL) => Errno::EMFILE,
                _ => errno(e),
            };
            failed(slot, e)
        })?;
        self.files[slot.stage][slot.index] = Some(fd);
        Ok(())
    }
}

impl Drop for Opening {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        for c in self.created.iter().rev() {
            // Only if the name still leads to the file made, not to one
            // put in its place since.
            let same = c
                .path
                .symlink_metadata()
                .is_ok_and(|m| (m.dev(), m.ino()) == c.id);
            if same {
                let _ = std::fs::remove_file(&c.path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn create_follows_a_chain_of_links_and_makes_the_last_target() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("sub/b"));
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        symlink("sub/b", &a).unwrap();
        symlink("c", &b).unwrap();
        let (_fd, made) = create(&a, OFlag::O_WRONLY | OFlag::O_CLOEXEC).unwrap();
        assert_eq!(made, Some(dir.path().join("sub/c")));
        assert!(dir.path().join("sub/c").is_file());
        // Now it exists: opened, not made.
        let (_fd, made) = create(&a, OFlag::O_WRONLY | OFlag::O_CLOEXEC).unwrap();
        assert_eq!(made, None);
    }

    #[test]
    fn create_gives_up_on_a_loop_of_links() {
        let dir = tempfile::tempdir().unwrap();
        symlink("b", dir.path().join("a")).unwrap();
        symlink("a", dir.path().join("b")).unwrap();
        let result = create(&dir.path().join("a"), OFlag::O_WRONLY);
        assert_eq!(result.err(), Some(Errno::ELOOP));
    }
}
