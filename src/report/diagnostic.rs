//! Rendering an error that points into the expression: the message, the
//! source line, and a caret under the offending columns.

use crate::syntax::Span;

/// The expression text and where it came from (a file, for `-f`).
pub struct Source<'a> {
    pub text: &'a str,
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
    let start = floor_char(text, span.start.min(text.len()));
    let end = floor_char(text, span.end.clamp(start, text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    let mut out = format!("pipe-run: {severity}{message}\n");
    if source.origin.is_some() || text.trim_end_matches('\n').contains('\n') {
        let number = text[..line_start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let origin = source.origin.unwrap_or("expression");
        out.push_str(&format!("  --> {origin}:{number}:{column}\n"));
    }
    let pad: String = text[line_start..start]
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let width = text[start..end.min(line_end)].chars().count().max(1);
    let shown: String = line.chars().map(visible).collect();
    out.push_str(&format!("  {shown}\n  {pad}{}\n", "^".repeat(width)));
    if let Some(help) = help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out
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

fn floor_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_the_span() {
        let source = Source {
            text: "ls; rm x",
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
            text: "a |\n\tgrpe x\n",
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
            text: "cat f | sort > f",
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
            text: "a\x1b[2J\tb\r\nc",
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
    fn span_at_the_end() {
        let source = Source {
            text: "a |",
            origin: None,
        };
        let out = render(&source, Span::new(3, 3), "missing", None);
        assert!(out.ends_with("  a |\n     ^\n"), "{out}");
    }
}
