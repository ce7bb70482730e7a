//! Step 2 of the flow: a syntax tree becomes a validated plan.
//!
//! The plan is a small graph: stages are nodes, edges connect one stage's
//! output to the next one's input. Building it expands every word, resolves
//! every program and checks every redirection; nothing is opened or spawned.

mod build;
mod clobber;
pub mod context;
pub mod edge;
pub mod error;
pub mod interpreter;
pub mod redirect;
pub mod resolve;
pub mod stage;
pub mod warning;

pub use context::Context;
pub use edge::{Carries, Edge};
pub use error::{PlanError, PlanErrorKind};
pub use redirect::{FdAction, OpenMode};
pub use stage::Stage;
pub use warning::PlanWarning;

use crate::syntax::Pipeline;

/// A validated pipeline, ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub stages: Vec<Stage>,
    pub edges: Vec<Edge>,
    /// Standard fds that every stage gets closed (they were closed when
    /// pipe-run started), before its edges and redirections.
    pub closed_std_fds: Vec<u32>,
    /// What the user should know before the run, which does not stop it.
    pub warnings: Vec<PlanWarning>,
}

impl Plan {
    /// Expand, resolve and check `pipeline` against `context`.
    ///
    /// ```
    /// use pipe_run::plan::{Context, Plan};
    /// let tree = pipe_run::syntax::parse("printf '%s\\n' \"$1\" | wc -c").unwrap();
    /// let context = Context::from_process("pipe-run".into(), vec!["hello".into()], false);
    /// let plan = Plan::build(&tree, &context).unwrap();
    /// assert_eq!(plan.stages[0].argv, ["printf", "%s\\n", "hello"]);
    /// assert!(plan.stages[1].program.ends_with("wc"));
    /// ```
    pub fn build(pipeline: &Pipeline, context: &Context) -> Result<Plan, PlanError> {
        build::build(pipeline, context)
    }

    /// The edge feeding stage `index`, if any.
    pub fn edge_into(&self, index: usize) -> Option<&Edge> {
        self.edges.iter().find(|e| e.to == index)
    }

    /// The edge fed by stage `index`, if any.
    pub fn edge_out_of(&self, index: usize) -> Option<&Edge> {
        self.edges.iter().find(|e| e.from == index)
    }
}
