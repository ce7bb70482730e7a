//! Step 3 of the flow: running a validated plan.
//!
//! # Theory of operation
//! pipe-run behaves as a non-interactive shell running one pipeline:
//!
//! 1. Signal handlers are installed ([`signals`]): they only wake the
//!    supervisor through a self-pipe. The terminal's modes are saved
//!    ([`terminal`]). With [`RunOptions::end_leftovers`], pipe-run becomes
//!    the subreaper of everything the stages start ([`leftovers`]).
//! 2. Every file the plan redirects to is opened (close-on-exec, numbered
//!    above fd 9) before the first fork, and none is created or truncated
//!    until all opens have succeeded ([`files`]); FIFOs are left to the
//!    child, since their open blocks until another stage opens the other
//!    end.
//! 3. Stages are spawned left to right, in pipe-run's own process group:
//!    pipe-run creates no group and never changes the terminal's
//!    foreground, so Ctrl-C and Ctrl-Z reach pipe-run, its stages and
//!    whoever shares the group (the calling script, `make`) alike, and no
//!    stage leads a group holding other stages. Each edge is opened by its
//!    transport just before its writer is spawned; the parent drops its
//!    copy of each end right after the spawn that needed it, so the reader
//!    sees EOF exactly when the writer (and its descendants) are done.
//! 4. The [`supervisor`] sleeps until signals arrive, passes on to each
//!    stage the signals sent to pipe-run alone, and reaps. When every stage
//!    has ended, it ends what they left running (SIGTERM, then SIGKILL).
//! 5. The terminal's modes are put back if a stage was killed by a signal,
//!    signal handlers and mask are restored, and the [`Outcome`] returned.
//!    If anything fails or panics midway, the [`stages::Stages`] guard kills
//!    and reaps whatever was started.

mod child;
mod envp;
mod error;
mod fds;
mod files;
mod leftovers;
mod signals;
mod spawn;
mod stages;
mod supervisor;
mod terminal;

pub use error::RunError;

use std::os::fd::{AsFd, OwnedFd};
use std::sync::Mutex;
use std::time::Duration;

use envp::EnvBlocks;
use error::Context as _;
use files::open_files;
use leftovers::Subreaper;
use nix::unistd::getpid;
use signals::Signals;
use spawn::{Report, SpawnContext, spawn};
use stages::{Reaping, Stage, Stages};
use supervisor::Supervisor;
use terminal::TerminalModes;

use crate::plan::{FdAction, Plan};
use crate::report::outcome::{Outcome, StageError, StageOutcome, StageStatus};

/// How to run a plan.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Become the subreaper of everything the stages start, and when the
    /// pipeline is over, end what they left running: SIGTERM, then SIGKILL
    /// after [`RunOptions::leftover_grace`]. This reaps with `waitpid(-1)`,
    /// so it also collects any other child of the calling process: off by
    /// default for library callers, on in the `pipe-run` command.
    pub end_leftovers: bool,
    /// How long leftovers have between SIGTERM and SIGKILL.
    pub leftover_grace: Duration,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            end_leftovers: false,
            leftover_grace: Duration::from_secs(2),
        }
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
    // pipe-run's own set-up comes first: once the files are open, some are
    // truncated, and a failure of pipe-run's own after that would lose data.
    let signals = Signals::install().doing("installing signal handlers")?;
    let modes = TerminalModes::save();
    let (_subreaper, reaping) = if options.end_leftovers {
        let guard = Subreaper::start().doing("becoming the stages' subreaper")?;
        (Some(guard), Reaping::AnyChild)
    } else {
        (None, Reaping::StagesOnly)
    };
    let mut files = open_files(&plan.stages)?;
    let context = SpawnContext {
        parent: getpid(),
        reset_signals: signals.child_resets(),
        closed_std_fds: plan.closed_std_fds.iter().map(|&fd| fd as i32).collect(),
    };

    let mut envs = EnvBlocks::default();
    let mut stages = Stages::new(reaping);
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
        let env = envs.block(&stage.env).doing("starting a stage")?;
        let spawned = spawn(
            stage,
            next_stdin.as_ref(),
            out.as_ref().map(|(_, w, carries)| (w, *carries)),
            &files[index],
            &env,
            &context,
        )
        .doing("starting a stage")?;
        stages.stages.push(Stage {
            pid: spawned.pid,
            status: None,
            stopped: false,
            report: spawned.report,
            step_redirect: spawned.step_redirect,
        });
        // The parent's copies go now: the stage has its own.
        files[index].clear();
        next_stdin = out.map(|(reader, _writer, _)| reader);
    }
    drop(next_stdin);

    let mut supervisor = Supervisor {
        stages: &mut stages,
        signals: &signals,
        received: None,
        stopping: None,
    };
    supervisor.wait_all();
    let leftovers = if options.end_leftovers {
        supervisor.end_leftovers(options.leftover_grace)
    } else {
        Vec::new()
    };
    let received = supervisor.received;
    let killed = stages
        .stages
        .iter()
        .any(|s| matches!(s.status, Some(StageStatus::Signaled(sig)) if sig != libc::SIGPIPE));
    if let (true, Some(modes)) = (killed, &modes) {
        modes.restore();
    }

    let outcomes = plan
        .stages
        .iter()
        .zip(stages.stages.iter())
        .map(|(stage, member)| StageOutcome {
            display: stage.display(),
            status: member
                .status
                .expect("the supervisor returns when all stages ended"),
            error: read_report(member, stage),
        })
        .collect();
    Ok(Outcome {
        stages: outcomes,
        received_signal: received,
        leftovers,
    })
}

/// What the child reported before it could exec, if anything.
fn read_report(member: &Stage, stage: &crate::plan::Stage) -> Option<StageError> {
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
