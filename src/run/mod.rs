//! Step 3 of the flow: running a validated plan.
//!
//! # Theory of operation
//! pipe-run behaves as a non-interactive shell running one pipeline:
//!
//! 1. Signal handlers are installed ([`signals`]): they only wake the
//!    supervisor through a self-pipe. The terminal's modes are saved
//!    ([`terminal`]). With [`RunOptions::end_leftovers`], pipe-run becomes
//!    the subreaper of everything the stages start ([`leftovers`]).
//! 2. The run's private directory is made if the plan needs named FIFOs,
//!    and every file the plan redirects to is opened (close-on-exec,
//!    numbered above fd 9) before the first fork; none is created or
//!    truncated until all opens have succeeded ([`files`]). FIFOs the user
//!    redirects to are left to the child, since their open blocks until
//!    another stage opens the other end.
//! 3. Nodes are spawned in plan order (the order their text starts), in
//!    pipe-run's own process group: pipe-run creates no group and never
//!    changes the terminal's foreground, so Ctrl-C and Ctrl-Z reach
//!    pipe-run, its stages and whoever shares the group (the calling
//!    script, `make`) alike, and no stage leads a group holding other
//!    stages. Each edge is opened by its transport when its first end is
//!    needed ([`wiring`]); the child puts its ends on their fds in one
//!    parallel move ([`fdmove`]), then applies its redirections in order;
//!    the parent drops its copy of each end right after the spawn that
//!    needed it, so a reader sees EOF exactly when its writers (and their
//!    descendants) are done.
//! 4. The [`event_loop`] sleeps until signals arrive or a forked child's
//!    report pipe speaks, passes on to each stage the signals sent to
//!    pipe-run alone, reaps, and releases named FIFOs whose other side
//!    will never open them ([`fifos`]). When every stage has ended, it
//!    ends what they left running (SIGTERM, then SIGKILL).
//! 5. The terminal's modes are put back if a stage was killed by a signal,
//!    signal handlers and mask are restored, the private directory is
//!    removed, and the [`Outcome`] returned: facts only (pids, statuses,
//!    times, the step that failed and its errno), which `report` puts into
//!    words. If anything fails or panics midway, the [`stages::Stages`]
//!    guard kills and reaps whatever was started, and the directory guard
//!    then removes the directory.

mod child;
mod envp;
mod error;
mod event_loop;
mod fd_limit;
mod fdmove;
mod fds;
mod fifos;
mod files;
mod leftovers;
mod signals;
mod sockets;
mod spawn;
mod stages;
mod terminal;
mod wiring;

pub use error::{Doing, RunError};

use std::sync::Mutex;
use std::time::{Duration, Instant};

use envp::EnvBlocks;
use error::Context as _;
use event_loop::EventLoop;
use fd_limit::RaisedLimit;
use fifos::NamedFifos;
use files::open_files;
use leftovers::Subreaper;
use nix::unistd::getpid;
use signals::Signals;
use sockets::KeptSockets;
use spawn::{Report, SpawnContext, StepOrigin, spawn};
use stages::{Reaping, Stage, Stages};
use terminal::TerminalModes;
use wiring::Wiring;

use crate::plan::{EdgeId, Plan};
use crate::report::outcome::{FailedStep, Outcome, StageOutcome, StageStatus, StartError};
use crate::transport::{Granted, PrivateDir};

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

/// Something the run tells as it happens, before its [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The kernel gave edge `edge` a smaller buffer than `size=` asked for.
    Granted { edge: EdgeId, granted: Granted },
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
    run_with(plan, options, &mut |_| {})
}

/// [`run`], telling `events` of what happens as it happens.
pub fn run_with(
    plan: &Plan,
    options: &RunOptions,
    events: &mut dyn FnMut(Event),
) -> Result<Outcome, RunError> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    // A run that panicked has restored everything on unwinding, so a
    // poisoned lock is still safe to take.
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let begun = Instant::now();
    // pipe-run's own set-up comes first: once the files are open, some are
    // truncated, and a failure of pipe-run's own after that would lose data.
    let signals = Signals::install().doing(Doing::InstallSignals)?;
    let modes = TerminalModes::save();
    let (_subreaper, reaping) = if options.end_leftovers {
        let guard = Subreaper::start().doing(Doing::BecomeSubreaper)?;
        (Some(guard), Reaping::AnyChild)
    } else {
        (None, Reaping::StagesOnly)
    };
    // Declared before the stages guard, so dropped after it: the directory
    // goes only once every stage is reaped, on an early return or a panic too.
    let mut dir = match &plan.private_dir {
        Some(path) => Some(PrivateDir::create_at(path).doing(Doing::CreatePrivateDir)?),
        None => None,
    };
    let fd_limit = RaisedLimit::raise();
    let stage_list: Vec<&crate::plan::Stage> = plan.nodes.iter().map(|n| n.stage()).collect();
    let mut files = open_files(&stage_list)?;
    let context = SpawnContext {
        parent: getpid(),
        reset_signals: signals.child_resets(),
        stack: std::cell::RefCell::new(Box::new_uninit_slice(spawn::CHILD_STACK_WORDS)),
        closed_std_fds: plan.closed_std_fds.iter().map(|&fd| fd as i32).collect(),
        fd_limit: fd_limit.as_ref().map(RaisedLimit::original),
    };

    let mut envs = EnvBlocks::default();
    let mut granted = Vec::new();
    let mut stages = Stages::new(reaping);
    let mut wiring = Wiring::new(plan);
    let mut sockets = KeptSockets::default();
    for (id, node) in plan.nodes.iter().enumerate() {
        wiring.open_for(id, dir.as_ref(), &mut |edge, g| {
            granted.push((edge, g));
            events(Event::Granted { edge, granted: g });
        })?;
        let ends = wiring.ends_of(id).doing(Doing::Spawn)?;
        let env = envs.block(&node.stage().env).doing(Doing::Spawn)?;
        let spawned = spawn(node.stage(), &ends, &files[id], &env, &context).doing(Doing::Spawn)?;
        drop(ends);
        stages.push(Stage {
            pid: spawned.pid,
            status: None,
            stopped: false,
            report: spawned.report,
            steps: spawned.steps,
            started: Instant::now(),
            ended: None,
        });
        // The parent's copies go now: the stage has its own.
        files[id].clear();
        wiring.started(id, &mut sockets);
    }
    drop(wiring);
    // Every FIFO edge is open at both ends and unlinked by now: unless a
    // program still has to open a FIFO by name, the directory goes at once,
    // so that even SIGKILL of pipe-run leaves nothing behind.
    if !plan.edges.iter().any(|e| e.named_fifo().is_some()) {
        drop(dir.take());
    }

    let mut event_loop = EventLoop {
        stages: &mut stages,
        signals: &signals,
        fifos: NamedFifos::of(plan),
        sockets,
        received: None,
        stopping: None,
    };
    event_loop.wait_all();
    let leftovers = if options.end_leftovers {
        event_loop.end_leftovers(options.leftover_grace)
    } else {
        Vec::new()
    };
    let received = event_loop.received;
    let killed = stages
        .stages
        .iter()
        .any(|s| matches!(s.status, Some(StageStatus::Signaled(sig)) if sig != libc::SIGPIPE));
    if let (true, Some(modes)) = (killed, &modes) {
        modes.restore();
    }

    let outcomes = stages
        .stages
        .iter()
        .map(|member| StageOutcome {
            pid: member.pid.as_raw(),
            status: member
                .status
                .expect("the event loop returns when all stages ended"),
            started: member.started.saturating_duration_since(begun),
            ended: member
                .ended
                .map_or(Duration::ZERO, |t| t.saturating_duration_since(begun)),
            error: start_error(member),
        })
        .collect();
    drop(dir);
    Ok(Outcome {
        stages: outcomes,
        received_signal: received,
        leftovers,
        granted,
    })
}

/// What the child reported before it could exec, if anything.
fn start_error(member: &Stage) -> Option<StartError> {
    let Report::Ready(Some((errno, step))) = member.report else {
        return None;
    };
    let step = match step {
        child::STEP_EXEC => FailedStep::Exec,
        child::STEP_SETUP => FailedStep::Setup,
        step => match member.steps.get(step as usize) {
            Some(StepOrigin::Redirect(index)) => FailedStep::Redirect(*index),
            Some(StepOrigin::Fifo(edge)) => FailedStep::Fifo(*edge),
            _ => FailedStep::Wiring,
        },
    };
    Some(StartError { step, errno })
}
