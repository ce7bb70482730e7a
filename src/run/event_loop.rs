//! The event loop: the one place where pipe-run waits while the pipeline
//! runs.
//!
//! It sleeps in one `poll` (never busy-waits) on the signal self-pipe
//! (signals, and SIGCHLD for children that ended or stopped), on the fds it
//! watches (the report pipes of forked children, which say when a child is
//! past its opens), and until the earliest timer (the grace before pipe-run
//! stops itself, the one before leftovers are killed). On each wake-up it
//! passes on the signals sent to pipe-run, handles job control, reaps, and
//! releases named FIFOs whose other side will never come. Once the pipeline
//! is over it ends what the stages left running, if pipe-run is their
//! subreaper.

use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::fifos::{KICK, NamedFifos};
use super::leftovers::{any_child_running, children};
use super::signals::{Arrived, FORWARDED, Signals};
use super::sockets::KeptSockets;
use super::spawn::Report;
use super::stages::Stages;
use crate::report::outcome::Leftover;

/// How long pipe-run waits for its stages to stop before it stops itself:
/// a stage that ignores SIGTSTP must not keep the job from stopping.
const STOP_GRACE: Duration = Duration::from_secs(2);

pub struct EventLoop<'a> {
    pub stages: &'a mut Stages,
    pub signals: &'a Signals,
    pub fifos: NamedFifos,
    pub sockets: KeptSockets,
    /// The last terminating signal that pipe-run was sent, and will die of.
    pub received: Option<i32>,
    /// A stop is due: pipe-run stops itself once every running stage has
    /// stopped, or at this deadline.
    pub stopping: Option<Instant>,
}

impl EventLoop<'_> {
    /// Wait until every stage has ended.
    pub fn wait_all(&mut self) {
        loop {
            let arrived = self.signals.take();
            self.pass_on(arrived);
            for index in self.stages.reap() {
                self.sockets.ended(index);
                let stages = &*self.stages;
                self.fifos
                    .ended(index, |other| stages.stages[other].status.is_some());
            }
            if !self.stages.alive() {
                return;
            }
            // Stopping only after the stages have lets a full-screen stage
            // (`less`, an editor) leave the terminal as it found it before
            // the shell, which waits for pipe-run alone, prints its
            // "Stopped" line and prompt.
            if let Some(deadline) = self.stopping
                && (self.stages.all_stopped() || Instant::now() >= deadline)
            {
                self.stopping = None;
                self.signals.stop_myself();
                continue;
            }
            let stages = &*self.stages;
            let kicking = self.fifos.kick(|node| !stages.stages[node].set_up());
            let kick_at = kicking.then(|| Instant::now() + KICK);
            let wake = [self.stopping, kick_at, self.sockets.release()]
                .into_iter()
                .flatten()
                .min();
            self.sleep(wake);
        }
    }

    /// Act on the signals that arrived.
    ///
    /// - A terminating signal a process sent to pipe-run goes to every stage,
    ///   followed by SIGCONT so that a stopped stage can act on it, and
    ///   pipe-run dies of it once the stages are gone.
    /// - The same signal from the terminal (Ctrl-C, Ctrl-\) has reached the
    ///   stages already, since they share pipe-run's process group: it is
    ///   not sent twice, and, as with sh, the stages' statuses decide how
    ///   pipe-run ends. A hang-up is remembered, and pipe-run dies of it.
    /// - SIGTSTP stops pipe-run once its stages have stopped, after passing
    ///   it on when a process sent it to pipe-run alone; SIGCONT sent to
    ///   pipe-run alone is passed on.
    ///
    /// Returns whether a terminating signal arrived.
    fn pass_on(&mut self, arrived: Arrived) -> bool {
        let mut terminating = false;
        for sig in FORWARDED {
            if arrived.sent_to_us(sig) {
                self.received = Some(sig);
                self.stages.signal(sig);
                self.stages.signal(libc::SIGCONT);
                terminating = true;
            } else if arrived.has(sig) {
                if matches!(sig, libc::SIGHUP | libc::SIGTERM) {
                    self.received = Some(sig);
                }
                terminating = true;
            }
        }
        if arrived.has(libc::SIGTSTP) {
            if arrived.sent_to_us(libc::SIGTSTP) {
                self.stages.signal(libc::SIGTSTP);
            }
            self.stopping = Some(Instant::now() + STOP_GRACE);
        }
        if arrived.sent_to_us(libc::SIGCONT) {
            self.stages.signal(libc::SIGCONT);
        }
        terminating
    }

    /// End the processes that stages left running: SIGTERM (and SIGCONT),
    /// then SIGKILL after `grace`, or at once when pipe-run is sent a
    /// terminating signal meanwhile. Returns those that were signalled.
    pub fn end_leftovers(&mut self, grace: Duration) -> Vec<Leftover> {
        let mut ended: Vec<Leftover> = Vec::new();
        let deadline = Instant::now() + grace;
        let mut killing = false;
        while any_child_running() {
            for child in children() {
                let pid = Pid::from_raw(child.pid);
                if killing {
                    let _ = kill(pid, Signal::SIGKILL);
                }
                if !ended.iter().any(|e| e.pid == child.pid) {
                    let _ = kill(pid, Signal::SIGTERM);
                    let _ = kill(pid, Signal::SIGCONT);
                    ended.push(child);
                }
            }
            let arrived = self.signals.take();
            if self.pass_on(arrived) || Instant::now() >= deadline {
                killing = true;
            }
            if self.stopping.take().is_some() {
                self.signals.stop_myself();
            }
            if !any_child_running() {
                break;
            }
            // While killing, look again now and then for children that
            // came back to pipe-run when their parent died.
            let wake = if killing {
                Instant::now() + Duration::from_millis(50)
            } else {
                deadline
            };
            self.sleep(Some(wake));
        }
        ended
    }

    fn sleep(&mut self, deadline: Option<Instant>) {
        // SAFETY: the wake fd lives as long as `self.signals`.
        let wake = unsafe { BorrowedFd::borrow_raw(self.signals.wake_fd()) };
        let mut fds = vec![PollFd::new(wake, PollFlags::POLLIN)];
        // The report pipes of forked children still setting up.
        let mut watched = Vec::new();
        for (index, stage) in self.stages.stages.iter().enumerate() {
            if let (Report::Pending(pipe), None) = (&stage.report, stage.status) {
                fds.push(PollFd::new(pipe.as_fd(), PollFlags::POLLIN));
                watched.push(index);
            }
        }
        let timeout = match deadline {
            None => PollTimeout::NONE,
            Some(at) => {
                let left = at.saturating_duration_since(Instant::now());
                // Round up, so that the loop does not wake just before the
                // deadline and spin until it.
                let ms = left.as_micros().div_ceil(1000);
                PollTimeout::try_from(ms.min(i32::MAX as u128) as i32).unwrap_or(PollTimeout::MAX)
            }
        };
        // EINTR just means a signal arrived: the loop looks at it.
        let _ = poll(&mut fds, timeout);
        let ready: Vec<usize> = fds[1..]
            .iter()
            .zip(&watched)
            .filter(|(fd, _)| fd.revents().is_some_and(|r| !r.is_empty()))
            .map(|(_, &index)| index)
            .collect();
        drop(fds);
        for index in ready {
            self.stages.stages[index].collect_report();
        }
    }
}
