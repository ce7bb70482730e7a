//! Lexing what follows a `$`: parameters (`$NAME`, `${NAME...}`, `$1`,
//! `$@`, ...), and the refused substitutions (`$(...)`, `$((...))`, `$?`).
//! `$'...'` is a kind of quoting, not an expansion: see `dollar_quote`.

use super::{Context, Lexer, Parts, is_name_byte, is_name_start};
use crate::syntax::ast::{ParamExpansion, ParamName, ParamOp};
use crate::syntax::error::{SHELL_HINT, SyntaxError};
use crate::syntax::span::Span;

/// Deepest `${...}` nesting accepted. Lexing, expansion and dropping the
/// tree recurse once per level, so an absurd depth would overflow the
/// stack; no real expression comes near this.
pub(super) const MAX_DEPTH: usize = 64;

impl Lexer<'_> {
    /// `$` next: a parameter expansion, a refused substitution, or a
    /// literal `$`.
    pub(super) fn dollar(&mut self, parts: &mut Parts, quoted: bool) -> Result<(), SyntaxError> {
        let start = self.here();
        let name = match self.peek_at(1) {
            Some(b'{') => return self.braced(parts, quoted),
            Some(b'(') => {
                return Err(if self.peek_at(2) == Some(b'(') {
                    self.refuse(
                        3,
                        "arithmetic expansion $((...)) is not supported",
                        "compute the value first and pass it as an argument: pipe-run '...' \"$((1 + 2))\"",
                    )
                } else {
                    self.refuse(
                        2,
                        "command substitution $(...) is not supported",
                        "run the command first and pass its output as an argument: pipe-run '...' \"$(cmd)\"",
                    )
                });
            }
            Some(b) if is_name_start(b) => {
                self.bump();
                ParamName::Var(self.name())
            }
            Some(b) if b.is_ascii_digit() => {
                self.bump_n(2);
                ParamName::Positional(usize::from(b - b'0'))
            }
            Some(b) => match special_param(b) {
                Some(Ok(name)) => {
                    self.bump_n(2);
                    name
                }
                Some(Err(message)) => {
                    return Err(self.refuse(2, message, SHELL_HINT));
                }
                None => {
                    parts.bytes(b"$", quoted);
                    self.bump();
                    return Ok(());
                }
            },
            None => {
                parts.bytes(b"$", quoted);
                self.bump();
                return Ok(());
            }
        };
        parts.param(ParamExpansion {
            name,
            op: ParamOp::Plain,
            quoted,
            braced: false,
            span: self.span_from(start),
        });
        Ok(())
    }

    /// The bytes next that make a name (letters, digits and `_`).
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(b) = self.peek().filter(|&b| is_name_byte(b)) {
            name.push(char::from(b));
            self.bump();
        }
        name
    }

    /// `${...}` next.
    fn braced(&mut self, parts: &mut Parts, quoted: bool) -> Result<(), SyntaxError> {
        if self.depth == MAX_DEPTH {
            return Err(SyntaxError::new(
                self.next_span(2),
                format!("expansions nested more than {MAX_DEPTH} deep"),
            ));
        }
        self.depth += 1;
        let result = self.braced_inner(parts, quoted);
        self.depth -= 1;
        result
    }

    fn braced_inner(&mut self, parts: &mut Parts, quoted: bool) -> Result<(), SyntaxError> {
        let start = self.here();
        self.bump_n(2);
        let opener = self.span_from(start);
        let bad = |lexer: &Lexer, message: &str| {
            let end = lexer.bytes[start..]
                .iter()
                .position(|&b| b == b'}')
                .map_or(lexer.text_end(start), |p| start + p + 1);
            SyntaxError::new(Span::new(start, end), message.to_string())
        };
        // dash's rule for a leading `#`: `${#name}` and `${#1}` are lengths;
        // so is `${#c}` for a special parameter `c` directly followed by `}`
        // (`${##}` is the length of `$#`); otherwise `#` is the name, maybe
        // followed by an operator (`${#}`, `${###}`, `${#-x}`).
        let mut length = false;
        if self.peek() == Some(b'#') {
            length = match (self.peek_at(1), self.peek_at(2)) {
                (Some(b), _) if is_name_byte(b) => true,
                (Some(b'@' | b'*' | b'#' | b'$' | b'?' | b'-' | b'!'), Some(b'}')) => true,
                _ => false,
            };
            if length {
                self.bump();
            }
        }
        let name = match self.peek() {
            Some(b) if is_name_start(b) => ParamName::Var(self.name()),
            Some(b) if b.is_ascii_digit() => {
                let mut digits = String::new();
                while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
                    digits.push(char::from(b));
                    self.bump();
                }
                match digits.parse() {
                    Ok(n) => ParamName::Positional(n),
                    Err(_) => {
                        return Err(bad(self, "bad substitution: parameter number too large"));
                    }
                }
            }
            Some(b'!') if self.peek_at(1).is_some_and(is_name_byte) => {
                return Err(bad(
                    self,
                    "indirect expansion `${!name}` is bash syntax, not sh",
                ));
            }
            Some(b) => match special_param(b) {
                Some(Ok(name)) => {
                    self.bump();
                    name
                }
                Some(Err(message)) => {
                    let span = Span::new(start, self.end_of(1));
                    return Err(SyntaxError::new(span, message).help(SHELL_HINT));
                }
                None => return Err(bad(self, "bad substitution")),
            },
            None => return Err(unterminated(opener)),
        };
        let op_start = self.here();
        let op = if length {
            ParamOp::Length
        } else {
            let colon = self.peek() == Some(b':');
            if colon {
                self.bump();
            }
            let c = self.peek();
            let word_context = if quoted {
                Context::BraceInQuotes
            } else {
                Context::Brace
            };
            match c {
                None => return Err(unterminated(opener)),
                Some(b'}') if !colon => ParamOp::Plain,
                Some(b'-' | b'+' | b'?') => {
                    self.bump();
                    let word = self.word(word_context)?;
                    match c {
                        Some(b'-') => ParamOp::Default { colon, word },
                        Some(b'+') => ParamOp::Alternative { colon, word },
                        _ => ParamOp::Error {
                            colon,
                            word: (!word.parts.is_empty()).then_some(word),
                        },
                    }
                }
                Some(b'=') => {
                    return Err(SyntaxError::new(
                        Span::new(op_start, self.end_of(1)),
                        "assigning default values with `${name=word}` is not supported",
                    )
                    .help("use `${name-word}`, which expands the same without assigning"));
                }
                Some(b'#' | b'%') if !colon => {
                    let doubled = self.peek_at(1) == c;
                    self.bump_n(if doubled { 2 } else { 1 });
                    // A pattern keeps its own quoting even inside double
                    // quotes: `"${x%.*}"` trims, as in dash.
                    let pattern = self.word(Context::Brace)?;
                    if c == Some(b'#') {
                        ParamOp::TrimPrefix {
                            longest: doubled,
                            pattern,
                        }
                    } else {
                        ParamOp::TrimSuffix {
                            longest: doubled,
                            pattern,
                        }
                    }
                }
                _ => return Err(bad(self, "bad substitution")),
            }
        };
        if self.peek() != Some(b'}') {
            return Err(if self.peek().is_none() {
                unterminated(opener)
            } else {
                bad(self, "bad substitution")
            });
        }
        self.bump();
        parts.param(ParamExpansion {
            name,
            op,
            quoted,
            braced: true,
            span: self.span_from(start),
        });
        Ok(())
    }
}

fn unterminated(opener: Span) -> SyntaxError {
    SyntaxError::new(opener, "unterminated `${`").help("add the closing `}`")
}

/// The one-character special parameters: supported ones, and refused ones
/// with the reason. `None` means the `$` is literal.
fn special_param(b: u8) -> Option<Result<ParamName, &'static str>> {
    Some(match b {
        b'@' => Ok(ParamName::At),
        b'*' => Ok(ParamName::Star),
        b'#' => Ok(ParamName::Count),
        b'$' => Ok(ParamName::Pid),
        b'?' => Err("`$?` is not supported: there is no previous command"),
        b'!' => Err("`$!` is not supported: there are no background jobs"),
        b'-' => Err("`$-` is not supported: there are no shell options"),
        _ => return None,
    })
}
