//! The app's observer of every step: the safety checkers, plus what the
//! screen needs that a single snapshot of the world cannot tell.
//!
//! The world shows where things are; some of what the screen says depends on
//! how they got there: which granted votes a candidate has actually received,
//! when a node's election timer was last reset (for the arc of time left),
//! why a client operation was last refused, and which reads are proven stale.
//! The [`Timeline`](crate::sim::Timeline) clones its observer into every
//! checkpoint, so all of this is restored with the world when seeking.

use crate::check::pinned::PinnedReads;
use crate::check::{check_history, Invariants, Linearizability, Violation, ViolationKind};
use crate::raft::{Answer, Event, MessageKind, NodeId, Refusal, Term, Time};
use crate::sim::{ClientOp, Observer, OpId, OpKind, Outcome, StepRecord, What, World};
use crate::sorted::{SortedMap, SortedSet};
use crate::view::history::lanes::{Lanes, StepFacts};
use crate::view::history::marks::{StepMark, StepMarks};
use crate::view::screen::event_log::LineKind;
use std::sync::{Arc, Mutex};

/// How many search steps the linearizability checker may spend on one key
/// when a read is answered. Past it the read is left unmarked: a mark must be
/// a proof, never a guess.
pub const STALE_CHECK_BUDGET: u64 = 200_000;

/// A read the linearizability checker proved wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleRead {
    /// The read.
    pub op: OpId,
    /// The write it missed: the latest write in the checker's witness that
    /// had completed before the read began. `None` when the value returned
    /// could not have been written by anyone (not merely stale).
    pub missed: Option<OpId>,
    /// The operations the checker's proof involves.
    pub ops: Vec<OpId>,
    /// The checker's explanation.
    pub sentence: String,
}

/// What the stale-read checks found, shared by the recorder and all its
/// clones in the timeline's checkpoints, so that replaying a stretch of
/// history after a seek does not search the same reads again.
///
/// An answer is keyed by the read and the world's trace hash at the step
/// it was answered: the same hash means the same history up to that step,
/// so the same verdict, even on a forked history that reuses the read's id.
#[derive(Clone, Debug, Default)]
struct StaleMemo(Arc<Mutex<Verdicts>>);

/// (read, trace hash at its answer) → the read's proof of staleness, if any.
type Verdicts = SortedMap<(OpId, u64), Option<StaleRead>>;

impl StaleMemo {
    fn get(&self, key: (OpId, u64)) -> Option<Option<StaleRead>> {
        self.0.lock().ok()?.get(&key).cloned()
    }

    fn put(&self, key: (OpId, u64), verdict: Option<StaleRead>) {
        if let Ok(mut memo) = self.0.lock() {
            memo.insert(key, verdict);
        }
    }
}

/// The votes a (pre-)candidate has received so far.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Ballot {
    term: Term,
    pre_vote: bool,
    from: SortedSet<NodeId>,
}

/// The observer the app's timeline runs after every step.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    invariants: Invariants,
    ballots: SortedMap<NodeId, Ballot>,
    /// Votes granted but not yet delivered: (voter, candidate, term, pre-vote).
    granted: SortedSet<(NodeId, NodeId, Term, bool)>,
    /// Per node: its election deadline and the local time it was set at.
    timers: SortedMap<NodeId, (Time, Time)>,
    /// The last refusal of each operation not yet answered otherwise: a
    /// failed operation says why; an answered one no longer needs it.
    refusals: SortedMap<OpId, Refusal>,
    stale: SortedMap<OpId, StaleRead>,
    /// The client history by key, for checking each read from the end of
    /// its key's history.
    pinned: PinnedReads,
    /// A stale read answered in a mode that promises linearizability.
    linearizability: Vec<Violation>,
    /// One mark per step, in order.
    marks: StepMarks,
    /// Verdicts of reads already checked, shared with every clone.
    memo: StaleMemo,
    /// What the swimlane draws.
    lanes: Lanes,
}

impl Recorder {
    /// A recorder that has seen nothing.
    pub fn new() -> Recorder {
        Recorder::default()
    }

    /// The first broken property: a safety invariant, or a read in a
    /// linearizable mode that returned a stale value.
    pub fn first_violation(&self) -> Option<&Violation> {
        let safety = self.invariants.first_violation();
        let lin = self.linearizability.first();
        match (safety, lin) {
            (Some(a), Some(b)) => Some(if b.step < a.step { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// How many broken properties were found so far (each property once
    /// per place): cheap to ask after every step.
    pub fn broken(&self) -> usize {
        self.invariants.violations().len() + self.linearizability.len()
    }

    /// Every broken property found so far, in the order they broke.
    pub fn violations(&self) -> Vec<&Violation> {
        let mut all: Vec<&Violation> = self
            .invariants
            .violations()
            .iter()
            .chain(&self.linearizability)
            .collect();
        crate::sorting::sort_by_key(&mut all, |v| v.step);
        all
    }

    /// The votes `candidate` holds for `term` (a pre-vote round when
    /// `pre_vote`), itself included; empty if it is not campaigning for it.
    pub fn votes(&self, candidate: NodeId, term: Term, pre_vote: bool) -> Vec<NodeId> {
        self.ballots
            .get(&candidate)
            .filter(|b| b.term == term && b.pre_vote == pre_vote)
            .map(|b| b.from.iter().copied().collect())
            .unwrap_or_default()
    }

    /// When `node`'s current election deadline was set, on its own clock,
    /// if the recorder saw it being set to `deadline`.
    pub fn timer_set_at(&self, node: NodeId, deadline: Time) -> Option<Time> {
        self.timers
            .get(&node)
            .filter(|(d, _)| *d == deadline)
            .map(|(_, at)| *at)
    }

    /// Why the operation was last refused by a node, in words.
    pub fn refusal(&self, op: OpId) -> Option<String> {
        self.refusals.get(&op).map(Refusal::to_string)
    }

    /// The proof that `op` is a stale read, if there is one.
    pub fn stale_read(&self, op: OpId) -> Option<&StaleRead> {
        self.stale.get(&op)
    }

    /// A mark for every step seen so far (up to the cursor).
    pub fn marks(&self) -> &StepMarks {
        &self.marks
    }

    /// The swimlane's record of every step seen so far.
    pub fn lanes(&self) -> &Lanes {
        &self.lanes
    }

    fn on_event(&mut self, node: NodeId, event: &Event) {
        match event {
            Event::BecamePreCandidate { term } => self.open_ballot(node, *term, true),
            Event::BecameCandidate { term, .. } => self.open_ballot(node, *term, false),
            Event::VoteGranted {
                candidate,
                term,
                pre_vote,
                ..
            } => {
                self.granted.insert((node, *candidate, *term, *pre_vote));
            }
            _ => {}
        }
    }

    fn open_ballot(&mut self, node: NodeId, term: Term, pre_vote: bool) {
        self.ballots.insert(
            node,
            Ballot {
                term,
                pre_vote,
                from: SortedSet::from([node]),
            },
        );
        // Grants for an older round can no longer count.
        self.granted.retain(|g| g.1 != node || g.2 >= term);
    }

    fn on_vote_delivered(&mut self, voter: NodeId, candidate: NodeId) {
        let delivered: Vec<_> = self
            .granted
            .iter()
            .filter(|g| g.0 == voter && g.1 == candidate)
            .copied()
            .collect();
        for g in delivered {
            self.granted.remove(&g);
            if let Some(b) = self.ballots.get_mut(&candidate) {
                if b.term == g.2 && b.pre_vote == g.3 {
                    b.from.insert(voter);
                }
            }
        }
    }

    fn note_timers(&mut self, world: &World) {
        for id in world.node_ids() {
            let node = world.node(id);
            let deadline = node.election_deadline();
            let changed = self.timers.get(&id).is_none_or(|(d, _)| *d != deadline);
            if changed {
                self.timers.insert(id, (deadline, node.now()));
            }
        }
    }

    /// Checks whether the read `op`, just answered, is proven stale (see
    /// [`stale_verdict`](Self::stale_verdict)), asking the shared memo first.
    fn check_read(&mut self, world: &World, op: OpId) {
        let history = world.history();
        let Some(read) = history.get(op as usize) else {
            return;
        };
        if !matches!(read.outcome, Outcome::ReadOk { .. }) || self.stale.contains_key(&op) {
            return;
        }
        let key = (op, world.trace_hash());
        let verdict = match self.memo.get(key) {
            Some(known) => known,
            None => {
                let found = self.stale_verdict(world, read);
                self.memo.put(key, found.clone());
                found
            }
        };
        let Some(stale) = verdict else {
            return;
        };
        if read.mode.is_some_and(|m| m.is_safe()) && self.linearizability.is_empty() {
            self.linearizability.push(Violation {
                kind: ViolationKind::Linearizability,
                step: world.steps(),
                time: world.now(),
                nodes: vec![read.node],
                index: None,
                term: None,
                ops: stale.ops.clone(),
                sentence: format!(
                    "{} from {} in {} mode returned a stale value: {}",
                    read.kind,
                    read.node,
                    read.mode.map(|m| m.name()).unwrap_or("read"),
                    stale.sentence
                ),
            });
        }
        self.stale.insert(op, stale);
    }

    /// Whether `read` is proven stale: its key's history (without reads
    /// already proven stale) cannot be linearized with it, and can without.
    fn stale_verdict(&mut self, world: &World, read: &ClientOp) -> Option<StaleRead> {
        let history = world.history();
        let op = read.id;
        // Usually decided from the end of the key's history alone (see
        // `check::pinned`); the whole history is searched when that cannot
        // decide, and when the read is stale, for the proof.
        let stale = &self.stale;
        let fits = self.pinned.read_fits(
            |id| history.get(id as usize).map(|o| o.as_ref()),
            history.len(),
            read,
            |id| stale.contains_key(&id),
            STALE_CHECK_BUDGET,
        );
        if fits == Some(true) {
            return None;
        }
        // The key's operations, as `read_fits` just indexed them.
        let others: Vec<&ClientOp> = self
            .pinned
            .key_ops(read.kind.key())
            .filter(|id| *id != op && !self.stale.contains_key(id))
            .filter_map(|id| history.get(id as usize).map(|o| o.as_ref()))
            .collect();
        let mut with = others.clone();
        with.push(read);
        let Linearizability::Violation(proof) = check_history(&with, STALE_CHECK_BUDGET) else {
            return None;
        };
        if check_history(&others, STALE_CHECK_BUDGET) != Linearizability::Ok {
            return None; // something else is wrong on this key: not this read's fault
        }
        let invoked = read.invoked_at;
        let missed = proof
            .ops
            .iter()
            .filter_map(|id| history.get(*id as usize))
            .filter(|o| matches!(o.kind, OpKind::Write(_)))
            .filter_map(|o| match o.outcome {
                Outcome::WriteOk { at, .. } if at < invoked => Some((at, o.id)),
                _ => None,
            })
            .max()
            .map(|(_, id)| id);
        Some(StaleRead {
            op,
            missed,
            ops: proof.ops,
            sentence: proof.sentence,
        })
    }
}

impl Observer for Recorder {
    fn start(&mut self, world: &World) {
        self.lanes.start(world);
    }

    fn observe(&mut self, world: &World, record: &StepRecord) {
        let broken_before = self.broken();
        self.invariants.check(world, record);
        for (node, event) in &record.events {
            self.on_event(*node, event);
        }
        match &record.what {
            What::Delivered {
                from,
                to,
                kind: MessageKind::VoteResponse,
                ..
            } => self.on_vote_delivered(*from, *to),
            What::Reply { op, answer, .. } => match answer {
                Answer::Refused(reason) => {
                    self.refusals.insert(*op, reason.clone());
                }
                Answer::Read { .. } => {
                    self.refusals.remove(op);
                    self.check_read(world, *op);
                }
                _ => {
                    self.refusals.remove(op);
                }
            },
            _ => {}
        }
        self.note_timers(world);
        // (Listing them sorts every one found so far: only when one is new.)
        let broken: Vec<String> = if self.broken() > broken_before {
            self.violations()
                .into_iter()
                .skip(broken_before)
                .map(|v| v.kind.name().to_string())
                .collect()
        } else {
            Vec::new()
        };
        let mark = StepMark::of(record, !broken.is_empty());
        let stale = &self.stale;
        let facts = StepFacts {
            heartbeat: mark.kind == LineKind::Heartbeats,
            broken,
            stale: &|op| stale.get(&op).map(|s| s.missed),
        };
        self.lanes.record(world, record, &facts);
        self.marks.push(mark);
    }
}
