//! A parallel move of fds: put any set of open fds onto any fd numbers at
//! once, as a child must before exec, whatever the overlaps.
//!
//! Moving one fd at a time with `dup2` can overwrite a source that a later
//! move still needs (the end on fd 62 must go to 63 while the one on 63 goes
//! to 62). The planner orders the moves so that no pending source is
//! overwritten, and breaks each cycle by first copying one source to a
//! scratch fd above every fd in play. It runs in the parent, which may
//! allocate; the child only replays the steps.

use std::os::fd::RawFd;

/// One step for the child, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `dup2(from, to)`: `to` is inherited across exec.
    Dup { from: RawFd, to: RawFd },
    /// The source is already on its fd: clear its close-on-exec flag.
    Inherit(RawFd),
    /// `dup3(from, to, O_CLOEXEC)`: a scratch or relocated copy, gone at exec.
    Park { from: RawFd, to: RawFd },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Moves {
    pub steps: Vec<Step>,
    /// Fds to keep whose number was a destination: where each one went.
    pub renamed: Vec<(RawFd, RawFd)>,
}

impl Moves {
    /// Where a kept fd is once the steps have run.
    pub fn kept(&self, fd: RawFd) -> RawFd {
        self.renamed
            .iter()
            .find(|(old, _)| *old == fd)
            .map_or(fd, |&(_, new)| new)
    }
}

/// Plan the moves `(source, destination)`; destinations must be distinct,
/// a source may go to several. `keep` are other fds the child still needs
/// after the moves (files for its redirections): one that sits on a
/// destination is parked elsewhere first. Scratch fds are numbered above
/// `floor` and every fd named here.
pub fn plan(moves: &[(RawFd, RawFd)], keep: &[RawFd], floor: RawFd) -> Moves {
    debug_assert!(
        {
            let mut dsts: Vec<_> = moves.iter().map(|m| m.1).collect();
            dsts.sort_unstable();
            dsts.windows(2).all(|w| w[0] != w[1])
        },
        "destinations must be distinct"
    );
    let mut next_scratch = moves
        .iter()
        .flat_map(|&(s, d)| [s, d])
        .chain(keep.iter().copied())
        .fold(floor, RawFd::max)
        + 1;
    let mut scratch = || {
        next_scratch += 1;
        next_scratch - 1
    };
    let mut out = Moves::default();
    let mut pending: Vec<(RawFd, RawFd)> = moves.to_vec();
    let is_dst = |fd: RawFd, pending: &[(RawFd, RawFd)]| pending.iter().any(|m| m.1 == fd);
    for &k in keep {
        if is_dst(k, &pending) {
            let to = scratch();
            out.steps.push(Step::Park { from: k, to });
            out.renamed.push((k, to));
        }
    }
    // Is `fd` still read by a pending move other than its own self-move?
    // A child has a handful of moves, so a scan beats a map.
    let still_read =
        |fd: RawFd, pending: &[(RawFd, RawFd)]| pending.iter().any(|&(s, d)| s == fd && d != fd);
    while !pending.is_empty() {
        // A move whose destination no other pending move still reads.
        let ready = pending
            .iter()
            .position(|&(s, d)| s == d || !still_read(d, &pending));
        if let Some(i) = ready {
            let (s, d) = pending.swap_remove(i);
            out.steps.push(if s == d {
                // Its own source: nothing may overwrite it later, since
                // destinations are distinct.
                Step::Inherit(d)
            } else {
                Step::Dup { from: s, to: d }
            });
            continue;
        }
        // Only cycles are left: copy one source aside and read it there.
        let s = pending[0].0;
        let to = scratch();
        out.steps.push(Step::Park { from: s, to });
        for m in pending.iter_mut().filter(|m| m.0 == s) {
            m.0 = to;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// Replay `steps` on a model fd table: fd → (value, close-on-exec).
    fn replay(table: &mut HashMap<RawFd, (u32, bool)>, steps: &[Step]) {
        for step in steps {
            match *step {
                Step::Dup { from, to } => {
                    let v = table[&from].0;
                    table.insert(to, (v, false));
                }
                Step::Inherit(fd) => table.get_mut(&fd).unwrap().1 = false,
                Step::Park { from, to } => {
                    let v = table[&from].0;
                    table.insert(to, (v, true));
                }
            }
        }
    }

    fn check(moves: &[(RawFd, RawFd)], keep: &[RawFd]) {
        let mut table: HashMap<RawFd, (u32, bool)> = HashMap::new();
        for &(s, _) in moves {
            table.insert(s, (1000 + s as u32, true));
        }
        for &k in keep {
            table.insert(k, (1000 + k as u32, true));
        }
        let planned = plan(moves, keep, 9);
        replay(&mut table, &planned.steps);
        for &(s, d) in moves {
            assert_eq!(table[&d], (1000 + s as u32, false), "{moves:?} {planned:?}");
        }
        for &k in keep {
            assert_eq!(table[&planned.kept(k)].0, 1000 + k as u32, "{planned:?}");
        }
        // Every fd that is neither a destination nor kept is close-on-exec
        // (sources stay as they were: close-on-exec in these tests).
        for (fd, (_, cloexec)) in &table {
            if !moves.iter().any(|m| m.1 == *fd) {
                assert!(cloexec, "fd {fd} leaks into the program: {planned:?}");
            }
        }
    }

    #[test]
    fn plain_moves() {
        check(&[(12, 0), (13, 1)], &[]);
        check(&[(12, 0), (12, 1)], &[14]);
    }

    #[test]
    fn a_swap_is_broken_with_a_scratch_fd() {
        check(&[(62, 63), (63, 62)], &[]);
        let p = plan(&[(62, 63), (63, 62)], &[], 9);
        assert_eq!(p.steps.len(), 3);
    }

    #[test]
    fn a_source_already_in_place_is_inherited() {
        check(&[(63, 63), (63, 1)], &[]);
        assert_eq!(plan(&[(5, 5)], &[], 9).steps, [Step::Inherit(5)]);
    }

    #[test]
    fn a_kept_fd_on_a_destination_is_parked() {
        check(&[(12, 63)], &[63]);
        check(&[(63, 62), (62, 63)], &[61, 62]);
    }

    proptest! {
        #[test]
        fn any_move_set_lands(
            dsts in proptest::sample::subsequence((0..24).collect::<Vec<RawFd>>(), 0..12),
            picks in proptest::collection::vec(0usize..24, 12),
            keep_picks in proptest::collection::vec(0..24 as RawFd, 0..4),
        ) {
            let sources: Vec<RawFd> = (0..24).collect();
            let moves: Vec<(RawFd, RawFd)> = dsts
                .iter()
                .zip(&picks)
                .map(|(&d, &p)| (sources[p], d))
                .collect();
            let keep: Vec<RawFd> = keep_picks
                .into_iter()
                .filter(|k| !moves.iter().any(|m| m.0 == *k))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            check(&moves, &keep);
        }
    }
}
