//! Brace expansion, as bash does it: `out/{a,b}` is `out/a out/b`,
//! `a{b,c}d{e,f}` is `abde abdf acde acdf`, `{1..10..3}` is `1 4 7 10`,
//! `{01..10}` pads with zeros, `{a..e}` counts letters. dash 0.5.12 has no
//! brace expansion; bash's is what scripts using braces were written for.
//!
//! It runs first, on the word as written, so each result then goes through
//! tilde and parameter expansion, splitting and globbing on its own
//! (`{$x,"y z"}`, `{*.txt,x}`). Only unquoted literal text takes part:
//! quoted or escaped braces and commas, and all of `${...}`, are opaque.
//! Whatever does not form a valid expression (`{}`, `{a}`, `@{u}`, `{a,b`,
//! `{a..5}`) is left as written, as bash leaves it. bash expands braces in
//! the text before it reads parameter names, so a bare name runs on into
//! the results: `$x{a,b}` is `$xa $xb` (write `${x}{a,b}`).
//!
//! The search for an expression follows bash's `brace_expand` rule for rule
//! (first `{` that has a matching `}` with a `,` or `..` at its own level;
//! a `{` that starts the text and is followed by `}` is not one), since the
//! odd cases (`x{},a}` is `x} xa`) are part of what bash users get.

use std::borrow::Cow;

use crate::syntax::ast::{ParamName, Word, WordPart};
use crate::syntax::span::Span;

use super::ExpandError;

/// How big the results of one word may get, counted in bytes of unquoted
/// text plus quoted parts plus one per word. Far above what exec(2) takes
/// (ARG_MAX is a few MiB), and low enough that `{1..999999999}` fails at
/// once instead of exhausting memory.
const LIMIT: usize = 1 << 22;

/// One element of a word as brace expansion sees it: a byte of unquoted
/// literal text, or an opaque part (quoted text, a parameter expansion).
#[derive(Debug, Clone, Copy)]
enum Atom<'a> {
    Byte(u8),
    Part(&'a WordPart),
}

type Text<'a> = Vec<Atom<'a>>;

/// The results would pass [`LIMIT`].
struct TooBig;

/// The words `word` brace-expands to, in bash's order: `word` itself when
/// it holds no brace expression.
pub(super) fn expand(word: &Word) -> Result<Cow<'_, [Word]>, ExpandError> {
    let has_brace = word
        .parts
        .iter()
        .any(|p| matches!(p, WordPart::Literal { text, quoted: false } if text.contains(&b'{')));
    if !has_brace {
        return Ok(Cow::Borrowed(std::slice::from_ref(word)));
    }
    let atoms = atoms(word);
    if find_expression(&atoms).is_none() {
        return Ok(Cow::Borrowed(std::slice::from_ref(word)));
    }
    let results = brace_expand(&atoms).map_err(|TooBig| ExpandError {
        span: word.span,
        message: format!(
            "brace expansion makes too many words (over {} MiB of text)",
            LIMIT >> 20
        ),
        help: Some("no program can take that many arguments; generate them with `seq` or `printf` in a stage".into()),
    })?;
    Ok(Cow::Owned(
        results.iter().map(|t| to_word(t, word.span)).collect(),
    ))
}

fn atoms(word: &Word) -> Text<'_> {
    let mut out = Vec::new();
    for part in &word.parts {
        match part {
            WordPart::Literal {
                text,
                quoted: false,
            } => out.extend(text.iter().map(|&b| Atom::Byte(b))),
            other => out.push(Atom::Part(other)),
        }
    }
    out
}

/// A result as a word. A bare `$NAME` directly followed by name characters
/// takes them into its name, as bash reads the text after brace expansion:
/// the lexer took the longest name, so any such byte came from the braces.
fn to_word(text: &[Atom], span: Span) -> Word {
    let mut parts = Vec::new();
    for atom in text {
        match *atom {
            Atom::Byte(b) => match parts.last_mut() {
                Some(WordPart::Literal {
                    text,
                    quoted: false,
                }) => text.push(b),
                Some(WordPart::Param(p))
                    if !p.braced
                        && !p.quoted
                        && (b.is_ascii_alphanumeric() || b == b'_')
                        && matches!(p.name, ParamName::Var(_)) =>
                {
                    if let ParamName::Var(name) = &mut p.name {
                        name.push(char::from(b));
                    }
                }
                _ => parts.push(WordPart::Literal {
                    text: vec![b],
                    quoted: false,
                }),
            },
            Atom::Part(part) => parts.push(part.clone()),
        }
    }
    Word { parts, span }
}

fn byte_at(text: &[Atom], i: usize) -> Option<u8> {
    match text.get(i) {
        Some(Atom::Byte(b)) => Some(*b),
        _ => None,
    }
}

/// bash's `brace_expand`: preamble, the first expression, then the rest
/// expanded in turn, multiplied out left to right.
fn brace_expand<'a>(text: &[Atom<'a>]) -> Result<Vec<Text<'a>>, TooBig> {
    let Some((open, close)) = find_expression(text) else {
        return Ok(vec![text.to_vec()]);
    };
    let amble = &text[open + 1..close];
    let choices = if amble.iter().any(|a| matches!(a, Atom::Byte(b','))) {
        alternatives(amble)?
    } else {
        // Only `..` made it an expression; if it is not a valid sequence
        // the braces stay, and the rest is still expanded.
        match sequence(amble)? {
            Some(items) => items,
            None => vec![text[open..=close].to_vec()],
        }
    };
    let mut result = product(vec![text[..open].to_vec()], choices)?;
    let rest = &text[close + 1..];
    if !rest.is_empty() {
        result = product(result, brace_expand(rest)?)?;
    }
    Ok(result)
}

/// Where the first brace expression is: a `{` and the `}` that closes it.
fn find_expression(text: &[Atom]) -> Option<(usize, usize)> {
    let mut from = 0;
    loop {
        let open = scan(text, from, b'{')?;
        if let Some(close) = scan(text, open + 1, b'}') {
            return Some((open, close));
        }
        from = open + 1;
    }
}

/// bash's `brace_gobbler`: the first `want` from `from` at nesting level 0.
/// A `}` only counts once a `,` or `..` was seen at that level; a `{` that
/// starts the text and is followed by `}` or nothing is skipped.
fn scan(text: &[Atom], from: usize, want: u8) -> Option<usize> {
    let mut level = 0usize;
    let mut separators = usize::from(want != b'}');
    for i in from..text.len() {
        let Some(c) = byte_at(text, i) else {
            continue;
        };
        if c == want && level == 0 && separators > 0 {
            if c == b'{' && i == 0 && matches!(text.get(1), None | Some(Atom::Byte(b'}'))) {
                continue;
            }
            return Some(i);
        }
        match c {
            b'{' => level += 1,
            b'}' if level > 0 => level -= 1,
            b',' if want == b'}' && level == 0 => separators += 1,
            b'.' if want == b'}'
                && level == 0
                && byte_at(text, i + 1) == Some(b'.')
                && byte_at(text, i + 2) != Some(b'}') =>
            {
                separators += 1;
            }
            _ => {}
        }
    }
    None
}

/// The inside of `{a,b,...}`: each alternative expanded, in order.
fn alternatives<'a>(amble: &[Atom<'a>]) -> Result<Vec<Text<'a>>, TooBig> {
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let end = scan(amble, start, b',').unwrap_or(amble.len());
        out.extend(brace_expand(&amble[start..end])?);
        if cost(&out) > LIMIT {
            return Err(TooBig);
        }
        if end == amble.len() {
            return Ok(out);
        }
        start = end + 1;
    }
}

fn cost(list: &[Text]) -> usize {
    list.iter().map(|t| t.len() + 1).sum()
}

/// Every `a` followed by every `b`, `a`-major, as bash's `array_concat`.
fn product<'a>(a: Vec<Text<'a>>, b: Vec<Text<'a>>) -> Result<Vec<Text<'a>>, TooBig> {
    let total = (b.len() as u128) * (cost(&a) as u128) + (a.len() as u128) * (cost(&b) as u128);
    if total > LIMIT as u128 {
        return Err(TooBig);
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in &a {
        for y in &b {
            let mut t = Vec::with_capacity(x.len() + y.len());
            t.extend_from_slice(x);
            t.extend_from_slice(y);
            out.push(t);
        }
    }
    Ok(out)
}

/// What a sequence counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    /// Integers zero-padded to a width, as `{01..10}`.
    Padded(usize),
    /// Single ASCII letters, `{a..e}`; values in between may be any byte
    /// (`{Z..a}` passes `[` and `_`).
    Char,
}

/// `{x..y}` or `{x..y..step}`: `None` when it is not a valid sequence
/// (bash then leaves the braces as written).
fn sequence<'a>(amble: &[Atom<'a>]) -> Result<Option<Vec<Text<'a>>>, TooBig> {
    let Some(text) = amble
        .iter()
        .map(|a| match a {
            Atom::Byte(b) => Some(*b),
            Atom::Part(_) => None,
        })
        .collect::<Option<Vec<u8>>>()
    else {
        return Ok(None);
    };
    let Some(seq) = Sequence::parse(&text) else {
        return Ok(None);
    };
    seq.items()
}

#[derive(Debug, PartialEq, Eq)]
struct Sequence {
    start: i64,
    end: i64,
    step: i64,
    kind: Kind,
}

impl Sequence {
    /// Read `x..y[..step]` as bash's `expand_seqterm` does.
    fn parse(text: &[u8]) -> Option<Sequence> {
        let dots = text.windows(2).position(|w| w == b"..")?;
        let (lhs, rhs) = (&text[..dots], &text[dots + 2..]);
        if lhs.is_empty() || rhs.is_empty() {
            return None;
        }
        let left = match integer(lhs) {
            Some((Some(n), used)) if used == lhs.len() => (Kind::Int, n),
            _ if lhs.len() == 1 && lhs[0].is_ascii_alphabetic() => (Kind::Char, i64::from(lhs[0])),
            _ => return None,
        };
        let starts_number = |s: &[u8]| match s {
            [d, ..] if d.is_ascii_digit() => true,
            [b'+' | b'-', d, ..] => d.is_ascii_digit(),
            _ => false,
        };
        let (right, right_len) = if starts_number(rhs) {
            let (Some(n), used) = integer(rhs)? else {
                return None;
            };
            ((Kind::Int, n), used)
        } else if rhs[0].is_ascii_alphabetic() && matches!(rhs.get(1), None | Some(b'.')) {
            ((Kind::Char, i64::from(rhs[0])), 1)
        } else {
            return None;
        };
        let after = &rhs[right_len..];
        let step = match after {
            [] => 1,
            [b'.', b'.', step @ ..] if !step.is_empty() => match integer(step)? {
                (Some(n), used) if used == step.len() => n,
                _ => return None,
            },
            _ => return None,
        };
        if left.0 != right.0 {
            return None;
        }
        let mut kind = left.0;
        if kind == Kind::Int {
            // A leading zero (after a `-`) on either bound pads both.
            let padded = |s: &[u8]| matches!(s, [b'0', _, ..] | [b'-', b'0', _, ..]);
            let right_text = &rhs[..right_len];
            if padded(lhs) || padded(right_text) {
                kind = Kind::Padded(lhs.len().max(right_text.len()));
            }
        }
        Some(Sequence {
            start: left.1,
            end: right.1,
            step,
            kind,
        })
    }

    /// The items, or `None` where bash gives up on the sequence (its bounds
    /// or count overflow) and leaves it as written.
    fn items<'a>(&self) -> Result<Option<Vec<Text<'a>>>, TooBig> {
        let (start, end) = (self.start, self.end);
        // The step's sign follows the direction; zero means one.
        let step = match self.step {
            0 => 1,
            s if (start > end) == (s > 0) && start != end => {
                let Some(s) = s.checked_neg() else {
                    return Ok(None);
                };
                s
            }
            s => s,
        };
        let Some(span) = end.checked_sub(start) else {
            return Ok(None);
        };
        if !(i64::MIN + 3..=i64::MAX - 2).contains(&span) {
            return Ok(None);
        }
        let count = span.unsigned_abs() / step.unsigned_abs();
        if count > i32::MAX as u64 - 3 {
            return Ok(None);
        }
        let count = count as usize + 1;
        let widest = [start, end]
            .iter()
            .map(|n| self.format(*n).len())
            .max()
            .unwrap_or(1);
        if count.saturating_mul(widest + 1) > LIMIT {
            return Err(TooBig);
        }
        let mut out = Vec::with_capacity(count);
        let mut n = start;
        loop {
            out.push(self.format(n).into_iter().map(Atom::Byte).collect());
            match n.checked_add(step) {
                Some(next) if (step > 0 && next <= end) || (step < 0 && next >= end) => n = next,
                _ => break,
            }
        }
        Ok(Some(out))
    }

    fn format(&self, n: i64) -> Vec<u8> {
        match self.kind {
            Kind::Int => n.to_string().into_bytes(),
            // `{:0w}` puts the sign before the zeros, as C's `%0*d`.
            Kind::Padded(width) => format!("{n:0width$}").into_bytes(),
            Kind::Char => vec![n as u8],
        }
    }
}

/// `strtoimax` on a prefix of `s`: an optional sign and decimal digits.
/// Returns the value (`None` on overflow) and the bytes used, or `None`
/// when there are no digits.
fn integer(s: &[u8]) -> Option<(Option<i64>, usize)> {
    let sign = usize::from(matches!(s.first(), Some(b'+' | b'-')));
    let digits = s[sign..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let used = sign + digits;
    // ASCII sign and digits, so this is UTF-8 and parses unless too big.
    let value = std::str::from_utf8(&s[..used])
        .ok()
        .and_then(|t| t.parse::<i64>().ok());
    Some((value, used))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::word;
    use super::*;

    /// The results of `src` as text: unquoted bytes as they are, quoted
    /// text in `'...'`, parameters as `$`.
    fn expand_src(src: &str) -> Vec<String> {
        let w = word(src);
        expand(&w)
            .unwrap()
            .iter()
            .map(|w| {
                w.parts
                    .iter()
                    .map(|p| match p {
                        WordPart::Literal {
                            text,
                            quoted: false,
                        } => String::from_utf8_lossy(text).into_owned(),
                        WordPart::Literal { text, quoted: true } => {
                            format!("'{}'", String::from_utf8_lossy(text))
                        }
                        WordPart::Param(_) => "$".to_string(),
                        WordPart::ProcSub(_) => "<()".to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    fn check(src: &str, want: &[&str]) {
        assert_eq!(expand_src(src), want, "{src}");
    }

    #[test]
    fn alternatives_multiply_left_to_right() {
        check("out/{a,b}", &["out/a", "out/b"]);
        check("a{b,c}d{e,f}", &["abde", "abdf", "acde", "acdf"]);
        check("{a,b{c,d}}", &["a", "bc", "bd"]);
        check("a{,b}", &["a", "ab"]);
        check("x{a,b,}y", &["xay", "xby", "xy"]);
        check("{,}", &["", ""]);
    }

    #[test]
    fn sequences() {
        check("{1..5}", &["1", "2", "3", "4", "5"]);
        check("{5..1..2}", &["5", "3", "1"]);
        check("{-3..3..3}", &["-3", "0", "3"]);
        check("{1..10..3}", &["1", "4", "7", "10"]);
        check("{1..10..-3}", &["1", "4", "7", "10"]);
        check("{1..3..0}", &["1", "2", "3"]);
        check("{08..11..2}", &["08", "10"]);
        check("{-05..5..5}", &["-05", "000", "005"]);
        check("{1..010..4}", &["001", "005", "009"]);
        check("{-0..1}", &["0", "1"]);
        check("{+01..2}", &["1", "2"]);
        check("{a..e..2}", &["a", "c", "e"]);
        check("{c..a}", &["c", "b", "a"]);
        check(
            "{Y..b}",
            &["Y", "Z", "[", "\\", "]", "^", "_", "`", "a", "b"],
        );
        check("{3..3}", &["3"]);
        check(
            "{9223372036854775806..9223372036854775807}",
            &["9223372036854775806", "9223372036854775807"],
        );
    }

    #[test]
    fn not_expressions_stay_as_written() {
        for src in [
            "{}",
            "{a}",
            "@{u}",
            "{a,b",
            "a,b}",
            "{a..5}",
            "{1..2..}",
            "{1.5..3}",
            "{0x1..3}",
            "{..}",
            "{a..}",
            "{é..f}",
            "{1..99999999999999999999}",
            "{-9223372036854775808..9223372036854775807}",
            // More than bash counts in an int: it leaves these as written.
            "{1..9999999999}",
        ] {
            check(src, &[src]);
        }
        check("{a..5}{1,2}", &["{a..5}1", "{a..5}2"]);
        check("{a}{b,c}", &["{a}b", "{a}c"]);
    }

    #[test]
    fn odd_cases_follow_bash() {
        check("{a}b,c}", &["a}b", "c"]);
        check("x{},a}", &["x}", "xa"]);
        check("{},a}", &["{},a}"]);
        check("{}{a,b}", &["{}a", "{}b"]);
        check("{{a,b}}", &["{a}", "{b}"]);
        check("{a,{b}}", &["a", "{b}"]);
        check("{a,b}}", &["a}", "b}"]);
    }

    #[test]
    fn quoted_and_escaped_text_is_opaque() {
        check("{a,'b,c'}", &["a", "'b,c'"]);
        check("\\{a,b}", &["'{'a,b}"]);
        check("{a\\,b,c}", &["a','b", "c"]);
        check("{$x,\"y z\"}", &["$", "'y z'"]);
        check("{'a'..c}", &["{'a'..c}"]);
        check("${x-{a,b}}", &["$}"]);
    }

    #[test]
    fn a_bare_name_takes_the_name_characters_after_it() {
        let names = |src: &str| -> Vec<Vec<String>> {
            expand(&word(src))
                .unwrap()
                .iter()
                .map(|w| {
                    w.parts
                        .iter()
                        .map(|p| match p {
                            WordPart::Param(p) => format!("{:?}", p.name),
                            WordPart::ProcSub(_) => "<()".to_string(),
                            WordPart::Literal { text, .. } => {
                                String::from_utf8_lossy(text).into_owned()
                            }
                        })
                        .collect()
                })
                .collect()
        };
        assert_eq!(names("$x{a,1}"), [["Var(\"xa\")"], ["Var(\"x1\")"]]);
        assert_eq!(
            names("$x{-,_}"),
            [vec!["Var(\"x\")", "-"], vec!["Var(\"x_\")"]]
        );
        assert_eq!(
            names("${x}{a,b}"),
            [["Var(\"x\")", "a"], ["Var(\"x\")", "b"]]
        );
        assert_eq!(
            names("\"$x\"{a,b}"),
            [["Var(\"x\")", "a"], ["Var(\"x\")", "b"]]
        );
        assert_eq!(
            names("$1{0,1}"),
            [["Positional(1)", "0"], ["Positional(1)", "1"]]
        );
        check("\"{a,b}\"", &["'{a,b}'"]);
    }

    #[test]
    fn too_big_fails_fast() {
        let w = word("{1..999999999}");
        let err = expand(&w).unwrap_err();
        assert!(err.message.contains("too many words"), "{err:?}");
        let w = word(&"{a,b}".repeat(30));
        assert!(expand(&w).is_err());
        let w = word(&"{,}".repeat(30));
        assert!(expand(&w).is_err());
    }
}
