//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Generous: a test that needs this long has hung.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Path of the binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_pipe-run")
}

/// `pipe-run EXPR ARGS...` as an assert_cmd command with a deadline.
pub fn pipe_run(expr: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(bin());
    cmd.arg(expr).timeout(DEADLINE);
    cmd
}

/// Run `dash -c EXPR pipe-run ARGS...` in `dir` and capture everything.
pub fn dash(expr: &str, args: &[&str], dir: &Path) -> Output {
    Command::new("dash")
        .arg("-c")
        .arg(expr)
        .arg("pipe-run")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("dash is installed (.ci/run installs it)")
}

/// Run `pipe-run EXPR ARGS...` in `dir` and capture everything.
pub fn run_in(expr: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(bin())
        .arg(expr)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("pipe-run runs")
}

/// Exit status as a shell shows it: the code, or 128 + signal.
pub fn shell_status(output: &Output) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    output
        .status
        .code()
        .unwrap_or_else(|| 128 + output.status.signal().unwrap_or(0))
}

/// Poll `cond` until it holds or the deadline passes.
pub fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !cond() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Pids of live (not zombie) processes whose command line contains `marker`.
pub fn processes_with(marker: &str) -> Vec<u32> {
    let mut found = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if !cmdline.contains(marker) {
            continue;
        }
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let zombie = state
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'));
        if !zombie {
            found.push(pid);
        }
    }
    found
}

/// Pids of live (not zombie) processes whose argv is exactly `argv`.
pub fn processes_running(argv: &[&str]) -> Vec<u32> {
    let want: Vec<u8> = argv.iter().flat_map(|a| a.bytes().chain([0])).collect();
    processes_with(argv[0])
        .into_iter()
        .filter(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == want))
        .collect()
}

/// When dropped, SIGKILLs every live process whose command line contains
/// `marker` (a distinctive sleep duration, say): whatever a failed or
/// interrupted test left running.
pub struct KillOnDrop(pub &'static str);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let me = std::process::id();
        for pid in processes_with(self.0) {
            if pid != me {
                // SAFETY: sending a signal; the pid was just found in /proc
                // with this test's marker in its command line.
                unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            }
        }
    }
}
