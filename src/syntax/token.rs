//! Tokens: what the lexer hands to the parser.

use super::ast::{EdgeAttributes, RedirOp, Word};
use super::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    Word(Word),
    /// `|` or `|&`, with the edge attributes `[...]` written right after
    /// it (no space). The token's span is the operator's alone.
    Pipe {
        stderr_too: bool,
        attributes: Option<EdgeAttributes>,
    },
    /// A redirection operator with its optional single-digit fd prefix.
    Redirect {
        fd: Option<u32>,
        op: RedirOp,
    },
    Newline,
}
