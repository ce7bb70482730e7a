//! The lexer: expression text to tokens, each with its byte span.
//!
//! It knows sh's quoting and expansion syntax, and refuses, at the exact
//! column, every construct outside the subset pipe-run runs (`;`, `&&`,
//! `$(...)`, here-documents, ...), so nothing is run for a script that would
//! mean something else under a shell.

mod dollar;
mod dollar_quote;
mod proc_sub;
#[cfg(test)]
mod tests;

use super::ast::{EdgeAttributes, ParamExpansion, ProcSub, RedirOp, Word, WordPart};
use super::continuation::join;
use super::error::{SHELL_HINT, SyntaxError};
use super::span::Span;
use super::token::{Token, TokenKind};

/// Split `text` into tokens. Comments and `\`-newline are dropped.
///
/// The text is bytes: only the syntax is ASCII, and literal text may hold
/// any byte (file names are bytes), so it need not be UTF-8.
pub fn lex(text: impl AsRef<[u8]>) -> Result<Vec<Token>, SyntaxError> {
    match lex_partial(text.as_ref()) {
        (tokens, None) => Ok(tokens),
        (_, Some(err)) => Err(err),
    }
}

/// The tokens up to the first error, and that error. The parser looks at
/// the tokens first, so that `{ a; }` is refused as a group (at `{`), not
/// for its `;`.
pub fn lex_partial(text: &[u8]) -> (Vec<Token>, Option<SyntaxError>) {
    // No argument can hold a NUL byte (a `-f` file might): refuse it where
    // it is, whatever comes before it.
    let nul = text.iter().position(|&b| b == 0);
    let joined = join(&text[..nul.unwrap_or(text.len())]);
    let mut lexer = Lexer {
        bytes: &joined.text,
        pos: 0,
        depth: 0,
        in_proc_sub: false,
    };
    let (mut tokens, stop) = lexer.tokens();
    for token in &mut tokens {
        joined.remap_token(token);
    }
    let error = match stop {
        Stop::End => None,
        Stop::Close => unreachable!("a `)` closes a process substitution only inside one"),
        Stop::Error(mut err) => {
            err.span = joined.original(err.span);
            Some(err)
        }
    };
    let error = match nul {
        Some(at) => Some(SyntaxError::new(
            Span::new(at, at + 1),
            "a NUL byte cannot be part of a command",
        )),
        None => error,
    };
    (tokens, error)
}

struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// How many `${` and `<(` the lexer is inside of.
    depth: usize,
    /// Reading the inside of `<(...)`: an unquoted `)` ends it.
    in_proc_sub: bool,
}

/// Why [`Lexer::tokens`] stopped.
enum Stop {
    /// The end of the text.
    End,
    /// A `)` that ends a process substitution, at `pos`.
    Close,
    Error(SyntaxError),
}

/// Where a word is being read: it decides what ends it and what `\` escapes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// A plain word: ends at a blank or an operator.
    Unquoted,
    /// The word inside `${name-...}` outside double quotes: ends at `}`.
    Brace,
    /// The word inside `${name-...}` within double quotes: ends at `}`,
    /// and its text is quoted.
    BraceInQuotes,
}

/// Collects the parts of one word, merging adjacent literals of the same
/// quoting so the tree stays small.
struct Parts {
    parts: Vec<WordPart>,
}

impl Parts {
    fn new() -> Parts {
        Parts { parts: Vec::new() }
    }

    fn bytes(&mut self, s: &[u8], quoted: bool) {
        if let Some(WordPart::Literal { text, quoted: q }) = self.parts.last_mut()
            && *q == quoted
        {
            text.extend_from_slice(s);
            return;
        }
        self.parts.push(WordPart::Literal {
            text: s.to_vec(),
            quoted,
        });
    }

    /// An empty quoted literal, so `""` still makes a (empty) field.
    fn empty_quoted(&mut self) {
        if !matches!(
            self.parts.last(),
            Some(WordPart::Literal { quoted: true, .. })
        ) {
            self.parts.push(WordPart::Literal {
                text: Vec::new(),
                quoted: true,
            });
        }
    }

    fn param(&mut self, p: ParamExpansion) {
        self.parts.push(WordPart::Param(Box::new(p)));
    }

    fn proc_sub(&mut self, p: ProcSub) {
        self.parts.push(WordPart::ProcSub(Box::new(p)));
    }
}

/// An unquoted carriage return before a newline: the text was saved with
/// Windows line endings. sh would make the `\r` part of the last word of
/// each line (`file\r`), so it is refused where it first appears, even
/// after a `\` (meant as a line continuation).
fn crlf(at: usize) -> SyntaxError {
    SyntaxError::new(
        Span::new(at, at + 1),
        "carriage return before a newline: this text has Windows (CRLF) line endings",
    )
    .help("convert it to Unix (LF) line endings, e.g. `dos2unix FILE` or `sed -i 's/\\r$//' FILE`")
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Bytes that end an unquoted word.
fn is_word_end(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'|' | b'&' | b';' | b'<' | b'>' | b'(' | b')'
    )
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.bytes[self.pos..].starts_with(s.as_bytes())
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.pos)
    }

    fn refuse(&self, start: usize, len: usize, message: &str, help: &str) -> SyntaxError {
        SyntaxError::new(Span::new(start, start + len), message).help(help)
    }

    /// The bytes of the character at `pos`: a whole UTF-8 sequence when
    /// one starts there, else one byte.
    fn char_at(&self, pos: usize) -> &'a [u8] {
        let rest = &self.bytes[pos..];
        let len = rest[..rest.len().min(4)]
            .utf8_chunks()
            .next()
            .and_then(|chunk| chunk.valid().chars().next())
            .map_or(1, char::len_utf8);
        &rest[..len]
    }

    /// Tokens up to the end of the text, an error, or (inside `<(...)`)
    /// the closing `)`.
    fn tokens(&mut self) -> (Vec<Token>, Stop) {
        let mut tokens = Vec::new();
        loop {
            self.skip_blanks_and_comments();
            match self.peek() {
                None => return (tokens, Stop::End),
                Some(b')') if self.in_proc_sub => return (tokens, Stop::Close),
                Some(_) => match self.next_token() {
                    Ok(token) => tokens.push(token),
                    Err(err) => return (tokens, Stop::Error(err)),
                },
            }
        }
    }

    /// Blanks and comments separate tokens (`\`-newline is gone already:
    /// see `continuation`).
    fn skip_blanks_and_comments(&mut self) {
        loop {
            match self.peek() {
                Some(b) if is_blank(b) => self.pos += 1,
                Some(b'#') => {
                    while !matches!(self.peek(), None | Some(b'\n')) {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
    }

    /// The token at `pos`, which is neither a blank nor the end.
    fn next_token(&mut self) -> Result<Token, SyntaxError> {
        let start = self.pos;
        let Some(b) = self.peek() else {
            unreachable!("`tokens` stops at the end of the text");
        };
        let kind = match b {
            b'\n' => {
                self.pos += 1;
                TokenKind::Newline
            }
            b'|' => {
                let (kind, end) = self.pipe()?;
                return Ok(Token {
                    kind,
                    span: Span::new(start, end),
                });
            }
            b'&' => return Err(self.ampersand()),
            b';' => {
                let len = if self.peek_at(1) == Some(b';') { 2 } else { 1 };
                return Err(self.refuse(
                    start,
                    len,
                    "`;` is not supported: pipe-run runs one pipeline",
                    SHELL_HINT,
                ));
            }
            b'(' | b')' => {
                return Err(self.refuse(
                    start,
                    1,
                    "subshells `( ... )` are not supported",
                    SHELL_HINT,
                ));
            }
            // `<(` and `>(` start a word: a process substitution.
            b'<' | b'>' if self.peek_at(1) != Some(b'(') => self.redirect(None)?,
            // `2<(x)` is a word too, as in bash: `2` then a substitution.
            b'0'..=b'9'
                if matches!(self.peek_at(1), Some(b'<' | b'>'))
                    && self.peek_at(2) != Some(b'(') =>
            {
                self.pos += 1;
                self.redirect(Some(u32::from(b - b'0')))?
            }
            _ => TokenKind::Word(self.word(Context::Unquoted)?),
        };
        Ok(Token {
            kind,
            span: self.span_from(start),
        })
    }

    /// `|` or `|&` at `pos`, and its attributes; also where the operator
    /// ends, since the token is the operator alone.
    fn pipe(&mut self) -> Result<(TokenKind, usize), SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        match self.peek() {
            Some(b'|') => {
                return Err(self.refuse(
                    start,
                    2,
                    "`||` (run on failure) is not supported",
                    SHELL_HINT,
                ));
            }
            Some(b'&') => self.pos += 1,
            _ => {}
        }
        let stderr_too = self.pos - start == 2;
        let op_end = self.pos;
        let attributes = if self.peek() == Some(b'[') {
            Some(self.edge_attributes()?)
        } else {
            None
        };
        Ok((
            TokenKind::Pipe {
                stderr_too,
                attributes,
            },
            op_end,
        ))
    }

    /// `[...]` at `pos`, right after a `|` or `|&`: it ends at the first
    /// `]` on the line.
    fn edge_attributes(&mut self) -> Result<EdgeAttributes, SyntaxError> {
        let open = self.pos;
        let mut inner = Vec::new();
        let mut at = open + 1;
        loop {
            match self.bytes.get(at) {
                Some(b']') => break,
                Some(b'\n') | None => {
                    if at > 0 && self.is_crlf(at - 1) {
                        return Err(crlf(at - 1));
                    }
                    return Err(SyntaxError::new(
                        Span::new(open, open + 1),
                        "unterminated edge attributes: `[` has no matching `]`",
                    )
                    .help(
                        "close them on the same line, e.g. `|[fifo]`; \
                         to run the `[` command instead, put a space after the `|`",
                    ));
                }
                Some(&b) => inner.push((at, b)),
            }
            at += 1;
        }
        self.pos = at + 1;
        super::attributes::parse(&inner, Span::new(open, at + 1))
    }

    fn ampersand(&self) -> SyntaxError {
        let start = self.pos;
        match self.peek_at(1) {
            Some(b'&') => self.refuse(
                start,
                2,
                "`&&` (run on success) is not supported",
                SHELL_HINT,
            ),
            Some(b'>') => self.refuse(
                start,
                2,
                "`&>` is bash syntax, not sh",
                "to send stdout and stderr to a file, write `>file 2>&1`",
            ),
            _ => self.refuse(
                start,
                1,
                "`&` (background job) is not supported",
                SHELL_HINT,
            ),
        }
    }

    /// A redirection operator at `pos`, after an optional fd digit.
    fn redirect(&mut self, fd: Option<u32>) -> Result<TokenKind, SyntaxError> {
        let start = self.pos;
        let (op, len) = if self.starts_with("<<") {
            let len = if self.starts_with("<<<") { 3 } else { 2 };
            return Err(self.refuse(
                start,
                len,
                "here-documents and here-strings are not supported",
                "feed the text from a file with `< file`, or from a stage: printf '%s\\n' ... |",
            ));
        } else if self.starts_with("<&") {
            (RedirOp::DupIn, 2)
        } else if self.starts_with("<>") {
            (RedirOp::ReadWrite, 2)
        } else if self.starts_with("<") {
            (RedirOp::Read, 1)
        } else if self.starts_with(">>") {
            (RedirOp::Append, 2)
        } else if self.starts_with(">&") {
            (RedirOp::DupOut, 2)
        } else if self.starts_with(">|") {
            (RedirOp::Write, 2)
        } else {
            (RedirOp::Write, 1)
        };
        self.pos += len;
        Ok(TokenKind::Redirect { fd, op })
    }

    /// One word, from `pos` to its end in the given context.
    fn word(&mut self, context: Context) -> Result<Word, SyntaxError> {
        let start = self.pos;
        let mut parts = Parts::new();
        let in_quotes = context == Context::BraceInQuotes;
        while let Some(b) = self.peek() {
            match b {
                b'}' if context != Context::Unquoted => break,
                b'<' | b'>' if !in_quotes && self.peek_at(1) == Some(b'(') => {
                    if context == Context::Brace {
                        return Err(self.refuse(
                            self.pos,
                            2,
                            "process substitution is not supported inside `${...}`",
                            "write it as a word of its own, outside the `${...}`",
                        ));
                    }
                    self.proc_sub(&mut parts)?;
                }
                b if context == Context::Unquoted && is_word_end(b) => break,
                b'\\' if !in_quotes && self.is_crlf(self.pos + 1) => {
                    return Err(crlf(self.pos + 1));
                }
                b'\r' if !in_quotes && self.is_crlf(self.pos) => return Err(crlf(self.pos)),
                b'\\' => {
                    let next = self.peek_at(1);
                    if next.is_none() {
                        // A trailing backslash stands for itself, as in dash.
                        parts.bytes(b"\\", true);
                        self.pos += 1;
                    } else if in_quotes && !matches!(next, Some(b'$' | b'`' | b'"' | b'\\' | b'}'))
                    {
                        parts.bytes(b"\\", true);
                        self.pos += 1;
                    } else {
                        let c = self.char_at(self.pos + 1);
                        parts.bytes(c, true);
                        self.pos += 1 + c.len();
                    }
                }
                b'\'' if !in_quotes => self.single_quoted(&mut parts)?,
                b'"' => self.double_quoted(&mut parts)?,
                b'$' if self.peek_at(1) == Some(b'\'') => self.dollar_single(&mut parts)?,
                b'$' => self.dollar(&mut parts, in_quotes)?,
                b'`' => return Err(self.backtick()),
                _ => {
                    let c = self.char_at(self.pos);
                    parts.bytes(c, in_quotes);
                    self.pos += c.len();
                }
            }
        }
        Ok(Word {
            parts: parts.parts,
            span: self.span_from(start),
        })
    }

    fn single_quoted(&mut self, parts: &mut Parts) -> Result<(), SyntaxError> {
        let open = self.pos;
        let Some(len) = self.bytes[open + 1..].iter().position(|&b| b == b'\'') else {
            return Err(
                SyntaxError::new(Span::new(open, open + 1), "unterminated single quote")
                    .help("add the closing `'`"),
            );
        };
        parts.empty_quoted();
        parts.bytes(&self.bytes[open + 1..open + 1 + len], true);
        self.pos = open + len + 2;
        Ok(())
    }

    fn double_quoted(&mut self, parts: &mut Parts) -> Result<(), SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        // `""` must still make a field, but `"$@"` must not gain an empty
        // literal: with no parameters it makes no field at all.
        let before = parts.parts.len();
        loop {
            let Some(b) = self.peek() else {
                return Err(SyntaxError::new(
                    Span::new(open, open + 1),
                    "unterminated double quote",
                )
                .help("add the closing `\"`"));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    if parts.parts.len() == before {
                        parts.empty_quoted();
                    }
                    return Ok(());
                }
                b'\\' => match self.peek_at(1) {
                    Some(c @ (b'$' | b'`' | b'"' | b'\\')) => {
                        parts.bytes(&[c], true);
                        self.pos += 2;
                    }
                    _ => {
                        parts.bytes(b"\\", true);
                        self.pos += 1;
                    }
                },
                b'$' => self.dollar(parts, true)?,
                b'`' => return Err(self.backtick()),
                _ => {
                    let c = self.char_at(self.pos);
                    parts.bytes(c, true);
                    self.pos += c.len();
                }
            }
        }
    }

    /// A carriage return at `at`, then a newline.
    fn is_crlf(&self, at: usize) -> bool {
        self.bytes.get(at..at + 2) == Some(b"\r\n")
    }

    fn backtick(&self) -> SyntaxError {
        self.refuse(
            self.pos,
            1,
            "command substitution `...` is not supported",
            "run the command first and pass its output as an argument: pipe-run '...' \"$(cmd)\"",
        )
    }
}
