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
    pub fn reason(&self) -> &'static str {
        nix::errno::Errno::from_raw(self.errno).desc()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageOutcome {
    /// The stage's argv, quoted for display.
    pub display: String,
    pub status: StageStatus,
    pub error: Option<StageError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    pub stages: Vec<StageOutcome>,
    /// The last terminating signal pipe-run received and forwarded to the
    /// pipeline (SIGINT, SIGTERM, SIGHUP, SIGQUIT).
    pub received_signal: Option<i32>,
}
