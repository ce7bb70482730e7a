//! Transports: how an edge moves bytes between two stages. Each transport
//! opens its ends close-on-exec from birth.

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
/// asked and it gave less.
#[derive(Debug)]
pub struct Opened {
    pub ends: Ends,
    pub granted: Option<Granted>,
}

/// A kernel buffer smaller than asked, in bytes, for the runner to say once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Granted {
    pub asked: u64,
    pub got: u64,
}

impl Transport {
    /// Open the edge, both ends close-on-exec and blocking. `dir` is the
    /// run's private directory, for a FIFO.
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
