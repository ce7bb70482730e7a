//! Socket edges end like pipes: a reader that exits early makes its writer
//! die of SIGPIPE, and a duplex peer reads end of file.
//!
//! `AF_UNIX` sockets differ from pipes when the reader goes first: a writer
//! blocked on a full socket gets `EPIPE` but no SIGPIPE (and `ECONNRESET` if
//! data was left unread), and a seqpacket writer never gets SIGPIPE at all.
//! A writer such as `yes` then prints an error and fails where with a pipe
//! it would have ended quietly. So pipe-run keeps its own copy of every
//! socket end a stage reads from (both ends of a duplex pair), and once
//! every stage reading from it has ended, and no process they left behind
//! holds it (every process's fds are looked at):
//!
//! 1. it shuts the end down for writing, so the other side reads end of
//!    file, but goes on accepting what is written until its buffer is full;
//! 2. now and then (after 20 ms, then less and less often) it looks
//!    whether a process holding the other end is blocked writing into the socket (its
//!    `/proc/PID/syscall` shows a write on an fd that is the socket's other
//!    end) and sends it SIGPIPE, which a pipe would have sent it; one still
//!    blocked after that ignores the signal, and the end is shut down for
//!    reading too, so its write fails with `EPIPE`;
//! 3. once no process holds the other end any more, it empties the end
//!    and closes it.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::plan::NodeId;

struct Kept {
    /// The nodes that read from `end`, still running.
    readers: Vec<NodeId>,
    end: OwnedFd,
    /// Its inode, and the inode of the other end, which the writers write
    /// into.
    inode: u64,
    writer_inode: u64,
    /// Shut down for writing already.
    shut: bool,
    /// The blocked writers sent SIGPIPE so far.
    piped: Vec<Pid>,
    /// When to look again, and how long to wait after that: looking means
    /// reading every process's fds, so a writer that takes its time (`tail
    /// -f`) is looked at less and less often, up to [`SLOWEST`].
    next_look: Instant,
    wait: Duration,
}

/// The first wait between two looks at an end on its way out.
const FIRST_WAIT: Duration = Duration::from_millis(20);

/// The longest wait between two looks.
const SLOWEST: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct KeptSockets {
    kept: Vec<Kept>,
    /// Ends whose readers have all ended, on their way out.
    releasing: Vec<Kept>,
}

/// The inode of a socket, as `/proc/PID/fd` links name it.
pub fn inode(fd: &OwnedFd) -> u64 {
    nix::sys::stat::fstat(fd).map_or(0, |st| st.st_ino)
}

impl KeptSockets {
    /// Keep `end`, which `readers` read from, and whose other end has
    /// inode `writer_inode`, until every reader has ended.
    pub fn keep(&mut self, readers: Vec<NodeId>, end: OwnedFd, writer_inode: u64) {
        let inode = inode(&end);
        self.kept.push(Kept {
            readers,
            end,
            inode,
            writer_inode,
            shut: false,
            piped: Vec::new(),
            next_look: Instant::now(),
            wait: FIRST_WAIT,
        });
    }

    /// `node` ended: the ends it was the last reader of start on their way
    /// out.
    pub fn ended(&mut self, node: NodeId) {
        for kept in &mut self.kept {
            kept.readers.retain(|&r| r != node);
        }
        let (done, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.kept)
            .into_iter()
            .partition(|k| k.readers.is_empty());
        self.kept = kept;
        self.releasing.extend(done);
    }

    /// Take each end on its way out one step further (see the module
    /// documentation). Returns when some end needs looking at again.
    pub fn release(&mut self) -> Option<Instant> {
        if self.releasing.is_empty() {
            return None;
        }
        let now = Instant::now();
        let mut left = Vec::new();
        for mut k in std::mem::take(&mut self.releasing) {
            if now < k.next_look {
                left.push(k);
                continue;
            }
            k.next_look = now + k.wait;
            k.wait = (k.wait * 2).min(SLOWEST);
            let holders = holders(&[k.inode, k.writer_inode]);
            // A process a reader left behind still reads from it.
            if !holders[0].is_empty() {
                left.push(k);
                continue;
            }
            if !k.shut {
                // SAFETY: shutdown on an fd this struct owns.
                unsafe { libc::shutdown(k.end.as_raw_fd(), libc::SHUT_WR) };
                k.shut = true;
            }
            let blocked: Vec<Pid> = holders[1]
                .iter()
                .copied()
                .filter(|&p| blocked_writing(p, k.writer_inode))
                .collect();
            if blocked.iter().any(|p| k.piped.contains(p)) {
                // Still blocked after SIGPIPE: it ignores the signal, so
                // its write fails with EPIPE instead, as on a pipe.
                // SAFETY: shutdown on an fd this struct owns.
                unsafe { libc::shutdown(k.end.as_raw_fd(), libc::SHUT_RDWR) };
            }
            for &pid in &blocked {
                let _ = kill(pid, Signal::SIGPIPE);
                k.piped.push(pid);
            }
            if holders[1].is_empty() {
                drain(k.end.as_raw_fd());
            } else {
                left.push(k);
            }
        }
        self.releasing = left;
        self.releasing.iter().map(|k| k.next_look).min()
    }
}

/// For each socket inode, the processes (other than pipe-run) that have it
/// open: every process's fds are looked at, since what a stage left
/// behind may have gone anywhere.
fn holders(inodes: &[u64]) -> Vec<Vec<Pid>> {
    let mut found = vec![Vec::new(); inodes.len()];
    let names: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    let me = std::process::id().to_string();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in procs.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| *n != me)
            .and_then(|n| n.parse().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let Ok(link) = std::fs::read_link(fd.path()) else {
                continue;
            };
            if let Some(i) = names.iter().position(|n| link.as_os_str() == n.as_str()) {
                let pid = Pid::from_raw(pid);
                if !found[i].contains(&pid) {
                    found[i].push(pid);
                }
            }
        }
    }
    found
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

/// Read and throw away what is queued, without blocking.
fn drain(fd: RawFd) {
    let mut buf = [0u8; 64 * 1024];
    // SAFETY: recv into a live stack buffer of the length given.
    while unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) } > 0 {}
}
