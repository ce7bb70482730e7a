//! Transports: how an edge moves bytes between two stages. Every end is
//! opened close-on-exec from birth and in blocking mode; the runner dups
//! the ends onto the stages' fds.
//!
//! - `pipe`: an anonymous kernel pipe (`pipe2`). `size` sets the pipe's
//!   buffer with `F_SETPIPE_SZ`; above `/proc/sys/fs/pipe-max-size` an
//!   unprivileged user is refused and gets that maximum instead.
//! - `fifo`: a named FIFO made mode 0600 in the run's [`PrivateDir`] and
//!   opened at both ends without following symbolic links. It is unlinked
//!   at once, before any stage starts: the open ends keep it alive, so
//!   nothing is left in the directory even if pipe-run is killed. `size`
//!   works as for a pipe. (Process substitution's FIFOs are the exception:
//!   the program opens them by path, so they stay until [`remove_fifo`].)
//! - `sock`: an `AF_UNIX` stream socketpair. One way, each end is shut down
//!   in the direction it does not use, so a gone reader gives the writer
//!   `EPIPE` and a gone writer gives the reader end of file, as with a pipe.
//!   `duplex` leaves both directions open: the right stage's output flows
//!   back to the left stage's input over the same pair.
//! - `seqpacket`: as `sock`, but each write arrives as one message.
//!
//! For sockets `size` sets `SO_SNDBUF` on the sending end(s) and
//! `SO_RCVBUF` on the receiving end(s), both on both ends when duplex. The
//! kernel caps these at `net.core.wmem_max` and `rmem_max`, for root too.
//!
//! A size the kernel will not grant in full is no failure:
//! [`Opened::granted`] says what the kernel gave when that is less than
//! asked, so the runner can say it once. A size rounded up (to a page, or
//! to the socket minimum) is not reported.

mod buffer_size;
pub mod fifo;
pub mod pipe;
pub mod private_dir;
pub mod socket;

pub use fifo::{open_holder, remove_fifo};
pub use private_dir::PrivateDir;

#[cfg(test)]
mod tests;

use std::io;
use std::os::fd::OwnedFd;

use nix::sys::socket::SockType;

/// The kind of kernel object that carries an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Kind {
    /// An anonymous kernel pipe: pipe-run is out of the data path.
    #[default]
    Pipe,
    /// A named FIFO in pipe-run's private directory.
    Fifo,
    /// An `AF_UNIX` stream socketpair.
    Sock,
    /// An `AF_UNIX` seqpacket socketpair: each write arrives as one message.
    Seqpacket,
}

impl Kind {
    /// The name used in `|[...]`, `--via` and `--explain`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pipe => "pipe",
            Kind::Fifo => "fifo",
            Kind::Sock => "sock",
            Kind::Seqpacket => "seqpacket",
        }
    }

    /// The kind named `name`, as written in `|[...]` or `--via`.
    pub fn from_name(name: &str) -> Option<Kind> {
        [Kind::Pipe, Kind::Fifo, Kind::Sock, Kind::Seqpacket]
            .into_iter()
            .find(|k| k.name() == name)
    }

    /// Can it carry data both ways (`duplex`)?
    pub fn is_socket(self) -> bool {
        matches!(self, Kind::Sock | Kind::Seqpacket)
    }
}

/// How an edge is carried: the kind and its attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Transport {
    pub kind: Kind,
    /// The kernel buffer asked for, in bytes.
    pub size: Option<u64>,
    /// Both ways over one socketpair.
    pub duplex: bool,
}

/// The two ends of an open edge.
#[derive(Debug)]
pub struct Ends {
    pub reader: OwnedFd,
    pub writer: OwnedFd,
}

/// An edge opened: its ends, and what the kernel granted when `size` was
/// asked and it gave less. For a duplex socket edge `writer` is the left
/// stage's end and `reader` the right stage's, each used both ways.
#[derive(Debug)]
pub struct Opened {
    pub ends: Ends,
    pub granted: Option<Granted>,
}

/// A kernel buffer smaller than asked, in bytes, for the runner to say once.
/// `got` is in the units of `asked`: `F_GETPIPE_SZ` for a pipe or FIFO; for
/// a socket, the least of its buffers as set, which is half what
/// `getsockopt` says since Linux stores twice the value set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Granted {
    pub asked: u64,
    pub got: u64,
}

impl Transport {
    /// Open the edge, both ends close-on-exec and blocking. `dir` is the
    /// run's private directory, for a FIFO; without one a FIFO edge makes
    /// its own for the moment it takes to open. `duplex` on a pipe or FIFO
    /// is refused (`InvalidInput`).
    pub fn open(self, dir: Option<&PrivateDir>) -> io::Result<Opened> {
        if self.duplex && !self.kind.is_socket() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a {} edge cannot be duplex", self.name()),
            ));
        }
        match self.kind {
            Kind::Pipe => pipe::open(self.size),
            Kind::Fifo => fifo::open(dir, self.size),
            Kind::Sock => socket::open(SockType::Stream, self.size, self.duplex),
            Kind::Seqpacket => socket::open(SockType::SeqPacket, self.size, self.duplex),
        }
    }

    pub fn name(self) -> &'static str {
        self.kind.name()
    }
}
