//! The controlling terminal's modes, saved before the stages start and put
//! back when one of them was killed by a signal, as shells do for such
//! jobs: a program killed after `stty -echo` or in raw mode (an editor, a
//! pager, `fzf`) would otherwise leave the terminal unusable.
//!
//! pipe-run never changes who is in the terminal's foreground: the stages
//! run in pipe-run's own process group, which is the foreground exactly
//! when pipe-run is. It only touches the modes while its group is in the
//! foreground, so it never overwrites the settings of another job.

use std::os::fd::{AsFd, OwnedFd};

use nix::fcntl::{OFlag, open};
use nix::sys::stat::Mode;
use nix::sys::termios::{SetArg, Termios, tcgetattr, tcsetattr};
use nix::unistd::{getpgrp, tcgetpgrp};

use super::signals::BlockAll;

pub struct TerminalModes {
    tty: OwnedFd,
    saved: Termios,
}

impl TerminalModes {
    /// Save the modes of the controlling terminal, if pipe-run has one and
    /// is in its foreground.
    pub fn save() -> Option<TerminalModes> {
        let tty = open(
            "/dev/tty",
            OFlag::O_RDWR | OFlag::O_CLOEXEC | OFlag::O_NOCTTY | OFlag::O_NONBLOCK,
            Mode::empty(),
        )
        .ok()?;
        let tty = super::fds::above_floor(tty).ok()?;
        let modes = TerminalModes {
            saved: tcgetattr(tty.as_fd()).ok()?,
            tty,
        };
        modes.in_foreground().then_some(modes)
    }

    fn in_foreground(&self) -> bool {
        tcgetpgrp(self.tty.as_fd()).is_ok_and(|g| g == getpgrp())
    }

    /// Put the saved modes back, if pipe-run is still in the foreground.
    pub fn restore(&self) {
        // SIGTTOU is blocked meanwhile, in case the job was moved to the
        // background between the check and the call.
        let _blocked = BlockAll::new();
        if self.in_foreground() {
            let _ = tcsetattr(self.tty.as_fd(), SetArg::TCSADRAIN, &self.saved);
        }
    }
}
