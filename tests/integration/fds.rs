//! File descriptors as the stages see them: only 0, 1, 2 and what their
//! redirections ask for, pipes wired stage to stage and nothing else, EOF
//! reaching the last stage, FIFOs that do not deadlock, and redirections
//! applied in the order written.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Instant;

use crate::support::{DEADLINE, bin, eventually, shell_status, stderr, stdout};

/// `pipe-run ARGS...` in `dir`, started with only fds 0, 1 and 2 open: any
/// other fd the test process has (from cargo, a jobserver, the terminal
/// multiplexer) is closed at exec. Output is captured.
fn clean_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: the closure only makes async-signal-safe syscalls.
    unsafe {
        cmd.pre_exec(|| {
            let flags = libc::CLOSE_RANGE_CLOEXEC as libc::c_int;
            if libc::close_range(3, libc::c_uint::MAX, flags) != 0 {
                for fd in 3..4096 {
                    libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
                }
            }
            Ok(())
        });
    }
    cmd
}

/// Collect a spawned child's output, failing the test if it is still
/// running at the deadline (a deadlock) after killing it.
fn finish(mut child: Child) -> Output {
    fn reader(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    }
    drop(child.stdin.take());
    let out = child.stdout.take().map(reader);
    let err = child.stderr.take().map(reader);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pipe-run still running after {DEADLINE:?}: deadlock");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out.map(|t| t.join().unwrap()).unwrap_or_default(),
        stderr: err.map(|t| t.join().unwrap()).unwrap_or_default(),
    }
}

/// Run a clean `pipe-run ARGS...` in `dir` with an empty stdin.
fn run_clean(dir: &Path, args: &[&str]) -> Output {
    finish(clean_command(dir, args).spawn().expect("pipe-run starts"))
}

fn assert_success(output: &Output, what: &str) {
    assert_eq!(
        shell_status(output),
        0,
        "{what}: stderr: {}",
        stderr(output)
    );
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A live process's open fds and what each points to (`pipe:[N]`, a path).
fn open_fds(pid: u32) -> BTreeMap<u32, String> {
    fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .flatten()
        .filter_map(|entry| {
            let fd = entry.file_name().to_str()?.parse().ok()?;
            let target = fs::read_link(entry.path()).ok()?;
            Some((fd, target.to_string_lossy().into_owned()))
        })
        .collect()
}

/// Children of `parent` that have exec'd `comm` (a child between fork and
/// exec still shows pipe-run's name).
fn children_running(parent: u32, comm: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = &stat[open + 1..close];
        let ppid = stat[close + 1..].split_whitespace().nth(1);
        if name == comm && ppid == Some(&parent.to_string()) {
            found.push(pid);
        }
    }
    found.sort();
    found
}

// ---------------------------------------------------------------------------
// What each stage has open

#[test]
fn a_stage_sees_only_the_standard_fds_and_its_own_directory_handle() {
    let dir = tmp();
    let out = run_clean(dir.path(), &["ls /proc/self/fd | cat"]);
    assert_success(&out, "ls | cat");
    // 3 is the handle ls itself opened on /proc/self/fd.
    assert_eq!(stdout(&out), "0\n1\n2\n3\n");
}

#[test]
fn a_middle_stage_sees_only_the_standard_fds() {
    let dir = tmp();
    let out = run_clean(dir.path(), &["ls /proc/self/fd | ls /proc/self/fd | cat"]);
    assert_success(&out, "ls | ls | cat");
    assert_eq!(stdout(&out), "0\n1\n2\n3\n");
}

#[test]
fn every_stage_of_three_lists_only_the_standard_fds() {
    let dir = tmp();
    let out = run_clean(
        dir.path(),
        &["ls /proc/self/fd > f1 | ls /proc/self/fd > f2 | ls /proc/self/fd > f3"],
    );
    assert_success(&out, "three ls stages");
    for name in ["f1", "f2", "f3"] {
        assert_eq!(
            fs::read_to_string(dir.path().join(name)).unwrap(),
            "0\n1\n2\n3\n",
            "fds of the stage writing {name}"
        );
    }
}

#[test]
fn a_redirection_adds_exactly_its_fd() {
    let dir = tmp();
    let out = run_clean(dir.path(), &["ls /proc/self/fd 3>f | cat"]);
    assert_success(&out, "3>f");
    // 3 is f; ls's directory handle takes the next free number.
    assert_eq!(stdout(&out), "0\n1\n2\n3\n4\n");

    let out = run_clean(dir.path(), &["ls /proc/self/fd 9>f 2>&1 | cat"]);
    assert_success(&out, "9>f 2>&1");
    assert_eq!(stdout(&out), "0\n1\n2\n3\n9\n");
}

#[test]
fn an_extra_fd_reaches_the_file_it_names() {
    let dir = tmp();
    let out = run_clean(dir.path(), &["sh -c 'echo via three >&3' 3>f | cat"]);
    assert_success(&out, "3>f");
    assert_eq!(
        fs::read_to_string(dir.path().join("f")).unwrap(),
        "via three\n"
    );
}

#[test]
fn running_stages_hold_exactly_their_pipe_ends() {
    let dir = tmp();
    let mut cmd = clean_command(dir.path(), &["cat | cat | cat"]);
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().expect("pipe-run starts");
    let pipe_run = child.id();
    eventually("three cat stages running", || {
        children_running(pipe_run, "cat").len() == 3
    });
    let own = open_fds(pipe_run);
    let pids = children_running(pipe_run, "cat");
    let stages: Vec<BTreeMap<u32, String>> = pids.iter().map(|&p| open_fds(p)).collect();

    for (i, fds) in stages.iter().enumerate() {
        assert_eq!(
            fds.keys().copied().collect::<Vec<_>>(),
            [0, 1, 2],
            "stage {} has {fds:?}",
            i + 1
        );
        assert_eq!(fds[&2], own[&2], "stage {} stderr", i + 1);
    }
    // Stages were started left to right, so their pids are in order.
    let [first, second, third] = &stages[..] else {
        unreachable!()
    };
    assert_eq!(first[&0], own[&0], "stage 1 reads pipe-run's stdin");
    assert_eq!(third[&1], own[&1], "stage 3 writes pipe-run's stdout");
    assert!(first[&1].starts_with("pipe:"), "{first:?}");
    assert_eq!(first[&1], second[&0], "stage 1 feeds stage 2");
    assert_eq!(second[&1], third[&0], "stage 2 feeds stage 3");
    assert_ne!(first[&1], second[&1], "two distinct pipes");

    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"through three cats\n").unwrap();
    drop(stdin);
    let out = finish(child);
    assert_success(&out, "cat | cat | cat");
    assert_eq!(stdout(&out), "through three cats\n");
}

// ---------------------------------------------------------------------------
// EOF

#[test]
fn the_last_stage_sees_eof_when_stdin_is_a_file() {
    let dir = tmp();
    let input = dir.path().join("input");
    fs::write(&input, vec![b'x'; 200_000]).unwrap();
    let mut cmd = clean_command(dir.path(), &["cat | cat | wc -c"]);
    cmd.stdin(fs::File::open(&input).unwrap());
    let out = finish(cmd.spawn().unwrap());
    assert_success(&out, "cat | cat | wc -c");
    assert_eq!(stdout(&out).trim(), "200000");
}

#[test]
fn the_last_stage_sees_eof_after_an_input_redirection() {
    let dir = tmp();
    fs::write(dir.path().join("input"), "a\nb\nc\n").unwrap();
    let out = run_clean(dir.path(), &["cat < input | cat | cat | wc -l"]);
    assert_success(&out, "cat < input | ...");
    assert_eq!(stdout(&out).trim(), "3");
}

#[test]
fn the_last_stage_sees_eof_when_the_caller_closes_stdin() {
    let dir = tmp();
    let mut cmd = clean_command(dir.path(), &["cat | sort | uniq -c | wc -l"]);
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"b\na\nb\n").unwrap();
    drop(stdin);
    let out = finish(child);
    assert_success(&out, "cat | sort | uniq -c | wc -l");
    assert_eq!(stdout(&out).trim(), "2");
}

// ---------------------------------------------------------------------------
// FIFOs

fn mkfifo(path: &Path) {
    nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
}

/// Run `f` (which may block, like opening a FIFO) and fail the test if it
/// does not return before the deadline.
fn within_deadline<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(DEADLINE)
        .unwrap_or_else(|_| panic!("still blocked after {DEADLINE:?}: {what}"))
}

fn fifo_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tmp();
    let fifo = dir.path().join("p");
    mkfifo(&fifo);
    (dir, fifo)
}

#[test]
fn a_fifo_written_by_one_stage_and_read_by_the_next_does_not_deadlock() {
    let (dir, _) = fifo_dir();
    let out = run_clean(dir.path(), &["printf abc > p | cat < p"]);
    assert_success(&out, "printf abc > p | cat < p");
    assert_eq!(stdout(&out), "abc");
}

#[test]
fn a_fifo_read_by_an_earlier_stage_than_its_writer_does_not_deadlock() {
    let (dir, _) = fifo_dir();
    let out = run_clean(dir.path(), &["cat < p > out | printf abc > p"]);
    assert_success(&out, "cat < p > out | printf abc > p");
    assert_eq!(fs::read_to_string(dir.path().join("out")).unwrap(), "abc");
}

#[test]
fn a_fifo_fed_from_outside_is_read_by_a_stage() {
    let (dir, fifo) = fifo_dir();
    let child = clean_command(dir.path(), &["cat < p | tr a b"])
        .spawn()
        .unwrap();
    // Blocks until the stage opens the FIFO: pipe-run must not be stuck
    // opening it itself.
    within_deadline("opening the FIFO for writing", move || {
        let mut writer = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        writer.write_all(b"aaa").unwrap();
    });
    let out = finish(child);
    assert_success(&out, "cat < p | tr a b");
    assert_eq!(stdout(&out), "bbb");
}

#[test]
fn a_stage_writing_to_a_fifo_is_read_from_outside() {
    let (dir, fifo) = fifo_dir();
    let child = clean_command(dir.path(), &["echo hello | tr a-z A-Z > p"])
        .spawn()
        .unwrap();
    let text = within_deadline("reading the FIFO", move || {
        let mut text = String::new();
        fs::File::open(&fifo)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    });
    let out = finish(child);
    assert_success(&out, "... > p");
    assert_eq!(text, "HELLO\n");
}

// ---------------------------------------------------------------------------
// Redirection order

const BOTH: &str = "sh -c 'echo out; echo err >&2'";

#[test]
fn dup_then_file_sends_stderr_to_the_old_stdout() {
    let dir = tmp();
    let out = run_clean(dir.path(), &[&format!("{BOTH} 2>&1 >f")]);
    assert_success(&out, "2>&1 >f");
    assert_eq!(fs::read_to_string(dir.path().join("f")).unwrap(), "out\n");
    assert_eq!(stdout(&out), "err\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn file_then_dup_sends_both_streams_to_the_file() {
    let dir = tmp();
    let out = run_clean(dir.path(), &[&format!("{BOTH} >f 2>&1")]);
    assert_success(&out, ">f 2>&1");
    assert_eq!(
        fs::read_to_string(dir.path().join("f")).unwrap(),
        "out\nerr\n"
    );
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
}

#[test]
fn only_stderr_goes_down_the_pipe_with_dup_then_devnull() {
    let dir = tmp();
    let out = run_clean(
        dir.path(),
        &[&format!("{BOTH} 2>&1 >/dev/null | tr a-z A-Z")],
    );
    assert_success(&out, "2>&1 >/dev/null |");
    assert_eq!(stdout(&out), "ERR\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn pipe_ampersand_carries_stdout_and_stderr() {
    let dir = tmp();
    let out = run_clean(dir.path(), &[&format!("{BOTH} |& tr a-z A-Z")]);
    assert_success(&out, "|&");
    assert_eq!(stdout(&out), "OUT\nERR\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn stderr_without_redirection_reaches_pipe_runs_stderr() {
    let dir = tmp();
    let out = run_clean(dir.path(), &[&format!("{BOTH} | tr a-z A-Z")]);
    assert_success(&out, "plain |");
    assert_eq!(stdout(&out), "OUT\n");
    assert_eq!(stderr(&out), "err\n");
}

/// Every file is opened before the first stage starts, so a pipeline with
/// more redirections than the usual soft limit of 1024 fds needs more:
/// pipe-run raises its soft limit to the hard one for the run, and each
/// stage gets the original limit back.
#[test]
fn more_redirections_than_the_soft_fd_limit_work_and_stages_keep_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let stages: Vec<String> = (0..1100).map(|i| format!("true > f{i}")).collect();
    let expr = format!("{} | sh -c 'ulimit -Sn'", stages.join(" | "));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -Sn 1024 && ulimit -Hn 4096 && exec \"$0\" \"$1\"")
        .arg(crate::support::bin())
        .arg(&expr)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1024\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1100);
}
