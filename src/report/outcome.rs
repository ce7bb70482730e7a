//! The outcome of a run: every stage's status and what pipe-run itself
//! received. The runner records facts here; clients decide how to show them.

use std::time::Duration;

use crate::plan::EdgeId;
use crate::transport::Granted;

/// How a stage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageStatus {
    Exited(i32),
    /// Killed by this signal.
    Signaled(i32),
}

impl StageStatus {
    /// The status a shell reports: the exit code, or 128 + the signal.
    pub fn code(self) -> i32 {
        match self {
            StageStatus::Exited(code) => code,
            StageStatus::Signaled(sig) => 128 + sig,
        }
    }
}

/// Why a stage's program did not start, found after `fork`: the step that
/// failed and its errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartError {
    pub step: FailedStep,
    pub errno: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedStep {
    /// `execve` of the program.
    Exec,
    /// Resetting the signal state.
    Setup,
    /// pipe-run's own wiring of the stage's fds.
    Wiring,
    /// The stage's redirection at this index.
    Redirect(usize),
    /// Opening the named FIFO of this edge.
    Fifo(EdgeId),
}

impl StartError {
    /// The errno as words, e.g. "No such file or directory".
    pub fn reason(&self) -> String {
        crate::io_error::describe_errno(self.errno)
    }
}

/// How one node of the plan ran: `Outcome::stages[i]` is node `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageOutcome {
    pub pid: i32,
    pub status: StageStatus,
    /// When it started and ended, from the start of the run.
    pub started: Duration,
    pub ended: Duration,
    pub error: Option<StartError>,
}

/// A process that a stage left running when the pipeline was over, and
/// that pipe-run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub pid: i32,
    /// Its command line, quoted for display.
    pub command: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    pub stages: Vec<StageOutcome>,
    /// The terminating signal pipe-run was sent (SIGINT, SIGTERM, SIGHUP,
    /// SIGQUIT) and dies of; a Ctrl-C or Ctrl-\\ from the terminal is not
    /// counted here, since it reached the stages too and their statuses
    /// decide, as with sh.
    pub received_signal: Option<i32>,
    /// What the stages left running and pipe-run ended (only when it was
    /// asked to, see `RunOptions::end_leftovers`).
    pub leftovers: Vec<Leftover>,
    /// Edges whose kernel buffer is smaller than `size=` asked for.
    pub granted: Vec<(EdgeId, Granted)>,
}
