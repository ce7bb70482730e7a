//! Syntax errors: what is wrong, where (a byte span), and the way out.
//!
//! Rendering with a caret is the report's job; this only carries the facts.

use std::fmt;

use super::span::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    /// One line naming the problem, e.g. "`;` is not supported".
    pub message: String,
    /// How to get what the user meant, if there is a known way.
    pub help: Option<String>,
}

impl SyntaxError {
    pub fn new(span: Span, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> SyntaxError {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// The hint shared by every construct that only a real shell can run.
pub const SHELL_HINT: &str = "to use shell syntax, run a shell as one stage: sh -c '...'";

/// Bytes of the expression, for a message: UTF-8 text as it is, and every
/// byte that is not part of UTF-8 text as `\xNN`.
pub fn shown(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}
