//! A large environment and many stages: pipe-run holds the environment
//! once, not once per stage, and every stage still gets exactly its own.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;

use crate::support::{DEADLINE, bin, shell_status, stderr, stdout};

/// 1,500 variables of 1 KiB each (`NAME=value` and its NUL), plus a PATH.
const BIG_VARS: usize = 1500;
const ENTRY_BYTES: usize = 1024;

fn big_env() -> Vec<(String, String)> {
    let mut env = vec![
        ("PATH".to_string(), "/usr/bin:/bin".to_string()),
        ("LC_ALL".to_string(), "C".to_string()),
    ];
    for i in 0..BIG_VARS {
        let name = format!("PR_BIG_{i:04}");
        let value: String = format!("{i:04}-")
            .repeat(ENTRY_BYTES)
            .chars()
            .take(ENTRY_BYTES - name.len() - 2)
            .collect();
        env.push((name, value));
    }
    env
}

/// `pipe-run EXPR` with exactly the big environment.
fn run_big(expr: &str) -> Output {
    assert_cmd::Command::new(bin())
        .arg(expr)
        .env_clear()
        .envs(big_env())
        .write_stdin("")
        .timeout(DEADLINE)
        .output()
        .expect("pipe-run starts")
}

/// The peak resident set of process `pid` so far, in KiB.
fn vm_hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("a live process has VmHWM");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// pipe-run's own peak RSS is read once every stage runs: a line written
/// to its stdin has come out of the last `cat`, so all 200 spawns are
/// done, and pipe-run waits for its stages, which wait for EOF. Holding
/// one copy of the environment per stage took ~300 MiB here.
#[test]
fn a_200_stage_chain_with_a_large_environment_keeps_pipe_run_small() {
    let expr = vec!["cat"; 200].join(" | ");
    let mut child = Command::new(bin())
        .arg(&expr)
        .env_clear()
        .envs(big_env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pipe-run starts");
    let pid = child.id();
    // A pipeline that hangs is killed, which fails the test below.
    let (done, deadline) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if deadline.recv_timeout(DEADLINE).is_err() {
            // SAFETY: sending a signal to the pipe-run this test started,
            // not yet waited for.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        }
    });

    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"through\n").unwrap();
    stdin.flush().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let peak = (line == "through\n").then(|| vm_hwm_kib(pid));
    drop(stdin);
    out.read_to_string(&mut line).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    let _ = done.send(());
    watchdog.join().unwrap();

    assert!(status.success(), "{status}: {err}");
    assert_eq!(line, "through\n", "stderr: {err}");
    let peak = peak.expect("read while every stage ran");
    assert!(
        peak < 64 * 1024,
        "pipe-run's peak RSS with 200 stages and 1.5 MB of environment: {peak} KiB"
    );
}

#[test]
fn every_stage_gets_the_large_environment_and_only_its_own_assignments() {
    let out = run_big("env | A=1 sh -c 'cat; env' | B=2 sh -c 'cat; env' | grep -e ^A= -e ^B=");
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "A=1\nB=2\n");

    let out = run_big("env | A=1 sh -c 'cat; env' | B=2 sh -c 'cat; env' | grep -c ^PR_BIG_");
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), format!("{}\n", 3 * BIG_VARS));

    let out = run_big("A=1 env | grep ^A=");
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "A=1\n");
}

/// What `env` prints is the inherited environment in its order, with an
/// assignment to an inherited name in that name's place (once) and a new
/// name at the end.
#[test]
fn an_assignment_replaces_an_inherited_variable_in_place() {
    let out = run_big("Z_NEW=last PR_BIG_0007=mine env | cat");
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    // Command passes its environment sorted by name.
    let mut want = big_env();
    want.sort();
    for (name, value) in &mut want {
        if name == "PR_BIG_0007" {
            *value = "mine".to_string();
        }
    }
    want.push(("Z_NEW".into(), "last".into()));
    let want: String = want.iter().map(|(n, v)| format!("{n}={v}\n")).collect();
    let got = stdout(&out);
    assert!(
        got == want,
        "env printed something else ({} bytes)",
        got.len()
    );

    let out = run_big("PR_BIG_0007=$PR_BIG_0008 env | grep '^PR_BIG_000[78]=' | cut -c1-20");
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "PR_BIG_0007=0008-000\nPR_BIG_0008=0008-000\n");
}
