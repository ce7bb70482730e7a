//! Walks a word's parts in order, feeding the field builder: literals with
//! the origin their quoting gives them (after tilde expansion), parameters
//! through `params`. Shared by top-level words and the words nested in `${}`.

use crate::syntax::ast::WordPart;

use super::fields::{Builder, Origin};
use super::tilde::{self, Tilde};
use super::{ExpandError, Vars, params};

/// Where the parts being walked sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    /// A whole word; `assignment` enables tilde expansion after `:`.
    Top { assignment: bool },
    /// The word (or pattern) inside `${x-word}`; `quoted` if the expansion
    /// itself is inside double quotes. `assignment`: the word of a `-` or
    /// `+` in an assignment value, where a `~` after `:` expands too, as in
    /// dash (`x=a:${u-b:~}` is `a:b:$HOME`).
    Nested { quoted: bool, assignment: bool },
}

pub(super) fn expand_parts(
    parts: &[WordPart],
    ctx: Context,
    vars: &Vars,
    out: &mut Builder,
) -> Result<(), ExpandError> {
    let (unquoted_origin, outer_quoted) = match ctx {
        Context::Top { .. } => (Origin::Literal, false),
        // Text inside an unquoted `${x-a b}` is part of an expansion result:
        // it splits and globs like one.
        Context::Nested { quoted: false, .. } => (Origin::Expanded, false),
        Context::Nested { quoted: true, .. } => (Origin::Quoted, true),
    };
    let after_colon = match ctx {
        Context::Top { assignment } => assignment,
        Context::Nested { quoted, assignment } => assignment && !quoted,
    };
    let mut at_tilde = !outer_quoted;
    for (i, part) in parts.iter().enumerate() {
        match part {
            WordPart::Literal { text, quoted: true } => {
                out.mark();
                out.push(text, Origin::Quoted);
                at_tilde = false;
            }
            WordPart::Literal {
                text,
                quoted: false,
            } => {
                let how = Tilde {
                    at_start: at_tilde,
                    after_colon,
                    last_part: i + 1 == parts.len(),
                };
                tilde::push_literal(text, unquoted_origin, how, vars, out);
                if let Some(&last) = text.last() {
                    at_tilde = after_colon && last == b':';
                }
            }
            WordPart::Param(pe) => {
                params::expand(pe, outer_quoted, after_colon, vars, out)?;
                at_tilde = false;
            }
            // The plan puts the path in place of a process substitution
            // before expanding; one that is left is somewhere the plan does
            // not allow it.
            WordPart::ProcSub(sub) => {
                return Err(ExpandError {
                    span: sub.span,
                    message: "a process substitution is not allowed here".into(),
                    help: None,
                });
            }
        }
    }
    Ok(())
}
