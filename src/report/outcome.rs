//! The outcome of a run: every stage's status and what pipe-run itself
//! received. The runner records facts here; clients decide how to show them.

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

/// Why a stage's program did not start, found after `fork`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageError {
    /// What failed, e.g. "cannot execute /usr/bin/x" or "cannot open f".
    pub what: String,
    pub errno: i32,
}

impl StageError {
    /// The errno as words, e.g. "No such file or directory".
    pub fn reason(&self) -> String {
        crate::io_error::describe_errno(self.errno)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageOutcome {
    /// The stage's argv, quoted for display.
    pub display: String,
    pub status: StageStatus,
    pub error: Option<StageError>,
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
}
