//! Test-only helpers: shell text to [`Word`]s through the real lexer (so
//! tests read like the shell they mimic), and a runner asking dash (or bash,
//! for what dash lacks) for the fields the same text gives, to check the
//! expected values against the reference.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::Command;

use crate::syntax::ast::Word;
use crate::syntax::lexer::lex;
use crate::syntax::token::TokenKind;

use super::Vars;
use crate::environment::Environment;

/// Build [`Vars`] from names and values; `$0` is `dashname`.
pub(super) fn vars(env: &[(&str, &[u8])], positional: &[&[u8]]) -> Vars {
    Vars {
        env: Environment::from_pairs(
            env.iter()
                .map(|(k, v)| (OsString::from(k), OsString::from_vec(v.to_vec()))),
        ),
        zero: OsString::from("dashname"),
        positional: positional
            .iter()
            .map(|p| OsString::from_vec(p.to_vec()))
            .collect(),
        nounset: false,
        pid: 4242,
    }
}

/// The words of `src`, as the real lexer reads them, so the tables test
/// expansion on exactly the trees the parser hands over.
pub(super) fn words(src: &str) -> Vec<Word> {
    lex(src)
        .unwrap_or_else(|e| panic!("{src:?} does not lex: {e:?}"))
        .into_iter()
        .filter_map(|t| match t.kind {
            TokenKind::Word(w) => Some(w),
            _ => None,
        })
        .collect()
}

/// Parse exactly one word.
pub(super) fn word(src: &str) -> Word {
    let mut ws = words(src);
    assert_eq!(ws.len(), 1, "one word expected in {src:?}");
    ws.remove(0)
}

/// What dash makes of `src` as command words: `Ok(fields)` or `Err(message)`
/// (dash's error text without its `dashname: 1: ` prefix). `None` when dash
/// is not installed. Variables reach dash as its environment, positional
/// parameters as its arguments, just as pipe-run gets them.
pub(super) fn dash_fields(vars: &Vars, src: &str) -> Option<Result<Vec<Vec<u8>>, String>> {
    shell_fields(&["/usr/bin/dash", "/bin/dash"], vars, src)
}

/// The same, asked of bash: the reference for what dash lacks (brace
/// expansion, `$'...'`).
pub(super) fn bash_fields(vars: &Vars, src: &str) -> Option<Result<Vec<Vec<u8>>, String>> {
    shell_fields(&["/usr/bin/bash", "/bin/bash"], vars, src)
}

fn shell_fields(shells: &[&str], vars: &Vars, src: &str) -> Option<Result<Vec<Vec<u8>>, String>> {
    let script = format!(
        "show() {{ for __f; do printf '%s\\0' \"$__f\"; done; }}; {}show {src}",
        if vars.nounset { "set -u; " } else { "" }
    );
    let out = run_shell(shells, vars, &script)?;
    Some(out.map(|stdout| {
        let mut fields: Vec<Vec<u8>> = stdout.split(|&b| b == 0).map(<[u8]>::to_vec).collect();
        fields.pop();
        fields
    }))
}

/// What dash assigns for `name=src`.
pub(super) fn dash_assignment(vars: &Vars, src: &str) -> Option<Result<Vec<u8>, String>> {
    let script = format!("__v={src}; printf '%s' \"$__v\"");
    run_shell(&["/usr/bin/dash", "/bin/dash"], vars, &script)
}

fn run_shell(shells: &[&str], vars: &Vars, script: &str) -> Option<Result<Vec<u8>, String>> {
    let shell = shells.iter().find(|p| Path::new(p).exists())?;
    let out = Command::new(shell)
        .env_clear()
        .envs(vars.env.iter())
        .arg("-c")
        .arg(script)
        .arg(&vars.zero)
        .args(&vars.positional)
        .output()
        .ok()?;
    if out.status.success() {
        Some(Ok(out.stdout))
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let err = err.strip_suffix('\n').unwrap_or(&err);
        Some(Err(err
            .strip_prefix("dashname: 1: ")
            .or_else(|| err.strip_prefix("dashname: line 1: "))
            .unwrap_or(err)
            .to_string()))
    }
}

/// Lossy strings, for readable assertions.
pub(super) fn show(fields: &[Vec<u8>]) -> Vec<String> {
    fields
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}
