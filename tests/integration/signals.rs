//! Signals sent to pipe-run reach every stage, pipe-run waits for all of
//! them, and nothing is left running or unreaped afterwards.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};

use crate::support::{
    KillOnDrop, bin, eventually, kill, pipe_run, processes_running, state, wait_with_deadline,
};

/// Start `pipe-run EXPR` in the background.
///
/// pipe-run leads a process group of its own here, whose parent (this test)
/// is in another group of the same session: so the group is never orphaned,
/// whatever session the test runner was started in, and the kernel does not
/// discard the stop signals that some tests send.
fn start(expr: &str) -> Child {
    Command::new(bin())
        .arg(expr)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Each test uses its own sleep duration, so that its stages can be found
/// in /proc by their command line while other tests run.
fn signal_ends_everything(sig: i32, marker: &'static str) {
    let _cleanup = KillOnDrop(marker);
    let mut child = start(&format!("sleep {marker} | sleep {marker} | cat"));
    eventually("both sleeps started", || {
        processes_running(&["sleep", marker]).len() == 2
    });
    kill(child.id(), sig);
    let status = wait_with_deadline(&mut child);
    // pipe-run dies of the same signal once its stages are gone, so the
    // calling shell sees what it would have seen from a plain command.
    assert_eq!(status.signal(), Some(sig), "{status:?}");
    // pipe-run reaped every stage before exiting: none is left, not even
    // as a zombie.
    assert_eq!(processes_running(&["sleep", marker]), Vec::<u32>::new());
}

#[test]
fn sigterm_ends_every_stage_and_pipe_run_dies_of_it() {
    signal_ends_everything(libc::SIGTERM, "7001.25");
}

#[test]
fn sigint_ends_every_stage_and_pipe_run_dies_of_it() {
    signal_ends_everything(libc::SIGINT, "7002.25");
}

#[test]
fn sighup_ends_every_stage_and_pipe_run_dies_of_it() {
    signal_ends_everything(libc::SIGHUP, "7003.25");
}

#[test]
fn sigkill_of_pipe_run_takes_the_stages_with_it() {
    let marker = "7004.25";
    let _cleanup = KillOnDrop(marker);
    let mut child = start(&format!("sleep {marker} | sleep {marker}"));
    eventually("both sleeps started", || {
        processes_running(&["sleep", marker]).len() == 2
    });
    kill(child.id(), libc::SIGKILL);
    wait_with_deadline(&mut child);
    eventually("the stages died with pipe-run", || {
        processes_running(&["sleep", marker]).is_empty()
    });
}

#[test]
fn a_stage_that_ignores_sigterm_is_waited_for() {
    // The last stage ignores TERM and finishes by itself once released;
    // pipe-run must not exit before it, and its work must be complete.
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready");
    let release = dir.path().join("release");
    let out = dir.path().join("out");
    let expr = format!(
        "true | sh -c 'trap \"\" TERM; touch {r}; while [ ! -e {l} ]; do sleep 0.05; done; echo done > {o}'",
        r = ready.display(),
        l = release.display(),
        o = out.display()
    );
    let mut child = start(&expr);
    eventually("the stage is ready", || ready.exists());
    kill(child.id(), libc::SIGTERM);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "pipe-run exited before its stage"
    );
    std::fs::write(&release, "").unwrap();
    let status = wait_with_deadline(&mut child);
    assert_eq!(status.signal(), Some(libc::SIGTERM));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "done\n");
}

#[test]
fn a_crashed_stage_is_named_with_its_signal() {
    pipe_run("sh -c 'kill -SEGV $$' | cat")
        .assert()
        .code(139)
        .stderr("pipe-run: stage 1 (sh -c 'kill -SEGV $$') was killed by signal 11 (SIGSEGV)\n");
}

#[test]
fn a_last_stage_killed_by_a_signal_keeps_128_plus_n() {
    pipe_run("true | sh -c 'kill -TERM $$'")
        .assert()
        .code(143)
        .stderr("");
}

#[test]
fn sigtstp_and_sigcont_to_pipe_run_stop_and_continue_the_pipeline() {
    let marker = "7005.25";
    let _cleanup = KillOnDrop(marker);
    let mut child = start(&format!("sleep {marker} | cat"));
    eventually("the stage started", || {
        processes_running(&["sleep", marker]).len() == 1
    });
    let stage = processes_running(&["sleep", marker])[0];
    kill(child.id(), libc::SIGTSTP);
    eventually("pipe-run stopped", || state(child.id()) == 'T');
    eventually("the stage stopped", || state(stage) == 'T');
    kill(child.id(), libc::SIGCONT);
    eventually("the stage continued", || state(stage) == 'S');
    assert_ne!(state(child.id()), 'T');
    kill(child.id(), libc::SIGTERM);
    assert_eq!(wait_with_deadline(&mut child).signal(), Some(libc::SIGTERM));
    assert!(processes_running(&["sleep", marker]).is_empty());
}
