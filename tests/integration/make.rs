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
    let dir = tempfile::tempdir().unwrap();
    let text = makefile
        .lines()
        .map(|line| match line.strip_prefix('>') {
            Some(recipe) => format!("\t{recipe}\n"),
            None => format!("{line}\n"),
        })
        .collect::<String>()
        .replace("PIPE_RUN", &shell_quote(bin()));
    fs::write(dir.path().join("Makefile"), text).unwrap();
    let out = assert_cmd::Command::new("make")
        .arg(target)
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
