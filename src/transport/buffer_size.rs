//! The kernel buffer an edge asks for with `size=`, and what it got.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};

use nix::fcntl::{FcntlArg, fcntl};

use super::Granted;

/// The largest pipe buffer pipe-run asks for: `F_GETPIPE_SZ` answers in an
/// `int`, and a buffer this large is already far past any use.
const PIPE_CAP: u64 = 1 << 30;

/// Where Linux says how large an unprivileged user's pipe may grow.
const PIPE_MAX_SIZE: &str = "/proc/sys/fs/pipe-max-size";

/// Ask for an `asked`-byte buffer on the pipe or FIFO `fd`. When the kernel
/// refuses (`EPERM` above `pipe-max-size` for an unprivileged user, `EBUSY`,
/// `ENOMEM`), try `pipe-max-size` instead, then settle for what the pipe has.
/// The answer is what `F_GETPIPE_SZ` says afterwards, when that is less
/// than `asked`; a size below a page is rounded up by the kernel, which is
/// more, not less.
pub(super) fn set_pipe(fd: BorrowedFd<'_>, asked: u64) -> io::Result<Option<Granted>> {
    let want = asked.min(PIPE_CAP);
    if try_pipe(fd, want).is_err()
        && let Some(max) = pipe_max_size().filter(|&max| max < want)
    {
        let _ = try_pipe(fd, max);
    }
    let got = fcntl(fd.as_fd(), FcntlArg::F_GETPIPE_SZ)? as u64;
    Ok(less(asked, got))
}

fn try_pipe(fd: BorrowedFd<'_>, size: u64) -> nix::Result<()> {
    let size = i32::try_from(size).unwrap_or(i32::MAX);
    fcntl(fd, FcntlArg::F_SETPIPE_SZ(size)).map(drop)
}

fn pipe_max_size() -> Option<u64> {
    std::fs::read_to_string(PIPE_MAX_SIZE)
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// A grant worth telling: only one smaller than asked.
fn less(asked: u64, got: u64) -> Option<Granted> {
    (got < asked).then_some(Granted { asked, got })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::fcntl::OFlag;
    use nix::unistd::pipe2;
    use std::os::fd::OwnedFd;

    fn pipe_size(fd: &OwnedFd) -> u64 {
        fcntl(fd.as_fd(), FcntlArg::F_GETPIPE_SZ).unwrap() as u64
    }

    #[test]
    fn a_pipe_gets_what_it_asks_for_within_the_limit() {
        let (reader, _writer) = pipe2(OFlag::O_CLOEXEC).unwrap();
        assert_eq!(set_pipe(reader.as_fd(), 256 * 1024).unwrap(), None);
        assert_eq!(pipe_size(&reader), 256 * 1024);
    }

    #[test]
    fn a_size_rounded_up_is_not_reported() {
        let (reader, _writer) = pipe2(OFlag::O_CLOEXEC).unwrap();
        assert_eq!(set_pipe(reader.as_fd(), 100).unwrap(), None);
        assert!(pipe_size(&reader) >= 100);
        // Rounded up to a power of two pages.
        assert_eq!(set_pipe(reader.as_fd(), 100 * 1024).unwrap(), None);
        assert_eq!(pipe_size(&reader), 128 * 1024);
    }

    #[test]
    fn a_pipe_asking_too_much_reports_what_it_got() {
        // Unprivileged, 1 GiB is refused above pipe-max-size and the pipe
        // falls back to it; root may get it all. Either way the report is
        // what F_GETPIPE_SZ says, and only when that is less.
        let (reader, _writer) = pipe2(OFlag::O_CLOEXEC).unwrap();
        let asked = 1 << 30;
        let granted = set_pipe(reader.as_fd(), asked).unwrap();
        let got = pipe_size(&reader);
        match granted {
            Some(granted) => {
                assert_eq!(granted, Granted { asked, got });
                assert!(got < asked);
                if let Some(max) = pipe_max_size() {
                    assert!(got >= max.min(asked), "{got} < pipe-max-size {max}");
                }
            }
            None => assert!(got >= asked),
        }
    }

    #[test]
    fn more_than_pipe_run_ever_asks_is_reported_as_less() {
        let (reader, _writer) = pipe2(OFlag::O_CLOEXEC).unwrap();
        let asked = 8 << 30;
        let granted = set_pipe(reader.as_fd(), asked).unwrap().unwrap();
        assert_eq!(granted.asked, asked);
        assert_eq!(granted.got, pipe_size(&reader));
        assert!(granted.got <= PIPE_CAP);
    }
}
