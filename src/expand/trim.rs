//! `${x#p}`, `${x##p}`, `${x%p}`, `${x%%p}`: removing the shortest or
//! longest prefix or suffix that matches a pattern.
//!
//! Trying the pattern on every prefix (or suffix) in turn is quadratic in
//! the value's length; instead, one pass of a set-of-states automaton over
//! the value finds every prefix that matches (run backwards, every suffix),
//! in time proportional to the value times the pattern.

use std::ops::Range;

use super::pattern::{Pattern, Token, decode, match_one};

/// Which part of a value the `${x#p}` family removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Trim {
    Prefix { longest: bool },
    Suffix { longest: bool },
}

/// The range of `s` that survives the trim (all of it if nothing matches).
/// `seps` (empty, or one flag per byte) marks the boundaries between the
/// parameters of a quoted `$@`, which only `*` can cross.
pub(super) fn trim(pat: &Pattern, s: &[u8], seps: &[bool], how: Trim) -> Range<usize> {
    let subject = Subject::new(s, seps);
    // Cut only at character boundaries, so a trim never splits a character.
    let cuts = subject.cuts();
    match how {
        Trim::Prefix { longest } => {
            let ends = subject.matching_prefixes(pat);
            let mut hits = cuts.iter().copied().filter(|&k| ends[k]);
            let found = if longest {
                hits.next_back()
            } else {
                hits.next()
            };
            found.map_or(0..s.len(), |k| k..s.len())
        }
        Trim::Suffix { longest } => {
            let starts = subject.matching_suffixes(pat);
            let mut hits = cuts.iter().copied().filter(|&k| starts[k]);
            let found = if longest {
                hits.next()
            } else {
                hits.next_back()
            };
            found.map_or(0..s.len(), |k| 0..k)
        }
    }
}

/// The value being trimmed, with its character boundaries.
struct Subject<'a> {
    s: &'a [u8],
    seps: &'a [bool],
    /// `is_cut[p]`: a character starts (or the value ends) at byte `p`.
    is_cut: Vec<bool>,
    /// For each cut `p` after the first, where the character ending at
    /// `p` starts.
    prev_cut: Vec<usize>,
}

/// A set of pattern positions: bit `i` means "the first `i` tokens have
/// matched" (forwards) or "the tokens from `i` on have matched" (backwards).
#[derive(Clone)]
struct States(Vec<u64>);

impl States {
    fn new(len: usize) -> States {
        States(vec![0; len.div_ceil(64)])
    }

    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
}

impl<'a> Subject<'a> {
    fn new(s: &'a [u8], seps: &'a [bool]) -> Subject<'a> {
        let mut is_cut = vec![false; s.len() + 1];
        let mut prev_cut = vec![0; s.len() + 1];
        is_cut[0] = true;
        let mut i = 0;
        while i < s.len() {
            let len = if seps.get(i).copied().unwrap_or(false) {
                1
            } else {
                decode(&s[i..]).1.max(1)
            };
            let next = (i + len).min(s.len());
            is_cut[next] = true;
            prev_cut[next] = i;
            i = next;
        }
        Subject {
            s,
            seps,
            is_cut,
            prev_cut,
        }
    }

    fn cuts(&self) -> Vec<usize> {
        (0..=self.s.len()).filter(|&p| self.is_cut[p]).collect()
    }

    fn is_sep(&self, i: usize) -> bool {
        self.seps.get(i).copied().unwrap_or(false)
    }

    /// Bytes of the character starting at `p` (1 for a separator or a byte
    /// inside a character).
    fn len_at(&self, p: usize) -> usize {
        if self.is_sep(p) {
            1
        } else {
            decode(&self.s[p..]).1.max(1)
        }
    }

    /// Bytes of the character ending at `p`, the mirror of `len_at`.
    fn len_before(&self, p: usize) -> usize {
        if self.is_cut[p] && !self.is_sep(p - 1) {
            p - self.prev_cut[p]
        } else {
            1
        }
    }

    /// `ends[p]`: the whole pattern matches `s[..p]`.
    fn matching_prefixes(&self, pat: &Pattern) -> Vec<bool> {
        let tokens = pat.tokens();
        let m = tokens.len();
        let n = self.s.len();
        let mut at: Vec<Option<States>> = vec![None; n + 1];
        let mut start = States::new(m + 1);
        start.set(0);
        at[0] = Some(start);
        let mut ends = vec![false; n + 1];
        for p in 0..=n {
            let Some(mut states) = at[p].take() else {
                continue;
            };
            // A `*` may match nothing: its next position is live too.
            for (i, token) in tokens.iter().enumerate() {
                if states.has(i) && *token == Token::Star {
                    states.set(i + 1);
                }
            }
            ends[p] = states.has(m);
            if p == n {
                break;
            }
            for i in (0..m).filter(|&i| states.has(i)) {
                let (next, to) = match &tokens[i] {
                    Token::Star => (i, p + self.len_at(p)),
                    _ if self.is_sep(p) => continue,
                    token => match match_one(token, self.s, p) {
                        Some(len) => (i + 1, p + len),
                        None => continue,
                    },
                };
                at[to.min(n)]
                    .get_or_insert_with(|| States::new(m + 1))
                    .set(next);
            }
        }
        ends
    }

    /// `starts[p]`: the whole pattern matches `s[p..]`. The same automaton
    /// as `matching_prefixes`, run from the end of both pattern and value.
    fn matching_suffixes(&self, pat: &Pattern) -> Vec<bool> {
        let tokens = pat.tokens();
        let m = tokens.len();
        let n = self.s.len();
        let mut at: Vec<Option<States>> = vec![None; n + 1];
        let mut start = States::new(m + 1);
        start.set(m);
        at[n] = Some(start);
        let mut starts = vec![false; n + 1];
        for p in (0..=n).rev() {
            let Some(mut states) = at[p].take() else {
                continue;
            };
            for i in (1..=m).rev() {
                if states.has(i) && tokens[i - 1] == Token::Star {
                    states.set(i - 1);
                }
            }
            starts[p] = states.has(0);
            if p == 0 || states.is_empty() {
                continue;
            }
            for i in (1..=m).filter(|&i| states.has(i)) {
                let len = self.len_before(p);
                let (next, from) = match &tokens[i - 1] {
                    Token::Star => (i, p - len),
                    _ if self.is_sep(p - 1) => continue,
                    Token::Byte(b) => {
                        if self.s[p - 1] != *b {
                            continue;
                        }
                        (i - 1, p - 1)
                    }
                    // A character token must take exactly the character
                    // that ends here, as the forward reading would.
                    token => match match_one(token, self.s, p - len) {
                        Some(l) if l == len => (i - 1, p - len),
                        _ => continue,
                    },
                };
                at[from].get_or_insert_with(|| States::new(m + 1)).set(next);
            }
        }
        starts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pat(s: &str) -> Pattern {
        let pairs: Vec<(u8, bool)> = s.bytes().map(|b| (b, true)).collect();
        Pattern::new(&pairs)
    }

    const SHORT_P: Trim = Trim::Prefix { longest: false };
    const LONG_P: Trim = Trim::Prefix { longest: true };
    const SHORT_S: Trim = Trim::Suffix { longest: false };
    const LONG_S: Trim = Trim::Suffix { longest: true };

    #[test]
    fn trims() {
        let s = b"abcabc";
        let t = |p: &str, how| {
            let r = trim(&pat(p), s, &[], how);
            String::from_utf8(s[r].to_vec()).unwrap()
        };
        assert_eq!(t("*b", SHORT_P), "cabc");
        assert_eq!(t("*b", LONG_P), "c");
        assert_eq!(t("b*", SHORT_S), "abca");
        assert_eq!(t("b*", LONG_S), "a");
        assert_eq!(t("", SHORT_P), "abcabc");
        assert_eq!(t("x", SHORT_S), "abcabc");
        assert_eq!(t("*", LONG_P), "");
        assert_eq!(t("*", SHORT_P), "abcabc");
        assert_eq!(t("*", LONG_S), "");
        let r = trim(&pat("?"), "éa".as_bytes(), &[], SHORT_P);
        assert_eq!(&"éa".as_bytes()[r], b"a");
        let r = trim(&pat("?"), "aé".as_bytes(), &[], SHORT_S);
        assert_eq!(&"aé".as_bytes()[r], b"a");
    }

    #[test]
    fn long_values_trim_in_linear_time() {
        // Trying every prefix made this quadratic: about 10 s at 100 KB.
        let mut s = vec![b'a'; 200_000];
        s.push(b'b');
        let r = trim(&pat("*a*b"), &s, &[], LONG_P);
        assert_eq!(r, s.len()..s.len());
        let r = trim(&pat("a*x"), &s, &[], SHORT_S);
        assert_eq!(r, 0..s.len());
    }

    /// The definition: try the pattern on every cut.
    fn reference(pat: &Pattern, s: &[u8], seps: &[bool], how: Trim) -> Range<usize> {
        let subject = Subject::new(s, seps);
        let cuts = subject.cuts();
        let sub = |r: Range<usize>| (&s[r.clone()], seps.get(r).unwrap_or(&[]));
        let pre = |k: &usize| {
            let (t, f) = sub(0..*k);
            pat.matches(t, f)
        };
        let suf = |k: &usize| {
            let (t, f) = sub(*k..s.len());
            pat.matches(t, f)
        };
        match how {
            Trim::Prefix { longest: false } => cuts.iter().find(|k| pre(k)).map(|&k| k..s.len()),
            Trim::Prefix { longest: true } => {
                cuts.iter().rev().find(|k| pre(k)).map(|&k| k..s.len())
            }
            Trim::Suffix { longest: false } => cuts.iter().rev().find(|k| suf(k)).map(|&k| 0..k),
            Trim::Suffix { longest: true } => cuts.iter().find(|k| suf(k)).map(|&k| 0..k),
        }
        .unwrap_or(0..s.len())
    }

    proptest! {
        #[test]
        fn agrees_with_trying_every_cut(
            pattern in "[ab*?é\\[\\]!-]{0,6}",
            value in proptest::collection::vec(
                prop_oneof![Just(b'a'), Just(b'b'), Just(0xc3), Just(0xa9), Just(0)],
                0..12,
            ),
            how in 0..4usize,
        ) {
            let how = [SHORT_P, LONG_P, SHORT_S, LONG_S][how];
            let seps: Vec<bool> = value.iter().map(|&b| b == 0).collect();
            let p = pat(&pattern);
            prop_assert_eq!(trim(&p, &value, &seps, how), reference(&p, &value, &seps, how));
            prop_assert_eq!(trim(&p, &value, &[], how), reference(&p, &value, &[], how));
        }
    }
}
