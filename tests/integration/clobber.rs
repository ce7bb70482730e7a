//! A pipeline that reads a file it also truncates is refused before anything
//! runs (exit 2, a caret under the truncating redirection, the reading
//! redirection named, the file untouched); one that only names the file as
//! an argument gets one warning and runs.

use std::fs;

use tempfile::TempDir;

use crate::refusals::caret_under;
use crate::support::{run_args as run, shell_status, stderr};

const TEXT: &str = "b\na\n";

/// A directory holding `f` with [`TEXT`], a symlink `lf` to it and a
/// directory `sub`.
fn scene() -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    fs::write(dir.path().join("f"), TEXT).unwrap();
    std::os::unix::fs::symlink("f", dir.path().join("lf")).unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    dir
}

/// `expr` (which starts with `touch marker |`) is refused: exit 2, the caret
/// under (the last) `truncation`, the message naming `reader` and `read`, nothing run
/// and `f` untouched.
fn assert_refused(expr: &str, truncation: &str, reader: &str, read: &str) {
    let dir = scene();
    let out = run(dir.path(), &[expr]);
    let err = stderr(&out);
    assert_eq!(shell_status(&out), 2, "{expr}: {err}");
    assert!(
        err.starts_with("pipe-run: cannot truncate "),
        "{expr}: {err}"
    );
    let first = err.lines().next().unwrap();
    assert!(first.contains(reader), "{expr}: no {reader:?}: {err}");
    assert!(
        first.contains(&format!("`{read}`")),
        "{expr}: no {read:?}: {err}"
    );
    // The last occurrence: in `cat <> f | sort > f`, not the one in `<> f`.
    let column = expr.rfind(truncation).unwrap();
    assert_eq!(
        caret_under(&err, expr),
        Some((column, truncation.chars().count())),
        "{expr}: {err}"
    );
    assert!(!dir.path().join("marker").exists(), "{expr}: a stage ran");
    assert_eq!(
        fs::read_to_string(dir.path().join("f")).unwrap(),
        TEXT,
        "{expr}"
    );
    assert_eq!(out.stdout, b"", "{expr}");
}

#[test]
fn reading_and_truncating_in_one_stage_is_refused_in_either_order() {
    assert_refused("touch marker | sort < f > f", "> f", "this stage", "< f");
    assert_refused("touch marker | sort > f < f", "> f", "this stage", "< f");
}

#[test]
fn reading_and_truncating_in_different_stages_is_refused() {
    assert_refused(
        "touch marker | cat < f | sort > f",
        "> f",
        "stage 2 (cat)",
        "< f",
    );
    assert_refused(
        "touch marker | sort > f | cat < f",
        "> f",
        "stage 3 (cat)",
        "< f",
    );
}

#[test]
fn the_same_file_under_another_name_is_refused() {
    assert_refused(
        "touch marker | cat < ./f | sort > sub/../f",
        "> sub/../f",
        "stage 2 (cat)",
        "< ./f",
    );
    assert_refused(
        "touch marker | cat < f | sort > lf",
        "> lf",
        "stage 2 (cat)",
        "< f",
    );
}

#[test]
fn clobbering_with_bar_and_reading_any_fd_or_read_write_are_refused() {
    assert_refused("touch marker | sort < f >| f", ">| f", "this stage", "< f");
    assert_refused(
        "touch marker | sh -c 'cat <&3' 3< f 2> f",
        "2> f",
        "this stage",
        "3< f",
    );
    assert_refused(
        "touch marker | cat <> f | sort > f",
        "> f",
        "stage 2 (cat)",
        "<> f",
    );
}

#[test]
fn appending_to_a_file_being_read_is_allowed() {
    let dir = scene();
    let out = run(dir.path(), &["sort < f >> f"]);
    assert_eq!(shell_status(&out), 0, "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(
        fs::read_to_string(dir.path().join("f")).unwrap(),
        "b\na\na\nb\n"
    );
}

#[test]
fn devices_are_not_files_to_lose() {
    let dir = scene();
    let out = run(dir.path(), &["cat < /dev/null > /dev/null | cat < f"]);
    assert_eq!(shell_status(&out), 0, "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(out.stdout, TEXT.as_bytes());
}

#[test]
fn a_truncated_file_named_as_an_argument_is_warned_about_once_and_runs() {
    let dir = scene();
    let expr = "cat f | sort f > f | echo ran";
    let out = run(dir.path(), &[expr]);
    let err = stderr(&out);
    assert_eq!(shell_status(&out), 0, "{err}");
    assert_eq!(out.stdout, b"ran\n");
    assert!(
        err.starts_with("pipe-run: warning: f is emptied before any stage runs"),
        "{err}"
    );
    assert!(err.contains("stage 1 (cat f)"), "{err}");
    assert_eq!(err.matches("warning").count(), 1, "{err}");
    assert_eq!(
        caret_under(&err, expr),
        Some((expr.find("> f").unwrap(), 3)),
        "{err}"
    );
    // What the warning was about: sort found f already empty.
    assert_eq!(fs::read_to_string(dir.path().join("f")).unwrap(), "");
}

#[test]
fn quiet_suppresses_the_warning() {
    let dir = scene();
    for flag in ["-q", "--quiet"] {
        let out = run(dir.path(), &[flag, "sort f > lf | echo ran"]);
        assert_eq!(shell_status(&out), 0, "{}", stderr(&out));
        assert_eq!(out.stdout, b"ran\n");
        assert_eq!(stderr(&out), "", "{flag}");
    }
}
