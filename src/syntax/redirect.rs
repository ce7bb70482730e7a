//! Checks on redirections that need only the syntax: a `<&`/`>&` target
//! written literally must be one fd digit or `-`.

use super::ast::{RedirOp, Redirect, WordPart};
use super::error::SyntaxError;

/// What a `<&`/`>&` target means once expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DupTarget {
    Fd(u32),
    Close,
}

/// Read an expanded `<&`/`>&` target: one digit (as dash accepts) or `-`.
pub fn parse_dup_target(text: &[u8]) -> Option<DupTarget> {
    match text {
        b"-" => Some(DupTarget::Close),
        [d] if d.is_ascii_digit() => Some(DupTarget::Fd(u32::from(d - b'0'))),
        _ => None,
    }
}

/// Refuse `>&file` (bash's "both streams to a file") and other literal
/// targets that are not an fd; targets built by expansion are checked once
/// expanded.
pub fn check_dup_target(redirect: &Redirect) -> Result<(), SyntaxError> {
    if !matches!(redirect.op, RedirOp::DupIn | RedirOp::DupOut) {
        return Ok(());
    }
    let parts = &redirect.target.parts;
    if parts
        .iter()
        .any(|p| matches!(p, WordPart::Param(_) | WordPart::ProcSub(_)))
    {
        return Ok(());
    }
    let bytes: Vec<u8> = parts
        .iter()
        .flat_map(|p| match p {
            WordPart::Literal { text, .. } => text.as_slice(),
            WordPart::Param(_) | WordPart::ProcSub(_) => &[],
        })
        .copied()
        .collect();
    if parse_dup_target(&bytes).is_some() {
        return Ok(());
    }
    let literal = super::error::shown(&bytes);
    let err = SyntaxError::new(
        redirect.target.span,
        format!("bad fd number `{literal}`: `<&` and `>&` take one digit 0-9 or `-`"),
    );
    Err(if redirect.op == RedirOp::DupOut && !literal.is_empty() {
        err.help(format!(
            "to send stdout and stderr to a file, write `>{literal} 2>&1`"
        ))
    } else {
        err
    })
}
