//! The kernel buffer an edge asks for with `size=`, and what it got.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use nix::fcntl::{FcntlArg, fcntl};
use nix::sys::socket::{getsockopt, setsockopt, sockopt};

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

/// Ask for `asked`-byte socket buffers: `SO_SNDBUF` on each of `sending`
/// and `SO_RCVBUF` on each of `receiving`.
///
/// Linux stores twice the value set (room for its own bookkeeping), after
/// capping it at `net.core.wmem_max` or `rmem_max`, and raises it to a small
/// minimum; `getsockopt` returns the doubled value. So what a buffer got is
/// half what `getsockopt` says, in the same units as `asked`, and exactly
/// `asked` when granted in full. The edge got the least of its buffers;
/// that is told only when less than `asked`. (On an `AF_UNIX` socket the
/// sender's `SO_SNDBUF` bounds the bytes in flight; `SO_RCVBUF` is set and
/// counted too, so the answer holds whichever the kernel uses.)
pub(super) fn set_socket(
    sending: &[&OwnedFd],
    receiving: &[&OwnedFd],
    asked: u64,
) -> io::Result<Option<Granted>> {
    let want = usize::try_from(asked.min(i32::MAX as u64)).unwrap_or(usize::MAX);
    let mut got = u64::MAX;
    for fd in sending {
        setsockopt(fd, sockopt::SndBuf, &want)?;
        got = got.min(getsockopt(fd, sockopt::SndBuf)? as u64 / 2);
    }
    for fd in receiving {
        setsockopt(fd, sockopt::RcvBuf, &want)?;
        got = got.min(getsockopt(fd, sockopt::RcvBuf)? as u64 / 2);
    }
    Ok(less(asked, got))
}

/// A grant worth telling: only one smaller than asked.
fn less(asked: u64, got: u64) -> Option<Granted> {
    (got < asked).then_some(Granted { asked, got })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::fcntl::OFlag;
    use nix::sys::socket::{AddressFamily, SockFlag, SockType, socketpair};
    use nix::unistd::pipe2;
    use std::os::fd::OwnedFd;

    fn pipe_size(fd: &OwnedFd) -> u64 {
        fcntl(fd.as_fd(), FcntlArg::F_GETPIPE_SZ).unwrap() as u64
    }

    fn limit(name: &str) -> Option<u64> {
        std::fs::read_to_string(format!("/proc/sys/net/core/{name}"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    fn stream_pair() -> (OwnedFd, OwnedFd) {
        socketpair(
            AddressFamily::Unix,
            SockType::Stream,
            None,
            SockFlag::SOCK_CLOEXEC,
        )
        .unwrap()
    }

    #[test]
    fn a_socket_gets_what_it_asks_for_within_the_limit() {
        let (a, b) = stream_pair();
        let asked = 64 * 1024;
        assert_eq!(set_socket(&[&a], &[&b], asked).unwrap(), None);
        assert_eq!(getsockopt(&a, sockopt::SndBuf).unwrap() as u64, 2 * asked);
        assert_eq!(getsockopt(&b, sockopt::RcvBuf).unwrap() as u64, 2 * asked);
    }

    #[test]
    fn a_socket_raised_to_the_minimum_is_not_reported() {
        let (a, b) = stream_pair();
        assert_eq!(set_socket(&[&a, &b], &[&a, &b], 10).unwrap(), None);
    }

    #[test]
    fn a_socket_asking_too_much_gets_the_limit() {
        // SO_SNDBUF and SO_RCVBUF are capped for root as for anyone.
        let (a, b) = stream_pair();
        let asked = 1 << 30;
        let granted = set_socket(&[&a], &[&b], asked).unwrap().unwrap();
        assert_eq!(granted.asked, asked);
        assert!(granted.got < asked);
        if let (Some(wmem), Some(rmem)) = (limit("wmem_max"), limit("rmem_max")) {
            assert_eq!(granted.got, wmem.min(rmem).min(i32::MAX as u64 / 2));
        }
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
