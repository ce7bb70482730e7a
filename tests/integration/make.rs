//! pipe-run inside a Makefile recipe, run by GNU make: a failing stage
//! anywhere in the pipeline fails the recipe (which plain `sh` would miss
//! for `false | cat`), and a passing pipeline lets make go on.

use std::fs;
use std::path::Path;
use std::process::Output;

use crate::support::{DEADLINE, bin};

/// Write `makefile` (recipe lines start with `>` here, turned into tabs)
/// into a fresh directory and run `make TARGET` there.
fn make(makefile: &str, target: &str) -> (tempfile::TempDir, Output) {
    make_with(makefile, &[target])
}

/// Write `makefile` into a fresh directory and run `make ARGS...` there.
/// In the makefile, `PIPE_RUN_PATH` becomes the binary's path as is (for
/// `SHELL :=`, which make does not unquote) and `PIPE_RUN` the path quoted
/// for a shell.
fn make_with(makefile: &str, args: &[&str]) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        !bin().contains(char::is_whitespace),
        "a SHELL path cannot hold spaces: {}",
        bin()
    );
    let text = makefile
        .lines()
        .map(|line| match line.strip_prefix('>') {
            Some(recipe) => format!("\t{recipe}\n"),
            None => format!("{line}\n"),
        })
        .collect::<String>()
        .replace("PIPE_RUN_PATH", bin())
        .replace("PIPE_RUN", &shell_quote(bin()));
    fs::write(dir.path().join("Makefile"), text).unwrap();
    let out = assert_cmd::Command::new("make")
        .args(args)
        .current_dir(dir.path())
        // Not cargo's jobserver nor its flags: a make of its own.
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .env_remove("MAKELEVEL")
        .write_stdin("")
        .timeout(DEADLINE)
        .output()
        .expect("GNU make is installed");
    (dir, out)
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn exists(dir: &Path, name: &str) -> bool {
    dir.join(name).exists()
}

#[test]
fn a_failing_first_stage_fails_the_recipe_and_stops_make() {
    let (dir, out) = make(
        "\
fail:
>PIPE_RUN 'sh -c \"exit 3\" | cat'
>touch marker
",
        "fail",
    );
    let err = stderr(&out);
    assert!(!out.status.success(), "make succeeded: {err}");
    assert!(
        !exists(dir.path(), "marker"),
        "make ran the next recipe line"
    );
    assert!(
        err.contains("Error 3"),
        "make does not report the error: {err}"
    );
    assert!(
        err.contains("stage 1 (sh -c 'exit 3') exited with status 3"),
        "pipe-run's line about the failed stage is missing: {err}"
    );
}

#[test]
fn a_failing_stage_stops_dependent_targets() {
    let (dir, out) = make(
        "\
all: second
second: first
>touch second-ran
first:
>PIPE_RUN 'seq 1 5 | sh -c \"cat >/dev/null; exit 7\" | wc -l'
",
        "all",
    );
    let err = stderr(&out);
    assert!(!out.status.success(), "make succeeded: {err}");
    assert!(err.contains("Error 7"), "{err}");
    assert!(!exists(dir.path(), "second-ran"), "a dependent target ran");
}

#[test]
fn a_missing_program_fails_the_recipe_with_127() {
    let (dir, out) = make(
        "\
broken:
>PIPE_RUN 'touch early | grpe foo'
>touch marker
",
        "broken",
    );
    let err = stderr(&out);
    assert!(!out.status.success(), "make succeeded: {err}");
    assert!(err.contains("Error 127"), "{err}");
    assert!(err.contains("grpe: command not found"), "{err}");
    assert!(!exists(dir.path(), "early"), "a stage ran");
    assert!(!exists(dir.path(), "marker"), "make went on");
}

#[test]
fn a_successful_pipeline_lets_make_continue() {
    let (dir, out) = make(
        "\
ok:
>PIPE_RUN 'printf \"%s\\n\" hello world | tr a-z A-Z > out.txt'
>touch marker
",
        "ok",
    );
    assert!(out.status.success(), "make failed: {}", stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("out.txt")).unwrap(),
        "HELLO\nWORLD\n"
    );
    assert!(exists(dir.path(), "marker"), "make stopped");
}

#[test]
fn an_ignored_failure_with_a_dash_prefix_lets_make_continue() {
    let (dir, out) = make(
        "\
tolerant:
>-PIPE_RUN 'false | cat'
>touch marker
",
        "tolerant",
    );
    let err = stderr(&out);
    assert!(out.status.success(), "make failed: {err}");
    assert!(err.contains("Error 1 (ignored)"), "{err}");
    assert!(exists(dir.path(), "marker"), "make stopped");
}

#[test]
fn make_shows_the_output_of_the_pipeline() {
    let (_dir, out) = make(
        "\
show:
>@PIPE_RUN 'seq 1 3 | tac'
",
        "show",
    );
    assert!(out.status.success(), "make failed: {}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "3\n2\n1\n");
}

// ---------------------------------------------------------------------------
// pipe-run as make's SHELL: every recipe line is `pipe-run -c LINE`

/// A Makefile whose every recipe line, and `$(shell ...)`, runs through
/// pipe-run, with make's default `.SHELLFLAGS` (`-c`) unless `flags` are
/// given.
fn whole_makefile(flags: Option<&str>) -> String {
    let flags = flags.map_or(String::new(), |f| format!(".SHELLFLAGS = {f}\n"));
    format!(
        "\
SHELL := PIPE_RUN_PATH
{flags}\
COUNT := $(shell printf x | wc -c)
# Under sh, a failing first stage goes unnoticed: .SHELLSTATUS would be 0.
FIRST := $(shell sh -c 'exit 3' | cat)$(.SHELLSTATUS)
sorted:
>printf 'b\\na\\n' | sort > out.txt
failing:
>sh -c \"exit 3\" | cat
>touch marker
shell-function:
>echo count=$(COUNT) first=$(FIRST)
refused:
>cd sub && ls
>touch marker
"
    )
}

fn shell_is_pipe_run(flags: Option<&str>) {
    let makefile = whole_makefile(flags);

    let (dir, out) = make_with(&makefile, &["sorted"]);
    assert!(out.status.success(), "make failed: {}", stderr(&out));
    assert_eq!(read(dir.path(), "out.txt"), "a\nb\n");

    let (dir, out) = make_with(&makefile, &["failing"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "make succeeded: {err}");
    assert!(err.contains("Error 3"), "{err}");
    assert!(
        err.contains("stage 1 (sh -c 'exit 3') exited with status 3"),
        "pipe-run's line about the failed stage is missing: {err}"
    );
    assert!(!exists(dir.path(), "marker"), "make went on");

    let (_dir, out) = make_with(&makefile, &["shell-function"]);
    assert!(out.status.success(), "make failed: {}", stderr(&out));
    assert!(
        stdout(&out).lines().any(|l| l == "count=1 first=3"),
        "$(shell) did not run through pipe-run: {}",
        stdout(&out)
    );

    let (dir, out) = make_with(&makefile, &["refused"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "make succeeded: {err}");
    assert!(err.contains("Error 2"), "{err}");
    assert!(err.contains("`&&`"), "{err}");
    assert_eq!(
        crate::refusals::caret_under(&err, "cd sub && ls"),
        Some((7, 2)),
        "no caret under `&&`: {err}"
    );
    assert!(!exists(dir.path(), "marker"), "make went on");
}

#[test]
fn shell_pipe_run_runs_every_recipe_line_and_shell_function() {
    shell_is_pipe_run(None);
}

#[test]
fn shell_pipe_run_works_with_posix_shellflags_ec() {
    shell_is_pipe_run(Some("-ec"));
}

#[test]
fn a_target_specific_shell_runs_only_that_target_under_pipe_run() {
    let makefile = "\
piped: SHELL := PIPE_RUN_PATH
piped:
>printf 'b\\na\\n' | sort > piped.txt
piped-fails: SHELL := PIPE_RUN_PATH
piped-fails:
>false | cat
plain:
>echo one > plain.txt; echo two >> plain.txt
>false | cat
";
    let (dir, out) = make_with(makefile, &["piped", "plain"]);
    assert!(out.status.success(), "make failed: {}", stderr(&out));
    assert_eq!(read(dir.path(), "piped.txt"), "a\nb\n");
    // `;` would be refused by pipe-run, and `false | cat` fail it: this
    // target ran under /bin/sh.
    assert_eq!(read(dir.path(), "plain.txt"), "one\ntwo\n");

    let (_dir, out) = make_with(makefile, &["piped-fails"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "make succeeded: {err}");
    assert!(
        err.contains("stage 1 (false) exited with status 1"),
        "{err}"
    );
}
