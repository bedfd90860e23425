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

use crate::check::pins::{Constraint, Scan};
use crate::raft::kv::{Op, WriteResult};
use crate::raft::Time;
use crate::sim::history::{ClientOp, OpId, OpKind, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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
    let mut keys: BTreeMap<&str, KeyHistory> = BTreeMap::new();
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
        history.ops.sort_by_key(|k| (k.call, k.id));
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
    kept.sort_by_key(|k| (k.call, k.id));
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

#[derive(Debug, PartialEq, Eq)]
enum Search {
    Linearizable,
    NotLinearizable,
    OutOfBudget,
}

const NIL: usize = usize::MAX;

/// One invocation or answer in the search's linked list.
struct Node {
    prev: usize,
    next: usize,
    /// Position of the operation in the subset being searched.
    op: usize,
    call: bool,
    /// For a call, its answer's node.
    answer: usize,
}

/// Wing & Gong / Lowe search over `ops[subset]`, spending at most `budget`
/// steps (the remainder is left in `budget`).
///
/// Never-answered writes make the search exponential (each may be placed at
/// any point, or never), so four refinements keep them in check; none can
/// turn a linearizable history into a violation:
/// 1. Answered operations are tried before never-answered ones.
/// 2. The memo uses dominance. Two states with the same answered operations
///    placed and the same value differ only in which never-answered writes
///    they have used up; the one that used fewer can do everything the other
///    can (an unused write may simply stay unused), so a state is pruned when
///    the memo holds one with the same answered set and value whose used
///    writes are a subset of its own. With no never-answered writes this is
///    exactly Lowe's memo.
/// 3. A never-answered write is only placed if the next operation placed
///    depends on the value (a read, an increment or a compare-and-set). In any
///    linearization, a never-answered write followed by a blind write (set,
///    delete) or by nothing can be deleted, its effect never seen; so if any
///    linearization exists, one of this shape does. Whether the next
///    operation must depend on the value is part of the memo's state.
/// 4. Identical never-answered writes are used in order of invocation (see
///    `twin_before`).
///
/// The key starts out holding `initial` (absent for a whole history).
fn search(ops: &[KeyOp], subset: &[usize], initial: Option<i64>, budget: &mut u64) -> Search {
    let n = subset.len();
    // (never answered, time, is answer, op): invocations sort before answers at
    // the same instant, which makes equal times concurrent.
    let mut events: Vec<(bool, u64, bool, usize)> = Vec::with_capacity(2 * n);
    // Bit of each operation in its bitset: answered and never-answered
    // operations are numbered separately.
    let mut bit = Vec::with_capacity(n);
    let (mut answered, mut unanswered) = (0usize, 0usize);
    for (pos, &i) in subset.iter().enumerate() {
        let op = &ops[i];
        events.push((false, op.call.0, false, pos));
        events.push(match op.ret {
            Some(t) => (false, t.0, true, pos),
            None => (true, 0, true, pos),
        });
        if op.ret.is_some() {
            bit.push(answered);
            answered += 1;
        } else {
            bit.push(unanswered);
            unanswered += 1;
        }
    }
    events.sort_unstable();
    // For each never-answered write, the previous never-answered write that
    // is the very same operation. Such twins are interchangeable, so they are
    // used in order of invocation (a linearization using a later twin works
    // just as well with the earlier one, whose real-time constraints are
    // weaker): a twin is tried only once its predecessor is used.
    let mut twin_before = vec![None; n];
    let mut last_twin: BTreeMap<String, usize> = BTreeMap::new();
    for (pos, &i) in subset.iter().enumerate() {
        if let Check::Write(op, None) = &ops[i].check {
            twin_before[pos] = last_twin.insert(format!("{op:?}"), pos);
        }
    }
    // Node 0 is the head sentinel; event j is node j + 1.
    let mut nodes = Vec::with_capacity(events.len() + 1);
    nodes.push(Node {
        prev: NIL,
        next: if events.is_empty() { NIL } else { 1 },
        op: 0,
        call: false,
        answer: NIL,
    });
    let mut answer_node = vec![NIL; n];
    for (j, &(_, _, is_answer, pos)) in events.iter().enumerate() {
        let next = if j + 1 < events.len() { j + 2 } else { NIL };
        nodes.push(Node {
            prev: j,
            next,
            op: pos,
            call: !is_answer,
            answer: NIL,
        });
        if is_answer {
            answer_node[pos] = j + 1;
        }
    }
    for node in nodes.iter_mut().skip(1) {
        if node.call {
            node.answer = answer_node[node.op];
        }
    }

    let mut unplaced_answered = answered;
    let words = answered.div_ceil(64);
    let mut placed = vec![0u64; words];
    let mut used = vec![0u64; unanswered.div_ceil(64)];
    // Lowe's memo with dominance: for each set of placed answered operations
    // (a bitset), the states reached with it. Looked up by slice, so a bitset
    // is copied only when it is new.
    let mut cache: HashMap<Vec<u64>, Vec<Memo>> = HashMap::new();
    let mut cache_words = 0usize;
    // (call node, value before it, must-depend flag before it, phase it was
    // found in)
    let mut stack: Vec<(usize, Option<i64>, bool, Phase)> = Vec::new();
    let mut state: Option<i64> = initial;
    let mut must_depend = false;
    let mut entry = nodes[0].next;
    let mut phase = Phase::Answered;
    loop {
        // Every answered operation is placed; never-answered writes go after
        // everything (equivalently: never happened), which always works.
        if unplaced_answered == 0 {
            return Search::Linearizable;
        }
        if *budget == 0 {
            return Search::OutOfBudget;
        }
        *budget -= 1;
        if entry != NIL && nodes[entry].call {
            let pos = nodes[entry].op;
            let op = &ops[subset[pos]];
            let twin_unused = twin_before[pos]
                .is_some_and(|t: usize| used[bit[t] / 64] & (1 << (bit[t] % 64)) == 0);
            let wanted = match phase {
                Phase::Answered => op.ret.is_some(),
                Phase::Unanswered => op.ret.is_none() && !twin_unused,
            } && (!must_depend || op.depends_on_value());
            let next_state = if wanted { op.step(state) } else { None };
            if let Some(next_state) = next_state {
                let b = bit[pos];
                let bits = if op.ret.is_some() {
                    &mut placed
                } else {
                    &mut used
                };
                bits[b / 64] |= 1 << (b % 64);
                let next_must_depend = op.ret.is_none();
                let this = Memo {
                    value: next_state,
                    used: used.clone(),
                    must_depend: next_must_depend,
                };
                let fresh = match cache.get_mut(placed.as_slice()) {
                    Some(seen) if seen.iter().any(|m| m.dominates(&this)) => false,
                    Some(seen) => {
                        if cache_words < CACHE_WORD_LIMIT && seen.len() < STATES_PER_SET {
                            cache_words += used.len() + 6;
                            seen.push(this);
                        }
                        true
                    }
                    None => {
                        if cache_words < CACHE_WORD_LIMIT {
                            // The bitsets, the value, and roughly the map's
                            // and the vectors' own overhead.
                            cache_words += words + used.len() + 16;
                            cache.insert(placed.clone(), vec![this]);
                        }
                        true
                    }
                };
                if fresh {
                    stack.push((entry, state, must_depend, phase));
                    state = next_state;
                    must_depend = next_must_depend;
                    lift(&mut nodes, entry);
                    if op.ret.is_some() {
                        unplaced_answered -= 1;
                    }
                    entry = nodes[0].next;
                    phase = Phase::Answered;
                    continue;
                }
                let bits = if op.ret.is_some() {
                    &mut placed
                } else {
                    &mut used
                };
                bits[b / 64] &= !(1 << (b % 64));
            }
            entry = nodes[entry].next;
        } else if phase == Phase::Answered {
            // Answered candidates exhausted: now the never-answered ones.
            entry = nodes[0].next;
            phase = Phase::Unanswered;
        } else {
            // An answer whose operation is not placed (or the end of the
            // list): undo the latest placement and try the next candidate.
            let Some((node, previous, previous_must_depend, was)) = stack.pop() else {
                return Search::NotLinearizable;
            };
            let pos = nodes[node].op;
            let b = bit[pos];
            if ops[subset[pos]].ret.is_some() {
                placed[b / 64] &= !(1 << (b % 64));
                unplaced_answered += 1;
            } else {
                used[b / 64] &= !(1 << (b % 64));
            }
            state = previous;
            must_depend = previous_must_depend;
            unlift(&mut nodes, node);
            entry = nodes[node].next;
            phase = was;
        }
    }
}

/// A search state remembered for a given set of placed answered operations.
struct Memo {
    /// The key's value.
    value: Option<i64>,
    /// The never-answered writes used so far (a bitset).
    used: Vec<u64>,
    /// Whether the next operation must depend on the value.
    must_depend: bool,
}

impl Memo {
    /// Whether everything `other` can still do, this can too: same value,
    /// no more restricted, and a subset of its never-answered writes used.
    fn dominates(&self, other: &Memo) -> bool {
        self.value == other.value
            && (!self.must_depend || other.must_depend)
            && self
                .used
                .iter()
                .zip(&other.used)
                .all(|(mine, theirs)| mine & !theirs == 0)
    }
}

/// Which candidates a scan of the list is trying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Answered,
    Unanswered,
}

/// Removes a call node and its answer node from the list.
fn lift(nodes: &mut [Node], call: usize) {
    let (prev, next) = (nodes[call].prev, nodes[call].next);
    nodes[prev].next = next;
    if next != NIL {
        nodes[next].prev = prev;
    }
    let answer = nodes[call].answer;
    let (prev, next) = (nodes[answer].prev, nodes[answer].next);
    nodes[prev].next = next;
    if next != NIL {
        nodes[next].prev = prev;
    }
}

/// Puts back what [`lift`] removed (in reverse order, so the pointers the
/// removed nodes kept are valid again).
fn unlift(nodes: &mut [Node], call: usize) {
    let answer = nodes[call].answer;
    let (prev, next) = (nodes[answer].prev, nodes[answer].next);
    nodes[prev].next = answer;
    if next != NIL {
        nodes[next].prev = answer;
    }
    let (prev, next) = (nodes[call].prev, nodes[call].next);
    nodes[prev].next = call;
    if next != NIL {
        nodes[next].prev = call;
    }
}

/// Shrinks the key's non-linearizable history (all of `ops`) to a small
/// witness, delta-debugging style: try removing chunks of halving size, then
/// single operations until none can go. Each removal is first closed under
/// [`close`], and kept when what remains is still not linearizable and still
/// names, for every value a kept operation saw, some operation that could
/// have written it (if the history has one): otherwise a stale read would
/// shrink to "read x returned 1" plus the write that made 1 stale, leaving out
/// the `set x=1` the student needs to see. Returns positions in `ops`, in
/// order.
///
/// Every attempt costs `1 + ops.len() / 16` steps per pass of [`close`] on
/// top of its search (that bookkeeping is proportional to the history's
/// length). If the budget runs out the current set is returned: a genuine
/// witness, perhaps not the smallest.
fn shrink(ops: &[KeyOp], budget: &mut u64) -> Vec<usize> {
    let everything = vec![true; ops.len()];
    let had_writer = sourced(ops, &everything);
    let try_removing = |kept: &mut Vec<bool>, removed: &[usize], budget: &mut u64| {
        let mut candidate = kept.clone();
        for &i in removed {
            candidate[i] = false;
        }
        close(ops, &mut candidate, budget)?;
        let has_writer = sourced(ops, &candidate);
        let positions: Vec<usize> = (0..ops.len()).filter(|&i| candidate[i]).collect();
        if positions.is_empty() || positions.iter().any(|&i| had_writer[i] && !has_writer[i]) {
            return Some(false);
        }
        match search(ops, &positions, None, budget) {
            Search::NotLinearizable => {
                *kept = candidate;
                Some(true)
            }
            Search::Linearizable => Some(false),
            Search::OutOfBudget => None,
        }
    };
    let current = |kept: &[bool]| -> Vec<usize> { (0..ops.len()).filter(|&i| kept[i]).collect() };
    let mut kept = everything.clone();
    // Never-answered writes are the expensive ones to search: try dropping
    // them all at once first.
    let unanswered: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].ret.is_none()).collect();
    if !unanswered.is_empty() && try_removing(&mut kept, &unanswered, budget).is_none() {
        return current(&kept);
    }
    let mut chunk = (ops.len() / 2).max(1);
    loop {
        let mut removed_any = false;
        let mut start = 0;
        loop {
            let now = current(&kept);
            if start >= now.len() {
                break;
            }
            let end = (start + chunk).min(now.len());
            match try_removing(&mut kept, &now[start..end], budget) {
                Some(true) => removed_any = true,
                Some(false) => start = end,
                None => return current(&kept),
            }
        }
        if chunk == 1 {
            if !removed_any {
                return current(&kept);
            }
        } else {
            chunk /= 2;
        }
    }
}

/// For each operation, whether it is kept, needs a present value to have
/// been written (see [`KeyOp::needs`]), and some other kept operation could
/// have written it.
fn sourced(ops: &[KeyOp], kept: &[bool]) -> Vec<bool> {
    let mut writers: BTreeMap<i64, usize> = BTreeMap::new();
    let mut anything = 0usize;
    for (op, _) in ops.iter().zip(kept).filter(|(_, &k)| k) {
        match op.written() {
            Written::Value(Some(v)) => *writers.entry(v).or_default() += 1,
            Written::Anything => anything += 1,
            _ => {}
        }
    }
    ops.iter()
        .zip(kept)
        .map(|(op, &k)| {
            let Some(v) = op.needs().filter(|_| k) else {
                return false;
            };
            let mine = usize::from(op.may_write(Some(v)));
            writers.get(&v).copied().unwrap_or(0) + anything > mine
        })
        .collect()
}

/// Removes from `kept` every operation whose observation a removed write
/// might explain, until none is left: what remains is a robust witness if it
/// is not linearizable, i.e. adding back any combination of removed
/// operations never makes it linearizable. Costs `1 + ops.len() / 16` steps
/// per pass; `None` if the budget runs out first.
///
/// A removed write `m` might explain what a kept operation `o` saw when `m`
/// may have written that value, `m` could come before `o` (it was invoked no
/// later than `o` answered), and no kept write that certainly took effect
/// (answered, not a refused compare-and-set) lies strictly between them in
/// real time (invoked after `m` answered and answered before `o` was
/// invoked). A never-answered increment's result depends on whatever came
/// before it, so it counts as observing every value.
///
/// Why that suffices: take a linearization of the kept operations plus some
/// removed ones, and delete the removed ones. For each kept operation that
/// observes the value, the last write before it in that order produced what
/// it saw; by the rule above that write is kept (a removed one would either
/// have to follow it, or be followed by a kept write that took effect), so by
/// induction it sees the same value in the shorter order and gets the same
/// answer. (A kept never-answered compare-and-set that did not take effect is
/// simply left out.) So the kept operations alone would be linearizable.
fn close(ops: &[KeyOp], kept: &mut [bool], budget: &mut u64) -> Option<()> {
    // `ops` is sorted by invocation, so positions in these lists are too.
    // Removed writes per value written, writes of anything, and all writes,
    // each with a tree of the answer times of those removed.
    let mut by_value: BTreeMap<Option<i64>, (Vec<usize>, MaxTree)> = BTreeMap::new();
    let (mut anything, mut all) = (Vec::new(), Vec::new());
    for (i, op) in ops.iter().enumerate() {
        match op.written() {
            Written::Nothing => continue,
            Written::Value(v) => by_value.entry(v).or_default().0.push(i),
            Written::Anything => anything.push(i),
        }
        all.push(i);
    }
    let mut anything = (anything, MaxTree::default());
    let mut all = (all, MaxTree::default());
    // Writes that certainly took effect, by answer time, with a tree of the
    // invocation times of those kept.
    let mut shields: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i].ret.is_some() && matches!(ops[i].written(), Written::Value(_)))
        .collect();
    shields.sort_by_key(|&i| (ops[i].ret, i));
    let mut shield_tree = MaxTree::new(shields.len());
    for (slot, &i) in shields.iter().enumerate() {
        if kept[i] {
            shield_tree.set(slot, Some(ops[i].call));
        }
    }
    let mut slot_of = vec![usize::MAX; ops.len()];
    for (slot, &i) in shields.iter().enumerate() {
        slot_of[i] = slot;
    }
    for (list, tree) in by_value.values_mut().chain([&mut anything, &mut all]) {
        *tree = MaxTree::new(list.len());
        for (slot, &i) in list.iter().enumerate() {
            if !kept[i] {
                tree.set(slot, Some(ops[i].ret.unwrap_or(Time::NEVER)));
            }
        }
    }
    let cost = 1 + ops.len() as u64 / 16;
    loop {
        *budget = budget.checked_sub(cost)?;
        let mut changed = false;
        for (i, op) in ops.iter().enumerate() {
            if !kept[i] {
                continue;
            }
            let observed = op.observed();
            let dependent = op.blind_dependent();
            if observed.is_empty() && !dependent {
                continue;
            }
            // The latest invocation of a kept write that took effect and
            // answered before `op` was invoked.
            let before = shields.partition_point(|&j| ops[j].ret.is_some_and(|r| r < op.call));
            let shield = shield_tree.prefix_max(before);
            let limit = op.ret.unwrap_or(Time::NEVER);
            let explains = |(list, tree): &(Vec<usize>, MaxTree)| {
                let n = list.partition_point(|&j| ops[j].call <= limit);
                match (tree.prefix_max(n), shield) {
                    (None, _) => false,
                    (Some(_), None) => true,
                    (Some(ret), Some(s)) => ret >= s,
                }
            };
            let explained = if dependent {
                explains(&all)
            } else {
                explains(&anything)
                    || observed
                        .iter()
                        .any(|v| by_value.get(v).is_some_and(&explains))
            };
            if !explained {
                continue;
            }
            // Remove it at once, so chains of increments resolve in one pass.
            kept[i] = false;
            changed = true;
            let ret = Some(op.ret.unwrap_or(Time::NEVER));
            let mut lists: Vec<&mut (Vec<usize>, MaxTree)> = vec![&mut all];
            match op.written() {
                Written::Nothing => lists.clear(),
                Written::Value(v) => lists.extend(by_value.get_mut(&v)),
                Written::Anything => lists.push(&mut anything),
            }
            for (list, tree) in lists {
                if let Ok(slot) = list.binary_search(&i) {
                    tree.set(slot, ret);
                }
            }
            if slot_of[i] != usize::MAX {
                shield_tree.set(slot_of[i], None);
            }
        }
        if !changed {
            return Some(());
        }
    }
}

/// A segment tree answering "largest value among the first n slots".
#[derive(Default)]
struct MaxTree {
    size: usize,
    data: Vec<Option<Time>>,
}

impl MaxTree {
    fn new(len: usize) -> Self {
        let size = len.next_power_of_two();
        MaxTree {
            size,
            data: vec![None; 2 * size],
        }
    }

    fn set(&mut self, slot: usize, value: Option<Time>) {
        let mut i = slot + self.size;
        self.data[i] = value;
        while i > 1 {
            i /= 2;
            self.data[i] = self.data[2 * i].max(self.data[2 * i + 1]);
        }
    }

    fn prefix_max(&self, n: usize) -> Option<Time> {
        let (mut lo, mut hi) = (self.size, self.size + n.min(self.size));
        let mut best = None;
        while lo < hi {
            if lo % 2 == 1 {
                best = best.max(self.data[lo]);
                lo += 1;
            }
            if hi % 2 == 1 {
                hi -= 1;
                best = best.max(self.data[hi]);
            }
            lo /= 2;
            hi /= 2;
        }
        best
    }
}

/// One plain-English sentence about why `set` (positions in `ops`) cannot be
/// ordered. It names the operation with the latest answer that depends on the
/// state, and the most telling reason found for it.
fn explain(key: &str, ops: &[KeyOp], set: &[usize], refused: &[KeyOp]) -> String {
    let n = set.len();
    let tail = if n == 1 {
        "no order of operations explains it".to_string()
    } else {
        format!("no order of these {n} operations explains it")
    };
    let latest = |filter: &dyn Fn(&KeyOp) -> bool| {
        set.iter()
            .copied()
            .filter(|&i| ops[i].ret.is_some() && filter(&ops[i]))
            .max_by_key(|&i| (ops[i].ret, ops[i].call, ops[i].id))
    };
    let Some(c) = latest(&|k: &KeyOp| matches!(k.check, Check::Malformed(_)))
        .or_else(|| latest(&|k: &KeyOp| !k.observed().is_empty()))
        .or_else(|| latest(&|_: &KeyOp| true))
        .or_else(|| set.first().copied())
    else {
        return format!("the operations on {key} cannot be ordered");
    };
    let culprit = &ops[c];
    let ret = culprit.ret.unwrap_or(Time::NEVER);
    let intro = format!(
        "{} started at {} and {}",
        culprit.kind,
        culprit.call,
        answer(key, culprit)
    );
    if let Check::Malformed(_) = culprit.check {
        return format!(
            "{intro} at {ret}: an answer of the wrong kind fits no order of operations"
        );
    }
    if let Some(value) = culprit.needs() {
        let seen = match culprit.check {
            Check::Read(_) => format!("{value}"),
            _ => format!("the {value} it must have found"),
        };
        let mut writers: Vec<&KeyOp> = set
            .iter()
            .copied()
            .filter(|&j| j != c && ops[j].may_write(Some(value)))
            .map(|j| &ops[j])
            .collect();
        writers.sort_by_key(|k| (k.call, k.id));
        match writers.first() {
            None => {
                let note = refused
                    .iter()
                    .find(|k| k.may_write(Some(value)) && !k.blind_dependent())
                    .map(|k| {
                        format!(
                            " ({} was refused at {}, so it never took effect)",
                            k.kind,
                            k.ret.unwrap_or(k.call)
                        )
                    })
                    .unwrap_or_default();
                return format!(
                    "{intro}, but no write to {key} could have produced {seen}{note}: {tail}"
                );
            }
            Some(first) if first.call > ret => {
                return format!(
                    "{} {} at {ret}, but the first write that could have produced {seen}, {}, only started at {}: {tail}",
                    culprit.kind,
                    answer(key, culprit),
                    first.kind,
                    first.call
                );
            }
            Some(_) => {}
        }
    }
    let before = set
        .iter()
        .copied()
        .filter(|&j| j != c && ops[j].ret.is_some_and(|r| r < culprit.call))
        .max_by_key(|&j| (ops[j].ret, ops[j].id));
    if let Some(o) = before {
        let other = &ops[o];
        let how = match answer(key, other).as_str() {
            "succeeded" => String::new(),
            a => format!(" and {a}"),
        };
        return format!(
            "{intro}, but {} had already completed at {}{how}: {tail}",
            other.kind,
            other.ret.unwrap_or(other.call)
        );
    }
    let mut others: Vec<String> = set
        .iter()
        .copied()
        .filter(|&j| j != c)
        .take(4)
        .map(|j| {
            let k = &ops[j];
            match k.ret {
                Some(r) => format!("{} ({} to {}) {}", k.kind, k.call, r, answer(key, k)),
                None => format!("{} (started at {}) was never answered", k.kind, k.call),
            }
        })
        .collect();
    if n > 5 {
        others.push(format!("{} more", n - 5));
    }
    if others.is_empty() {
        format!("{intro} at {ret}: {tail}")
    } else {
        format!("{intro} at {ret}, alongside {}: {tail}", others.join("; "))
    }
}

/// What the client was told, as a verb phrase ("returned 1", "succeeded").
fn answer(key: &str, k: &KeyOp) -> String {
    let shown = |v: Option<i64>| match v {
        Some(v) => format!("{key} = {v}"),
        None => format!("{key} absent"),
    };
    match &k.check {
        Check::Read(Some(v)) => format!("returned {v}"),
        Check::Read(None) => format!("found {key} absent"),
        Check::Malformed(got) => format!("was answered with {got}"),
        Check::Write(_, None) => "was never answered".to_string(),
        Check::Write(op, Some(r)) => match op {
            Op::Set { value, .. } if r.ok && r.value == Some(*value) => "succeeded".to_string(),
            Op::Delete { .. } if r.ok && r.value.is_none() => "succeeded".to_string(),
            Op::Increment { .. } if r.ok && r.value.is_some() => {
                format!("returned {}", r.value.unwrap_or_default())
            }
            Op::CompareAndSet { new, .. } if r.ok && r.value == Some(*new) => {
                "succeeded".to_string()
            }
            Op::CompareAndSet { .. } if !r.ok => format!("failed, finding {}", shown(r.value)),
            _ => format!("returned ok={} with {}", r.ok, shown(r.value)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::pins::constraint;
    use crate::raft::NodeId;
    use std::collections::BTreeSet;

    fn ms(t: u64) -> Time {
        Time::from_millis(t)
    }

    /// Builds histories; times are in milliseconds.
    #[derive(Default)]
    struct History {
        ops: Vec<ClientOp>,
    }

    impl History {
        fn push(&mut self, kind: OpKind, invoked: u64, outcome: Outcome) -> OpId {
            let id = self.ops.len() as OpId + 1;
            let client = (self.ops.len() % 5) as u32;
            self.ops.push(ClientOp {
                id,
                client,
                node: NodeId(1),
                kind,
                mode: None,
                invoked_at: ms(invoked),
                outcome,
            });
            id
        }
        fn read(&mut self, key: &str, from: u64, to: u64, value: Option<i64>) -> OpId {
            self.push(
                OpKind::Read { key: key.into() },
                from,
                Outcome::ReadOk { value, at: ms(to) },
            )
        }
        fn write(&mut self, op: Op, from: u64, to: u64, result: WriteResult) -> OpId {
            self.push(
                OpKind::Write(op),
                from,
                Outcome::WriteOk { result, at: ms(to) },
            )
        }
        fn set(&mut self, key: &str, value: i64, from: u64, to: u64) -> OpId {
            self.write(set(key, value), from, to, ok(Some(value)))
        }
        fn incr(&mut self, key: &str, from: u64, to: u64, result: i64) -> OpId {
            self.write(
                Op::Increment {
                    key: key.into(),
                    by: 1,
                },
                from,
                to,
                ok(Some(result)),
            )
        }
        fn check(&self) -> Linearizability {
            check_history(&self.ops, 1_000_000)
        }
    }

    fn set(key: &str, value: i64) -> Op {
        Op::Set {
            key: key.into(),
            value,
        }
    }

    fn ok(value: Option<i64>) -> WriteResult {
        WriteResult { ok: true, value }
    }

    fn violation(verdict: Linearizability) -> LinViolation {
        match verdict {
            Linearizability::Violation(v) => v,
            other => panic!("expected a violation, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_history_is_linearizable() {
        assert_eq!(check_history::<ClientOp>(&[], 0), Linearizability::Ok);
    }

    #[test]
    fn a_sequential_history_is_linearizable() {
        let mut h = History::default();
        h.read("x", 0, 1, None);
        h.set("x", 1, 2, 3);
        h.read("x", 4, 5, Some(1));
        h.incr("x", 6, 7, 2);
        h.write(Op::Delete { key: "x".into() }, 8, 9, ok(None));
        h.read("x", 10, 11, None);
        assert_eq!(h.check(), Linearizability::Ok);
        // The same history with the last read wrong is not.
        h.ops.last_mut().unwrap().outcome = Outcome::ReadOk {
            value: Some(2),
            at: ms(11),
        };
        assert!(matches!(h.check(), Linearizability::Violation(_)));
    }

    #[test]
    fn overlapping_writes_may_be_read_in_either_order() {
        for seen in [1, 2] {
            let mut h = History::default();
            h.set("x", 1, 0, 10);
            h.set("x", 2, 5, 15);
            h.read("x", 20, 30, Some(seen));
            assert_eq!(h.check(), Linearizability::Ok, "reading {seen}");
        }
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        h.set("x", 2, 5, 15);
        h.read("x", 20, 30, Some(3));
        assert!(matches!(h.check(), Linearizability::Violation(_)));
    }

    #[test]
    fn a_stale_read_is_reported_with_exactly_the_three_operations_involved() {
        let mut h = History::default();
        let a = h.set("x", 1, 0, 10);
        let b = h.set("x", 2, 20, 30);
        let r = h.read("x", 40, 50, Some(1));
        let v = violation(h.check());
        assert_eq!(v.key, "x");
        assert_eq!(v.ops, vec![a, b, r]);
        assert_eq!(
            v.sentence,
            "read x started at 40.000 ms and returned 1, but set x=2 had already completed at 30.000 ms: \
             no order of these 3 operations explains it"
        );
    }

    #[test]
    fn a_stale_read_shrinks_to_three_operations_out_of_many() {
        let mut h = History::default();
        for i in 0..40 {
            h.set("x", 100 + i, 10 * i as u64, 10 * i as u64 + 5);
        }
        let a = h.set("x", 1, 1000, 1010);
        let b = h.set("x", 2, 1020, 1030);
        for i in 0..10 {
            h.read("y", 1000 + i, 2000, None);
        }
        let r = h.read("x", 1040, 1050, Some(1));
        h.set("x", 3, 1060, 1070);
        let v = violation(h.check());
        assert_eq!(v.ops, vec![a, b, r]);
    }

    #[test]
    fn a_read_of_a_value_never_written_is_a_violation() {
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        let r = h.read("x", 20, 30, Some(7));
        let v = violation(h.check());
        assert_eq!(v.ops, vec![r]);
        assert_eq!(
            v.sentence,
            "read x started at 20.000 ms and returned 7, but no write to x could have produced 7: \
             no order of operations explains it"
        );
    }

    #[test]
    fn a_read_of_a_value_written_only_later_names_that_write() {
        let mut h = History::default();
        let r = h.read("x", 0, 10, Some(5));
        let w = h.set("x", 5, 20, 30);
        let v = violation(h.check());
        assert_eq!(v.ops, vec![r, w]);
        assert!(
            v.sentence.contains("set x=5, only started at 20.000 ms"),
            "{}",
            v.sentence
        );
    }

    #[test]
    fn a_pending_write_can_explain_a_read() {
        for outcome in [Outcome::Pending, Outcome::Unknown] {
            let mut h = History::default();
            h.set("x", 1, 0, 10);
            h.push(OpKind::Write(set("x", 2)), 5, outcome);
            h.read("x", 20, 30, Some(2));
            h.read("x", 40, 50, Some(2));
            assert_eq!(h.check(), Linearizability::Ok);
        }
    }

    #[test]
    fn a_pending_write_cannot_explain_a_read_that_finished_before_it_started() {
        let mut h = History::default();
        let r = h.read("x", 0, 10, Some(2));
        let w = h.push(OpKind::Write(set("x", 2)), 20, Outcome::Unknown);
        assert_eq!(violation(h.check()).ops, vec![r, w]);
    }

    #[test]
    fn a_pending_write_that_never_completes_does_not_forbid_reading_the_old_value() {
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        h.push(OpKind::Write(set("x", 2)), 5, Outcome::Pending);
        h.read("x", 20, 30, Some(1));
        h.read("x", 100, 110, Some(1));
        assert_eq!(h.check(), Linearizability::Ok);
        // But once it has been seen, it cannot be unseen.
        h.read("x", 40, 50, Some(2));
        assert!(matches!(h.check(), Linearizability::Violation(_)));
    }

    #[test]
    fn a_failed_writes_value_read_back_is_a_violation() {
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        h.push(
            OpKind::Write(set("x", 7)),
            12,
            Outcome::Failed { at: ms(15) },
        );
        let r = h.read("x", 20, 30, Some(7));
        let v = violation(h.check());
        assert_eq!(v.ops, vec![r]);
        assert!(
            v.sentence.contains("set x=7 was refused at 15.000 ms"),
            "{}",
            v.sentence
        );
    }

    #[test]
    fn unanswered_and_refused_reads_constrain_nothing() {
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        h.push(OpKind::Read { key: "x".into() }, 20, Outcome::Pending);
        h.push(OpKind::Read { key: "x".into() }, 20, Outcome::Unknown);
        h.push(
            OpKind::Read { key: "x".into() },
            20,
            Outcome::Failed { at: ms(21) },
        );
        assert_eq!(h.check(), Linearizability::Ok);
    }

    #[test]
    fn two_increments_both_returning_one_is_a_violation() {
        let mut h = History::default();
        let a = h.incr("n", 0, 10, 1);
        let b = h.incr("n", 5, 15, 1);
        let v = violation(h.check());
        assert_eq!(v.ops, vec![a, b]);
        // One returning 1 and the other 2 is fine, in either real-time order.
        let mut h = History::default();
        h.incr("n", 0, 10, 2);
        h.incr("n", 5, 15, 1);
        assert_eq!(h.check(), Linearizability::Ok);
    }

    #[test]
    fn an_increment_that_returns_a_stale_result_is_explained() {
        let mut h = History::default();
        h.incr("n", 0, 10, 1);
        h.incr("n", 20, 30, 1);
        let v = violation(h.check());
        assert_eq!(
            v.sentence,
            "incr n by 1 started at 20.000 ms and returned 1, but incr n by 1 had already completed at 10.000 ms \
             and returned 1: no order of these 2 operations explains it"
        );
    }

    #[test]
    fn compare_and_set_results_are_checked() {
        let cas = |expected, new| Op::CompareAndSet {
            key: "x".into(),
            expected,
            new,
        };
        // Succeeds on the initial absent value, then fails seeing 5.
        let mut h = History::default();
        h.write(cas(None, 5), 0, 10, ok(Some(5)));
        h.write(
            cas(None, 6),
            20,
            30,
            WriteResult {
                ok: false,
                value: Some(5),
            },
        );
        h.write(cas(Some(5), 7), 40, 50, ok(Some(7)));
        assert_eq!(h.check(), Linearizability::Ok);
        // A second success on "absent" after the first completed is impossible.
        let mut h = History::default();
        let a = h.write(cas(None, 5), 0, 10, ok(Some(5)));
        let b = h.write(cas(None, 6), 20, 30, ok(Some(6)));
        assert_eq!(violation(h.check()).ops, vec![a, b]);
        // So is a failure that reports a value that was never there.
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        let c = h.write(
            cas(Some(2), 3),
            20,
            30,
            WriteResult {
                ok: false,
                value: Some(9),
            },
        );
        assert_eq!(violation(h.check()).ops, vec![c]);
    }

    #[test]
    fn keys_are_independent_and_a_violation_names_its_key() {
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        h.set("y", 1, 0, 10);
        h.set("y", 2, 20, 30);
        h.read("x", 40, 50, Some(1)); // fine: y's writes do not touch x
        let r = h.read("y", 40, 50, Some(1));
        let v = violation(h.check());
        assert_eq!(v.key, "y");
        assert!(v.ops.contains(&r));
    }

    #[test]
    fn answering_at_the_very_instant_another_starts_counts_as_concurrent() {
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        h.read("x", 10, 20, None); // may be ordered before the write
        assert_eq!(h.check(), Linearizability::Ok);
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        h.read("x", 11, 20, None);
        assert!(matches!(h.check(), Linearizability::Violation(_)));
    }

    #[test]
    fn an_answer_time_before_the_invocation_counts_as_the_invocation() {
        let mut h = History::default();
        h.set("x", 1, 10, 5); // answered "before" it was sent: treated as [10, 10]
        h.read("x", 10, 12, None);
        assert_eq!(h.check(), Linearizability::Ok);
        h.read("x", 11, 12, None);
        assert!(matches!(h.check(), Linearizability::Violation(_)));
    }

    #[test]
    fn an_answer_of_the_wrong_kind_is_a_violation() {
        let mut h = History::default();
        let r = h.push(
            OpKind::Read { key: "x".into() },
            0,
            Outcome::WriteOk {
                result: ok(None),
                at: ms(1),
            },
        );
        let v = violation(h.check());
        assert_eq!(v.ops, vec![r]);
        assert!(
            v.sentence.contains("was answered with a write's result"),
            "{}",
            v.sentence
        );
    }

    /// Thirty concurrent writes and a read nobody could have produced: proving
    /// the violation means trying ~2^30 subsets.
    fn explosive(h: &mut History) {
        for i in 0..30 {
            h.set("x", i, 0, 100);
        }
        h.read("x", 200, 210, Some(999));
    }

    #[test]
    fn an_explosive_history_runs_out_of_budget_instead_of_hanging() {
        let mut h = History::default();
        explosive(&mut h);
        h.set("z", 1, 0, 1);
        assert_eq!(
            check_history(&h.ops, 100_000),
            Linearizability::Unknown { key: "x".into() }
        );
        // A budget of zero decides only what needs no search at all.
        assert_eq!(
            check_history(&h.ops, 0),
            Linearizability::Unknown { key: "x".into() }
        );
        let mut unanswered = History::default();
        unanswered.push(OpKind::Write(set("w", 1)), 0, Outcome::Unknown);
        assert_eq!(check_history(&unanswered.ops, 0), Linearizability::Ok);
    }

    #[test]
    fn a_violation_on_a_later_key_outranks_an_earlier_unknown_key() {
        let mut h = History::default();
        explosive(&mut h);
        h.set("y", 1, 0, 10);
        h.set("y", 2, 20, 30);
        h.read("y", 40, 50, Some(1));
        assert_eq!(violation(check_history(&h.ops, 100_000)).key, "y");
    }

    #[test]
    fn a_long_sequential_history_is_checked_within_a_modest_budget() {
        let mut h = History::default();
        for i in 0..20_000u64 {
            h.incr("n", 2 * i, 2 * i + 1, i as i64 + 1);
        }
        assert_eq!(check_history(&h.ops, 100_000), Linearizability::Ok);
        // Corrupt one result near the end: found, and shrunk to a few operations.
        let last = h.ops.len() - 1;
        h.ops[last].outcome = Outcome::WriteOk {
            result: ok(Some(5)),
            at: ms(2 * last as u64 + 1),
        };
        let v = violation(check_history(&h.ops, 1_000_000));
        // The increments that produced 1..=5 (the corrupted one saw 4, and the
        // fifth had completed before it started) and the corrupted one.
        assert_eq!(
            v.ops,
            vec![1, 2, 3, 4, 5, last as OpId + 1],
            "{}",
            v.sentence
        );
    }

    // ---- randomized checks -------------------------------------------------

    /// SplitMix64, inline so the checker's tests need no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn value(&mut self, n: u64) -> Option<i64> {
            match self.below(n + 1) {
                0 => None,
                v => Some(v as i64),
            }
        }
    }

    fn random_op(rng: &mut Rng, key: &str, values: u64) -> OpKind {
        let key = key.to_string();
        let v = rng.below(values) as i64 + 1;
        match rng.below(6) {
            0 | 1 => OpKind::Read { key },
            2 => OpKind::Write(Op::Set { key, value: v }),
            3 => OpKind::Write(Op::Delete { key }),
            4 => OpKind::Write(Op::Increment {
                key,
                by: rng.below(2) as i64 + 1,
            }),
            _ => OpKind::Write(Op::CompareAndSet {
                key,
                expected: rng.value(values),
                new: v,
            }),
        }
    }

    /// A linearizable history: ops run sequentially at distinct linearization
    /// points, each invoked up to `window` µs before its point and answered up
    /// to `window` µs after. Some writes stay unanswered (taking effect or
    /// not), some are refused (no effect), some reads go unanswered.
    fn linearizable_history(
        rng: &mut Rng,
        len: usize,
        keys: &[&str],
        window: u64,
        values: u64,
    ) -> Vec<ClientOp> {
        let mut store: BTreeMap<String, i64> = BTreeMap::new();
        let mut ops = Vec::new();
        for i in 0..len {
            let point = 1_000 + 10 * i as u64;
            let invoked_at = Time(point - rng.below(window + 1).min(point));
            let at = Time(point + rng.below(window + 1));
            let key = keys[rng.below(keys.len() as u64) as usize];
            let kind = random_op(rng, key, values);
            let current = store.get(kind.key()).copied();
            let fate = rng.below(10);
            let outcome = match &kind {
                OpKind::Read { .. } if fate == 0 => Outcome::Unknown,
                OpKind::Read { .. } => Outcome::ReadOk { value: current, at },
                OpKind::Write(_) if fate == 0 => Outcome::Failed { at },
                OpKind::Write(op) => {
                    let (after, result) = op.apply_to(current);
                    if fate == 1 && rng.below(2) == 0 {
                        // Gave up, and it never took effect.
                        Outcome::Unknown
                    } else {
                        match after {
                            Some(v) => store.insert(op.key().to_string(), v),
                            None => store.remove(op.key()),
                        };
                        if fate == 1 {
                            Outcome::Pending
                        } else {
                            Outcome::WriteOk { result, at }
                        }
                    }
                }
            };
            ops.push(ClientOp {
                id: i as OpId,
                client: 0,
                node: NodeId(1),
                kind,
                mode: None,
                invoked_at,
                outcome,
            });
        }
        ops
    }

    fn subset(ops: &[ClientOp], ids: &[OpId]) -> Vec<ClientOp> {
        ops.iter()
            .filter(|o| ids.contains(&o.id))
            .cloned()
            .collect()
    }

    #[test]
    fn random_linearizable_histories_pass_and_corrupted_reads_are_caught() {
        let mut rng = Rng(0x5EED);
        let mut plausible_caught = 0;
        for round in 0..300 {
            let len = 10 + rng.below(50) as usize;
            let ops = linearizable_history(&mut rng, len, &["a", "b", "c"], 40, 4);
            assert_eq!(
                check_history(&ops, 1_000_000),
                Linearizability::Ok,
                "round {round}: {ops:?}"
            );
            let reads: Vec<usize> = (0..ops.len())
                .filter(|&i| matches!(ops[i].outcome, Outcome::ReadOk { .. }))
                .collect();
            if reads.is_empty() {
                continue;
            }
            let r = reads[rng.below(reads.len() as u64) as usize];
            let Outcome::ReadOk { value, at } = ops[r].outcome.clone() else {
                unreachable!()
            };

            // A value no operation can produce (all values stay far below it)
            // must be caught, with that read among the operations named.
            let mut bad = ops.clone();
            bad[r].outcome = Outcome::ReadOk {
                value: Some(1_000_000),
                at,
            };
            let v = violation(check_history(&bad, 1_000_000));
            assert_eq!(v.key, ops[r].kind.key());
            assert!(v.ops.contains(&ops[r].id), "round {round}: {v:?}");
            assert!(matches!(
                check_history(&subset(&bad, &v.ops), 1_000_000),
                Linearizability::Violation(_)
            ));

            // A plausible wrong value may still be linearizable by chance; but a
            // reported violation must involve the read and stand on its own
            // (every violation needs the changed read: without it the history
            // is a subset of a linearizable one).
            let mut odd = ops.clone();
            let other = if value == Some(1) { Some(2) } else { Some(1) };
            odd[r].outcome = Outcome::ReadOk { value: other, at };
            if let Linearizability::Violation(v) = check_history(&odd, 1_000_000) {
                plausible_caught += 1;
                assert!(v.ops.contains(&ops[r].id), "round {round}: {v:?}");
                assert!(matches!(
                    check_history(&subset(&odd, &v.ops), 1_000_000),
                    Linearizability::Violation(_)
                ));
            }
        }
        assert!(plausible_caught > 0);
    }

    #[test]
    fn arbitrary_malformed_histories_never_panic() {
        let mut rng = Rng(7);
        let times = [0, 1, 5, u64::MAX - 1, u64::MAX];
        let values = [
            None,
            Some(0),
            Some(1),
            Some(-1),
            Some(i64::MAX),
            Some(i64::MIN),
        ];
        for _ in 0..500 {
            let ops: Vec<ClientOp> = (0..rng.below(40))
                .map(|_| {
                    let key = ["", "k", "é"][rng.below(3) as usize].to_string();
                    let value = values[rng.below(6) as usize];
                    let kind = match rng.below(3) {
                        0 => OpKind::Read { key },
                        1 => OpKind::Write(Op::Increment {
                            key,
                            by: value.unwrap_or(1),
                        }),
                        _ => OpKind::Write(Op::CompareAndSet {
                            key,
                            expected: value,
                            new: value.unwrap_or(2),
                        }),
                    };
                    let at = Time(times[rng.below(5) as usize]);
                    let outcome = match rng.below(5) {
                        0 => Outcome::Pending,
                        1 => Outcome::Unknown,
                        2 => Outcome::Failed { at },
                        3 => Outcome::ReadOk { value, at },
                        _ => Outcome::WriteOk {
                            result: WriteResult {
                                ok: rng.below(2) == 0,
                                value,
                            },
                            at,
                        },
                    };
                    ClientOp {
                        id: rng.below(4), // duplicate ids too
                        client: 0,
                        node: NodeId(0),
                        kind,
                        mode: None,
                        invoked_at: Time(times[rng.below(5) as usize]),
                        outcome,
                    }
                })
                .collect();
            let _ = check_history(&ops, rng.below(2_000));
        }
    }

    /// An independent reference: try every order of the answered operations
    /// and every subset of the unanswered writes, respecting real time.
    fn brute_force_linearizable(ops: &[ClientOp]) -> bool {
        let keys: BTreeSet<&str> = ops.iter().map(|o| o.kind.key()).collect();
        keys.into_iter().all(|key| {
            let mine: Vec<&ClientOp> = ops
                .iter()
                .filter(|o| o.kind.key() == key)
                .filter(|o| match (&o.kind, &o.outcome) {
                    (OpKind::Read { .. }, Outcome::ReadOk { .. }) => true,
                    (OpKind::Write(_), Outcome::Failed { .. }) => false,
                    (OpKind::Write(_), Outcome::ReadOk { .. }) => true,
                    (OpKind::Write(_), _) => true,
                    (OpKind::Read { .. }, _) => matches!(o.outcome, Outcome::WriteOk { .. }),
                })
                .collect();
            let done = |o: &ClientOp| o.outcome.answered_at().map(|at| at.max(o.invoked_at));
            fn go(
                mine: &[&ClientOp],
                done: &dyn Fn(&ClientOp) -> Option<Time>,
                placed: &mut Vec<bool>,
                state: Option<i64>,
            ) -> bool {
                if (0..mine.len()).all(|i| placed[i] || done(mine[i]).is_none()) {
                    return true;
                }
                for i in 0..mine.len() {
                    if placed[i] {
                        continue;
                    }
                    let blocked = (0..mine.len()).any(|j| {
                        !placed[j]
                            && j != i
                            && done(mine[j]).is_some_and(|t| t < mine[i].invoked_at)
                    });
                    if blocked {
                        continue;
                    }
                    let next = match (&mine[i].kind, &mine[i].outcome) {
                        (OpKind::Read { .. }, Outcome::ReadOk { value, .. }) => {
                            (*value == state).then_some(state)
                        }
                        (OpKind::Write(op), Outcome::WriteOk { result, .. }) => {
                            let (after, got) = op.apply_to(state);
                            (got == *result).then_some(after)
                        }
                        (OpKind::Write(op), Outcome::Pending | Outcome::Unknown) => {
                            Some(op.apply_to(state).0)
                        }
                        _ => None,
                    };
                    if let Some(next) = next {
                        placed[i] = true;
                        let found = go(mine, done, placed, next);
                        placed[i] = false;
                        if found {
                            return true;
                        }
                    }
                }
                false
            }
            go(&mine, &done, &mut vec![false; mine.len()], None)
        })
    }

    #[test]
    fn small_random_histories_agree_with_brute_force_enumeration() {
        let mut rng = Rng(42);
        let (mut ok, mut bad) = (0, 0);
        for round in 0..3_000 {
            let len = 1 + rng.below(8) as usize;
            let mut ops = linearizable_history(&mut rng, len, &["k"], 25, 3);
            // Mutate some answers at random, so both verdicts occur.
            for op in ops.iter_mut() {
                if rng.below(4) == 0 {
                    op.outcome = match op.outcome {
                        Outcome::ReadOk { at, .. } => Outcome::ReadOk {
                            value: rng.value(4),
                            at,
                        },
                        Outcome::WriteOk { .. } if rng.below(3) == 0 => Outcome::Unknown,
                        Outcome::WriteOk { at, .. } => Outcome::WriteOk {
                            result: WriteResult {
                                ok: rng.below(3) > 0,
                                value: rng.value(4),
                            },
                            at,
                        },
                        Outcome::Failed { .. } => Outcome::Unknown,
                        ref other => other.clone(),
                    };
                }
            }
            let expected = brute_force_linearizable(&ops);
            match check_history(&ops, 10_000_000) {
                Linearizability::Ok => {
                    assert!(
                        expected,
                        "round {round}: checker says Ok, brute force disagrees: {ops:?}"
                    );
                    ok += 1;
                }
                Linearizability::Violation(v) => {
                    assert!(
                        !expected,
                        "round {round}: checker says {v:?}, brute force disagrees: {ops:?}"
                    );
                    // A robust witness: adding back any combination of the
                    // other operations never makes it linearizable.
                    let others: Vec<OpId> = ops
                        .iter()
                        .map(|o| o.id)
                        .filter(|id| !v.ops.contains(id))
                        .collect();
                    for mask in 0..1u32 << others.len() {
                        let mut ids = v.ops.clone();
                        ids.extend(
                            (0..others.len())
                                .filter(|b| mask >> b & 1 == 1)
                                .map(|b| others[b]),
                        );
                        let with = subset(&ops, &ids);
                        assert!(
                            !brute_force_linearizable(&with),
                            "round {round}: {v:?} explained by {ids:?}: {ops:?}"
                        );
                    }
                    bad += 1;
                }
                Linearizability::Unknown { .. } => {
                    panic!("round {round}: tiny history ran out of budget")
                }
            }
        }
        assert!(ok > 300 && bad > 300, "ok {ok}, bad {bad}");
    }

    /// The operations a search sees, in the order it sees them.
    fn kept_in_order(history: &[ClientOp]) -> Vec<KeyOp> {
        let mut ops: Vec<KeyOp> = history
            .iter()
            .filter_map(|o| match prepare(o) {
                Prepared::Kept(k) => Some(k),
                _ => None,
            })
            .collect();
        ops.sort_by_key(|k| (k.call, k.id));
        ops
    }

    #[test]
    fn an_operation_constrains_the_search_the_same_way_read_whole_or_prepared() {
        // `constraint` restates `prepare`'s rules without copying the
        // operation; every kind and outcome must agree.
        let at = ms(5);
        let outcomes = [
            Outcome::Pending,
            Outcome::ReadOk { value: Some(1), at },
            Outcome::ReadOk { value: None, at },
            Outcome::WriteOk {
                result: ok(Some(1)),
                at,
            },
            Outcome::Failed { at },
            Outcome::Unknown,
        ];
        let kinds = [OpKind::Read { key: "x".into() }, OpKind::Write(set("x", 1))];
        for kind in &kinds {
            for outcome in &outcomes {
                let op = ClientOp {
                    id: 1,
                    client: 1,
                    node: NodeId(1),
                    kind: kind.clone(),
                    mode: None,
                    invoked_at: ms(9),
                    outcome: outcome.clone(),
                };
                let prepared = match prepare(&op) {
                    Prepared::Kept(k) => k.constraint(),
                    Prepared::Refused(_) | Prepared::Ignored => Constraint::None,
                };
                assert_eq!(constraint(&op), prepared, "{kind:?} {outcome:?}");
            }
        }
    }

    #[test]
    fn checking_in_segments_gives_the_whole_search_verdict() {
        // Random single-key histories, linearizable by construction and then
        // perhaps spoiled (see `check::pinned`'s tests): cut at pinning reads
        // or searched whole, the verdict is the same.
        let mut rng = crate::rng::Rng::new(12);
        let (mut fine, mut broken) = (0, 0);
        for _ in 0..20_000 {
            let history = crate::check::pinned::tests::random_history(&mut rng);
            let ops = kept_in_order(&history);
            let everything: Vec<usize> = (0..ops.len()).collect();
            let whole = search(&ops, &everything, None, &mut 1_000_000) == Search::Linearizable;
            assert_eq!(
                linearizable_in_segments(&ops, 1_000_000),
                whole,
                "{history:#?}"
            );
            if whole {
                fine += 1;
            } else {
                broken += 1;
            }
        }
        assert!(fine > 1_000 && broken > 1_000, "{fine} {broken}");
    }

    #[test]
    fn quiet_reads_cut_a_long_history_into_segments_a_small_budget_can_search() {
        // Each write overlaps the next one, so the whole history is one
        // search of 4,000 operations; a read alone after each pair pins the
        // value, and the segments between pins are three operations long.
        let mut h = History::default();
        for k in 0..1_000u64 {
            let t = k * 10;
            h.set("x", 2 * k as i64, t, t + 3);
            h.set("x", 2 * k as i64 + 1, t + 1, t + 4);
            h.read("x", t + 5, t + 6, Some(2 * k as i64 + 1));
            h.read("x", t + 7, t + 8, Some(2 * k as i64 + 1));
        }
        assert_eq!(check_history(&h.ops, 200), Linearizability::Ok);
        let ops = kept_in_order(&h.ops);
        let everything: Vec<usize> = (0..ops.len()).collect();
        assert!(
            search(&ops, &everything, None, &mut 200) == Search::OutOfBudget,
            "searched whole, the history needs more than the budget"
        );
    }
}
