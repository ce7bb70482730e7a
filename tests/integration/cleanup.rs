//! pipe-run's private directory (issue 6): one per run, made under
//! `$TMPDIR` with mode 0700, FIFOs in it with mode 0600, nothing group- or
//! world-writable; removed after success, failure, SIGINT, SIGTERM and
//! SIGHUP, never made when nothing runs; FIFO opens never deadlock.
//! Each test gives pipe-run a fresh `$TMPDIR` and looks at what is in it.

use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::support::{
    KillOnDrop, Scratch, bin, eventually, eventually_while_running, kill, processes_running,
    processes_with, run_scratch, shell_status, show, stdout, wait_with_deadline,
};

/// Run each `(args, status)` in a fresh `$TMPDIR`; every run must exit
/// with its status and leave `$TMPDIR` empty.
fn check_all_leave_nothing(cases: &[(&[&str], i32)]) {
    let mut failures = Vec::new();
    for (args, status) in cases {
        let s = Scratch::new();
        let out = run_scratch(&s, args);
        if shell_status(&out) != *status || !s.leftovers().is_empty() {
            failures.push(format!(
                "expected status {status}, left under $TMPDIR {:?}\n{}",
                s.leftovers(),
                show(args, &out)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn nothing_is_left_after_success() {
    check_all_leave_nothing(&[
        (&["--procsub=fifo", "cat <(echo a) <(echo b)"], 0),
        (&["--procsub=fifo", "echo a > >(cat)"], 0),
        (&["--procsub=fifo", "cat <(echo a |[fifo] cat)"], 0),
        (&["echo a |[fifo] cat"], 0),
        (&["echo a |&[fifo] cat |[fifo,size=64KiB] cat"], 0),
        (&["--via", "fifo", "echo a | cat | cat"], 0),
        (&["--via", "sock", "echo a | cat"], 0),
        (&["cat <(echo a) | tee >(cat)"], 0),
    ]);
}

#[test]
fn nothing_is_left_after_failure() {
    check_all_leave_nothing(&[
        (&["--procsub=fifo", "cat <(false)"], 1),
        (&["--procsub=fifo", "cmp <(printf a) <(printf b)"], 1),
        (&["--procsub=fifo", "cat <(cat no-such-file)"], 1),
        (&["--procsub=fifo", "true >(sh -c 'exit 3')"], 3),
        (&["false |[fifo] cat"], 1),
        (&["echo a |[fifo] sh -c 'exit 4'"], 4),
        (&["sh -c 'exit 5' |[fifo] cat |[fifo] cat"], 5),
    ]);
}

#[test]
fn fifo_opens_never_deadlock() {
    // The reader never opens its FIFO, or opens it and exits at once, or
    // the writer exits without a word: every one of them finishes.
    check_all_leave_nothing(&[
        (&["--procsub=fifo", "true <(yes 8301)"], 0),
        (&["--procsub=fifo", "true >(cat)"], 0),
        (&["--procsub=fifo", "yes 8302 > >(true)"], 0),
        (&["--procsub=fifo", "echo <(true) >(true)"], 0),
        (&["--procsub=fifo", "head -c1 <(yes 8303)"], 0),
        (&["--procsub=fifo", "cat <(false)"], 1),
        (&["--procsub=fifo", "cat <(true) <(false) <(true)"], 1),
        (&["--procsub=fifo", "cmp <(printf a) <(printf b)"], 1),
        (
            &[
                "--procsub=fifo",
                "cmp <(yes 8304) <(yes 8305 | head -c 1000)",
            ],
            1,
        ),
        (&["true |[fifo] true"], 0),
        (&["yes 8306 |[fifo] true"], 0),
        (&["true |[fifo] cat"], 0),
        (&["sh -c 'exec >&-; sleep 0.2' |[fifo] cat"], 0),
        (
            &["sh -c 'sleep 0.2' |[fifo] sh -c 'exec <&-; sleep 0.2'"],
            0,
        ),
    ]);
    for marker in ["8301", "8302", "8303", "8304", "8305", "8306"] {
        assert_eq!(processes_running(&["yes", marker]), Vec::<u32>::new());
    }
}

#[test]
fn a_substitution_that_cannot_start_leaves_nothing_and_does_not_hang() {
    // exec fails at run time (an argument over MAX_ARG_STRLEN), before
    // the inner stage could open its FIFO.
    let half = "x".repeat(70_000);
    for expr in [r#"cat <(/bin/echo "$1$1")"#, r#"/bin/echo "$1$1" > >(cat)"#] {
        let s = Scratch::new();
        let args = ["--procsub=fifo", expr, &half];
        let out = run_scratch(&s, &args);
        let what = show(&["--procsub=fifo", expr], &out);
        assert_eq!(shell_status(&out), 126, "{what}");
        assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
    }
    let s = Scratch::new();
    let args = [r#"/bin/echo "$1$1" |[fifo] cat"#, &half];
    let out = run_scratch(&s, &args);
    let what = show(&args[..1], &out);
    assert_eq!(shell_status(&out), 126, "{what}");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
}

#[test]
fn nothing_is_made_when_nothing_runs() {
    let cases: [&[&str]; 6] = [
        &["--procsub=fifo", "touch MARKER | cat <(echo"],
        &[
            "--procsub=fifo",
            "touch MARKER | cat <(no-such-program-8311)",
        ],
        &["touch MARKER |[fifo] no-such-program-8312"],
        &["touch MARKER |[fifo] cat < no-such-file"],
        &["touch MARKER |[fifo,duplex] cat"],
        &[
            "--explain",
            "--procsub=fifo",
            "touch MARKER | cat <(true) |[fifo] cat",
        ],
    ];
    for args in cases {
        let s = Scratch::new();
        let out = run_scratch(&s, args);
        let what = show(args, &out);
        assert!(!s.path("MARKER").exists(), "a stage ran: {what}");
        assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
    }
}

// ---------------------------------------------------------------------
// While running, and after a signal.

/// One entry under `$TMPDIR`, as seen while pipe-run runs.
#[derive(Debug)]
struct Seen {
    path: PathBuf,
    kind: &'static str,
    mode: u32,
    uid: u32,
}

/// Everything under `root`, without following symlinks.
fn walk(root: &Path) -> Vec<Seen> {
    let mut seen = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return seen;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // It may vanish while we look: pipe-run unlinks FIFOs once open.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let t = meta.file_type();
        let kind = if t.is_dir() {
            "dir"
        } else if t.is_fifo() {
            "fifo"
        } else if t.is_symlink() {
            "symlink"
        } else if t.is_file() {
            "file"
        } else {
            "other"
        };
        seen.push(Seen {
            path: path.clone(),
            kind,
            mode: meta.mode() & 0o7777,
            uid: meta.uid(),
        });
        if t.is_dir() {
            seen.extend(walk(&path));
        }
    }
    seen
}

/// Check what is under `tmp` while pipe-run runs: at most one directory
/// directly under it, mode 0700 and ours; in it, only FIFOs, mode 0600
/// and ours. Returns how many FIFOs there are.
fn check_private(tmp: &Path) -> usize {
    let seen = walk(tmp);
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    let top: Vec<&Seen> = seen
        .iter()
        .filter(|e| e.path.parent() == Some(tmp))
        .collect();
    assert!(top.len() <= 1, "one private directory per run: {seen:#?}");
    let mut fifos = 0;
    for e in &seen {
        assert_eq!(e.uid, me, "{seen:#?}");
        assert_eq!(e.mode & 0o022, 0, "group- or world-writable: {seen:#?}");
        match e.kind {
            "dir" => {
                assert_eq!(e.path.parent(), Some(tmp), "{seen:#?}");
                assert_eq!(e.mode, 0o700, "{seen:#?}");
            }
            "fifo" => {
                assert_ne!(e.path.parent(), Some(tmp), "{seen:#?}");
                assert_eq!(e.mode, 0o600, "{seen:#?}");
                fifos += 1;
            }
            _ => panic!("only a directory and FIFOs: {seen:#?}"),
        }
    }
    fifos
}

/// Start `pipe-run ARGS...` in `s` with umask 0 (the modes must not depend
/// on it), in a process group of its own.
fn start_umask0(s: &Scratch, args: &[&str]) -> Child {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(s.work.path())
        .env("TMPDIR", s.tmpdir())
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: umask(2) is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    cmd.spawn().unwrap()
}

/// Start `pipe-run --procsub=fifo EXPR`, whose stages sleep with `marker`
/// and hold named FIFOs, check the private directory while it runs, send
/// `sig`, and check that pipe-run dies of it, that its stages are gone and
/// that `$TMPDIR` is empty.
fn signal_removes_the_directory(sig: i32, marker: &'static str) {
    let _cleanup = KillOnDrop(marker);
    let s = Scratch::new();
    // The outer stage never opens its substitution's FIFO, so it stays in
    // the directory; the second edge is a FIFO too. Each stage is `sleep`
    // itself, so that the signal pipe-run passes on reaches it (a shell
    // waiting for a `sleep` child would wait for it on SIGINT, as sh does).
    let expr = format!(r#"sh -c 'exec sleep {marker}' sh <(echo hi) |[fifo] sleep {marker}"#);
    let mut child = start_umask0(&s, &["--procsub=fifo", &expr]);
    eventually_while_running(&mut child, "both stages sleep", || {
        processes_running(&["sleep", marker]).len() == 2
    });
    let fifos = check_private(&s.tmpdir());
    assert!(fifos >= 1, "the substitution's FIFO is there while it runs");
    kill(child.id(), sig);
    let status = wait_with_deadline(&mut child);
    assert_eq!(status.signal(), Some(sig), "{status:?}");
    assert_eq!(processes_running(&["sleep", marker]), Vec::<u32>::new());
    assert_eq!(s.leftovers(), Vec::<String>::new());
}

#[test]
fn sigterm_removes_the_private_directory() {
    signal_removes_the_directory(libc::SIGTERM, "8321.25");
}

#[test]
fn sigint_removes_the_private_directory() {
    signal_removes_the_directory(libc::SIGINT, "8322.25");
}

#[test]
fn sighup_removes_the_private_directory() {
    signal_removes_the_directory(libc::SIGHUP, "8323.25");
}

#[test]
fn a_fifo_edge_between_two_running_stages_is_private() {
    let marker = "8324.25";
    let _cleanup = KillOnDrop(marker);
    let s = Scratch::new();
    let expr = format!("sleep {marker} |[fifo] sleep {marker}");
    let mut child = start_umask0(&s, &[&expr]);
    eventually_while_running(&mut child, "both stages sleep", || {
        processes_running(&["sleep", marker]).len() == 2
    });
    check_private(&s.tmpdir());
    kill(child.id(), libc::SIGTERM);
    let status = wait_with_deadline(&mut child);
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert_eq!(s.leftovers(), Vec::<String>::new());
}

#[test]
fn sigkill_leaves_nothing_once_both_ends_of_a_fifo_edge_are_open() {
    // Both ends of a `|[fifo]` edge are opened before the stages exec, so
    // pipe-run can unlink it at once: even SIGKILL leaves nothing.
    let marker = "8325.25";
    let _cleanup = KillOnDrop(marker);
    let s = Scratch::new();
    let expr = format!("sleep {marker} |[fifo] sleep {marker}");
    let mut child = start_umask0(&s, &[&expr]);
    eventually_while_running(&mut child, "both stages sleep", || {
        processes_running(&["sleep", marker]).len() == 2
    });
    kill(child.id(), libc::SIGKILL);
    wait_with_deadline(&mut child);
    eventually("the stages died with pipe-run", || {
        processes_running(&["sleep", marker]).is_empty()
    });
    assert_eq!(
        walk(&s.tmpdir())
            .iter()
            .map(|e| (e.path.clone(), e.kind))
            .collect::<Vec<_>>(),
        Vec::new()
    );
}

#[test]
fn each_run_has_a_directory_of_its_own() {
    // Two runs at once under one $TMPDIR: two private directories, each
    // removed by its own run.
    let s = Scratch::new();
    let markers = ["8326.25", "8327.25"];
    let _c0 = KillOnDrop(markers[0]);
    let _c1 = KillOnDrop(markers[1]);
    let mut children: Vec<Child> = markers
        .iter()
        .map(|m| {
            start_umask0(
                &s,
                &[
                    "--procsub=fifo",
                    &format!("sh -c 'sleep {m}; cat \"$1\"' sh <(true)"),
                ],
            )
        })
        .collect();
    for (child, m) in children.iter_mut().zip(markers) {
        eventually_while_running(child, "the run sleeps", || {
            processes_running(&["sleep", m]).len() == 1
        });
    }
    let dirs: Vec<String> = s.leftovers();
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    for child in &mut children {
        kill(child.id(), libc::SIGTERM);
        wait_with_deadline(child);
    }
    assert_eq!(s.leftovers(), Vec::<String>::new());
    assert!(processes_with("8326.25").is_empty() && processes_with("8327.25").is_empty());
}

#[test]
fn a_fifo_substitution_path_is_readable_by_the_stage_and_gone_after() {
    let s = Scratch::new();
    let args = [
        "--procsub=fifo",
        r#"sh -c 'echo "$1"; cat "$1"' sh <(echo hi)"#,
    ];
    let out = run_scratch(&s, &args);
    let what = show(&args, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    let text = stdout(&out);
    let (path, rest) = text.split_once('\n').unwrap_or_else(|| panic!("{what}"));
    assert_eq!(rest, "hi\n", "{what}");
    assert!(
        path.starts_with(&format!("{}/", s.tmpdir().display())),
        "{what}"
    );
    assert!(!Path::new(path).exists(), "{what}");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
}
