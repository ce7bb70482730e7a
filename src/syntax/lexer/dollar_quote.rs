//! Dollar-single-quotes, `$'...'` (POSIX.1-2024, bash, ksh, zsh): single
//! quotes in which backslash escapes stand for bytes (`\n`, `\t`, `\x41`,
//! `\u00e9`, ...). dash 0.5.12 lacks them; pipe-run decodes them as bash 5.2
//! does, byte for byte, since that is what scripts using them were tried on.
//!
//! The result is quoted text: never split, never globbed, never expanded
//! again. Inside double quotes `$'` is not special (`"$'x'"` is `$'x'`);
//! inside `${name-...}` it is, even within double quotes, as in bash.

use super::{Lexer, Parts};
use crate::syntax::error::SyntaxError;
use crate::syntax::span::Span;

impl Lexer<'_> {
    /// `$'` next: the string up to the closing `'` that no backslash
    /// escapes. Its bytes are read as they are, `\`-newline included,
    /// unless `in_double_quotes` (as in `"${x-$'...'}"`), where bash removes
    /// `\`-newline first.
    pub(super) fn dollar_single(
        &mut self,
        parts: &mut Parts,
        in_double_quotes: bool,
    ) -> Result<(), SyntaxError> {
        let open = self.here();
        let body_start = self.skip(open + 1) + 1;
        let mut body = Vec::new();
        let mut i = body_start;
        loop {
            if in_double_quotes {
                i = self.skip(i);
            }
            match self.bytes.get(i) {
                None => {
                    return Err(SyntaxError::new(
                        Span::new(open, body_start),
                        "unterminated dollar-single quote `$'`",
                    )
                    .help("add the closing `'` (a `\\'` inside does not close it)"));
                }
                Some(b'\'') => break,
                Some(b'\\') => {
                    let end = (i + 2).min(self.bytes.len());
                    body.extend_from_slice(&self.bytes[i..end]);
                    i = end;
                }
                Some(&b) => {
                    body.push(b);
                    i += 1;
                }
            }
        }
        parts.empty_quoted();
        parts.bytes(&decode(&body), true);
        self.pos = i + 1;
        Ok(())
    }
}

/// The bytes that the text between `$'` and `'` stands for.
///
/// A NUL (`\0`, `\x00`, `\c@`) ends the string, as in bash, whose strings
/// are C strings: `$'a\0b'c` is `ac`. No argument could hold the NUL anyway.
pub(super) fn decode(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        // The lexer only ends the string at a `'` no backslash escapes, so
        // a backslash is always followed by something.
        let Some(&c) = body.get(i) else {
            out.push(b'\\');
            break;
        };
        i += 1;
        let byte = match c {
            b'a' => 0x07,
            b'b' => 0x08,
            b'e' | b'E' => 0x1b,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 0x0b,
            b'\\' | b'\'' | b'"' | b'?' => c,
            b'0'..=b'7' => {
                // One to three octal digits; bash keeps the low 8 bits, so
                // `\400` is a NUL.
                let (value, used) = digits(&body[i..], 8, 2);
                i += used;
                ((u32::from(c - b'0') << (3 * used)) + value) as u8
            }
            b'x' => match digits(&body[i..], 16, 2) {
                (_, 0) => {
                    out.push(b'\\');
                    b'x'
                }
                (value, used) => {
                    i += used;
                    value as u8
                }
            },
            b'u' | b'U' => {
                let max = if c == b'u' { 4 } else { 8 };
                match digits(&body[i..], 16, max) {
                    (_, 0) => {
                        out.push(b'\\');
                        c
                    }
                    (value, used) => {
                        i += used;
                        if value > 0x7f {
                            out.extend_from_slice(&utf8(value));
                            continue;
                        }
                        value as u8
                    }
                }
            }
            b'c' => match body.get(i) {
                // A `\c` that ends the string stays as written.
                None => {
                    out.push(b'\\');
                    b'c'
                }
                Some(&x) => {
                    i += 1;
                    // POSIX: `\c\\` is the control character for `\`.
                    if x == b'\\' && body.get(i) == Some(&b'\\') {
                        i += 1;
                    }
                    if x == b'?' { 0x7f } else { x & 0x1f }
                }
            },
            // An unknown escape keeps its backslash.
            _ => {
                out.push(b'\\');
                c
            }
        };
        if byte == 0 {
            break;
        }
        out.push(byte);
    }
    out
}

/// The value of up to `max` leading digits of `text` in `radix`, and how
/// many there were.
fn digits(text: &[u8], radix: u32, max: usize) -> (u32, usize) {
    let mut value = 0u32;
    let mut used = 0;
    for &b in text.iter().take(max) {
        let Some(d) = char::from(b).to_digit(radix) else {
            break;
        };
        value = value * radix + d;
        used += 1;
    }
    (value, used)
}

/// `\u` and `\U` values above 0x7f in UTF-8, encoded the way bash does it
/// whatever the value: surrogates and values past U+10FFFF (up to
/// 0x7fffffff, in the original 6-byte form) are encoded too, and larger
/// values give nothing. `char` cannot hold those, so this is done by hand.
fn utf8(value: u32) -> Vec<u8> {
    let (len, first) = match value {
        0..0x80 => return vec![value as u8],
        0x80..0x800 => (2, 0xc0),
        0x800..0x1_0000 => (3, 0xe0),
        0x1_0000..0x20_0000 => (4, 0xf0),
        0x20_0000..0x400_0000 => (5, 0xf8),
        0x400_0000..0x8000_0000 => (6, 0xfc),
        _ => return Vec::new(),
    };
    let mut out = vec![0u8; len];
    let mut rest = value;
    for byte in out[1..].iter_mut().rev() {
        *byte = 0x80 | (rest & 0x3f) as u8;
        rest >>= 6;
    }
    out[0] = first | rest as u8;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(body: &str) -> Vec<u8> {
        decode(body.as_bytes())
    }

    #[test]
    fn named_escapes() {
        assert_eq!(d(r"\a\b\e\E\f\n\r\t\v"), b"\x07\x08\x1b\x1b\x0c\n\r\t\x0b");
        assert_eq!(d(r#"\\\'\"\?"#), br#"\'"?"#);
        assert_eq!(d(r"a\qb\%\8"), br"a\qb\%\8");
    }

    #[test]
    fn octal_takes_up_to_three_digits_and_wraps() {
        assert_eq!(d(r"\101\1011\0101"), b"AA1\x081");
        assert_eq!(d(r"\7\77\777"), b"\x07\x3f\xff");
        assert_eq!(d(r"\400x"), b"");
    }

    #[test]
    fn hex_takes_up_to_two_digits() {
        assert_eq!(d(r"\x41\x414\x4g\xff"), b"AA4\x04g\xff");
        assert_eq!(d(r"\x\xg"), br"\x\xg");
    }

    #[test]
    fn unicode_is_encoded_as_bash_does() {
        assert_eq!(d(r"\u00e9\u41\U0001F600"), "éA😀".as_bytes());
        assert_eq!(d(r"\u\U"), br"\u\U");
        assert_eq!(d(r"\u00e9f"), "éf".as_bytes());
        assert_eq!(d(r"\u12345"), "\u{1234}5".as_bytes());
        assert_eq!(d(r"\uD800"), b"\xed\xa0\x80");
        assert_eq!(d(r"\U110000"), b"\xf4\x90\x80\x80");
        assert_eq!(d(r"\U7FFFFFFF"), b"\xfd\xbf\xbf\xbf\xbf\xbf");
        assert_eq!(d(r"a\UFFFFFFFFb"), b"ab");
    }

    #[test]
    fn control_characters() {
        assert_eq!(d(r"\cA\ca\c?\c[\c\\x"), b"\x01\x01\x7f\x1b\x1cx");
        assert_eq!(d(r"x\c"), br"x\c");
        assert_eq!(d("\\cé"), b"\x03\xa9");
    }

    #[test]
    fn a_nul_ends_the_string() {
        assert_eq!(d(r"a\0b"), b"a");
        assert_eq!(d(r"a\x00b"), b"a");
        assert_eq!(d(r"a\u0z"), b"a");
        assert_eq!(d(r"a\c@b"), b"a");
    }
}
