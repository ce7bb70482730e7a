//! How pipe-run ends: a status, or death by the signal that ended it.

/// pipe-run's exit: the status, and a signal to die of instead when the
/// convention is to pass a signal death on to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit {
    pub code: i32,
    pub raise: Option<i32>,
}

impl Exit {
    pub fn code(code: i32) -> Exit {
        Exit { code, raise: None }
    }

    /// End the process. Called after every guard has run (stages reaped,
    /// terminal restored), so dying by a signal loses nothing.
    pub fn terminate(self) -> ! {
        if let Some(sig) = self.raise {
            // SAFETY: resetting a disposition, unblocking and raising are
            // plain syscalls; if the signal does not kill us we fall through
            // to exit with the matching status.
            unsafe {
                libc::signal(sig, libc::SIG_DFL);
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                libc::sigaddset(&mut set, sig);
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
                libc::raise(sig);
            }
        }
        std::process::exit(self.code)
    }
}
