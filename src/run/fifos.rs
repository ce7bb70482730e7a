//! Named FIFOs of process substitutions (`--procsub=fifo`), and the rule
//! that keeps their opens from ever hanging.
//!
//! The substitution's node (the "child side") opens its FIFO before exec,
//! and that open blocks until the command that names the FIFO (the
//! "program side") opens the other end, whenever it gets to it, if ever.
//! Either side may end without opening, so pipe-run steps in:
//!
//! - When the program side ends and the child side has not got past its
//!   open, pipe-run opens the FIFO read-write (which never blocks, and
//!   counts as both a reader and a writer) and holds it until the child
//!   side has exec'd or failed. The child's open completes; once the holder
//!   is closed, a writer gets SIGPIPE and a reader gets EOF, as if the
//!   program had opened the FIFO and closed it at once.
//! - When the child side ends, pipe-run opens the FIFO read-write, removes
//!   it, and closes it again: a program blocked in its open gets EOF (or
//!   SIGPIPE), and one that has not opened it yet fails to find it instead
//!   of waiting for ever.

use std::os::fd::OwnedFd;
use std::path::PathBuf;

use nix::fcntl::{OFlag, open};
use nix::sys::stat::Mode;

use crate::plan::{Attach, NodeId, Plan};

struct Fifo {
    path: PathBuf,
    /// The node whose program opens the FIFO by name.
    program: NodeId,
    /// The node that opens it before exec.
    child: NodeId,
    holder: Option<OwnedFd>,
}

#[derive(Default)]
pub struct NamedFifos {
    fifos: Vec<Fifo>,
}

fn open_both_ways(path: &PathBuf) -> Option<OwnedFd> {
    open(
        path,
        OFlag::O_RDWR | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW,
        Mode::empty(),
    )
    .ok()
}

impl NamedFifos {
    pub fn of(plan: &Plan) -> NamedFifos {
        let fifos = plan
            .edges
            .iter()
            .filter_map(|edge| {
                let path = edge.named_fifo()?.clone();
                let (program, child) = match edge.from.attach {
                    Attach::Path(_) => (edge.from.node, edge.to.node),
                    _ => (edge.to.node, edge.from.node),
                };
                Some(Fifo {
                    path,
                    program,
                    child,
                    holder: None,
                })
            })
            .collect();
        NamedFifos { fifos }
    }

    /// Node `node` ended; `set_up` says whether a node got past its opens.
    pub fn ended(&mut self, node: NodeId, set_up: impl Fn(NodeId) -> bool) {
        for fifo in &mut self.fifos {
            if fifo.program == node && !set_up(fifo.child) && fifo.holder.is_none() {
                fifo.holder = open_both_ways(&fifo.path);
            }
            if fifo.child == node {
                let release = open_both_ways(&fifo.path);
                let _ = std::fs::remove_file(&fifo.path);
                drop(release);
                fifo.holder = None;
            }
        }
    }

    /// Node `node` got past its opens (exec'd or failed).
    pub fn set_up(&mut self, node: NodeId) {
        for fifo in self.fifos.iter_mut().filter(|f| f.child == node) {
            fifo.holder = None;
        }
    }
}
