//! Signal handling for a run: the one place that catches signals.
//!
//! Handlers only record the signal in an atomic set and write a byte to a
//! non-blocking self-pipe; the supervisor sleeps in `poll` on that pipe and
//! does the real work outside signal context. Signals that were ignored when
//! pipe-run started (as `nohup` ignores SIGHUP) are left ignored, so stages
//! inherit that as they would from a shell. Previous handlers are restored
//! when the run ends.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};

use nix::fcntl::OFlag;
use nix::unistd::pipe2;

/// Signals forwarded to the pipeline's process group.
pub const FORWARDED: [i32; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];
/// Signals for reaping and job control.
const CONTROL: [i32; 3] = [libc::SIGCHLD, libc::SIGTSTP, libc::SIGCONT];

static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
static PENDING: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    PENDING.fetch_or(1 << sig, Ordering::SeqCst);
    let fd = WAKE_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; errno is saved and restored
        // so the interrupted code does not see it change. A full pipe only
        // means a wake-up is already pending.
        unsafe {
            let saved = *libc::__errno_location();
            libc::write(fd, [0u8].as_ptr().cast(), 1);
            *libc::__errno_location() = saved;
        }
    }
}

/// Route `sig` to `on_signal`, with every signal blocked while it runs.
fn catch(sig: i32) -> io::Result<()> {
    // SAFETY: sigaction with a zeroed struct whose handler is a plain
    // extern "C" function that only touches atomics and write(2).
    let failed = unsafe {
        let mut new: libc::sigaction = std::mem::zeroed();
        new.sa_sigaction = on_signal as *const () as usize;
        new.sa_flags = libc::SA_RESTART;
        libc::sigfillset(&mut new.sa_mask);
        libc::sigaction(sig, &new, std::ptr::null_mut()) != 0
    };
    if failed {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Installed handlers; dropping restores the previous ones.
pub struct Signals {
    wake_read: OwnedFd,
    _wake_write: OwnedFd,
    previous: Vec<(i32, libc::sigaction)>,
    /// What a child must reset to the default action before exec.
    handled: Vec<i32>,
}

impl Signals {
    pub fn install() -> io::Result<Signals> {
        let (wake_read, wake_write) = pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK)?;
        let wake_read = super::fds::above_floor(wake_read)?;
        let wake_write = super::fds::above_floor(wake_write)?;
        WAKE_FD.store(wake_write.as_raw_fd(), Ordering::SeqCst);
        PENDING.store(0, Ordering::SeqCst);
        let mut signals = Signals {
            wake_read,
            _wake_write: wake_write,
            previous: Vec::new(),
            handled: Vec::new(),
        };
        for sig in FORWARDED.into_iter().chain(CONTROL) {
            // SAFETY: querying an action into a zeroed struct.
            let old = unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                libc::sigaction(sig, std::ptr::null(), &mut old);
                old
            };
            if old.sa_sigaction == libc::SIG_IGN && FORWARDED.contains(&sig) {
                continue;
            }
            catch(sig)?;
            signals.previous.push((sig, old));
            signals.handled.push(sig);
        }
        Ok(signals)
    }

    /// The fd to poll: readable when a signal has arrived.
    pub fn wake_fd(&self) -> RawFd {
        self.wake_read.as_raw_fd()
    }

    /// Signals a child resets to default before exec: ours, and SIGPIPE,
    /// which the Rust runtime ignores and exec would pass on.
    pub fn child_resets(&self) -> Vec<i32> {
        let mut v = self.handled.clone();
        v.push(libc::SIGPIPE);
        v
    }

    /// Take the signals that arrived since the last call, as a bit set.
    pub fn take(&self) -> u64 {
        let mut buf = [0u8; 64];
        // SAFETY: reading into a stack buffer from our non-blocking pipe.
        while unsafe { libc::read(self.wake_fd(), buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
        PENDING.swap(0, Ordering::SeqCst)
    }

    /// Reset one of our signals to its default action (before raising it).
    pub fn set_default(sig: i32) {
        // SAFETY: installing SIG_DFL is always valid.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
        }
    }

    /// Reinstall our handler for `sig` after [`Signals::set_default`].
    pub fn reinstall(&self, sig: i32) {
        if self.handled.contains(&sig) {
            let _ = catch(sig);
        }
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        for (sig, old) in self.previous.drain(..) {
            // SAFETY: restoring the action that sigaction gave us.
            unsafe {
                libc::sigaction(sig, &old, std::ptr::null_mut());
            }
        }
        WAKE_FD.store(-1, Ordering::SeqCst);
    }
}

/// Block every signal in this thread; the guard restores the old mask.
pub struct BlockAll {
    old: libc::sigset_t,
}

impl BlockAll {
    pub fn new() -> BlockAll {
        // SAFETY: sigset manipulation on local values.
        unsafe {
            let mut all: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigfillset(&mut all);
            libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
            BlockAll { old }
        }
    }
}

impl Drop for BlockAll {
    fn drop(&mut self) {
        // SAFETY: restoring the mask saved in new().
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.old, std::ptr::null_mut());
        }
    }
}

/// Whether bit `sig` is set in a set returned by [`Signals::take`].
pub fn has(set: u64, sig: i32) -> bool {
    set & (1 << sig) != 0
}
