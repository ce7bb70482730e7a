//! A script whose `#!` interpreter is missing (127) or not executable (126)
//! is refused before anything runs, with the script and the interpreter
//! named and a caret under the command; `#!/usr/bin/env NAME` looks NAME up
//! in the stage's PATH. Scripts with a working interpreter still run.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use tempfile::TempDir;

use crate::refusals::caret_under;
use crate::support::{DEADLINE, bin, shell_status, stderr};

fn tmp() -> TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn write_executable(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// `pipe-run EXPR` in `dir`, with an empty stdin.
fn run(dir: &Path, expr: &str) -> Output {
    assert_cmd::Command::new(bin())
        .arg(expr)
        .current_dir(dir)
        .write_stdin("")
        .timeout(DEADLINE)
        .output()
        .expect("pipe-run starts")
}

/// `touch marker | SCRIPT > out` is refused with `status` and `message`,
/// the caret under the script's name, and neither `marker` nor `out` made.
fn assert_refused(dir: &Path, script: &str, status: i32, message: &str) {
    let expr = format!("touch marker | {script} > out");
    let out = run(dir, &expr);
    let err = stderr(&out);
    assert_eq!(shell_status(&out), status, "{err}");
    assert_eq!(err.lines().next(), Some(message), "{err}");
    assert_eq!(
        caret_under(&err, &expr),
        Some((expr.find(script).unwrap(), script.len())),
        "{err}"
    );
    assert!(!dir.join("marker").exists(), "an earlier stage ran");
    assert!(!dir.join("out").exists(), "out was created");
    assert_eq!(out.stdout, b"");
}

#[test]
fn a_missing_interpreter_exits_127_and_runs_nothing() {
    let dir = tmp();
    write_executable(
        &dir.path().join("build.py"),
        "#!/nonexistent/bin/python9\nprint('hi')\n",
    );
    assert_refused(
        dir.path(),
        "./build.py",
        127,
        "pipe-run: ./build.py: bad interpreter: /nonexistent/bin/python9: No such file or directory",
    );
}

#[test]
fn a_missing_interpreter_is_found_after_blanks_and_before_its_argument() {
    let dir = tmp();
    write_executable(&dir.path().join("tool"), "#! \t./missing-interp -x y\n");
    assert_refused(
        dir.path(),
        "./tool",
        127,
        "pipe-run: ./tool: bad interpreter: ./missing-interp: No such file or directory",
    );
}

#[test]
fn a_non_executable_interpreter_exits_126_and_runs_nothing() {
    let dir = tmp();
    let interp = dir.path().join("interp");
    fs::write(&interp, "#!/bin/sh\n").unwrap();
    fs::set_permissions(&interp, fs::Permissions::from_mode(0o644)).unwrap();
    write_executable(
        &dir.path().join("script"),
        &format!("#!{}\necho ran\n", interp.display()),
    );
    assert_refused(
        dir.path(),
        "./script",
        126,
        &format!(
            "pipe-run: ./script: bad interpreter: {}: Permission denied",
            interp.display()
        ),
    );
}

#[test]
fn a_directory_as_interpreter_exits_126() {
    let dir = tmp();
    write_executable(&dir.path().join("script"), "#!/tmp\n");
    assert_refused(
        dir.path(),
        "./script",
        126,
        "pipe-run: ./script: bad interpreter: /tmp: Is a directory",
    );
}

#[test]
fn env_not_finding_its_program_exits_127_and_runs_nothing() {
    let dir = tmp();
    write_executable(
        &dir.path().join("script"),
        "#!/usr/bin/env pipe-run-no-such-interpreter\n",
    );
    assert_refused(
        dir.path(),
        "./script",
        127,
        "pipe-run: ./script: bad interpreter: env cannot find pipe-run-no-such-interpreter in PATH",
    );
}

#[test]
fn env_looks_in_the_stage_path() {
    let dir = tmp();
    fs::create_dir(dir.path().join("bin")).unwrap();
    write_executable(
        &dir.path().join("bin/my-interp"),
        "#!/bin/sh\necho \"my-interp ran $1\"\n",
    );
    write_executable(&dir.path().join("script"), "#!/usr/bin/env my-interp\n");
    let bin_dir = dir.path().join("bin");
    let expr = format!("PATH={}:/usr/bin:/bin ./script", bin_dir.display());
    let out = run(dir.path(), &expr);
    assert_eq!(shell_status(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout, b"my-interp ran ./script\n");
    // Without that PATH, env would not find it.
    let out = run(dir.path(), "./script");
    assert_eq!(shell_status(&out), 127, "{}", stderr(&out));
}

#[test]
fn scripts_with_a_working_interpreter_still_run() {
    let dir = tmp();
    write_executable(&dir.path().join("a"), "#!/bin/sh\necho \"a: $1\"\n");
    write_executable(&dir.path().join("b"), "#!/bin/sh -e\necho \"b: $1\"\n");
    write_executable(&dir.path().join("c"), "#!/usr/bin/env sh\necho \"c: $1\"\n");
    write_executable(&dir.path().join("d"), "#!/bin/sh");
    for (expr, expected) in [
        ("./a 1 | cat", "a: 1\n"),
        ("./b 2", "b: 2\n"),
        ("./c 3", "c: 3\n"),
        ("./d | echo d", "d\n"),
    ] {
        let out = run(dir.path(), expr);
        assert_eq!(shell_status(&out), 0, "{expr}: {}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{expr}");
    }
}

#[test]
fn an_executable_fifo_as_the_program_does_not_hang_the_check() {
    let dir = tmp();
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    fs::set_permissions(&fifo, fs::Permissions::from_mode(0o755)).unwrap();
    // The kernel refuses to execute it, after the plan let it through.
    let out = run(dir.path(), "./fifo");
    assert_eq!(shell_status(&out), 126, "{}", stderr(&out));
}
