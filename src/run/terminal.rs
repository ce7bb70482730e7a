//! The controlling terminal: who is in its foreground.
//!
//! When pipe-run is in the terminal's foreground, the pipeline's process
//! group takes the foreground while it runs (so `less` and `fzf` read the
//! keyboard and Ctrl-C and Ctrl-Z reach the stages), and pipe-run takes it
//! back afterwards. Otherwise the terminal is left alone.

use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

use nix::fcntl::{OFlag, open};
use nix::sys::stat::Mode;
use nix::unistd::{Pid, getpgrp, tcgetpgrp, tcsetpgrp};

use super::signals::BlockAll;

pub struct Terminal {
    tty: OwnedFd,
}

impl Terminal {
    /// The controlling terminal, if pipe-run is in its foreground group.
    pub fn foreground() -> Option<Terminal> {
        let tty = open(
            "/dev/tty",
            OFlag::O_RDWR | OFlag::O_CLOEXEC | OFlag::O_NOCTTY,
            Mode::empty(),
        )
        .ok()?;
        let tty = super::fds::above_floor(tty).ok()?;
        let terminal = Terminal { tty };
        terminal.owned_by_us().then_some(terminal)
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
        let _blocked = BlockAll::new();
        let _ = tcsetpgrp(self.tty.as_fd(), pgid);
    }

    /// Take the foreground back for pipe-run's own group.
    pub fn take_back(&self) {
        self.give_to(getpgrp());
    }
}
