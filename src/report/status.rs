//! The exit status policy: how stage statuses combine into pipe-run's.
//!
//! - pipefail (default): the status of the rightmost stage that failed;
//!   `--no-pipefail`: the last stage's status, as plain sh.
//! - A stage killed by signal N counts as 128+N, except that a stage other
//!   than the last one killed by SIGPIPE counts as success: its reader
//!   stopped reading, which is how `yes | head -1` is meant to end. The last
//!   stage keeps 141, as a caller would see from a plain command.
//! - If pipe-run itself received a terminating signal, it ends with that
//!   signal, whatever the stages did.

use super::outcome::{Outcome, StageStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// pipe-run's exit status.
    pub code: i32,
    /// The stage that decided a failing status, when it is not the last
    /// stage (so the user cannot tell from the output which one failed).
    pub blame: Option<usize>,
    /// A signal pipe-run should die of after cleaning up, so that its caller
    /// (a shell, make) sees a signal death, not just a status.
    pub raise: Option<i32>,
}

/// Did stage `index` of `count` fail?
fn failed(status: StageStatus, index: usize, count: usize) -> bool {
    match status {
        StageStatus::Exited(code) => code != 0,
        StageStatus::Signaled(sig) => !(sig == libc::SIGPIPE && index + 1 < count),
    }
}

pub fn verdict(outcome: &Outcome, pipefail: bool) -> Verdict {
    if let Some(sig) = outcome.received_signal {
        let raise = matches!(sig, libc::SIGINT | libc::SIGTERM | libc::SIGHUP).then_some(sig);
        return Verdict {
            code: 128 + sig,
            blame: None,
            raise,
        };
    }
    let count = outcome.stages.len();
    let deciding = if pipefail {
        outcome
            .stages
            .iter()
            .enumerate()
            .rev()
            .find(|(i, s)| failed(s.status, *i, count))
            .map(|(i, _)| i)
    } else {
        count
            .checked_sub(1)
            .filter(|&i| failed(outcome.stages[i].status, i, count))
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
        blame: (index + 1 < count).then_some(index),
        raise,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::outcome::StageOutcome;

    fn outcome(statuses: &[StageStatus]) -> Outcome {
        Outcome {
            stages: statuses
                .iter()
                .map(|&status| StageOutcome {
                    display: String::new(),
                    status,
                    error: None,
                })
                .collect(),
            received_signal: None,
            leftovers: Vec::new(),
        }
    }

    use StageStatus::{Exited, Signaled};

    #[test]
    fn pipefail_takes_the_rightmost_failure() {
        let o = outcome(&[Exited(3), Exited(4), Exited(0)]);
        assert_eq!(verdict(&o, true).code, 4);
        assert_eq!(verdict(&o, true).blame, Some(1));
        assert_eq!(verdict(&o, false).code, 0);
    }

    #[test]
    fn sigpipe_before_the_last_stage_is_success() {
        let o = outcome(&[Signaled(libc::SIGPIPE), Exited(0)]);
        assert_eq!(verdict(&o, true).code, 0);
        let o = outcome(&[Exited(0), Signaled(libc::SIGPIPE)]);
        assert_eq!(verdict(&o, true).code, 141);
        assert_eq!(verdict(&o, true).blame, None);
    }

    #[test]
    fn a_received_signal_wins() {
        let mut o = outcome(&[Exited(0)]);
        o.received_signal = Some(libc::SIGTERM);
        let v = verdict(&o, true);
        assert_eq!((v.code, v.raise), (143, Some(libc::SIGTERM)));
    }
}
