//! The supervisor: the loop that waits for the pipeline to finish.
//!
//! It sleeps in `poll` on the signal self-pipe (never busy-waits), and on
//! each wake-up: forwards terminating signals to the group, handles job
//! control (Ctrl-Z and `fg`), and reaps stages that ended.

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use std::os::fd::BorrowedFd;

use super::group::Group;
use super::signals::{FORWARDED, Signals, has};
use super::terminal::Terminal;

/// Who stops when the pipeline is suspended.
#[derive(Clone, Copy)]
enum Stop {
    /// pipe-run alone: it was sent SIGTSTP itself, and whoever sent it
    /// decides about the rest of its job.
    Myself,
    /// pipe-run's whole process group: the stages were stopped from the
    /// terminal, which would have stopped the whole job had pipe-run not
    /// given the pipeline a group of its own.
    WholeJob,
}

pub struct Supervisor<'a> {
    pub group: &'a mut Group,
    pub signals: &'a Signals,
    pub terminal: Option<&'a Terminal>,
    /// The last terminating signal received.
    pub received: Option<i32>,
}

impl Supervisor<'_> {
    pub fn wait_all(&mut self) {
        loop {
            let set = self.signals.take();
            for sig in FORWARDED {
                if has(set, sig) {
                    self.received = Some(sig);
                    self.group.signal(sig);
                }
            }
            if has(set, libc::SIGTSTP) {
                // Someone stopped pipe-run itself: stop the pipeline with it.
                self.group.signal(libc::SIGTSTP);
                self.suspend(Stop::Myself);
            } else if has(set, libc::SIGCONT) {
                self.resume();
            }
            let reaped = self.group.reap();
            if reaped.stopped && self.terminal.is_some() && self.group.alive() {
                // Ctrl-Z reached the stages: stop pipe-run's own job too, so
                // the user's shell sees a stopped job and gets the prompt.
                self.suspend(Stop::WholeJob);
            }
            if !self.group.alive() {
                return;
            }
            self.sleep();
        }
    }

    fn sleep(&self) {
        // SAFETY: the wake fd lives as long as `self.signals`.
        let fd = unsafe { BorrowedFd::borrow_raw(self.signals.wake_fd()) };
        let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
        // EINTR just means a signal arrived: the loop looks at it.
        let _ = poll(&mut fds, PollTimeout::NONE);
    }

    /// Stop pipe-run, or its whole job (its own process group, as a
    /// terminal's Ctrl-Z would have); continue the pipeline when pipe-run is
    /// continued.
    fn suspend(&mut self, stop: Stop) {
        if let (Some(terminal), Some(pgid)) = (self.terminal, self.group.pgid()) {
            terminal.take_back_from(pgid);
        }
        Signals::set_default(libc::SIGTSTP);
        let whom = match stop {
            Stop::Myself => nix::unistd::getpid().as_raw(),
            Stop::WholeJob => 0,
        };
        // SAFETY: kill(2) on our own pid or process group (0); with the
        // default action, pipe-run stops here until SIGCONT.
        unsafe {
            libc::kill(whom, libc::SIGTSTP);
        }
        self.signals.reinstall(libc::SIGTSTP);
        self.resume();
    }

    fn resume(&mut self) {
        if let (Some(terminal), Some(pgid)) = (self.terminal, self.group.pgid())
            && terminal.owned_by_us()
        {
            terminal.give_to(pgid);
        }
        self.group.signal(libc::SIGCONT);
    }
}
