//! Rendering an error that points into the expression: the message, the
//! source line, and a caret under the offending columns.

use crate::syntax::Span;

/// The expression text and where it came from (a file, for `-f`). The
/// text is bytes: it need not be UTF-8.
pub struct Source<'a> {
    pub text: &'a [u8],
    pub origin: Option<&'a str>,
}

/// ```text
/// pipe-run: grpe: command not found
///   grpe foo | wc -l
///   ^^^^
/// ```
pub fn render(source: &Source, span: Span, message: &str, help: Option<&str>) -> String {
    render_as("", source, span, message, help)
}

/// The same, for something that does not stop the run:
///
/// ```text
/// pipe-run: warning: f is emptied before any stage runs, ...
///   cat f | sort > f
///                ^^^
/// ```
pub fn render_warning(source: &Source, span: Span, message: &str, help: Option<&str>) -> String {
    render_as("warning: ", source, span, message, help)
}

fn render_as(
    severity: &str,
    source: &Source,
    span: Span,
    message: &str,
    help: Option<&str>,
) -> String {
    let text = source.text;
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let line_start = text[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = text[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| start + i);
    let units = units(&text[line_start..line_end]);
    // Offsets in the line; the caret starts at the unit holding `start`
    // (or at the line's end) and covers every unit up to `end`.
    let (start, end) = (start - line_start, end.min(line_end) - line_start);
    let first = units
        .iter()
        .position(|u| u.at + u.len > start)
        .unwrap_or(units.len());
    let mut out = format!("pipe-run: {severity}{message}\n");
    let mut trimmed = text;
    while let [rest @ .., b'\n'] = trimmed {
        trimmed = rest;
    }
    if source.origin.is_some() || trimmed.contains(&b'\n') {
        let number = text[..line_start].iter().filter(|&&b| b == b'\n').count() + 1;
        let origin = source.origin.unwrap_or("expression");
        out.push_str(&format!("  --> {origin}:{number}:{}\n", first + 1));
    }
    let pad: String = units[..first]
        .iter()
        .map(|u| match u.shown.as_str() {
            "\t" => "\t".to_string(),
            shown => " ".repeat(shown.chars().count()),
        })
        .collect();
    let width: usize = units[first..]
        .iter()
        .take_while(|u| u.at < end)
        .map(|u| u.shown.chars().count())
        .sum();
    let shown: String = units.iter().map(|u| u.shown.as_str()).collect();
    out.push_str(&format!("  {shown}\n  {pad}{}\n", "^".repeat(width.max(1))));
    if let Some(help) = help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out
}

/// One character of a line as shown: where it is in the line, how many
/// bytes it takes, and what is printed for it.
struct Unit {
    at: usize,
    len: usize,
    shown: String,
}

/// The characters of `line`, each shown so that it is visible: a byte that
/// is not part of UTF-8 text is shown as `\xNN` (the caret line pads it
/// with as many columns).
fn units(line: &[u8]) -> Vec<Unit> {
    let mut units = Vec::with_capacity(line.len());
    let mut at = 0;
    for chunk in line.utf8_chunks() {
        for c in chunk.valid().chars() {
            units.push(Unit {
                at,
                len: c.len_utf8(),
                shown: visible(c).to_string(),
            });
            at += c.len_utf8();
        }
        for b in chunk.invalid() {
            units.push(Unit {
                at,
                len: 1,
                shown: format!("\\x{b:02x}"),
            });
            at += 1;
        }
    }
    units
}

/// A control character as one visible character, so that echoing the line
/// cannot move the cursor or change the terminal (a `\r` from CRLF line
/// endings would send the caret line's reader back to column 0). A tab stays
/// a tab: the caret line repeats it to stay aligned.
fn visible(c: char) -> char {
    match c {
        '\t' => '\t',
        // U+2400..U+241F: the Control Pictures block, ␀ to ␟; ␡ for DEL.
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\x7f' => '\u{2421}',
        // C1 controls have no pictures; some terminals act on them.
        '\u{80}'..='\u{9f}' => '\u{fffd}',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_the_span() {
        let source = Source {
            text: b"ls; rm x",
            origin: None,
        };
        let out = render(&source, Span::new(2, 3), "`;` is not supported", Some("h"));
        assert_eq!(
            out,
            "pipe-run: `;` is not supported\n  ls; rm x\n    ^\n  help: h\n"
        );
    }

    #[test]
    fn multi_line_sources_name_line_and_column() {
        let source = Source {
            text: b"a |\n\tgrpe x\n",
            origin: Some("f.pipe"),
        };
        let out = render(&source, Span::new(5, 9), "grpe: command not found", None);
        assert_eq!(
            out,
            "pipe-run: grpe: command not found\n  --> f.pipe:2:2\n  \tgrpe x\n  \t^^^^\n"
        );
    }

    #[test]
    fn a_warning_says_so() {
        let source = Source {
            text: b"cat f | sort > f",
            origin: None,
        };
        let out = render_warning(&source, Span::new(13, 16), "careful", None);
        assert_eq!(
            out,
            "pipe-run: warning: careful\n  cat f | sort > f\n               ^^^\n"
        );
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        let source = Source {
            text: b"a\x1b[2J\tb\r\nc",
            origin: None,
        };
        let out = render(&source, Span::new(7, 8), "m", None);
        assert_eq!(
            out,
            "pipe-run: m\n  --> expression:1:8\n  a\u{241b}[2J\tb\u{240d}\n       \t ^\n"
        );
        assert!(!out.contains('\r') && !out.contains('\x1b'));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_shown_escaped_with_the_caret_aligned() {
        let source = Source {
            text: b"cat \xff.txt; x",
            origin: None,
        };
        let out = render(&source, Span::new(9, 10), "`;` is not supported", None);
        assert_eq!(
            out,
            "pipe-run: `;` is not supported\n  cat \\xff.txt; x\n              ^\n"
        );
        // Under the byte itself, the caret is as wide as what shows it.
        let out = render(&source, Span::new(4, 9), "m", None);
        assert!(
            out.ends_with("  cat \\xff.txt; x\n      ^^^^^^^^\n"),
            "{out}"
        );
        let out = render(&source, Span::new(4, 5), "m", None);
        assert!(out.ends_with("  cat \\xff.txt; x\n      ^^^^\n"), "{out}");
    }

    #[test]
    fn columns_count_characters_and_odd_bytes() {
        // `é` is one column, each stray byte one (as `\xNN`, four wide).
        let source = Source {
            text: b"a |\n\xc3\xa9\xc3\xa9\xfe\xfe grpe",
            origin: Some("f"),
        };
        let out = render(&source, Span::new(11, 15), "grpe: command not found", None);
        let pad = " ".repeat(2 + 4 + 4 + 1);
        assert_eq!(
            out,
            format!(
                "pipe-run: grpe: command not found\n  --> f:2:6\n  \u{e9}\u{e9}\\xfe\\xfe grpe\n  {pad}^^^^\n"
            )
        );
        // A truncated sequence is two stray bytes.
        let source = Source {
            text: b"x\xe2\x82 ;",
            origin: None,
        };
        let out = render(&source, Span::new(4, 5), "m", None);
        assert!(out.ends_with("  x\\xe2\\x82 ;\n            ^\n"), "{out}");
    }

    #[test]
    fn a_span_inside_a_character_points_at_the_character() {
        let source = Source {
            text: "h\u{e9}llo".as_bytes(),
            origin: None,
        };
        let out = render(&source, Span::new(2, 3), "m", None);
        assert!(out.ends_with("  h\u{e9}llo\n   ^\n"), "{out}");
        let out = render(&source, Span::new(1, 4), "m", None);
        assert!(out.ends_with("  h\u{e9}llo\n   ^^\n"), "{out}");
    }

    #[test]
    fn span_at_the_end() {
        let source = Source {
            text: b"a |",
            origin: None,
        };
        let out = render(&source, Span::new(3, 3), "missing", None);
        assert!(out.ends_with("  a |\n     ^\n"), "{out}");
    }
}
