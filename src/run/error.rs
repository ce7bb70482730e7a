//! Why a run could not go ahead, as facts: what pipe-run was doing and the
//! error. `report::run_error` puts them into words.

use std::io;
use std::path::PathBuf;

use crate::plan::OpenMode;
use crate::transport::Kind;

#[derive(Debug)]
pub enum RunError {
    /// A file could not be opened although the plan checked it; no stage
    /// was started, and no file was created or truncated (exit 2).
    Redirect {
        path: PathBuf,
        mode: OpenMode,
        error: io::Error,
    },
    /// pipe-run could not do its own work (exit 125).
    Internal { doing: Doing, error: io::Error },
}

/// What pipe-run was doing when its own work failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing {
    InstallSignals,
    BecomeSubreaper,
    CreatePrivateDir,
    /// Opening an edge of this kind.
    OpenEdge(Kind),
    /// Making a named FIFO for a process substitution.
    MakeFifo,
    /// Numbering an edge's ends out of the way of the stages' fds.
    WireEdge,
    Spawn,
}

impl RunError {
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::Redirect { .. } => 2,
            RunError::Internal { .. } => 125,
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Redirect { error, .. } | RunError::Internal { error, .. } => Some(error),
        }
    }
}

/// Attach what pipe-run was doing to an I/O error.
pub trait Context<T> {
    fn doing(self, doing: Doing) -> Result<T, RunError>;
}

impl<T> Context<T> for io::Result<T> {
    fn doing(self, doing: Doing) -> Result<T, RunError> {
        self.map_err(|error| RunError::Internal { doing, error })
    }
}
