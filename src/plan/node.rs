//! A node of the plan's graph: something that runs and has fds. Today every
//! node is a child process (a [`Stage`]); nodes that pipe-run runs itself
//! (tee, buffers) are other kinds of the same thing.

use super::edge::EdgeId;
use super::stage::Stage;
use crate::syntax::Span;
use crate::syntax::ast::ProcSubDirection;

/// A node's index in [`super::Plan::nodes`]: nodes are in the order their
/// text starts in the expression, so "rightmost" means the highest id.
pub type NodeId = usize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    /// Where the node sits in the expression.
    pub place: Place,
    /// The edges this node is an end of, in the order they were made.
    pub edges: Vec<EdgeId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// A program started as a child process.
    Process(Stage),
}

/// Which pipeline of the expression a node belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The top-level pipeline.
    Main,
    /// The pipeline inside a `<(...)` or `>(...)` written in node `of`'s
    /// words or redirections.
    Substitution {
        of: NodeId,
        direction: ProcSubDirection,
        span: Span,
    },
}

impl Node {
    pub fn stage(&self) -> &Stage {
        match &self.kind {
            NodeKind::Process(stage) => stage,
        }
    }

    /// The node's text in the expression.
    pub fn span(&self) -> Span {
        self.stage().span
    }

    /// The `<(...)` or `>(...)` the node is inside of, if any.
    pub fn place_span(&self) -> Option<Span> {
        match self.place {
            Place::Main => None,
            Place::Substitution { span, .. } => Some(span),
        }
    }
}
