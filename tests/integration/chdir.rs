//! `-C DIR` (run in DIR) and `-c EXPR [NAME [ARG]...]` (as `sh -c`).

use std::fs;
use std::os::unix::fs::PermissionsExt;

use tempfile::TempDir;

use crate::support::{names, run_args as run, shell_status, stderr, stdout};

/// A directory holding `sub/` with two text files, an input file and an
/// executable `prog` that prints its arguments one a line.
fn scene() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join("a.txt"), "alpha\n").unwrap();
    fs::write(sub.join("b.txt"), "beta\n").unwrap();
    fs::write(sub.join("input"), "from sub\n").unwrap();
    let prog = sub.join("prog");
    fs::write(&prog, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n").unwrap();
    fs::set_permissions(&prog, fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn dash_capital_c_resolves_programs_globs_and_redirections_in_dir() {
    let dir = scene();
    let out = run(
        dir.path(),
        &["-C", "sub", "./prog *.txt | sort -r > out.txt"],
    );
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("sub/out.txt")).unwrap(),
        "b.txt\na.txt\n"
    );
    // Nothing was made where pipe-run started.
    assert_eq!(names(dir.path()), ["sub"]);

    let out = run(dir.path(), &["--chdir", "sub", "cat < input | tr a-z A-Z"]);
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "FROM SUB\n");
}

#[test]
fn dash_capital_c_sets_pwd_to_dir() {
    let dir = scene();
    let out = run(dir.path(), &["-C", "sub", "echo \"$PWD\""]);
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    let sub = fs::canonicalize(dir.path().join("sub")).unwrap();
    assert_eq!(stdout(&out), format!("{}\n", sub.display()));
}

#[test]
fn dash_capital_c_comes_before_other_options_and_a_script_file() {
    let dir = scene();
    // `-f FILE` is read from where pipe-run started; the script then runs
    // in DIR.
    fs::write(dir.path().join("script"), "cat < input\n").unwrap();
    let out = run(dir.path(), &["-qC", "sub", "-f", "script"]);
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "from sub\n");
}

#[test]
fn a_missing_dir_exits_2_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["-C", "nope", "echo hi > made.txt"]);
    assert_eq!(shell_status(&out), 2, "stderr: {}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "pipe-run: cannot change directory to nope: No such file or directory\n"
    );
    assert_eq!(stdout(&out), "");
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[test]
fn dash_c_takes_dollar_zero_then_the_parameters_as_sh_c_does() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["-c", "echo \"$0\" \"$1\"", "name", "a"]);
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "name a\n");

    let out = run(dir.path(), &["-c", "echo \"$0\" $#"]);
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "pipe-run 0\n");
}

#[test]
fn dash_c_without_an_expression_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["-c"]);
    assert_eq!(shell_status(&out), 2, "stderr: {}", stderr(&out));
    assert!(stderr(&out).starts_with("pipe-run: "), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}
