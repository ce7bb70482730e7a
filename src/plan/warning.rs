//! Something the user should know about a plan that does not stop it from
//! running: pointed at in the source like an error, printed before the run.

use crate::syntax::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanWarning {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}
