//! Fd numbering rules for the parent's copies of stage fds.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::plan::redirect::MAX_FD;

/// Every fd the parent passes to a child is numbered at or above this, above
/// any fd a redirection can name, so replaying a stage's redirections in
/// the child never overwrites a source that a later step still needs.
pub const FLOOR: i32 = MAX_FD as i32 + 1;

/// Move `fd` to a number at or above [`FLOOR`], keeping close-on-exec.
pub fn above_floor(fd: OwnedFd) -> io::Result<OwnedFd> {
    at_or_above(fd, FLOOR)
}

/// Move `fd` to a number at or above `min`, keeping close-on-exec.
pub fn at_or_above(fd: OwnedFd, min: i32) -> io::Result<OwnedFd> {
    if fd.as_raw_fd() >= min {
        return Ok(fd);
    }
    // SAFETY: F_DUPFD_CLOEXEC on an fd we own returns a new fd or -1.
    let new = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, min) };
    if new < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `new` was just returned by fcntl and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}
