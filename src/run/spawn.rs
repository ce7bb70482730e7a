//! Starting one stage: prepare its [`ChildSetup`] in the parent, fork, and
//! let the child apply it.

use std::ffi::{CString, c_int};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;

use nix::fcntl::OFlag;
use nix::unistd::{ForkResult, Pid, fork, pipe2};

use std::sync::atomic::{AtomicU64, Ordering};

use super::child::{ChildFd, ChildSetup, NO_REPORT, ReportTo, decode};
use super::envp::EnvBlock;
use super::fds::above_floor;
use super::files::{StageFiles, open_flags};
use super::signals::BlockAll;
use crate::plan::{Carries, FdAction, Stage};

/// What the parent needs of a started stage.
pub struct Spawned {
    pub pid: Pid,
    /// Why the child could not exec, or where to read it later.
    pub report: Report,
    /// For each child fd step, the redirection it came from, if any.
    pub step_redirect: Vec<Option<usize>>,
}

/// A child's failure report.
pub enum Report {
    /// Known at spawn time (vfork child): `(errno, step)` if it failed.
    Ready(Option<(i32, u32)>),
    /// The read end of a forked child's report pipe, readable once the
    /// child has exec'd or exited.
    Pending(OwnedFd),
}

/// Per-run settings every spawn shares.
pub struct SpawnContext {
    pub parent: Pid,
    pub reset_signals: Vec<i32>,
    /// Standard fds that were closed when pipe-run started: closed again
    /// in every stage before its edges and redirections are set up, as a
    /// shell passes a closed fd on.
    pub closed_std_fds: Vec<RawFd>,
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
const CHILD_STACK_WORDS: usize = 4096;

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
fn vfork_exec(setup: &ChildSetup) -> io::Result<Pid> {
    let mut stack = vec![0u128; CHILD_STACK_WORDS];
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

/// Start `stage` in pipe-run's own process group.
///
/// `stdin` and `stdout` are the parent's ends of the stage's edges; the
/// caller drops them right after this returns, so only the child keeps them.
/// `env` is the stage's `envp`: it needs to live only as long as this call,
/// since a vfork child has exec'd (or exited) when `spawn` returns, and a
/// forked one has its own copy.
pub fn spawn(
    stage: &Stage,
    stdin: Option<&OwnedFd>,
    stdout: Option<(&OwnedFd, Carries)>,
    files: &StageFiles,
    env: &EnvBlock,
    context: &SpawnContext,
) -> io::Result<Spawned> {
    let mut fds = Vec::new();
    let mut step_redirect = Vec::new();
    for &fd in &context.closed_std_fds {
        fds.push(ChildFd::Close(fd));
        step_redirect.push(None);
    }
    if let Some(fd) = stdin {
        fds.push(ChildFd::Dup {
            from: fd.as_raw_fd(),
            to: 0,
        });
        step_redirect.push(None);
    }
    if let Some((fd, _)) = stdout {
        fds.push(ChildFd::Dup {
            from: fd.as_raw_fd(),
            to: 1,
        });
        step_redirect.push(None);
    }
    for (index, (action, file)) in stage.redirects.iter().zip(files).enumerate() {
        fds.push(match (action, file) {
            (FdAction::Open { fd, .. }, Some(file)) => ChildFd::Dup {
                from: file.as_raw_fd(),
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
        });
        step_redirect.push(Some(index));
    }
    if let Some((_, Carries::StdoutAndStderr)) = stdout {
        fds.push(ChildFd::Dup { from: 1, to: 2 });
        step_redirect.push(None);
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

    // The child opens a FIFO itself, and that open may block until a
    // later stage opens the other end: the parent must not wait for this
    // child's exec, so it forks. Every other stage is started vfork-style.
    let must_fork = fds.iter().any(|f| matches!(f, ChildFd::Open { .. }));
    let shared = AtomicU64::new(NO_REPORT);
    let report_pipe = if must_fork {
        let (read, write) = pipe2(OFlag::O_CLOEXEC)?;
        Some((read, above_floor(write)?))
    } else {
        None
    };
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
        reset_signals: context.reset_signals.clone(),
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
        vfork_exec(&setup)?
    };
    drop(blocked);
    let report = match report_pipe {
        // The parent's copy of the write end goes, so the read end sees
        // EOF when the child execs.
        Some((read, _write)) => Report::Pending(read),
        // The vfork child has exec'd or exited: its report is in place.
        None => Report::Ready(decode(shared.load(Ordering::SeqCst))),
    };
    Ok(Spawned {
        pid,
        report,
        step_redirect,
    })
}
