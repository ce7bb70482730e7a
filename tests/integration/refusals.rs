//! Everything outside the supported sh subset is refused before anything
//! runs: exit status 2, a message naming the construct, the expression line
//! with a caret under the construct, and no stage started (every refused
//! expression starts with a stage `touch MARKER`, which must not run).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use crate::support::{DEADLINE, bin, shell_status};

/// The caret under `line` in a rendered diagnostic: finds the stderr line
/// that shows `line` (indented), and returns where the `^`s on the next line
/// start, in characters from the start of `line`, and how many there are.
pub fn caret_under(stderr: &str, line: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = stderr.lines().collect();
    let (index, indent) = lines.iter().enumerate().find_map(|(i, l)| {
        let indent = l.strip_suffix(line)?;
        indent
            .chars()
            .all(char::is_whitespace)
            .then(|| (i, indent.chars().count()))
    })?;
    let carets = lines.get(index + 1)?;
    let before = carets.find('^')?;
    let lead = &carets[..before];
    if !lead.chars().all(char::is_whitespace) {
        return None;
    }
    let width = carets[before..].chars().take_while(|&c| c == '^').count();
    lead.chars()
        .count()
        .checked_sub(indent)
        .map(|col| (col, width))
}

/// `pipe-run EXPR` in a fresh directory, with an empty stdin.
fn run_fresh(expr: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::new(bin())
        .arg(expr)
        .current_dir(dir.path())
        .write_stdin("")
        .timeout(DEADLINE)
        .output()
        .expect("pipe-run starts");
    (dir, out)
}

struct Refusal {
    /// The refused expression; it starts with `touch MARKER`.
    expr: &'static str,
    /// The construct: its first occurrence in `expr` is where the caret goes.
    construct: &'static str,
    /// The message names the construct with one of these.
    names: &'static [&'static str],
    /// Shell syntax: the help must suggest running `sh -c`.
    shell_hint: bool,
}

const fn refusal(
    expr: &'static str,
    construct: &'static str,
    names: &'static [&'static str],
    shell_hint: bool,
) -> Refusal {
    Refusal {
        expr,
        construct,
        names,
        shell_hint,
    }
}

/// Check one refusal; returns a description of what is wrong, if anything.
fn check(r: &Refusal) -> Result<(), String> {
    let (dir, out) = run_fresh(r.expr);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let fail = |what: String| Err(format!("{:?}: {what}\n--- stderr:\n{err}", r.expr));
    let status = shell_status(&out);
    if status != 2 {
        return fail(format!("exit status {status}, expected 2"));
    }
    if dir.path().join("MARKER").exists() {
        return fail("the `touch MARKER` stage ran".into());
    }
    if !out.stdout.is_empty() {
        return fail(format!(
            "stdout: {:?}",
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    let message = err.lines().next().unwrap_or_default();
    if !message.starts_with("pipe-run: ") {
        return fail("the first line is not `pipe-run: <message>`".into());
    }
    if !r.names.iter().any(|name| message.contains(name)) {
        return fail(format!("the message names none of {:?}", r.names));
    }
    let line = r.expr.lines().next().unwrap();
    let at = r.expr.find(r.construct).expect("construct in expr");
    let start = r.expr[..at].chars().count();
    let end = start + r.construct.chars().count();
    match caret_under(&err, line) {
        Some((col, width)) if col >= start && width >= 1 && col + width <= end => {}
        other => {
            return fail(format!(
                "caret (column, width) is {other:?}, expected under columns {start}..{end} ({:?})",
                r.construct
            ));
        }
    }
    if r.shell_hint && !err.contains("sh -c") {
        return fail("no hint to use `sh -c`".into());
    }
    Ok(())
}

fn check_all(cases: &[Refusal]) {
    let failures: Vec<String> = cases.iter().filter_map(|r| check(r).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} refusals wrong:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn command_lists_are_refused_with_a_hint_to_use_sh() {
    check_all(&[
        refusal("touch MARKER | echo a; echo b", ";", &["`;`"], true),
        refusal(
            "touch MARKER | echo a;; echo b",
            ";;",
            &["`;`", "`;;`"],
            true,
        ),
        refusal("touch MARKER | sleep 1 & echo b", "&", &["`&`"], true),
        refusal("touch MARKER | sleep 1 &", "&", &["`&`"], true),
        refusal("touch MARKER | true && echo b", "&&", &["`&&`"], true),
        refusal("touch MARKER | false || echo b", "||", &["`||`"], true),
    ]);
}

#[test]
fn substitutions_are_refused() {
    check_all(&[
        refusal(
            "touch MARKER | echo $(date)",
            "$(date)",
            &["command substitution"],
            false,
        ),
        refusal(
            "touch MARKER | echo \"$(date)\"",
            "$(date)",
            &["command substitution"],
            false,
        ),
        refusal(
            "touch MARKER | echo `date`",
            "`date`",
            &["command substitution"],
            false,
        ),
        refusal(
            "touch MARKER | echo \"x`date`\"",
            "`date`",
            &["command substitution"],
            false,
        ),
        refusal(
            "touch MARKER | echo $((1 + 2))",
            "$((1 + 2))",
            &["arithmetic"],
            false,
        ),
    ]);
}

#[test]
fn subshells_and_groups_are_refused() {
    check_all(&[
        refusal("touch MARKER | (echo a)", "(", &["subshell"], true),
        refusal("touch MARKER | (echo a; echo b)", "(", &["subshell"], true),
        refusal("touch MARKER | { cat }", "{", &["group", "`{`"], true),
        refusal("touch MARKER | cat | }", "}", &["group", "`}`"], true),
    ]);
}

#[test]
fn a_group_with_semicolons_is_refused_as_a_group() {
    // The way a group is always written: `{ list; }`.
    check_all(&[refusal(
        "touch MARKER | { echo a; echo b; }",
        "{",
        &["group", "`{`"],
        true,
    )]);
}

#[test]
fn here_documents_and_here_strings_are_refused() {
    check_all(&[
        refusal("touch MARKER | cat <<EOF", "<<", &["here-document"], false),
        refusal("touch MARKER | cat <<-EOF", "<<", &["here-document"], false),
        refusal(
            "touch MARKER | cat <<< word",
            "<<<",
            &["here-string"],
            false,
        ),
    ]);
}

#[test]
fn shell_keywords_in_command_position_are_refused() {
    check_all(&[
        refusal("touch MARKER | if true", "if", &["`if`"], true),
        refusal("touch MARKER | for x in a b", "for", &["`for`"], true),
        refusal("touch MARKER | while true", "while", &["`while`"], true),
        refusal("touch MARKER | until false", "until", &["`until`"], true),
        refusal("touch MARKER | case x in", "case", &["`case`"], true),
        refusal("touch MARKER | ! false", "!", &["`!`"], true),
        refusal("touch MARKER | then echo", "then", &["`then`"], true),
        refusal("touch MARKER | do echo", "do", &["`do`"], true),
        refusal("touch MARKER | done", "done", &["`done`"], true),
        refusal("touch MARKER | fi", "fi", &["`fi`"], true),
        refusal("touch MARKER | [[ -f x ]]", "[[", &["`[[`"], true),
        refusal(
            "touch MARKER | function f",
            "function",
            &["`function`"],
            true,
        ),
        refusal("if true | touch MARKER", "if", &["`if`"], true),
    ]);
}

#[test]
fn compound_commands_as_written_are_refused_by_their_keyword() {
    // How users actually write them: the keyword is the construct to name,
    // not the `;` or `)` that happens to come first in the text.
    check_all(&[
        refusal(
            "touch MARKER | if true; then echo a; fi",
            "if",
            &["`if`"],
            true,
        ),
        refusal(
            "touch MARKER | for f in a b; do echo $f; done",
            "for",
            &["`for`"],
            true,
        ),
        refusal(
            "touch MARKER | while true; do echo; done",
            "while",
            &["`while`"],
            true,
        ),
        refusal(
            "touch MARKER | until false; do echo; done",
            "until",
            &["`until`"],
            true,
        ),
        refusal(
            "touch MARKER | case x in x) echo;; esac",
            "case",
            &["`case`"],
            true,
        ),
    ]);
}

#[test]
fn bash_redirections_to_both_streams_are_refused() {
    check_all(&[
        refusal("touch MARKER | echo a &>out", "&>", &["`&>`"], false),
        refusal("touch MARKER | echo a >&out", ">&out", &["`>&`"], false),
    ]);
}

#[test]
fn bash_redirections_create_no_file() {
    for expr in ["touch MARKER | echo a &>out", "touch MARKER | echo a >&out"] {
        let (dir, out) = run_fresh(expr);
        assert_eq!(shell_status(&out), 2, "{expr}");
        assert!(!dir.path().join("out").exists(), "{expr} created out");
    }
}

#[test]
fn the_hint_for_bash_redirections_shows_the_sh_spelling() {
    for expr in ["touch MARKER | echo a &>out", "touch MARKER | echo a >&out"] {
        let (_dir, out) = run_fresh(expr);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("2>&1"), "{expr}: {err}");
    }
}

#[test]
fn shell_only_parameters_are_refused() {
    check_all(&[
        refusal("touch MARKER | echo $?", "$?", &["`$?`"], true),
        refusal("touch MARKER | echo \"$?\"", "$?", &["`$?`"], true),
        refusal("touch MARKER | echo $!", "$!", &["`$!`"], true),
        refusal(
            "touch MARKER | echo ${x=y}",
            "${x=y}",
            &["${name=word}", "${x=y}", "`=`"],
            false,
        ),
    ]);
}

#[test]
fn unterminated_quotes_are_refused() {
    check_all(&[
        refusal("touch MARKER | echo 'abc", "'", &["unterminated"], false),
        refusal("touch MARKER | echo \"abc", "\"", &["unterminated"], false),
        refusal("touch MARKER | echo $'abc", "$'", &["unterminated"], false),
        refusal(
            "touch MARKER | echo $'ab\\'",
            "$'",
            &["unterminated"],
            false,
        ),
    ]);
}

#[test]
fn a_redirection_whose_braces_make_two_words_is_refused() {
    // bash's "ambiguous redirect", but refused before anything runs.
    check_all(&[
        refusal(
            "touch MARKER | cat >{a,b}",
            "{a,b}",
            &["ambiguous redirect"],
            false,
        ),
        refusal(
            "touch MARKER | cat <x{1..2}",
            "x{1..2}",
            &["ambiguous redirect"],
            false,
        ),
    ]);
    let (dir, out) = run_fresh("touch MARKER | cat >{a,b}");
    assert_eq!(shell_status(&out), 2);
    assert!(fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn missing_commands_around_a_pipe_are_refused() {
    check_all(&[
        refusal("touch MARKER |", "|", &["missing command"], false),
        refusal("touch MARKER |   ", "|", &["missing command"], false),
        refusal("| touch MARKER", "|", &["missing command"], false),
        refusal("touch MARKER | | cat", "| cat", &["missing command"], false),
    ]);
}

#[test]
fn an_empty_pipeline_is_refused() {
    for expr in ["", "   ", "# just a comment", "\n\n"] {
        let (_dir, out) = run_fresh(expr);
        assert_eq!(shell_status(&out), 2, "{expr:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("pipe-run: "), "{expr:?}: {err}");
        assert!(err.contains("empty"), "{expr:?}: {err}");
    }
}

#[test]
fn a_newline_between_two_commands_is_refused() {
    for (expr, first) in [
        ("touch MARKER\necho b", "touch MARKER"),
        ("touch MARKER | cat\necho b | cat", "touch MARKER | cat"),
    ] {
        let (dir, out) = run_fresh(expr);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(shell_status(&out), 2, "{expr:?}: {err}");
        assert!(!dir.path().join("MARKER").exists(), "{expr:?}: a stage ran");
        assert!(err.contains("newline"), "{expr:?}: {err}");
        // The caret goes at the end of the first line (the newline) or
        // under the command that follows it.
        let at_newline = caret_under(&err, first) == Some((first.chars().count(), 1));
        let at_next = caret_under(&err, "echo b").is_some_and(|(col, _)| col == 0)
            || caret_under(&err, "echo b | cat").is_some_and(|(col, _)| col == 0);
        assert!(at_newline || at_next, "{expr:?}: caret misplaced:\n{err}");
    }
}

#[test]
fn carets_count_characters_not_bytes() {
    let expr = "touch MARKER | echo 'héllo → wörld' ; echo b";
    check_all(&[refusal(expr, ";", &["`;`"], true)]);
}

// ---------------------------------------------------------------------------
// What is not refused

fn run_ok(expr: &str, path_dir: Option<&Path>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::new(bin());
    cmd.arg(expr)
        .current_dir(dir.path())
        .write_stdin("")
        .timeout(DEADLINE);
    if let Some(extra) = path_dir {
        let path = std::env::join_paths(
            std::iter::once(extra.to_path_buf())
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
        )
        .unwrap();
        cmd.env("PATH", path);
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        shell_status(&out),
        0,
        "{expr:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn keywords_and_operators_as_arguments_are_not_refused() {
    assert_eq!(run_ok("echo if", None), "if\n");
    assert_eq!(
        run_ok(
            "printf '%s\\n' for while do done case esac '!' '{' '}' then fi",
            None
        ),
        "for\nwhile\ndo\ndone\ncase\nesac\n!\n{\n}\nthen\nfi\n"
    );
    assert_eq!(run_ok("echo ! { } [[", None), "! { } [[\n");
    assert_eq!(
        run_ok("echo ';' '&&' '||' '|' \\; \\& '$(x)' '`x`' '<<EOF'", None),
        "; && || | ; & $(x) `x` <<EOF\n"
    );
    assert_eq!(run_ok("echo a#b c#d", None), "a#b c#d\n");
    assert_eq!(run_ok("echo a # a comment; && (", None), "a\n");
    assert_eq!(run_ok("[ a = a ] | cat", None), "");
}

#[test]
fn a_quoted_keyword_is_a_command_name() {
    let bin_dir = tempfile::tempdir().unwrap();
    for name in ["if", "while"] {
        let path = bin_dir.path().join(name);
        fs::write(&path, format!("#!/bin/sh\necho ran {name} \"$@\"\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let dir = Some(bin_dir.path());
    assert_eq!(run_ok("'if' x", dir), "ran if x\n");
    assert_eq!(run_ok("\"if\" x | cat", dir), "ran if x\n");
    assert_eq!(run_ok("\\while y", dir), "ran while y\n");
    assert_eq!(run_ok("echo a | 'while'", dir), "ran while\n");
}

#[test]
fn a_quoted_keyword_without_a_program_is_not_found_rather_than_refused() {
    let (_dir, out) = run_fresh("'if' x");
    assert_eq!(
        shell_status(&out),
        127,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Check the refusal of `text`, saved with Windows line endings: exit 2,
/// nothing run, the message names CRLF, the help says how to convert, the
/// caret is under the first `\r` (shown as `␍`, never sent raw).
fn check_crlf(text: &str, dir: &Path, out: &Output, origin: &str, line: usize) {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(shell_status(out), 2, "{text:?}: {err}");
    assert!(!dir.join("MARKER").exists(), "{text:?}: a stage ran");
    assert!(out.stdout.is_empty(), "{text:?}: stdout {:?}", out.stdout);
    let message = err.lines().next().unwrap_or_default();
    assert!(
        message.contains("carriage return") && message.contains("CRLF"),
        "{text:?}: {err}"
    );
    assert!(
        err.contains("help: ") && err.contains("dos2unix") && err.contains(r"sed -i 's/\r$//'"),
        "{text:?}: {err}"
    );
    assert!(!err.contains('\r'), "{text:?}: a raw CR in {err:?}");
    let first = text.split('\n').nth(line - 1).unwrap();
    let cr = first.find('\r').unwrap();
    let shown = first.replace('\r', "\u{240d}");
    assert_eq!(
        caret_under(&err, &shown),
        Some((first[..cr].chars().count(), 1)),
        "{text:?}: {err}"
    );
    // A one-line expression is shown without a location.
    if origin != "expression" || text.trim_end_matches('\n').contains('\n') {
        assert!(
            err.contains(&format!("--> {origin}:{line}:{}", cr + 1)),
            "{text:?}: {err}"
        );
    }
}

#[test]
fn windows_line_endings_are_refused_at_the_carriage_return() {
    for text in [
        "touch MARKER |\r\n  cat\r\n",
        "touch MARKER \\\r\n  x | cat\r\n",
        "touch MARKER\r\n",
        "touch MARKER ${x-a\r\n} | cat",
    ] {
        let (dir, out) = run_fresh(text);
        check_crlf(text, dir.path(), &out, "expression", 1);
    }
}

#[test]
fn a_script_with_windows_line_endings_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = "#!/usr/bin/env -S pipe-run -f\r\n# a comment\r\ntouch MARKER |\r\n  cat\r\n";
    fs::write(dir.path().join("script"), text).unwrap();
    let out = assert_cmd::Command::new(bin())
        .args(["-f", "script"])
        .current_dir(dir.path())
        .write_stdin("")
        .timeout(DEADLINE)
        .output()
        .expect("pipe-run starts");
    check_crlf(text, dir.path(), &out, "script", 3);
}

#[test]
fn quoted_carriage_returns_are_text() {
    let out = run_ok("printf '[%s]' 'a\r\nb' \"c\r\nd\" a\rb | od -An -c", None);
    assert_eq!(
        out.split_whitespace().collect::<Vec<_>>().join(" "),
        r"[ a \r \n b ] [ c \r \n d ] [ a \r b ]"
    );
}
