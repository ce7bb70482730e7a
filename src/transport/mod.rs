//! Transports: how an edge moves bytes between two stages. Each transport
//! opens its ends close-on-exec from birth.

pub mod pipe;
pub mod private_dir;

pub use private_dir::PrivateDir;

use std::io;
use std::os::fd::OwnedFd;

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

impl Transport {
    pub fn open(self) -> io::Result<Ends> {
        pipe::open()
    }

    pub fn name(self) -> &'static str {
        self.kind.name()
    }
}
