//! An edge: the connection from one stage's output to the next stage's
//! input, kept as a value so that its transport and attributes can vary.

use crate::transport::Transport;

/// Which of the writer's streams an edge carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carries {
    /// `|`: fd 1.
    Stdout,
    /// `|&`: fd 1, and fd 2 duplicated onto it after the stage's own
    /// redirections (as bash documents for `|&`).
    StdoutAndStderr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Index of the writing stage.
    pub from: usize,
    /// Index of the reading stage.
    pub to: usize,
    pub carries: Carries,
    pub transport: Transport,
}
