//! The running stages: their pids, how each one ended, and the guarantee
//! that none outlives the run.
//!
//! Every stage is a direct child of pipe-run in pipe-run's own process
//! group, so the stages are signalled one by one by pid: signalling the
//! group would also reach whoever shares it with pipe-run (the calling
//! script, `make`).

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::time::Instant;

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use super::child;
use super::spawn::{Report, StepOrigin};
use crate::report::outcome::StageStatus;

pub struct Stage {
    pub pid: Pid,
    pub status: Option<StageStatus>,
    /// Stopped by a signal, and not continued since.
    pub stopped: bool,
    pub report: Report,
    pub steps: Vec<StepOrigin>,
    pub started: Instant,
    pub ended: Option<Instant>,
}

impl Stage {
    /// Has the child got past its fd setup (exec'd, or failed)? A forked
    /// child's report pipe says so when it becomes readable.
    pub fn set_up(&self) -> bool {
        matches!(self.report, Report::Ready(_)) || self.status.is_some()
    }

    /// Read the report pipe of a forked child that has exec'd or exited:
    /// call only when it is readable (or the child has ended), so it does
    /// not block.
    pub fn collect_report(&mut self) {
        if let Report::Pending(pipe) = &self.report {
            let mut buf = [0u8; 8];
            let report = match nix::unistd::read(pipe.as_fd(), &mut buf) {
                Ok(8) => child::decode(u64::from_ne_bytes(buf)),
                _ => None,
            };
            self.report = Report::Ready(report);
        }
    }
}

/// How pipe-run collects ended children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaping {
    /// `waitpid` on each stage's pid: a library host's other children are
    /// never touched.
    StagesOnly,
    /// `waitpid(-1)`: also collects the processes that stages left behind
    /// and that came back to pipe-run as their subreaper.
    AnyChild,
}

pub struct Stages {
    pub stages: Vec<Stage>,
    pub reaping: Reaping,
    /// Index of each stage by pid.
    by_pid: HashMap<i32, usize>,
}

impl Stages {
    pub fn new(reaping: Reaping) -> Stages {
        Stages {
            stages: Vec::new(),
            reaping,
            by_pid: HashMap::new(),
        }
    }

    pub fn push(&mut self, stage: Stage) {
        self.by_pid.insert(stage.pid.as_raw(), self.stages.len());
        self.stages.push(stage);
    }

    pub fn alive(&self) -> bool {
        self.stages.iter().any(|s| s.status.is_none())
    }

    /// Has every stage still running stopped?
    pub fn all_stopped(&self) -> bool {
        self.stages.iter().all(|s| s.status.is_some() || s.stopped)
    }

    /// Send `sig` to every stage still running.
    pub fn signal(&self, sig: i32) {
        let Ok(sig) = Signal::try_from(sig) else {
            return;
        };
        for stage in self.stages.iter().filter(|s| s.status.is_none()) {
            let _ = kill(stage.pid, sig);
        }
    }

    /// Collect every child that ended, stopped or continued, without
    /// blocking. Returns the stages that ended.
    pub fn reap(&mut self) -> Vec<usize> {
        let flags = WaitPidFlag::WNOHANG | WaitPidFlag::WUNTRACED | WaitPidFlag::WCONTINUED;
        let mut ended = Vec::new();
        match self.reaping {
            Reaping::StagesOnly => {
                for (index, stage) in self.stages.iter_mut().enumerate() {
                    if stage.status.is_some() {
                        continue;
                    }
                    loop {
                        match waitpid(stage.pid, Some(flags)) {
                            Ok(WaitStatus::StillAlive) => {}
                            Ok(status) => {
                                stage.record(status);
                                if stage.status.is_none() {
                                    continue;
                                }
                            }
                            // Not our child any more (someone else reaped
                            // it): there is no status to be had.
                            Err(Errno::ECHILD) => stage.status = Some(StageStatus::Exited(127)),
                            Err(_) => {}
                        }
                        break;
                    }
                    if stage.status.is_some() {
                        ended.push(index);
                    }
                }
            }
            Reaping::AnyChild => loop {
                match waitpid(None, Some(flags)) {
                    Ok(WaitStatus::StillAlive) | Err(_) => break,
                    Ok(status) => {
                        // A pid that is not a stage's is a leftover that
                        // ended by itself: nothing more to do.
                        let index = status
                            .pid()
                            .and_then(|pid| self.by_pid.get(&pid.as_raw()).copied());
                        if let Some(index) = index {
                            let stage = &mut self.stages[index];
                            stage.record(status);
                            if stage.status.is_some() {
                                ended.push(index);
                            }
                        }
                    }
                }
            },
        }
        for &index in &ended {
            let stage = &mut self.stages[index];
            stage.ended = Some(Instant::now());
            stage.collect_report();
        }
        ended
    }
}

impl Stage {
    fn record(&mut self, status: WaitStatus) {
        match status {
            WaitStatus::Exited(_, code) => self.status = Some(StageStatus::Exited(code)),
            WaitStatus::Signaled(_, sig, _) => {
                self.status = Some(StageStatus::Signaled(sig as i32));
            }
            WaitStatus::Stopped(..) => self.stopped = true,
            WaitStatus::Continued(_) => self.stopped = false,
            _ => {}
        }
    }
}

impl Drop for Stages {
    /// On any early exit (an error or a panic unwinding), kill what is left
    /// and reap it, so no stage is left running or as a zombie.
    fn drop(&mut self) {
        for stage in self.stages.iter_mut().filter(|s| s.status.is_none()) {
            let _ = kill(stage.pid, Signal::SIGKILL);
            let _ = waitpid(stage.pid, None);
            stage.status = Some(StageStatus::Signaled(libc::SIGKILL));
        }
    }
}
