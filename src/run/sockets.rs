//! Socket edges end like pipes: a reader that exits early makes its writer
//! die of SIGPIPE.
//!
//! `AF_UNIX` sockets differ from pipes when the reader goes first. A writer
//! blocked on a full socket gets `EPIPE` but no SIGPIPE (and `ECONNRESET`
//! if data was left unread), so a writer such as `yes` prints an error and
//! fails where with a pipe it would have ended quietly. So pipe-run keeps
//! its own copy of every socket end a stage reads from (both ends of a
//! duplex pair) until that stage has ended, and then:
//!
//! 1. if the writing stage is blocked writing into the socket at that
//!    moment (its `/proc/PID/syscall` shows a write on an fd that is the
//!    socket's other end), it is sent SIGPIPE, which a pipe would have
//!    sent it;
//! 2. the socket is shut down: a write that starts later gets `EPIPE` and
//!    SIGPIPE from the kernel, and a duplex peer reads end of file;
//! 3. what was left unread is thrown away, so closing it resets nothing.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::plan::NodeId;

struct Kept {
    /// The node that reads from `end`.
    reader: NodeId,
    end: OwnedFd,
    /// The node that writes into the other end, and that end's inode.
    writer: NodeId,
    writer_inode: u64,
}

#[derive(Default)]
pub struct KeptSockets {
    kept: Vec<Kept>,
}

/// The inode of a socket, as `/proc/PID/fd` links name it.
pub fn inode(fd: &OwnedFd) -> u64 {
    nix::sys::stat::fstat(fd).map_or(0, |st| st.st_ino)
}

impl KeptSockets {
    /// Keep `end`, which `reader` reads from and `writer` writes into
    /// through the socket with inode `writer_inode`, until `reader` ends.
    pub fn keep(&mut self, reader: NodeId, end: OwnedFd, writer: NodeId, writer_inode: u64) {
        self.kept.push(Kept {
            reader,
            end,
            writer,
            writer_inode,
        });
    }

    /// `node` ended: release the socket ends it read from. `running` gives
    /// the pid of a node still running.
    pub fn ended(&mut self, node: NodeId, running: impl Fn(NodeId) -> Option<Pid>) {
        let (ended, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.kept)
            .into_iter()
            .partition(|k| k.reader == node);
        self.kept = kept;
        for k in ended {
            if let Some(pid) = running(k.writer)
                && blocked_writing(pid, k.writer_inode)
            {
                let _ = kill(pid, Signal::SIGPIPE);
            }
            release(k.end);
        }
    }
}

/// Is `pid` blocked in a write to the socket with inode `inode`?
fn blocked_writing(pid: Pid, inode: u64) -> bool {
    // x86_64 and aarch64 numbers of write, writev, sendto, sendmsg.
    #[cfg(target_arch = "x86_64")]
    const WRITES: [i64; 4] = [1, 20, 44, 46];
    #[cfg(target_arch = "aarch64")]
    const WRITES: [i64; 4] = [64, 66, 206, 211];
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    const WRITES: [i64; 0] = [];
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/syscall")) else {
        return false;
    };
    let mut fields = text.split_whitespace();
    let (Some(nr), Some(fd)) = (fields.next(), fields.next()) else {
        return false;
    };
    let parse = |s: &str| i64::from_str_radix(s.trim_start_matches("0x"), 16).ok();
    let (Ok(nr), Some(fd)) = (nr.parse::<i64>(), parse(fd)) else {
        return false;
    };
    if !WRITES.contains(&nr) {
        return false;
    }
    std::fs::read_link(format!("/proc/{pid}/fd/{fd}"))
        .is_ok_and(|link| link.as_os_str() == format!("socket:[{inode}]").as_str())
}

fn release(end: OwnedFd) {
    let fd = end.as_raw_fd();
    // SAFETY: shutdown on an fd this function owns.
    unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
    // Nothing more can arrive once shut down: empty it, so that closing it
    // does not reset the peer.
    drain(fd);
    drop(end);
}

/// Read and throw away what is queued, without blocking.
fn drain(fd: RawFd) {
    let mut buf = [0u8; 64 * 1024];
    // SAFETY: recv into a live stack buffer of the length given.
    while unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) } > 0 {}
}
