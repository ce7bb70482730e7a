//! Step 4 of the flow: what a run came to, and how to tell the user.

pub mod diagnostic;
pub mod explain;
pub mod outcome;
mod run_error;
pub mod status;
pub mod summary;
