//! Process substitution, `<(...)` and `>(...)`: a word part that holds a
//! whole pipeline. The inside is read by this same lexer (so quotes,
//! `$x`, `|[...]`, redirections and more substitutions work there) up to
//! the matching unquoted `)`, and parsed by the same parser; every span
//! inside is an offset in the whole text.
//!
//! As in bash, an unquoted `<` or `>` directly followed by `(` starts one,
//! as a word of its own (`diff <(sort a) <(sort b)`) or inside a word
//! (`--file=<(cmd)`, `2<(cmd)`); after a redirection operator and a blank
//! it is the target (`cat < <(cmd)`).

use super::dollar::MAX_DEPTH;
use super::{Lexer, Parts, Stop};
use crate::syntax::ast::{ProcSub, ProcSubDirection};
use crate::syntax::error::SyntaxError;
use crate::syntax::parser::parse_tokens;
use crate::syntax::token::TokenKind;

impl Lexer<'_> {
    /// `<(` or `>(` next.
    pub(super) fn proc_sub(&mut self, parts: &mut Parts) -> Result<(), SyntaxError> {
        let open = self.here();
        let (direction, opener) = match self.peek() {
            Some(b'<') => (ProcSubDirection::Input, "<("),
            _ => (ProcSubDirection::Output, ">("),
        };
        if self.depth == MAX_DEPTH {
            return Err(SyntaxError::new(
                self.next_span(2),
                format!("process substitutions nested more than {MAX_DEPTH} deep"),
            ));
        }
        self.depth += 1;
        let outer = std::mem::replace(&mut self.in_proc_sub, true);
        self.bump_n(2);
        let opening = self.span_from(open);
        let (tokens, stop) = self.tokens();
        self.in_proc_sub = outer;
        self.depth -= 1;
        let pipeline = match stop {
            // The tokens before the error come first, as for the whole
            // text: `<({ a; })` is refused as a group.
            Stop::Error(err) => {
                return Err(parse_tokens(self.bytes, tokens, Some(err), self.here())
                    .expect_err("parsing up to a lexing error ends in an error"));
            }
            Stop::End => {
                return Err(SyntaxError::new(
                    opening,
                    format!("unterminated process substitution: `{opener}` has no matching `)`"),
                )
                .help("add the closing `)`"));
            }
            Stop::Close => {
                let close = self.here();
                self.bump();
                if tokens.iter().all(|t| t.kind == TokenKind::Newline) {
                    return Err(SyntaxError::new(
                        self.span_from(open),
                        format!("empty process substitution: no command inside `{opener}...)`"),
                    ));
                }
                parse_tokens(self.bytes, tokens, None, close)?
            }
        };
        parts.proc_sub(ProcSub {
            direction,
            pipeline,
            span: self.span_from(open),
        });
        Ok(())
    }
}
