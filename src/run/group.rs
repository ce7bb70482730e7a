//! The pipeline's process group: its members, their reaping, and the
//! guarantee that none outlives the run.
//!
//! Invariant: no member is reaped before every stage has been spawned (the
//! supervisor starts reaping only then), because a reaped leader takes the
//! group id with it and a later `setpgid` into the group would fail.

use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use super::spawn::Report;
use crate::report::outcome::StageStatus;

pub struct Member {
    pub pid: Pid,
    pub status: Option<StageStatus>,
    pub report: Report,
    pub step_redirect: Vec<Option<usize>>,
}

#[derive(Default)]
pub struct Group {
    pub members: Vec<Member>,
}

/// What one round of reaping saw.
#[derive(Default)]
pub struct Reaped {
    /// A member was stopped by a job-control signal.
    pub stopped: bool,
}

impl Group {
    /// The group id: the first stage's pid.
    pub fn pgid(&self) -> Option<Pid> {
        self.members.first().map(|m| m.pid)
    }

    pub fn alive(&self) -> bool {
        self.members.iter().any(|m| m.status.is_none())
    }

    /// Send `sig` to the whole group (members and their descendants that
    /// stayed in it).
    pub fn signal(&self, sig: i32) {
        if let (Some(pgid), Ok(sig)) = (self.pgid(), Signal::try_from(sig))
            && self.alive()
        {
            let _ = killpg(pgid, sig);
        }
    }

    /// Collect every member that changed state, without blocking.
    pub fn reap(&mut self) -> Reaped {
        let mut reaped = Reaped::default();
        let flags = WaitPidFlag::WNOHANG | WaitPidFlag::WUNTRACED | WaitPidFlag::WCONTINUED;
        for member in self.members.iter_mut().filter(|m| m.status.is_none()) {
            loop {
                match waitpid(member.pid, Some(flags)) {
                    Ok(WaitStatus::Exited(_, code)) => {
                        member.status = Some(StageStatus::Exited(code));
                    }
                    Ok(WaitStatus::Signaled(_, sig, _)) => {
                        member.status = Some(StageStatus::Signaled(sig as i32));
                    }
                    Ok(WaitStatus::Stopped(..)) => {
                        reaped.stopped = true;
                        continue;
                    }
                    Ok(WaitStatus::Continued(_)) => continue,
                    Ok(_) => {}
                    // Not our child any more (someone else reaped it): there
                    // is no status to be had.
                    Err(nix::errno::Errno::ECHILD) => {
                        member.status = Some(StageStatus::Exited(127));
                    }
                    Err(_) => {}
                }
                break;
            }
        }
        reaped
    }
}

impl Drop for Group {
    /// On any early exit (an error or a panic unwinding), kill what is left
    /// and reap it, so no stage is left running or as a zombie.
    fn drop(&mut self) {
        if !self.alive() {
            return;
        }
        self.signal(libc::SIGKILL);
        for member in self.members.iter_mut().filter(|m| m.status.is_none()) {
            let _ = nix::sys::signal::kill(member.pid, Signal::SIGKILL);
            let _ = waitpid(member.pid, None);
            member.status = Some(StageStatus::Signaled(libc::SIGKILL));
        }
    }
}
