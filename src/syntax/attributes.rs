//! Edge attributes: the text of `|[...]` to a checked [`EdgeAttributes`].
//!
//! The attributes are written right after the `|` (or `|&`), comma
//! separated, without spaces: `|[fifo,size=64K]`. Each attribute the parser
//! knows is one row of [`KEYS`]: its name, whether it takes a value, and the
//! function that records it. A new attribute is a new row (and a new field
//! of [`EdgeAttributes`]).

use super::ast::EdgeAttributes;
use super::error::SyntaxError;
use super::span::Span;
use crate::transport::Kind;

/// One byte of the text between `[` and `]`, with its offset in the whole
/// expression (a `\`-newline in between is already gone).
pub type Located = (usize, u8);

/// One attribute as written: `name` or `name=value`.
struct Item<'a> {
    /// The whole item.
    span: Span,
    name: &'a [Located],
    /// What follows the first `=`, if there is one; `value_span` starts
    /// right after the `=`.
    value: Option<&'a [Located]>,
    value_span: Span,
}

/// Whether an attribute is a bare name or takes a value.
#[derive(Clone, Copy)]
enum Takes {
    Nothing,
    /// `name=VALUE`, where the string names the value in messages.
    Value(&'static str),
}

/// A known attribute.
struct Key {
    name: &'static str,
    takes: Takes,
    /// Record the item in the attributes, or refuse it.
    set: fn(&mut EdgeAttributes, &Item) -> Result<(), SyntaxError>,
}

/// Every attribute the parser knows, in the order the help lists them.
const KEYS: &[Key] = &[
    Key {
        name: "pipe",
        takes: Takes::Nothing,
        set: |a, i| transport(a, i, Kind::Pipe),
    },
    Key {
        name: "fifo",
        takes: Takes::Nothing,
        set: |a, i| transport(a, i, Kind::Fifo),
    },
    Key {
        name: "sock",
        takes: Takes::Nothing,
        set: |a, i| transport(a, i, Kind::Sock),
    },
    Key {
        name: "seqpacket",
        takes: Takes::Nothing,
        set: |a, i| transport(a, i, Kind::Seqpacket),
    },
    Key {
        name: "duplex",
        takes: Takes::Nothing,
        set: |a, i| {
            a.duplex = Some(i.span);
            Ok(())
        },
    },
    Key {
        name: "size",
        takes: Takes::Value("SIZE"),
        set: |a, i| {
            a.size = Some((size(i)?, i.span));
            Ok(())
        },
    },
];

/// The units a size may carry, with their factor: binary ones as GNU tools
/// read `K` (and `KiB`), decimal ones as they read `KB`.
const UNITS: &[(&str, u64)] = &[
    ("", 1),
    ("K", 1 << 10),
    ("k", 1 << 10),
    ("KiB", 1 << 10),
    ("KB", 1000),
    ("kB", 1000),
    ("M", 1 << 20),
    ("MiB", 1 << 20),
    ("MB", 1_000_000),
    ("G", 1 << 30),
    ("GiB", 1 << 30),
    ("GB", 1_000_000_000),
];

const SIZE_HELP: &str = "a size is a number of bytes, or a number with a unit: \
    65536, 64K, 1MiB, 1MB (K and KiB are 1024, KB is 1000; likewise M and G)";

const SPACE_HELP: &str = "write the attributes without spaces, e.g. `|[fifo,size=64K]`; \
    to run the `[` command instead, put a space after the `|`";

/// Parse the text between `[` and `]`; `span` covers `[` to `]`.
pub fn parse(inner: &[Located], span: Span) -> Result<EdgeAttributes, SyntaxError> {
    let mut attrs = EdgeAttributes {
        transport: None,
        size: None,
        duplex: None,
        span,
    };
    if inner.is_empty() {
        return Err(
            SyntaxError::new(span, "empty edge attributes `|[]`").help(format!(
                "write at least one attribute ({}), or a plain `|`",
                known()
            )),
        );
    }
    if let Some(start) = inner.iter().position(|&(_, b)| is_blank(b)) {
        let len = inner[start..]
            .iter()
            .take_while(|&&(_, b)| is_blank(b))
            .count();
        let blanks = &inner[start..start + len];
        return Err(
            SyntaxError::new(span_of(blanks), "spaces are not allowed inside `|[...]`")
                .help(SPACE_HELP),
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    let items: Vec<&[Located]> = inner.split(|&(_, b)| b == b',').collect();
    for (n, text) in items.iter().enumerate() {
        if text.is_empty() {
            return Err(empty_item(inner, &items, n));
        }
        let item = item(text);
        if item.name.is_empty() {
            return Err(SyntaxError::new(
                item.span,
                "an edge attribute has no name before its `=`",
            )
            .help(format!("the attributes are: {}", known())));
        }
        let Some(key) = KEYS.iter().find(|k| same(item.name, k.name)) else {
            return Err(SyntaxError::new(
                span_of(item.name),
                format!("unknown edge attribute `{}`", shown(item.name)),
            )
            .help(format!("the attributes are: {}", known())));
        };
        match (key.takes, item.value) {
            (Takes::Nothing, Some(_)) => {
                return Err(
                    SyntaxError::new(item.span, format!("`{}` takes no value", key.name))
                        .help(format!("write just `{}`", key.name)),
                );
            }
            (Takes::Value(what), None) => {
                return Err(SyntaxError::new(
                    item.span,
                    format!("`{}` needs a value: `{}={what}`", key.name, key.name),
                )
                .help(value_help(key.name)));
            }
            _ => {}
        }
        if seen.contains(&key.name) {
            return Err(
                SyntaxError::new(item.span, format!("`{}` is given twice", key.name))
                    .help("write each attribute once"),
            );
        }
        seen.push(key.name);
        (key.set)(&mut attrs, &item)?;
    }
    if let Some(duplex) = attrs.duplex {
        match attrs.transport {
            Some((kind, _)) if kind.is_socket() => {}
            Some((kind, _)) => {
                return Err(SyntaxError::new(
                    duplex,
                    format!(
                        "`duplex` needs `sock` or `seqpacket`: a {} carries data one way",
                        kind.name()
                    ),
                )
                .help("write `|[sock,duplex]` or `|[seqpacket,duplex]`"));
            }
            // The transport comes from `--via`: the plan checks it.
            None => {}
        }
    }
    Ok(attrs)
}

/// The names of the known attributes, for help lines.
fn known() -> String {
    KEYS.iter()
        .map(|k| match k.takes {
            Takes::Nothing => k.name.to_string(),
            Takes::Value(what) => format!("{}={what}", k.name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn value_help(name: &str) -> String {
    match name {
        "size" => SIZE_HELP.to_string(),
        _ => format!("write `{name}=` and the value"),
    }
}

/// The refusal of the `n`th item, which is empty: the caret goes under the
/// comma that has nothing on one side.
fn empty_item(inner: &[Located], items: &[&[Located]], n: usize) -> SyntaxError {
    // Items are separated by exactly one comma each: the comma after item
    // `n` is at index (lengths of items 0..=n) + n of `inner`.
    let before: usize = items[..n].iter().map(|i| i.len() + 1).sum();
    let comma = if n + 1 < items.len() {
        inner[before]
    } else {
        inner[before - 1]
    };
    let message = if n == 0 {
        "empty edge attribute: nothing before the `,`"
    } else if n + 1 == items.len() {
        "empty edge attribute: nothing after the `,`"
    } else {
        "empty edge attribute: nothing between two commas"
    };
    SyntaxError::new(Span::new(comma.0, comma.0 + 1), message).help("remove the extra `,`")
}

fn item(text: &[Located]) -> Item<'_> {
    let span = span_of(text);
    match text.iter().position(|&(_, b)| b == b'=') {
        Some(eq) => {
            let (at, _) = text[eq];
            let value = &text[eq + 1..];
            Item {
                span,
                name: &text[..eq],
                value: Some(value),
                value_span: if value.is_empty() {
                    Span::new(at, at + 1)
                } else {
                    span_of(value)
                },
            }
        }
        None => Item {
            span,
            name: text,
            value: None,
            value_span: span,
        },
    }
}

/// `transport` names a kind: one per edge.
fn transport(attrs: &mut EdgeAttributes, item: &Item, kind: Kind) -> Result<(), SyntaxError> {
    if let Some((first, _)) = attrs.transport {
        return Err(SyntaxError::new(
            item.span,
            format!(
                "two transports for one edge: `{}` and `{}`",
                first.name(),
                kind.name()
            ),
        )
        .help("an edge has one transport: pipe, fifo, sock or seqpacket"));
    }
    attrs.transport = Some((kind, item.span));
    Ok(())
}

/// The value of `size=SIZE`, in bytes.
fn size(item: &Item) -> Result<u64, SyntaxError> {
    let value = item.value.unwrap_or_default();
    let at = item.value_span;
    let bad = |span: Span, message: String| Err(SyntaxError::new(span, message).help(SIZE_HELP));
    if value.is_empty() {
        return bad(item.span, "`size=` has no value".into());
    }
    let text = shown(value);
    let digits = value.iter().take_while(|(_, b)| b.is_ascii_digit()).count();
    if value[0].1 == b'-' {
        return bad(at, format!("bad size `{text}`: a size cannot be negative"));
    }
    if digits == 0 {
        return bad(
            at,
            format!("bad size `{text}`: it must start with a number"),
        );
    }
    let (number, unit) = value.split_at(digits);
    if unit.first().is_some_and(|&(_, b)| b == b'.') {
        return bad(
            at,
            format!("bad size `{text}`: a size is a whole number, without a fraction"),
        );
    }
    let Some(&(_, factor)) = UNITS.iter().find(|(name, _)| same(unit, name)) else {
        return bad(
            span_of(unit),
            format!("bad size `{text}`: unknown unit `{}`", shown(unit)),
        );
    };
    let number: Vec<u8> = number.iter().map(|&(_, b)| b).collect();
    // Only ASCII digits, so this is UTF-8 and parses unless too large.
    let size = std::str::from_utf8(&number)
        .ok()
        .and_then(|n| n.parse::<u64>().ok())
        .and_then(|n| n.checked_mul(factor));
    match size {
        Some(0) => bad(
            at,
            format!("bad size `{text}`: a size must be at least 1 byte"),
        ),
        Some(size) => Ok(size),
        None => bad(
            at,
            format!("bad size `{text}`: more than {} bytes", u64::MAX),
        ),
    }
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t')
}

/// Does the located text spell `name`?
fn same(text: &[Located], name: &str) -> bool {
    text.len() == name.len() && text.iter().zip(name.bytes()).all(|(&(_, a), b)| a == b)
}

/// The span from the first byte of `text` to its last, which must exist.
fn span_of(text: &[Located]) -> Span {
    Span::new(text[0].0, text[text.len() - 1].0 + 1)
}

/// The text for a message, with bytes that are not UTF-8 as `\xNN`.
fn shown(text: &[Located]) -> String {
    let bytes: Vec<u8> = text.iter().map(|&(_, b)| b).collect();
    super::error::shown(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parse `text`, which holds exactly one `[...]`, with offsets in it.
    fn attrs(text: &str) -> Result<EdgeAttributes, SyntaxError> {
        let open = text.find('[').unwrap();
        let close = text.rfind(']').unwrap();
        let inner: Vec<Located> = text
            .bytes()
            .enumerate()
            .take(close)
            .skip(open + 1)
            .collect();
        parse(&inner, Span::new(open, close + 1))
    }

    fn err(text: &str) -> SyntaxError {
        attrs(text).unwrap_err()
    }

    /// The erroneous text that the error's span covers.
    fn under(text: &str) -> String {
        let e = err(text);
        text[e.span.start..e.span.end].to_string()
    }

    #[test]
    fn transports() {
        for (name, kind) in [
            ("pipe", Kind::Pipe),
            ("fifo", Kind::Fifo),
            ("sock", Kind::Sock),
            ("seqpacket", Kind::Seqpacket),
        ] {
            let text = format!("a |[{name}] b");
            let a = attrs(&text).unwrap();
            assert_eq!(a.transport, Some((kind, Span::new(4, 4 + name.len()))));
            assert_eq!(a.span, Span::new(3, 5 + name.len()));
            assert_eq!((a.size, a.duplex), (None, None));
        }
    }

    #[test]
    fn all_together_in_any_order() {
        let a = attrs("|[size=1K,duplex,sock]").unwrap();
        assert_eq!(a.transport, Some((Kind::Sock, Span::new(17, 21))));
        assert_eq!(a.size, Some((1024, Span::new(2, 9))));
        assert_eq!(a.duplex, Some(Span::new(10, 16)));
        assert_eq!(a.span, Span::new(1, 22));
        let a = attrs("|[seqpacket,duplex]").unwrap();
        assert_eq!(a.duplex, Some(Span::new(12, 18)));
    }

    #[test]
    fn sizes_and_their_units() {
        for (value, bytes) in [
            ("1", 1),
            ("65536", 65536),
            ("007", 7),
            ("1K", 1024),
            ("1k", 1024),
            ("1KiB", 1024),
            ("1KB", 1000),
            ("1kB", 1000),
            ("64K", 65536),
            ("1M", 1 << 20),
            ("1MiB", 1 << 20),
            ("1MB", 1_000_000),
            ("2G", 2 << 30),
            ("2GiB", 2 << 30),
            ("2GB", 2_000_000_000),
            ("18446744073709551615", u64::MAX),
            ("17179869183G", 17179869183 << 30),
        ] {
            let text = format!("|[size={value}]");
            let a = attrs(&text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(
                a.size,
                Some((bytes, Span::new(2, 7 + value.len()))),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_sizes_point_at_the_value() {
        for (text, at, message) in [
            ("|[size=]", "size=", "`size=` has no value"),
            (
                "|[size=0]",
                "0",
                "bad size `0`: a size must be at least 1 byte",
            ),
            (
                "|[size=0K]",
                "0K",
                "bad size `0K`: a size must be at least 1 byte",
            ),
            (
                "|[size=-1]",
                "-1",
                "bad size `-1`: a size cannot be negative",
            ),
            (
                "|[size=1.5M]",
                "1.5M",
                "bad size `1.5M`: a size is a whole number, without a fraction",
            ),
            ("|[size=12XB]", "XB", "bad size `12XB`: unknown unit `XB`"),
            ("|[size=1m]", "m", "bad size `1m`: unknown unit `m`"),
            ("|[size=1Kib]", "Kib", "bad size `1Kib`: unknown unit `Kib`"),
            ("|[size=1 ]", " ", "spaces are not allowed inside `|[...]`"),
            (
                "|[size=K]",
                "K",
                "bad size `K`: it must start with a number",
            ),
            (
                "|[size=+1]",
                "+1",
                "bad size `+1`: it must start with a number",
            ),
            (
                "|[size=18446744073709551616]",
                "18446744073709551616",
                "bad size `18446744073709551616`: more than 18446744073709551615 bytes",
            ),
            (
                "|[size=17179869184G]",
                "17179869184G",
                "bad size `17179869184G`: more than 18446744073709551615 bytes",
            ),
        ] {
            let e = err(text);
            assert_eq!(e.message, message, "{text}");
            assert_eq!(under(text), at, "{text}");
            assert!(e.help.is_some(), "{text}");
        }
        assert!(err("|[size=x]").help.unwrap().contains("64K"));
    }

    #[test]
    fn unknown_attributes_name_the_known_ones() {
        let e = err("a |[fast] b");
        assert_eq!(e.message, "unknown edge attribute `fast`");
        assert_eq!(e.span, Span::new(4, 8));
        assert_eq!(
            e.help.as_deref(),
            Some("the attributes are: pipe, fifo, sock, seqpacket, duplex, size=SIZE")
        );
        assert_eq!(under("|[fifo,FIFO]"), "FIFO");
        assert_eq!(under("|[buffer=1K]"), "buffer");
        assert_eq!(under("|[=1]"), "=1");
        assert_eq!(
            err("|[=]").message,
            "an edge attribute has no name before its `=`"
        );
    }

    #[test]
    fn values_where_none_belong_and_none_where_one_does() {
        let e = err("|[fifo=1]");
        assert_eq!(e.message, "`fifo` takes no value");
        assert_eq!(e.span, Span::new(2, 8));
        assert_eq!(err("|[duplex=yes]").message, "`duplex` takes no value");
        let e = err("|[sock,size]");
        assert_eq!(e.message, "`size` needs a value: `size=SIZE`");
        assert_eq!(e.span, Span::new(7, 11));
    }

    #[test]
    fn one_transport_per_edge() {
        let e = err("|[fifo,sock]");
        assert_eq!(e.message, "two transports for one edge: `fifo` and `sock`");
        assert_eq!(e.span, Span::new(7, 11));
        assert!(e.help.unwrap().contains("pipe, fifo, sock or seqpacket"));
        assert_eq!(under("|[pipe,size=1K,seqpacket]"), "seqpacket");
    }

    #[test]
    fn repeated_attributes() {
        let e = err("|[fifo,fifo]");
        assert_eq!(e.message, "`fifo` is given twice");
        assert_eq!(e.span, Span::new(7, 11));
        let e = err("|[size=1K,sock,size=2K]");
        assert_eq!(e.message, "`size` is given twice");
        assert_eq!(e.span, Span::new(15, 22));
        let e = err("|[sock,duplex,duplex]");
        assert_eq!(e.message, "`duplex` is given twice");
        assert_eq!(e.span, Span::new(14, 20));
    }

    #[test]
    fn duplex_needs_a_socket() {
        let e = err("|[fifo,duplex]");
        assert_eq!(
            e.message,
            "`duplex` needs `sock` or `seqpacket`: a fifo carries data one way"
        );
        assert_eq!(e.span, Span::new(7, 13));
        assert_eq!(
            e.help.as_deref(),
            Some("write `|[sock,duplex]` or `|[seqpacket,duplex]`")
        );
        assert_eq!(under("|[duplex,pipe]"), "duplex");
    }

    #[test]
    fn empty_attributes_and_items() {
        let e = err("a |[] b");
        assert_eq!(e.message, "empty edge attributes `|[]`");
        assert_eq!(e.span, Span::new(3, 5));
        assert!(e.help.unwrap().contains("plain `|`"));
        for (text, comma, what) in [
            ("|[fifo,]", 6, "after the `,`"),
            ("|[,fifo]", 2, "before the `,`"),
            ("|[fifo,,size=1]", 7, "between two commas"),
            ("|[,]", 2, "before the `,`"),
        ] {
            let e = err(text);
            assert_eq!(e.message, format!("empty edge attribute: nothing {what}"));
            assert_eq!(e.span, Span::new(comma, comma + 1), "{text}");
        }
    }

    #[test]
    fn spaces_are_refused_where_they_are() {
        for (text, at) in [
            ("|[fifo, sock]", Span::new(7, 8)),
            ("|[ fifo]", Span::new(2, 3)),
            ("|[fifo \t]", Span::new(6, 8)),
            ("|[ -f x ]", Span::new(2, 3)),
        ] {
            let e = err(text);
            assert_eq!(
                e.message, "spaces are not allowed inside `|[...]`",
                "{text}"
            );
            assert_eq!(e.span, at, "{text}");
            assert!(e.help.unwrap().contains("`[` command"), "{text}");
        }
    }

    #[test]
    fn offsets_are_taken_from_the_bytes() {
        // A `\`-newline removed between the bytes: spans follow the offsets.
        let inner: Vec<Located> = vec![(10, b'f'), (11, b'i'), (14, b'f'), (15, b'o')];
        let a = parse(&inner, Span::new(9, 17)).unwrap();
        assert_eq!(a.transport, Some((Kind::Fifo, Span::new(10, 16))));
    }
}
