//! Every rule cites the right section of the paper or the thesis, and every
//! event names the rule that really decided it. Students read these
//! citations, so a wrong one teaches the wrong thing.
//!
//! The tables below were written from the documents' contents pages and
//! text, independently of `Rule::section`, so that a wrong citation in the
//! code fails here.

use super::harness::*;
use crate::raft::*;
use crate::sorted::SortedSet;

/// Sections cited anywhere, with their titles in the extended paper
/// (Ongaro & Ousterhout 2014) and in Ongaro's thesis (2014).
const SECTIONS: &[(&str, &str)] = &[
    ("§5.1", "Raft basics: terms"),
    ("§5.2", "Leader election"),
    ("§5.3", "Log replication"),
    ("§5.4.1", "Election restriction"),
    ("§5.4.2", "Committing entries from previous terms"),
    ("§6", "Cluster membership changes"),
    ("§7", "Log compaction"),
    ("§8", "Client interaction"),
    ("Figure 2", "Persistent state on all servers"),
    ("thesis §3.10", "Leadership transfer extension"),
    ("thesis §4.1", "Safety (single-server changes)"),
    ("thesis §4.2.1", "Catching up new servers"),
    ("thesis §4.2.3", "Disruptive servers"),
    (
        "thesis §6.2",
        "Routing requests to the leader (CheckQuorum)",
    ),
    (
        "thesis §6.4.1",
        "Using clocks to reduce messaging for read-only queries",
    ),
    (
        "thesis §9.6",
        "Preventing disruptions when a server rejoins the cluster",
    ),
    (
        "unsafe read mode",
        "not a rule: the client chose an unsafe read",
    ),
    ("teaching fault", "not a rule: a teaching fault broke one"),
];

/// Where each rule is stated.
const RULE_SECTIONS: &[(Rule, &str)] = &[
    (Rule::TermRule, "§5.1"),
    (Rule::Election, "§5.2"),
    (Rule::LogReplication, "§5.3"),
    (Rule::ConsistencyCheck, "§5.3"),
    (Rule::ElectionRestriction, "§5.4.1"),
    (Rule::CurrentTermCommit, "§5.4.2"),
    (Rule::StateMachine, "§5.3"),
    (Rule::Persistence, "Figure 2"),
    (Rule::JointConsensus, "§6"),
    (Rule::SingleServerChange, "thesis §4.1"),
    (Rule::Learners, "thesis §4.2.1"),
    (Rule::Snapshot, "§7"),
    (Rule::ReadIndex, "§8"),
    (Rule::Lease, "thesis §6.4.1"),
    (Rule::PreVote, "thesis §9.6"),
    (Rule::CheckQuorum, "thesis §6.2"),
    (Rule::LeaderStickiness, "thesis §4.2.3"),
    (Rule::LeadershipTransfer, "thesis §3.10"),
    (Rule::NoopOnElection, "§8"),
    (Rule::LeaderServesClients, "§8"),
    (Rule::UnsafeRead, "unsafe read mode"),
];

#[test]
fn every_rule_cites_its_section_of_the_paper_or_thesis() {
    let listed: SortedSet<Rule> = RULE_SECTIONS.iter().map(|(r, _)| *r).collect();
    let all: SortedSet<Rule> = Rule::CORRECT.into_iter().collect();
    assert_eq!(listed, all, "every correct rule has an expected section");
    for (rule, section) in RULE_SECTIONS {
        assert_eq!(rule.section(), *section, "{rule:?}");
        assert!(
            SECTIONS.iter().any(|(s, _)| s == section),
            "{section} is a real section"
        );
    }
    for fault in Fault::ALL {
        assert_eq!(Rule::Fault(fault).section(), "teaching fault");
    }
}

fn config(voters: &[u8]) -> Configuration {
    Configuration::of_voters(voters.iter().map(|i| NodeId(*i)))
}

/// One event of every kind, each with the rule that must decide it.
fn every_event() -> Vec<(Event, Rule)> {
    let me = n(1);
    let other = n(2);
    let refusal = |reason| Event::VoteRefused {
        candidate: other,
        term: 3,
        pre_vote: false,
        reason,
    };
    let refused = |reason| Event::Refused { request: 1, reason };
    let read = |mode, rule| Event::ReadServed {
        request: 1,
        key: "x".into(),
        value: Some(1),
        mode,
        read_index: 4,
        applied: 5,
        rule,
    };
    vec![
        (
            Event::Started {
                term: 2,
                last_index: 3,
                lost_vote: false,
            },
            Rule::Persistence,
        ),
        (
            Event::ElectionTimeout {
                term: 2,
                forced: false,
            },
            Rule::Election,
        ),
        (
            Event::ElectionTimeout {
                term: 2,
                forced: true,
            },
            Rule::Election,
        ),
        (
            Event::CampaignDeferred {
                leader: Some(other),
                until: Time(5),
            },
            Rule::LeaderStickiness,
        ),
        (Event::BecamePreCandidate { term: 3 }, Rule::PreVote),
        (
            Event::BecameCandidate {
                term: 3,
                transfer: false,
            },
            Rule::Election,
        ),
        (
            Event::BecameCandidate {
                term: 3,
                transfer: true,
            },
            Rule::LeadershipTransfer,
        ),
        (
            Event::BecameLeader {
                term: 3,
                votes: vec![me, other],
            },
            Rule::Election,
        ),
        (
            Event::BecameFollower {
                term: 3,
                leader: None,
                reason: FollowReason::HigherTerm { from: other },
            },
            Rule::TermRule,
        ),
        (
            Event::BecameFollower {
                term: 3,
                leader: Some(other),
                reason: FollowReason::LeaderDiscovered { leader: other },
            },
            Rule::Election,
        ),
        (
            Event::BecameFollower {
                term: 3,
                leader: None,
                reason: FollowReason::LostQuorum,
            },
            Rule::CheckQuorum,
        ),
        (
            Event::BecameFollower {
                term: 3,
                leader: None,
                reason: FollowReason::RemovedFromConfig,
            },
            Rule::JointConsensus,
        ),
        (
            Event::TermAdvanced {
                from_term: 2,
                to_term: 3,
                seen_from: other,
            },
            Rule::TermRule,
        ),
        (
            Event::VoteGranted {
                candidate: other,
                term: 3,
                pre_vote: false,
                rule: Rule::Election,
            },
            Rule::Election,
        ),
        (refusal(VoteRefusal::StaleTerm { ours: 4 }), Rule::TermRule),
        (
            refusal(VoteRefusal::AlreadyVoted { for_node: me }),
            Rule::Election,
        ),
        (
            refusal(VoteRefusal::LogNotUpToDate {
                their_last_term: 1,
                their_last_index: 2,
                our_last_term: 2,
                our_last_index: 2,
            }),
            Rule::ElectionRestriction,
        ),
        (
            refusal(VoteRefusal::LeaderAlive {
                leader: Some(other),
            }),
            Rule::LeaderStickiness,
        ),
        (
            Event::VoteRefused {
                candidate: other,
                term: 3,
                pre_vote: true,
                reason: VoteRefusal::LeaderAlive {
                    leader: Some(other),
                },
            },
            Rule::PreVote,
        ),
        (refusal(VoteRefusal::NeverJoined), Rule::Persistence),
        (
            Event::AppendRejected {
                leader: other,
                prev_index: 3,
                prev_term: 2,
                rejection: AppendRejection::StaleTerm,
            },
            Rule::TermRule,
        ),
        (
            Event::AppendRejected {
                leader: other,
                prev_index: 3,
                prev_term: 2,
                rejection: AppendRejection::LogTooShort { last_index: 1 },
            },
            Rule::ConsistencyCheck,
        ),
        (
            Event::SnapshotRejected {
                leader: other,
                term: 1,
            },
            Rule::TermRule,
        ),
        (
            Event::EntriesAppended {
                leader: other,
                first: 3,
                last: 4,
            },
            Rule::LogReplication,
        ),
        (
            Event::LogTruncated {
                from_index: 3,
                removed: 2,
                leader: other,
                committed: false,
            },
            Rule::ConsistencyCheck,
        ),
        (
            Event::LeaderAppended {
                index: 3,
                term: 2,
                payload: Payload::Noop.into(),
            },
            Rule::NoopOnElection,
        ),
        (
            Event::LeaderAppended {
                index: 4,
                term: 2,
                payload: Payload::Config(config(&[1, 2, 3])).into(),
            },
            Rule::LogReplication,
        ),
        (
            Event::Committed {
                index: 4,
                term: 2,
                quorum: vec![me, other],
                rule: Rule::CurrentTermCommit,
            },
            Rule::CurrentTermCommit,
        ),
        (
            Event::CommitDeferred {
                index: 4,
                entry_term: 1,
                leader_term: 2,
            },
            Rule::CurrentTermCommit,
        ),
        (
            Event::Applied {
                index: 4,
                term: 2,
                payload: Payload::Noop.into(),
                outcome: None,
            },
            Rule::StateMachine,
        ),
        (
            Event::ConfigChanged {
                index: 4,
                config: Box::new(config(&[1, 2, 3])),
                rule: Rule::SingleServerChange,
            },
            Rule::SingleServerChange,
        ),
        (
            Event::SnapshotTaken {
                last_index: 4,
                last_term: 2,
            },
            Rule::Snapshot,
        ),
        (
            Event::SnapshotSent {
                to: other,
                last_index: 4,
            },
            Rule::Snapshot,
        ),
        (
            Event::SnapshotInstalled {
                leader: other,
                last_index: 4,
                last_term: 2,
            },
            Rule::Snapshot,
        ),
        (read(ReadMode::ReadIndex, Rule::ReadIndex), Rule::ReadIndex),
        (read(ReadMode::Lease, Rule::Lease), Rule::Lease),
        (
            read(ReadMode::LocalAnyNode, Rule::UnsafeRead),
            Rule::UnsafeRead,
        ),
        (
            refused(Refusal::NotLeader { leader_hint: None }),
            Rule::LeaderServesClients,
        ),
        (
            refused(Refusal::TransferInProgress),
            Rule::LeadershipTransfer,
        ),
        (refused(Refusal::AlreadyLeader), Rule::LeadershipTransfer),
        (
            refused(Refusal::NoLease {
                reason: NoLeaseReason::Transfer,
            }),
            Rule::Lease,
        ),
        (
            refused(Refusal::ConfigChangePending),
            Rule::SingleServerChange,
        ),
        (refused(Refusal::NoCommitInTerm), Rule::SingleServerChange),
        (
            refused(Refusal::AlreadyMember(other)),
            Rule::SingleServerChange,
        ),
        (
            refused(Refusal::NotAMember(other)),
            Rule::SingleServerChange,
        ),
        (refused(Refusal::NoVotersLeft), Rule::SingleServerChange),
        (refused(Refusal::NoChange), Rule::JointConsensus),
        (refused(Refusal::NotCaughtUp(other)), Rule::Learners),
        (refused(Refusal::AlreadyPromoting(other)), Rule::Learners),
        (
            Event::TransferStarted { target: other },
            Rule::LeadershipTransfer,
        ),
        (
            Event::TimeoutNowSent { target: other },
            Rule::LeadershipTransfer,
        ),
        (
            Event::TransferAborted { target: other },
            Rule::LeadershipTransfer,
        ),
        (Event::QuorumLost, Rule::CheckQuorum),
    ]
}

/// A number per event variant; the match is exhaustive, so a new variant
/// fails to compile until it is added here and to [`every_event`].
fn variant(e: &Event) -> usize {
    match e {
        Event::Started { .. } => 0,
        Event::ElectionTimeout { .. } => 1,
        Event::CampaignDeferred { .. } => 2,
        Event::BecamePreCandidate { .. } => 3,
        Event::BecameCandidate { .. } => 4,
        Event::BecameLeader { .. } => 5,
        Event::BecameFollower { .. } => 6,
        Event::TermAdvanced { .. } => 7,
        Event::VoteGranted { .. } => 8,
        Event::VoteRefused { .. } => 9,
        Event::AppendRejected { .. } => 10,
        Event::SnapshotRejected { .. } => 11,
        Event::EntriesAppended { .. } => 12,
        Event::LogTruncated { .. } => 13,
        Event::LeaderAppended { .. } => 14,
        Event::Committed { .. } => 15,
        Event::CommitDeferred { .. } => 16,
        Event::Applied { .. } => 17,
        Event::ConfigChanged { .. } => 18,
        Event::SnapshotTaken { .. } => 19,
        Event::SnapshotSent { .. } => 20,
        Event::SnapshotInstalled { .. } => 21,
        Event::ReadServed { .. } => 22,
        Event::Refused { .. } => 23,
        Event::TransferStarted { .. } => 24,
        Event::TimeoutNowSent { .. } => 25,
        Event::TransferAborted { .. } => 26,
        Event::QuorumLost => 27,
    }
}

#[test]
fn every_event_names_the_rule_that_decided_it_and_cites_its_section() {
    let events = every_event();
    let covered: SortedSet<usize> = events.iter().map(|(e, _)| variant(e)).collect();
    assert_eq!(covered, (0..=27).collect(), "one sample of every variant");
    for (event, rule) in &events {
        assert_eq!(event.rule(), *rule, "{event:?}");
        let sentence = event.sentence(n(1));
        let cited = format!("({})", rule.section());
        assert!(sentence.ends_with(&cited), "{sentence} should end {cited}");
    }
}

#[test]
fn sentences_say_what_really_happened() {
    // A forced timeout is not "heard from no leader"; a leader refusing a
    // vote does not claim to have heard from itself; a stale snapshot is not
    // an AppendEntries; a read reports both its read index and what was applied.
    let forced = Event::ElectionTimeout {
        term: 2,
        forced: true,
    };
    assert!(forced.sentence(n(1)).contains("an operator"));
    assert!(!forced.sentence(n(1)).contains("heard from no leader"));
    let by_leader = Event::VoteRefused {
        candidate: n(2),
        term: 3,
        pre_vote: false,
        reason: VoteRefusal::LeaderAlive { leader: Some(n(1)) },
    };
    assert!(!by_leader.sentence(n(1)).contains("heard from leader N1"));
    assert!(by_leader.sentence(n(1)).contains("it leads"));
    let snapshot = Event::SnapshotRejected {
        leader: n(2),
        term: 1,
    };
    assert!(snapshot.sentence(n(1)).contains("InstallSnapshot"));
    let read = Event::ReadServed {
        request: 1,
        key: "x".into(),
        value: Some(1),
        mode: ReadMode::ReadIndex,
        read_index: 4,
        applied: 6,
        rule: Rule::ReadIndex,
    };
    let s = read.sentence(n(1));
    assert!(
        s.contains("read index 4") && s.contains("applied through index 6"),
        "{s}"
    );
    let expired = Refusal::NoLease {
        reason: NoLeaseReason::Transfer,
    };
    assert!(!expired.to_string().contains("expired"));
}

#[test]
fn a_follower_labels_a_single_server_change_as_one_not_as_joint_consensus() {
    // Reference: thesis §4.1 and §6 — the rule a follower cites depends on
    // the change it stored.
    let mut c = Cluster::new(4, Config::default());
    c.elect(n(1));
    c.heartbeat(n(1));
    let now = c.now;
    c.node_mut(n(1))
        .change_membership(now, ConfChange::Remove(n(4)))
        .expect("accepted");
    c.collect(n(1));
    c.deliver_all();
    let rules: Vec<Rule> = c
        .events_of(n(2))
        .filter_map(|e| match e {
            Event::ConfigChanged { rule, .. } => Some(*rule),
            _ => None,
        })
        .collect();
    assert_eq!(rules, vec![Rule::SingleServerChange]);
}

#[test]
fn a_follower_that_stores_c_old_new_and_c_new_at_once_labels_them_joint_consensus() {
    // Reference: §6 — even when both entries arrive in one AppendEntries.
    let mut c = Cluster::new(5, Config::default());
    c.elect(n(1));
    c.heartbeat(n(1));
    c.isolate(n(5));
    let now = c.now;
    c.node_mut(n(1))
        .change_membership(
            now,
            ConfChange::Joint {
                voters: set(&[1, 2, 3, 5]),
                learners: set(&[4]),
            },
        )
        .expect("accepted");
    c.collect(n(1));
    c.deliver_all();
    assert!(!c.node(n(1)).membership().is_joint(), "C_new is in effect");
    c.heal();
    c.heartbeat(n(1));
    let rules: Vec<Rule> = c
        .events_of(n(5))
        .filter_map(|e| match e {
            Event::ConfigChanged { rule, .. } => Some(*rule),
            _ => None,
        })
        .collect();
    assert_eq!(rules, vec![Rule::JointConsensus]);
}
