//! Why a plan could not be built: each error names the problem, points at
//! the source, and knows its documented exit status.

use std::fmt;

use crate::syntax::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub kind: PlanErrorKind,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanErrorKind {
    /// An expansion failed (`-u` and an unset variable, `${x?}`), or a
    /// construct is not supported: exit 2.
    Usage,
    /// A redirection cannot be done (missing input file, bad fd, a file
    /// read and truncated by the same pipeline): exit 2,
    /// as dash reports a failed redirection.
    Redirect,
    /// The program, or the interpreter its `#!` line names, was not found:
    /// exit 127.
    NotFound,
    /// The program, or its interpreter, was found but cannot be executed:
    /// exit 126.
    NotExecutable,
}

impl PlanError {
    pub fn new(kind: PlanErrorKind, span: Span, message: impl Into<String>) -> PlanError {
        PlanError {
            kind,
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> PlanError {
        self.help = Some(help.into());
        self
    }

    /// The exit status pipe-run documents for this error.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            PlanErrorKind::Usage | PlanErrorKind::Redirect => 2,
            PlanErrorKind::NotFound => 127,
            PlanErrorKind::NotExecutable => 126,
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PlanError {}
