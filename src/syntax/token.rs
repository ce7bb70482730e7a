//! Tokens: what the lexer hands to the parser.

use super::ast::{RedirOp, Word};
use super::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    Word(Word),
    /// `|` or `|&`, with the text of `[...]` written right after it (no
    /// space), which is reserved for edge attributes.
    Pipe {
        stderr_too: bool,
        attributes: Option<(String, Span)>,
    },
    /// A redirection operator with its optional single-digit fd prefix.
    Redirect {
        fd: Option<u32>,
        op: RedirOp,
    },
    Newline,
}
