//! Named FIFOs of process substitutions (`--procsub=fifo`), and the rules
//! that keep their opens from ever hanging.
//!
//! The substitution's node (the "child side") opens its FIFO before exec,
//! and that open blocks until the command that names the FIFO (the
//! "program side") opens the other end, whenever it gets to it, if ever.
//! Either side may end without opening, so pipe-run steps in:
//!
//! - Once the program side has ended, the FIFO is orphaned: while a node
//!   of the child side has still not got past its opens, pipe-run "kicks"
//!   the FIFO every [`KICK`]: it opens the program's end without blocking
//!   and closes it at once. A child blocked opening the FIFO then gets
//!   through, and finds it as the program left it: a writer gets SIGPIPE,
//!   a reader end of file. (A child may be blocked on another FIFO first,
//!   so this goes on until every child is set up or gone.)
//! - When the whole child side has ended, pipe-run opens the FIFO
//!   read-write, removes it, and closes it again: a program blocked in its
//!   open gets EOF (or SIGPIPE), and one that has not opened it yet fails to
//!   find it instead of waiting for ever.
//!
//! The child side may be several nodes: a substitution inside the
//! substitution shares its stdout (or stdin), and opens the FIFO too.

use std::path::PathBuf;
use std::time::Duration;

use nix::fcntl::{OFlag, open};
use nix::sys::stat::Mode;

use crate::plan::{Attach, NodeId, Plan};
use crate::transport::{open_holder, remove_fifo};

/// How often an orphaned FIFO is kicked while a child may be blocked on it.
pub const KICK: Duration = Duration::from_millis(20);

struct Fifo {
    path: PathBuf,
    /// The node whose program opens the FIFO by name.
    program: NodeId,
    /// The nodes that open it before exec: the substitution's end, and any
    /// node of it that shares that end (see `Edge::more_readers`).
    children: Vec<NodeId>,
    /// The children write into the FIFO (a `<(...)`).
    children_write: bool,
    /// The program side has ended.
    orphaned: bool,
    /// Removed: nothing more to do.
    done: bool,
}

#[derive(Default)]
pub struct NamedFifos {
    fifos: Vec<Fifo>,
}

impl NamedFifos {
    pub fn of(plan: &Plan) -> NamedFifos {
        let fifos = plan
            .edges
            .iter()
            .filter_map(|edge| {
                let path = edge.named_fifo()?.clone();
                let (program, mut children, children_write) = match edge.from.attach {
                    Attach::Path(_) => (edge.from.node, vec![edge.to.node], false),
                    _ => (edge.to.node, vec![edge.from.node], true),
                };
                children.extend(&edge.more_readers);
                children.extend(&edge.more_writers);
                Some(Fifo {
                    path,
                    program,
                    children,
                    children_write,
                    orphaned: false,
                    done: false,
                })
            })
            .collect();
        NamedFifos { fifos }
    }

    /// Node `node` ended; `ended` says whether a node has ended.
    pub fn ended(&mut self, node: NodeId, ended: impl Fn(NodeId) -> bool) {
        for fifo in self.fifos.iter_mut().filter(|f| !f.done) {
            if fifo.program == node {
                fifo.orphaned = true;
            }
            if fifo.children.contains(&node) && fifo.children.iter().all(|&c| ended(c)) {
                let release = open_holder(&fifo.path);
                let _ = remove_fifo(&fifo.path);
                drop(release);
                fifo.done = true;
            }
        }
    }

    /// Kick every orphaned FIFO that a child may still be blocked on;
    /// `waiting` says whether a node has not got past its opens yet.
    /// Returns whether any FIFO needs kicking again later.
    pub fn kick(&mut self, waiting: impl Fn(NodeId) -> bool) -> bool {
        let mut again = false;
        for fifo in self.fifos.iter().filter(|f| f.orphaned && !f.done) {
            if !fifo.children.iter().any(|&c| waiting(c)) {
                continue;
            }
            again = true;
            // The program's end, without blocking: a reader always opens;
            // a writer opens only while a reader waits (else ENXIO).
            let flags = if fifo.children_write {
                OFlag::O_RDONLY
            } else {
                OFlag::O_WRONLY
            };
            let kick = open(
                &fifo.path,
                flags | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW,
                Mode::empty(),
            );
            drop(kick);
        }
        again
    }
}
