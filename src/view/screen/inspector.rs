//! What the inspector says about the selected node or message, as data.
//!
//! A node's state is split the way the paper splits it (Figure 2): what is
//! on its disk and survives a crash, and what lives in memory and is rebuilt
//! on restart. Seeing the two side by side, and watching the second vanish
//! when the node crashes, is how a student learns what a crash keeps. The
//! clock is listed apart: it belongs to the machine, not to Raft. A message
//! is shown with what its receiver will do with it and the rules that decide
//! that, each of which [`crate::view::explain_rule`] explains.

use crate::raft::{LogIndex, MessageKind, NoLeaseReason, NodeId, PendingRead, Role, Rule, Time};
use crate::sim::World;
use crate::view::fixed;

use crate::view::screen::results::mode_words;

/// One labelled value, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// What it is.
    pub label: &'static str,
    /// Its value in words; times as the app prints them (`1234.567 ms`).
    pub value: String,
}

fn field(label: &'static str, value: impl Into<String>) -> Field {
    Field {
        label,
        value: value.into(),
    }
}

/// What a leader knows about one other member's log (Figure 2: nextIndex
/// and matchIndex).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerProgress {
    /// The member.
    pub peer: NodeId,
    /// `voter` or `learner`, in the leader's configuration.
    pub membership: &'static str,
    /// The next index the leader will send it.
    pub next: LogIndex,
    /// The highest index known to be stored on it.
    pub matched: LogIndex,
    /// How far it is behind, or the snapshot being sent to it.
    pub note: String,
}

/// What only a leader has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderDetails {
    /// Every other member, in id order.
    pub peers: Vec<PeerProgress>,
    /// Reads waiting to be answered, in words.
    pub pending_reads: Vec<String>,
    /// Writes appended and not yet answered.
    pub pending_writes: usize,
}

/// Everything the inspector shows about one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeDetails {
    /// Its id.
    pub id: NodeId,
    /// Whether it runs.
    pub up: bool,
    /// On its disk: term, vote, log, snapshot and the configuration in the
    /// log. Kept through a crash.
    pub persistent: Vec<Field>,
    /// In memory: role, leader, commit and applied indexes, timers, lease.
    /// Lost in a crash (for a crashed node, what a restart starts from).
    pub volatile: Vec<Field>,
    /// Its machine's clock: the local reading and its drift.
    pub clock: Vec<Field>,
    /// On a running leader, its view of the others and its pending work.
    pub leader: Option<LeaderDetails>,
}

/// A time on a node's clock with how far off it is, e.g. `1234.567 ms (in
/// 12.000 ms)`.
fn deadline(at: Time, local_now: Time) -> String {
    if at >= local_now {
        format!("{at} (in {})", Time(at.since(local_now)))
    } else {
        format!("{at} ({} ago)", Time(local_now.since(at)))
    }
}

fn pending_read(read: &PendingRead, applied: LogIndex) -> String {
    let what = format!("read {} ({})", read.key, mode_words(read.mode));
    match (read.read_index, read.round) {
        (None, _) => format!("{what}: waits for the leader's first commit in its term (§8)"),
        (Some(i), Some(round)) => format!(
            "{what}: read index {i}; waits for a majority to acknowledge heartbeat round {round}"
        ),
        (Some(i), None) => format!(
            "{what}: read index {i}; waits for the state machine, applied through {applied}"
        ),
    }
}

/// The inspector's view of node `id`; `None` if the world has no such node.
pub fn node_details(world: &World, id: NodeId) -> Option<NodeDetails> {
    let node = world.get_node(id)?;
    let up = world.is_up(id);
    let disk = node.persistent_state();
    let log = &disk.log;
    let snapshot = log.snapshot();
    let (config_index, config) = log.latest_config();
    let entries = log.last_index() - snapshot.last_index;
    let persistent = vec![
        field("current term", disk.term.to_string()),
        field(
            "voted for",
            match disk.voted_for {
                Some(v) => format!("{v} in term {}", disk.term),
                None => format!("nobody in term {}", disk.term),
            },
        ),
        field(
            "log",
            match entries {
                0 => "no entries after the snapshot".to_string(),
                1 => format!("1 entry: index {}", log.last_index()),
                n => format!(
                    "{n} entries: indexes {} to {}",
                    log.first_index(),
                    log.last_index()
                ),
            },
        ),
        field(
            "last entry",
            format!("index {}, term {}", log.last_index(), log.last_term()),
        ),
        field(
            "snapshot",
            match snapshot.last_index {
                0 => "none yet".to_string(),
                i => format!("up to index {i} (term {})", snapshot.last_term),
            },
        ),
        field(
            "configuration",
            if config_index == 0 {
                format!("{config}, from the start")
            } else {
                format!("{config}, from entry {config_index}")
            },
        ),
    ];
    let clock = world.clock(id).copied().unwrap_or_default();
    let local_now = clock.local(world.now());
    let drift = clock.drift_ppm();
    let clock_fields = vec![
        field("local clock", local_now.to_string()),
        field(
            "drift",
            match drift {
                0 => "0 ppm: keeps time exactly".to_string(),
                d if d > 0 => format!("+{d} ppm: runs {} % fast", fixed(d as f64 / 10_000.0, 3)),
                d => format!("{d} ppm: runs {} % slow", fixed(-d as f64 / 10_000.0, 3)),
            },
        ),
    ];
    if !up {
        let volatile = vec![field(
            "everything",
            format!(
                "lost in the crash. A restart rebuilds it from the disk: a follower that knows no leader, commit index and last applied at its snapshot ({}), fresh timers",
                snapshot.last_index
            ),
        )];
        return Some(NodeDetails {
            id,
            up,
            persistent,
            volatile,
            clock: clock_fields,
            leader: None,
        });
    }
    let membership = node.membership();
    let role = match node.role() {
        Role::Follower if membership.is_learner(id) => {
            "follower, a learner without a vote".to_string()
        }
        Role::Follower if !membership.is_voter(id) => {
            "follower, not a member of its configuration".to_string()
        }
        r => r.label().to_string(),
    };
    let leading = node.role() == Role::Leader;
    let mut volatile = vec![
        field("role", role),
        field(
            "leader",
            match node.leader() {
                Some(l) if l == id => "itself".to_string(),
                Some(l) => l.to_string(),
                None => "none known".to_string(),
            },
        ),
        field("commit index", node.commit_index().to_string()),
        field("last applied", node.last_applied().to_string()),
    ];
    if leading {
        volatile.push(field(
            "election timer",
            "off: a leader sends heartbeats instead",
        ));
        volatile.push(field(
            "next heartbeat",
            deadline(node.heartbeat_deadline(), local_now),
        ));
        volatile.push(field(
            "lease",
            match node.lease() {
                Ok(until) if until > local_now => {
                    format!("runs until {}", deadline(until, local_now))
                }
                Ok(until) => format!("ran out at {until}"),
                Err(NoLeaseReason::Expired { at }) => format!("ran out at {at}"),
                Err(reason) => format!("none: {reason}"),
            },
        ));
        if let Some(target) = node.transfer_target() {
            volatile.push(field(
                "leadership transfer",
                format!("handing over to {target}"),
            ));
        }
    } else if node.election_deadline() == Time::NEVER {
        volatile.push(field("election timer", "off"));
    } else {
        volatile.push(field(
            "election timer",
            format!("fires at {}", deadline(node.election_deadline(), local_now)),
        ));
    }
    if let Some((leader, at)) = node.promise().filter(|(l, _)| *l != id) {
        volatile.push(field(
            "last heard from a leader",
            format!("{leader} at {}", deadline(at, local_now)),
        ));
    }
    let leader = leading.then(|| LeaderDetails {
        peers: membership
            .members()
            .into_iter()
            .filter(|p| *p != id)
            .filter_map(|p| {
                let progress = node.progress(p)?;
                let behind = node.last_index().saturating_sub(progress.matched);
                let note = match progress.snapshot_in_flight {
                    Some(i) => format!("snapshot up to {i} on its way"),
                    None if behind == 0 => "up to date".to_string(),
                    None => format!("{behind} behind"),
                };
                Some(PeerProgress {
                    peer: p,
                    membership: if membership.is_voter(p) {
                        "voter"
                    } else {
                        "learner"
                    },
                    next: progress.next,
                    matched: progress.matched,
                    note,
                })
            })
            .collect(),
        pending_reads: node
            .pending_reads()
            .iter()
            .map(|r| pending_read(r, node.last_applied()))
            .collect(),
        pending_writes: node.pending_write_count(),
    });
    Some(NodeDetails {
        id,
        up,
        persistent,
        volatile,
        clock: clock_fields,
        leader,
    })
}

/// What a message's receiver does with it, and the rules that decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// What the receiver does, in words.
    pub what: &'static str,
    /// The rules that decide it, the first checked first.
    pub rules: &'static [Rule],
}

/// What the receiver of a message of this kind does with it on arrival.
pub fn on_arrival(kind: MessageKind) -> Arrival {
    let (what, rules): (&'static str, &'static [Rule]) = match kind {
        MessageKind::PreVote => (
            "The receiver says whether it would vote for the sender in the term it names, changing neither its own term nor its vote: no if that term is not newer than its own, yes only if the sender's log is at least as up to date as its own and it has not heard from a leader within the minimum election timeout.",
            &[Rule::TermRule, Rule::PreVote, Rule::ElectionRestriction],
        ),
        MessageKind::RequestVote => (
            "A stale term is refused. With CheckQuorum, a receiver that heard from a leader within the minimum election timeout refuses without even adopting the newer term. Otherwise a newer term makes the receiver adopt it and become a follower, and it grants its vote unless it already voted for another candidate in this term or its own log is more up to date.",
            &[
                Rule::TermRule,
                Rule::LeaderStickiness,
                Rule::Election,
                Rule::ElectionRestriction,
            ],
        ),
        MessageKind::VoteResponse => (
            "A newer term makes the receiver step down. Otherwise it counts the vote: a candidate with a majority of its configuration becomes leader, and a pre-candidate with a majority of pre-votes starts a real election.",
            &[Rule::TermRule, Rule::Election, Rule::PreVote],
        ),
        MessageKind::AppendEntries => (
            "A stale term is rejected. Otherwise the receiver follows the sender, checks that its log holds the entry at the previous index with the previous term, deletes any entries that conflict, stores the new ones, and learns the leader's commit index.",
            &[Rule::TermRule, Rule::ConsistencyCheck, Rule::LogReplication],
        ),
        MessageKind::Heartbeat => (
            "A stale term is rejected. Otherwise the receiver follows the sender and restarts its election timer, checks the previous index and term like any AppendEntries, and learns the leader's commit index; its answer to the round number helps the leader confirm it still leads, for reads.",
            &[
                Rule::TermRule,
                Rule::Election,
                Rule::ConsistencyCheck,
                Rule::ReadIndex,
            ],
        ),
        MessageKind::AppendResponse => (
            "A newer term makes the leader step down. On success it raises the follower's match and next indexes and commits what a majority now stores, if it is of its own term; on failure it moves the next index back, to where the follower's hint says, and retries.",
            &[
                Rule::TermRule,
                Rule::LogReplication,
                Rule::CurrentTermCommit,
                Rule::ConsistencyCheck,
            ],
        ),
        MessageKind::InstallSnapshot => (
            "A stale term is rejected. Otherwise the receiver follows the sender and replaces its log up to the snapshot's last index with the snapshot, keeping later entries that match, and loads the snapshot's state.",
            &[Rule::TermRule, Rule::Snapshot],
        ),
        MessageKind::SnapshotResponse => (
            "A newer term makes the leader step down. Otherwise it records that the follower holds everything up to the snapshot's last index and goes on with the entries after it.",
            &[Rule::TermRule, Rule::Snapshot],
        ),
        MessageKind::TimeoutNow => (
            "A stale term is ignored. Otherwise the receiver starts an election at once, as if its election timer had fired, even if it heard from the leader a moment ago: the leader asked it to take over.",
            &[Rule::TermRule, Rule::LeadershipTransfer, Rule::Election],
        ),
    };
    Arrival { what, rules }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Config, Op, ReadMode};
    use crate::sim::{Action, Timeline, WorldConfig};
    use crate::view::testing::{isolate, leader_of, settle};
    use crate::view::{explain_rule, Recorder};

    fn timeline(raft: Config) -> Timeline<Recorder> {
        let config = WorldConfig {
            nodes: 3,
            voters: 3,
            raft,
            ..WorldConfig::default()
        };
        Timeline::fresh(config, 11, Recorder::new()).expect("valid config")
    }

    fn value<'a>(fields: &'a [Field], label: &str) -> &'a str {
        fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.value.as_str())
            .unwrap_or_else(|| panic!("no field {label:?} in {fields:?}"))
    }

    fn has(fields: &[Field], label: &str) -> bool {
        fields.iter().any(|f| f.label == label)
    }

    #[test]
    fn a_follower_shows_its_disk_apart_from_its_memory() {
        let mut t = timeline(Config::default());
        let leader = leader_of(&mut t);
        settle(&mut t, 100);
        let follower = t
            .world()
            .node_ids()
            .into_iter()
            .find(|n| *n != leader)
            .unwrap();
        let w = t.world();
        let n = w.node(follower);
        let d = node_details(w, follower).expect("a node");
        assert!(d.up);
        assert_eq!(value(&d.persistent, "current term"), n.term().to_string());
        assert_eq!(
            value(&d.persistent, "voted for"),
            match n.voted_for() {
                Some(v) => format!("{v} in term {}", n.term()),
                None => format!("nobody in term {}", n.term()),
            }
        );
        assert_eq!(
            value(&d.persistent, "last entry"),
            format!("index {}, term {}", n.last_index(), n.log().last_term())
        );
        assert_eq!(value(&d.persistent, "snapshot"), "none yet");
        assert_eq!(
            value(&d.persistent, "configuration"),
            "{N1,N2,N3}, from the start"
        );
        assert_eq!(value(&d.volatile, "role"), "follower");
        assert_eq!(value(&d.volatile, "leader"), leader.to_string());
        assert_eq!(
            value(&d.volatile, "commit index"),
            n.commit_index().to_string()
        );
        assert_eq!(
            value(&d.volatile, "last applied"),
            n.last_applied().to_string()
        );
        let local = w.clock(follower).unwrap().local(w.now());
        let timer = value(&d.volatile, "election timer");
        assert!(
            timer.starts_with(&format!("fires at {} (in ", n.election_deadline())),
            "{timer}"
        );
        assert!(n.election_deadline() > local);
        assert!(value(&d.volatile, "last heard from a leader").starts_with(&leader.to_string()));
        for label in ["current term", "voted for", "log", "snapshot"] {
            assert!(
                !has(&d.volatile, label),
                "{label} is on disk, not in memory"
            );
        }
        for label in ["role", "commit index", "election timer"] {
            assert!(
                !has(&d.persistent, label),
                "{label} is in memory, not on disk"
            );
        }
        assert_eq!(value(&d.clock, "local clock"), local.to_string());
        assert_eq!(value(&d.clock, "drift"), "0 ppm: keeps time exactly");
        assert_eq!(d.leader, None, "a follower has no view of the others");
    }

    #[test]
    fn a_leader_shows_each_followers_progress_its_timers_and_its_lease() {
        let mut t = timeline(Config {
            check_quorum: true,
            ..Config::default()
        });
        let leader = leader_of(&mut t);
        settle(&mut t, 100);
        t.act(Action::Crash {
            node: NodeId(leader.0 % 3 + 1),
        });
        t.act(Action::Write {
            node: leader,
            op: Op::Set {
                key: "x".into(),
                value: 1,
            },
        });
        settle(&mut t, 100);
        let w = t.world();
        let n = w.node(leader);
        let d = node_details(w, leader).unwrap();
        assert_eq!(value(&d.volatile, "role"), "leader");
        assert_eq!(value(&d.volatile, "leader"), "itself");
        assert_eq!(
            value(&d.volatile, "election timer"),
            "off: a leader sends heartbeats instead"
        );
        assert!(value(&d.volatile, "next heartbeat").contains("(in "));
        assert!(
            value(&d.volatile, "lease").starts_with("runs until "),
            "{}",
            value(&d.volatile, "lease")
        );
        let l = d.leader.expect("a leader's view of the others");
        assert_eq!(l.peers.len(), 2);
        let crashed = NodeId(leader.0 % 3 + 1);
        for p in &l.peers {
            let progress = n.progress(p.peer).unwrap();
            assert_eq!((p.next, p.matched), (progress.next, progress.matched));
            assert_eq!(p.membership, "voter");
            if p.peer == crashed {
                assert!(p.note.ends_with(" behind"), "{}", p.note);
            } else {
                assert_eq!(p.note, "up to date");
            }
        }
        assert!(l.peers.windows(2).all(|w| w[0].peer < w[1].peer));
    }

    #[test]
    fn without_check_quorum_a_leader_says_why_it_has_no_lease_and_lists_a_waiting_read() {
        let mut t = timeline(Config::default());
        let leader = leader_of(&mut t);
        settle(&mut t, 100);
        isolate(&mut t, leader);
        t.act(Action::Read {
            node: leader,
            key: "x".into(),
            mode: ReadMode::ReadIndex,
        });
        settle(&mut t, 2);
        let d = node_details(t.world(), leader).unwrap();
        assert_eq!(
            value(&d.volatile, "lease"),
            "none: lease reads need CheckQuorum switched on"
        );
        let reads = d.leader.unwrap().pending_reads;
        assert_eq!(reads.len(), 1, "{reads:?}");
        assert!(
            reads[0].starts_with("read x (ReadIndex): read index ")
                && reads[0].contains("waits for a majority to acknowledge heartbeat round"),
            "{}",
            reads[0]
        );
    }

    #[test]
    fn a_crashed_node_keeps_its_disk_and_says_its_memory_is_lost() {
        let mut t = timeline(Config::default());
        let leader = leader_of(&mut t);
        settle(&mut t, 100);
        let before = node_details(t.world(), leader).unwrap();
        t.act(Action::SetClockDrift {
            node: leader,
            drift_ppm: -20_000,
        });
        t.act(Action::Crash { node: leader });
        let after = node_details(t.world(), leader).unwrap();
        assert!(!after.up);
        assert_eq!(after.persistent, before.persistent, "the disk survives");
        assert_eq!(after.volatile.len(), 1);
        assert!(after.volatile[0].value.starts_with("lost in the crash"));
        assert!(after
            .volatile
            .iter()
            .all(|f| f.label != "role" && f.label != "commit index"));
        assert_eq!(after.leader, None, "a crashed leader leads nobody");
        assert_eq!(
            value(&after.clock, "drift"),
            "-20000 ppm: runs 2.000 % slow"
        );
        assert_eq!(node_details(t.world(), NodeId(9)), None);
    }

    #[test]
    fn every_message_kind_says_what_its_receiver_does_and_which_rules_decide() {
        let kinds = [
            MessageKind::PreVote,
            MessageKind::RequestVote,
            MessageKind::VoteResponse,
            MessageKind::AppendEntries,
            MessageKind::Heartbeat,
            MessageKind::AppendResponse,
            MessageKind::InstallSnapshot,
            MessageKind::SnapshotResponse,
            MessageKind::TimeoutNow,
        ];
        let mut texts = crate::sorted::SortedSet::new();
        for kind in kinds {
            let a = on_arrival(kind);
            assert!(texts.insert(a.what), "{kind:?} repeats another kind's text");
            assert!(!a.rules.is_empty(), "{kind:?}");
            for r in a.rules {
                assert!(Rule::CORRECT.contains(r), "{kind:?} cites {r:?}");
                assert!(!explain_rule(*r).says.is_empty());
            }
            // Every message is checked against the receiver's term first
            // (§5.1), even a pre-vote, which only compares it.
            assert_eq!(a.rules[0], Rule::TermRule, "{kind:?}");
            assert_eq!(a.rules.iter().filter(|r| **r == Rule::TermRule).count(), 1);
        }
        assert!(on_arrival(MessageKind::RequestVote)
            .rules
            .contains(&Rule::ElectionRestriction));
        assert!(on_arrival(MessageKind::AppendEntries)
            .rules
            .contains(&Rule::ConsistencyCheck));
        assert!(on_arrival(MessageKind::AppendResponse)
            .rules
            .contains(&Rule::CurrentTermCommit));
        assert_eq!(
            on_arrival(MessageKind::InstallSnapshot).rules,
            &[Rule::TermRule, Rule::Snapshot]
        );
        assert_eq!(
            on_arrival(MessageKind::TimeoutNow).rules[1],
            Rule::LeadershipTransfer
        );
    }
}
