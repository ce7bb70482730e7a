//! Edge attributes: the text of `|[...]` to a checked [`EdgeAttributes`].

use super::ast::EdgeAttributes;
use super::error::SyntaxError;
use super::span::Span;
use crate::transport::Kind;

/// Parse the text between `[` and `]`; `span` covers `[` to `]`.
pub fn parse(text: &str, span: Span) -> Result<EdgeAttributes, SyntaxError> {
    let mut attrs = EdgeAttributes {
        transport: None,
        size: None,
        duplex: None,
        span,
    };
    let mut at = span.start + 1;
    for item in text.split(',') {
        let item_span = Span::new(at, at + item.len());
        at += item.len() + 1;
        if let Some(kind) = Kind::from_name(item) {
            attrs.transport = Some((kind, item_span));
        } else if item == "duplex" {
            attrs.duplex = Some(item_span);
        } else if let Some(value) = item.strip_prefix("size=") {
            let size = value
                .parse()
                .map_err(|_| SyntaxError::new(item_span, "bad size"))?;
            attrs.size = Some((size, item_span));
        } else {
            return Err(SyntaxError::new(item_span, "unknown edge attribute"));
        }
    }
    Ok(attrs)
}
