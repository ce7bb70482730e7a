//! One-line messages about stages, for stderr.

use nix::sys::signal::Signal;

use super::outcome::{Leftover, StageOutcome, StageStatus};

/// `stage 1 (curl -s https://example.invalid) exited with status 6`
pub fn failure(index: usize, stage: &StageOutcome) -> String {
    let how = match stage.status {
        StageStatus::Exited(code) => format!("exited with status {code}"),
        StageStatus::Signaled(sig) => {
            let name = Signal::try_from(sig).map_or("unknown", Signal::as_str);
            format!("was killed by signal {sig} ({name})")
        }
    };
    format!("stage {} ({}) {how}", index + 1, shorten(&stage.display))
}

/// `stage 2 (foo): cannot execute /usr/bin/foo: Permission denied`
pub fn start_error(index: usize, stage: &StageOutcome) -> Option<String> {
    let error = stage.error.as_ref()?;
    Some(format!(
        "stage {} ({}): {}: {}",
        index + 1,
        shorten(&stage.display),
        error.what,
        error.reason()
    ))
}

/// `ended 1 process that the stages left running: 4242 (sleep 100)`
pub fn leftovers(ended: &[Leftover]) -> Option<String> {
    const NAMED: usize = 3;
    ended.first()?;
    let noun = if ended.len() == 1 {
        "process"
    } else {
        "processes"
    };
    let mut named: Vec<String> = ended
        .iter()
        .take(NAMED)
        .map(|l| format!("{} ({})", l.pid, shorten(&l.command)))
        .collect();
    if ended.len() > NAMED {
        named.push(format!("and {} more", ended.len() - NAMED));
    }
    Some(format!(
        "ended {} {noun} that the stages left running: {} (use --keep-orphans to leave them)",
        ended.len(),
        named.join(", ")
    ))
}

/// A command line cut to a readable length: the start names it.
pub fn shorten(display: &str) -> String {
    const KEEP: usize = 100;
    let count = display.chars().count();
    if count <= KEEP + 20 {
        return display.to_string();
    }
    let kept: String = display.chars().take(KEEP).collect();
    format!("{kept}… [{} more characters]", count - KEEP)
}
