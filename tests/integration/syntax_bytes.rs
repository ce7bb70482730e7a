//! The expression is bytes: a file name that is not UTF-8, written in the
//! expression (as bash's `$'\xff'` passes it, or in a `-f` script), names
//! that very file, and errors show such bytes escaped with the caret in
//! the right column.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Output;

use crate::refusals::caret_under;
use crate::support::{DEADLINE, bin, shell_status, stderr};

/// `pipe-run ARGS...` in `dir`, each argument given as bytes.
fn run_bytes(dir: &Path, args: &[&[u8]]) -> Output {
    assert_cmd::Command::new(bin())
        .args(args.iter().map(|a| OsStr::from_bytes(a)))
        .current_dir(dir)
        .write_stdin("")
        .timeout(DEADLINE)
        .output()
        .expect("pipe-run starts")
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(OsStr::from_bytes(b"\xff.txt")), "ff\n").unwrap();
    fs::write(
        dir.path().join(OsStr::from_bytes(b"caf\xe9.txt")),
        "latin-1\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_file_name_that_is_not_utf8_opens_that_file() {
    let dir = fixture();
    for expr in [
        b"cat \xff.txt".as_slice(),
        b"cat '\xff.txt'",
        b"cat \"\xff\".txt",
        b"cat \\\xff.txt",
        b"cat < \xff.txt",
        b"cat \xff.t\\\nxt",
        b"cat caf\xe9.txt | tr a-z A-Z",
    ] {
        let out = run_bytes(dir.path(), &[expr]);
        assert_eq!(shell_status(&out), 0, "{expr:?}: {}", stderr(&out));
        let want: &[u8] = if expr.ends_with(b"A-Z") {
            b"LATIN-1\n"
        } else {
            b"ff\n"
        };
        assert_eq!(out.stdout, want, "{expr:?}");
    }
}

#[test]
fn bash_dollar_quotes_pass_the_byte_through() {
    let dir = fixture();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#""$0" $'cat \xff.txt'"#)
        .arg(bin())
        .current_dir(dir.path())
        .output()
        .expect("bash is installed");
    assert_eq!(shell_status(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout, b"ff\n");
}

#[test]
fn arguments_redirections_and_globs_keep_the_bytes() {
    let dir = fixture();
    let out = run_bytes(
        dir.path(),
        &[b"printf '%s\\n' \xfe caf\xe9* \"$1\" > out\xfd", b"\xfc"],
    );
    assert_eq!(shell_status(&out), 0, "{}", stderr(&out));
    let written = fs::read(dir.path().join(OsStr::from_bytes(b"out\xfd"))).unwrap();
    assert_eq!(written, b"\xfe\ncaf\xe9.txt\n\xfc\n");
}

#[test]
fn a_script_file_may_hold_any_byte() {
    let dir = fixture();
    fs::write(
        dir.path().join("script"),
        b"# read \xff.txt\ncat \xff.txt |\n  cat\n",
    )
    .unwrap();
    let out = run_bytes(dir.path(), &[b"-f", b"script"]);
    assert_eq!(shell_status(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout, b"ff\n");
}

#[test]
fn errors_show_stray_bytes_escaped_with_the_caret_aligned() {
    let dir = fixture();
    let out = run_bytes(dir.path(), &[b"cat \xff.txt caf\xe9; touch MARKER"]);
    assert_eq!(shell_status(&out), 2);
    assert!(!dir.path().join("MARKER").exists());
    let err = stderr(&out);
    assert!(err.starts_with("pipe-run: `;` is not supported"), "{err}");
    // Each stray byte shows as four characters, `\xNN`, and the caret
    // counts them so.
    let line = r"cat \xff.txt caf\xe9; touch MARKER";
    assert_eq!(
        caret_under(&err, line),
        Some((line.find(';').unwrap(), 1)),
        "{err}"
    );
}

#[test]
fn errors_in_a_script_name_line_and_column_past_stray_bytes() {
    let dir = fixture();
    fs::write(dir.path().join("bad"), b"cat \xff.txt |\n  \xfe\xfe x |\n").unwrap();
    let out = run_bytes(dir.path(), &[b"-f", b"bad"]);
    assert_eq!(shell_status(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("missing command after `|`"), "{err}");
    assert!(err.contains("--> bad:2:8"), "{err}");
    let line = r"  \xfe\xfe x |";
    assert_eq!(caret_under(&err, line), Some((line.len() - 1, 1)), "{err}");
}
