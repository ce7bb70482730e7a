//! pipe-run in a real terminal (tmux): the pipeline gets the keyboard, and
//! Ctrl-C, Ctrl-Z and `fg` behave as they do for a shell's own pipeline.
//! pipe-run stays in its caller's process group, so one Ctrl-C also stops
//! a script or `make` that runs it, and a background pipe-run leaves the
//! terminal to its caller.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::{DEADLINE, KillOnDrop, bin, eventually, processes_running, processes_with};

/// An interactive bash in a detached tmux session on a private server,
/// started in a fresh directory of its own.
struct Tmux {
    socket: String,
    dir: tempfile::TempDir,
    /// How many times [`Tmux::status`] was called.
    asked: std::cell::Cell<u32>,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("pipe-run-test-{name}-{}", std::process::id()),
            dir: tempfile::tempdir().unwrap(),
            asked: std::cell::Cell::new(0),
        };
        let status = tmux
            .cmd()
            .args(["new-session", "-d", "-x", "100", "-y", "20", "-c"])
            .arg(tmux.dir.path())
            // A `make` typed in the session is a make of its own, not part
            // of cargo's jobserver.
            .args(["env", "-u", "MAKEFLAGS", "-u", "MFLAGS", "-u", "MAKELEVEL"])
            .args(["PS1=$ ", "bash", "--norc", "--noprofile", "-i"])
            .status()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(status.success());
        eventually("the shell prompt", || tmux.screen().contains('$'));
        tmux
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    fn keys(&self, keys: &[&str]) {
        let status = self.cmd().arg("send-keys").args(keys).status().unwrap();
        assert!(status.success());
    }

    fn type_line(&self, line: &str) {
        self.keys(&["-l", line]);
        self.keys(&["Enter"]);
    }

    /// What the pane shows now.
    fn screen(&self) -> String {
        let out = self.cmd().args(["capture-pane", "-p"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Wait until a process whose command line starts with `args` runs in
    /// this terminal's foreground. Typing before the pipeline has the
    /// foreground would race with the shell: readline may read the
    /// typed-ahead line itself.
    fn wait_foreground(&self, args: &str) {
        let tty = self
            .cmd()
            .args(["display-message", "-p", "#{pane_tty}"])
            .output()
            .unwrap();
        let tty = String::from_utf8_lossy(&tty.stdout).trim().to_string();
        eventually(&format!("{args:?} in the foreground of {tty}"), || {
            let ps = Command::new("ps")
                .args(["-o", "stat=,args=", "-t", &tty])
                .output()
                .unwrap();
            String::from_utf8_lossy(&ps.stdout).lines().any(|line| {
                line.split_once(' ').is_some_and(|(stat, rest)| {
                    stat.contains('+') && rest.trim_start().starts_with(args)
                })
            })
        });
    }

    /// Everything the pane has shown, scrolled-off lines included.
    fn history(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-S", "-"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, text: &str) {
        self.wait_until(&format!("{text:?} on the screen"), |screen| {
            screen.contains(text)
        });
    }

    /// Poll the screen until `cond` holds; past the deadline, fail showing
    /// the screen.
    fn wait_until(&self, what: &str, mut cond: impl FnMut(&str) -> bool) {
        let start = std::time::Instant::now();
        loop {
            let screen = self.screen();
            if cond(&screen) {
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for: {what}\n--- screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until the shell has read and run everything typed so far:
    /// `echo` prints a line that the typed command itself does not show.
    fn wait_for_shell(&self) {
        self.type_line("echo shell-ready-$((6*7))");
        self.wait_for("shell-ready-42");
    }

    /// `$?` of the last command the shell ran, asked for on a line of its
    /// own (bash drops the rest of a `;` list after a job dies of SIGINT or
    /// stops).
    fn status(&self) -> i32 {
        let n = self.asked.get() + 1;
        self.asked.set(n);
        let tag = format!("status-{n}:");
        self.type_line(&format!("echo \"{tag}$?:\""));
        let mut status = None;
        self.wait_until(&format!("the {tag} line"), |screen| {
            status = screen
                .lines()
                .find_map(|l| l.strip_prefix(&tag)?.strip_suffix(':')?.parse().ok());
            status.is_some()
        });
        status.unwrap()
    }

    /// The interactive shell's pid.
    fn shell_pid(&self) -> u32 {
        let out = self
            .cmd()
            .args(["display-message", "-p", "#{pane_pid}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }

    /// Has the shell taken back the terminal's foreground, as it does once
    /// its job has stopped or ended?
    fn shell_in_foreground(&self) -> bool {
        let shell = self.shell_pid();
        stat_field(shell, 5).is_some_and(|tpgid| tpgid == shell.to_string())
    }

    /// The pipe-run the shell is running (its only child).
    fn pipe_run_pid(&self) -> Option<u32> {
        children(self.shell_pid()).first().copied()
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// Write a file into the session's directory, with `PIPE_RUN` replaced
    /// by the quoted path of the binary under test.
    fn write(&self, name: &str, text: &str) {
        fs::write(
            self.path(name),
            text.replace("PIPE_RUN", &shell_quote(bin())),
        )
        .unwrap();
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The pipe-run command line typed for `expr`.
fn pipe_run(expr: &str) -> String {
    format!("{} {}", shell_quote(bin()), shell_quote(expr))
}

/// Field `index` of `/proc/PID/stat`, counted from the state (0) on, after
/// the command name: 1 is the parent, 5 the terminal's foreground group.
fn stat_field(pid: u32, index: usize) -> Option<String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(index).map(str::to_string)
}

/// The state letter of a process: `S`, `R`, `T` (stopped), `D`...
fn state(pid: u32) -> Option<String> {
    stat_field(pid, 0)
}

fn children(pid: u32) -> Vec<u32> {
    fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

fn lines_of(path: &Path) -> usize {
    fs::read_to_string(path).map_or(0, |text| text.lines().count())
}

#[test]
fn the_keyboard_reaches_the_pipeline() {
    let t = Tmux::new("keyboard");
    t.type_line(&format!("{} 'cat | tr a-z A-Z'; echo status=$?", bin()));
    t.wait_foreground("tr a-z A-Z");
    // `cat` reads the terminal: it must be in the foreground group, or it
    // would be stopped by SIGTTIN.
    t.type_line("hello from the keyboard");
    t.wait_for("HELLO FROM THE KEYBOARD");
    t.keys(&["C-d"]);
    t.wait_for("status=0");
}

#[test]
fn ctrl_c_ends_the_pipeline_with_130_and_leaves_nothing() {
    let t = Tmux::new("ctrl-c");
    t.type_line(&format!("{} 'sleep 8101.5 | cat'", bin()));
    eventually("the stage started", || {
        !processes_running(&["sleep", "8101.5"]).is_empty()
    });
    t.keys(&["C-c"]);
    eventually("the stage ended", || {
        processes_running(&["sleep", "8101.5"]).is_empty()
    });
    // Asked separately: bash drops the rest of a `;` list when its job dies
    // of SIGINT, which is what pipe-run passes on.
    t.type_line("echo status=$?");
    t.wait_for("status=130");
}

#[test]
fn ctrl_z_stops_the_job_and_fg_resumes_it_with_the_keyboard() {
    let t = Tmux::new("ctrl-z");
    t.type_line(&format!("{} 'cat | tr a-z A-Z'", bin()));
    t.wait_foreground("tr a-z A-Z");
    t.type_line("before");
    t.wait_for("BEFORE");
    t.keys(&["C-z"]);
    t.wait_for("Stopped");
    t.type_line("fg");
    t.wait_foreground("tr a-z A-Z");
    t.type_line("after");
    t.wait_for("AFTER");
    t.keys(&["C-d"]);
    // A stopped job's `;` list is dropped by bash, so ask separately.
    t.type_line("echo status=$?");
    t.wait_for("status=0");
}

#[test]
fn a_pipeline_started_in_the_background_gets_the_keyboard_after_fg() {
    let t = Tmux::new("bg");
    t.type_line(&format!("{} 'cat | tr a-z A-Z' &", bin()));
    // `cat` reads the terminal from the background: the job stops, as
    // `cat &` does under a shell.
    t.wait_until("the job is reported stopped", |screen| {
        if screen.contains("Stopped") {
            return true;
        }
        t.type_line("clear; jobs");
        std::thread::sleep(Duration::from_millis(200));
        false
    });
    t.type_line("fg");
    t.wait_foreground("tr a-z A-Z");
    t.type_line("typed after fg");
    t.wait_for("TYPED AFTER FG");
    t.keys(&["C-d"]);
    t.type_line("echo status=$?");
    t.wait_for("status=0");
}

// ---------------------------------------------------------------------------
// pipe-run shares its caller's process group

#[test]
fn one_ctrl_c_stops_a_script_that_loops_around_pipe_run() {
    let marker = ["sleep", "8301.5"];
    let _cleanup = KillOnDrop("8301.5");
    let t = Tmux::new("loop");
    t.write(
        "script.sh",
        "for i in 1 2 3; do PIPE_RUN 'sleep 8301.5 | cat'; echo \"iteration $i done\"; done; \
         echo loop-finished\n",
    );
    t.type_line("bash script.sh; echo status=$?");
    eventually("the stage started", || {
        !processes_running(&marker).is_empty()
    });
    t.keys(&["C-c"]);
    // The script died of SIGINT, as a bash script does when its foreground
    // command does and it got the SIGINT too (and the interactive bash
    // then drops `; echo status=$?`: hence the separate question).
    assert_eq!(t.status(), 130);
    let history = t.history();
    assert!(
        !history.contains("iteration 1 done") && !history.contains("loop-finished"),
        "the script went on after Ctrl-C:\n{history}"
    );
    assert_eq!(processes_running(&marker), Vec::<u32>::new());
}

#[test]
fn one_ctrl_c_stops_make_k_which_deletes_the_half_made_target() {
    let marker = ["sh", "slow-int.sh", "8302.5"];
    let _cleanup = KillOnDrop("8302.5");
    let t = Tmux::new("make");
    // The stage takes a moment to die of SIGINT. make handles SIGINT by
    // waiting for its child: had the child died at the very moment make
    // got the signal, make could reap it in its main loop and find no child
    // left in its handler ("wait: No child processes. Stop."), a race in
    // make itself that a `bash -c` recipe shows as well.
    t.write(
        "slow-int.sh",
        "trap 'sleep 0.5; trap - INT; kill -INT $$' INT\n\
         echo partial\n\
         while :; do sleep 0.1; done\n",
    );
    t.write(
        "Makefile",
        "all: out.txt marker\n\
         out.txt:\n\
         \tPIPE_RUN 'sh slow-int.sh 8302.5 | cat > out.txt'\n\
         marker:\n\
         \ttouch marker\n",
    );
    t.type_line("make -k");
    eventually("the stage started and wrote", || {
        !processes_running(&marker).is_empty()
            && fs::read_to_string(t.path("out.txt")).is_ok_and(|text| text == "partial\n")
    });
    t.keys(&["C-c"]);
    t.wait_for("Interrupt");
    // make got the SIGINT itself: it dies of it.
    assert_eq!(t.status(), 130);
    let screen = t.history();
    assert!(
        screen.contains("Deleting file 'out.txt'"),
        "make did not delete the target:\n{screen}"
    );
    assert!(!t.path("out.txt").exists(), "out.txt is still there");
    // With -k, a make that saw only a failed recipe goes on to the next
    // target; a make that was interrupted itself stops.
    assert!(
        !t.path("marker").exists(),
        "make went on with the next target:\n{screen}"
    );
    assert_eq!(processes_running(&marker), Vec::<u32>::new());
}

#[test]
fn a_background_pipe_run_leaves_the_terminal_to_the_script() {
    // The stage says it started, then runs until the test creates
    // `release`; the script reads the terminal only once the stage runs.
    let stage = [
        "sh",
        "-c",
        "echo > started; until test -e release; do sleep 0.05; done",
        "waiting-8303",
    ];
    let _cleanup = KillOnDrop("waiting-8303");
    let t = Tmux::new("bg-read");
    t.write(
        "script.sh",
        "PIPE_RUN 'sh -c \"echo > started; until test -e release; do sleep 0.05; done\" waiting-8303 | cat' &\n\
         until test -e started; do sleep 0.05; done\n\
         read -r line\n\
         echo \"got:$line\"\n\
         wait $!\n\
         echo \"bg-status=$?\"\n",
    );
    t.type_line("bash script.sh");
    eventually("the stage started", || {
        !processes_running(&stage).is_empty()
    });
    // `read` reads the terminal: had pipe-run handed the terminal to its
    // stages, the script would be stopped by SIGTTIN here.
    t.type_line("typed while pipe-run runs");
    t.wait_for("got:typed while pipe-run runs");
    fs::write(t.path("release"), "").unwrap();
    t.wait_for("bg-status=0");
    assert_eq!(processes_running(&stage), Vec::<u32>::new());
}

#[test]
fn a_background_pipeline_whose_first_stage_reads_the_terminal_stops_whole() {
    // The first `cat` reads the terminal from the background and its
    // SIGTTIN stops the whole group, most likely while pipe-run is still
    // starting the later stages. Whenever that happens, pipe-run must stop
    // too, so that the shell sees the job stopped.
    let expr = format!("cat{} # ttin-8306", " | cat".repeat(40));
    let _cleanup = KillOnDrop("ttin-8306");
    let t = Tmux::new("bg-ttin");
    for attempt in 1..=10 {
        t.type_line(&format!("{} &", pipe_run(&expr)));
        let mut pid = None;
        eventually("pipe-run started", || {
            pid = t.pipe_run_pid();
            pid.is_some()
        });
        let pid = pid.unwrap();
        let start = std::time::Instant::now();
        loop {
            if state(pid).as_deref() == Some("T") {
                break;
            }
            // A child stopped before its exec (its command line is still
            // pipe-run's) while pipe-run waits for that exec in `D`.
            let argv = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let stuck = children(pid).into_iter().find(|&c| {
                state(c).as_deref() == Some("T")
                    && fs::read(format!("/proc/{c}/cmdline")).is_ok_and(|a| a == argv)
            });
            if let Some(child) = stuck {
                std::thread::sleep(Duration::from_secs(1));
                let still =
                    state(pid).as_deref() == Some("D") && state(child).as_deref() == Some("T");
                assert!(
                    !still,
                    "attempt {attempt}: pipe-run {pid} is stuck in D starting stage {child}, \
                     which was stopped before its exec"
                );
            }
            assert!(start.elapsed() < DEADLINE, "pipe-run {pid} never stopped");
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: killing the pipe-run this test started; its stages die
        // with it (parent-death signal).
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        eventually("pipe-run is gone", || t.pipe_run_pid().is_none());
    }
}

// ---------------------------------------------------------------------------
// Stages and the terminal

/// Is a child of `parent` blocked opening a file?
fn child_blocked_in_open(parent: u32) -> bool {
    children(parent).into_iter().any(|child| {
        let syscall = fs::read_to_string(format!("/proc/{child}/syscall")).unwrap_or_default();
        let number: i64 = syscall
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(-1);
        number == libc::SYS_openat || number == libc::SYS_open
    })
}

#[test]
fn one_ctrl_c_ends_a_stage_blocked_opening_a_fifo() {
    let _cleanup = KillOnDrop("fifo-8305");
    let t = Tmux::new("fifo");
    let made = Command::new("mkfifo")
        .arg(t.path("fifo-8305"))
        .status()
        .unwrap();
    assert!(made.success());
    t.type_line(&pipe_run("cat < fifo-8305"));
    let mut pid = None;
    eventually("the stage blocked opening the FIFO", || {
        pid = t.pipe_run_pid();
        pid.is_some_and(child_blocked_in_open)
    });
    t.keys(&["C-c"]);
    assert_eq!(t.status(), 130);
    let pid = pid.unwrap();
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "pipe-run is still there"
    );
    assert_eq!(t.pipe_run_pid(), None);
}

/// Is `less` showing the top of `seq 1 5000`: `1` on the first line and
/// its `:` prompt on the last?
fn less_shows_the_top(screen: &str) -> bool {
    let lines: Vec<&str> = screen.lines().collect();
    lines.first().is_some_and(|l| l.trim_end() == "1")
        && lines.get(1).is_some_and(|l| l.trim_end() == "2")
        && lines
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_end() == ":")
}

#[test]
fn less_as_a_stage_pages_and_quits() {
    let t = Tmux::new("less");
    t.type_line(&pipe_run("seq 1 5000 | less"));
    t.wait_until("less shows the first page", less_shows_the_top);
    t.keys(&["q"]);
    assert_eq!(t.status(), 0);
}

#[test]
fn less_as_a_stage_stops_on_ctrl_z_and_redraws_after_fg() {
    let t = Tmux::new("less-z");
    t.type_line(&pipe_run("seq 1 5000 | less"));
    t.wait_until("less shows the first page", less_shows_the_top);
    let pid = t.pipe_run_pid().expect("pipe-run runs");
    let less = *children(pid).last().expect("less runs");
    t.keys(&["C-z"]);
    eventually(
        "less and pipe-run stopped, the shell took the terminal",
        || {
            state(less).as_deref() == Some("T")
                && state(pid).as_deref() == Some("T")
                && t.shell_in_foreground()
        },
    );
    t.type_line("fg");
    t.wait_until("less redraws its page", |screen| {
        !screen.contains("Stopped") && less_shows_the_top(screen)
    });
    t.keys(&["q"]);
    assert_eq!(t.status(), 0);
}

#[test]
fn ctrl_z_lets_a_full_screen_stage_clean_up_before_the_shell_reports_stopped() {
    // Like less or vim: draws on the alternate screen, and on SIGTSTP takes
    // its time to leave it before stopping. bash running such a program
    // (or a pipeline of them) itself waits until it has stopped.
    let t = Tmux::new("alt-screen");
    t.write(
        "full-screen.sh",
        "printf '\\033[?1049h\\033[H\\033[2JALT-SCREEN-PAGE\\n'\n\
         trap 'sleep 1; printf \"\\033[?1049l\"; kill -STOP $$' TSTP\n\
         exec 3<> idle\n\
         while :; do read -t 0.05 -u 3 _; done\n",
    );
    let made = Command::new("mkfifo").arg(t.path("idle")).status().unwrap();
    assert!(made.success());
    let _cleanup = KillOnDrop("full-screen-8307");
    t.type_line(&pipe_run("bash full-screen.sh full-screen-8307"));
    t.wait_for("ALT-SCREEN-PAGE");
    let pid = t.pipe_run_pid().expect("pipe-run runs");
    let stage = *children(pid).last().expect("the stage runs");
    t.keys(&["C-z"]);
    eventually(
        "the stage and pipe-run stopped, the shell took the terminal",
        || {
            state(stage).as_deref() == Some("T")
                && state(pid).as_deref() == Some("T")
                && t.shell_in_foreground()
        },
    );
    t.wait_for("Stopped");
    assert!(
        !t.screen().contains("ALT-SCREEN-PAGE"),
        "still on the stage's screen"
    );
    t.type_line("kill -KILL %1");
}

#[test]
fn terminal_modes_are_restored_after_a_stage_is_killed() {
    let t = Tmux::new("stty");
    t.type_line(&pipe_run(r#"sh -c "stty -echo; kill -KILL \$\$""#));
    assert_eq!(t.status(), 137);
    // One word a line: `mode:echo` or `mode:-echo`.
    t.type_line("stty -a | tr -s ' ;' '\\n\\n' | grep -xE -- '-?echo' | sed 's/^/mode:/'");
    t.wait_for("mode:");
    t.wait_for_shell();
    let screen = t.screen();
    assert!(
        screen.contains("mode:echo") && !screen.contains("mode:-echo"),
        "the terminal was left without echo:\n{screen}"
    );
}

#[test]
fn a_ctrl_c_from_the_terminal_reaches_each_stage_once() {
    let t = Tmux::new("once");
    let _cleanup = KillOnDrop("trap-8304");
    // Counts the SIGINTs it gets, until `release` exists.
    t.write(
        "trap.sh",
        "trap 'echo int >> log' INT\n\
         echo > ready\n\
         until test -e release; do sleep 0.05; done\n\
         exit 0\n",
    );
    t.type_line(&pipe_run("sh trap.sh trap-8304"));
    eventually("the stage set its trap", || t.path("ready").exists());
    t.keys(&["C-c"]);
    eventually("the stage got SIGINT", || lines_of(&t.path("log")) >= 1);
    // A second SIGINT, if pipe-run sent one, would come right after.
    std::thread::sleep(Duration::from_millis(500));
    fs::write(t.path("release"), "").unwrap();
    eventually("pipe-run ended", || processes_with("trap-8304").is_empty());
    assert_eq!(
        fs::read_to_string(t.path("log")).unwrap(),
        "int\n",
        "SIGINT reached the stage more than once"
    );
    // The stage exited 0 after its trap, so pipe-run does too: a pipe-run
    // that had sent the SIGINT on itself would die of it (130).
    assert_eq!(t.status(), 0);
}
