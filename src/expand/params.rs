//! Parameter expansion: looking up `$name`, `$1`, `$@`, ... in [`Vars`] and
//! applying the `${...}` operators, then handing the result to the field
//! builder with the quoting that decides how it is later split.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::syntax::ast::{ParamExpansion, ParamName, ParamOp, Word};

use super::fields::{Builder, Origin};
use super::pattern::Pattern;
use super::trim::{self, Trim};
use super::word::{self, Context};
use super::{ExpandError, Vars};

/// A parameter's value. Only a quoted `$@` keeps its positional parameters
/// apart; everywhere else they are joined with a space (the first IFS char).
enum Value {
    Str(Vec<u8>),
    List(Vec<Vec<u8>>),
}

impl Value {
    fn joined(&self) -> Vec<u8> {
        match self {
            Value::Str(s) => s.clone(),
            Value::List(items) => items.join(&b' '),
        }
    }
}

/// How `$name` is spelled in messages.
fn display_name(name: &ParamName) -> String {
    match name {
        ParamName::Var(v) => v.clone(),
        ParamName::Positional(n) => n.to_string(),
        ParamName::At => "@".to_string(),
        ParamName::Star => "*".to_string(),
        ParamName::Count => "#".to_string(),
        ParamName::Pid => "$".to_string(),
    }
}

/// The value, or `None` if the parameter is unset. `$@`, `$*`, `$#`, `$$`
/// and `$0` are always set.
fn lookup(name: &ParamName, quoted: bool, vars: &Vars) -> Option<Value> {
    let positional = || vars.positional.iter().map(|p| p.as_bytes().to_vec());
    Some(match name {
        // dash never takes IFS from the environment, and splitting uses the
        // default, so `$IFS` is always space, tab, newline too.
        ParamName::Var(v) if v == "IFS" => Value::Str(b" \t\n".to_vec()),
        ParamName::Var(v) => {
            let value = vars.env.get(OsStr::new(v))?;
            Value::Str(value.as_bytes().to_vec())
        }
        ParamName::Positional(0) => Value::Str(vars.zero.as_bytes().to_vec()),
        ParamName::Positional(n) => Value::Str(vars.positional.get(n - 1)?.as_bytes().to_vec()),
        ParamName::At if quoted => Value::List(positional().collect()),
        ParamName::At | ParamName::Star => Value::Str(positional().collect::<Vec<_>>().join(&b' ')),
        ParamName::Count => Value::Str(vars.positional.len().to_string().into_bytes()),
        ParamName::Pid => Value::Str(vars.pid.to_string().into_bytes()),
    })
}

/// Expand `pe` into `out`. `outer_quoted`: it sits in the word of a quoted
/// `${x-word}`, which quotes it too. `assignment`: it sits in an assignment
/// value, so the words of `-` and `+` expand `~` after `:`.
pub(super) fn expand(
    pe: &ParamExpansion,
    outer_quoted: bool,
    assignment: bool,
    vars: &Vars,
    out: &mut Builder,
) -> Result<(), ExpandError> {
    let quoted = pe.quoted || outer_quoted;
    let value = lookup(&pe.name, quoted, vars);
    let unset_error = || ExpandError {
        span: pe.span,
        message: format!("{}: parameter not set", display_name(&pe.name)),
        help: None,
    };
    // -u applies only where no operator says what an unset parameter means.
    let require = |value: Option<Value>| match value {
        Some(v) => Ok(v),
        None if vars.nounset => Err(unset_error()),
        None => Ok(Value::Str(Vec::new())),
    };
    // Whether the `:` / non-`:` test of `-`, `+` and `?` passes.
    let usable = |value: &Option<Value>, colon: bool| match value {
        None => false,
        Some(v) => !colon || !v.joined().is_empty(),
    };
    match &pe.op {
        ParamOp::Plain => {
            let plain_at = pe.name == ParamName::At;
            emit(require(value)?, quoted, plain_at, out);
        }
        ParamOp::Length => {
            let len = char_count(&require(value)?.joined());
            emit(Value::Str(len.to_string().into_bytes()), quoted, false, out);
        }
        ParamOp::Default { colon, word } => {
            if usable(&value, *colon) {
                emit(require(value)?, quoted, false, out);
            } else {
                nested(word, quoted, assignment, vars, out)?;
            }
        }
        ParamOp::Alternative { colon, word } => {
            if usable(&value, *colon) {
                nested(word, quoted, assignment, vars, out)?;
            } else if quoted {
                out.mark();
            }
        }
        ParamOp::Error { colon, word } => {
            if usable(&value, *colon) {
                emit(require(value)?, quoted, false, out);
            } else {
                let name = display_name(&pe.name);
                let message = match word {
                    Some(word) => {
                        let text = single(word, vars)?;
                        format!("{name}: {}", String::from_utf8_lossy(&text))
                    }
                    None if *colon => format!("{name}: parameter not set or null"),
                    None => format!("{name}: parameter not set"),
                };
                return Err(ExpandError {
                    span: pe.span,
                    message,
                    help: None,
                });
            }
        }
        ParamOp::TrimPrefix { longest, pattern } => {
            let how = Trim::Prefix { longest: *longest };
            let trimmed = trim(require(value)?, pattern, how, vars)?;
            emit(trimmed, quoted, false, out);
        }
        ParamOp::TrimSuffix { longest, pattern } => {
            let how = Trim::Suffix { longest: *longest };
            let trimmed = trim(require(value)?, pattern, how, vars)?;
            emit(trimmed, quoted, false, out);
        }
    }
    Ok(())
}

/// `${#x}`: characters when the value is UTF-8, else bytes.
fn char_count(bytes: &[u8]) -> usize {
    std::str::from_utf8(bytes).map_or(bytes.len(), |s| s.chars().count())
}

/// Hand a value to the builder. Quoted, it leaves a quote mark so that an
/// empty value still makes a field, except a plain `"$@"`, which with no
/// positional parameters must vanish (dash's "$@" special case).
fn emit(value: Value, quoted: bool, plain_at: bool, out: &mut Builder) {
    if !quoted {
        out.push(&value.joined(), Origin::Expanded);
        return;
    }
    if !plain_at {
        out.mark();
    }
    match value {
        Value::Str(s) => out.push(&s, Origin::Quoted),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.break_field();
                }
                out.mark();
                out.push(item, Origin::Quoted);
            }
        }
    }
}

/// Expand the word of `${x-word}` / `${x+word}` in place: its result obeys
/// the outer quoting, so unquoted `${x-a b}` gives two fields.
fn nested(
    word: &Word,
    quoted: bool,
    assignment: bool,
    vars: &Vars,
    out: &mut Builder,
) -> Result<(), ExpandError> {
    if quoted {
        out.mark();
    }
    let ctx = Context::Nested { quoted, assignment };
    word::expand_parts(&word.parts, ctx, vars, out)
}

/// Where the word of `${x?word}` and patterns are expanded: their own
/// quoting decides, and `~` after `:` stays, even in an assignment (dash).
const UNQUOTED_NESTED: Context = Context::Nested {
    quoted: false,
    assignment: false,
};

/// A nested word as one string (the message of `${x?word}`).
fn single(word: &Word, vars: &Vars) -> Result<Vec<u8>, ExpandError> {
    let mut b = Builder::new(true);
    word::expand_parts(&word.parts, UNQUOTED_NESTED, vars, &mut b)?;
    Ok(b.into_piece().into_iter().map(|(b, _)| b).collect())
}

/// `${x#pat}` and friends. The pattern's own quoting decides which of its
/// characters are special, whatever quotes surround the whole expansion
/// (dash: `"${x%.*}"` strips an extension).
fn trim(value: Value, pat: &Word, how: Trim, vars: &Vars) -> Result<Value, ExpandError> {
    let mut b = Builder::new(true);
    word::expand_parts(&pat.parts, UNQUOTED_NESTED, vars, &mut b)?;
    let pairs: Vec<(u8, bool)> = b
        .into_piece()
        .iter()
        .map(|&(c, o)| (c, o.active()))
        .collect();
    let pat = Pattern::new(&pairs);
    Ok(match value {
        Value::Str(s) => {
            let range = trim::trim(&pat, &s, &[], how);
            Value::Str(s.get(range).unwrap_or(&[]).to_vec())
        }
        // dash trims "$@" as one string whose parameter boundaries only `*`
        // can cross, then splits it again at the boundaries that are left.
        Value::List(items) => {
            let mut joined = Vec::new();
            let mut seps = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    joined.push(0);
                    seps.push(true);
                }
                joined.extend_from_slice(item);
                seps.extend(item.iter().map(|_| false));
            }
            let range = trim::trim(&pat, &joined, &seps, how);
            let kept = joined.get(range.clone()).unwrap_or(&[]);
            let kept_seps = seps.get(range).unwrap_or(&[]);
            let mut items = vec![Vec::new()];
            for (&byte, &sep) in kept.iter().zip(kept_seps) {
                if sep {
                    items.push(Vec::new());
                } else if let Some(last) = items.last_mut() {
                    last.push(byte);
                }
            }
            Value::List(items)
        }
    })
}
