//! One-line messages about stages, for stderr.

use nix::sys::signal::Signal;

use super::outcome::{StageOutcome, StageStatus};

/// `stage 1 (curl -s https://example.invalid) exited with status 6`
pub fn failure(index: usize, stage: &StageOutcome) -> String {
    let how = match stage.status {
        StageStatus::Exited(code) => format!("exited with status {code}"),
        StageStatus::Signaled(sig) => {
            let name = Signal::try_from(sig).map_or("unknown", Signal::as_str);
            format!("was killed by signal {sig} ({name})")
        }
    };
    format!("stage {} ({}) {how}", index + 1, stage.display)
}

/// `stage 2 (foo): cannot execute /usr/bin/foo: Permission denied`
pub fn start_error(index: usize, stage: &StageOutcome) -> Option<String> {
    let error = stage.error.as_ref()?;
    Some(format!(
        "stage {} ({}): {}: {}",
        index + 1,
        stage.display,
        error.what,
        error.reason()
    ))
}
