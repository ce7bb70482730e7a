//! The command line as a user meets it: arguments and `$1`, `-f` scripts,
//! `--explain`, the options, `--help`/`--version`, exit statuses and the
//! "nothing ran" guarantee when a program is missing or not executable.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::refusals::caret_under;
use crate::support::{DEADLINE, bin, run_args as run, shell_status, stderr, stdout};

fn tmp() -> TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Where `sh` would find `name` in the current PATH.
fn which(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").expect("PATH is set");
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .unwrap_or_else(|| panic!("{name} is installed"))
}

fn write_executable(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

// ---------------------------------------------------------------------------
// Positional parameters

#[test]
fn arguments_become_dollar_one_and_dollar_two_verbatim() {
    let dir = tmp();
    fs::write(
        dir.path().join("file.txt"),
        "-v\na b\nit's \"quoted\"\n*.txt\nplain\n",
    )
    .unwrap();
    // Would match if "$1" were glob-expanded to this name.
    fs::write(dir.path().join("x.txt"), "").unwrap();
    for pattern in ["-v", "a b", "it's \"quoted\"", "*.txt"] {
        let out = run(
            dir.path(),
            &["grep -- \"$1\" \"$2\" | wc -l", pattern, "file.txt"],
        );
        assert_eq!(
            (shell_status(&out), stdout(&out).trim()),
            (0, "1"),
            "pattern {pattern:?}; stderr: {}",
            stderr(&out)
        );
    }
}

#[test]
fn arguments_that_look_like_options_are_parameters() {
    let dir = tmp();
    let out = run(
        dir.path(),
        &[
            "printf '[%s]\\n' \"$@\"",
            "-q",
            "--explain",
            "--",
            "-u",
            "",
            "two words",
        ],
    );
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "[-q]\n[--explain]\n[--]\n[-u]\n[]\n[two words]\n"
    );
}

#[test]
fn unquoted_parameters_are_split_and_globbed_like_sh() {
    let dir = tmp();
    fs::write(dir.path().join("b.txt"), "").unwrap();
    fs::write(dir.path().join("a.txt"), "").unwrap();
    let out = run(dir.path(), &["printf '[%s]\\n' $1", "x  *.txt"]);
    assert_eq!(stdout(&out), "[x]\n[a.txt]\n[b.txt]\n", "{}", stderr(&out));
    let out = run(dir.path(), &["printf '[%s]\\n' \"$1\"", "x  *.txt"]);
    assert_eq!(stdout(&out), "[x  *.txt]\n", "{}", stderr(&out));
}

#[test]
fn parameter_count_is_dollar_hash() {
    let dir = tmp();
    let out = run(dir.path(), &["echo \"$#\"", "a", "b c", "d"]);
    assert_eq!(stdout(&out), "3\n");
}

// ---------------------------------------------------------------------------
// -f FILE

const SCRIPT: &str = "#!/usr/bin/env -S pipe-run -f
# Count the lines of $2 that contain $1.
grep -- \"$1\" \"$2\" |   # a comment after the pipe
  # a comment line inside the pipeline

  tr a-z A-Z \\
    | sed 's/^/> /'
";

#[test]
fn dash_f_reads_a_multi_line_script_with_comments() {
    let dir = tmp();
    fs::write(dir.path().join("script.pipe"), SCRIPT).unwrap();
    fs::write(dir.path().join("in.txt"), "keep one\ndrop\nkeep two\n").unwrap();
    let out = run(dir.path(), &["-f", "script.pipe", "keep", "in.txt"]);
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "> KEEP ONE\n> KEEP TWO\n");
}

#[test]
fn dash_f_takes_every_following_argument_as_a_parameter() {
    let dir = tmp();
    fs::write(dir.path().join("args.pipe"), "printf '[%s]\\n' \"$@\"\n").unwrap();
    let out = run(dir.path(), &["-f", "args.pipe", "-q", "--explain", "a b"]);
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "[-q]\n[--explain]\n[a b]\n");
}

#[test]
fn dash_f_errors_name_the_file_line_and_column() {
    let dir = tmp();
    fs::write(
        dir.path().join("bad.pipe"),
        "# comment\nseq 3 |\n  grpe 2\n",
    )
    .unwrap();
    let out = run(dir.path(), &["-f", "bad.pipe"]);
    assert_eq!(shell_status(&out), 127, "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("pipe-run: grpe: command not found\n"),
        "{err}"
    );
    assert!(err.contains("bad.pipe:3:3"), "{err}");
    assert_eq!(caret_under(&err, "  grpe 2"), Some((2, 4)), "{err}");
}

#[test]
fn a_missing_script_file_is_a_usage_error() {
    let dir = tmp();
    let out = run(dir.path(), &["-f", "no-such.pipe"]);
    assert_eq!(shell_status(&out), 2);
    assert!(stderr(&out).contains("no-such.pipe"), "{}", stderr(&out));
}

fn env_supports_dash_s() -> bool {
    std::process::Command::new("/usr/bin/env")
        .args(["-S", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn an_executable_script_with_the_env_shebang_runs_directly() {
    if !env_supports_dash_s() {
        eprintln!("skipped: /usr/bin/env has no -S");
        return;
    }
    let dir = tmp();
    let script = dir.path().join("count-matches");
    write_executable(&script, SCRIPT);
    fs::write(dir.path().join("in.txt"), "a-b\nc\na-b again\n").unwrap();
    let bin_dir = Path::new(bin()).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin_dir.to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let out = assert_cmd::Command::new(&script)
        .args(["a-b", "in.txt"])
        .env("PATH", path)
        .current_dir(dir.path())
        .write_stdin("")
        .timeout(DEADLINE)
        .output()
        .unwrap();
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "> A-B\n> A-B AGAIN\n");
}

// ---------------------------------------------------------------------------
// --explain

/// The line of `text` whose part after its first `: ` is `argv` quoted.
fn has_quoted_argv_line(text: &str, argv: &[&str]) -> bool {
    text.lines().any(|line| {
        line.split_once(": ")
            .and_then(|(_, rest)| shlex::split(rest))
            .is_some_and(|words| words == argv)
    })
}

#[test]
fn explain_shows_programs_argv_connections_and_redirections() {
    let dir = tmp();
    fs::write(dir.path().join("in.txt"), "x\n").unwrap();
    let out = run(
        dir.path(),
        &[
            "--explain",
            "grep -- \"$1\" < in.txt 2>&1 | sort -r | wc -l > out.txt",
            "-a b*'\"",
        ],
    );
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    let text = stdout(&out);
    for program in ["grep", "sort", "wc"] {
        let path = which(program);
        assert!(
            text.contains(path.to_str().unwrap()),
            "no {}: {text}",
            path.display()
        );
    }
    assert!(
        has_quoted_argv_line(&text, &["grep", "--", "-a b*'\""]),
        "argv of grep not shown quoted: {text}"
    );
    assert!(has_quoted_argv_line(&text, &["sort", "-r"]), "{text}");
    assert!(has_quoted_argv_line(&text, &["wc", "-l"]), "{text}");
    assert!(text.contains("pipe"), "no connection shown: {text}");
    assert!(
        text.contains("stage 2") && text.contains("stage 3"),
        "{text}"
    );
    assert!(text.contains("in.txt"), "no input redirection: {text}");
    assert!(text.contains("2>&1"), "no duplication: {text}");
    assert!(text.contains("out.txt"), "no output redirection: {text}");
}

#[test]
fn explain_runs_nothing_and_creates_no_file() {
    let dir = tmp();
    fs::write(dir.path().join("existing"), "keep me\n").unwrap();
    let out = run(
        dir.path(),
        &[
            "--explain",
            "touch marker | cat > out | tee existing >> appended",
        ],
    );
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert!(stdout(&out).contains("touch"));
    assert!(!dir.path().join("marker").exists(), "touch ran");
    assert!(!dir.path().join("out").exists(), "out was created");
    assert!(
        !dir.path().join("appended").exists(),
        "appended was created"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("existing")).unwrap(),
        "keep me\n"
    );
}

#[test]
fn explain_still_validates_the_plan() {
    let dir = tmp();
    let out = run(dir.path(), &["--explain", "seq 3 | grpe 2"]);
    assert_eq!(shell_status(&out), 127);
    assert!(stderr(&out).starts_with("pipe-run: grpe: command not found"));
}

// ---------------------------------------------------------------------------
// Options

#[test]
fn no_pipefail_takes_the_last_stage_status_only() {
    let dir = tmp();
    let expr = "sh -c 'exit 3' | true";
    assert_eq!(shell_status(&run(dir.path(), &[expr])), 3);
    assert_eq!(shell_status(&run(dir.path(), &["--no-pipefail", expr])), 0);
    let expr = "true | sh -c 'exit 4'";
    assert_eq!(shell_status(&run(dir.path(), &["--no-pipefail", expr])), 4);
}

#[test]
fn nounset_refuses_an_unset_variable_and_runs_nothing() {
    let dir = tmp();
    for flag in ["-u", "--nounset"] {
        let out = run(
            dir.path(),
            &[flag, "touch marker | echo \"$PIPE_RUN_TEST_UNSET\""],
        );
        assert_eq!(shell_status(&out), 2, "{flag}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("PIPE_RUN_TEST_UNSET"),
            "{}",
            stderr(&out)
        );
        assert!(!dir.path().join("marker").exists(), "{flag}: a stage ran");
        assert_eq!(stdout(&out), "");
    }
}

#[test]
fn nounset_refuses_a_missing_positional_parameter() {
    let dir = tmp();
    let out = run(dir.path(), &["-u", "touch marker | echo \"$2\"", "one"]);
    assert_eq!(shell_status(&out), 2, "{}", stderr(&out));
    assert!(!dir.path().join("marker").exists());
}

#[test]
fn without_nounset_an_unset_variable_is_empty() {
    let dir = tmp();
    let out = run(dir.path(), &["echo \"[$PIPE_RUN_TEST_UNSET]\""]);
    assert_eq!(shell_status(&out), 0);
    assert_eq!(stdout(&out), "[]\n");
}

#[test]
fn nounset_still_allows_a_default_value() {
    let dir = tmp();
    let out = run(
        dir.path(),
        &["-u", "echo \"${PIPE_RUN_TEST_UNSET-fallback}\""],
    );
    assert_eq!(shell_status(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "fallback\n");
}

#[test]
fn quiet_suppresses_the_failed_stage_line_but_not_the_status() {
    let dir = tmp();
    let expr = "sh -c 'exit 6' | cat";
    let loud = run(dir.path(), &[expr]);
    assert_eq!(shell_status(&loud), 6);
    assert_eq!(
        stderr(&loud),
        "pipe-run: stage 1 (sh -c 'exit 6') exited with status 6\n"
    );
    for flag in ["-q", "--quiet"] {
        let quiet = run(dir.path(), &[flag, expr]);
        assert_eq!(shell_status(&quiet), 6);
        assert_eq!(stderr(&quiet), "", "{flag}");
    }
}

#[test]
fn help_shows_examples_and_exit_statuses() {
    let dir = tmp();
    let out = run(dir.path(), &["--help"]);
    assert_eq!(shell_status(&out), 0);
    let text = stdout(&out);
    assert!(text.contains("Usage"), "{text}");
    assert!(text.to_lowercase().contains("example"), "{text}");
    assert!(text.contains("pipe-run '"), "no example command: {text}");
    assert!(text.to_lowercase().contains("exit status"), "{text}");
    for status in ["2", "125", "126", "127", "128"] {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().next() == Some(status)
                    || l.trim_start().starts_with(&format!("{status}+"))),
            "exit status {status} not documented: {text}"
        );
    }
    for option in ["-f", "--explain", "--no-pipefail", "--nounset", "--quiet"] {
        assert!(text.contains(option), "{option} not documented: {text}");
    }
}

#[test]
fn version_prints_the_version() {
    let dir = tmp();
    let out = run(dir.path(), &["--version"]);
    assert_eq!(shell_status(&out), 0);
    assert_eq!(
        stdout(&out).trim(),
        format!("pipe-run {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn no_expression_is_a_usage_error() {
    let dir = tmp();
    let out = run(dir.path(), &[]);
    assert_eq!(shell_status(&out), 2);
    assert!(stderr(&out).starts_with("pipe-run: "), "{}", stderr(&out));
}

#[test]
fn an_unknown_option_is_a_usage_error() {
    // A typo in an option must not be run as a command named `--explian`.
    let dir = tmp();
    let out = run(dir.path(), &["--explian", "touch marker"]);
    assert_eq!(shell_status(&out), 2, "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("--explian"), "{}", stderr(&out));
    assert!(!dir.path().join("marker").exists());
}

// ---------------------------------------------------------------------------
// Exit statuses

#[test]
fn success_is_zero_and_output_flows_through_the_pipeline() {
    let dir = tmp();
    let out = run(dir.path(), &["seq 1 100 | grep 7 | wc -l"]);
    assert_eq!(shell_status(&out), 0);
    assert_eq!(stdout(&out).trim(), "19");
    assert_eq!(stderr(&out), "");
}

#[test]
fn pipefail_reports_the_rightmost_failed_stage() {
    let dir = tmp();
    let out = run(dir.path(), &["sh -c 'exit 3' | sh -c 'cat; exit 4' | cat"]);
    assert_eq!(shell_status(&out), 4);
    assert_eq!(
        stderr(&out),
        "pipe-run: stage 2 (sh -c 'cat; exit 4') exited with status 4\n"
    );
}

#[test]
fn a_failing_last_stage_decides_the_status() {
    let dir = tmp();
    let out = run(dir.path(), &["sh -c 'exit 3' | sh -c 'exit 5'"]);
    assert_eq!(shell_status(&out), 5);
}

#[test]
fn an_earlier_stage_killed_by_sigpipe_counts_as_success() {
    let dir = tmp();
    let out = run(dir.path(), &["yes | head -1"]);
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "y\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_last_stage_killed_by_sigpipe_keeps_141() {
    let dir = tmp();
    let out = run(dir.path(), &["true | sh -c 'kill -PIPE $$'"]);
    assert_eq!(shell_status(&out), 141);
}

#[test]
fn a_stage_killed_by_a_signal_counts_as_128_plus_the_signal() {
    let dir = tmp();
    let out = run(dir.path(), &["sh -c 'kill -KILL $$'"]);
    assert_eq!(shell_status(&out), 137);

    let out = run(dir.path(), &["sh -c 'kill -TERM $$' | cat"]);
    assert_eq!(shell_status(&out), 143);
    let err = stderr(&out);
    assert!(
        err.starts_with("pipe-run: stage 1 (sh -c 'kill -TERM $$')"),
        "{err}"
    );
    assert!(err.contains("signal 15"), "{err}");
}

// ---------------------------------------------------------------------------
// Missing and non-executable programs: nothing runs, no file is touched

/// A directory with `marker` absent, `existing` holding text.
fn scene() -> TempDir {
    let dir = tmp();
    fs::write(dir.path().join("existing"), "precious\n").unwrap();
    dir
}

fn assert_untouched(dir: &Path) {
    assert!(!dir.join("marker").exists(), "an earlier stage ran");
    assert!(!dir.join("newfile").exists(), "newfile was created");
    assert_eq!(
        fs::read_to_string(dir.join("existing")).unwrap(),
        "precious\n",
        "existing was truncated or written"
    );
}

#[test]
fn a_missing_program_exits_127_with_a_caret_and_runs_nothing() {
    let dir = scene();
    let expr = "touch marker | grpe foo > existing | cat > newfile";
    let out = run(dir.path(), &[expr]);
    assert_eq!(shell_status(&out), 127);
    let err = stderr(&out);
    assert!(
        err.starts_with("pipe-run: grpe: command not found\n"),
        "{err}"
    );
    assert_eq!(err.lines().nth(1).map(str::trim), Some(expr), "{err}");
    let col = expr.find("grpe").unwrap();
    assert_eq!(caret_under(&err, expr), Some((col, 4)), "{err}");
    assert_eq!(stdout(&out), "");
    assert_untouched(dir.path());
}

#[test]
fn a_missing_program_in_the_last_stage_also_runs_nothing() {
    let dir = scene();
    let out = run(
        dir.path(),
        &["touch marker > newfile | cat >> existing | no-such-program-x"],
    );
    assert_eq!(shell_status(&out), 127);
    assert!(
        stderr(&out).contains("no-such-program-x"),
        "{}",
        stderr(&out)
    );
    assert_untouched(dir.path());
}

#[test]
fn a_non_executable_file_exits_126_and_runs_nothing() {
    let dir = scene();
    fs::write(dir.path().join("tool"), "#!/bin/sh\necho ran\n").unwrap();
    fs::set_permissions(dir.path().join("tool"), fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(
        dir.path(),
        &["touch marker | ./tool > existing | cat > newfile"],
    );
    assert_eq!(shell_status(&out), 126, "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("tool"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_untouched(dir.path());
}

#[test]
fn a_directory_as_program_exits_126_and_runs_nothing() {
    let dir = scene();
    fs::create_dir(dir.path().join("subdir")).unwrap();
    let out = run(dir.path(), &["touch marker | ./subdir > newfile"]);
    assert_eq!(shell_status(&out), 126, "stderr: {}", stderr(&out));
    assert_untouched(dir.path());
}

#[test]
fn a_missing_input_file_exits_2_and_runs_nothing() {
    let dir = scene();
    let out = run(
        dir.path(),
        &["touch marker | cat < no-such-input > existing | cat > newfile"],
    );
    assert_eq!(shell_status(&out), 2, "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("no-such-input"), "{}", stderr(&out));
    assert_untouched(dir.path());
}

#[test]
fn an_output_file_in_a_missing_directory_exits_2_and_runs_nothing() {
    let dir = scene();
    let out = run(
        dir.path(),
        &["touch marker | cat > existing | cat > no-such-dir/out"],
    );
    assert_eq!(shell_status(&out), 2, "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("no-such-dir/out"), "{}", stderr(&out));
    assert_untouched(dir.path());
}

#[test]
fn a_program_the_kernel_cannot_start_is_reported_with_127() {
    // The script and its interpreter are found and executable, so the plan
    // accepts them; only exec finds the interpreter's own interpreter
    // missing (the plan checks one level). The other stage still runs.
    let dir = tmp();
    write_executable(&dir.path().join("inner"), "#!/nonexistent/interpreter\n");
    write_executable(
        &dir.path().join("script"),
        &format!("#!{}\n", dir.path().join("inner").display()),
    );
    let out = run(dir.path(), &["printf 'x\\n' | ./script"]);
    assert_eq!(shell_status(&out), 127);
    assert_eq!(
        stderr(&out),
        "pipe-run: stage 2 (./script): cannot execute ./script: No such file or directory\n"
    );
}

#[test]
fn a_script_without_a_shebang_is_run_by_sh() {
    let dir = tmp();
    write_executable(&dir.path().join("plain"), "echo \"from sh: $1\"\n");
    let out = run(dir.path(), &["./plain arg | cat"]);
    assert_eq!(shell_status(&out), 0);
    assert_eq!(stdout(&out), "from sh: arg\n");
}

#[test]
fn a_later_stage_may_read_a_file_an_earlier_redirection_creates() {
    // Files are opened in order before any stage starts, so `new` exists
    // by the time `< new` is opened (what it contains then is a race, as
    // under sh; only that nothing is refused is asserted).
    let dir = tmp();
    let out = run(dir.path(), &["printf abc > new | cat < new > /dev/null"]);
    assert_eq!(shell_status(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join("new")).unwrap(), "abc");
    // The other way round the read comes first, and fails: refused, and
    // nothing is created.
    let out = run(dir.path(), &["cat < other | printf abc > other"]);
    assert_eq!(shell_status(&out), 2);
    assert!(stderr(&out).starts_with("pipe-run: cannot open other: No such file or directory\n"));
    assert!(!dir.path().join("other").exists());
}

#[test]
fn library_runs_from_several_threads_take_turns() {
    use pipe_run::plan::{Context, Plan};
    use pipe_run::report::outcome::StageStatus;
    use pipe_run::run::{RunOptions, run};

    let threads: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let tree = pipe_run::syntax::parse("sh -c 'exit $1' sh \"$1\" | cat").unwrap();
                let context = Context::from_process("t".into(), vec![i.to_string().into()], false);
                let plan = Plan::build(&tree, &context).unwrap();
                let outcome = run(&plan, &RunOptions::default()).unwrap();
                (i, outcome.stages[0].status)
            })
        })
        .collect();
    for t in threads {
        let (i, status) = t.join().unwrap();
        assert_eq!(status, StageStatus::Exited(i));
    }
}
