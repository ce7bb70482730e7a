//! An edge of the plan's graph: a connection from one node's fd to another
//! node's fd, carried by a [`Transport`] with its attributes.

use std::path::PathBuf;

use super::node::NodeId;
use crate::syntax::Span;
use crate::transport::Transport;

/// An edge's index in [`super::Plan::edges`].
pub type EdgeId = usize;

/// How an end of an edge reaches its node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attach {
    /// Put on this fd before the node's redirections: fd 0 and 1 for `|`,
    /// `/dev/fd/N` for a process substitution in an argument.
    Fd(u32),
    /// Put in place by the node's redirection at this index
    /// ([`super::FdAction::Edge`]): `cat < <(cmd)`.
    Redirect(usize),
    /// The node's program opens this FIFO itself, by the name it was given
    /// in an argument (`--procsub=fifo`).
    Path(PathBuf),
}

/// One end of an edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct End {
    pub node: NodeId,
    pub attach: Attach,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The writing end.
    pub from: End,
    /// The reading end.
    pub to: End,
    /// Nodes that also read from the edge on their fd 0: a `<(...)` inside
    /// the reading node inherits that node's stdin, as in bash.
    pub more_readers: Vec<NodeId>,
    /// Nodes that also write into the edge on their fd 1: a `>(...)` inside
    /// the writing node inherits that node's stdout, as in bash.
    pub more_writers: Vec<NodeId>,
    /// `|&`: fd 2 of the writer is a copy of its fd 1, made after the
    /// writer's own redirections (as bash documents for `|&`).
    pub stderr_too: bool,
    pub transport: Transport,
    /// The operator (`|`, `|[...]`) or the `<(...)` it came from.
    pub span: Span,
}

impl Edge {
    /// The fds an end of this edge occupies in its node, besides the
    /// attach: with `duplex`, the writer also reads from the edge on fd 0,
    /// and the reader writes back on fd 1.
    pub fn back_fd(&self, reader: bool) -> Option<u32> {
        self.transport.duplex.then_some(if reader { 1 } else { 0 })
    }

    /// Does this edge carry data written by `node`?
    pub fn written_by(&self, node: NodeId) -> bool {
        self.from.node == node
            || self.more_writers.contains(&node)
            || (self.transport.duplex && self.to.node == node)
    }

    /// Is `node` on the reading side of this edge (for a duplex edge: the
    /// right-hand side)?
    pub fn is_reader(&self, node: NodeId) -> bool {
        self.to.node == node || self.more_readers.contains(&node)
    }

    /// Is this edge on fd `fd` of `node` before the node's redirections:
    /// attached there, or the duplex way back?
    pub fn on_fd(&self, node: NodeId, fd: u32) -> bool {
        self.attach_of(node) == Attach::Fd(fd) || self.back_fd(self.is_reader(node)) == Some(fd)
    }

    /// How `node`'s end reaches it: its own attach, or fd 0 or 1 for a node
    /// that shares the edge.
    pub fn attach_of(&self, node: NodeId) -> Attach {
        if self.to.node == node {
            self.to.attach.clone()
        } else if self.from.node == node {
            self.from.attach.clone()
        } else if self.more_readers.contains(&node) {
            Attach::Fd(0)
        } else {
            Attach::Fd(1)
        }
    }

    /// A named FIFO that a program opens itself, if this edge has one.
    pub fn named_fifo(&self) -> Option<&PathBuf> {
        match (&self.from.attach, &self.to.attach) {
            (Attach::Path(p), _) | (_, Attach::Path(p)) => Some(p),
            _ => None,
        }
    }
}
