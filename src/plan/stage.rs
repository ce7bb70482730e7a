//! A planned stage: everything needed to start one program, fully expanded
//! and checked.

use std::ffi::OsString;
use std::path::PathBuf;

use super::redirect::FdAction;
use crate::environment::Environment;
use crate::syntax::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The resolved program, as passed to `execve`.
    pub program: PathBuf,
    /// Arguments, `argv[0]` being the name as written.
    pub argv: Vec<OsString>,
    /// The stage's own `NAME=value` assignments, for display.
    pub assignments: Vec<(OsString, OsString)>,
    /// The whole environment the program gets.
    pub env: Environment,
    /// Redirections, in source order.
    pub redirects: Vec<FdAction>,
    /// The stage's text in the expression.
    pub span: Span,
}

impl Stage {
    /// The argv quoted so that it can be pasted into a shell.
    pub fn display(&self) -> String {
        let words: Vec<String> = self
            .argv
            .iter()
            .map(|a| quote(&a.to_string_lossy()))
            .collect();
        words.join(" ")
    }
}

/// Quote one word for copy-paste into `sh`.
pub fn quote(word: &str) -> String {
    shlex::try_quote(word).map_or_else(|_| format!("{word:?}"), |q| q.into_owned())
}
