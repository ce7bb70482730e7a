//! Errors of pipe-run itself while running (exit 125), and a redirection
//! that failed after validation (exit 2, as before anything ran).

use std::fmt;
use std::io;

#[derive(Debug)]
pub enum RunError {
    /// A file could not be opened although the plan checked it; no stage
    /// was started.
    Redirect(io::Error),
    /// pipe-run could not do its own work (pipe, fork, signals).
    Internal {
        what: &'static str,
        error: io::Error,
    },
}

impl RunError {
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::Redirect(_) => 2,
            RunError::Internal { .. } => 125,
        }
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Redirect(e) => write!(f, "{e}"),
            RunError::Internal { what, error } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Attach what pipe-run was doing to an I/O error.
pub trait Context<T> {
    fn doing(self, what: &'static str) -> Result<T, RunError>;
}

impl<T> Context<T> for io::Result<T> {
    fn doing(self, what: &'static str) -> Result<T, RunError> {
        self.map_err(|error| RunError::Internal { what, error })
    }
}
