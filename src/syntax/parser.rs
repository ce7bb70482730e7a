//! The parser: tokens to a [`Pipeline`].
//!
//! Grammar (one pipeline; newlines may follow a `|`):
//! `pipeline := command (pipe newline* command)*`,
//! `command := (assignment)* (word | redirect)+`.

use super::ast::{
    Assignment, Command, Connector, ConnectorKind, Pipeline, Redirect, Word, WordPart,
};
use super::error::{SHELL_HINT, SyntaxError};
use super::lexer::{lex_partial, skip_continuations};
use super::span::Span;
use super::token::{Token, TokenKind};

/// Parse an expression into its syntax tree.
///
/// The text is bytes (a `&str`, a `String` or a `Vec<u8>` will do): the
/// syntax is ASCII, and literal text may hold any byte, UTF-8 or not.
///
/// ```
/// let pipeline = pipe_run::syntax::parse("ls -l | grep txt").unwrap();
/// assert_eq!(pipeline.stages.len(), 2);
/// let pipeline = pipe_run::syntax::parse(b"cat \xff.txt").unwrap();
/// assert_eq!(pipeline.stages[0].words.len(), 2);
/// ```
pub fn parse(text: impl AsRef<[u8]>) -> Result<Pipeline, SyntaxError> {
    let text = text.as_ref();
    let (tokens, pending) = lex_partial(text);
    parse_tokens(text, tokens, pending, text.len())
}

/// The pipeline that `tokens`, lexed from `text`, make. `pending` is the
/// lexer's error after the last of them, if it stopped early; `end` is
/// where the tokens end (the text's end, or the `)` of a process
/// substitution).
pub(super) fn parse_tokens(
    text: &[u8],
    tokens: Vec<Token>,
    pending: Option<SyntaxError>,
    end: usize,
) -> Result<Pipeline, SyntaxError> {
    let mut parser = Parser {
        text,
        tokens,
        pos: 0,
        end,
        pending,
    };
    let pipeline = parser.pipeline()?;
    match parser.pending {
        Some(err) => Err(err),
        None => Ok(pipeline),
    }
}

/// Words that a shell treats as its own syntax in command position.
const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "{",
    "}", "!", "[[", "]]", "function", "select",
];

struct Parser<'a> {
    /// The whole text, which spans point into.
    text: &'a [u8],
    tokens: Vec<Token>,
    pos: usize,
    /// Length of the text, for errors at its end.
    end: usize,
    /// The lexer's error after the last token: the tokens run out there.
    pending: Option<SyntaxError>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn skip_newlines(&mut self) {
        while matches!(
            self.peek(),
            Some(Token {
                kind: TokenKind::Newline,
                ..
            })
        ) {
            self.pos += 1;
        }
    }

    /// An error found where the tokens end: the lexer's error, if it
    /// stopped early, is the real one.
    fn at_end(&mut self, err: SyntaxError) -> SyntaxError {
        self.pending.take().unwrap_or(err)
    }

    fn pipeline(&mut self) -> Result<Pipeline, SyntaxError> {
        self.skip_newlines();
        let mut stages = vec![self.command(None)?];
        let mut connectors = Vec::new();
        loop {
            match self.peek().cloned() {
                None => break,
                Some(Token {
                    kind:
                        TokenKind::Pipe {
                            stderr_too,
                            attributes,
                        },
                    span,
                }) => {
                    self.pos += 1;
                    self.skip_newlines();
                    connectors.push(Connector {
                        kind: if stderr_too {
                            ConnectorKind::StdoutAndStderr
                        } else {
                            ConnectorKind::Stdout
                        },
                        attributes,
                        span,
                    });
                    stages.push(self.command(Some(span))?);
                }
                Some(Token {
                    kind: TokenKind::Newline,
                    span,
                }) => {
                    self.skip_newlines();
                    if let Some(next) = self.peek() {
                        let at = if matches!(next.kind, TokenKind::Pipe { .. }) {
                            next.span
                        } else {
                            span
                        };
                        return Err(SyntaxError::new(
                            at,
                            "a newline ends the pipeline, but more follows: pipe-run runs one pipeline",
                        )
                        .help("to continue a pipeline on the next line, end the line with `|` or `\\`"));
                    }
                }
                Some(token) => unreachable!("command() stops only at a pipe or newline: {token:?}"),
            }
        }
        Ok(Pipeline { stages, connectors })
    }

    /// One simple command. `after` is the span of the pipe before it, for
    /// the error when it is missing.
    fn command(&mut self, after: Option<Span>) -> Result<Command, SyntaxError> {
        let mut assignments = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        let mut redirects = Vec::new();
        let mut span: Option<Span> = None;
        while let Some(token) = self.peek().cloned() {
            match token.kind {
                TokenKind::Pipe { .. } | TokenKind::Newline => break,
                TokenKind::Word(word) => {
                    self.pos += 1;
                    if words.is_empty() {
                        if let Some(assignment) = as_assignment(self.text, &word) {
                            check_assigned(&assignment)?;
                            assignments.push(assignment);
                        } else {
                            if assignments.is_empty() && redirects.is_empty() {
                                check_reserved(&word)?;
                            }
                            words.push(word);
                        }
                    } else {
                        words.push(word);
                    }
                }
                TokenKind::Redirect { fd, op } => {
                    self.pos += 1;
                    let target = match self.peek() {
                        Some(Token {
                            kind: TokenKind::Word(w),
                            ..
                        }) => w.clone(),
                        Some(_) => {
                            return Err(SyntaxError::new(
                                token.span,
                                "missing file name after redirection",
                            ));
                        }
                        None => {
                            let err =
                                SyntaxError::new(token.span, "missing file name after redirection");
                            return Err(self.at_end(err));
                        }
                    };
                    self.pos += 1;
                    let redirect = Redirect {
                        fd,
                        op,
                        span: token.span.to(target.span),
                        target,
                    };
                    super::redirect::check_dup_target(&redirect)?;
                    redirects.push(redirect);
                }
            }
            // From the first token consumed here (a redirection operator
            // included) to the last.
            let token_span = self.tokens[self.pos - 1].span.to(token.span);
            span = Some(span.map_or(token_span, |s| s.to(token_span)));
        }
        let Some(span) = span else {
            let at = match (self.peek(), after) {
                (Some(t), _) => t.span,
                (None, Some(pipe)) => pipe,
                (None, None) => Span::new(self.end, self.end),
            };
            let message = match after {
                Some(_) => "missing command after `|`",
                None if self.peek().is_some() => "missing command before `|`",
                None => "empty pipeline: there is no command to run",
            };
            let err = SyntaxError::new(at, message);
            return Err(if self.peek().is_none() {
                self.at_end(err)
            } else {
                err
            });
        };
        Ok(Command {
            assignments,
            words,
            redirects,
            span,
        })
    }
}

/// `NAME=value` when the word (lexed from `source`) starts with an
/// unquoted name and `=`.
fn as_assignment(source: &[u8], word: &Word) -> Option<Assignment> {
    let Some(WordPart::Literal {
        text,
        quoted: false,
    }) = word.parts.first()
    else {
        return None;
    };
    let eq = text.iter().position(|&b| b == b'=')?;
    let name = &text[..eq];
    let (&first, rest) = name.split_first()?;
    if !(first.is_ascii_alphabetic() || first == b'_')
        || !rest.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        return None;
    }
    let mut parts = word.parts.clone();
    let value = text[eq + 1..].to_vec();
    if value.is_empty() {
        parts.remove(0);
    } else {
        parts[0] = WordPart::Literal {
            text: value,
            quoted: false,
        };
    }
    // The value starts right after the name and `=`, which a `\`-newline
    // may split (`A\`-newline-`=1`).
    let mut start = word.span.start;
    for _ in 0..=eq {
        start = skip_continuations(source, start) + 1;
    }
    Some(Assignment {
        // Checked above: ASCII letters, digits and `_`.
        name: String::from_utf8_lossy(name).into_owned(),
        value: Word {
            parts,
            span: Span::new(start, word.span.end.max(start)),
        },
        span: word.span,
    })
}

/// Refuse a process substitution in an assignment's value (`A=<(cmd)`):
/// the plan runs one only for an argument or a redirection.
fn check_assigned(assignment: &Assignment) -> Result<(), SyntaxError> {
    match assignment.value.parts.iter().find_map(|p| match p {
        WordPart::ProcSub(sub) => Some(sub.span),
        _ => None,
    }) {
        Some(span) => Err(SyntaxError::new(
            span,
            format!(
                "a process substitution cannot be assigned to `{}`",
                assignment.name
            ),
        )
        .help("pass it to the command as an argument instead: `cmd <(...)`")),
        None => Ok(()),
    }
}

fn check_reserved(word: &Word) -> Result<(), SyntaxError> {
    if let [
        WordPart::Literal {
            text,
            quoted: false,
        },
    ] = word.parts.as_slice()
        && let Some(&keyword) = RESERVED.iter().find(|r| r.as_bytes() == text.as_slice())
    {
        let what = match keyword {
            "{" | "}" => "command groups `{ ... }` are not supported".to_string(),
            "!" => "negating a pipeline with `!` is not supported".to_string(),
            _ => format!("the shell keyword `{keyword}` is not supported"),
        };
        return Err(SyntaxError::new(word.span, what).help(SHELL_HINT));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_and_connectors() {
        let p = parse("a x | b |& c").unwrap();
        assert_eq!(p.stages.len(), 3);
        assert_eq!(p.connectors[1].kind, ConnectorKind::StdoutAndStderr);
        assert_eq!(p.stages[0].words.len(), 2);
    }

    #[test]
    fn newlines_after_pipe_continue() {
        let p = parse("\n# comment\na |\n\n  # more\n b\n\n").unwrap();
        assert_eq!(p.stages.len(), 2);
    }

    #[test]
    fn newline_between_commands_is_refused() {
        let err = parse("a\nb").unwrap_err();
        assert_eq!(err.span.start, 1);
    }

    #[test]
    fn assignments_only_before_the_command() {
        let p = parse("A=1 >f B=2 env C=3").unwrap();
        let c = &p.stages[0];
        assert_eq!(c.assignments.len(), 2);
        assert_eq!(c.words.len(), 2);
        assert_eq!(c.assignments[1].name, "B");
        assert_eq!(c.redirects.len(), 1);
    }

    #[test]
    fn missing_commands() {
        assert_eq!(
            parse("").unwrap_err().message,
            "empty pipeline: there is no command to run"
        );
        assert_eq!(parse("a |").unwrap_err().span, Span::new(2, 3));
        assert_eq!(parse("| a").unwrap_err().span, Span::new(0, 1));
        assert_eq!(parse("a | | b").unwrap_err().span, Span::new(4, 5));
    }

    #[test]
    fn keywords_in_command_position() {
        assert_eq!(parse("ls | if x").unwrap_err().span, Span::new(5, 7));
        assert!(parse("echo if").is_ok());
        assert!(parse("'if' x").is_ok());
        assert!(parse("{ ls").is_err());
    }

    #[test]
    fn edge_attributes_on_connectors() {
        let p = parse("a |[fifo,size=64K] b |& c").unwrap();
        let a = p.connectors[0].attributes.as_ref().unwrap();
        assert_eq!(
            a.transport.map(|(k, _)| k),
            Some(crate::transport::Kind::Fifo)
        );
        assert_eq!(a.size, Some((65536, Span::new(9, 17))));
        assert_eq!(a.span, Span::new(3, 18));
        assert_eq!(p.connectors[0].span, Span::new(2, 3));
        assert_eq!(p.connectors[1].attributes, None);
        assert_eq!(p.connectors[1].span, Span::new(21, 23));
        assert_eq!(p.stages[1].span, Span::new(19, 20));
        // A bad attribute is refused at the item, after what comes first.
        assert_eq!(
            parse("a |[fifo,duplex] b").unwrap_err().span,
            Span::new(9, 15)
        );
        assert_eq!(parse("{ a |[fast] b").unwrap_err().span, Span::new(0, 1));
        assert_eq!(parse("a |[fifo]").unwrap_err().span, Span::new(2, 3));
    }

    #[test]
    fn process_substitutions_in_arguments_and_redirections() {
        let p = parse("diff <(sort a | uniq) b < <(c) A=<(d)").unwrap();
        let stage = &p.stages[0];
        assert_eq!(stage.words.len(), 4);
        let WordPart::ProcSub(sub) = &stage.words[1].parts[0] else {
            panic!("{stage:?}");
        };
        assert_eq!(sub.pipeline.stages.len(), 2);
        assert_eq!(sub.pipeline.stages[1].span, Span::new(16, 20));
        assert!(matches!(
            stage.redirects[0].target.parts[..],
            [WordPart::ProcSub(_)]
        ));
        assert!(parse("cat <&<(a)").is_ok(), "checked once expanded");
    }

    #[test]
    fn process_substitutions_are_not_assigned() {
        for (text, span) in [
            ("A=<(x) cmd", Span::new(2, 6)),
            ("A=b>(x) cmd", Span::new(3, 7)),
            ("cat <(A=<(x) cmd)", Span::new(8, 12)),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.span, span, "{text}");
            assert_eq!(
                err.message, "a process substitution cannot be assigned to `A`",
                "{text}"
            );
        }
        let p = parse("A=b cmd A=<(x)").unwrap();
        assert_eq!(p.stages[0].assignments.len(), 1);
    }

    #[test]
    fn redirect_needs_target() {
        assert!(parse("cat <").is_err());
        assert!(parse("cat > | x").is_err());
    }
}
