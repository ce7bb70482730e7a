//! The running stages: their pids, how each one ended, and the guarantee
//! that none outlives the run.
//!
//! Every stage is a direct child of pipe-run in pipe-run's own process
//! group, so the stages are signalled one by one by pid: signalling the
//! group would also reach whoever shares it with pipe-run (the calling
//! script, `make`).

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use super::spawn::Report;
use crate::report::outcome::StageStatus;

pub struct Stage {
    pub pid: Pid,
    pub status: Option<StageStatus>,
    /// Stopped by a signal, and not continued since.
    pub stopped: bool,
    pub report: Report,
    pub step_redirect: Vec<Option<usize>>,
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
}

impl Stages {
    pub fn new(reaping: Reaping) -> Stages {
        Stages {
            stages: Vec::new(),
            reaping,
        }
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
    /// blocking.
    pub fn reap(&mut self) {
        let flags = WaitPidFlag::WNOHANG | WaitPidFlag::WUNTRACED | WaitPidFlag::WCONTINUED;
        match self.reaping {
            Reaping::StagesOnly => {
                for stage in self.stages.iter_mut().filter(|s| s.status.is_none()) {
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
                }
            }
            Reaping::AnyChild => loop {
                match waitpid(None, Some(flags)) {
                    Ok(WaitStatus::StillAlive) | Err(_) => break,
                    Ok(status) => {
                        // A pid that is not a stage's is a leftover that
                        // ended by itself: nothing more to do.
                        if let Some(stage) =
                            self.stages.iter_mut().find(|s| Some(s.pid) == status.pid())
                        {
                            stage.record(status);
                        }
                    }
                }
            },
        }
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
