//! Step 3 of the flow: running a validated plan.
//!
//! # Theory of operation
//! 1. Every file the plan redirects to is opened (close-on-exec, numbered
//!    above fd 9) before the first fork; FIFOs are left to the child, since
//!    their open blocks until the other end is opened by another stage.
//! 2. Signal handlers are installed ([`signals`]): they only wake the
//!    supervisor through a self-pipe.
//! 3. Stages are spawned left to right. Each edge is opened by its
//!    transport just before its writer is spawned; the parent drops its
//!    copy of each end right after the spawn that needed it, so the reader
//!    sees EOF exactly when the writer (and its descendants) are done.
//!    All stages join one new process group led by the first stage; when
//!    pipe-run is in the terminal's foreground, that group gets the terminal.
//! 4. The [`supervisor`] sleeps until signals arrive, forwards SIGINT,
//!    SIGTERM, SIGHUP and SIGQUIT to the group, handles Ctrl-Z, and reaps.
//! 5. The terminal and signal handlers are restored, and the [`Outcome`]
//!    returned. If anything fails or panics midway, the [`group::Group`]
//!    guard kills and reaps whatever was started.

mod child;
mod error;
mod fds;
mod group;
mod signals;
mod spawn;
mod supervisor;
mod terminal;

pub use error::RunError;

use std::os::fd::{AsFd, OwnedFd};
use std::sync::Mutex;

use error::Context as _;
use group::{Group, Member};
use nix::unistd::getpid;
use signals::Signals;
use spawn::{Report, SpawnContext, open_files, spawn};
use supervisor::Supervisor;
use terminal::Terminal;

use crate::plan::{FdAction, Plan};
use crate::report::outcome::{Outcome, StageError, StageOutcome};

/// How to run a plan.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Give the pipeline the terminal when pipe-run is in its foreground.
    pub job_control: bool,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions { job_control: true }
    }
}

/// Run `plan` to completion and report how every stage ended.
///
/// ```
/// use pipe_run::plan::{Context, Plan};
/// use pipe_run::report::outcome::StageStatus;
/// use pipe_run::run::{RunOptions, run};
///
/// let tree = pipe_run::syntax::parse("true | false").unwrap();
/// let plan = Plan::build(&tree, &Context::from_process("pipe-run".into(), vec![], false)).unwrap();
/// let outcome = run(&plan, &RunOptions::default()).unwrap();
/// assert_eq!(outcome.stages[0].status, StageStatus::Exited(0));
/// assert_eq!(outcome.stages[1].status, StageStatus::Exited(1));
/// ```
///
/// Signal handling is process-wide, so runs in one process take turns: a
/// second thread calling `run` waits until the first run has ended.
pub fn run(plan: &Plan, options: &RunOptions) -> Result<Outcome, RunError> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    // A run that panicked has restored everything on unwinding, so a
    // poisoned lock is still safe to take.
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut files = plan
        .stages
        .iter()
        .map(open_files)
        .collect::<Result<Vec<_>, _>>()
        .map_err(RunError::Redirect)?;
    let signals = Signals::install().doing("installing signal handlers")?;
    let terminal = if options.job_control {
        Terminal::controlling()
    } else {
        None
    };
    let foreground = terminal.as_ref().filter(|t| t.owned_by_us());
    let context = SpawnContext {
        parent: getpid(),
        foreground_tty: foreground.map(Terminal::raw_fd),
        reset_signals: signals.child_resets(),
    };

    let mut group = Group::default();
    let mut next_stdin: Option<OwnedFd> = None;
    for (index, stage) in plan.stages.iter().enumerate() {
        let out = match plan.edge_out_of(index) {
            Some(edge) => {
                let ends = edge.transport.open().doing("creating a pipe")?;
                let reader = fds::above_floor(ends.reader).doing("creating a pipe")?;
                let writer = fds::above_floor(ends.writer).doing("creating a pipe")?;
                Some((reader, writer, edge.carries))
            }
            None => None,
        };
        let spawned = spawn(
            stage,
            next_stdin.as_ref(),
            out.as_ref().map(|(_, w, carries)| (w, *carries)),
            &files[index],
            group.pgid(),
            &context,
        )
        .doing("starting a stage")?;
        if index == 0
            && let Some(t) = foreground
        {
            t.give_to(spawned.pid);
        }
        group.members.push(Member {
            pid: spawned.pid,
            status: None,
            report: spawned.report,
            step_redirect: spawned.step_redirect,
        });
        // The parent's copies go now: the stage has its own.
        files[index].clear();
        next_stdin = out.map(|(reader, _writer, _)| reader);
    }
    drop(next_stdin);

    let mut supervisor = Supervisor {
        group: &mut group,
        signals: &signals,
        terminal: terminal.as_ref(),
        received: None,
    };
    supervisor.wait_all();
    let received = supervisor.received;
    if let (Some(t), Some(pgid)) = (&terminal, group.pgid()) {
        t.take_back_from(pgid);
    }

    let stages = plan
        .stages
        .iter()
        .zip(group.members.iter())
        .map(|(stage, member)| StageOutcome {
            display: stage.display(),
            status: member
                .status
                .expect("the supervisor returns when all stages ended"),
            error: read_report(member, stage),
        })
        .collect();
    Ok(Outcome {
        stages,
        received_signal: received,
    })
}

/// What the child reported before it could exec, if anything.
fn read_report(member: &Member, stage: &crate::plan::Stage) -> Option<StageError> {
    let (errno, step) = match &member.report {
        Report::Ready(report) => (*report)?,
        Report::Pending(pipe) => {
            // The stage has ended, so the write end is closed: no blocking.
            let mut buf = [0u8; 8];
            let n = nix::unistd::read(pipe.as_fd(), &mut buf).ok()?;
            (n == buf.len())
                .then(|| child::decode(u64::from_ne_bytes(buf)))
                .flatten()?
        }
    };
    let what = match step {
        child::STEP_EXEC => format!("cannot execute {}", stage.program.display()),
        child::STEP_SETUP => "cannot set up the stage".to_string(),
        step => match member
            .step_redirect
            .get(step as usize)
            .copied()
            .flatten()
            .and_then(|i| stage.redirects.get(i))
        {
            Some(FdAction::Open { path, .. }) => format!("cannot open {}", path.display()),
            Some(FdAction::Dup { from, .. }) => format!("cannot duplicate fd {from}"),
            _ => "cannot set up its fds".to_string(),
        },
    };
    Some(StageError { what, errno })
}
