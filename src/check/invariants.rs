//! Raft's safety properties (Figure 3), checked after every step.
//!
//! Each check is incremental: a step costs work proportional to what it
//! changed (new or changed log entries, new commits), so a checker can
//! watch an hour-long history. What changed in a log is found by comparing
//! it with the copy taken at the last check, which shares its chunks (see
//! [`Log::first_change_since`]): a change anywhere, not only at the end, is
//! seen. Entries below every node's snapshot are pruned.

use super::index_table::IndexTable;
use super::violation::{Violation, ViolationKind};
use crate::raft::{Event, Log, LogIndex, Node, NodeId, Payload, Role, Term};
use crate::sim::digest::StableHasher;
use crate::sim::{Action, Observer, StepRecord, What, World};
use crate::sorted::SortedMap;

/// How often (in steps) entries that every node has compacted are pruned.
const PRUNE_EVERY: u64 = 4_096;

/// A fingerprint of an entry's payload.
fn digest(payload: &Payload) -> u64 {
    StableHasher::digest(payload)
}

#[derive(Clone, Debug, Default)]
struct NodeWatch {
    max_term: Term,
    commit: LogIndex,
    /// The node's log when last checked: every entry in it was checked
    /// against the Log Matching table. A copy that shares the log's chunks.
    seen: Log,
    /// Commits up to here were recorded.
    committed_upto: LogIndex,
    /// While leading: the term it led when last checked.
    leading: Option<Term>,
}

/// One committed entry, as the checker remembers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Committed {
    /// The entry's term.
    term: Term,
    /// A digest of its payload.
    digest: u64,
    /// The first node seen committing it.
    first: NodeId,
    /// The earliest term in which any node knew it committed. Leader
    /// Completeness concerns leaders of later terms only (Figure 3): a
    /// candidate of an older term may still win with votes that crossed a
    /// slow network, and it cannot commit anything (a quorum has moved on).
    in_term: Term,
}

/// The safety checker. Use it as a [`crate::sim::Observer`], or call
/// [`Invariants::observe`] after every step.
#[derive(Clone, Debug, Default)]
pub struct Invariants {
    nodes: SortedMap<NodeId, NodeWatch>,
    leaders: SortedMap<Term, NodeId>,
    /// index → (term, (payload digest, term of the entry before it)) for the
    /// first entry seen at each index; entries of other terms at the same
    /// index (uncommitted conflicts, rare) are in `other_entries`.
    entries: IndexTable<(Term, (u64, Term))>,
    /// (index, term) → (payload digest, term of the entry before it).
    other_entries: SortedMap<(LogIndex, Term), (u64, Term)>,
    /// index → what is known of the entry committed there.
    committed: IndexTable<Committed>,
    /// index → (term, payload digest, first node that applied it).
    applied: IndexTable<(Term, u64, NodeId)>,
    violations: Vec<Violation>,
}

impl Invariants {
    /// A checker that has seen nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every violation found so far, in order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The highest index any node has committed so far, with its term:
    /// unlike a node's commit index, it survives restarts (a committed
    /// entry stays committed when every server that knew it crashes).
    pub fn highest_commit(&self) -> Option<(LogIndex, Term)> {
        self.committed.last().map(|(index, c)| (index, c.term))
    }

    /// The first violation, if any.
    pub fn first_violation(&self) -> Option<&Violation> {
        self.violations.first()
    }

    fn report(
        &mut self,
        record: &StepRecord,
        kind: ViolationKind,
        nodes: Vec<NodeId>,
        index: Option<LogIndex>,
        term: Option<Term>,
        sentence: String,
    ) {
        // One report per property and place is enough to point at it.
        if self
            .violations
            .iter()
            .any(|v| v.kind == kind && v.index == index && v.term == term && v.nodes == nodes)
        {
            return;
        }
        let sentence = format!("{sentence} ({})", kind.name());
        self.violations.push(Violation {
            kind,
            step: record.index,
            time: record.time,
            nodes,
            index,
            term,
            ops: Vec::new(),
            sentence,
        });
    }

    /// Checks the world after `record`.
    pub fn check(&mut self, world: &World, record: &StepRecord) {
        for (id, event) in &record.events {
            self.on_event(world, record, *id, event);
        }
        // The step's node, and any other node that said something happened
        // to it (an action can touch several), each once, without building a
        // list on every step.
        let nodes = || {
            record
                .node
                .into_iter()
                .chain(record.events.iter().map(|(id, _)| *id))
        };
        for (k, id) in nodes().enumerate() {
            if nodes().take(k).any(|earlier| earlier == id) || !world.is_up(id) {
                continue;
            }
            self.check_node(world.node(id), record);
        }
        if record.index.is_multiple_of(PRUNE_EVERY) {
            self.prune(world);
        }
    }

    fn on_event(&mut self, world: &World, record: &StepRecord, id: NodeId, event: &Event) {
        let node = world.node(id);
        match event {
            Event::Started { term, .. } => {
                // A blank disk is a new server under an old name: its term
                // starts again from zero.
                let blank = matches!(&record.what, What::Action { action: Action::RestartBlank { node }, .. } if *node == id);
                let watch = self.nodes.entry(id).or_default();
                if blank {
                    watch.max_term = 0;
                }
                let previous = watch.max_term;
                watch.commit = node.commit_index();
                watch.committed_upto = node.commit_index();
                // Check every entry it starts with (a lesson may hand it a log).
                watch.seen = Log::default();
                watch.leading = None;
                if *term < previous {
                    self.report(
                        record,
                        ViolationKind::TermDecreased,
                        vec![id],
                        None,
                        Some(*term),
                        format!("{id} restarted in term {term} after having reached term {previous}: its term was not on disk"),
                    );
                }
            }
            Event::BecameLeader { term, .. } => {
                match self.leaders.get(term) {
                    Some(other) if *other != id => {
                        let other = *other;
                        self.report(
                            record,
                            ViolationKind::ElectionSafety,
                            vec![other, id],
                            None,
                            Some(*term),
                            format!("{other} and {id} were both elected leader of term {term}"),
                        );
                    }
                    _ => {
                        self.leaders.insert(*term, id);
                    }
                }
                self.check_completeness(node, record, *term);
            }
            Event::LogTruncated { from_index, .. } => {
                let watch = self.nodes.entry(id).or_default();
                watch.committed_upto = watch.committed_upto.min(from_index.saturating_sub(1));
            }
            Event::SnapshotInstalled {
                last_index,
                last_term,
                ..
            } => {
                let watch = self.nodes.entry(id).or_default();
                watch.committed_upto = watch.committed_upto.max(*last_index);
                if let Some(Committed { term: t, first, .. }) =
                    self.committed.get(*last_index).copied()
                {
                    if t != *last_term {
                        self.report(
                            record,
                            ViolationKind::StateMachineSafety,
                            vec![first, id],
                            Some(*last_index),
                            Some(*last_term),
                            format!("{id} installed a snapshot ending at index {last_index} of term {last_term}, but {first} committed term {t} there"),
                        );
                    }
                }
            }
            Event::Applied {
                index,
                term,
                payload,
                ..
            } => {
                let d = digest(payload);
                match self.applied.get(*index).copied() {
                    None => {
                        self.applied.insert(*index, (*term, d, id));
                    }
                    Some((t, pd, first)) if t != *term || pd != d => {
                        self.report(
                            record,
                            ViolationKind::StateMachineSafety,
                            vec![first, id],
                            Some(*index),
                            Some(*term),
                            format!("{id} applied entry {index} of term {term} ({payload}), but {first} had applied a different entry of term {t} at index {index}"),
                        );
                    }
                    Some(_) => {}
                }
            }
            Event::Committed { index, .. } => self.record_commits(node, record, *index),
            _ => {}
        }
    }

    /// Records newly committed entries; a different entry committed at an
    /// index that was committed before means a committed entry was lost.
    fn record_commits(&mut self, node: &Node, record: &StepRecord, upto: LogIndex) {
        let id = node.id();
        let from = self.nodes.get(&id).map_or(0, |w| w.committed_upto) + 1;
        let log = node.log();
        for index in from..=upto.min(log.last_index()) {
            // An entry committed and compacted in the same step is no longer
            // in the log; the step's Applied event still names it.
            let found = match log.entry(index) {
                Some(e) => Some((e.term, digest(&e.payload))),
                None => applied_in(record, id, index),
            };
            let Some((entry_term, d)) = found else {
                continue;
            };
            match self.committed.get(index).copied() {
                None => {
                    self.committed.insert(
                        index,
                        Committed {
                            term: entry_term,
                            digest: d,
                            first: id,
                            in_term: node.term(),
                        },
                    );
                }
                Some(Committed {
                    term: t,
                    digest: pd,
                    first,
                    ..
                }) if t != entry_term || pd != d => {
                    self.report(
                        record,
                        ViolationKind::StateMachineSafety,
                        vec![first, id],
                        Some(index),
                        Some(entry_term),
                        format!("{id} committed entry {index} of term {entry_term}, but {first} had committed a different entry of term {t} at index {index}"),
                    );
                }
                Some(c) => {
                    let in_term = c.in_term.min(node.term());
                    self.committed.insert(index, Committed { in_term, ..c });
                }
            }
        }
        self.nodes.entry(id).or_default().committed_upto = upto;
    }

    /// A new leader must hold every entry committed in an earlier term
    /// (§5.4, Figure 3).
    fn check_completeness(&mut self, node: &Node, record: &StepRecord, term: Term) {
        let log = node.log();
        let snap = log.snapshot().last_index;
        let missing = self.committed.iter().find(|(index, c)| {
            let index = *index;
            if index < snap || c.in_term >= term {
                return false;
            }
            log.term_at(index) != Some(c.term)
        });
        if let Some((index, c)) = missing {
            let (index, t, first, id) = (index, c.term, c.first, node.id());
            self.report(
                record,
                ViolationKind::LeaderCompleteness,
                vec![id, first],
                Some(index),
                Some(term),
                format!("{id} became leader of term {term} without entry {index} of term {t}, which {first} had committed"),
            );
        }
    }

    fn check_node(&mut self, node: &Node, record: &StepRecord) {
        let id = node.id();
        let log = node.log();
        let watch = self.nodes.entry(id).or_default();
        let (max_term, commit, leading) = (watch.max_term, watch.commit, watch.leading);
        // Entries from `changed` on are new or differ from the last check.
        let changed = log.first_change_since(&watch.seen);
        let seen_last = watch.seen.last_index();
        if node.term() < max_term {
            self.report(
                record,
                ViolationKind::TermDecreased,
                vec![id],
                None,
                Some(node.term()),
                format!("{id}'s term went from {max_term} down to {}", node.term()),
            );
        }
        if node.commit_index() < commit {
            self.report(
                record,
                ViolationKind::CommitDecreased,
                vec![id],
                Some(node.commit_index()),
                None,
                format!(
                    "{id}'s commit index went from {commit} down to {}",
                    node.commit_index()
                ),
            );
        }
        // Leader Append-Only: while it leads a term, no entry it had is
        // removed or changed, anywhere in its log (compaction aside).
        let leads = (node.role() == Role::Leader).then(|| node.term());
        if leads.is_some()
            && leads == leading
            && (changed <= seen_last || log.last_index() < seen_last)
        {
            let index = changed.min(seen_last);
            let term = node.term();
            self.report(
                record,
                ViolationKind::LeaderAppendOnly,
                vec![id],
                Some(index),
                Some(term),
                format!("{id}, leader of term {term}, lost or changed its own entry {index}"),
            );
        }
        // Log Matching: the same (index, term) always holds the same entry
        // after the same previous term.
        for index in changed..=log.last_index() {
            let Some(entry) = log.entry(index) else { break };
            let prev = log.term_at(index - 1).unwrap_or(0);
            let key = (index, entry.term);
            let value = (digest(&entry.payload), prev);
            let seen = match self.entries.get(index) {
                Some((term, seen)) if *term == entry.term => Some(*seen),
                Some(_) => self.other_entries.get(&key).copied(),
                None => None,
            };
            match seen {
                None if self.entries.get(index).is_none() => {
                    self.entries.insert(index, (entry.term, value));
                }
                None => {
                    self.other_entries.insert(key, value);
                }
                Some(seen) if seen != value => {
                    let why = if seen.1 != value.1 {
                        format!(
                            "the entries before it have terms {} and {}",
                            seen.1, value.1
                        )
                    } else {
                        "they hold different commands".to_string()
                    };
                    self.report(
                        record,
                        ViolationKind::LogMatching,
                        vec![id],
                        Some(index),
                        Some(entry.term),
                        format!("{id} holds entry {index} of term {} that differs from another log's entry {index} of term {}: {why}", entry.term, entry.term),
                    );
                }
                Some(_) => {}
            }
        }
        let w = self.nodes.entry(id).or_default();
        w.max_term = w.max_term.max(node.term());
        w.commit = node.commit_index();
        w.leading = leads;
        let same_start = log.snapshot().last_index == w.seen.snapshot().last_index;
        if same_start && changed > seen_last {
            // Only appended: copy the new entries (a pointer each) rather
            // than the whole open chunk, as long as the copy keeps sharing
            // every full chunk with the log (when a chunk fills, the copy
            // would fill its own: then copy the log again).
            let full = w.seen.entries().full_chunks();
            w.seen.catch_up_with(log);
            let chunks = w.seen.entries().full_chunks();
            if chunks != full || chunks != log.entries().full_chunks() {
                w.seen = log.clone();
            }
        } else if changed <= log.last_index() || !same_start || log.last_index() != seen_last {
            w.seen = log.clone();
        }
    }

    /// Forgets entries below every non-empty node's snapshot: they are
    /// committed everywhere and can no longer be compared or re-applied.
    fn prune(&mut self, world: &World) {
        let floor = world
            .node_ids()
            .into_iter()
            .map(|id| world.node(id).log())
            .filter(|log| log.last_index() > 0)
            .map(|log| log.snapshot().last_index)
            .min()
            .unwrap_or(0);
        if floor == 0 {
            return;
        }
        self.entries.forget_below(floor);
        self.other_entries = self.other_entries.split_off(&(floor, 0));
        self.committed.forget_below(floor);
        self.applied.forget_below(floor);
    }
}

/// The term and payload digest of entry `index` as `node` applied it in
/// this step, if it did.
fn applied_in(record: &StepRecord, node: NodeId, index: LogIndex) -> Option<(Term, u64)> {
    record.events.iter().find_map(|(id, event)| match event {
        Event::Applied {
            index: i,
            term,
            payload,
            ..
        } if *id == node && *i == index => Some((*term, digest(payload))),
        _ => None,
    })
}

impl Observer for Invariants {
    fn observe(&mut self, world: &World, record: &StepRecord) {
        self.check(world, record);
    }
}
