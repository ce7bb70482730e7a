//! Opening redirection files: an open that fails after validation (a
//! dangling symlink, a trailing `/`, a name too long, a running executable,
//! the fd limit) exits 2 naming the file, and leaves every file as it was:
//! `keep` still holds "precious\n" and no new file is left behind.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

use crate::support::{DEADLINE, bin, names, run_in, shell_status, stderr};

/// A directory holding `keep` with "precious\n".
fn scene() -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    fs::write(dir.path().join("keep"), "precious\n").unwrap();
    dir
}

/// Exit 2 with exactly `message`, `keep` intact, and only `names` in `dir`.
fn assert_refused(dir: &Path, out: &Output, message: &str, names_left: &[&str]) {
    assert_eq!(shell_status(out), 2, "stderr: {}", stderr(out));
    assert_eq!(stderr(out), format!("pipe-run: {message}\n"));
    assert!(!stderr(out).contains("os error"), "{}", stderr(out));
    assert_eq!(out.stdout, b"", "a stage ran");
    assert_eq!(
        fs::read_to_string(dir.join("keep")).unwrap(),
        "precious\n",
        "keep was truncated"
    );
    assert_eq!(names(dir), names_left, "a file was created or removed");
}

#[test]
fn a_dangling_symlink_into_a_missing_directory_creates_and_truncates_nothing() {
    let dir = scene();
    std::os::unix::fs::symlink("/nonexistent/x", dir.path().join("dl")).unwrap();
    let out = run_in(
        "echo a > keep | echo b > new | echo c > dl",
        &[],
        dir.path(),
    );
    assert_refused(
        dir.path(),
        &out,
        "cannot create dl: No such file or directory",
        &["dl", "keep"],
    );
}

#[test]
fn a_file_made_through_a_symlink_is_removed_again_and_the_link_kept() {
    let dir = scene();
    std::os::unix::fs::symlink("made", dir.path().join("via")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x", dir.path().join("dl")).unwrap();
    let out = run_in(
        "echo a > keep | echo b > via | echo c > dl",
        &[],
        dir.path(),
    );
    assert_refused(
        dir.path(),
        &out,
        "cannot create dl: No such file or directory",
        &["dl", "keep", "via"],
    );
    assert_eq!(
        fs::read_link(dir.path().join("via")).unwrap(),
        Path::new("made")
    );
}

#[test]
fn writing_through_a_dangling_symlink_creates_its_target() {
    let dir = scene();
    std::os::unix::fs::symlink("made", dir.path().join("via")).unwrap();
    let out = run_in("echo b > via", &[], dir.path());
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join("made")).unwrap(), "b\n");
    assert!(dir.path().join("via").is_symlink());
}

#[test]
fn a_trailing_slash_on_a_file_name_creates_and_truncates_nothing() {
    let dir = scene();
    let out = run_in(
        "echo a > keep | echo b > new | echo c > keep/",
        &[],
        dir.path(),
    );
    assert_refused(
        dir.path(),
        &out,
        "cannot create keep/: Not a directory",
        &["keep"],
    );
    // A missing name with a `/`: found out only when creating it.
    let out = run_in(
        "echo a > keep | echo b > new | echo c > other/",
        &[],
        dir.path(),
    );
    assert_refused(
        dir.path(),
        &out,
        "cannot create other/: Is a directory",
        &["keep"],
    );
}

#[test]
fn a_name_longer_than_name_max_creates_and_truncates_nothing() {
    let dir = scene();
    let long = "n".repeat(300);
    let expr = format!("echo a > keep | echo b > new | echo c > {long}");
    let out = run_in(&expr, &[], dir.path());
    assert_refused(
        dir.path(),
        &out,
        &format!("cannot create {long}: File name too long"),
        &["keep"],
    );
}

/// Kills and reaps the child on drop, so a failed assertion leaves no
/// sleeper behind.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `path 60`. A child that another test thread forked while the copy
/// was open for writing holds that fd until it execs, and exec says
/// ETXTBSY meanwhile: try again until then.
fn start_busy(path: &Path) -> std::process::Child {
    let start = std::time::Instant::now();
    loop {
        match Command::new(path).arg("60").spawn() {
            Ok(child) => return child,
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && start.elapsed() < DEADLINE => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => panic!("cannot start {}: {e}", path.display()),
        }
    }
}

#[test]
fn a_running_executable_creates_and_truncates_nothing() {
    let dir = scene();
    let busy = dir.path().join("busy");
    fs::copy("/bin/sleep", &busy).unwrap();
    let _sleeper = Running(start_busy(&busy));
    let out = run_in(
        "echo a > keep | echo b > new | echo c > busy",
        &[],
        dir.path(),
    );
    assert_refused(
        dir.path(),
        &out,
        "cannot create busy: Text file busy",
        &["busy", "keep"],
    );
}

/// `pipe-run EXPR` in `dir` with at most `limit` open files.
fn run_with_fd_limit(expr: &str, dir: &Path, limit: u64) -> Output {
    let mut cmd = Command::new(bin());
    cmd.arg(expr)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe and touches only this child.
    unsafe {
        cmd.pre_exec(move || {
            let rlim = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &rlim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().expect("pipe-run runs")
}

#[test]
fn the_fd_limit_while_opening_existing_files_truncates_nothing() {
    let dir = scene();
    let expr = format!("echo a > new{}", " > keep".repeat(30));
    let out = run_with_fd_limit(&expr, dir.path(), 16);
    assert_refused(
        dir.path(),
        &out,
        "cannot create keep: Too many open files",
        &["keep"],
    );
}

#[test]
fn the_fd_limit_while_creating_files_removes_those_made() {
    let dir = scene();
    let creates: String = (1..=30).map(|i| format!(" > n{i}")).collect();
    let out = run_with_fd_limit(&format!("echo a > keep{creates}"), dir.path(), 16);
    assert_eq!(shell_status(&out), 2, "stderr: {}", stderr(&out));
    let err = stderr(&out);
    let named = err
        .strip_prefix("pipe-run: cannot create n")
        .and_then(|rest| rest.strip_suffix(": Too many open files\n"));
    assert!(
        named.is_some_and(|n| n.parse::<u32>().is_ok()),
        "the message does not name the file: {err}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("keep")).unwrap(),
        "precious\n"
    );
    assert_eq!(names(dir.path()), ["keep"], "files made were left behind");
}

#[test]
fn a_later_redirection_may_read_a_file_an_earlier_one_creates() {
    let dir = scene();
    let out = run_in("printf abc > new | cat < new > /dev/null", &[], dir.path());
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join("new")).unwrap(), "abc");
    // In one stage, and after `>>` and `<>`: the read waits for the file.
    let out = run_in(
        "printf x >> new2 < new2 | printf y 1<> new3 3< new3",
        &[],
        dir.path(),
    );
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join("new2")).unwrap(), "x");
    assert_eq!(fs::read_to_string(dir.path().join("new3")).unwrap(), "y");
}

#[test]
fn a_file_named_twice_is_created_once() {
    let dir = scene();
    let out = run_in(
        "printf x >out >out2 >>out | printf y > out3 >out3",
        &[],
        dir.path(),
    );
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join("out")).unwrap(), "x");
    assert_eq!(fs::read_to_string(dir.path().join("out2")).unwrap(), "");
    assert_eq!(fs::read_to_string(dir.path().join("out3")).unwrap(), "y");
}

#[test]
fn an_existing_file_is_truncated_once_everything_is_open() {
    let dir = scene();
    fs::write(dir.path().join("other"), "old text\n").unwrap();
    let out = run_in("printf new > keep | printf x >> other", &[], dir.path());
    assert_eq!(shell_status(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join("keep")).unwrap(), "new");
    assert_eq!(
        fs::read_to_string(dir.path().join("other")).unwrap(),
        "old text\nx"
    );
}
