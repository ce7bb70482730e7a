//! Process substitution (issue 6): `<(...)` and `>(...)` as in bash, in
//! both forms of path (`--procsub=devfd`, the default, and
//! `--procsub=fifo`), against real programs; substituted pipelines are
//! waited for, counted under pipefail and named in messages, killed with
//! the pipeline, and leave nothing behind.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output};

use crate::refusals::caret_under;
use crate::support::{
    GENERATOR, KillOnDrop, PROMPT, Scratch, bash, eventually, eventually_while_running,
    expected_cksum, kill, processes_running, shell_status, stderr, stdout, wait_with_deadline,
};
use crate::versus::{Side, assert_none_differ, output_problems, report};

/// The options that choose the form of the path, each a separate run.
const MODES: [&[&str]; 3] = [&[], &["--procsub=devfd"], &["--procsub=fifo"]];

/// Fixture files of every case.
const A_TXT: &str = "b\na\nc\n";
const B_TXT: &str = "c\nd\na\n";

fn scratch() -> Scratch {
    let s = Scratch::new();
    s.write("a.txt", A_TXT);
    s.write("b.txt", B_TXT);
    s
}

/// `pipe-run MODE... EXPR PARAMS...` in a fresh fixture.
fn run(s: &Scratch, mode: &[&str], expr: &str, params: &[&str]) -> Output {
    let mut args = mode.to_vec();
    args.push(expr);
    args.extend_from_slice(params);
    s.cmd(&args)
        .timeout(PROMPT)
        .output()
        .expect("pipe-run starts")
}

fn show(mode: &[&str], expr: &str, out: &Output) -> String {
    format!(
        "pipe-run {mode:?} {expr:?}: status {}\n--- stdout:\n{}\n--- stderr:\n{}",
        shell_status(out),
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    )
}

/// What one case expects.
struct Case {
    expr: &'static str,
    stdout: Want,
    status: i32,
    /// Every one of these is in stderr; `None`: stderr is empty.
    stderr: Option<&'static [&'static str]>,
}

enum Want {
    Exactly(&'static str),
    EndsWith(&'static str),
}

const fn case(expr: &'static str, stdout: &'static str) -> Case {
    Case {
        expr,
        stdout: Want::Exactly(stdout),
        status: 0,
        stderr: None,
    }
}

impl Case {
    const fn status(mut self, status: i32, stderr: &'static [&'static str]) -> Case {
        self.status = status;
        self.stderr = Some(stderr);
        self
    }

    const fn ends_with(mut self, tail: &'static str) -> Case {
        self.stdout = Want::EndsWith(tail);
        self
    }
}

/// Run `case` in `mode`; a description of what is wrong, if anything.
fn check(mode: &[&str], case: &Case) -> Result<(), String> {
    let s = scratch();
    let out = run(&s, mode, case.expr, &[]);
    let what = show(mode, case.expr, &out);
    let got = stdout(&out);
    let mut problems = Vec::new();
    match case.stdout {
        Want::Exactly(want) if got != want => problems.push(format!("stdout is not {want:?}")),
        Want::EndsWith(tail) if !got.ends_with(tail) => {
            problems.push(format!("stdout does not end with {tail:?}"))
        }
        _ => {}
    }
    if shell_status(&out) != case.status {
        problems.push(format!("status is not {}", case.status));
    }
    match case.stderr {
        None if !out.stderr.is_empty() => problems.push("stderr is not empty".into()),
        Some(phrases) => {
            for phrase in phrases {
                if !stderr(&out).contains(phrase) {
                    problems.push(format!("stderr lacks {phrase:?}"));
                }
            }
        }
        _ => {}
    }
    if !s.leftovers().is_empty() {
        problems.push(format!("left under $TMPDIR: {:?}", s.leftovers()));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{what}", problems.join("; ")))
    }
}

/// Run every case in every mode; fail with the list of every mismatch.
fn check_all(cases: &[Case]) {
    let mut failures = Vec::new();
    for mode in MODES {
        for case in cases {
            if let Err(e) = check(mode, case) {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} runs wrong:\n\n{}",
        failures.len(),
        cases.len() * MODES.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------
// Real programs.

#[test]
fn programs_that_want_file_names_read_substitutions() {
    check_all(&[
        // diff's own status 1 decides; it is the last stage: no message.
        case("diff <(sort a.txt) <(sort b.txt)", "2d1\n< b\n3a3\n> d\n").status(1, &[]),
        case("paste <(seq 3) <(seq 4 6)", "1\t4\n2\t5\n3\t6\n"),
        case(
            r#"comm <(printf "a\nb\nc\n") <(printf "b\nc\nd\n")"#,
            "a\n\t\tb\n\t\tc\n\td\n",
        ),
        case("cmp <(printf a) <(printf b)", "")
            .ends_with(" differ: byte 1, line 1\n")
            .status(1, &[]),
        case("cmp <(printf a) <(printf a)", ""),
        case(
            r#"sort -m <(printf "1\n3\n") <(printf "2\n4\n") <(printf "0\n5\n")"#,
            "0\n1\n2\n3\n4\n5\n",
        ),
        case("join <(sort a.txt) <(sort b.txt)", "a\nc\n"),
        case(
            "cat a.txt <(echo middle) b.txt",
            "b\na\nc\nmiddle\nc\nd\na\n",
        ),
    ]);
}

#[test]
fn substitutions_nest_and_hold_full_pipelines() {
    check_all(&[
        case("cat <(cat <(echo hi))", "hi\n"),
        case(
            "cat <(cat <(cat <(echo deep)) <(echo side))",
            "deep\nside\n",
        ),
        case(r#"cat <(echo "a|b" | tr "|" -)"#, "a-b\n"),
        case("cat <(tr a-z A-Z < a.txt)", "B\nA\nC\n"),
        case("cat <(sort a.txt | head -n 2)", "a\nb\n"),
        case("cat <(seq 3 |[sock] cat)", "1\n2\n3\n"),
        case("cat <(printf ')(' )", ")("),
        case("diff <(sort a.txt) <(sort < a.txt | cat)", ""),
    ]);
}

#[test]
fn substitutions_in_redirections_and_inside_words() {
    check_all(&[
        case("cat < <(echo hi)", "hi\n"),
        case("echo hi > >(cat)", "hi\n"),
        case("echo hi >> >(tr a-z A-Z)", "HI\n"),
        case(
            r#"sh -c 'cat "${1#--x=}"' sh --x=<(echo inside)"#,
            "inside\n",
        ),
        case(
            r#"sh -c 'cat "${1#*word=}"; cat "$2"' sh "a word="<(echo x) <(echo y)"#,
            "x\ny\n",
        ),
        case("seq 1000 | tee >(wc -l > count) | tail -n 1", "1000\n"),
    ]);
}

#[test]
fn a_substitution_that_is_never_opened_or_never_fed_does_not_hang() {
    check_all(&[
        // The reader never opens, or reads one byte: the writer gets
        // SIGPIPE in an edge of the pipeline, which is success.
        case("true <(yes 8201)", ""),
        case("head -c1 <(yes 8202)", "8"),
        case("echo <(true) > /dev/null", ""),
        // The outer never writes: the inner reads end of file.
        case("true >(cat)", ""),
        case("true >(wc -c)", "0\n"),
    ]);
    for marker in ["8201", "8202"] {
        assert_eq!(processes_running(&["yes", marker]), Vec::<u32>::new());
    }
}

#[test]
fn a_writer_into_a_substitution_killed_by_sigpipe_succeeds() {
    // `yes` is the main pipeline's last stage, but it writes into the
    // `>(...)` edge, not to pipe-run's stdout.
    check_all(&[case("yes 8203 > >(head -c1)", "8")]);
    assert_eq!(processes_running(&["yes", "8203"]), Vec::<u32>::new());
}

// ---------------------------------------------------------------------
// Statuses and messages.

#[test]
fn a_failing_substitution_fails_the_pipeline_and_is_named() {
    check_all(&[
        case("cat <(false)", "").status(
            1,
            &["pipe-run: stage 2 (false, in <(...) of stage 1) exited with status 1\n"],
        ),
        case(r#"cat <(echo a) <(sh -c "exit 3") <(echo b)"#, "a\nb\n").status(
            3,
            &["pipe-run: stage 3 (sh -c 'exit 3', in <(...) of stage 1) exited with status 3\n"],
        ),
        // Stages are numbered in text order, nested ones too.
        case("cat <(cat <(false))", "").status(
            1,
            &["pipe-run: stage 3 (false, in <(...) of stage 2) exited with status 1\n"],
        ),
        case("echo a | cat - <(false) | cat", "a\n").status(
            1,
            &["pipe-run: stage 3 (false, in <(...) of stage 2) exited with status 1\n"],
        ),
        case("echo x > >(false)", "").status(
            1,
            &["pipe-run: stage 2 (false, in >(...) of stage 1) exited with status 1\n"],
        ),
        case("cat <(cat no-such-file)", "").status(
            1,
            &[
                "no-such-file",
                "pipe-run: stage 2 (cat no-such-file, in <(...) of stage 1) exited with status 1\n",
            ],
        ),
    ]);
}

#[test]
fn without_pipefail_a_failing_substitution_does_not_count() {
    for mode in MODES {
        let s = scratch();
        let mut args = mode.to_vec();
        args.extend(["--no-pipefail", "cat <(false) <(echo a)"]);
        let out = s.cmd(&args).timeout(PROMPT).output().unwrap();
        let what = show(mode, "--no-pipefail cat <(false) <(echo a)", &out);
        assert_eq!(shell_status(&out), 0, "{what}");
        assert_eq!(stdout(&out), "a\n", "{what}");
        assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
    }
}

#[test]
fn a_substitution_whose_program_cannot_start_does_not_hang() {
    // One argument longer than the kernel takes (MAX_ARG_STRLEN is
    // 128 KiB): exec fails in the child at run time, before the inner
    // stage could open its end.
    let half = "x".repeat(70_000);
    for mode in MODES {
        let s = scratch();
        let expr = r#"cat <(/bin/echo "$1$1") a.txt"#;
        let out = run(&s, mode, expr, &[&half]);
        let what = show(mode, expr, &out);
        assert_eq!(shell_status(&out), 126, "{what}");
        assert_eq!(stdout(&out), A_TXT, "{what}");
        assert!(stderr(&out).contains("stage 2 (/bin/echo"), "{what}");
        assert!(stderr(&out).contains("Argument list too long"), "{what}");
        assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
    }
}

#[test]
fn the_last_stage_writing_to_pipe_runs_stdout_keeps_141() {
    // pipe-run's stdout is closed by its reader after one byte: `cat`
    // dies of SIGPIPE writing to pipe-run's own stdout (141), while `yes`
    // dies of it writing into the substitution (success).
    for mode in MODES {
        let s = scratch();
        let mut args = mode.to_vec();
        args.push("cat <(yes 8204)");
        let mut child = s.start(&args);
        let mut out = child.stdout.take().unwrap();
        let mut byte = [0u8; 1];
        std::io::Read::read_exact(&mut out, &mut byte).unwrap();
        drop(out);
        let status = wait_with_deadline(&mut child);
        let mut err = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
        assert_eq!(status.code(), Some(141), "{mode:?}: {status:?} {err}");
        assert_eq!(err, "", "{mode:?}");
        assert_eq!(processes_running(&["yes", "8204"]), Vec::<u32>::new());
        assert_eq!(s.leftovers(), Vec::<String>::new(), "{mode:?}");
    }
}

// ---------------------------------------------------------------------
// Belonging to the pipeline: waited for, killed with it.

#[test]
fn pipe_run_waits_for_an_output_substitution() {
    // The inner pipeline finishes a second after the outer command: its
    // file is complete when pipe-run returns, and it was not taken for a
    // leftover to be ended.
    for mode in MODES {
        let s = scratch();
        let expr = r#"echo x > >(sh -c 'sleep 1; cat > out')"#;
        let out = run(&s, mode, expr, &[]);
        let what = show(mode, expr, &out);
        assert_eq!(shell_status(&out), 0, "{what}");
        assert_eq!(stderr(&out), "", "{what}");
        assert_eq!(s.read("out").as_deref(), Some("x\n"), "{what}");
        assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
    }
}

#[test]
fn pipe_run_waits_for_an_input_substitution_that_closed_its_end() {
    // The reader sees end of file at once and exits; the inner stage goes
    // on for a second.
    for mode in MODES {
        let s = scratch();
        let expr = r#"cat <(sh -c 'exec >&-; sleep 1; echo done > out')"#;
        let out = run(&s, mode, expr, &[]);
        let what = show(mode, expr, &out);
        assert_eq!(shell_status(&out), 0, "{what}");
        assert_eq!(stderr(&out), "", "{what}");
        assert_eq!(s.read("out").as_deref(), Some("done\n"), "{what}");
    }
}

#[test]
fn a_late_failure_of_a_substitution_still_counts() {
    for mode in MODES {
        let s = scratch();
        let expr = r#"true >(sh -c 'sleep 1; exit 5')"#;
        let out = run(&s, mode, expr, &[]);
        let what = show(mode, expr, &out);
        assert_eq!(shell_status(&out), 5, "{what}");
        assert!(stderr(&out).contains("stage 2 ("), "{what}");
    }
}

/// Start `pipe-run MODE... EXPR`, wait until a process runs
/// `sleep MARKER` (with FIFOs, another may still be opening its end), send
/// `sig` to pipe-run, and check that it dies of it, ends them all and
/// leaves nothing under `$TMPDIR`.
fn signal_ends_substitutions(mode: &[&str], expr: &str, marker: &'static str, sig: i32) {
    let _cleanup = KillOnDrop(marker);
    let s = scratch();
    let mut args = mode.to_vec();
    args.push(expr);
    let mut child = s.start(&args);
    eventually_while_running(&mut child, "the stages started", || {
        !processes_running(&["sleep", marker]).is_empty()
    });
    kill(child.id(), sig);
    let status = wait_with_deadline(&mut child);
    assert_eq!(status.signal(), Some(sig), "{mode:?} {expr}: {status:?}");
    assert_eq!(processes_running(&["sleep", marker]), Vec::<u32>::new());
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{mode:?} {expr}");
}

#[test]
fn sigterm_ends_input_substitutions_with_the_pipeline() {
    for (mode, marker) in MODES.iter().zip(["8211.25", "8212.25", "8213.25"]) {
        signal_ends_substitutions(
            mode,
            &format!("cat <(sleep {marker}) <(sleep {marker})"),
            marker,
            libc::SIGTERM,
        );
    }
}

#[test]
fn sigint_ends_output_substitutions_with_the_pipeline() {
    for (mode, marker) in MODES.iter().zip(["8214.25", "8215.25", "8216.25"]) {
        signal_ends_substitutions(
            mode,
            &format!("sleep {marker} > >(sleep {marker})"),
            marker,
            libc::SIGINT,
        );
    }
}

#[test]
fn sigkill_of_pipe_run_takes_the_substitutions_with_it() {
    for (mode, marker) in MODES.iter().zip(["8217.25", "8218.25", "8219.25"]) {
        let _cleanup = KillOnDrop(marker);
        let s = scratch();
        let mut args = mode.to_vec();
        let expr = format!("cat <(sleep {marker}) | sleep {marker}");
        args.push(&expr);
        let mut child = s.start(&args);
        eventually_while_running(&mut child, "the stages started", || {
            processes_running(&["sleep", marker]).len() == 2
        });
        kill(child.id(), libc::SIGKILL);
        wait_with_deadline(&mut child);
        eventually("the stages died with pipe-run", || {
            processes_running(&["sleep", marker]).is_empty()
        });
    }
}

// ---------------------------------------------------------------------
// The path a substitution becomes.

#[test]
fn the_word_becomes_dev_fd_n_by_default_and_with_devfd() {
    for mode in [&[][..], &["--procsub=devfd"][..]] {
        let s = scratch();
        let out = run(&s, mode, "echo <(true) >(true)", &[]);
        let what = show(mode, "echo <(true) >(true)", &out);
        assert_eq!(shell_status(&out), 0, "{what}");
        let words: Vec<String> = stdout(&out).split_whitespace().map(String::from).collect();
        // As bash numbers them: down from 63.
        assert_eq!(words, ["/dev/fd/63", "/dev/fd/62"], "{what}");
    }
}

#[test]
fn the_word_becomes_a_fifo_in_a_private_directory_with_procsub_fifo() {
    let s = scratch();
    let expr = r#"sh -c 'echo "$1"; stat -c "%a %F" "$1" "${1%/*}"' sh <(true)"#;
    let out = run(&s, &["--procsub=fifo"], expr, &[]);
    let what = show(&["--procsub=fifo"], expr, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{what}");
    let tmp = format!("{}/", s.tmpdir().display());
    let rest = lines[0]
        .strip_prefix(&tmp)
        .unwrap_or_else(|| panic!("{what}"));
    assert_eq!(
        rest.matches('/').count(),
        1,
        "a directory of its own: {what}"
    );
    assert_eq!(lines[1], "600 fifo", "{what}");
    assert_eq!(lines[2], "700 directory", "{what}");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
}

#[test]
fn every_substitution_gets_a_path_of_its_own() {
    for mode in MODES {
        let s = scratch();
        let expr = "echo <(true) <(true) >(true) --a=<(true)";
        let out = run(&s, mode, expr, &[]);
        let what = show(mode, expr, &out);
        let text = stdout(&out);
        let mut words: Vec<&str> = text
            .split_whitespace()
            .map(|w| w.strip_prefix("--a=").unwrap_or(w))
            .collect();
        assert_eq!(words.len(), 4, "{what}");
        words.sort();
        words.dedup();
        assert_eq!(words.len(), 4, "{what}");
    }
}

// ---------------------------------------------------------------------
// Refused before anything runs.

/// `expr` starts with `touch MARKER`; it must be refused with `status`,
/// with a caret under `under` (its first occurrence), nothing run and
/// nothing left under `$TMPDIR`.
fn check_refused(mode: &[&str], expr: &str, under: &str, status: i32) -> Result<(), String> {
    let s = scratch();
    let out = run(&s, mode, expr, &[]);
    let err = stderr(&out);
    let fail = |why: String| Err(format!("{mode:?} {expr:?}: {why}\n--- stderr:\n{err}"));
    if shell_status(&out) != status {
        return fail(format!(
            "exit status {}, expected {status}",
            shell_status(&out)
        ));
    }
    if s.path("MARKER").exists() {
        return fail("the `touch MARKER` stage ran".into());
    }
    if !s.leftovers().is_empty() {
        return fail(format!("left under $TMPDIR: {:?}", s.leftovers()));
    }
    let at = expr.find(under).expect("`under` is in the expression");
    let start = expr[..at].chars().count();
    let end = start + under.chars().count();
    match caret_under(&err, expr) {
        Some((col, width)) if col >= start && width >= 1 && col + width <= end => Ok(()),
        other => fail(format!(
            "caret (column, width) is {other:?}, expected under columns {start}..{end} ({under:?})"
        )),
    }
}

#[test]
fn errors_inside_a_substitution_point_into_it() {
    let cases = [
        ("touch MARKER | cat <(echo a; echo b)", ";", 2),
        ("touch MARKER | cat <(echo a && echo b)", "&&", 2),
        ("touch MARKER | cat <(echo $(date))", "$(date)", 2),
        (
            "touch MARKER | cat <(cat <(no-such-program-8221))",
            "no-such-program-8221",
            127,
        ),
        (
            "touch MARKER | cat >(no-such-program-8222 x)",
            "no-such-program-8222",
            127,
        ),
        ("touch MARKER | cat <(cat |[bogus] cat)", "bogus", 2),
        (
            "touch MARKER | cat <(sort < no-such-file)",
            "< no-such-file",
            2,
        ),
        ("touch MARKER | cat <()", "<()", 2),
        ("touch MARKER | <(echo a) x", "<(echo a)", 2),
        ("touch MARKER | x=<(echo a) true", "<(echo a)", 2),
    ];
    let mut failures = Vec::new();
    for mode in MODES {
        for (expr, under, status) in cases {
            if let Err(e) = check_refused(mode, expr, under, status) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_unclosed_substitution_is_refused() {
    let mut failures = Vec::new();
    for mode in MODES {
        for (expr, under) in [
            ("touch MARKER | cat <(echo a", "<(echo a"),
            ("touch MARKER | cat <(cat <(echo a)", "<(cat <(echo a)"),
            ("touch MARKER | tee >(cat", ">(cat"),
        ] {
            if let Err(e) = check_refused(mode, expr, under, 2) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn quoted_or_escaped_it_is_text() {
    check_all(&[
        case(r#"echo '<(true)' "<(x)" \<\(y\)"#, "<(true) <(x) <(y)\n"),
        case(r#"echo a'>(b)'"#, "a>(b)\n"),
    ]);
}

#[test]
fn explain_shows_the_substituted_pipelines() {
    let s = scratch();
    let out = run(
        &s,
        &["--explain"],
        "touch MARKER | diff <(sort a.txt) >(wc -l)",
        &[],
    );
    let what = show(&["--explain"], "", &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    let plan = stdout(&out);
    for word in ["diff", "sort", "wc"] {
        assert!(plan.contains(word), "{word} missing: {what}");
    }
    assert!(!s.path("MARKER").exists(), "--explain ran a stage");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
}

// ---------------------------------------------------------------------
// 200 MB through substitutions.

fn assert_intact(mode: &[&str], expr: &str, expect: &str) {
    let s = scratch();
    let out = run(&s, mode, expr, &[]);
    let what = show(mode, expr, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert_eq!(stdout(&out), expect, "{what}");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
}

#[test]
fn integrity_input_substitution_devfd() {
    assert_intact(
        &[],
        &format!("cat <({GENERATOR}) | cksum"),
        expected_cksum(),
    );
}

#[test]
fn integrity_input_substitution_fifo() {
    assert_intact(
        &["--procsub=fifo"],
        &format!("cksum < <({GENERATOR})"),
        expected_cksum(),
    );
}

#[test]
fn integrity_output_substitution_devfd() {
    assert_intact(&[], &format!("{GENERATOR} > >(cksum)"), expected_cksum());
}

#[test]
fn integrity_output_substitution_fifo() {
    assert_intact(
        &["--procsub=fifo"],
        &format!("{GENERATOR} > >(cksum)"),
        expected_cksum(),
    );
}

#[test]
fn integrity_tee_into_a_substitution() {
    // Both copies, each checksummed.
    for mode in [&["--procsub=devfd"][..], &["--procsub=fifo"][..]] {
        let s = scratch();
        let expr = format!("{GENERATOR} | tee >(cksum > sum) | cksum");
        let out = run(&s, mode, &expr, &[]);
        let what = show(mode, &expr, &out);
        assert_eq!(shell_status(&out), 0, "{what}");
        assert_eq!(stdout(&out), expected_cksum(), "{what}");
        assert_eq!(s.read("sum").as_deref(), Some(expected_cksum()), "{what}");
    }
}

#[test]
fn gzip_through_tee_and_a_substitution() {
    for mode in MODES {
        let s = scratch();
        let expr = "seq 100000 | tee >(gzip > out.gz) | wc -l";
        let out = run(&s, mode, expr, &[]);
        let what = show(mode, expr, &out);
        assert_eq!(shell_status(&out), 0, "{what}");
        assert_eq!(stdout(&out), "100000\n", "{what}");
        let unzipped = Command::new("gzip")
            .args(["-dc", "out.gz"])
            .current_dir(s.work.path())
            .output()
            .unwrap();
        let seq = Command::new("seq").arg("100000").output().unwrap();
        assert!(
            unzipped.stdout == seq.stdout,
            "out.gz is not seq 100000: {what}"
        );
    }
}

// ---------------------------------------------------------------------
// The same as bash.

/// bash and pipe-run, each in a fresh fixture, give the same stdout and
/// leave the same files (statuses differ on purpose: bash ignores those
/// of substitutions). bash does not wait for its substitutions, but they
/// hold its stdout open, so capturing it waits for them.
fn same_as_bash(mode: &[&str], expr: &str) -> Option<String> {
    let env = [("PATH", "/usr/bin:/bin"), ("LC_ALL", "C.UTF-8")];
    let side = |run: &dyn Fn(&std::path::Path) -> Output| {
        let s = scratch();
        let root = s.work.path().canonicalize().unwrap();
        let out = run(&root);
        Side::of(&out, &root)
    };
    let b = side(&|root| {
        bash(
            &format!("enable -n printf echo test; {expr}"),
            &[],
            root,
            &env,
        )
    });
    let p = side(&|root| {
        Command::new(crate::support::bin())
            .args(mode)
            .arg(expr)
            .env_clear()
            .envs(env)
            .current_dir(root)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    });
    let problems = output_problems("bash", &b, &p);
    (!problems.is_empty()).then(|| report(&format!("{mode:?} {expr}"), &problems, "bash", &b, &p))
}

#[test]
fn process_substitution_matches_bash() {
    let cases = [
        "diff <(sort a.txt) <(sort b.txt)",
        "paste <(sort a.txt) <(sort b.txt) <(seq 3)",
        "comm -12 <(sort a.txt) <(sort b.txt)",
        "sort -m <(sort a.txt) <(sort b.txt)",
        "cat <(cat <(echo hi) <(echo there))",
        "cat < <(tr a-z A-Z < b.txt)",
        r#"sh -c 'cat "${1#--x=}"' sh --x=<(echo hi)"#,
        "cat <(printf 'no newline')",
        // The inner pipeline's stdout is the stage's stdout: here the pipe
        // into `sort`, as bash does it.
        "printf 'a\\n' | tee >(tr a b) | sort",
        "seq 3 | tee >(cat) | wc -l",
        // ... even when the stage's own redirection sends its stdout
        // elsewhere: substitutions are made before redirections.
        "printf 'a\\n' | tee >(tr a b) > f | sort",
        "tee >(cat > f) < a.txt > g",
    ];
    let mut failures = Vec::new();
    for mode in MODES {
        for expr in cases {
            failures.extend(same_as_bash(mode, expr));
        }
    }
    assert_none_differ(
        "process substitution",
        "bash",
        &failures,
        cases.len() * MODES.len(),
    );
}

#[test]
fn an_inner_pipeline_reads_the_stdin_of_its_stage_as_in_bash() {
    // bash: `echo hi | cat <(cat)` prints `hi`: the inner `cat` reads the
    // pipe that is the outer stage's stdin.
    for mode in MODES {
        if let Some(problem) = same_as_bash(mode, "echo hi | cat <(cat)") {
            panic!("{problem}");
        }
    }
}

// ---------------------------------------------------------------------
// Found in review: hangs and statuses.

#[test]
fn a_writer_is_not_kept_alive_by_a_substitution_waiting_on_its_fifo() {
    // The `cat` of `>(...)` opens its FIFO before exec, and must not hold a
    // copy of the yes→head pipe while it waits, or yes never gets SIGPIPE.
    let s = scratch();
    let out = run(
        &s,
        &["--procsub=fifo"],
        "yes >(cat >/dev/null) | head -1",
        &[],
    );
    assert_eq!(shell_status(&out), 0);
}

#[test]
fn a_fifo_shared_by_a_nested_substitution_never_hangs() {
    // `cat` shares yes's stdout (the first FIFO) and opens it too, after
    // blocking on its own FIFO, which yes never opens.
    for _ in 0..5 {
        let s = scratch();
        let out = run(&s, &["--procsub=fifo"], "true <(yes >(cat))", &[]);
        assert_eq!(shell_status(&out), 0, "{}", stderr(&out));
    }
}

#[test]
fn the_last_stage_writing_to_stdout_keeps_141_even_with_a_substitution() {
    // tee writes to pipe-run's stdout and into `>(...)`: its SIGPIPE may
    // come from the stdout, so it counts, as with bash's pipefail.
    let s = scratch();
    let out = s
        .cmd(&["seq 1000000 | tee >(cat >/dev/null)"])
        .output()
        .unwrap();
    // stdout is a pipe read to the end here: nothing breaks, status 0.
    assert_eq!(shell_status(&out), 0);
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("\"$0\" 'seq 1000000 | tee >(cat >/dev/null)' | head -1; echo \"${PIPESTATUS:-}\"")
        .arg(crate::support::bin())
        .env("TMPDIR", s.tmpdir())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().next(),
        Some("1")
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg("\"$0\" 'seq 1000000 | tee >(cat >/dev/null)' | head -1 >/dev/null; echo ${PIPESTATUS[0]}")
        .arg(crate::support::bin())
        .env("TMPDIR", s.tmpdir())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "141\n");
}
