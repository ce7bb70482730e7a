//! The expanded text of one word, byte by byte with where each byte came from,
//! and IFS field splitting over it. Origins decide what later steps may do:
//! only unquoted expansion results are split, and quoted bytes never glob.

/// Where an expanded byte came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// Unquoted text written in the word: glob-active, never split.
    Literal,
    /// Quoted text or a tilde result: neither split nor glob-active.
    Quoted,
    /// The result of an unquoted expansion: split on IFS and glob-active.
    Expanded,
}

impl Origin {
    /// Whether the byte may act as a pattern character (`*`, `?`, `[`, `\`).
    pub(super) fn active(self) -> bool {
        self != Origin::Quoted
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Byte(u8, Origin),
    /// Zero-width trace of a quoted part. dash keeps such traces (its
    /// CTLQUOTEMARK) so that `""` or `"$x"` gives a field even when empty,
    /// while an unquoted expansion that yields nothing gives none.
    Mark,
}

/// A finished field: bytes with their origins, ready for globbing.
pub(super) type Piece = Vec<(u8, Origin)>;

/// Collects one word's expansion. `"$@"` may break it into several fields
/// before splitting even starts, so it holds a list of fields in progress.
#[derive(Debug)]
pub(super) struct Builder {
    done: Vec<Vec<Unit>>,
    current: Vec<Unit>,
    /// One field no matter what (redirect targets, assignments): `"$@"`
    /// joins with a space instead of breaking.
    single: bool,
}

impl Builder {
    pub(super) fn new(single: bool) -> Builder {
        Builder {
            done: Vec::new(),
            current: Vec::new(),
            single,
        }
    }

    pub(super) fn push(&mut self, bytes: &[u8], origin: Origin) {
        self.current
            .extend(bytes.iter().map(|&b| Unit::Byte(b, origin)));
    }

    pub(super) fn mark(&mut self) {
        self.current.push(Unit::Mark);
    }

    /// The boundary between two positional parameters of `"$@"`.
    pub(super) fn break_field(&mut self) {
        if self.single {
            self.push(b" ", Origin::Quoted);
        } else {
            self.done.push(std::mem::take(&mut self.current));
        }
    }

    /// Nothing was pushed: no byte and no quote mark (an unquoted empty
    /// expansion), so as a command word this would make no field.
    pub(super) fn is_empty(&self) -> bool {
        self.done.iter().all(Vec::is_empty) && self.current.is_empty()
    }

    /// The fields in progress, each still to be split.
    pub(super) fn into_fields(mut self) -> Vec<Vec<Unit>> {
        self.done.push(self.current);
        self.done
    }

    /// Everything as one run of bytes with origins (single mode).
    pub(super) fn into_piece(self) -> Piece {
        self.into_fields()
            .iter()
            .flatten()
            .filter_map(|u| match *u {
                Unit::Byte(b, o) => Some((b, o)),
                Unit::Mark => None,
            })
            .collect()
    }
}

/// IFS is fixed: dash ignores an inherited IFS and nothing here can set it.
fn is_ifs_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n')
}

/// Split one field in progress on IFS whitespace that came from unquoted
/// expansions. Runs of it separate fields and leading/trailing runs vanish;
/// a piece survives if it has any byte or any quote mark.
pub(super) fn split(units: &[Unit]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut cur = Piece::new();
    let mut present = false;
    for unit in units {
        match *unit {
            Unit::Mark => present = true,
            Unit::Byte(b, Origin::Expanded) if is_ifs_white(b) => {
                if present || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                present = false;
            }
            Unit::Byte(b, o) => cur.push((b, o)),
        }
    }
    if present || !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(pieces: &[Piece]) -> Vec<Vec<u8>> {
        pieces
            .iter()
            .map(|p| p.iter().map(|&(b, _)| b).collect())
            .collect()
    }

    #[test]
    fn expanded_whitespace_splits_and_trims() {
        let mut b = Builder::new(false);
        b.push(b"  a \t\n b  ", Origin::Expanded);
        let fields = b.into_fields();
        assert_eq!(
            texts(&split(&fields[0])),
            vec![b"a".to_vec(), b"b".to_vec()]
        );
    }

    #[test]
    fn literal_and_quoted_whitespace_never_split() {
        let mut b = Builder::new(false);
        b.push(b"a b", Origin::Literal);
        b.push(b" c ", Origin::Quoted);
        let fields = b.into_fields();
        assert_eq!(texts(&split(&fields[0])), vec![b"a b c ".to_vec()]);
    }

    #[test]
    fn expansion_joins_adjacent_text() {
        let mut b = Builder::new(false);
        b.push(b"a", Origin::Literal);
        b.push(b"1 2", Origin::Expanded);
        b.push(b"b", Origin::Literal);
        let fields = b.into_fields();
        assert_eq!(
            texts(&split(&fields[0])),
            vec![b"a1".to_vec(), b"2b".to_vec()]
        );
    }

    #[test]
    fn empty_expansion_gives_no_field_but_mark_gives_one() {
        let mut b = Builder::new(false);
        b.push(b"  ", Origin::Expanded);
        assert!(split(&b.into_fields()[0]).is_empty());

        let mut b = Builder::new(false);
        b.push(b"  ", Origin::Expanded);
        b.mark();
        assert_eq!(texts(&split(&b.into_fields()[0])), vec![Vec::<u8>::new()]);

        // `"a"$x"b"` with x made of blanks: the blanks still separate.
        let mut b = Builder::new(false);
        b.mark();
        b.push(b"a", Origin::Quoted);
        b.push(b" ", Origin::Expanded);
        b.mark();
        b.push(b"b", Origin::Quoted);
        assert_eq!(
            texts(&split(&b.into_fields()[0])),
            vec![b"a".to_vec(), b"b".to_vec()]
        );
    }

    #[test]
    fn break_field_splits_or_joins() {
        let mut b = Builder::new(false);
        b.push(b"x", Origin::Quoted);
        b.break_field();
        b.push(b"y", Origin::Quoted);
        assert_eq!(b.into_fields().len(), 2);

        let mut b = Builder::new(true);
        b.push(b"x", Origin::Quoted);
        b.break_field();
        b.mark();
        b.push(b"y", Origin::Quoted);
        let bytes: Vec<u8> = b.into_piece().iter().map(|&(c, _)| c).collect();
        assert_eq!(bytes, b"x y");
    }
}
