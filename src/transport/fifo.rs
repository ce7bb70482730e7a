//! The named FIFO transport, and the FIFOs of process substitution.
//!
//! An edge's FIFO lives only as long as it takes to open both ends: it is
//! unlinked at once, so nothing is left behind even if pipe-run is killed.

use std::ffi::OsStr;
use std::fs::OpenOptions;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use nix::fcntl::{FcntlArg, OFlag, fcntl, openat};
use nix::sys::stat::Mode;

use super::{Ends, Opened, PrivateDir, buffer_size};

/// A FIFO made in `dir` (or, without one, in a private directory of its
/// own, gone on return), opened at both ends and unlinked. With `size`, its
/// buffer is resized as a pipe's is.
pub fn open(dir: Option<&PrivateDir>, size: Option<u64>) -> io::Result<Opened> {
    let own;
    let dir = match dir {
        Some(dir) => dir,
        None => {
            own = PrivateDir::create()?;
            &own
        }
    };
    let name = dir.new_fifo()?;
    let ends = open_ends(dir, &name);
    let unlinked = dir.unlink(&name);
    let ends = ends?;
    unlinked?;
    let granted = match size {
        Some(asked) => buffer_size::set_pipe(ends.writer.as_fd(), asked)?,
        None => None,
    };
    Ok(Opened { ends, granted })
}

/// Open the FIFO `name` in `dir` for reading, which never blocks when
/// non-blocking, then for writing, which succeeds as a reader exists; then
/// make both blocking. Neither open follows a symbolic link.
fn open_ends(dir: &PrivateDir, name: &OsStr) -> io::Result<Ends> {
    let flags = OFlag::O_NONBLOCK | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW;
    let reader = openat(dir.fd(), name, OFlag::O_RDONLY | flags, Mode::empty())?;
    let writer = openat(dir.fd(), name, OFlag::O_WRONLY | flags, Mode::empty())?;
    for fd in [&reader, &writer] {
        let status = OFlag::from_bits_truncate(fcntl(fd.as_fd(), FcntlArg::F_GETFL)?);
        fcntl(fd.as_fd(), FcntlArg::F_SETFL(status - OFlag::O_NONBLOCK))?;
    }
    Ok(Ends { reader, writer })
}

/// Open the FIFO at `path` for reading and writing, non-blocking and
/// close-on-exec, not following a symbolic link. It never blocks, and on
/// Linux it counts as both a reader and a writer: holding it releases a
/// program blocked opening the other end.
pub fn open_holder(path: &Path) -> io::Result<OwnedFd> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)?;
    Ok(file.into())
}

/// Remove the FIFO at `path`; one already gone is not an error.
pub fn remove_fifo(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;

    fn entries(dir: &PrivateDir) -> usize {
        std::fs::read_dir(dir.path()).unwrap().count()
    }

    #[test]
    fn the_fifo_is_gone_once_open() {
        let dir = PrivateDir::create().unwrap();
        let opened = open(Some(&dir), None).unwrap();
        assert_eq!(entries(&dir), 0);
        File::from(opened.ends.writer).write_all(b"still").unwrap();
        let mut got = String::new();
        File::from(opened.ends.reader)
            .read_to_string(&mut got)
            .unwrap();
        assert_eq!(got, "still");
    }

    #[test]
    fn both_ends_are_blocking_and_close_on_exec() {
        let dir = PrivateDir::create().unwrap();
        let opened = open(Some(&dir), None).unwrap();
        for fd in [&opened.ends.reader, &opened.ends.writer] {
            let status = OFlag::from_bits_truncate(fcntl(fd.as_fd(), FcntlArg::F_GETFL).unwrap());
            assert!(!status.contains(OFlag::O_NONBLOCK), "fd {}", fd.as_raw_fd());
            let fd_flags = fcntl(fd.as_fd(), FcntlArg::F_GETFD).unwrap();
            assert_ne!(fd_flags & libc::FD_CLOEXEC, 0, "fd {}", fd.as_raw_fd());
        }
    }

    #[test]
    fn without_a_directory_a_fifo_still_opens() {
        let opened = open(None, Some(64 * 1024)).unwrap();
        assert_eq!(opened.granted, None);
    }

    #[test]
    fn a_holder_releases_a_blocked_open_and_the_fifo_can_be_removed() {
        let dir = PrivateDir::create().unwrap();
        let path = dir.make_fifo().unwrap();
        let holder = open_holder(&path).unwrap();
        // With the holder as a reader, a blocking open for writing returns.
        let mut writer = OpenOptions::new().write(true).open(&path).unwrap();
        writer.write_all(b"held").unwrap();
        drop(writer);
        let mut got = [0; 4];
        File::from(holder).read_exact(&mut got).unwrap();
        assert_eq!(&got, b"held");
        remove_fifo(&path).unwrap();
        assert!(!path.exists());
        remove_fifo(&path).unwrap();
    }

    #[test]
    fn a_holder_does_not_follow_a_symbolic_link() {
        let dir = PrivateDir::create().unwrap();
        let fifo = dir.make_fifo().unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        let error = open_holder(&link).unwrap_err();
        assert_eq!(error.raw_os_error(), Some(libc::ELOOP));
        std::fs::remove_file(link).unwrap();
    }
}
