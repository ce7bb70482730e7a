//! Test-only helpers: a small parser from shell text to [`Word`]s (so tests
//! read like the shell they mimic), and a runner asking dash for the fields
//! the same text gives, to check the expected values against the reference.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::Command;

use crate::syntax::ast::{ParamExpansion, ParamName, ParamOp, Word, WordPart};
use crate::syntax::span::Span;

use super::Vars;

/// Build [`Vars`] from names and values; `$0` is `dashname`.
pub(super) fn vars(env: &[(&str, &[u8])], positional: &[&[u8]]) -> Vars {
    Vars {
        env: env
            .iter()
            .map(|(k, v)| (OsString::from(k), OsString::from_vec(v.to_vec())))
            .collect(),
        zero: OsString::from("dashname"),
        positional: positional
            .iter()
            .map(|p| OsString::from_vec(p.to_vec()))
            .collect(),
        nounset: false,
        pid: 4242,
    }
}

/// Parse blank-separated words. Follows the conventions the real parser
/// promises: inside a double-quoted `${x-word}` the word's parts are quoted;
/// a `${x#pattern}` pattern keeps its own quoting (as in dash).
pub(super) fn words(src: &str) -> Vec<Word> {
    let mut p = Parser {
        s: src.as_bytes(),
        pos: 0,
    };
    let mut out = Vec::new();
    loop {
        while p.peek() == Some(b' ') {
            p.pos += 1;
        }
        if p.peek().is_none() {
            return out;
        }
        let start = p.pos;
        let parts = p.parts(Mode::Top);
        out.push(Word {
            parts,
            span: Span::new(start, p.pos),
        });
    }
}

/// Parse exactly one word.
pub(super) fn word(src: &str) -> Word {
    let mut ws = words(src);
    assert_eq!(ws.len(), 1, "one word expected in {src:?}");
    ws.remove(0)
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Top,
    /// In `${...}`, ends at `}`; `quoted`: the expansion is double-quoted.
    Nested {
        quoted: bool,
    },
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn next(&mut self) -> u8 {
        let c = self.s[self.pos];
        self.pos += 1;
        c
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn parts(&mut self, mode: Mode) -> Vec<WordPart> {
        let mut parts = Vec::new();
        let in_dq = mode == Mode::Nested { quoted: true };
        while let Some(c) = self.peek() {
            match c {
                b' ' if mode == Mode::Top => break,
                b'}' if mode != Mode::Top => break,
                b'"' => {
                    self.pos += 1;
                    self.double_quoted(&mut parts);
                }
                b'\'' if !in_dq => {
                    self.pos += 1;
                    let start = self.pos;
                    while self.next() != b'\'' {}
                    let text = String::from_utf8(self.s[start..self.pos - 1].to_vec()).unwrap();
                    parts.push(WordPart::Literal { text, quoted: true });
                }
                b'\\' => {
                    self.pos += 1;
                    let escaped = self.next();
                    if in_dq && !b"$\"\\`}".contains(&escaped) {
                        push_lit(&mut parts, "\\", true);
                    }
                    push_lit(&mut parts, &(escaped as char).to_string(), true);
                }
                b'$' => self.dollar(&mut parts, in_dq),
                _ => {
                    let start = self.pos;
                    self.pos += 1;
                    while self.peek().is_some_and(|c| (0x80..0xc0).contains(&c)) {
                        self.pos += 1;
                    }
                    let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap();
                    push_lit(&mut parts, text, in_dq);
                }
            }
        }
        parts
    }

    /// After the opening `"`. An empty `""` still leaves a quoted part.
    fn double_quoted(&mut self, parts: &mut Vec<WordPart>) {
        let before = parts.len();
        loop {
            match self.next() {
                b'"' => {
                    if parts.len() == before {
                        parts.push(WordPart::Literal {
                            text: String::new(),
                            quoted: true,
                        });
                    }
                    return;
                }
                b'\\' if b"$\"\\`".contains(&self.s[self.pos]) => {
                    let c = self.next();
                    push_lit(parts, &(c as char).to_string(), true);
                }
                b'$' => {
                    self.pos -= 1;
                    self.dollar(parts, true);
                }
                c => {
                    let start = self.pos - 1;
                    if c >= 0x80 {
                        while self.peek().is_some_and(|c| (0x80..0xc0).contains(&c)) {
                            self.pos += 1;
                        }
                    }
                    let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap();
                    push_lit(parts, text, true);
                }
            }
        }
    }

    fn name(&mut self) -> Option<ParamName> {
        let c = self.peek()?;
        let special = match c {
            b'@' => Some(ParamName::At),
            b'*' => Some(ParamName::Star),
            b'#' => Some(ParamName::Count),
            b'$' => Some(ParamName::Pid),
            _ => None,
        };
        if special.is_some() {
            self.pos += 1;
            return special;
        }
        let start = self.pos;
        if c.is_ascii_digit() {
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            let n = std::str::from_utf8(&self.s[start..self.pos])
                .unwrap()
                .parse()
                .unwrap();
            return Some(ParamName::Positional(n));
        }
        if c == b'_' || c.is_ascii_alphabetic() {
            while self
                .peek()
                .is_some_and(|c| c == b'_' || c.is_ascii_alphanumeric())
            {
                self.pos += 1;
            }
            let name = std::str::from_utf8(&self.s[start..self.pos]).unwrap();
            return Some(ParamName::Var(name.to_string()));
        }
        None
    }

    fn dollar(&mut self, parts: &mut Vec<WordPart>, quoted: bool) {
        let start = self.pos;
        self.pos += 1;
        if !self.eat(b'{') {
            let one_digit = self.peek().filter(u8::is_ascii_digit);
            let name = match one_digit {
                Some(d) => {
                    self.pos += 1;
                    Some(ParamName::Positional(usize::from(d - b'0')))
                }
                None => self.name(),
            };
            match name {
                Some(name) => parts.push(WordPart::Param(Box::new(ParamExpansion {
                    name,
                    op: ParamOp::Plain,
                    quoted,
                    span: Span::new(start, self.pos),
                }))),
                None => push_lit(parts, "$", quoted),
            }
            return;
        }
        let after = |k: usize| self.s.get(self.pos + k).copied();
        let length = after(0) == Some(b'#')
            && match after(1) {
                Some(b'#') => after(2) == Some(b'}'),
                Some(c) => c.is_ascii_alphanumeric() || b"_@*$".contains(&c),
                None => false,
            };
        if length {
            self.pos += 1;
        }
        let name = self.name().unwrap_or_else(|| {
            panic!(
                "parameter name at {} in {:?}",
                self.pos,
                String::from_utf8_lossy(self.s)
            )
        });
        let op = if length {
            ParamOp::Length
        } else {
            let colon = self.eat(b':');
            let nested = |p: &mut Self, q: bool| {
                let start = p.pos;
                let parts = p.parts(Mode::Nested { quoted: q });
                Word {
                    parts,
                    span: Span::new(start, p.pos),
                }
            };
            match self.peek() {
                Some(b'-') => {
                    self.pos += 1;
                    ParamOp::Default {
                        colon,
                        word: nested(self, quoted),
                    }
                }
                Some(b'+') => {
                    self.pos += 1;
                    ParamOp::Alternative {
                        colon,
                        word: nested(self, quoted),
                    }
                }
                Some(b'?') => {
                    self.pos += 1;
                    let word = (self.peek() != Some(b'}')).then(|| nested(self, quoted));
                    ParamOp::Error { colon, word }
                }
                Some(b'#') => {
                    self.pos += 1;
                    let longest = self.eat(b'#');
                    ParamOp::TrimPrefix {
                        longest,
                        pattern: nested(self, false),
                    }
                }
                Some(b'%') => {
                    self.pos += 1;
                    let longest = self.eat(b'%');
                    ParamOp::TrimSuffix {
                        longest,
                        pattern: nested(self, false),
                    }
                }
                _ => ParamOp::Plain,
            }
        };
        assert!(self.eat(b'}'), "missing }}");
        parts.push(WordPart::Param(Box::new(ParamExpansion {
            name,
            op,
            quoted,
            span: Span::new(start, self.pos),
        })));
    }
}

/// Append literal text, merging with a previous literal of the same quoting.
fn push_lit(parts: &mut Vec<WordPart>, text: &str, quoted: bool) {
    if let Some(WordPart::Literal {
        text: prev,
        quoted: q,
    }) = parts.last_mut()
        && *q == quoted
    {
        prev.push_str(text);
        return;
    }
    parts.push(WordPart::Literal {
        text: text.to_string(),
        quoted,
    });
}

/// What dash makes of `src` as command words: `Ok(fields)` or `Err(message)`
/// (dash's error text without its `dashname: 1: ` prefix). `None` when dash
/// is not installed. Variables reach dash as its environment, positional
/// parameters as its arguments, just as pipe-run gets them.
pub(super) fn dash_fields(vars: &Vars, src: &str) -> Option<Result<Vec<Vec<u8>>, String>> {
    let script = format!(
        "show() {{ for __f; do printf '%s\\0' \"$__f\"; done; }}; {}show {src}",
        if vars.nounset { "set -u; " } else { "" }
    );
    let out = run_dash(vars, &script)?;
    Some(out.map(|stdout| {
        let mut fields: Vec<Vec<u8>> = stdout.split(|&b| b == 0).map(<[u8]>::to_vec).collect();
        fields.pop();
        fields
    }))
}

/// What dash assigns for `name=src`.
pub(super) fn dash_assignment(vars: &Vars, src: &str) -> Option<Result<Vec<u8>, String>> {
    let script = format!("__v={src}; printf '%s' \"$__v\"");
    run_dash(vars, &script)
}

fn run_dash(vars: &Vars, script: &str) -> Option<Result<Vec<u8>, String>> {
    let dash = ["/usr/bin/dash", "/bin/dash"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let out = Command::new(dash)
        .env_clear()
        .envs(vars.env.iter().map(|(k, v)| (k, v)))
        .arg("-c")
        .arg(script)
        .arg(&vars.zero)
        .args(&vars.positional)
        .output()
        .ok()?;
    if out.status.success() {
        Some(Ok(out.stdout))
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let err = err.strip_suffix('\n').unwrap_or(&err);
        Some(Err(err
            .strip_prefix("dashname: 1: ")
            .unwrap_or(err)
            .to_string()))
    }
}

/// Lossy strings, for readable assertions.
pub(super) fn show(fields: &[Vec<u8>]) -> Vec<String> {
    fields
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}
