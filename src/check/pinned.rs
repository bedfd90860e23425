//! An exact check of one answered read that looks only at the end of its
//! key's history: from the latest read that pins down the key's value.
//!
//! The app asks, for every read answered, whether it can be linearized with
//! the rest of its key's history. Searching the whole history each time grew
//! with the history: an hour of it took minutes to build. But a history
//! usually has quiet moments that cut it in two. Say a read `Rc` returned `v`
//! and:
//!
//! 1. every other answered operation invoked before `Rc` answered had
//!    answered before `Rc` was invoked (so in any linearization they all come
//!    before `Rc`, and `Rc` comes last among them);
//! 2. no write invoked before `Rc` answered is still without an answer
//!    (pending, or given up by its client): such a write could take effect on
//!    either side of `Rc`.
//!
//! Then every linearization of the history is a linearization of the
//! operations up to `Rc`, ending with the key holding `v`, followed by one of
//! the operations invoked after `Rc` answered, starting from `v`. So when the
//! history without the new read is linearizable, the new read fits exactly
//! when the operations after `Rc`, with it, can be linearized from `v`.
//! (Were the rest not linearizable, the caller has nothing to blame the read
//! for either way.)

use super::linearizability::linearizable_from;
use super::pins::{constraint, Constraint, Scan};
use crate::chunked::Chunked;
use crate::sim::{ClientOp, OpId, Outcome};
use crate::sorted::SortedMap;

/// The client history's operations by key, each key with the part of its
/// pin search that can no longer change. Kept beside a growing history (the
/// app's recorder keeps one), so that checking a read costs work for the end
/// of its key's history, not the whole of it.
///
/// It relies on how a history grows: operations are appended in the order
/// they were invoked, an outcome changes only from pending, and a read is
/// checked once, when it is answered, and only then may be left out.
#[derive(Clone, Debug, Default)]
pub struct PinnedReads {
    /// History operations already sorted into `keys`.
    indexed: usize,
    keys: SortedMap<String, KeyOps>,
}

/// One key's operations and the pin search over their settled beginning.
#[derive(Clone, Debug, Default)]
struct KeyOps {
    ops: Chunked<OpId>,
    settled: Scan,
}

impl PinnedReads {
    /// Whether `read`, just answered, can be linearized with the other
    /// operations on its key in `history` (every client operation so far, by
    /// id, `len` of them), leaving out those for which `left_out` is true
    /// (reads already proven stale). Decided from the latest read that pins
    /// the key's value (see the module's documentation), assuming the
    /// history without `read` is linearizable.
    ///
    /// `None` when no read pins the value (a write without an answer since
    /// the start, or no quiet moment) or the search ran out of
    /// `step_budget`: the caller then checks the whole history.
    pub fn read_fits<'h>(
        &mut self,
        history: impl Fn(OpId) -> Option<&'h ClientOp>,
        len: usize,
        read: &ClientOp,
        left_out: impl Fn(OpId) -> bool,
        step_budget: u64,
    ) -> Option<bool> {
        for id in self.indexed..len {
            if let Some(op) = history(id as OpId) {
                let key = self.keys.entry(op.kind.key().to_string()).or_default();
                key.ops.push(op.id);
            }
        }
        self.indexed = self.indexed.max(len);
        let key = self.keys.get_mut(read.kind.key())?;
        let look = |position: usize| -> Option<(&'h ClientOp, Constraint)> {
            let op = history(*key.ops.get(position)?)?;
            let c = if left_out(op.id) {
                Constraint::None
            } else {
                constraint(op)
            };
            Some((op, c))
        };
        // Resume from the settled beginning. What follows is settled up to
        // the first operation still pending, and never past `read` (which
        // may yet be left out).
        let mut scan = key.settled;
        let mut settled = None;
        let mut pin = scan.pin;
        let mut position = scan.scanned;
        let mut read_at = None;
        while let Some((op, c)) = look(position) {
            if settled.is_none() && (op.outcome == Outcome::Pending || op.id == read.id) {
                settled = Some(scan);
            }
            if op.id == read.id {
                read_at = Some(position);
            }
            scan.feed(position, op.invoked_at, c);
            // The pin for this check lies before the read (the read itself
            // may become one for later checks).
            if let Some(p) = scan.pin.filter(|(at, _)| read_at.is_none_or(|r| *at < r)) {
                pin = Some(p);
            }
            position += 1;
        }
        key.settled = settled.unwrap_or(scan);
        // The read itself is answered, so it settled every candidate before
        // it: the pin, if any, is confirmed.
        read_at?;
        let (at, value) = pin?;
        let after: Vec<&ClientOp> = (at + 1..position)
            .filter_map(look)
            .filter(|(_, c)| *c != Constraint::None)
            .map(|(op, _)| op)
            .collect();
        linearizable_from(value, after, step_budget)
    }

    /// The ids of every operation on `key` sorted in so far (by the latest
    /// [`read_fits`](Self::read_fits)), in the order they were invoked: for
    /// a caller that must search the key's whole history after all.
    pub fn key_ops<'a>(&'a self, key: &str) -> impl Iterator<Item = OpId> + 'a {
        self.keys
            .get(key)
            .into_iter()
            .flat_map(|k| k.ops.iter().copied())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::check::{check_history, Linearizability};
    use crate::raft::{NodeId, Op, Time};
    use crate::rng::Rng;
    use crate::sim::{OpKind, Outcome};

    const BUDGET: u64 = 1_000_000;

    /// A random history of one key that is linearizable by construction
    /// (operations run in order at random instants inside random intervals),
    /// then perhaps spoiled: a read returns an older value, a write loses its
    /// answer or is refused.
    pub(crate) fn random_history(rng: &mut Rng) -> Vec<ClientOp> {
        let n = rng.range_inclusive(2, 9) as usize;
        let mut points: Vec<u64> = (0..n).map(|_| rng.range_inclusive(0, 60)).collect();
        crate::sorting::sort(&mut points);
        let mut state = None;
        let mut seen = vec![None];
        let mut ops: Vec<ClientOp> = points
            .iter()
            .map(|&p| {
                let call = Time(p.saturating_sub(rng.range_inclusive(0, 8)));
                // Now and then an answer takes long: a slow read may then
                // only fit after a read invoked later.
                let slow = if rng.chance(0.1) { 40 } else { 8 };
                let at = Time(p + rng.range_inclusive(0, slow));
                let (kind, outcome) = if rng.chance(0.5) {
                    let value = if rng.chance(0.2) {
                        seen[rng.range_inclusive(0, seen.len() as u64 - 1) as usize]
                    } else {
                        state
                    };
                    let read = OpKind::Read { key: "x".into() };
                    (read, Outcome::ReadOk { value, at })
                } else {
                    let op = match rng.range_inclusive(0, 2) {
                        0 => Op::Set {
                            key: "x".into(),
                            value: rng.range_inclusive(0, 3) as i64,
                        },
                        1 => Op::Increment {
                            key: "x".into(),
                            by: 1,
                        },
                        _ => Op::CompareAndSet {
                            key: "x".into(),
                            expected: Some(rng.range_inclusive(0, 2) as i64),
                            new: 3,
                        },
                    };
                    let outcome = match rng.range_inclusive(0, 9) {
                        0 => Outcome::Failed { at },
                        k => {
                            let (after, result) = op.apply_to(state);
                            state = after;
                            seen.push(after);
                            match k {
                                1 => Outcome::Unknown,
                                2 => Outcome::Pending,
                                _ => Outcome::WriteOk { result, at },
                            }
                        }
                    };
                    (OpKind::Write(op), outcome)
                };
                ClientOp {
                    id: 0,
                    client: 1,
                    node: NodeId(1),
                    sent_to: NodeId(1),
                    kind,
                    mode: None,
                    invoked_at: call,
                    outcome,
                }
            })
            .collect();
        crate::sorting::sort_by_key(&mut ops, |o| o.invoked_at);
        for (i, op) in ops.iter_mut().enumerate() {
            op.id = i as OpId;
        }
        ops
    }

    /// `read_fits` with nothing settled beforehand.
    fn fits(history: &[ClientOp], read: &ClientOp) -> Option<bool> {
        let lookup = |id: OpId| history.get(id as usize);
        PinnedReads::default().read_fits(lookup, history.len(), read, |_| false, BUDGET)
    }

    #[test]
    fn the_verdict_from_the_pin_matches_a_search_of_the_whole_history() {
        let mut rng = Rng::new(5);
        let (mut fit, mut stale, mut unpinned) = (0, 0, 0);
        for _ in 0..20_000 {
            let history = random_history(&mut rng);
            for read in history
                .iter()
                .filter(|o| matches!(o.outcome, Outcome::ReadOk { .. }))
            {
                let others: Vec<&ClientOp> = history.iter().filter(|o| o.id != read.id).collect();
                if check_history(others, BUDGET) != Linearizability::Ok {
                    continue;
                }
                let whole = check_history(&history, BUDGET);
                match fits(&history, read) {
                    Some(true) => {
                        fit += 1;
                        assert_eq!(whole, Linearizability::Ok, "{history:#?} read {}", read.id);
                    }
                    Some(false) => {
                        stale += 1;
                        assert!(
                            matches!(whole, Linearizability::Violation(_)),
                            "{history:#?} read {}",
                            read.id
                        );
                    }
                    None => unpinned += 1,
                }
            }
        }
        // Both verdicts are exercised. (These histories are crowded: most
        // reads overlap another operation, so most find no pin.)
        assert!(
            fit > 1_000 && stale > 100,
            "fit {fit}, stale {stale}, unpinned {unpinned}"
        );
    }

    /// One read checked as the history grew: its id, the verdict from the
    /// pin, and whether the whole history fits without it and with it.
    struct Checked {
        read: OpId,
        quick: Option<bool>,
        others_fine: bool,
        with_fine: bool,
    }

    /// Replays how `last` grew: operations appear when invoked, pending
    /// until answered (a given-up write 3 µs after its invocation); each read
    /// is checked when answered, as the app's recorder does, with one
    /// `PinnedReads` throughout, and left out from then on if proven stale.
    fn check_as_it_grows(last: &[ClientOp]) -> Vec<Checked> {
        let answered_at = |o: &ClientOp| match o.outcome {
            Outcome::Pending => None,
            Outcome::Unknown => Some(o.invoked_at.plus(3)),
            ref done => done.answered_at(),
        };
        let mut instants: Vec<Time> = last
            .iter()
            .flat_map(|o| [Some(o.invoked_at), answered_at(o)])
            .flatten()
            .collect();
        crate::sorting::sort(&mut instants);
        instants.dedup();
        let mut pinned = PinnedReads::default();
        let mut proven_stale = crate::sorted::SortedSet::new();
        let mut checked = Vec::new();
        for now in instants {
            let history: Vec<ClientOp> = last
                .iter()
                .filter(|o| o.invoked_at <= now)
                .map(|o| ClientOp {
                    outcome: match answered_at(o) {
                        Some(t) if t <= now => o.outcome.clone(),
                        _ => Outcome::Pending,
                    },
                    ..o.clone()
                })
                .collect();
            for read in history.iter().filter(
                |o| matches!(o.outcome, Outcome::ReadOk { at, .. } if at.max(o.invoked_at) == now),
            ) {
                let lookup = |id: OpId| history.get(id as usize);
                let left_out = |id: OpId| proven_stale.contains(&id);
                let quick = pinned.read_fits(lookup, history.len(), read, left_out, BUDGET);
                let key = read.kind.key();
                assert!(
                    pinned
                        .key_ops(key)
                        .eq(history.iter().filter(|o| o.kind.key() == key).map(|o| o.id)),
                    "the key's operations as sorted in so far"
                );
                let others: Vec<&ClientOp> = history
                    .iter()
                    .filter(|o| o.id != read.id && !proven_stale.contains(&o.id))
                    .collect();
                let mut with = others.clone();
                with.push(read);
                let others_fine = check_history(others, BUDGET) == Linearizability::Ok;
                let with_fine = check_history(with, BUDGET) == Linearizability::Ok;
                if others_fine && !with_fine {
                    proven_stale.insert(read.id);
                }
                checked.push(Checked {
                    read: read.id,
                    quick,
                    others_fine,
                    with_fine,
                });
            }
        }
        checked
    }

    #[test]
    fn what_is_settled_between_reads_gives_the_same_verdicts_as_a_whole_search() {
        let mut rng = Rng::new(9);
        let mut decided = 0;
        for _ in 0..5_000 {
            let last = random_history(&mut rng);
            for c in check_as_it_grows(&last) {
                if let (Some(quick), true) = (c.quick, c.others_fine) {
                    decided += 1;
                    assert_eq!(quick, c.with_fine, "{last:#?} read {}", c.read);
                }
            }
        }
        assert!(decided > 1_000, "{decided}");
    }

    #[test]
    fn a_read_answered_late_counts_once_answered_though_it_was_pending_before() {
        // The slow read of 7 (op 0) forces the set to 7 before instant 50, so
        // the read of 5 at 55 is stale. The read of 5 at 10 looked like a pin
        // while the slow read was pending; once it is answered it is not.
        let history = vec![
            op(0, read_x(), 0, read_ok(7, 50)),
            op(1, set_x(5), 1, write_ok(5, 2)),
            op(2, read_x(), 10, read_ok(5, 11)),
            op(3, set_x(7), 20, write_ok(7, 60)),
            op(4, read_x(), 55, read_ok(5, 56)),
        ];
        let checked = check_as_it_grows(&history);
        let last = checked.last().unwrap();
        assert_eq!(
            (last.read, last.others_fine, last.with_fine),
            (4, true, false)
        );
        assert_ne!(last.quick, Some(true));
    }

    #[test]
    fn a_write_without_an_answer_before_the_read_leaves_nothing_pinned() {
        // The read of 5 can only be explained by the given-up write taking
        // effect before the set to 3, so the later read of 5 is stale; a pin
        // at the read of 3 would wrongly let the write take effect again.
        let history = vec![
            op(0, set_x(5), 0, Outcome::Unknown),
            op(1, read_x(), 1, read_ok(5, 2)),
            op(2, set_x(3), 3, write_ok(3, 4)),
            op(3, read_x(), 5, read_ok(3, 6)),
            op(4, read_x(), 7, read_ok(5, 8)),
        ];
        assert_eq!(fits(&history, &history[4]), None);
        assert!(matches!(
            check_history(&history, BUDGET),
            Linearizability::Violation(_)
        ));
    }

    #[test]
    fn a_keys_operations_are_listed_in_order_without_the_other_keys() {
        // The recorder's fallback searches these instead of the whole history.
        let read_y = || OpKind::Read { key: "y".into() };
        let history = [
            op(0, set_x(5), 0, Outcome::Unknown),
            op(1, read_y(), 1, Outcome::Pending),
            op(2, read_x(), 1, read_ok(5, 2)),
            op(3, read_y(), 3, Outcome::Pending),
            op(4, set_x(3), 3, write_ok(3, 4)),
            op(5, read_x(), 7, read_ok(5, 8)),
        ];
        let mut pinned = PinnedReads::default();
        assert_eq!(pinned.key_ops("x").count(), 0, "nothing sorted in yet");
        let lookup = |id: OpId| history.get(id as usize);
        pinned.read_fits(lookup, history.len(), &history[5], |_| false, BUDGET);
        assert_eq!(pinned.key_ops("x").collect::<Vec<_>>(), [0, 2, 4, 5]);
        assert_eq!(pinned.key_ops("y").collect::<Vec<_>>(), [1, 3]);
        assert_eq!(pinned.key_ops("z").count(), 0);
    }

    fn op(id: OpId, kind: OpKind, call: u64, outcome: Outcome) -> ClientOp {
        ClientOp {
            id,
            client: 1,
            node: NodeId(1),
            sent_to: NodeId(1),
            kind,
            mode: None,
            invoked_at: Time(call),
            outcome,
        }
    }

    fn read_x() -> OpKind {
        OpKind::Read { key: "x".into() }
    }

    fn set_x(value: i64) -> OpKind {
        OpKind::Write(Op::Set {
            key: "x".into(),
            value,
        })
    }

    fn read_ok(value: i64, at: u64) -> Outcome {
        Outcome::ReadOk {
            value: Some(value),
            at: Time(at),
        }
    }

    fn write_ok(value: i64, at: u64) -> Outcome {
        let result = crate::raft::WriteResult {
            ok: true,
            value: Some(value),
        };
        Outcome::WriteOk {
            result,
            at: Time(at),
        }
    }
}
