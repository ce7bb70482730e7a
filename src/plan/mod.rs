//! Step 2 of the flow: a syntax tree becomes a validated plan.
//!
//! The plan is a graph: nodes (today, programs to start) joined by edges that
//! connect a node's fd to another node's fd and carry a transport. The main
//! pipeline's stages and those of every `<(...)` and `>(...)` are nodes of
//! one graph, in the order their text starts. Building it expands every
//! word, resolves every program and checks every redirection; nothing is
//! opened or spawned.

mod build;
mod clobber;
pub mod context;
pub mod edge;
pub mod error;
pub mod interpreter;
pub mod node;
pub mod policy;
pub mod procsub;
pub mod redirect;
pub mod resolve;
pub mod stage;
#[cfg(test)]
mod tests;
pub mod warning;

pub use context::Context;
pub use edge::{Attach, Edge, EdgeId, End};
pub use error::{PlanError, PlanErrorKind};
pub use node::{Node, NodeId, NodeKind, Place};
pub use policy::StatusPolicy;
pub use procsub::ProcSubMode;
pub use redirect::{FdAction, OpenMode};
pub use stage::Stage;
pub use warning::PlanWarning;

use std::path::PathBuf;

use crate::syntax::Pipeline;

/// A validated pipeline, ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// In the order their text starts in the expression.
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Standard fds that every stage gets closed (they were closed when
    /// pipe-run started), before its edges and redirections.
    pub closed_std_fds: Vec<u32>,
    /// What the user should know before the run, which does not stop it.
    pub warnings: Vec<PlanWarning>,
    /// Whose statuses decide pipe-run's.
    pub policy: StatusPolicy,
    /// The run's private directory, for FIFOs: named now, since FIFO paths
    /// can appear in arguments, and made only when the run starts.
    pub private_dir: Option<PathBuf>,
}

impl Plan {
    /// Expand, resolve and check `pipeline` against `context`.
    ///
    /// ```
    /// use pipe_run::plan::{Context, Plan};
    /// let tree = pipe_run::syntax::parse("printf '%s\\n' \"$1\" | wc -c").unwrap();
    /// let context = Context::from_process("pipe-run".into(), vec!["hello".into()], false);
    /// let plan = Plan::build(&tree, &context).unwrap();
    /// assert_eq!(plan.nodes[0].stage().argv, ["printf", "%s\\n", "hello"]);
    /// assert!(plan.nodes[1].stage().program.ends_with("wc"));
    /// ```
    pub fn build(pipeline: &Pipeline, context: &Context) -> Result<Plan, PlanError> {
        build::build(pipeline, context)
    }

    /// The edges of node `id` that are attached to its fd `fd` (the
    /// duplex way back included).
    pub fn edges_on(&self, id: NodeId, fd: u32) -> impl Iterator<Item = &Edge> {
        self.nodes[id]
            .edges
            .iter()
            .map(|&e| &self.edges[e])
            .filter(move |e| e.on_fd(id, fd))
    }
}
