//! pipe-run in a real terminal (tmux): the pipeline gets the keyboard, and
//! Ctrl-C, Ctrl-Z and `fg` behave as they do for a shell's own pipeline.

use std::process::Command;

use crate::support::{bin, eventually, processes_running};

/// An interactive bash in a detached tmux session on a private server.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("pipe-run-test-{name}-{}", std::process::id()),
        };
        let status = tmux
            .cmd()
            .args(["new-session", "-d", "-x", "100", "-y", "20"])
            .args(["env", "PS1=$ ", "bash", "--norc", "--noprofile", "-i"])
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

    fn wait_for(&self, text: &str) {
        eventually(&format!("{text:?} on the screen"), || {
            self.screen().contains(text)
        });
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
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
    eventually("the job is reported stopped", || {
        t.type_line("clear; jobs");
        std::thread::sleep(std::time::Duration::from_millis(200));
        t.screen().contains("Stopped")
    });
    t.type_line("fg");
    t.wait_foreground("tr a-z A-Z");
    t.type_line("typed after fg");
    t.wait_for("TYPED AFTER FG");
    t.keys(&["C-d"]);
    t.type_line("echo status=$?");
    t.wait_for("status=0");
}
