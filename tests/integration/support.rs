//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::OnceLock;
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

/// Run `bash -c EXPR pipe-run ARGS...` in `dir`, with exactly `env` as its
/// environment, and capture everything.
pub fn bash(expr: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(expr)
        .arg("pipe-run")
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("bash is installed")
}

/// Run `pipe-run EXPR ARGS...` in `dir`, with exactly `env` as its
/// environment, and capture everything.
pub fn run_with_env(expr: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(bin())
        .arg(expr)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("pipe-run runs")
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

/// What a fixture entry is, for comparing the directories left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

pub type Snapshot = BTreeMap<Vec<u8>, Entry>;

/// Every entry under `root`, by path relative to it.
pub fn snapshot(root: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, out: &mut Snapshot) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .as_os_str()
                .as_bytes()
                .to_vec();
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                out.insert(rel, Entry::Link(std::fs::read_link(&path).unwrap()));
            } else if kind.is_dir() {
                out.insert(rel, Entry::Dir);
                walk(root, &path, out);
            } else {
                out.insert(rel, Entry::File(std::fs::read(&path).unwrap_or_default()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// `bytes` with the fixture path replaced by `@FIX@`, so output naming the
/// fixture (`~`, `pwd`) compares across the two directories.
pub fn normalize(bytes: &[u8], root: &Path) -> Vec<u8> {
    let needle = root.as_os_str().as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(needle) {
            out.extend_from_slice(b"@FIX@");
            i += needle.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// `pipe-run ARGS...` in `dir`, with an empty stdin, under the deadline.
pub fn run_args(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::new(bin())
        .args(args)
        .current_dir(dir)
        .write_stdin("")
        .timeout(DEADLINE)
        .output()
        .expect("pipe-run starts")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Send `sig` to a process the test started.
pub fn kill(pid: u32, sig: i32) {
    // SAFETY: sending a signal to a pid this test started.
    assert_eq!(unsafe { libc::kill(pid as i32, sig) }, 0);
}

/// Wait for `child`, failing the test if it has hung.
pub fn wait_with_deadline(child: &mut Child) -> ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < DEADLINE, "pipe-run did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The state letter of a process (`S`, `T`, `Z`, ...), from /proc; `?`
/// when it is gone.
pub fn state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next())
        .unwrap_or('?')
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

/// The names in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A fresh working directory and a fresh `$TMPDIR` for pipe-run runs, so
/// that a test can see what pipe-run made under `$TMPDIR` (its private
/// directory, its FIFOs) and that nothing is left there afterwards.
pub struct Scratch {
    pub work: tempfile::TempDir,
    pub tmp: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            work: tempfile::tempdir().unwrap(),
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    /// `path` in the working directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.work.path().join(name)
    }

    /// Write a file into the working directory.
    pub fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.path(name), contents).unwrap();
    }

    /// The contents of a file in the working directory, or `None`.
    pub fn read(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.path(name)).ok()
    }

    /// The canonical `$TMPDIR` given to pipe-run.
    pub fn tmpdir(&self) -> PathBuf {
        self.tmp.path().canonicalize().unwrap()
    }

    /// `pipe-run ARGS...` (options, then the expression and its
    /// parameters) in the working directory with the fresh `$TMPDIR`, an
    /// empty stdin and the deadline.
    pub fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(bin());
        cmd.args(args)
            .current_dir(self.work.path())
            .env("TMPDIR", self.tmpdir())
            .write_stdin("")
            .timeout(DEADLINE);
        cmd
    }

    /// Run `pipe-run ARGS...` as [`Scratch::cmd`] does and capture
    /// everything.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("pipe-run starts")
    }

    /// Start `pipe-run ARGS...` in the background, leading a process group
    /// of its own (as in signals.rs), with stdout and stderr piped.
    pub fn start(&self, args: &[&str]) -> Child {
        use std::os::unix::process::CommandExt;
        Command::new(bin())
            .args(args)
            .current_dir(self.work.path())
            .env("TMPDIR", self.tmpdir())
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// What is left in `$TMPDIR`: empty after every run.
    pub fn leftovers(&self) -> Vec<String> {
        names(self.tmp.path())
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

/// Wait for `child` (started with piped stdout and stderr) under the
/// deadline, then collect what it wrote.
pub fn finish(mut child: Child) -> Output {
    use std::io::Read;
    // Read while waiting, so that a full pipe cannot hold the child up.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = out.read_to_end(&mut bytes);
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = err.read_to_end(&mut bytes);
        bytes
    });
    let status = wait_with_deadline(&mut child);
    Output {
        status,
        stdout: reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

/// As [`eventually`], but fail at once if `child` (pipe-run) exits first:
/// a refused expression must not cost the whole deadline.
pub fn eventually_while_running(child: &mut Child, what: &str, mut cond: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !cond() {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(pipe) = child.stderr.as_mut() {
                let _ = std::io::Read::read_to_string(pipe, &mut err);
            }
            panic!("pipe-run exited ({status:?}) before: {what}\n--- stderr:\n{err}");
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A run that takes longer than this has hung: generous for 2 slow cores,
/// far below the 60 s of `DEADLINE`.
pub const PROMPT: Duration = Duration::from_secs(20);

/// Run `pipe-run ARGS...` in `s` with the short deadline.
pub fn run_scratch(s: &Scratch, args: &[&str]) -> Output {
    s.cmd(args)
        .timeout(PROMPT)
        .output()
        .expect("pipe-run starts")
}

/// Describe a run for an assertion message.
pub fn show(args: &[&str], out: &Output) -> String {
    format!(
        "pipe-run {args:?}: status {}\n--- stdout:\n{}\n--- stderr:\n{}",
        shell_status(out),
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    )
}

/// A deterministic, non-constant generator of 258,888,897 bytes.
pub const GENERATOR: &str = "seq 1 30000000";

/// `cksum` of the generator's output, computed without pipe-run.
pub fn expected_cksum() -> &'static str {
    static SUM: OnceLock<String> = OnceLock::new();
    SUM.get_or_init(|| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("{GENERATOR} | cksum"))
            .output()
            .unwrap();
        assert!(out.status.success());
        let sum = String::from_utf8(out.stdout).unwrap();
        assert!(sum.ends_with(" 258888897\n"), "{sum}");
        sum
    })
}
