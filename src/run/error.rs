//! Errors of pipe-run itself while running (exit 125), and a redirection
//! that failed after validation (exit 2, as before anything ran).

use std::fmt;
use std::io;

use crate::io_error::describe;

#[derive(Debug)]
pub enum RunError {
    /// A file could not be opened although the plan checked it; no stage
    /// was started, and no file was created or truncated. `what` names the
    /// file: "cannot create out.txt".
    Redirect { what: String, error: io::Error },
    /// pipe-run could not do its own work (pipe, fork, signals).
    Internal {
        what: &'static str,
        error: io::Error,
    },
}

impl RunError {
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::Redirect { .. } => 2,
            RunError::Internal { .. } => 125,
        }
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Redirect { what, error } => write!(f, "{what}: {}", describe(error)),
            RunError::Internal { what, error } => write!(f, "{what}: {}", describe(error)),
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
    fn doing(self, what: &'static str) -> Result<T, RunError>;
}

impl<T> Context<T> for io::Result<T> {
    fn doing(self, what: &'static str) -> Result<T, RunError> {
        self.map_err(|error| RunError::Internal { what, error })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_print_as_words() {
        let e = RunError::Redirect {
            what: "cannot create out/x.txt".into(),
            error: io::Error::from_raw_os_error(libc::EACCES),
        };
        assert_eq!(e.to_string(), "cannot create out/x.txt: Permission denied");
        let e = RunError::Internal {
            what: "creating a pipe",
            error: io::Error::from_raw_os_error(libc::EMFILE),
        };
        assert_eq!(e.to_string(), "creating a pipe: Too many open files");
    }
}
