//! The exit status: the plan's [`StatusPolicy`] applied to how the stages
//! ended.
//!
//! - pipefail (default): the status of the rightmost stage that failed,
//!   counting every stage of the graph, those of `<(...)` and `>(...)`
//!   included, in the order their text starts; `--no-pipefail`: the main
//!   pipeline's last stage's status, as plain sh.
//! - A stage killed by signal N counts as 128+N, except that a stage whose
//!   stdout is an edge of the pipeline and is killed by SIGPIPE counts as
//!   success: its reader stopped reading, which is how `yes | head -1` is
//!   meant to end. The last stage, writing to pipe-run's stdout, keeps 141,
//!   as a caller would see from a plain command.
//! - If pipe-run itself received a terminating signal, it ends with that
//!   signal, whatever the stages did.

use super::outcome::{Outcome, StageStatus};
use crate::plan::StatusPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// pipe-run's exit status.
    pub code: i32,
    /// The stage that decided a failing status, when it is not the main
    /// pipeline's last stage (so the user cannot tell from the output which
    /// one failed).
    pub blame: Option<usize>,
    /// A signal pipe-run should die of after cleaning up, so that its caller
    /// (a shell, make) sees a signal death, not just a status.
    pub raise: Option<i32>,
}

/// Did stage `index` fail, under `policy`?
fn failed(status: StageStatus, index: usize, policy: &StatusPolicy) -> bool {
    match status {
        StageStatus::Exited(code) => code != 0,
        StageStatus::Signaled(sig) => {
            !(sig == libc::SIGPIPE && policy.sigpipe_is_success.get(index) == Some(&true))
        }
    }
}

pub fn verdict(outcome: &Outcome, policy: &StatusPolicy, pipefail: bool) -> Verdict {
    if let Some(sig) = outcome.received_signal {
        let raise = matches!(sig, libc::SIGINT | libc::SIGTERM | libc::SIGHUP).then_some(sig);
        return Verdict {
            code: 128 + sig,
            blame: None,
            raise,
        };
    }
    let deciding = if pipefail {
        outcome
            .stages
            .iter()
            .enumerate()
            .rev()
            .find(|(i, s)| failed(s.status, *i, policy))
            .map(|(i, _)| i)
    } else {
        Some(policy.last).filter(|&i| failed(outcome.stages[i].status, i, policy))
    };
    let Some(index) = deciding else {
        return Verdict {
            code: 0,
            blame: None,
            raise: None,
        };
    };
    let status = outcome.stages[index].status;
    // A stage killed by Ctrl-C: pipe-run dies of SIGINT too, so a calling
    // script stops as it would have had the stage been its own child.
    let raise = (status == StageStatus::Signaled(libc::SIGINT)).then_some(libc::SIGINT);
    Verdict {
        code: status.code(),
        blame: (index != policy.last).then_some(index),
        raise,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::outcome::StageOutcome;
    use std::time::Duration;

    fn outcome(statuses: &[StageStatus]) -> Outcome {
        Outcome {
            stages: statuses
                .iter()
                .map(|&status| StageOutcome {
                    pid: 0,
                    status,
                    started: Duration::ZERO,
                    ended: Duration::ZERO,
                    error: None,
                })
                .collect(),
            ..Outcome::default()
        }
    }

    /// A chain: every stage but the last writes into an edge.
    fn chain(count: usize) -> StatusPolicy {
        StatusPolicy {
            last: count - 1,
            sigpipe_is_success: (0..count).map(|i| i + 1 < count).collect(),
        }
    }

    use StageStatus::{Exited, Signaled};

    #[test]
    fn pipefail_takes_the_rightmost_failure() {
        let o = outcome(&[Exited(3), Exited(4), Exited(0)]);
        assert_eq!(verdict(&o, &chain(3), true).code, 4);
        assert_eq!(verdict(&o, &chain(3), true).blame, Some(1));
        assert_eq!(verdict(&o, &chain(3), false).code, 0);
    }

    #[test]
    fn sigpipe_into_an_edge_is_success() {
        let o = outcome(&[Signaled(libc::SIGPIPE), Exited(0)]);
        assert_eq!(verdict(&o, &chain(2), true).code, 0);
        let o = outcome(&[Exited(0), Signaled(libc::SIGPIPE)]);
        assert_eq!(verdict(&o, &chain(2), true).code, 141);
        assert_eq!(verdict(&o, &chain(2), true).blame, None);
    }

    #[test]
    fn a_substitution_after_the_last_main_stage_counts_and_is_blamed() {
        // `cat <(false)`: node 0 is cat (main, last), node 1 is false.
        let policy = StatusPolicy {
            last: 0,
            sigpipe_is_success: vec![false, true],
        };
        let o = outcome(&[Exited(0), Exited(1)]);
        let v = verdict(&o, &policy, true);
        assert_eq!((v.code, v.blame), (1, Some(1)));
        assert_eq!(verdict(&o, &policy, false).code, 0);
    }

    #[test]
    fn a_received_signal_wins() {
        let mut o = outcome(&[Exited(0)]);
        o.received_signal = Some(libc::SIGTERM);
        let v = verdict(&o, &chain(1), true);
        assert_eq!((v.code, v.raise), (143, Some(libc::SIGTERM)));
    }
}
