//! Reading the text: line continuation is folded into the cursor.
//!
//! sh removes every `\`-newline outside single quotes before anything
//! else, even inside `$NAME` or between `>` and `>`. The lexer reads through
//! [`Lexer::peek`], [`Lexer::peek_at`] and [`Lexer::bump`], which step over
//! `\`-newline pairs, so `$HO\`-newline-`ME` is `$HOME`; the few places
//! where a `\`-newline is kept read the bytes directly from [`Lexer::here`]:
//! single quotes, `$'...'` (bash keeps it there as an unknown escape),
//! comments, and the character a `\` escapes (`\\` then a newline is an
//! escaped backslash and a newline). Positions are always offsets in the
//! text as written, so spans need no mapping back.

use super::Lexer;
use crate::syntax::span::Span;

/// `at` in `text`, moved past any `\`-newline pairs that start there.
pub fn skip_continuations(text: &[u8], mut at: usize) -> usize {
    while text.get(at..at + 2) == Some(b"\\\n") {
        at += 2;
    }
    at
}

impl<'a> Lexer<'a> {
    /// `at`, moved past any `\`-newline pairs that start there.
    pub(super) fn skip(&self, at: usize) -> usize {
        skip_continuations(self.bytes, at)
    }

    /// Where the text from `start` on ends, before any `\`-newline at the
    /// very end: for an error about everything that is left.
    pub(super) fn text_end(&self, start: usize) -> usize {
        let mut end = start;
        let mut at = start;
        loop {
            at = self.skip(at);
            match self.bytes.get(at) {
                None => return end,
                // An escaped character: `\\` then a newline is no
                // continuation.
                Some(b'\\') => at = (at + 2).min(self.bytes.len()),
                Some(_) => at += 1,
            }
            end = at;
        }
    }

    /// The offset of the next byte to read.
    pub(super) fn here(&self) -> usize {
        self.skip(self.pos)
    }

    /// The next byte.
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.here()).copied()
    }

    /// The byte `n` bytes after the next one, not counting `\`-newlines.
    pub(super) fn peek_at(&self, n: usize) -> Option<u8> {
        let mut at = self.here();
        for _ in 0..n {
            at = self.skip(at + 1);
        }
        self.bytes.get(at).copied()
    }

    /// Read the next byte.
    pub(super) fn bump(&mut self) {
        self.pos = self.here() + 1;
    }

    /// Read the next `n` bytes.
    pub(super) fn bump_n(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }

    /// Where reading `n` more bytes would end.
    pub(super) fn end_of(&self, n: usize) -> usize {
        let mut at = self.pos;
        for _ in 0..n {
            at = self.skip(at) + 1;
        }
        at
    }

    /// The span of the next `n` bytes, for an error about them.
    pub(super) fn next_span(&self, n: usize) -> Span {
        Span::new(self.here(), self.end_of(n))
    }

    /// From `start` to what has been read.
    pub(super) fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.pos)
    }

    /// The bytes of the character at `at`: a whole UTF-8 sequence when one
    /// starts there, else one byte.
    pub(super) fn char_at(&self, at: usize) -> &'a [u8] {
        let rest = &self.bytes[at..];
        let len = rest[..rest.len().min(4)]
            .utf8_chunks()
            .next()
            .and_then(|chunk| chunk.valid().chars().next())
            .map_or(1, char::len_utf8);
        &rest[..len]
    }

    /// A carriage return at `at`, then a newline (maybe after a
    /// `\`-newline: it is the `\r` that is wrong).
    pub(super) fn is_crlf(&self, at: usize) -> bool {
        self.bytes.get(at) == Some(&b'\r') && self.bytes.get(self.skip(at + 1)) == Some(&b'\n')
    }
}
