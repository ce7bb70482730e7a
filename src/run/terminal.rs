//! The controlling terminal: who is in its foreground.
//!
//! Whenever pipe-run's own group holds the terminal's foreground (at start,
//! or after the user's `fg`), it hands the foreground to the pipeline's
//! group, so `less` and `fzf` read the keyboard and Ctrl-C and Ctrl-Z reach
//! the stages. When the pipeline ends, pipe-run takes back only what it
//! gave. A pipe-run started in the background leaves the terminal alone
//! until it is brought to the foreground.

use std::cell::Cell;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

use nix::fcntl::{OFlag, open};
use nix::sys::stat::Mode;
use nix::unistd::{Pid, getpgrp, tcgetpgrp, tcsetpgrp};

use super::signals::BlockAll;

pub struct Terminal {
    tty: OwnedFd,
    /// The group pipe-run last gave the foreground to: on drop (an early
    /// return or a panic included) pipe-run takes it back from that group.
    given: Cell<Option<Pid>>,
}

impl Terminal {
    /// The controlling terminal, if there is one.
    pub fn controlling() -> Option<Terminal> {
        let tty = open(
            "/dev/tty",
            OFlag::O_RDWR | OFlag::O_CLOEXEC | OFlag::O_NOCTTY,
            Mode::empty(),
        )
        .ok()?;
        let tty = super::fds::above_floor(tty).ok()?;
        Some(Terminal {
            tty,
            given: Cell::new(None),
        })
    }

    pub fn raw_fd(&self) -> RawFd {
        self.tty.as_raw_fd()
    }

    /// Is pipe-run's own group in the foreground?
    pub fn owned_by_us(&self) -> bool {
        tcgetpgrp(self.tty.as_fd()).is_ok_and(|g| g == getpgrp())
    }

    /// Give the foreground to `pgid`. SIGTTOU is blocked meanwhile, since
    /// pipe-run may be a background group at that moment.
    pub fn give_to(&self, pgid: Pid) {
        self.set_foreground(pgid);
        self.given.set(Some(pgid));
    }

    fn set_foreground(&self, pgid: Pid) {
        let _blocked = BlockAll::new();
        let _ = tcsetpgrp(self.tty.as_fd(), pgid);
    }

    /// Take the foreground back for pipe-run's own group, if `pgid` (the
    /// pipeline) has it.
    pub fn take_back_from(&self, pgid: Pid) {
        if tcgetpgrp(self.tty.as_fd()).is_ok_and(|g| g == pgid) {
            self.set_foreground(getpgrp());
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if let Some(pgid) = self.given.get() {
            self.take_back_from(pgid);
        }
    }
}
