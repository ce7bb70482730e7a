//! Line continuation: sh removes every `\`-newline outside single quotes
//! before anything else, even inside `$NAME` or between `>` and `>`. Doing
//! it first keeps the lexer simple; the offset map takes spans back to the
//! text the user wrote, so carets stay in the right column.

use super::ast::{EdgeAttributes, ParamOp, Pipeline, Word, WordPart};
use super::span::Span;
use super::token::{Token, TokenKind};

pub struct Joined {
    pub text: Vec<u8>,
    /// Positions in `text` before which a `\`-newline pair was removed.
    removed_before: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Plain,
    Single,
    /// Inside `$'...'`, where `\'` does not end the string and a
    /// `\`-newline is kept (bash keeps it as an unknown escape).
    DollarSingle,
    Double,
    Comment,
}

/// Remove every `\`-newline that sh would remove.
pub fn join(bytes: &[u8]) -> Joined {
    if !bytes.windows(2).any(|w| w == b"\\\n") {
        return Joined {
            text: bytes.to_vec(),
            removed_before: Vec::new(),
        };
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut removed_before = Vec::new();
    let mut state = State::Plain;
    // `out.len()` just after an escaped character was copied: an escaped
    // blank does not end a word, so a `#` after it starts no comment.
    let mut escaped_end = usize::MAX;
    // How many `${` are open: inside one, `#` is an operator, not a comment.
    let mut braces = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match (state, b) {
            (State::Single | State::DollarSingle, b'\'') => state = State::Plain,
            (State::Single, _) => {}
            (State::DollarSingle, b'\\') => {
                out.extend_from_slice(&bytes[i..(i + 2).min(bytes.len())]);
                i += 2;
                continue;
            }
            (State::DollarSingle, _) => {}
            (State::Comment, b'\n') => state = State::Plain,
            (State::Comment, _) => {}
            (_, b'\\') if bytes.get(i + 1) == Some(&b'\n') => {
                removed_before.push(out.len());
                i += 2;
                continue;
            }
            (_, b'\\') => {
                // An escaped character is copied as is, so `\\` followed by
                // a newline is not a continuation.
                out.push(b);
                if let Some(&next) = bytes.get(i + 1) {
                    out.push(next);
                }
                escaped_end = out.len();
                i += 2;
                continue;
            }
            (State::Plain | State::Double, b'$') if bytes.get(i + 1) == Some(&b'{') => {
                braces += 1;
            }
            // `$$` is one parameter: a `'` or `{` after it is not part of
            // a `$'` or `${`.
            (State::Plain | State::Double, b'$') if bytes.get(i + 1) == Some(&b'$') => {
                out.extend_from_slice(b"$$");
                i += 2;
                continue;
            }
            // Inside double quotes `$'` is not special (inside a `${` in
            // double quotes it is, but there bash removes `\`-newline).
            (State::Plain, b'$') if bytes.get(i + 1) == Some(&b'\'') => {
                out.extend_from_slice(b"$'");
                state = State::DollarSingle;
                i += 2;
                continue;
            }
            (State::Plain | State::Double, b'}') if braces > 0 => braces -= 1,
            (State::Plain, b'\'') => state = State::Single,
            (State::Plain, b'"') => state = State::Double,
            (State::Double, b'"') => state = State::Plain,
            (State::Plain, b'#')
                if braces == 0 && out.len() != escaped_end && starts_word(&out) =>
            {
                state = State::Comment;
            }
            _ => {}
        }
        out.push(b);
        i += 1;
    }
    Joined {
        text: out,
        removed_before,
    }
}

fn starts_word(out: &[u8]) -> bool {
    out.last().is_none_or(|&b| {
        matches!(
            b,
            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
        )
    })
}

impl Joined {
    /// Map a span of the joined text back to the original text.
    pub fn original(&self, span: Span) -> Span {
        if self.removed_before.is_empty() {
            return span;
        }
        let start_shift = 2 * self.removed_before.partition_point(|&p| p <= span.start);
        let end_shift = 2 * self.removed_before.partition_point(|&p| p < span.end);
        Span::new(
            span.start + start_shift,
            (span.end + end_shift).max(span.start + start_shift),
        )
    }
}

impl Joined {
    /// Map every span in `token` back to the original text.
    pub fn remap_token(&self, token: &mut Token) {
        token.span = self.original(token.span);
        match &mut token.kind {
            TokenKind::Word(word) => self.remap_word(word),
            TokenKind::Pipe {
                attributes: Some(attributes),
                ..
            } => self.remap_attributes(attributes),
            _ => {}
        }
    }

    fn remap_attributes(&self, attributes: &mut EdgeAttributes) {
        attributes.span = self.original(attributes.span);
        if let Some((_, span)) = &mut attributes.transport {
            *span = self.original(*span);
        }
        if let Some((_, span)) = &mut attributes.size {
            *span = self.original(*span);
        }
        if let Some(span) = &mut attributes.duplex {
            *span = self.original(*span);
        }
    }

    fn remap_word(&self, word: &mut Word) {
        word.span = self.original(word.span);
        for part in &mut word.parts {
            match part {
                WordPart::Param(p) => {
                    p.span = self.original(p.span);
                    match &mut p.op {
                        ParamOp::Default { word, .. }
                        | ParamOp::Alternative { word, .. }
                        | ParamOp::Error {
                            word: Some(word), ..
                        }
                        | ParamOp::TrimPrefix { pattern: word, .. }
                        | ParamOp::TrimSuffix { pattern: word, .. } => self.remap_word(word),
                        _ => {}
                    }
                }
                WordPart::ProcSub(sub) => {
                    sub.span = self.original(sub.span);
                    self.remap_pipeline(&mut sub.pipeline);
                }
                WordPart::Literal { .. } => {}
            }
        }
    }

    fn remap_pipeline(&self, pipeline: &mut Pipeline) {
        for connector in &mut pipeline.connectors {
            connector.span = self.original(connector.span);
            if let Some(attributes) = &mut connector.attributes {
                self.remap_attributes(attributes);
            }
        }
        for stage in &mut pipeline.stages {
            stage.span = self.original(stage.span);
            for assignment in &mut stage.assignments {
                assignment.span = self.original(assignment.span);
                self.remap_word(&mut assignment.value);
            }
            for word in &mut stage.words {
                self.remap_word(word);
            }
            for redirect in &mut stage.redirects {
                redirect.span = self.original(redirect.span);
                self.remap_word(&mut redirect.target);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_outside_single_quotes_only() {
        assert_eq!(
            join("a\\\nb '\\\n' \"\\\n\"".as_bytes()).text,
            "ab '\\\n' \"\"".as_bytes()
        );
        assert_eq!(join("a\\\\\nb".as_bytes()).text, "a\\\\\nb".as_bytes());
        assert_eq!(join("# c \\\nx".as_bytes()).text, "# c \\\nx".as_bytes());
        // Neither an escaped blank nor `${` makes `#` start a comment.
        assert_eq!(
            join("a\\ #$HO\\\nME".as_bytes()).text,
            "a\\ #$HOME".as_bytes()
        );
        assert_eq!(
            join("${x-a #$HO\\\nME}".as_bytes()).text,
            "${x-a #$HOME}".as_bytes()
        );
    }

    #[test]
    fn dollar_single_quotes_keep_backslash_newline() {
        // `\'` does not end `$'...'`, so the `\`-newline after it is outside.
        assert_eq!(
            join("$'a\\\nb' $'\\'' c\\\nd".as_bytes()).text,
            "$'a\\\nb' $'\\'' cd".as_bytes()
        );
        assert_eq!(join("\"$'\\\n'\"".as_bytes()).text, "\"$''\"".as_bytes());
        assert_eq!(join("$$'\\\n'".as_bytes()).text, "$$'\\\n'".as_bytes());
    }

    #[test]
    fn spans_map_back() {
        let j = join(b"ab\\\ncd ef");
        assert_eq!(j.text, b"abcd ef");
        assert_eq!(j.original(Span::new(0, 4)), Span::new(0, 6));
        assert_eq!(j.original(Span::new(5, 7)), Span::new(7, 9));
        assert_eq!(j.original(Span::new(2, 4)), Span::new(4, 6));
    }
}
