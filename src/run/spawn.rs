//! Starting one stage: prepare its [`ChildSetup`] in the parent, fork, and
//! let the child apply it.

use std::cell::RefCell;
use std::ffi::{CString, c_int};
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;

use nix::fcntl::OFlag;
use nix::unistd::{ForkResult, Pid, fork, pipe2};

use std::sync::atomic::{AtomicU64, Ordering};

use super::child::{ChildFd, ChildSetup, NO_REPORT, ReportTo, decode};
use super::envp::EnvBlock;
use super::fdmove;
use super::fds::{FLOOR, at_or_above};
use super::files::{StageFiles, open_flags};
use super::signals::BlockAll;
use crate::plan::{EdgeId, FdAction, Stage};

/// What the parent needs of a started stage.
pub struct Spawned {
    pub pid: Pid,
    /// Why the child could not exec, or where to read it later.
    pub report: Report,
    /// For each child fd step, what it does, to name a failed step.
    pub steps: Vec<StepOrigin>,
}

/// What a step of the child's fd setup is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOrigin {
    /// pipe-run's own wiring: a closed standard fd, an edge's end, `|&`.
    Wiring,
    /// The stage's redirection at this index.
    Redirect(usize),
    /// Opening the named FIFO of this edge.
    Fifo(EdgeId),
}

/// A child's failure report.
pub enum Report {
    /// Known at spawn time (vfork child): `(errno, step)` if it failed.
    Ready(Option<(i32, u32)>),
    /// The read end of a forked child's report pipe, readable once the
    /// child has exec'd or exited.
    Pending(OwnedFd),
}

/// How a node's edges reach it, prepared from the plan by the caller, who
/// drops its copies of the ends right after the spawn.
#[derive(Default)]
pub struct NodeEnds<'a> {
    /// Ends to put on these fds before the redirections: fds 0 and 1 of a
    /// `|`, fd N of a `/dev/fd/N` substitution, both for a duplex socket.
    pub onto: Vec<(&'a OwnedFd, u32)>,
    /// Ends that a redirection puts in place (`cat < <(cmd)`), by edge.
    pub for_redirects: Vec<(EdgeId, &'a OwnedFd)>,
    /// Named FIFOs the child opens itself before exec: path, whether it
    /// reads, the fd to put it on, and the edge.
    pub fifo_opens: Vec<(CString, bool, u32, EdgeId)>,
    /// `|&`: fd 2 becomes a copy of fd 1 after the redirections.
    pub stderr_too: bool,
    /// The parent's ends of other nodes' edges. They are close-on-exec,
    /// but a child that may block before exec (opening a FIFO) closes them
    /// first: while it waits, a copy of a pipe's read end would keep the
    /// pipe's writer from ever getting SIGPIPE.
    pub others: Vec<RawFd>,
}

/// Per-run settings every spawn shares.
pub struct SpawnContext {
    pub parent: Pid,
    pub reset_signals: Vec<i32>,
    /// The stack vfork children run on until they exec: one for the run,
    /// since each child has exec'd or exited before the next spawn. Left
    /// uninitialised, so only the pages a child touches are ever mapped.
    pub stack: RefCell<Box<[MaybeUninit<u128>]>>,
    /// Standard fds that were closed when pipe-run started: closed again
    /// in every stage before its edges and redirections are set up, as a
    /// shell passes a closed fd on.
    pub closed_std_fds: Vec<RawFd>,
    /// The open-file limit to give back to each stage, when pipe-run
    /// raised its own for the run.
    pub fd_limit: Option<libc::rlimit>,
}

fn cstring(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in an argument"))
}

fn null_terminated(strings: &[CString]) -> Vec<*const libc::c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}

/// Stack for a vfork child: `ChildSetup::exec` needs well under a page.
pub const CHILD_STACK_WORDS: usize = 4096;

extern "C" fn vfork_child(arg: *mut libc::c_void) -> c_int {
    // SAFETY: `arg` is the `&ChildSetup` passed by `vfork_exec`, alive until
    // this child execs or exits, since the parent is suspended until then.
    unsafe { (*(arg as *const ChildSetup)).exec() }
}

/// Start the child with `clone(CLONE_VM | CLONE_VFORK)`, as `posix_spawn`
/// does: no page tables are copied, and the parent resumes once the child
/// has exec'd or exited. The child shares pipe-run's memory, which is safe
/// because it only reads `setup`, writes nothing but its own stack, and
/// runs no signal handler (all signals are blocked until it has reset them).
fn vfork_exec(setup: &ChildSetup, stack: &mut [MaybeUninit<u128>]) -> io::Result<Pid> {
    // SAFETY: the stack grows down from the end of a live, 16-byte aligned
    // buffer that outlives the child's use of it (the parent is suspended
    // until the child execs or exits); `vfork_child` is a plain function.
    let pid = unsafe {
        let top = stack.as_mut_ptr().add(stack.len()).cast::<libc::c_void>();
        libc::clone(
            vfork_child,
            top,
            libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            (setup as *const ChildSetup).cast_mut().cast(),
        )
    };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Pid::from_raw(pid))
}

/// Start `stage` in pipe-run's own process group, with its edges' ends in
/// place and its redirections applied in order.
///
/// `env` is the stage's `envp`: it needs to live only as long as this call,
/// since a vfork child has exec'd (or exited) when `spawn` returns, and a
/// forked one has its own copy.
pub fn spawn(
    stage: &Stage,
    ends: &NodeEnds,
    files: &StageFiles,
    env: &EnvBlock,
    context: &SpawnContext,
) -> io::Result<Spawned> {
    // The child opens a FIFO itself, and that open may block until
    // another stage opens the other end: the parent must not wait for this
    // child's exec, so it forks. Every other stage is started vfork-style.
    let must_fork = !ends.fifo_opens.is_empty()
        || stage
            .redirects
            .iter()
            .zip(files)
            .any(|(action, file)| matches!(action, FdAction::Open { .. }) && file.is_none());
    let mut fds = Vec::new();
    let mut steps = Vec::new();
    for &fd in &context.closed_std_fds {
        fds.push(ChildFd::Close(fd));
        steps.push(StepOrigin::Wiring);
    }
    if must_fork {
        for &fd in &ends.others {
            fds.push(ChildFd::Close(fd));
            steps.push(StepOrigin::Wiring);
        }
    }
    // Every end goes onto its fd in one parallel move; the files and
    // ends that redirections use later are kept out of its way.
    let moves: Vec<(RawFd, RawFd)> = ends
        .onto
        .iter()
        .map(|(end, fd)| (end.as_raw_fd(), *fd as RawFd))
        .collect();
    let keep: Vec<RawFd> = files
        .iter()
        .flatten()
        .map(AsRawFd::as_raw_fd)
        .chain(ends.for_redirects.iter().map(|(_, end)| end.as_raw_fd()))
        .collect();
    let highest = moves.iter().map(|m| m.1).max().unwrap_or(0);
    let floor = FLOOR.max(highest + 1);
    let report_pipe = if must_fork {
        let (read, write) = pipe2(OFlag::O_CLOEXEC)?;
        Some((read, at_or_above(write, floor)?))
    } else {
        None
    };
    let scratch_floor = report_pipe
        .as_ref()
        .map_or(floor, |(_, write)| write.as_raw_fd());
    let moved = fdmove::plan(&moves, &keep, scratch_floor);
    for step in &moved.steps {
        fds.push(match *step {
            fdmove::Step::Dup { from, to } => ChildFd::Dup { from, to },
            fdmove::Step::Inherit(fd) => ChildFd::Dup { from: fd, to: fd },
            fdmove::Step::Park { from, to } => ChildFd::Park { from, to },
        });
        steps.push(StepOrigin::Wiring);
    }
    for (path, read, to, edge) in &ends.fifo_opens {
        fds.push(ChildFd::Open {
            path: path.clone(),
            // The private directory is pipe-run's own: a link in it is not.
            flags: libc::O_NOFOLLOW
                | if *read {
                    libc::O_RDONLY
                } else {
                    libc::O_WRONLY
                },
            to: *to as RawFd,
        });
        steps.push(StepOrigin::Fifo(*edge));
    }
    for (index, (action, file)) in stage.redirects.iter().zip(files).enumerate() {
        fds.push(match (action, file) {
            (FdAction::Open { fd, .. }, Some(file)) => ChildFd::Dup {
                from: moved.kept(file.as_raw_fd()),
                to: *fd as RawFd,
            },
            (FdAction::Open { fd, path, mode, .. }, None) => ChildFd::Open {
                path: cstring(path.as_os_str().as_bytes())?,
                flags: open_flags(*mode),
                to: *fd as RawFd,
            },
            (FdAction::Dup { fd, from, .. }, _) => ChildFd::Dup {
                from: *from as RawFd,
                to: *fd as RawFd,
            },
            (FdAction::Close { fd, .. }, _) => ChildFd::Close(*fd as RawFd),
            (FdAction::Edge { fd, edge, .. }, _) => {
                let end = ends
                    .for_redirects
                    .iter()
                    .find(|(e, _)| e == edge)
                    .map(|(_, end)| end.as_raw_fd())
                    .ok_or_else(|| io::Error::other("a redirection's edge is not open"))?;
                ChildFd::Dup {
                    from: moved.kept(end),
                    to: *fd as RawFd,
                }
            }
        });
        steps.push(StepOrigin::Redirect(index));
    }
    if ends.stderr_too {
        fds.push(ChildFd::Dup { from: 1, to: 2 });
        steps.push(StepOrigin::Wiring);
    }

    let program = cstring(stage.program.as_os_str().as_bytes())?;
    let args = stage
        .argv
        .iter()
        .map(|a| cstring(a.as_bytes()))
        .collect::<io::Result<Vec<_>>>()?;
    let argv = null_terminated(&args);
    let mut sh_argv = vec![c"sh".as_ptr(), program.as_ptr()];
    sh_argv.extend_from_slice(&argv[1..]);

    let shared = AtomicU64::new(NO_REPORT);
    let setup = ChildSetup {
        program,
        _args: args,
        argv,
        sh_argv,
        envp: env.envp(),
        parent: context.parent.as_raw(),
        fds,
        report: match &report_pipe {
            Some((_, write)) => ReportTo::Pipe(write.as_raw_fd()),
            None => ReportTo::Shared(&shared),
        },
        reset_signals: &context.reset_signals,
        fd_limit: context.fd_limit,
    };

    // Every signal stays blocked from before the fork until the child has
    // reset its handlers, so a signal sent to the group in that window is
    // not taken by pipe-run's handler in the child, and lost.
    let blocked = BlockAll::new();
    let pid = if must_fork {
        // SAFETY: the child runs only `setup.exec`, which makes
        // async-signal-safe syscalls on memory prepared above and never
        // returns.
        match unsafe { fork() }? {
            // SAFETY: this is the freshly forked child.
            ForkResult::Child => unsafe { setup.exec() },
            ForkResult::Parent { child } => child,
        }
    } else {
        vfork_exec(&setup, &mut context.stack.borrow_mut())?
    };
    drop(blocked);
    let report = match report_pipe {
        // The parent's copy of the write end goes, so the read end sees
        // EOF when the child execs.
        Some((read, _write)) => Report::Pending(read),
        // The vfork child has exec'd or exited: its report is in place.
        None => Report::Ready(decode(shared.load(Ordering::SeqCst))),
    };
    Ok(Spawned { pid, report, steps })
}
