//! The lexer: expression text to tokens, each with its byte span.
//!
//! It knows sh's quoting and expansion syntax, and refuses, at the exact
//! column, every construct outside the subset pipe-run runs (`;`, `&&`,
//! `$(...)`, here-documents, ...), so nothing is run for a script that would
//! mean something else under a shell.

mod cursor;
pub(super) use cursor::skip_continuations;
mod dollar;
mod dollar_quote;
mod proc_sub;
#[cfg(test)]
mod tests;

use super::ast::{EdgeAttributes, ParamExpansion, ProcSub, RedirOp, Word, WordPart};
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
    let mut lexer = Lexer {
        bytes: &text[..nul.unwrap_or(text.len())],
        pos: 0,
        depth: 0,
        in_proc_sub: false,
    };
    let (tokens, stop) = lexer.tokens();
    let error = match stop {
        Stop::End => None,
        Stop::Close => unreachable!("a `)` closes a process substitution only inside one"),
        Stop::Error(err) => Some(err),
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
    /// Just after the last byte read: the next one is at [`Lexer::here`],
    /// past any `\`-newline (see `cursor`).
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
    /// A `)` that ends a process substitution, at [`Lexer::here`].
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

impl Lexer<'_> {
    /// The refusal of the next `n` bytes.
    fn refuse(&self, n: usize, message: &str, help: &str) -> SyntaxError {
        SyntaxError::new(self.next_span(n), message).help(help)
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

    /// Blanks and comments separate tokens. A comment runs to the newline,
    /// which a `\` in it does not escape.
    fn skip_blanks_and_comments(&mut self) {
        loop {
            match self.peek() {
                Some(b) if is_blank(b) => self.bump(),
                Some(b'#') => {
                    let start = self.here();
                    let len = self.bytes[start..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .unwrap_or(self.bytes.len() - start);
                    self.pos = start + len;
                }
                _ => break,
            }
        }
    }

    /// The token at [`Lexer::here`], which is neither a blank nor the end.
    fn next_token(&mut self) -> Result<Token, SyntaxError> {
        let start = self.here();
        let Some(b) = self.peek() else {
            unreachable!("`tokens` stops at the end of the text");
        };
        let kind = match b {
            b'\n' => {
                self.bump();
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
                    len,
                    "`;` is not supported: pipe-run runs one pipeline",
                    SHELL_HINT,
                ));
            }
            b'(' | b')' => {
                return Err(self.refuse(1, "subshells `( ... )` are not supported", SHELL_HINT));
            }
            // `<(` and `>(` start a word: a process substitution.
            b'<' | b'>' if self.peek_at(1) != Some(b'(') => self.redirect(None)?,
            // `2<(x)` is a word too, as in bash: `2` then a substitution.
            b'0'..=b'9'
                if matches!(self.peek_at(1), Some(b'<' | b'>'))
                    && self.peek_at(2) != Some(b'(') =>
            {
                self.bump();
                self.redirect(Some(u32::from(b - b'0')))?
            }
            _ => TokenKind::Word(self.word(Context::Unquoted)?),
        };
        Ok(Token {
            kind,
            span: self.span_from(start),
        })
    }

    /// `|` or `|&` next, and its attributes; also where the operator ends,
    /// since the token is the operator alone.
    fn pipe(&mut self) -> Result<(TokenKind, usize), SyntaxError> {
        if self.peek_at(1) == Some(b'|') {
            return Err(self.refuse(2, "`||` (run on failure) is not supported", SHELL_HINT));
        }
        let stderr_too = self.peek_at(1) == Some(b'&');
        self.bump_n(if stderr_too { 2 } else { 1 });
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

    /// `[...]` next, right after a `|` or `|&`: it ends at the first `]` on
    /// the line.
    fn edge_attributes(&mut self) -> Result<EdgeAttributes, SyntaxError> {
        let open = self.here();
        self.bump();
        let mut inner = Vec::new();
        // The byte after a `\` is read as it is: `\\` then a newline does
        // not continue the line.
        let mut escaped = false;
        loop {
            let at = if escaped { self.pos } else { self.here() };
            let byte = self.bytes.get(at).copied();
            match byte {
                Some(b']') => {
                    self.pos = at + 1;
                    break;
                }
                Some(b'\r') if self.is_crlf(at) => return Err(crlf(at)),
                Some(b'\n') | None => {
                    return Err(SyntaxError::new(
                        Span::new(open, open + 1),
                        "unterminated edge attributes: `[` has no matching `]`",
                    )
                    .help(
                        "close them on the same line, e.g. `|[fifo]`; \
                         to run the `[` command instead, put a space after the `|`",
                    ));
                }
                Some(b) => inner.push((at, b)),
            }
            escaped = byte == Some(b'\\') && !escaped;
            self.pos = at + 1;
        }
        super::attributes::parse(&inner, self.span_from(open))
    }

    fn ampersand(&self) -> SyntaxError {
        match self.peek_at(1) {
            Some(b'&') => self.refuse(2, "`&&` (run on success) is not supported", SHELL_HINT),
            Some(b'>') => self.refuse(
                2,
                "`&>` is bash syntax, not sh",
                "to send stdout and stderr to a file, write `>file 2>&1`",
            ),
            _ => self.refuse(1, "`&` (background job) is not supported", SHELL_HINT),
        }
    }

    /// A redirection operator next, after an optional fd digit.
    fn redirect(&mut self, fd: Option<u32>) -> Result<TokenKind, SyntaxError> {
        let (op, len) = match (self.peek(), self.peek_at(1)) {
            (Some(b'<'), Some(b'<')) => {
                let len = if self.peek_at(2) == Some(b'<') { 3 } else { 2 };
                return Err(self.refuse(
                    len,
                    "here-documents and here-strings are not supported",
                    "feed the text from a file with `< file`, or from a stage: printf '%s\\n' ... |",
                ));
            }
            (Some(b'<'), Some(b'&')) => (RedirOp::DupIn, 2),
            (Some(b'<'), Some(b'>')) => (RedirOp::ReadWrite, 2),
            (Some(b'<'), _) => (RedirOp::Read, 1),
            (_, Some(b'>')) => (RedirOp::Append, 2),
            (_, Some(b'&')) => (RedirOp::DupOut, 2),
            (_, Some(b'|')) => (RedirOp::Write, 2),
            _ => (RedirOp::Write, 1),
        };
        self.bump_n(len);
        Ok(TokenKind::Redirect { fd, op })
    }

    /// One word, from [`Lexer::here`] to its end in the given context.
    fn word(&mut self, context: Context) -> Result<Word, SyntaxError> {
        let start = self.here();
        let mut parts = Parts::new();
        let in_quotes = context == Context::BraceInQuotes;
        while let Some(b) = self.peek() {
            let at = self.here();
            match b {
                b'}' if context != Context::Unquoted => break,
                b'<' | b'>' if !in_quotes && self.peek_at(1) == Some(b'(') => {
                    if context == Context::Brace {
                        return Err(self.refuse(
                            2,
                            "process substitution is not supported inside `${...}`",
                            "write it as a word of its own, outside the `${...}`",
                        ));
                    }
                    self.proc_sub(&mut parts)?;
                }
                b if context == Context::Unquoted && is_word_end(b) => break,
                b'\\' if !in_quotes && self.is_crlf(at + 1) => return Err(crlf(at + 1)),
                b'\r' if !in_quotes && self.is_crlf(at) => return Err(crlf(at)),
                b'\\' => {
                    // The escaped character is read as it is: `\\` then a
                    // newline is a backslash, then a newline.
                    let next = self.bytes.get(at + 1).copied();
                    if next.is_none() {
                        // A trailing backslash stands for itself, as in dash.
                        parts.bytes(b"\\", true);
                        self.pos = at + 1;
                    } else if in_quotes && !matches!(next, Some(b'$' | b'`' | b'"' | b'\\' | b'}'))
                    {
                        parts.bytes(b"\\", true);
                        self.pos = at + 1;
                    } else {
                        let c = self.char_at(at + 1);
                        parts.bytes(c, true);
                        self.pos = at + 1 + c.len();
                    }
                }
                b'\'' if !in_quotes => self.single_quoted(&mut parts)?,
                b'"' => self.double_quoted(&mut parts)?,
                // Within double quotes (`"${x-$'...'}"`), `\`-newline is
                // removed even inside `$'...'`, as bash does.
                b'$' if self.peek_at(1) == Some(b'\'') => {
                    self.dollar_single(&mut parts, in_quotes)?;
                }
                b'$' => self.dollar(&mut parts, in_quotes)?,
                b'`' => return Err(self.backtick()),
                _ => {
                    let c = self.char_at(at);
                    parts.bytes(c, in_quotes);
                    self.pos = at + c.len();
                }
            }
        }
        Ok(Word {
            parts: parts.parts,
            span: self.span_from(start),
        })
    }

    /// `'...'` next: every byte up to the next `'` as it is.
    fn single_quoted(&mut self, parts: &mut Parts) -> Result<(), SyntaxError> {
        let open = self.here();
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
        let open = self.here();
        self.bump();
        // `""` must still make a field, but `"$@"` must not gain an empty
        // literal: with no parameters it makes no field at all.
        let before = parts.parts.len();
        loop {
            let at = self.here();
            let Some(b) = self.peek() else {
                return Err(SyntaxError::new(
                    Span::new(open, open + 1),
                    "unterminated double quote",
                )
                .help("add the closing `\"`"));
            };
            match b {
                b'"' => {
                    self.bump();
                    if parts.parts.len() == before {
                        parts.empty_quoted();
                    }
                    return Ok(());
                }
                b'\\' => match self.bytes.get(at + 1) {
                    Some(&c @ (b'$' | b'`' | b'"' | b'\\')) => {
                        parts.bytes(&[c], true);
                        self.pos = at + 2;
                    }
                    _ => {
                        parts.bytes(b"\\", true);
                        self.pos = at + 1;
                    }
                },
                b'$' => self.dollar(parts, true)?,
                b'`' => return Err(self.backtick()),
                _ => {
                    let c = self.char_at(at);
                    parts.bytes(c, true);
                    self.pos = at + c.len();
                }
            }
        }
    }

    fn backtick(&self) -> SyntaxError {
        self.refuse(
            1,
            "command substitution `...` is not supported",
            "run the command first and pass its output as an argument: pipe-run '...' \"$(cmd)\"",
        )
    }
}
