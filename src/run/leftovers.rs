//! Processes that stages leave behind: pipe-run becomes their subreaper
//! (`PR_SET_CHILD_SUBREAPER`), so that a stage's orphaned descendants come
//! back to pipe-run instead of to init, and can be found and ended once the
//! pipeline is over.
//!
//! Only direct children are ever signalled: a leftover's own children come
//! back to pipe-run in turn when it dies, and are ended on the next round.

use std::ffi::c_ulong;
use std::io;

use nix::errno::Errno;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, getpid};

use crate::report::outcome::Leftover;

/// pipe-run is a subreaper while this lives; dropping it restores what the
/// process had before (a library host may be a subreaper itself).
pub struct Subreaper {
    previous: libc::c_int,
}

impl Subreaper {
    pub fn start() -> io::Result<Subreaper> {
        let mut previous: libc::c_int = 0;
        // SAFETY: PR_GET_CHILD_SUBREAPER writes one int through the pointer,
        // which points at a live local.
        if unsafe {
            libc::prctl(
                libc::PR_GET_CHILD_SUBREAPER,
                &mut previous as *mut libc::c_int,
            )
        } != 0
        {
            return Err(io::Error::last_os_error());
        }
        set(1)?;
        Ok(Subreaper { previous })
    }
}

fn set(value: libc::c_int) -> io::Result<()> {
    // SAFETY: PR_SET_CHILD_SUBREAPER takes a plain integer argument.
    if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, value as c_ulong) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

impl Drop for Subreaper {
    fn drop(&mut self) {
        let _ = set(self.previous);
    }
}

/// Reap every child that has ended, without blocking; then say whether any
/// child is still running.
pub fn any_child_running() -> bool {
    loop {
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => return true,
            Ok(_) => continue,
            Err(Errno::EINTR) => continue,
            Err(_) => return false,
        }
    }
}

/// pipe-run's children still running, with their command lines. A child
/// that is already exiting (a zombie, or one that a signal from elsewhere
/// is ending: `timeout` signals its own group) is not counted: it was not
/// left running.
pub fn children() -> Vec<Leftover> {
    let me = getpid();
    let pids = from_task_files(me).unwrap_or_else(|| from_proc_scan(me));
    pids.into_iter()
        .filter(|&pid| stat(pid).is_some_and(|s| !s.exiting()))
        .map(|pid| Leftover {
            pid: pid.as_raw(),
            command: command_line(pid),
        })
        .collect()
}

/// The fields of `/proc/PID/stat` that matter here.
struct Stat {
    state: char,
    parent: i32,
    flags: u64,
}

impl Stat {
    fn exiting(&self) -> bool {
        /// The kernel's PF_EXITING: set as the process starts to exit.
        const PF_EXITING: u64 = 0x4;
        matches!(self.state, 'Z' | 'X' | 'x') || self.flags & PF_EXITING != 0
    }
}

fn stat(pid: Pid) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which may hold spaces and
    // parentheses: state, ppid, pgrp, session, tty_nr, tpgid, flags, ...
    let mut fields = text.rsplit_once(')')?.1.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    let flags = fields.nth(4)?.parse().ok()?;
    Some(Stat {
        state,
        parent,
        flags,
    })
}

/// `/proc/self/task/*/children`: cheap, where the kernel provides it.
fn from_task_files(me: Pid) -> Option<Vec<Pid>> {
    let tasks = std::fs::read_dir(format!("/proc/{me}/task")).ok()?;
    let mut pids = Vec::new();
    for task in tasks.flatten() {
        let text = std::fs::read_to_string(task.path().join("children")).ok()?;
        pids.extend(
            text.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .map(Pid::from_raw),
        );
    }
    Some(pids)
}

/// Every process whose parent is pipe-run, from `/proc/PID/stat`.
fn from_proc_scan(me: Pid) -> Vec<Pid> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .map(Pid::from_raw)
        .filter(|&pid| stat(pid).is_some_and(|s| s.parent == me.as_raw()))
        .collect()
}

fn command_line(pid: Pid) -> String {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let words: Vec<String> = raw
        .split(|&b| b == 0)
        .filter(|w| !w.is_empty())
        .map(|w| crate::plan::stage::quote(&String::from_utf8_lossy(w)))
        .collect();
    words.join(" ")
}
