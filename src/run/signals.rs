//! Signal handling for a run: the one place that catches signals.
//!
//! Handlers only record the signal, and whether the terminal sent it, in
//! atomic sets and write a byte to a non-blocking self-pipe; the supervisor
//! sleeps in `poll` on that pipe and does the real work outside signal
//! context.
//!
//! Where a signal came from decides what pipe-run does with it. The stages
//! share pipe-run's process group, so a signal the terminal sends (Ctrl-C,
//! Ctrl-\, Ctrl-Z, a hang-up: `si_code == SI_KERNEL`) has already reached
//! every stage and must not be sent again; a signal a process sent to
//! pipe-run (`kill`, `timeout`: `SI_USER` and friends) is passed on.
//!
//! Signals that were ignored when pipe-run started (as `nohup` ignores
//! SIGHUP) are left ignored, so stages inherit that as they would from a
//! shell; SIGCHLD is always caught, since an ignored SIGCHLD would make the
//! kernel reap the stages before pipe-run sees their statuses. For the
//! length of a run the signals pipe-run handles are unblocked in the calling
//! thread, whatever mask it inherited. Everything is restored when the run
//! ends.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};

use nix::fcntl::OFlag;
use nix::unistd::pipe2;

/// Signals passed on to the stages when a process sends them to pipe-run.
pub const FORWARDED: [i32; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];
/// Signals for reaping and job control.
const CONTROL: [i32; 3] = [libc::SIGCHLD, libc::SIGTSTP, libc::SIGCONT];

static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
/// Signals that arrived, from anywhere.
static PENDING: AtomicU64 = AtomicU64::new(0);
/// Signals that arrived from the terminal (the kernel), not from a process.
static FROM_TERMINAL: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_signal(sig: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler.
    let code = unsafe { info.as_ref() }.map_or(libc::SI_USER, |info| info.si_code);
    if code == libc::SI_KERNEL {
        FROM_TERMINAL.fetch_or(1 << sig, Ordering::SeqCst);
    }
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
        new.sa_flags = libc::SA_RESTART | libc::SA_SIGINFO;
        libc::sigfillset(&mut new.sa_mask);
        libc::sigaction(sig, &new, std::ptr::null_mut()) != 0
    };
    if failed {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The signals that arrived since the last [`Signals::take`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Arrived {
    all: u64,
    from_terminal: u64,
}

impl Arrived {
    /// Did `sig` arrive?
    pub fn has(self, sig: i32) -> bool {
        self.all & (1 << sig) != 0
    }

    /// Did `sig` arrive from a process (not only from the terminal), so
    /// that the stages have not had it yet?
    pub fn sent_to_us(self, sig: i32) -> bool {
        self.has(sig) && (self.from_terminal & (1 << sig) == 0)
    }
}

/// Installed handlers; dropping restores the previous ones and the mask.
pub struct Signals {
    wake_read: OwnedFd,
    _wake_write: OwnedFd,
    previous: Vec<(i32, libc::sigaction)>,
    /// What a child must reset to the default action before exec.
    handled: Vec<i32>,
    old_mask: libc::sigset_t,
}

impl Signals {
    pub fn install() -> io::Result<Signals> {
        let (wake_read, wake_write) = pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK)?;
        let wake_read = super::fds::above_floor(wake_read)?;
        let wake_write = super::fds::above_floor(wake_write)?;
        WAKE_FD.store(wake_write.as_raw_fd(), Ordering::SeqCst);
        PENDING.store(0, Ordering::SeqCst);
        FROM_TERMINAL.store(0, Ordering::SeqCst);
        // SAFETY: an empty set on the stack; sigprocmask-style calls below
        // only read and write these locals.
        let mut ours: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        unsafe { libc::sigemptyset(&mut ours) };
        let mut signals = Signals {
            wake_read,
            _wake_write: wake_write,
            previous: Vec::new(),
            handled: Vec::new(),
            // SAFETY: zeroed sigset_t is a valid (empty) set; it is
            // overwritten by pthread_sigmask below.
            old_mask: unsafe { std::mem::zeroed() },
        };
        for sig in FORWARDED.into_iter().chain(CONTROL) {
            // SAFETY: querying an action into a zeroed struct.
            let old = unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                libc::sigaction(sig, std::ptr::null(), &mut old);
                old
            };
            if old.sa_sigaction == libc::SIG_IGN && sig != libc::SIGCHLD {
                continue;
            }
            catch(sig)?;
            signals.previous.push((sig, old));
            signals.handled.push(sig);
            // SAFETY: adding a valid signal number to a local set.
            unsafe { libc::sigaddset(&mut ours, sig) };
        }
        // Started with SIGCHLD (or any of ours) blocked, pipe-run would
        // never wake: unblock them for the run.
        // SAFETY: changing this thread's mask; the old one is kept to be
        // restored on drop.
        unsafe {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &ours, &mut signals.old_mask);
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

    /// Take the signals that arrived since the last call.
    pub fn take(&self) -> Arrived {
        let mut buf = [0u8; 64];
        // SAFETY: reading into a stack buffer from our non-blocking pipe.
        while unsafe { libc::read(self.wake_fd(), buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
        Arrived {
            all: PENDING.swap(0, Ordering::SeqCst),
            from_terminal: FROM_TERMINAL.swap(0, Ordering::SeqCst),
        }
    }

    /// Stop pipe-run itself as SIGTSTP's default action would, then
    /// re-arm the handler. In an orphaned process group the kernel discards
    /// the stop, and pipe-run simply goes on: it never retries in a loop.
    pub fn stop_myself(&self) {
        if !self.handled.contains(&libc::SIGTSTP) {
            return;
        }
        // SAFETY: installing SIG_DFL, unblocking SIGTSTP in this thread
        // and raising it: plain syscalls. The default action stops the
        // process here until SIGCONT.
        unsafe {
            libc::signal(libc::SIGTSTP, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGTSTP);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::raise(libc::SIGTSTP);
        }
        let _ = catch(libc::SIGTSTP);
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
        // SAFETY: restoring the mask saved in install().
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.old_mask, std::ptr::null_mut());
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
