//! Linearizability of a key-value client history, one key at a time.
//!
//! A history is linearizable when every operation can be given a single instant
//! inside its real-time interval (from invocation to answer) such that, taken
//! in that order, the operations behave like a plain sequential key-value store
//! and every client got the answer that store would give. Linearizability is
//! local (Herlihy & Wing), so each key is checked on its own: the model is one
//! `Option<i64>`, starting absent.
//!
//! The search is Wing & Gong's with Lowe's memoisation, as Porcupine does it:
//! invocations and answers become a time-sorted doubly linked list; the search
//! repeatedly tries to linearize an operation whose invocation comes before
//! every outstanding answer, lifting it (and its answer) out of the list, and
//! backtracks (unlifting) when it reaches an answer whose operation has not
//! been placed. A cache of (set of linearized operations, model state) pairs
//! prunes states already explored, which turns most practical histories from
//! exponential into near-linear work.
//!
//! Rules, chosen so that the checker never accuses a correct cluster:
//! - A write's effect and answer are exactly [`Op::apply_to`], the function the
//!   nodes use; a read must return the current value.
//! - Reads that were never answered (pending, unknown, refused) say nothing
//!   and are ignored; refused writes had no effect and are ignored.
//! - Pending and unknown writes may take effect at any instant after their
//!   invocation, or never; any result is accepted. They get an answer time of
//!   +infinity: placing one after everything is the same as it never happening.
//! - Real-time order is strict: A must precede B only if A's answer time is
//!   strictly before B's invocation. When A answered at exactly the instant B
//!   was invoked, they count as concurrent and may be ordered either way (the
//!   simulator's clock is coarse, so equal timestamps do not prove an order).
//! - An answer time earlier than the invocation (a recording bug) is treated as
//!   the invocation time, and an answer of the wrong kind (a read answered
//!   with a write's result, or the reverse) can never be linearized, so it is
//!   reported as a violation rather than ignored.
//!
//! Deciding linearizability is NP-complete in general, so the search runs on a
//! step budget and answers [`Linearizability::Unknown`] rather than hanging.
//! Never-answered writes are what usually blows it up; `search` documents
//! the sound prunings that tame them.
//!
//! A violation is reported as a small *robust witness*: a set of the key's
//! operations that is not linearizable and stays so whatever other operations
//! of the key are added back (see `shrink` and `close`), so what the student
//! is shown is a real conflict, not an artefact of leaving operations out.

mod explain;
mod search;
mod shrink;
#[cfg(test)]
mod tests;

use crate::check::pins::{Constraint, Scan};
use crate::raft::kv::{Op, WriteResult};
use crate::raft::Time;
use crate::sim::history::{ClientOp, OpId, OpKind, Outcome};
use crate::sorted::SortedMap;
use explain::explain;
use search::{search, Search};
use serde::{Deserialize, Serialize};
use shrink::shrink;
use std::collections::HashMap;

/// The verdict on a whole history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Linearizability {
    /// Every key's operations can be linearized.
    Ok,
    /// Some key's operations cannot; the first such key in key order.
    Violation(LinViolation),
    /// No violation was found, but the step budget ran out on `key` (the first
    /// such key in key order), so that key is neither proved nor refuted.
    Unknown {
        /// The key whose search ran out of steps.
        key: String,
    },
}

/// A proof that one key's history is not linearizable, small enough to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinViolation {
    /// The key whose operations cannot be ordered.
    pub key: String,
    /// A small set of operations on `key` that no order explains, in order of
    /// invocation. They are not linearizable on their own, and adding back
    /// any combination of the key's other operations never makes them so:
    /// the conflict is real, not an artefact of leaving operations out.
    pub ops: Vec<OpId>,
    /// The problem in plain English, for students.
    pub sentence: String,
}

/// Checks every key of `ops` for linearizability.
///
/// Keys are checked in sorted order. `step_budget` applies to each key
/// separately, so the verdict on one key never depends on how many other keys
/// the history has; one step is one attempt to extend or undo a partial order.
/// A key that is not linearizable gets one more `step_budget`, shared by all
/// the re-checks that shrink its operations to a small witness (see
/// [`LinViolation::ops`]); if that runs out the set reported is still a
/// genuine witness, only perhaps not the smallest.
/// The first violating key is reported even if an earlier key ran out of
/// budget (a definite violation is more useful than "unknown"); otherwise the
/// first key that ran out makes the verdict [`Linearizability::Unknown`].
/// Total work is at most (keys + 1) × `step_budget` steps, each costing time
/// proportional to the key's operation count / 64 (the memo's bitsets), and
/// the memo is capped at about 32 MiB per search (past the cap it stops
/// memoising, which only costs speed), so the check never hangs nor exhausts
/// memory.
pub fn check_history<'a, T: std::borrow::Borrow<ClientOp> + 'a>(
    ops: impl IntoIterator<Item = &'a T>,
    step_budget: u64,
) -> Linearizability {
    let mut keys: SortedMap<&str, KeyHistory> = SortedMap::new();
    for op in ops {
        let op: &ClientOp = op.borrow();
        let history = keys.entry(op.kind.key()).or_default();
        match prepare(op) {
            Prepared::Kept(k) => history.ops.push(k),
            Prepared::Refused(k) => history.refused.push(k),
            Prepared::Ignored => {}
        }
    }
    let mut first_unknown = None;
    for (key, mut history) in keys {
        crate::sorting::sort_by_key(&mut history.ops, |k| (k.call, k.id));
        if linearizable_in_segments(&history.ops, step_budget) {
            continue;
        }
        let everything: Vec<usize> = (0..history.ops.len()).collect();
        let mut budget = step_budget;
        match search(&history.ops, &everything, None, &mut budget) {
            Search::Linearizable => {}
            Search::OutOfBudget => {
                first_unknown.get_or_insert_with(|| key.to_string());
            }
            Search::NotLinearizable => {
                let mut budget = step_budget;
                let minimal = shrink(&history.ops, &mut budget);
                let sentence = explain(key, &history.ops, &minimal, &history.refused);
                return Linearizability::Violation(LinViolation {
                    key: key.to_string(),
                    ops: minimal.iter().map(|&i| history.ops[i].id).collect(),
                    sentence,
                });
            }
        }
    }
    match first_unknown {
        Some(key) => Linearizability::Unknown { key },
        None => Linearizability::Ok,
    }
}

/// Whether one key's operations (sorted by invocation) are linearizable,
/// checked segment by segment: the history is cut after every read that
/// pins the key's value (see `check::pinned` for the argument), and each
/// segment is searched from the value the read before it returned. The
/// memo of a search grows with the square of what it searches, so an hour
/// of history took seconds in one piece. `false` when a segment is not
/// linearizable or runs out of budget: the caller then searches the whole
/// key, which finds the same answer and the witness.
fn linearizable_in_segments(ops: &[KeyOp], step_budget: u64) -> bool {
    let fits = |segment: std::ops::Range<usize>, initial: Option<i64>| {
        let segment: Vec<usize> = segment.collect();
        let mut budget = step_budget;
        search(ops, &segment, initial, &mut budget) == Search::Linearizable
    };
    let mut scan = Scan::default();
    let (mut start, mut initial) = (0, None);
    for (i, op) in ops.iter().enumerate() {
        scan.feed(i, op.call, op.constraint());
        // A pin is confirmed by the operation after it.
        if let Some((at, value)) = scan.pin.filter(|(at, _)| *at >= start) {
            if !fits(start..at + 1, initial) {
                return false;
            }
            (start, initial) = (at + 1, value);
        }
    }
    fits(start..ops.len(), initial)
}

/// Whether the operations `ops`, all on one key, can be linearized when the
/// key starts out holding `initial` rather than absent: `None` when the
/// search ran out of `step_budget`. The same rules as [`check_history`];
/// used to check a suffix of a key's history from a state that its prefix
/// pins down (see `check::pinned`).
pub fn linearizable_from<'a>(
    initial: Option<i64>,
    ops: impl IntoIterator<Item = &'a ClientOp>,
    step_budget: u64,
) -> Option<bool> {
    let mut kept: Vec<KeyOp> = ops
        .into_iter()
        .filter_map(|op| match prepare(op) {
            Prepared::Kept(k) => Some(k),
            Prepared::Refused(_) | Prepared::Ignored => None,
        })
        .collect();
    crate::sorting::sort_by_key(&mut kept, |k| (k.call, k.id));
    let everything: Vec<usize> = (0..kept.len()).collect();
    let mut budget = step_budget;
    match search(&kept, &everything, initial, &mut budget) {
        Search::Linearizable => Some(true),
        Search::NotLinearizable => Some(false),
        Search::OutOfBudget => None,
    }
}

/// Past roughly this many words (32 MiB) of memo the search stops memoising.
const CACHE_WORD_LIMIT: usize = 1 << 22;

/// At most this many (value, never-answered writes used) entries are kept per
/// set of placed answered operations, so that checking a state against the
/// memo stays cheap; past it, states are explored without being remembered.
const STATES_PER_SET: usize = 64;

/// The operations on one key that constrain the search, and the refused writes
/// (which do not, but are worth naming when a read returns their value).
#[derive(Default)]
struct KeyHistory {
    ops: Vec<KeyOp>,
    refused: Vec<KeyOp>,
}

/// One operation as the search sees it.
#[derive(Clone, Debug)]
struct KeyOp {
    id: OpId,
    kind: OpKind,
    check: Check,
    call: Time,
    /// `None`: never answered, so no deadline (the +infinity answer time).
    ret: Option<Time>,
}

/// What linearizing an operation must satisfy.
#[derive(Clone, Debug)]
enum Check {
    /// The current value must be this.
    Read(Option<i64>),
    /// Apply the write; its result must be this (`None`: any result).
    Write(Op, Option<WriteResult>),
    /// An answer of the wrong kind, described: never linearizable.
    Malformed(&'static str),
}

enum Prepared {
    Kept(KeyOp),
    Refused(KeyOp),
    Ignored,
}

fn prepare(op: &ClientOp) -> Prepared {
    let call = op.invoked_at;
    let answered = |at: Time| Some(at.max(call));
    let (check, ret) = match (&op.kind, &op.outcome) {
        (OpKind::Read { .. }, Outcome::ReadOk { value, at }) => {
            (Check::Read(*value), answered(*at))
        }
        (OpKind::Read { .. }, Outcome::WriteOk { at, .. }) => {
            (Check::Malformed("a write's result"), answered(*at))
        }
        (OpKind::Read { .. }, _) => return Prepared::Ignored,
        (OpKind::Write(w), Outcome::WriteOk { result, at }) => {
            (Check::Write(w.clone(), Some(*result)), answered(*at))
        }
        (OpKind::Write(_), Outcome::ReadOk { at, .. }) => {
            (Check::Malformed("a read's value"), answered(*at))
        }
        (OpKind::Write(w), Outcome::Pending | Outcome::Unknown) => {
            (Check::Write(w.clone(), None), None)
        }
        (OpKind::Write(w), Outcome::Failed { at }) => {
            let refused = KeyOp {
                id: op.id,
                kind: op.kind.clone(),
                check: Check::Write(w.clone(), None),
                call,
                ret: answered(*at),
            };
            return Prepared::Refused(refused);
        }
    };
    Prepared::Kept(KeyOp {
        id: op.id,
        kind: op.kind.clone(),
        check,
        call,
        ret,
    })
}

impl KeyOp {
    /// How it constrains a linearization (see [`constraint`]).
    fn constraint(&self) -> Constraint {
        match (self.ret, &self.check) {
            (None, _) => Constraint::Open,
            (Some(ret), Check::Read(value)) => Constraint::Answered {
                ret,
                read: Some(*value),
            },
            (Some(ret), _) => Constraint::Answered { ret, read: None },
        }
    }

    /// The model state after linearizing this operation in `state`, or `None`
    /// if the operation's answer rules that out.
    fn step(&self, state: Option<i64>) -> Option<Option<i64>> {
        match &self.check {
            Check::Read(value) => (*value == state).then_some(state),
            Check::Write(op, expected) => {
                let (after, result) = op.apply_to(state);
                expected.is_none_or(|e| e == result).then_some(after)
            }
            Check::Malformed(_) => None,
        }
    }

    /// The values this operation's answer shows the key held just before it
    /// took effect: a read's value, the value an increment started from (an
    /// increment answering exactly `by` may have started from absent or 0),
    /// what a compare-and-set compared against. A never-answered
    /// compare-and-set observes `expected` if it took effect.
    fn observed(&self) -> Vec<Option<i64>> {
        match &self.check {
            Check::Read(value) => vec![*value],
            Check::Write(Op::Increment { by, .. }, Some(r)) => {
                match r.value.map(|after| after.wrapping_sub(*by)) {
                    Some(0) => vec![Some(0), None],
                    Some(before) => vec![Some(before)],
                    None => vec![],
                }
            }
            Check::Write(Op::CompareAndSet { expected, .. }, Some(r)) => {
                vec![if r.ok { *expected } else { r.value }]
            }
            Check::Write(Op::CompareAndSet { expected, .. }, None) => vec![*expected],
            _ => vec![],
        }
    }

    /// A present value that some write must have stored for this operation's
    /// answer to make sense (the initial state explains "absent").
    fn needs(&self) -> Option<i64> {
        let observed = self.observed();
        if observed.contains(&None) {
            return None;
        }
        observed.first().copied().flatten()
    }

    /// What this operation may leave the key holding.
    fn written(&self) -> Written {
        match &self.check {
            Check::Write(Op::Set { value, .. }, _) => Written::Value(Some(*value)),
            Check::Write(Op::Delete { .. }, _) => Written::Value(None),
            Check::Write(Op::CompareAndSet { new, .. }, result) if result.is_none_or(|r| r.ok) => {
                Written::Value(Some(*new))
            }
            Check::Write(Op::Increment { .. }, Some(r)) => Written::Value(r.value),
            Check::Write(Op::Increment { .. }, None) => Written::Anything,
            _ => Written::Nothing,
        }
    }

    /// Whether this operation may have left the key holding `value`.
    fn may_write(&self, value: Option<i64>) -> bool {
        match self.written() {
            Written::Nothing => false,
            Written::Value(v) => v == value,
            Written::Anything => true,
        }
    }

    /// Whether the operation's effect or answer depends on the value before
    /// it (everything but sets and deletes).
    fn depends_on_value(&self) -> bool {
        !matches!(
            self.check,
            Check::Write(Op::Set { .. } | Op::Delete { .. }, _)
        )
    }

    /// A never-answered increment: its effect depends on the value before it,
    /// yet no answer tells what that value was.
    fn blind_dependent(&self) -> bool {
        matches!(self.check, Check::Write(Op::Increment { .. }, None))
    }
}

/// What an operation may leave the key holding.
enum Written {
    /// Nothing new: reads, refused compare-and-sets, malformed answers.
    Nothing,
    /// This value.
    Value(Option<i64>),
    /// Anything (a never-answered increment).
    Anything,
}
