//! The replicated log and its snapshot (§5.3, §7), and the persistent state
//! of a node (Figure 2): what survives a crash.

use super::kv::{Command, KvStore};
use super::membership::Configuration;
use super::time::{LogIndex, NodeId, Term};
use crate::chunked::Chunked;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What a log entry carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Payload {
    /// The empty entry a new leader appends so it can commit in its term (§8).
    Noop,
    /// A client write for the key-value store.
    Command(Command),
    /// A new cluster configuration, in effect as soon as it is appended (§6).
    Config(Configuration),
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Noop => f.write_str("no-op"),
            Payload::Command(c) => write!(f, "{} (client {} #{})", c.op, c.client, c.seq),
            Payload::Config(c) => write!(f, "config {c}"),
        }
    }
}

/// One log entry: its position, the term it was created in, and its payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the log, from 1.
    pub index: LogIndex,
    /// The leader's term when the entry was created.
    pub term: Term,
    /// What it carries; shared by every copy of the entry (each node's log,
    /// each message carrying it, each checkpoint), so that a replicated
    /// command is stored once, not once per node.
    pub payload: Arc<Payload>,
}

/// A compacted prefix of the log: the state machine and configuration as of
/// `last_index`, which had term `last_term` (§7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Snapshot {
    /// The last index the snapshot covers (0: nothing compacted).
    pub last_index: LogIndex,
    /// The term of that entry.
    pub last_term: Term,
    /// The latest configuration at or before `last_index`.
    pub config: Configuration,
    /// The key-value store after applying every entry up to `last_index`.
    pub kv: KvStore,
}

/// A log: a snapshot followed by the entries after it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredLog")]
pub struct Log {
    snapshot: Snapshot,
    /// Shared in chunks, so that the checkpoints of time travel copy a log
    /// cheaply (see `chunked`).
    entries: Chunked<Entry>,
    /// The indexes of the configuration entries among `entries`, ascending:
    /// the leader asks for the latest configuration after every
    /// acknowledgement, and a scan back through a thousand entries for it
    /// was a tenth of the simulation's time. Derived from `entries`, so it
    /// is rebuilt rather than stored.
    #[serde(skip_serializing)]
    configs: Vec<LogIndex>,
    /// Which edit this is ([`EditStamp`]).
    #[serde(skip_serializing)]
    stamp: EditStamp,
}

/// Which edit of a log this is: every change takes a stamp no log in the
/// process had before, and a copy keeps its original's, so two logs with
/// the same stamp are a copy and its unchanged original
/// ([`Log::first_change_since`] then compares nothing; the safety checker
/// asks after every step, and comparing the open chunk entry by entry was
/// a tenth of the simulation's time). Stamp 0 (a new or loaded log) is
/// never taken as unchanged. Not part of what a log is: it compares equal,
/// and prints as nothing.
#[derive(Clone, Copy, Default)]
struct EditStamp(u64);

impl EditStamp {
    fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        EditStamp(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    fn same_edit(self, other: EditStamp) -> bool {
        self.0 != 0 && self.0 == other.0
    }
}

impl PartialEq for EditStamp {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for EditStamp {}

impl fmt::Debug for EditStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("_")
    }
}

/// A log as it is stored: the snapshot and the entries.
#[derive(Deserialize)]
struct StoredLog {
    snapshot: Snapshot,
    entries: Chunked<Entry>,
}

impl From<StoredLog> for Log {
    fn from(stored: StoredLog) -> Self {
        let configs = stored
            .entries
            .iter()
            .filter(|e| matches!(*e.payload, Payload::Config(_)))
            .map(|e| e.index)
            .collect();
        Log {
            snapshot: stored.snapshot,
            entries: stored.entries,
            configs,
            stamp: EditStamp::default(),
        }
    }
}

impl Log {
    /// An empty log whose starting configuration is `config`.
    pub fn with_config(config: Configuration) -> Self {
        Log {
            snapshot: Snapshot {
                config,
                ..Snapshot::default()
            },
            entries: Chunked::default(),
            configs: Vec::new(),
            stamp: EditStamp::default(),
        }
    }

    /// The snapshot the log starts from.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Entries after the snapshot, in index order.
    pub fn entries(&self) -> &Chunked<Entry> {
        &self.entries
    }

    /// The first index still held as an entry (not compacted).
    pub fn first_index(&self) -> LogIndex {
        self.snapshot.last_index + 1
    }

    /// Index of the last entry (or of the snapshot when there are none).
    pub fn last_index(&self) -> LogIndex {
        self.snapshot.last_index + self.entries.len() as u64
    }

    /// Term of the last entry (or of the snapshot when there are none).
    pub fn last_term(&self) -> Term {
        self.entries
            .last()
            .map_or(self.snapshot.last_term, |e| e.term)
    }

    /// The term at `index`: known for the snapshot's last index and for every
    /// held entry; `None` when compacted away or beyond the end.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == self.snapshot.last_index {
            return Some(self.snapshot.last_term);
        }
        self.entry(index).map(|e| e.term)
    }

    /// The entry at `index` if it is held.
    pub fn entry(&self, index: LogIndex) -> Option<&Entry> {
        if index <= self.snapshot.last_index {
            return None;
        }
        self.entries
            .get((index - self.snapshot.last_index - 1) as usize)
    }

    /// Up to `max` entries starting at `from` (which must not be compacted).
    pub fn entries_from(&self, from: LogIndex, max: u64) -> Vec<Entry> {
        if from <= self.snapshot.last_index {
            return Vec::new();
        }
        let start = (from - self.snapshot.last_index - 1) as usize;
        self.entries
            .iter_from(start)
            .take(max as usize)
            .cloned()
            .collect()
    }

    /// Appends an entry at the next index.
    pub fn append(&mut self, term: Term, payload: impl Into<Arc<Payload>>) -> LogIndex {
        let payload = payload.into();
        let index = self.last_index() + 1;
        self.stamp = EditStamp::next();
        if matches!(*payload, Payload::Config(_)) {
            self.configs.push(index);
        }
        self.entries.push(Entry {
            index,
            term,
            payload,
        });
        index
    }

    /// Removes every entry at `from` and after; returns how many were removed.
    /// Compacted entries cannot be removed.
    pub fn truncate_from(&mut self, from: LogIndex) -> u64 {
        let from = from.max(self.first_index());
        self.stamp = EditStamp::next();
        let keep = (from - self.snapshot.last_index - 1) as usize;
        let removed = self.entries.len().saturating_sub(keep);
        self.entries.truncate(keep);
        self.configs.retain(|i| *i < from);
        removed as u64
    }

    /// Whether a log ending at (`last_term`, `last_index`) is at least as up to
    /// date as this one: the later last term wins; with equal last terms the
    /// longer log wins (§5.4.1).
    pub fn is_up_to_date(&self, last_term: Term, last_index: LogIndex) -> bool {
        last_term > self.last_term()
            || (last_term == self.last_term() && last_index >= self.last_index())
    }

    /// The first index of the run of entries of `term` that contains `index`,
    /// used to skip a whole conflicting term at once (§5.3 fast backtracking).
    pub fn first_index_of_term_run(&self, index: LogIndex) -> LogIndex {
        let Some(term) = self.term_at(index) else {
            return index;
        };
        let mut first = index;
        while first > self.first_index() && self.term_at(first - 1) == Some(term) {
            first -= 1;
        }
        first
    }

    /// The last index holding an entry of `term`, if any is held.
    pub fn last_index_of_term(&self, term: Term) -> Option<LogIndex> {
        if let Some(e) = self.entries.iter().rev().find(|e| e.term == term) {
            return Some(e.index);
        }
        (self.snapshot.last_term == term && self.snapshot.last_index > 0)
            .then_some(self.snapshot.last_index)
    }

    /// The latest configuration in the log (used at once, committed or not, §6)
    /// and the index of its entry (the snapshot's index if it came from there).
    pub fn latest_config(&self) -> (LogIndex, &Configuration) {
        self.config_at(self.last_index())
    }

    /// The latest configuration at or before `index`.
    pub fn config_at(&self, index: LogIndex) -> (LogIndex, &Configuration) {
        let before = self.configs.partition_point(|i| *i <= index);
        if let Some(at) = before.checked_sub(1).map(|k| self.configs[k]) {
            if let Some(Payload::Config(c)) = self.entry(at).map(|e| &*e.payload) {
                return (at, c);
            }
        }
        (self.snapshot.last_index, &self.snapshot.config)
    }

    /// The lowest index this log holds an entry at that `old` (an earlier
    /// copy of it) does not hold the same entry at: every entry from there
    /// to [`Log::last_index`] is new or changed. Cheap when the two share
    /// their chunks, as a copy kept by a checker does (see
    /// [`Chunked::common_prefix_len`]).
    pub fn first_change_since(&self, old: &Log) -> LogIndex {
        if self.stamp.same_edit(old.stamp) {
            return self.last_index() + 1;
        }
        let same = |a: &Entry, b: &Entry| {
            a.index == b.index
                && a.term == b.term
                && (Arc::ptr_eq(&a.payload, &b.payload) || a.payload == b.payload)
        };
        let start = self.first_index();
        if self.snapshot.last_index == old.snapshot.last_index {
            return start + self.entries.common_prefix_len(&old.entries, same) as u64;
        }
        let mut index = start;
        while let (Some(a), Some(b)) = (self.entry(index), old.entry(index)) {
            if !same(a, b) {
                break;
            }
            index += 1;
        }
        index
    }

    /// Appends the entries of `newer` after this log's last one: a
    /// checker's copy catching up with a log that only appended since the
    /// copy was made. The caller has seen that (the same snapshot, and
    /// [`Log::first_change_since`] this copy past its end); the copy then
    /// counts as unchanged since `newer`, so it must hold what `newer`
    /// holds.
    pub(crate) fn catch_up_with(&mut self, newer: &Log) {
        debug_assert_eq!(self.snapshot.last_index, newer.snapshot.last_index);
        debug_assert!(newer.first_change_since(self) > self.last_index());
        for index in self.last_index() + 1..=newer.last_index() {
            if let Some(e) = newer.entry(index) {
                self.append(e.term, e.payload.clone());
            }
        }
        self.stamp = newer.stamp;
    }

    /// Whether this log holds the committed entry at `index`, of `term`: as
    /// an entry, or compacted into its snapshot (only committed entries are
    /// compacted, and a committed entry is the same in every log, §5.4).
    pub fn holds_committed(&self, index: LogIndex, term: Term) -> bool {
        self.snapshot.last_index >= index || self.term_at(index) == Some(term)
    }

    /// Gives a log that starts at index 0 the configuration it starts from,
    /// as its founding members' logs have (a blank disk learning it from the
    /// leader). Does nothing to a log that has compacted anything.
    pub fn set_founding_config(&mut self, config: Configuration) {
        if self.snapshot.last_index == 0 {
            self.stamp = EditStamp::next();
            self.snapshot.config = config;
        }
    }

    /// Compacts every entry up to `index` (which must be held) into a snapshot
    /// with the given state machine (§7).
    pub fn compact(&mut self, index: LogIndex, kv: KvStore) {
        let Some(term) = self.term_at(index) else {
            return;
        };
        if index <= self.snapshot.last_index {
            return;
        }
        let config = self.config_at(index).1.clone();
        self.stamp = EditStamp::next();
        let drop = (index - self.snapshot.last_index) as usize;
        self.entries.drop_front(drop);
        self.configs.retain(|i| *i > index);
        self.snapshot = Snapshot {
            last_index: index,
            last_term: term,
            config,
            kv,
        };
    }

    /// Installs a snapshot from the leader: entries after it are kept if the
    /// log already holds its last entry, otherwise the whole log is replaced
    /// (§7, Figure 13 rules 6 and 7).
    pub fn install_snapshot(&mut self, snapshot: Snapshot) {
        self.stamp = EditStamp::next();
        if self.term_at(snapshot.last_index) == Some(snapshot.last_term)
            && snapshot.last_index <= self.last_index()
        {
            let drop = (snapshot.last_index - self.snapshot.last_index) as usize;
            self.entries.drop_front(drop);
            self.configs.retain(|i| *i > snapshot.last_index);
        } else {
            self.entries.clear();
            self.configs.clear();
        }
        self.snapshot = snapshot;
    }
}

/// What a node keeps on disk: it survives a crash and is all a restart has
/// (Figure 2: currentTerm, votedFor, log[]; §7: the snapshot).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersistentState {
    /// The latest term the node has seen.
    pub term: Term,
    /// The candidate it voted for in `term`, if any.
    pub voted_for: Option<NodeId>,
    /// The log, starting with its snapshot.
    pub log: Log,
}

impl PersistentState {
    /// The disk of a founding member: term 0, no vote, an empty log that
    /// starts in `config`.
    pub fn bootstrap(config: Configuration) -> Self {
        PersistentState {
            term: 0,
            voted_for: None,
            log: Log::with_config(config),
        }
    }

    /// A blank disk: a node that knows of no cluster and waits to be contacted
    /// (a node being added, or one that lost its disk).
    pub fn blank() -> Self {
        PersistentState::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log whose entries have these terms, index 1 first.
    pub(crate) fn log_of(terms: &[Term]) -> Log {
        let mut log = Log::default();
        for t in terms {
            log.append(*t, Payload::Noop);
        }
        log
    }

    #[test]
    fn indexes_and_terms_follow_the_entries() {
        let log = log_of(&[1, 1, 2]);
        assert_eq!((log.last_index(), log.last_term()), (3, 2));
        assert_eq!(log.term_at(0), Some(0));
        assert_eq!(log.term_at(3), Some(2));
        assert_eq!(log.term_at(4), None);
    }

    #[test]
    fn election_restriction_compares_last_term_then_length() {
        // Reference: §5.4.1; RAFT-CASES "Election restriction": voter 1 1 2.
        let voter = log_of(&[1, 1, 2]);
        assert!(
            !voter.is_up_to_date(1, 4),
            "candidate 1 1 1 1: older last term"
        );
        assert!(
            !voter.is_up_to_date(2, 2),
            "candidate 1 2: same last term, shorter"
        );
        assert!(voter.is_up_to_date(2, 4), "candidate 1 1 2 2");
        assert!(voter.is_up_to_date(2, 3), "an identical log is up to date");
    }

    #[test]
    fn truncation_removes_only_the_suffix() {
        let mut log = log_of(&[1, 1, 2, 2]);
        assert_eq!(log.truncate_from(3), 2);
        assert_eq!(log.last_index(), 2);
        assert_eq!(log.truncate_from(9), 0);
    }

    #[test]
    fn compaction_keeps_terms_config_and_later_entries() {
        // Reference: §7.
        let mut log = log_of(&[1, 1, 2]);
        let cfg = Configuration::of_voters([NodeId(1), NodeId(2), NodeId(3)]);
        log.append(2, Payload::Config(cfg.clone()));
        log.append(3, Payload::Noop);
        log.compact(4, KvStore::new());
        assert_eq!(log.first_index(), 5);
        assert_eq!(log.term_at(4), Some(2));
        assert_eq!(log.term_at(3), None);
        assert_eq!(log.latest_config(), (4, &cfg));
        assert_eq!(log.entries_from(5, 10).len(), 1);
        assert_eq!(log.entries_from(3, 10).len(), 0);
        assert_eq!(log.truncate_from(2), 1, "cannot truncate into the snapshot");
        assert_eq!(log.last_index(), 4);
    }

    #[test]
    fn installing_a_snapshot_keeps_a_matching_suffix_and_drops_a_conflicting_log() {
        // Reference: §7, Figure 13 receiver rules 6 and 7.
        let snap = Snapshot {
            last_index: 2,
            last_term: 1,
            config: Configuration::default(),
            kv: KvStore::new(),
        };
        let mut matching = log_of(&[1, 1, 2]);
        matching.install_snapshot(snap.clone());
        assert_eq!((matching.first_index(), matching.last_index()), (3, 3));
        let mut conflicting = log_of(&[1, 3, 3]);
        conflicting.install_snapshot(snap);
        assert_eq!(
            (conflicting.first_index(), conflicting.last_index()),
            (3, 2)
        );
    }

    #[test]
    fn term_runs_support_fast_backtracking() {
        // Reference: §5.3 (skipping a whole conflicting term).
        let log = log_of(&[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]);
        assert_eq!(log.first_index_of_term_run(9), 7);
        assert_eq!(log.first_index_of_term_run(5), 4);
        assert_eq!(log.last_index_of_term(2), Some(6));
        assert_eq!(log.last_index_of_term(5), None);
    }

    /// The configuration at `index` found the slow way: a scan back.
    fn config_by_scan(log: &Log, index: LogIndex) -> (LogIndex, Configuration) {
        log.entries()
            .iter()
            .rev()
            .filter(|e| e.index <= index)
            .find_map(|e| match &*e.payload {
                Payload::Config(c) => Some((e.index, c.clone())),
                _ => None,
            })
            .unwrap_or((log.snapshot().last_index, log.snapshot().config.clone()))
    }

    #[test]
    fn the_configuration_at_an_index_matches_a_scan_through_appends_truncations_and_snapshots() {
        // Reference: §6 (a configuration is in effect from its entry on), §7.
        let mut rng = crate::rng::Rng::new(11);
        let mut log = Log::with_config(Configuration::of_voters([NodeId(1)]));
        for step in 0..3_000u64 {
            match rng.range_inclusive(0, 9) {
                0..=5 => {
                    let payload = if rng.range_inclusive(0, 3) == 0 {
                        let voters = (1..=rng.range_inclusive(1, 5) as u8).map(NodeId);
                        Payload::Config(Configuration::of_voters(voters))
                    } else {
                        Payload::Noop
                    };
                    log.append(step / 100, payload);
                }
                6 | 7 => {
                    let back = rng.range_inclusive(0, 6);
                    log.truncate_from(log.last_index().saturating_sub(back).max(1));
                }
                8 => {
                    let at = log.first_index() + rng.range_inclusive(0, 4);
                    if at <= log.last_index() {
                        log.compact(at, KvStore::new());
                    }
                }
                _ => {
                    let at = log.last_index().saturating_sub(rng.range_inclusive(0, 3));
                    if let Some(term) = log.term_at(at).filter(|_| at > 0) {
                        let config = log.config_at(at).1.clone();
                        let kept = rng.range_inclusive(0, 1) == 0;
                        log.install_snapshot(Snapshot {
                            last_index: at,
                            last_term: if kept { term } else { term + 1 },
                            config,
                            kv: KvStore::new(),
                        });
                    }
                }
            }
            for index in log.snapshot().last_index..=log.last_index() + 1 {
                let (at, config) = log.config_at(index);
                assert_eq!(
                    (at, config.clone()),
                    config_by_scan(&log, index),
                    "step {step}"
                );
            }
        }
        let json = serde_json::to_string(&log).unwrap();
        let decoded: Log = serde_json::from_str(&json).unwrap();
        assert_eq!(decoded, log, "the index is rebuilt when a log is read back");
    }
}
