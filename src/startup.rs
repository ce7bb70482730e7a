//! What the process looked like before the Rust runtime touched it.
//!
//! Before `main`, the Rust runtime reopens any of fds 0-2 that is closed as
//! `/dev/null`, so that its own writes cannot land on an unrelated file.
//! A shell passes a closed standard fd on to its commands closed
//! (`cmd >&-` makes `cmd`'s writes fail with EBADF), and so must pipe-run.
//! The binary registers [`record_standard_fds`] to run from `.init_array`,
//! before the runtime's start-up, and the plan reads what it recorded.

use std::sync::atomic::{AtomicU8, Ordering};

/// Bit `fd` is set when fd 0, 1 or 2 was closed; [`RECORDED`] marks that
/// the record was made at all (a library host may not make it).
static CLOSED: AtomicU8 = AtomicU8::new(0);
const RECORDED: u8 = 1 << 7;

/// Record which standard fds are closed. Meant to run before `main`, from
/// the binary's `.init_array`; it only makes `fcntl` calls.
pub extern "C" fn record_standard_fds() {
    let mut bits = RECORDED;
    for fd in 0..3 {
        // SAFETY: F_GETFD only reads the flags of a descriptor number; a
        // closed one fails with EBADF and nothing is touched.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
            bits |= 1 << fd;
        }
    }
    CLOSED.store(bits, Ordering::SeqCst);
}

/// The standard fds that were closed when the process started, as far as
/// [`record_standard_fds`] saw them (none, if it never ran).
pub fn closed_standard_fds() -> Vec<u32> {
    let bits = CLOSED.load(Ordering::SeqCst);
    (0..3).filter(|fd| bits & (1 << fd) != 0).collect()
}

/// What the Rust runtime's start-up does that pipe-run relies on, for a
/// binary with its own `main`: SIGPIPE ignored, so that a write to a closed
/// pipe fails with EPIPE instead of killing pipe-run (stages get the
/// default back before exec), and closed fds 0-2 reopened on `/dev/null`,
/// so that no file pipe-run opens lands on one of them. Call it first
/// thing, after [`record_standard_fds`] has run.
pub fn runtime_setup() {
    // SAFETY: setting a signal's disposition to SIG_IGN.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    for fd in 0..3 {
        // SAFETY: F_GETFD only reads the flags of a descriptor number.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } >= 0 {
            continue;
        }
        // SAFETY: open, dup2 and close on a path literal and fds we own.
        unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            if null >= 0 && null != fd {
                libc::dup2(null, fd);
                libc::close(null);
            }
        }
    }
}
