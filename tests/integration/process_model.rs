//! The process model (issue 5): pipe-run runs its stages as a
//! non-interactive shell would, in its own process group; it passes on the
//! signals sent to it, ends what the stages leave running, keeps closed
//! standard fds closed, and never gets stuck on the signal state it
//! inherited.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};

use crate::support::{
    DEADLINE, KillOnDrop, bin, eventually, kill, pipe_run, processes_running, state,
    wait_with_deadline,
};

/// Direct children of `pid`.
fn children_of(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// Kill whatever a test left running with this exact argv.
fn kill_all(argv: &[&str]) {
    for pid in processes_running(argv) {
        // SAFETY: sending SIGKILL to a process this test started.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
}

#[test]
fn a_first_stage_timeout_keeps_the_downstream_output_and_exits_124() {
    // GNU timeout makes its own process group and signals it: that must
    // not reach `sort`, which still writes the three lines.
    let dir = tempfile::tempdir().unwrap();
    pipe_run(r#"timeout 1 sh -c "seq 3; sleep 30" | sort -r > out"#)
        .current_dir(dir.path())
        .assert()
        .code(124)
        .stderr("pipe-run: stage 1 (timeout 1 sh -c 'seq 3; sleep 30') exited with status 124\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out")).unwrap(),
        "3\n2\n1\n"
    );
}

#[test]
fn stages_run_in_pipe_runs_process_group_and_lead_none() {
    // pipe-run is started as the leader of a group of its own here, so its
    // pid is the group every stage must be in.
    let child = Command::new(bin())
        .arg(r#"sh -c 'ps -o pgid= -p $$' | sh -c 'cat; ps -o pgid= -p $$'"#)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let groups: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(groups, [pid.as_str(), pid.as_str()], "{text}");
}

#[test]
fn closed_stdout_stays_closed_for_the_stage() {
    // As in sh: `echo hi >&-` fails with EBADF instead of writing to
    // /dev/null and succeeding.
    let out = Command::new("dash")
        .arg("-c")
        .arg(r#""$0" 'echo hi' >&-"#)
        .arg(bin())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "echo: write error: Bad file descriptor\n"
    );
}

#[test]
fn closed_stdin_stays_closed_for_the_stage() {
    let out = Command::new("dash")
        .arg("-c")
        .arg(r#""$0" 'cat | wc -l' <&-"#)
        .arg(bin())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cat: -: Bad file descriptor"), "{err}");
    // pipefail: cat's failure decides.
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[test]
fn closed_stderr_stays_closed_and_pipe_runs_own_messages_are_dropped() {
    // The stage sees fd 2 closed; pipe-run's "stage 1 failed" line goes
    // nowhere, and its status is unchanged.
    let out = Command::new("dash")
        .arg("-c")
        .arg(r#""$0" 'sh -c "if [ -e /proc/self/fd/2 ]; then echo open; else echo closed; fi; exit 3" | cat' 2>&-"#)
        .arg(bin())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "closed\n");
    assert_eq!(out.status.code(), Some(3), "{out:?}");
}

#[test]
fn a_redirection_reopens_a_closed_standard_fd() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("dash")
        .arg("-c")
        .arg(r#""$0" 'echo hi > out' >&-"#)
        .arg(bin())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out")).unwrap(),
        "hi\n"
    );
}

#[test]
fn explain_to_a_closed_stdout_or_a_full_disk_fails_with_a_message() {
    let out = Command::new("dash")
        .arg("-c")
        .arg(r#""$0" --explain 'echo hi' >&-"#)
        .arg(bin())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(125), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "pipe-run: cannot write the plan: Bad file descriptor\n"
    );
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(bin())
        .args(["--explain", "echo hi"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(125), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "pipe-run: cannot write the plan: No space left on device\n"
    );
}

/// Start `pipe-run EXPR` in `dir` in the background.
fn start_in(expr: &str, dir: &std::path::Path) -> Child {
    Command::new(bin())
        .arg(expr)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_stage_blocked_opening_a_fifo_ends_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    nix::unistd::mkfifo(&dir.path().join("fifo"), nix::sys::stat::Mode::S_IRWXU).unwrap();
    let _cleanup = KillOnDrop("fifo-7801");
    let mut child = start_in("cat < fifo # fifo-7801", dir.path());
    // The stage exists (blocked in open, or about to be): a signal that
    // arrives before it reset its signal state waits for that, so either
    // way it must end the stage.
    eventually("the stage was started", || {
        !children_of(child.id()).is_empty()
    });
    let stage = children_of(child.id())[0];
    kill(child.id(), libc::SIGTERM);
    let status = wait_with_deadline(&mut child);
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert_eq!(state(stage), '?', "the stage is gone, not even a zombie");
    assert!(dir.path().join("fifo").exists(), "the user's FIFO stays");
}

#[test]
fn sigterm_ends_a_pipeline_whose_stage_is_stopped() {
    let marker = "7401.25";
    let _cleanup = KillOnDrop(marker);
    let mut child = Command::new(bin())
        .arg(format!(r#"sleep {marker} | sh -c 'kill -STOP $$'"#))
        .process_group(0)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    eventually("the second stage stopped itself", || {
        children_of(child.id()).iter().any(|&pid| state(pid) == 'T')
    });
    kill(child.id(), libc::SIGTERM);
    let status = wait_with_deadline(&mut child);
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert!(processes_running(&["sleep", marker]).is_empty());
}

/// `pipe-run EXPR` started with `sig` blocked or ignored, as some job
/// runners leave it.
fn run_with_signal_state(expr: &str, sig: i32, ignore: bool) -> std::process::Output {
    let mut cmd = Command::new(bin());
    cmd.arg(expr).stdin(Stdio::null());
    // SAFETY: the closure only makes async-signal-safe calls (sigprocmask,
    // signal) in the child between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if ignore {
                libc::signal(sig, libc::SIG_IGN);
            } else {
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                libc::sigaddset(&mut set, sig);
                libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            }
            Ok(())
        });
    }
    let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
    let status = wait_with_deadline(&mut child);
    let mut stdout = Vec::new();
    std::io::Read::read_to_end(child.stdout.as_mut().unwrap(), &mut stdout).unwrap();
    std::process::Output {
        status,
        stdout,
        stderr: Vec::new(),
    }
}

#[test]
fn started_with_sigchld_blocked_pipe_run_still_finishes() {
    let out = run_with_signal_state(
        "printf 'x\\n' | sh -c 'sleep 0.2; cat'",
        libc::SIGCHLD,
        false,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, b"x\n");
}

#[test]
fn started_with_sigchld_ignored_pipe_run_still_sees_statuses() {
    let out = run_with_signal_state("true | sh -c 'exit 3'", libc::SIGCHLD, true);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
}

#[test]
fn stages_start_with_no_signal_blocked() {
    // Whatever mask pipe-run inherited, a stage starts from an empty one.
    let out = run_with_signal_state("grep SigBlk /proc/self/status", libc::SIGTERM, false);
    assert_eq!(out.stdout, b"SigBlk:\t0000000000000000\n");
}

#[test]
fn a_backgrounded_grandchild_is_ended_when_the_pipeline_is_over() {
    let marker = "7501.25";
    let _cleanup = KillOnDrop(marker);
    let out = pipe_run(&format!("sh -c 'sleep {marker} >/dev/null 2>&1 &' | cat"))
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    let (head, tail) = err
        .split_once(" (sleep ")
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        head.trim_end_matches(|c: char| c.is_ascii_digit()),
        "pipe-run: ended 1 process that the stages left running: ",
        "{err}"
    );
    assert_eq!(
        tail,
        format!("{marker}) (use --keep-orphans to leave them)\n"),
        "{err}"
    );
    assert!(processes_running(&["sleep", marker]).is_empty());
}

#[test]
fn quiet_ends_leftovers_without_a_word() {
    let marker = "7502.25";
    let _cleanup = KillOnDrop(marker);
    assert_cmd::Command::new(bin())
        .args(["-q", &format!("sh -c 'sleep {marker} >/dev/null 2>&1 &'")])
        .timeout(DEADLINE)
        .assert()
        .success()
        .stderr("");
    assert!(processes_running(&["sleep", marker]).is_empty());
}

#[test]
fn a_leftover_that_ignores_sigterm_is_killed_after_the_grace() {
    let marker = "7503.25";
    let _cleanup = KillOnDrop(marker);
    pipe_run(&format!(
        r#"sh -c '(trap "" TERM; exec sleep {marker}) >/dev/null 2>&1 &'"#
    ))
    .assert()
    .success();
    assert!(processes_running(&["sleep", marker]).is_empty());
}

#[test]
fn keep_orphans_leaves_a_backgrounded_grandchild_running() {
    let marker = "7504.25";
    let _cleanup = KillOnDrop(marker);
    assert_cmd::Command::new(bin())
        .args([
            "--keep-orphans",
            &format!("sh -c 'sleep {marker} >/dev/null 2>&1 &' | cat"),
        ])
        .timeout(DEADLINE)
        .assert()
        .success()
        .stderr("");
    let left = processes_running(&["sleep", marker]);
    kill_all(&["sleep", marker]);
    assert_eq!(left.len(), 1, "the grandchild was left running");
}

#[test]
fn a_leftover_holding_the_pipe_keeps_the_pipeline_waiting_as_in_sh() {
    // The backgrounded sleep keeps the pipe to `cat` open: the pipeline is
    // not over until it ends, exactly as under sh.
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    pipe_run("sh -c 'sleep 1 &' | cat")
        .current_dir(dir.path())
        .assert()
        .success()
        .stderr("");
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
}

#[test]
fn a_huge_argv_is_shortened_in_the_failing_stage_line() {
    let long = "x".repeat(5000);
    let out = pipe_run(&format!("sh -c 'exit 4' {long} | cat"))
        .assert()
        .code(4)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.starts_with("pipe-run: stage 1 (sh -c 'exit 4' xxx"),
        "{err}"
    );
    assert!(
        err.contains(" more characters]) exited with status 4\n"),
        "{err}"
    );
    assert!(err.len() < 300, "{err}");
}

/// CPU time (user + system, in clock ticks) a process has used so far.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // After the command name: state is field 3, utime 14, stime 15.
    fields
        .get(11)
        .and_then(|f| f.parse::<u64>().ok())
        .unwrap_or(0)
        + fields
            .get(12)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
}

#[test]
fn in_an_orphaned_process_group_sigtstp_neither_stops_nor_spins() {
    // A session of its own makes pipe-run's group orphaned: the kernel
    // discards stop signals there, and pipe-run must simply go on waiting.
    let marker = "7601.25";
    let _cleanup = KillOnDrop(marker);
    let mut cmd = Command::new(bin());
    cmd.arg(format!("sleep {marker} | cat"))
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    // SAFETY: setsid(2) is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    eventually("the stage started", || {
        processes_running(&["sleep", marker]).len() == 1
    });
    kill(child.id(), libc::SIGTSTP);
    let before = cpu_ticks(child.id());
    std::thread::sleep(std::time::Duration::from_secs(2));
    let used = cpu_ticks(child.id()) - before;
    assert!(used < 50, "pipe-run used {used} ticks in 2 s after SIGTSTP");
    assert_ne!(state(child.id()), 'T');
    kill(child.id(), libc::SIGTERM);
    let status = wait_with_deadline(&mut child);
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert!(processes_running(&["sleep", marker]).is_empty());
}

#[test]
fn a_library_run_leaves_the_hosts_other_children_alone() {
    use pipe_run::plan::{Context, Plan};
    use pipe_run::run::{RunOptions, run};

    let mut other = Command::new("sleep").arg("7701.25").spawn().unwrap();
    let tree = pipe_run::syntax::parse("true | sh -c 'exit 3'").unwrap();
    let plan = Plan::build(&tree, &Context::from_process("t".into(), vec![], false)).unwrap();
    let outcome = run(&plan, &RunOptions::default()).unwrap();
    assert_eq!(outcome.stages[1].status.code(), 3);
    assert!(outcome.leftovers.is_empty());
    // The host's own child is still its to wait for.
    assert!(other.try_wait().unwrap().is_none());
    other.kill().unwrap();
    assert_eq!(other.wait().unwrap().signal(), Some(libc::SIGKILL));
}
