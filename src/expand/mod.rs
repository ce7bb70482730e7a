//! Word expansion, as POSIX `sh` (dash) does it: tilde, parameters, field
//! splitting on IFS, pathname expansion (globs), quote removal. Command
//! words and redirection targets are brace-expanded first, as bash does.
//!
//! Input is the syntax tree's [`Word`]s; output is bytes, because arguments,
//! file names and environment values on Unix are bytes, not UTF-8.

mod braces;
mod fields;
mod glob;
mod params;
mod pattern;
mod tilde;
mod trim;
mod word;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;

use std::ffi::OsString;

use crate::environment::Environment;
use crate::syntax::ast::Word;
use crate::syntax::span::Span;

use fields::Builder;
use word::Context;

/// What parameter expansion can see.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    /// Variables: pipe-run's environment (IFS is never taken from it: dash
    /// ignores an inherited IFS, so IFS is always space, tab, newline).
    pub env: Environment,
    /// `$0`.
    pub zero: OsString,
    /// `$1`, `$2`, ...
    pub positional: Vec<OsString>,
    /// `-u`: expanding an unset parameter is an error.
    pub nounset: bool,
    /// `$$`.
    pub pid: u32,
}

impl Vars {
    /// Set variable `name` (in place, or added at the end).
    pub fn set(&mut self, name: impl Into<OsString>, value: OsString) {
        self.env.set(name, value);
    }
}

/// Why an expansion failed; `span` points at the offending expansion.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpandError {
    pub span: Span,
    pub message: String,
    /// How to get what the user meant, if there is a known way.
    pub help: Option<String>,
}

/// Expand command words: brace expansion, then every other expansion, then
/// field splitting and globbing of unquoted results, then quote removal.
/// One word may give zero or more fields.
pub fn expand_words(words: &[Word], vars: &Vars) -> Result<Vec<Vec<u8>>, ExpandError> {
    let mut out = Vec::new();
    for word in words {
        for word in braces::expand(word)?.iter() {
            let mut b = Builder::new(false);
            word::expand_parts(
                &word.parts,
                Context::Top { assignment: false },
                vars,
                &mut b,
            )?;
            for field in b.into_fields() {
                for piece in fields::split(&field) {
                    match glob::expand(&piece) {
                        Some(paths) => out.extend(paths),
                        None => out.push(piece.into_iter().map(|(b, _)| b).collect()),
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Expand a word that must stay one field: a redirection target (no field
/// splitting, no globbing, as dash does). Braces are expanded, as in bash,
/// and must leave one word: results that expand to nothing at all (the
/// empty alternative of `>{a,}`) drop out, and more than one is refused
/// (bash's "ambiguous redirect").
pub fn expand_single(word: &Word, vars: &Vars) -> Result<Vec<u8>, ExpandError> {
    let words = braces::expand(word)?;
    if let [one] = &*words {
        return one_field(one, false, vars);
    }
    let mut kept = Vec::new();
    for w in words.iter() {
        let mut b = Builder::new(true);
        word::expand_parts(&w.parts, Context::Top { assignment: false }, vars, &mut b)?;
        if !b.is_empty() {
            kept.push(b.into_piece().into_iter().map(|(b, _)| b).collect());
        }
    }
    match kept.len() {
        1 => Ok(kept.remove(0)),
        n => Err(ExpandError {
            span: word.span,
            message: format!(
                "ambiguous redirect: the braces make {n} words, a redirection takes one file"
            ),
            help: Some("to use the braces literally, quote them: '{a,b}'".into()),
        }),
    }
}

/// Expand the value of a `NAME=value` assignment: like [`expand_single`],
/// plus tilde expansion after `=` and after each unquoted `:`.
pub fn expand_assignment(word: &Word, vars: &Vars) -> Result<Vec<u8>, ExpandError> {
    one_field(word, true, vars)
}

fn one_field(word: &Word, assignment: bool, vars: &Vars) -> Result<Vec<u8>, ExpandError> {
    let mut b = Builder::new(true);
    word::expand_parts(&word.parts, Context::Top { assignment }, vars, &mut b)?;
    Ok(b.into_piece().into_iter().map(|(b, _)| b).collect())
}
