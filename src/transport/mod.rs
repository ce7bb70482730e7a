//! Transports: how an edge moves bytes between two stages. Each transport
//! opens a reader and a writer end, both close-on-exec from birth.

pub mod pipe;

use std::io;
use std::os::fd::OwnedFd;

/// How an edge is carried. Only anonymous pipes exist today; named FIFOs
/// and socketpairs plug in here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transport {
    /// An anonymous kernel pipe: pipe-run is out of the data path.
    #[default]
    Pipe,
}

/// The two ends of an open edge.
#[derive(Debug)]
pub struct Ends {
    pub reader: OwnedFd,
    pub writer: OwnedFd,
}

impl Transport {
    pub fn open(self) -> io::Result<Ends> {
        match self {
            Transport::Pipe => pipe::open(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Transport::Pipe => "pipe",
        }
    }
}
