//! Raft's rules checked over a trace as it streams by ([`TraceChecker`]).
//!
//! Each rule runs only on what the trace says: etcd's trace gives every
//! node's term, vote, commit index, role and last index, and every message
//! sent and received, but no entry's term, so the rule on committed
//! entries cannot run on it. The summary says which rules ran and why the
//! others could not.

use super::{NodeNames, TraceEvent, TraceMessage, TraceNode, TraceRole, TraceWhat};
use crate::sorted::{SortedMap, SortedSet};
use std::collections::HashMap;

/// A rule checked over a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TraceRule {
    /// At most one leader per term (§5.2, Figure 3).
    ElectionSafety,
    /// A node's term never goes down (§5.1).
    MonotonicTerms,
    /// A node votes for at most one candidate per term (§5.2).
    OneVotePerTerm,
    /// A node's commit index never goes down while it runs (§5.3).
    MonotonicCommit,
    /// A leader's log only grows while it leads a term (Figure 3).
    LeaderAppendOnly,
    /// A committed index never holds two different terms (§5.4).
    CommittedEntries,
    /// Every message received was sent.
    ReceivedWasSent,
}

impl TraceRule {
    /// Every rule, in the order the summary lists them.
    pub const ALL: [TraceRule; 7] = [
        TraceRule::ElectionSafety,
        TraceRule::MonotonicTerms,
        TraceRule::OneVotePerTerm,
        TraceRule::MonotonicCommit,
        TraceRule::LeaderAppendOnly,
        TraceRule::CommittedEntries,
        TraceRule::ReceivedWasSent,
    ];

    /// The rule in words.
    pub fn name(self) -> &'static str {
        match self {
            TraceRule::ElectionSafety => "Election Safety (one leader per term)",
            TraceRule::MonotonicTerms => "terms never decrease",
            TraceRule::OneVotePerTerm => "one vote per term",
            TraceRule::MonotonicCommit => "commit index never decreases",
            TraceRule::LeaderAppendOnly => "a leader's log only grows in its term",
            TraceRule::CommittedEntries => "a committed index keeps one term",
            TraceRule::ReceivedWasSent => "every message received was sent",
        }
    }

    /// What the rule needs from a trace, to say why it could not run.
    pub fn needs(self) -> &'static str {
        match self {
            TraceRule::ElectionSafety => "the trace gives no node's role",
            TraceRule::MonotonicTerms => "the trace gives no node's term",
            TraceRule::OneVotePerTerm => "the trace gives no vote",
            TraceRule::MonotonicCommit => "the trace gives no commit index",
            TraceRule::LeaderAppendOnly => "the trace gives no leader's last index",
            TraceRule::CommittedEntries => "the trace gives no entry's term",
            TraceRule::ReceivedWasSent => "the trace has no message",
        }
    }
}

/// A rule broken at one line of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceViolation {
    /// The line of the event that broke it.
    pub line: u64,
    pub rule: TraceRule,
    /// What happened, in words, with the node names the trace uses.
    pub words: String,
}

/// What is known of one node so far.
#[derive(Clone, Debug, Default)]
struct Known {
    term: u64,
    /// The candidate it voted for in `term`, and the line.
    vote: Option<(TraceNode, u64)>,
    commit: Option<u64>,
    /// While it leads: the term and its last index.
    leading: Option<(u64, u64)>,
}

/// Checks [`TraceRule`]s over the events of one trace, in order.
#[derive(Debug, Default)]
pub struct TraceChecker {
    known: Vec<Known>,
    /// The leader of each term and the line it was first seen leading.
    leaders: SortedMap<u64, (TraceNode, u64)>,
    /// Messages sent and not yet received, counted.
    in_flight: HashMap<TraceMessage, u32>,
    /// The term of every index committed, by whom and at which line: as
    /// long as the longest log, and kept only where a trace gives entry
    /// terms.
    committed: SortedMap<u64, (u64, TraceNode, u64)>,
    /// Which rules had something to check.
    ran: SortedSet<TraceRule>,
    events: u64,
}

impl TraceChecker {
    /// Checks one event (`names` spells the nodes); the rules it broke.
    pub fn observe(&mut self, e: &TraceEvent, names: &NodeNames) -> Vec<TraceViolation> {
        self.events += 1;
        let mut broken = Vec::new();
        let name = |n: TraceNode| names.name(n).to_owned();
        if self.known.len() <= e.node.0 {
            self.known.resize(e.node.0 + 1, Known::default());
        }
        let who = name(e.node);
        match &e.what {
            TraceWhat::Sent(m) => {
                self.ran(TraceRule::ReceivedWasSent);
                *self.in_flight.entry(m.clone()).or_default() += 1;
            }
            TraceWhat::Received(m) => {
                self.ran(TraceRule::ReceivedWasSent);
                match self.in_flight.get_mut(m) {
                    Some(n) if *n > 1 => *n -= 1,
                    Some(_) => {
                        self.in_flight.remove(m);
                    }
                    None => broken.push(TraceViolation {
                        line: e.line,
                        rule: TraceRule::ReceivedWasSent,
                        words: format!(
                            "{who} received a {} from {} in term {} that no line sent",
                            m.kind,
                            name(m.from),
                            m.term
                        ),
                    }),
                }
            }
            TraceWhat::Committed { terms } if !terms.is_empty() => {
                self.ran(TraceRule::CommittedEntries);
                for &(index, term) in terms {
                    match self.committed.get(&index) {
                        Some(&(before, by, line)) if before != term => {
                            broken.push(TraceViolation {
                                line: e.line,
                                rule: TraceRule::CommittedEntries,
                                words: format!(
                                    "{who} committed index {index} with term {term}, which {} committed with term {before} (line {line})",
                                    name(by)
                                ),
                            })
                        }
                        Some(_) => {}
                        None => {
                            self.committed.insert(index, (term, e.node, e.line));
                        }
                    }
                }
            }
            _ => {}
        }
        let Some(s) = &e.state else {
            return broken;
        };
        let restarted = e.what == TraceWhat::Start;
        let leads =
            s.role == Some(TraceRole::Leader) || e.what == TraceWhat::Became(TraceRole::Leader);
        self.ran(TraceRule::MonotonicTerms);
        for (rule, has) in [
            (TraceRule::ElectionSafety, s.role.is_some()),
            (TraceRule::OneVotePerTerm, s.vote.is_some()),
            (TraceRule::MonotonicCommit, s.commit.is_some()),
            (TraceRule::LeaderAppendOnly, leads && s.last_index.is_some()),
        ] {
            if has {
                self.ran(rule);
            }
        }
        let k = &mut self.known[e.node.0];
        if s.term < k.term {
            broken.push(TraceViolation {
                line: e.line,
                rule: TraceRule::MonotonicTerms,
                words: format!("{who}'s term went from {} down to {}", k.term, s.term),
            });
        }
        if s.term != k.term {
            k.vote = None;
            k.term = s.term;
        }
        if let Some(v) = s.vote {
            match k.vote {
                Some((before, line)) if before != v => broken.push(TraceViolation {
                    line: e.line,
                    rule: TraceRule::OneVotePerTerm,
                    words: format!(
                        "{who} voted for {} in term {} after voting for {} (line {line})",
                        name(v),
                        s.term,
                        name(before)
                    ),
                }),
                Some(_) => {}
                None => k.vote = Some((v, e.line)),
            }
        }
        if let Some(c) = s.commit {
            match k.commit {
                Some(before) if c < before && !restarted => broken.push(TraceViolation {
                    line: e.line,
                    rule: TraceRule::MonotonicCommit,
                    words: format!("{who}'s commit index went from {before} down to {c}"),
                }),
                _ => {}
            }
            k.commit = Some(c);
        }
        match (leads, s.last_index) {
            (true, Some(last)) => {
                if let Some((term, before)) = k.leading.filter(|(t, _)| *t == s.term) {
                    if last < before {
                        broken.push(TraceViolation {
                            line: e.line,
                            rule: TraceRule::LeaderAppendOnly,
                            words: format!("{who}, leader of term {term}, went from last index {before} down to {last}"),
                        });
                    }
                }
                k.leading = Some((s.term, last));
            }
            (true, None) => {}
            (false, _) => k.leading = None,
        }
        if leads {
            match self.leaders.get(&s.term) {
                Some((other, line)) if *other != e.node => broken.push(TraceViolation {
                    line: e.line,
                    rule: TraceRule::ElectionSafety,
                    words: format!(
                        "{who} leads term {}, which {} led from line {line}",
                        s.term,
                        name(*other)
                    ),
                }),
                Some(_) => {}
                None => {
                    self.leaders.insert(s.term, (e.node, e.line));
                }
            }
        }
        broken
    }

    fn ran(&mut self, rule: TraceRule) {
        self.ran.insert(rule);
    }

    /// The rules that had something to check, and those that had not.
    pub fn coverage(&self) -> (Vec<TraceRule>, Vec<TraceRule>) {
        TraceRule::ALL
            .iter()
            .partition(|rule| self.ran.contains(*rule))
    }

    /// Events checked.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Messages sent and not received (lost, or still in flight at the
    /// trace's end).
    pub fn unreceived(&self) -> u64 {
        self.in_flight.values().map(|n| u64::from(*n)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::etcd::tests::{election, etcd_line};
    use crate::trace::etcd::EtcdReader;

    /// Checks etcd lines; every violation, and the rules that ran.
    fn check(lines: &[String]) -> (Vec<TraceViolation>, Vec<TraceRule>) {
        let mut reader = EtcdReader::default();
        let mut checker = TraceChecker::default();
        let mut broken = Vec::new();
        for l in lines {
            if let Some(e) = reader.read(l.as_bytes()).expect("reads") {
                broken.extend(checker.observe(&e, &reader.names));
            }
        }
        (broken, checker.coverage().0)
    }

    #[test]
    fn a_clean_election_breaks_nothing_and_every_rule_with_data_runs() {
        let (broken, ran) = check(&election());
        assert_eq!(broken, vec![]);
        assert!(
            !ran.contains(&TraceRule::CommittedEntries),
            "etcd gives no entry terms"
        );
        assert_eq!(ran.len(), 6, "{ran:?}");
    }

    // Reference: §5.2 (Election Safety).
    #[test]
    fn a_second_leader_of_a_term_is_election_safety_at_its_line() {
        let mut lines = election();
        lines.push(etcd_line("BecomeLeader", 1, 'L', (2, 1, 3, 3), None));
        let (broken, _) = check(&lines);
        assert!(
            broken
                .iter()
                .any(|v| v.rule == TraceRule::ElectionSafety && v.line == 11),
            "{broken:?}"
        );
        let words = &broken
            .iter()
            .find(|v| v.rule == TraceRule::ElectionSafety)
            .expect("found")
            .words;
        assert_eq!(words, "1 leads term 2, which 2 led from line 8");
    }

    #[test]
    fn each_other_rule_is_caught_at_the_line_that_breaks_it() {
        let cases: [(String, TraceRule); 5] = [
            (
                etcd_line("Ready", 1, 'F', (1, 0, 3, 3), None),
                TraceRule::MonotonicTerms,
            ),
            (
                etcd_line("Ready", 1, 'F', (2, 3, 3, 3), None),
                TraceRule::OneVotePerTerm,
            ),
            (
                etcd_line("Ready", 2, 'L', (2, 2, 2, 4), None),
                TraceRule::MonotonicCommit,
            ),
            (
                etcd_line("Ready", 2, 'L', (2, 2, 4, 2), None),
                TraceRule::LeaderAppendOnly,
            ),
            (
                etcd_line(
                    "ReceiveAppendEntriesRequest",
                    1,
                    'F',
                    (2, 2, 3, 3),
                    Some(("MsgApp", 2, 2, 1, 9)),
                ),
                TraceRule::ReceivedWasSent,
            ),
        ];
        for (line, rule) in cases {
            let mut lines = election();
            lines.push(line);
            let (broken, _) = check(&lines);
            assert_eq!(broken.len(), 1, "{rule:?}: {broken:?}");
            assert_eq!((broken[0].rule, broken[0].line), (rule, 11));
        }
    }

    #[test]
    fn a_restart_may_lower_the_commit_index_and_a_new_term_allows_a_new_vote() {
        let mut lines = election();
        lines.push(etcd_line("InitState", 1, 'F', (2, 2, 1, 3), None));
        lines.push(etcd_line("Ready", 1, 'F', (3, 3, 1, 3), None));
        let (broken, _) = check(&lines);
        assert_eq!(broken, vec![]);
    }
}
