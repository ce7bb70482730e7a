//! sh pattern matching (`*`, `?`, `[...]`, `\` escapes), shared by pathname
//! expansion and the `${x#pat}` family. A pattern is bytes with a per-byte
//! "active" flag: inactive (quoted) bytes only ever match themselves.

/// Code for a byte that does not start a valid UTF-8 character; kept apart
/// from every real character so it only matches itself (or `?`).
const RAW_BYTE: u32 = 0x11_0000;

/// The character at the start of `s`, and its length in bytes. `?` and
/// brackets match whole UTF-8 characters (as `${#x}` counts characters),
/// falling back to single bytes where the text is not UTF-8.
pub(super) fn decode(s: &[u8]) -> (u32, usize) {
    let Some(&b0) = s.first() else {
        return (0, 0);
    };
    let want = match b0 {
        0x00..=0x7f => return (u32::from(b0), 1),
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => 0,
    };
    if let Some(bytes) = s.get(..want)
        && let Ok(text) = std::str::from_utf8(bytes)
        && let Some(c) = text.chars().next()
    {
        return (u32::from(c), want);
    }
    (RAW_BYTE + u32::from(b0), 1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Alpha,
    Digit,
    Alnum,
    Upper,
    Lower,
    Space,
    Blank,
    Punct,
    Print,
    Graph,
    Cntrl,
    Xdigit,
}

/// The class names, each with the `:]` that ends it. Only these start a
/// class: after `[:` anything else leaves the `[` an ordinary member, as in
/// dash. Matching a known prefix keeps this O(1), where searching for the
/// closing `:]` made a run of `[[:` cubic.
const CLASSES: [(&[u8], Class); 12] = [
    (b"alpha:]", Class::Alpha),
    (b"digit:]", Class::Digit),
    (b"alnum:]", Class::Alnum),
    (b"upper:]", Class::Upper),
    (b"lower:]", Class::Lower),
    (b"space:]", Class::Space),
    (b"blank:]", Class::Blank),
    (b"punct:]", Class::Punct),
    (b"print:]", Class::Print),
    (b"graph:]", Class::Graph),
    (b"cntrl:]", Class::Cntrl),
    (b"xdigit:]", Class::Xdigit),
];

impl Class {
    fn contains(self, code: u32) -> bool {
        let Some(c) = char::from_u32(code) else {
            return false;
        };
        match self {
            Class::Alpha => c.is_alphabetic(),
            Class::Digit => c.is_ascii_digit(),
            Class::Alnum => c.is_alphabetic() || c.is_ascii_digit(),
            Class::Upper => c.is_uppercase(),
            Class::Lower => c.is_lowercase(),
            Class::Space => c.is_whitespace(),
            Class::Blank => c == ' ' || c == '\t',
            Class::Punct => c.is_ascii_punctuation(),
            Class::Print => !c.is_control(),
            Class::Graph => !c.is_control() && !c.is_whitespace(),
            Class::Cntrl => c.is_control(),
            Class::Xdigit => c.is_ascii_hexdigit(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Char(u32),
    Range(u32, u32),
    Class(Class),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bracket {
    negated: bool,
    items: Vec<Item>,
}

impl Bracket {
    fn contains(&self, code: u32) -> bool {
        let hit = self.items.iter().any(|item| match *item {
            Item::Char(c) => c == code,
            Item::Range(lo, hi) => lo <= code && code <= hi,
            Item::Class(class) => class.contains(code),
        });
        hit != self.negated
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token {
    Byte(u8),
    AnyChar,
    Star,
    Bracket(Bracket),
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pattern {
    tokens: Vec<Token>,
}

impl Pattern {
    /// Compile `(byte, active)` pairs. Never fails: anything malformed (an
    /// unterminated `[`, a trailing `\`) is taken literally, as sh does.
    pub(super) fn new(pat: &[(u8, bool)]) -> Pattern {
        let bytes: Vec<u8> = pat.iter().map(|&(b, _)| b).collect();
        // A `[` after the last active `]` cannot start a bracket: knowing
        // that up front keeps a long run of unterminated `[` linear.
        let last_close = pat.iter().rposition(|&p| p == (b']', true));
        let mut tokens = Vec::new();
        let mut i = 0;
        while let Some(&(b, active)) = pat.get(i) {
            i += 1;
            if !active {
                tokens.push(Token::Byte(b));
                continue;
            }
            match b {
                // An active backslash (from an unquoted expansion, as in
                // dash) makes the next byte literal.
                b'\\' => match pat.get(i) {
                    Some(&(next, _)) => {
                        tokens.push(Token::Byte(next));
                        i += 1;
                    }
                    None => tokens.push(Token::Byte(b'\\')),
                },
                b'*' => {
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                }
                b'?' => tokens.push(Token::AnyChar),
                b'[' if last_close.is_some_and(|close| close >= i) => {
                    match parse_bracket(pat, &bytes, i) {
                        Some((bracket, next)) => {
                            tokens.push(Token::Bracket(bracket));
                            i = next;
                        }
                        None => tokens.push(Token::Byte(b'[')),
                    }
                }
                _ => tokens.push(Token::Byte(b)),
            }
        }
        Pattern { tokens }
    }

    /// The compiled tokens, for the trimming automaton.
    pub(super) fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Whether anything but plain bytes is left; a pattern without magic
    /// needs no directory listing.
    pub(super) fn has_magic(&self) -> bool {
        self.tokens.iter().any(|t| !matches!(t, Token::Byte(_)))
    }

    /// The bytes a magic-free pattern stands for (escapes removed).
    pub(super) fn literal(&self) -> Vec<u8> {
        self.tokens
            .iter()
            .filter_map(|t| match t {
                Token::Byte(b) => Some(*b),
                _ => None,
            })
            .collect()
    }

    /// Whether the pattern starts with an explicit `.`, which is the only
    /// way to match a hidden file name.
    pub(super) fn starts_with_dot(&self) -> bool {
        self.tokens.first() == Some(&Token::Byte(b'.'))
    }

    /// Whether the whole of `s` matches. `seps` (empty, or one flag per byte
    /// of `s`) marks the boundaries between the positional parameters of a
    /// quoted `$@`: dash lets only `*` cross them.
    pub(super) fn matches(&self, s: &[u8], seps: &[bool]) -> bool {
        let is_sep = |i: usize| seps.get(i).copied().unwrap_or(false);
        let step = |i: usize| {
            if is_sep(i) {
                1
            } else {
                decode(s.get(i..).unwrap_or(&[])).1.max(1)
            }
        };
        let (mut ti, mut si) = (0, 0);
        // Where to resume after the last `*`: the tokens after it, and the
        // subject position it has swallowed up to. Only the last `*` needs
        // retrying, which keeps matching linear-ish instead of exponential.
        let mut resume: Option<(usize, usize)> = None;
        loop {
            match self.tokens.get(ti) {
                Some(Token::Star) => {
                    ti += 1;
                    resume = Some((ti, si));
                    continue;
                }
                Some(token) => {
                    if si < s.len()
                        && !is_sep(si)
                        && let Some(n) = match_one(token, s, si)
                    {
                        ti += 1;
                        si += n;
                        continue;
                    }
                }
                None if si == s.len() => return true,
                None => {}
            }
            match resume {
                Some((rti, rsi)) if rsi < s.len() => {
                    let next = rsi + step(rsi);
                    resume = Some((rti, next));
                    ti = rti;
                    si = next;
                }
                _ => return false,
            }
        }
    }
}

/// How many bytes of `s` at `i` one non-`*` token matches, if it matches.
pub(super) fn match_one(token: &Token, s: &[u8], i: usize) -> Option<usize> {
    let rest = s.get(i..)?;
    match token {
        Token::Byte(b) => (rest.first() == Some(b)).then_some(1),
        Token::AnyChar => Some(decode(rest).1).filter(|&n| n > 0),
        Token::Bracket(bracket) => {
            let (code, n) = decode(rest);
            (n > 0 && bracket.contains(code)).then_some(n)
        }
        Token::Star => None,
    }
}

/// Parse a bracket expression whose `[` was just before `start`. Returns the
/// bracket and the index after its `]`, or `None` if it is not terminated
/// (then the `[` is an ordinary character).
fn parse_bracket(pat: &[(u8, bool)], bytes: &[u8], start: usize) -> Option<(Bracket, usize)> {
    let is = |i: usize, want: u8| pat.get(i) == Some(&(want, true));
    let mut i = start;
    let mut negated = false;
    if is(i, b'!') || is(i, b'^') {
        negated = true;
        i += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    loop {
        pat.get(i)?;
        // `]` right after `[` or `[!` is a member, not the end.
        if is(i, b']') && !first {
            return Some((Bracket { negated, items }, i + 1));
        }
        first = false;
        if is(i, b'[') && is(i + 1, b':') {
            let rest = bytes.get(i + 2..).unwrap_or(&[]);
            if let Some((name, class)) = CLASSES.iter().find(|(name, _)| rest.starts_with(name)) {
                items.push(Item::Class(*class));
                i += 2 + name.len();
                continue;
            }
        }
        let (lo, next) = bracket_char(pat, bytes, i)?;
        i = next;
        if is(i, b'-') && pat.get(i + 1).is_some() && !is(i + 1, b']') {
            let (hi, next) = bracket_char(pat, bytes, i + 1)?;
            items.push(Item::Range(lo, hi));
            i = next;
        } else {
            items.push(Item::Char(lo));
        }
    }
}

/// One (possibly escaped) character inside a bracket: its code and the
/// index after it.
fn bracket_char(pat: &[(u8, bool)], bytes: &[u8], i: usize) -> Option<(u32, usize)> {
    let i = if pat.get(i) == Some(&(b'\\', true)) && pat.get(i + 1).is_some() {
        i + 1
    } else {
        i
    };
    let (code, n) = decode(bytes.get(i..)?);
    (n > 0).then_some((code, i + n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All bytes active, as if the pattern came from an unquoted literal.
    fn pat(p: &str) -> Pattern {
        Pattern::new(&p.bytes().map(|b| (b, true)).collect::<Vec<_>>())
    }

    fn m(p: &str, s: &str) -> bool {
        pat(p).matches(s.as_bytes(), &[])
    }

    #[test]
    fn star_and_question() {
        assert!(m("*", ""));
        assert!(m("*", "abc"));
        assert!(m("a*c", "abbbc"));
        assert!(m("a*c", "ac"));
        assert!(!m("a*c", "acb"));
        assert!(m("*a*b*", "xxaxxbxx"));
        assert!(m("?", "a"));
        assert!(!m("?", ""));
        assert!(!m("?", "ab"));
        assert!(m("a??", "abc"));
        assert!(m("**a", "a"));
    }

    #[test]
    fn question_matches_a_whole_character() {
        assert!(m("?", "é"));
        assert!(m("a?b", "aéb"));
        assert!(m("[é]", "é"));
        assert!(m("[à-ê]", "é"));
        // Not UTF-8: one byte is one character.
        assert!(pat("??").matches(b"\xff\xfe", &[]));
        assert!(!pat("?").matches(b"\xff\xfe", &[]));
    }

    #[test]
    fn brackets() {
        assert!(m("[abc]", "b"));
        assert!(!m("[abc]", "d"));
        assert!(m("[a-c]", "b"));
        assert!(!m("[a-c]", "-"));
        assert!(m("[a-]", "-"));
        assert!(m("[!a]", "b"));
        assert!(!m("[!a]", "a"));
        assert!(m("[^a]", "b"));
        assert!(!m("[^a]", "a"));
        assert!(m("[]]", "]"));
        assert!(m("[]a]", "a"));
        assert!(m("[!]]", "a"));
        assert!(!m("[!]]", "]"));
        assert!(m("[[:alpha:]]", "x"));
        assert!(!m("[[:alpha:]]", "1"));
        assert!(m("[[:digit:][:upper:]]", "Q"));
        assert!(m("[[:punct:]]", "]"));
        assert!(m("[[:space:]]", "\t"));
        // An unknown class name is no class: `[[:nope:]` is a bracket of
        // ordinary members, then a literal `]`, as in dash.
        assert!(m("[[:nope:]]", "n]"));
        assert!(!m("[[:nope:]]", "n"));
        assert!(m("[[]", "["));
        assert!(m("[[]x", "[x"));
        assert!(m("[\\]]", "]"));
    }

    #[test]
    fn unterminated_bracket_is_literal() {
        assert!(m("[x", "[x"));
        assert!(m("a[", "a["));
        assert!(m("[!", "[!"));
        assert!(!pat("[x").has_magic());
        assert!(pat("[x]").has_magic());
    }

    #[test]
    fn backslash_escapes_when_active() {
        assert!(m("a\\*", "a*"));
        assert!(!m("a\\*", "ab"));
        assert!(m("\\a*", "abc"));
        assert!(m("a\\", "a\\"));
        assert!(!pat("a\\*").has_magic());
        assert_eq!(pat("a\\*").literal(), b"a*");
    }

    #[test]
    fn quoted_bytes_are_literal() {
        let p = Pattern::new(&[
            (b'*', false),
            (b'?', false),
            (b'[', false),
            (b'x', true),
            (b']', true),
        ]);
        assert!(!p.has_magic());
        assert!(p.matches(b"*?[x]", &[]));
        assert!(!p.matches(b"ab[x]", &[]));
        // A quoted `]` does not close a bracket, a quoted `-` is no range.
        let p = Pattern::new(&[
            (b'[', true),
            (b'a', true),
            (b'-', false),
            (b'c', true),
            (b']', true),
        ]);
        assert!(p.matches(b"-", &[]));
        assert!(!p.matches(b"b", &[]));
    }

    #[test]
    fn separators_only_crossed_by_star() {
        let s = b"a\0b";
        let seps = [false, true, false];
        assert!(pat("a*").matches(s, &seps));
        assert!(!pat("a?b").matches(s, &seps));
        assert!(!pat("???").matches(s, &seps));
    }
}
