//! The child side of a spawn: what runs between `fork` and `execve`.
//!
//! Everything here is prepared by the parent beforehand ([`ChildSetup`]), and
//! the child only makes async-signal-safe syscalls on it: no allocation, no
//! locks, no formatting. Failures are reported to the parent as an errno and
//! the index of the step that failed: through memory shared with the parent
//! for a vfork child, or else over a close-on-exec pipe that reads as empty
//! once `execve` succeeds.

use std::ffi::{CString, c_char, c_int};
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicU64, Ordering};

/// A step of the child's fd setup, with raw fd numbers as the child sees
/// them. The parent orders the steps ([`super::fdmove`]) so that no step
/// overwrites a source that a later step needs.
#[derive(Debug)]
pub enum ChildFd {
    /// `dup2`, or clearing close-on-exec when `from == to`.
    Dup {
        from: RawFd,
        to: RawFd,
    },
    /// A close-on-exec copy that later steps read from.
    Park {
        from: RawFd,
        to: RawFd,
    },
    Close(RawFd),
    /// Opened by the child itself: used for FIFOs, whose open blocks until
    /// the other end is opened (perhaps by a later stage).
    Open {
        path: CString,
        flags: c_int,
        to: RawFd,
    },
}

/// Where a child reports why it could not exec.
#[derive(Debug, Clone, Copy)]
pub enum ReportTo {
    /// The write end of a close-on-exec pipe (forked child).
    Pipe(RawFd),
    /// A word in the parent's memory, which a vfork child shares; it holds
    /// [`NO_REPORT`] until the child stores an encoded report in it.
    Shared(*const AtomicU64),
}

/// The value of a shared report word that nothing was stored in.
pub const NO_REPORT: u64 = u64::MAX;

/// Pack a report into one word, as stored in shared memory or written to
/// the pipe.
pub fn encode(errno: i32, step: u32) -> u64 {
    (u64::from(step) << 32) | u64::from(errno as u32)
}

/// Unpack a report word.
pub fn decode(word: u64) -> Option<(i32, u32)> {
    (word != NO_REPORT).then_some((word as u32 as i32, (word >> 32) as u32))
}

/// Which step failed, as reported back to the parent.
pub const STEP_EXEC: u32 = u32::MAX;
pub const STEP_SETUP: u32 = u32::MAX - 1;

/// Everything the child needs, built before `fork`.
pub struct ChildSetup<'a> {
    pub program: CString,
    /// Keeps the argument strings alive for `argv`.
    pub _args: Vec<CString>,
    /// Null-terminated pointers into `_args`.
    pub argv: Vec<*const c_char>,
    /// `sh program args...`, for a program the kernel will not run
    /// (ENOEXEC): POSIX shells run such a file as a shell script.
    pub sh_argv: Vec<*const c_char>,
    /// Null-terminated pointers to `NAME=value` strings, shared with the
    /// run's other stages (see `super::envp`).
    pub envp: &'a [*const c_char],
    /// pipe-run's pid, to notice it died before the death signal was set.
    pub parent: libc::pid_t,
    pub fds: Vec<ChildFd>,
    /// Where to report a failure.
    pub report: ReportTo,
    /// Signals to reset to their default action before unblocking.
    pub reset_signals: &'a [c_int],
    /// The open-file limit to restore before exec, if pipe-run raised it.
    pub fd_limit: Option<libc::rlimit>,
}

const SH: &[u8] = b"/bin/sh\0";

impl ChildSetup<'_> {
    /// Runs in the child after `fork`, with every signal blocked. Never
    /// returns.
    ///
    /// # Safety
    /// Must only be called in a freshly forked child.
    pub unsafe fn exec(&self) -> ! {
        // SAFETY: every call below is an async-signal-safe syscall wrapper
        // operating on memory prepared before the fork and not shared with
        // any other thread of this (single-threaded) child.
        unsafe {
            // The child stays in pipe-run's process group: no stage leads a
            // group holding other stages, so a program that signals its own
            // group (GNU `timeout`, test runners) reaches only itself.
            //
            // If pipe-run dies, even by SIGKILL, its stages die too.
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            if libc::getppid() != self.parent {
                libc::_exit(128 + libc::SIGKILL);
            }
            // A step that can block (opening a FIFO waits for the other
            // end) comes after the signal state is made that of a fresh
            // stage, so that SIGTERM, Ctrl-C and Ctrl-Z act on the child
            // during it exactly as they will on the program. Such a child is
            // forked. A vfork child, whose parent cannot act until it has
            // exec'd, keeps every signal blocked until just before exec: a
            // stop signal (the group's SIGTTIN) must not catch it halfway.
            let can_block = self.fds.iter().any(|f| matches!(f, ChildFd::Open { .. }));
            if can_block {
                self.reset_signals(false);
            }
            for (index, step) in self.fds.iter().enumerate() {
                let ok = match *step {
                    ChildFd::Dup { from, to } if from == to => {
                        libc::fcntl(to, libc::F_SETFD, 0) >= 0
                    }
                    ChildFd::Dup { from, to } => libc::dup2(from, to) >= 0,
                    ChildFd::Park { from, to } => libc::dup3(from, to, libc::O_CLOEXEC) >= 0,
                    ChildFd::Close(fd) => {
                        libc::close(fd);
                        true
                    }
                    ChildFd::Open {
                        ref path,
                        flags,
                        to,
                    } => {
                        let fd = libc::open(path.as_ptr(), flags | libc::O_CLOEXEC, 0o666);
                        if fd < 0 {
                            false
                        } else if fd == to {
                            libc::fcntl(to, libc::F_SETFD, 0) >= 0
                        } else {
                            let ok = libc::dup2(fd, to) >= 0;
                            libc::close(fd);
                            ok
                        }
                    }
                };
                if !ok {
                    self.fail(index as u32, 126);
                }
            }
            if let Some(limit) = &self.fd_limit {
                libc::setrlimit(libc::RLIMIT_NOFILE, limit);
            }
            if !can_block {
                self.reset_signals(true);
            }
            libc::execve(
                self.program.as_ptr(),
                self.argv.as_ptr(),
                self.envp.as_ptr(),
            );
            if *libc::__errno_location() == libc::ENOEXEC {
                libc::execve(
                    SH.as_ptr().cast(),
                    self.sh_argv.as_ptr(),
                    self.envp.as_ptr(),
                );
            }
            let status = if *libc::__errno_location() == libc::ENOENT {
                127
            } else {
                126
            };
            self.fail(STEP_EXEC, status)
        }
    }

    /// Give the signals pipe-run handles their default action back, then
    /// unblock every signal.
    ///
    /// With `drop_pending_stops`, a job-control stop that reached the child
    /// while it was blocked is discarded first (setting SIG_IGN discards a
    /// pending signal): a vfork child stopped before exec would hold its
    /// parent in `vfork` where pipe-run itself cannot stop, so the job
    /// would never show as stopped. The rest of the job, pipe-run included,
    /// got the same signal and stops.
    unsafe fn reset_signals(&self, drop_pending_stops: bool) {
        // SAFETY: signal(2) and pthread_sigmask(3) on values prepared
        // before the fork; both are async-signal-safe.
        unsafe {
            if drop_pending_stops {
                // The action is put back as it was, so a stop signal that
                // pipe-run inherited ignored stays ignored for the program.
                let mut ignore: libc::sigaction = std::mem::zeroed();
                ignore.sa_sigaction = libc::SIG_IGN;
                for sig in [libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU] {
                    let mut old: libc::sigaction = std::mem::zeroed();
                    libc::sigaction(sig, &ignore, &mut old);
                    libc::sigaction(sig, &old, std::ptr::null_mut());
                }
            }
            for &sig in self.reset_signals {
                libc::signal(sig, libc::SIG_DFL);
            }
            let mut empty: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut empty);
            if libc::pthread_sigmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut()) != 0 {
                self.fail(STEP_SETUP, 126);
            }
        }
    }

    /// Report errno and the failed step, then exit.
    unsafe fn fail(&self, step: u32, status: c_int) -> ! {
        // SAFETY: async-signal-safe calls on a stack buffer.
        unsafe {
            let word = encode(*libc::__errno_location(), step);
            match self.report {
                ReportTo::Pipe(fd) => {
                    let buf = word.to_ne_bytes();
                    libc::write(fd, buf.as_ptr().cast(), buf.len());
                }
                // An atomic store: no lock, no allocation.
                ReportTo::Shared(shared) => (*shared).store(word, Ordering::SeqCst),
            }
            libc::_exit(status)
        }
    }
}
