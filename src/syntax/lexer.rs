//! The lexer: expression text to tokens, each with its byte span.
//!
//! It knows sh's quoting and expansion syntax, and refuses, at the exact
//! column, every construct outside the subset pipe-run runs (`;`, `&&`,
//! `$(...)`, here-documents, ...), so nothing is run for a script that would
//! mean something else under a shell.

use super::ast::{ParamExpansion, ParamName, ParamOp, RedirOp, Word, WordPart};
use super::continuation::join;
use super::error::{SHELL_HINT, SyntaxError};
use super::span::Span;
use super::token::{Token, TokenKind};

/// Split `text` into tokens. Comments and `\`-newline are dropped.
pub fn lex(text: &str) -> Result<Vec<Token>, SyntaxError> {
    match lex_partial(text) {
        (tokens, None) => Ok(tokens),
        (_, Some(err)) => Err(err),
    }
}

/// The tokens up to the first error, and that error. The parser looks at
/// the tokens first, so that `{ a; }` is refused as a group (at `{`), not
/// for its `;`.
pub fn lex_partial(text: &str) -> (Vec<Token>, Option<SyntaxError>) {
    // No argument can hold a NUL byte (a `-f` file might): refuse it where
    // it is, whatever comes before it.
    let nul = text.find('\0');
    let joined = join(&text[..nul.unwrap_or(text.len())]);
    let mut lexer = Lexer {
        text: &joined.text,
        bytes: joined.text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let mut tokens = Vec::new();
    let error = loop {
        match lexer.next_token() {
            Ok(Some(mut token)) => {
                joined.remap_token(&mut token);
                tokens.push(token);
            }
            Ok(None) => break None,
            Err(mut err) => {
                err.span = joined.original(err.span);
                break Some(err);
            }
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
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// How many `${` the lexer is inside of.
    depth: usize,
}

/// Deepest `${...}` nesting accepted. Lexing, expansion and dropping the
/// tree recurse once per level, so an absurd depth would overflow the
/// stack; no real expression comes near this.
const MAX_DEPTH: usize = 64;

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

    fn literal(&mut self, s: &str, quoted: bool) {
        if let Some(WordPart::Literal { text, quoted: q }) = self.parts.last_mut()
            && *q == quoted
        {
            text.push_str(s);
            return;
        }
        self.parts.push(WordPart::Literal {
            text: s.to_string(),
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
                text: String::new(),
                quoted: true,
            });
        }
    }

    fn param(&mut self, p: ParamExpansion) {
        self.parts.push(WordPart::Param(Box::new(p)));
    }
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

    /// The full UTF-8 character at `pos`, as a string slice.
    fn char_at(&self, pos: usize) -> &'a str {
        let c = self.text[pos..].chars().next().map_or(1, char::len_utf8);
        &self.text[pos..pos + c]
    }

    fn next_token(&mut self) -> Result<Option<Token>, SyntaxError> {
        // Blanks and comments separate tokens (`\`-newline is gone already:
        // see `continuation`).
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
        let start = self.pos;
        let Some(b) = self.peek() else {
            return Ok(None);
        };
        let kind = match b {
            b'\n' => {
                self.pos += 1;
                TokenKind::Newline
            }
            b'|' => self.pipe()?,
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
            b'<' | b'>' => self.redirect(None)?,
            b'0'..=b'9' if matches!(self.peek_at(1), Some(b'<' | b'>')) => {
                self.pos += 1;
                self.redirect(Some(u32::from(b - b'0')))?
            }
            _ => TokenKind::Word(self.word(Context::Unquoted)?),
        };
        Ok(Some(Token {
            kind,
            span: self.span_from(start),
        }))
    }

    fn pipe(&mut self) -> Result<TokenKind, SyntaxError> {
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
        let mut attributes = None;
        if self.peek() == Some(b'[') {
            let open = self.pos;
            match self.bytes[open..]
                .iter()
                .position(|&b| b == b']' || b == b'\n')
            {
                Some(len) if self.bytes[open + len] == b']' => {
                    let inner = self.text[open + 1..open + len].to_string();
                    self.pos = open + len + 1;
                    attributes = Some((inner, Span::new(start, self.pos)));
                }
                _ => {
                    return Err(SyntaxError::new(
                        Span::new(open, open + 1),
                        "unterminated edge attributes: `[` has no matching `]`",
                    ));
                }
            }
        }
        Ok(TokenKind::Pipe {
            stderr_too,
            attributes,
        })
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
        } else if self.starts_with("<(") || self.starts_with(">(") {
            return Err(self.refuse(
                start,
                2,
                "process substitution is not supported yet",
                "use a named pipe (mkfifo) or a temporary file for now",
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
                b if context == Context::Unquoted && is_word_end(b) => break,
                b'\\' => {
                    let next = self.peek_at(1);
                    if next.is_none() {
                        // A trailing backslash stands for itself, as in dash.
                        parts.literal("\\", true);
                        self.pos += 1;
                    } else if in_quotes && !matches!(next, Some(b'$' | b'`' | b'"' | b'\\' | b'}'))
                    {
                        parts.literal("\\", true);
                        self.pos += 1;
                    } else {
                        let c = self.char_at(self.pos + 1);
                        parts.literal(c, true);
                        self.pos += 1 + c.len();
                    }
                }
                b'\'' if !in_quotes => self.single_quoted(&mut parts)?,
                b'"' => self.double_quoted(&mut parts)?,
                b'$' => self.dollar(&mut parts, in_quotes)?,
                b'`' => return Err(self.backtick()),
                _ => {
                    let c = self.char_at(self.pos);
                    parts.literal(c, in_quotes);
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
        parts.literal(&self.text[open + 1..open + 1 + len], true);
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
                        parts.literal(&(c as char).to_string(), true);
                        self.pos += 2;
                    }
                    _ => {
                        parts.literal("\\", true);
                        self.pos += 1;
                    }
                },
                b'$' => self.dollar(parts, true)?,
                b'`' => return Err(self.backtick()),
                _ => {
                    let c = self.char_at(self.pos);
                    parts.literal(c, true);
                    self.pos += c.len();
                }
            }
        }
    }

    fn backtick(&self) -> SyntaxError {
        self.refuse(
            self.pos,
            1,
            "command substitution `...` is not supported",
            "run the command first and pass its output as an argument: pipe-run '...' \"$(cmd)\"",
        )
    }

    /// `$` at `pos`: a parameter expansion, a refused substitution, or a
    /// literal `$`.
    fn dollar(&mut self, parts: &mut Parts, quoted: bool) -> Result<(), SyntaxError> {
        let start = self.pos;
        let name = match self.peek_at(1) {
            Some(b'{') => return self.braced(parts, quoted),
            Some(b'(') => {
                return Err(if self.peek_at(2) == Some(b'(') {
                    self.refuse(
                        start,
                        3,
                        "arithmetic expansion $((...)) is not supported",
                        "compute the value first and pass it as an argument: pipe-run '...' \"$((1 + 2))\"",
                    )
                } else {
                    self.refuse(
                        start,
                        2,
                        "command substitution $(...) is not supported",
                        "run the command first and pass its output as an argument: pipe-run '...' \"$(cmd)\"",
                    )
                });
            }
            Some(b) if is_name_start(b) => {
                let len = self.bytes[start + 1..]
                    .iter()
                    .take_while(|&&b| is_name_byte(b))
                    .count();
                self.pos = start + 1 + len;
                ParamName::Var(self.text[start + 1..self.pos].to_string())
            }
            Some(b) if b.is_ascii_digit() => {
                self.pos = start + 2;
                ParamName::Positional(usize::from(b - b'0'))
            }
            Some(b) => match special_param(b) {
                Some(Ok(name)) => {
                    self.pos = start + 2;
                    name
                }
                Some(Err(message)) => {
                    return Err(self.refuse(start, 2, message, SHELL_HINT));
                }
                None => {
                    parts.literal("$", quoted);
                    self.pos += 1;
                    return Ok(());
                }
            },
            None => {
                parts.literal("$", quoted);
                self.pos += 1;
                return Ok(());
            }
        };
        parts.param(ParamExpansion {
            name,
            op: ParamOp::Plain,
            quoted,
            span: self.span_from(start),
        });
        Ok(())
    }

    /// `${...}` at `pos`.
    fn braced(&mut self, parts: &mut Parts, quoted: bool) -> Result<(), SyntaxError> {
        if self.depth == MAX_DEPTH {
            return Err(SyntaxError::new(
                Span::new(self.pos, self.pos + 2),
                format!("expansions nested more than {MAX_DEPTH} deep"),
            ));
        }
        self.depth += 1;
        let result = self.braced_inner(parts, quoted);
        self.depth -= 1;
        result
    }

    fn braced_inner(&mut self, parts: &mut Parts, quoted: bool) -> Result<(), SyntaxError> {
        let start = self.pos;
        self.pos += 2;
        let bad = |lexer: &Lexer, message: &str| {
            let end = lexer.bytes[start..]
                .iter()
                .position(|&b| b == b'}')
                .map_or(lexer.bytes.len(), |p| start + p + 1);
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
                self.pos += 1;
            }
        }
        let name_start = self.pos;
        let name = match self.peek() {
            Some(b) if is_name_start(b) => {
                while self.peek().is_some_and(is_name_byte) {
                    self.pos += 1;
                }
                ParamName::Var(self.text[name_start..self.pos].to_string())
            }
            Some(b) if b.is_ascii_digit() => {
                while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    self.pos += 1;
                }
                match self.text[name_start..self.pos].parse() {
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
                    self.pos += 1;
                    name
                }
                Some(Err(message)) => {
                    return Err(self.refuse(start, self.pos + 1 - start, message, SHELL_HINT));
                }
                None => return Err(bad(self, "bad substitution")),
            },
            None => return Err(unterminated(start)),
        };
        let op_start = self.pos;
        let op = if length {
            ParamOp::Length
        } else {
            let colon = self.peek() == Some(b':');
            if colon {
                self.pos += 1;
            }
            let c = self.peek();
            let word_context = if quoted {
                Context::BraceInQuotes
            } else {
                Context::Brace
            };
            match c {
                None => return Err(unterminated(start)),
                Some(b'}') if !colon => ParamOp::Plain,
                Some(b'-' | b'+' | b'?') => {
                    self.pos += 1;
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
                    return Err(self.refuse(
                        op_start,
                        self.pos + 1 - op_start,
                        "assigning default values with `${name=word}` is not supported",
                        "use `${name-word}`, which expands the same without assigning",
                    ));
                }
                Some(b'#' | b'%') if !colon => {
                    let doubled = self.peek_at(1) == c;
                    self.pos += if doubled { 2 } else { 1 };
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
                unterminated(start)
            } else {
                bad(self, "bad substitution")
            });
        }
        self.pos += 1;
        parts.param(ParamExpansion {
            name,
            op,
            quoted,
            span: self.span_from(start),
        });
        Ok(())
    }
}

fn unterminated(start: usize) -> SyntaxError {
    SyntaxError::new(Span::new(start, start + 2), "unterminated `${`").help("add the closing `}`")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<WordPart>> {
        lex(text)
            .unwrap()
            .into_iter()
            .filter_map(|t| match t.kind {
                TokenKind::Word(w) => Some(w.parts),
                _ => None,
            })
            .collect()
    }

    fn lit(text: &str, quoted: bool) -> WordPart {
        WordPart::Literal {
            text: text.into(),
            quoted,
        }
    }

    #[test]
    fn quoting_parts() {
        assert_eq!(
            words(r#"a'b c'"d"\e"#),
            vec![vec![lit("a", false), lit("b cde", true)]]
        );
        assert_eq!(words("''"), vec![vec![lit("", true)]]);
        assert_eq!(words(r#""a\b\$""#), vec![vec![lit("a\\b$", true)]]);
    }

    #[test]
    fn backslash_newline_joins() {
        assert_eq!(words("ab\\\ncd"), vec![vec![lit("abcd", false)]]);
        assert_eq!(words("a \\\n b").len(), 2);
    }

    #[test]
    fn comments_and_hash_in_words() {
        assert_eq!(words("a#b # c d"), vec![vec![lit("a#b", false)]]);
    }

    #[test]
    fn fd_numbers_are_single_digits() {
        let tokens = lex("echo 10>f 2>&1").unwrap();
        assert!(matches!(tokens[1].kind, TokenKind::Word(_)));
        assert!(matches!(
            tokens[2].kind,
            TokenKind::Redirect {
                fd: None,
                op: RedirOp::Write
            }
        ));
        assert!(matches!(
            tokens[4].kind,
            TokenKind::Redirect {
                fd: Some(2),
                op: RedirOp::DupOut
            }
        ));
    }

    #[test]
    fn pipes_and_attributes() {
        let tokens = lex("a |& b |[fifo] c | [ x").unwrap();
        assert!(matches!(
            tokens[1].kind,
            TokenKind::Pipe {
                stderr_too: true,
                attributes: None
            }
        ));
        match &tokens[3].kind {
            TokenKind::Pipe {
                attributes: Some((a, span)),
                ..
            } => {
                assert_eq!(a, "fifo");
                assert_eq!(*span, Span::new(7, 14));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(tokens[6].kind, TokenKind::Word(_)));
    }

    #[test]
    fn refusals_point_at_the_construct() {
        for (text, at) in [
            ("a; b", 1),
            ("a && b", 2),
            ("a || b", 2),
            ("a & b", 2),
            ("echo $(ls)", 5),
            ("echo \"`ls`\"", 6),
            ("echo $((1+2))", 5),
            ("(a)", 0),
            ("cat <<EOF", 4),
            ("cat <(ls)", 4),
            ("a &>f", 2),
            ("echo $?", 5),
            ("echo ${x=1}", 8),
            ("echo 'a\0b'", 7),
        ] {
            let err = lex(text).unwrap_err();
            assert_eq!(err.span.start, at, "{text}: {err:?}");
        }
    }

    #[test]
    fn leading_hash_follows_dash() {
        let op = |text: &str| match &words(text)[0][0] {
            WordPart::Param(p) => (p.name.clone(), p.op.clone()),
            other => panic!("{other:?}"),
        };
        assert_eq!(op("${#}"), (ParamName::Count, ParamOp::Plain));
        assert_eq!(op("${##}"), (ParamName::Count, ParamOp::Length));
        assert_eq!(op("${#x}"), (ParamName::Var("x".into()), ParamOp::Length));
        assert_eq!(op("${#@}"), (ParamName::At, ParamOp::Length));
        assert!(matches!(
            op("${###}"),
            (ParamName::Count, ParamOp::TrimPrefix { longest: true, .. })
        ));
        assert!(matches!(
            op("${#-x}"),
            (ParamName::Count, ParamOp::Default { .. })
        ));
        assert!(lex("${#?}").is_err());
        assert!(lex("${#!}").is_err());
    }

    #[test]
    fn unterminated_braces_say_so() {
        for text in ["${abc", "${1", "${#", "\"${x", "${x:-a"] {
            let err = lex(text).unwrap_err();
            assert!(err.message.contains("unterminated"), "{text}: {err:?}");
        }
        assert!(lex("${!x}").unwrap_err().message.contains("indirect"));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = |n: usize| format!("echo {}x{}", "${u-".repeat(n), "}".repeat(n));
        assert!(lex(&deep(MAX_DEPTH)).is_ok());
        let err = lex(&deep(5000)).unwrap_err();
        let at = 5 + 4 * MAX_DEPTH;
        assert_eq!(err.span, Span::new(at, at + 2));
    }

    #[test]
    fn unterminated_quotes() {
        assert_eq!(lex("echo 'abc").unwrap_err().span, Span::new(5, 6));
        assert_eq!(lex("echo \"abc").unwrap_err().span, Span::new(5, 6));
        assert!(lex("echo ${abc").is_err());
    }

    #[test]
    fn braced_params() {
        let w = words("${x:-a b} ${#y} ${1%%.*}");
        assert_eq!(w.len(), 3);
        match &w[0][0] {
            WordPart::Param(p) => match &p.op {
                ParamOp::Default { colon: true, word } => {
                    assert_eq!(word.parts, vec![lit("a b", false)]);
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }
}
