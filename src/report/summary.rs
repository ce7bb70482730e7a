//! One-line messages about stages, for stderr.

use nix::sys::signal::Signal;

use super::outcome::{FailedStep, Leftover, StageOutcome, StageStatus};
use crate::plan::{EdgeId, FdAction, Place, Plan};
use crate::syntax::ast::ProcSubDirection;
use crate::transport::Granted;

/// How a stage is named in messages: `stage 2 (grep x)`, and for a stage
/// of a substitution `stage 3 (sort b.txt, in <(...) of stage 1)`. Stages
/// are numbered in the order their text starts.
pub fn name(plan: &Plan, index: usize) -> String {
    let node = &plan.nodes[index];
    let shown = shorten(&node.stage().display());
    match node.place {
        Place::Main => format!("stage {} ({shown})", index + 1),
        Place::Substitution { of, direction, .. } => {
            let sub = match direction {
                ProcSubDirection::Input => "<(...)",
                ProcSubDirection::Output => ">(...)",
            };
            format!(
                "stage {} ({shown}, in {sub} of stage {})",
                index + 1,
                of + 1
            )
        }
    }
}

/// `stage 1 (curl -s https://example.invalid) exited with status 6`
pub fn failure(plan: &Plan, index: usize, stage: &StageOutcome) -> String {
    let how = match stage.status {
        StageStatus::Exited(code) => format!("exited with status {code}"),
        StageStatus::Signaled(sig) => {
            let name = Signal::try_from(sig).map_or("unknown", Signal::as_str);
            format!("was killed by signal {sig} ({name})")
        }
    };
    format!("{} {how}", name(plan, index))
}

/// `stage 2 (foo): cannot execute /usr/bin/foo: Permission denied`
pub fn start_error(plan: &Plan, index: usize, stage: &StageOutcome) -> Option<String> {
    let error = stage.error.as_ref()?;
    let planned = plan.nodes[index].stage();
    let what = match error.step {
        FailedStep::Exec => format!("cannot execute {}", planned.program.display()),
        FailedStep::Setup => "cannot set up the stage".to_string(),
        FailedStep::Wiring => "cannot set up its fds".to_string(),
        FailedStep::Fifo(edge) => match plan.edges[edge].named_fifo() {
            Some(path) => format!("cannot open {}", path.display()),
            None => "cannot open its FIFO".to_string(),
        },
        FailedStep::Redirect(i) => match planned.redirects.get(i) {
            Some(FdAction::Open { path, .. }) => format!("cannot open {}", path.display()),
            Some(FdAction::Dup { from, .. }) => format!("cannot duplicate fd {from}"),
            _ => "cannot set up its fds".to_string(),
        },
    };
    Some(format!("{}: {what}: {}", name(plan, index), error.reason()))
}

/// `size=` that the kernel cut down, said once per edge.
pub fn granted(plan: &Plan, edge: EdgeId, granted: Granted) -> String {
    let e = &plan.edges[edge];
    format!(
        "the {} edge from {} to stage {} got a kernel buffer of {}, not the {} asked for",
        e.transport.kind.name(),
        name(plan, e.from.node),
        e.to.node + 1,
        bytes(granted.got),
        bytes(granted.asked)
    )
}

/// A byte count as written in `size=`: `1MiB` when it is a whole number of
/// KiB, MiB or GiB, else plain bytes.
pub fn bytes(n: u64) -> String {
    for (unit, size) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if n >= size && n.is_multiple_of(size) {
            return format!("{}{unit}", n / size);
        }
    }
    format!("{n} bytes")
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
