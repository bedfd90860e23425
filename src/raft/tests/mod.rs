//! Protocol tests: one per rule, named for the behaviour, citing the section.
//!
//! A tiny in-test cluster delivers messages instantly at one shared time and
//! lets a test cut links, drop chosen messages, crash and restart nodes.

use super::*;
use crate::sorted::{SortedMap, SortedSet};
use harness::*;

mod harness;
mod lease;
mod rules;

// ----- §5.1 terms ----------------------------------------------------------

#[test]
fn a_stale_term_append_is_rejected_and_answered_with_the_current_term() {
    // Reference: §5.1 — "If a server receives a request with a stale term number, it rejects the request."
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    let mut stale = c.node(n(2)).clone();
    // N2 moves to a later term; a message from term 1 is now stale.
    c.elect(n(3));
    let term = c.node(n(2)).term();
    assert!(term > 1);
    let now = c.now;
    c.node_mut(n(2)).handle_message(
        now,
        n(1),
        Message::AppendEntries {
            term: 1,
            prev_index: 0,
            prev_term: 0,
            entries: vec![],
            leader_commit: 0,
            round: 1,
            founding_config: None,
        },
    );
    let reply = c.node_mut(n(2)).poll_message().unwrap();
    assert_eq!(reply.to, n(1));
    assert!(matches!(
        reply.message,
        Message::AppendResponse {
            success: false,
            rejection: Some(AppendRejection::StaleTerm),
            ..
        }
    ));
    assert_eq!(
        reply.message.term(),
        term,
        "the answer carries the receiver's current term"
    );
    // A stale vote request is refused the same way.
    stale.handle_message(
        now,
        n(5),
        Message::RequestVote {
            term: 0,
            last_log_index: 9,
            last_log_term: 9,
            pre_vote: false,
            transfer: false,
        },
    );
    let reply = stale.poll_message().unwrap();
    assert_eq!(
        reply.message,
        Message::VoteResponse {
            term: stale.term(),
            granted: false,
            pre_vote: false
        }
    );
}

#[test]
fn a_leader_that_sees_a_higher_term_steps_down() {
    // Reference: §5.1 — a higher term makes any server a follower.
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    c.isolate(n(1));
    c.elect(n(2));
    assert_eq!(
        c.leaders().len(),
        2,
        "the isolated old leader still believes it leads"
    );
    c.heal();
    c.heartbeat(n(2));
    assert_eq!(c.node(n(1)).role(), Role::Follower);
    assert_eq!(c.node(n(1)).term(), c.node(n(2)).term());
    assert_eq!(c.node(n(1)).leader(), Some(n(2)));
    assert!(c.events_of(n(1)).any(|e| matches!(
        e,
        Event::BecameFollower {
            reason: FollowReason::HigherTerm { .. },
            ..
        }
    )));
}

// ----- §5.2 elections ------------------------------------------------------

#[test]
fn a_candidate_with_a_majority_of_votes_becomes_leader_and_sends_heartbeats() {
    // Reference: §5.2.
    let mut c = Cluster::new(5, Config::default());
    c.isolate(n(4));
    c.isolate(n(5));
    c.elect(n(1));
    assert_eq!(c.node(n(1)).term(), 1);
    assert!(c
        .events_of(n(1))
        .any(|e| matches!(e, Event::BecameLeader { votes, .. } if votes.len() == 3)));
    assert_eq!(c.node(n(2)).leader(), Some(n(1)));
    // Heartbeats arrive every interval and keep followers from timing out.
    let queued_before = c.events.len();
    c.run_ms(1_000);
    assert_eq!(c.leaders(), vec![n(1)]);
    assert_eq!(c.node(n(1)).term(), 1, "no follower timed out");
    assert!(!c.events[queued_before..]
        .iter()
        .any(|(id, e)| id.0 <= 3 && matches!(e, Event::ElectionTimeout { .. })));
    assert!(c.node(n(2)).election_deadline() > c.now);
}

#[test]
fn without_a_majority_a_candidate_does_not_win() {
    // Reference: §5.2.
    let mut c = Cluster::new(5, Config::default());
    c.isolate(n(3));
    c.isolate(n(4));
    c.isolate(n(5));
    c.campaign(n(1));
    assert_eq!(c.node(n(1)).role(), Role::Candidate);
}

#[test]
fn a_node_grants_at_most_one_vote_per_term_and_remembers_it_across_restarts() {
    // Reference: §5.2 and Figure 2 (votedFor is persistent).
    let mut c = Cluster::new(3, Config::default());
    c.cut.insert((n(1), n(3)));
    c.campaign(n(1));
    assert_eq!(c.node(n(2)).voted_for(), Some(n(1)));
    c.crash(n(2));
    c.restart(n(2));
    assert_eq!(c.node(n(2)).voted_for(), Some(n(1)));
    let now = c.now;
    c.node_mut(n(2)).handle_message(
        now,
        n(3),
        Message::RequestVote {
            term: 1,
            last_log_index: 5,
            last_log_term: 1,
            pre_vote: false,
            transfer: false,
        },
    );
    c.collect(n(2));
    assert!(c.events_of(n(2)).any(|e| matches!(e, Event::VoteRefused { reason: VoteRefusal::AlreadyVoted { for_node }, .. } if *for_node == n(1))));
}

#[test]
fn split_votes_resolve_under_randomized_timeouts() {
    // Reference: §5.2 — randomized election timeouts make split votes rare and short.
    for seed_offset in 0..5u8 {
        let mut c = Cluster::new(5, Config::default());
        // Start the nodes at different offsets of the RNG stream.
        for i in 1..=5 {
            let disk = c.disks[&n(i)].clone();
            c.nodes.insert(
                n(i),
                Some(Node::new(
                    n(i),
                    c.config.clone(),
                    disk,
                    u64::from(seed_offset) * 31 + u64::from(i),
                    c.now,
                )),
            );
        }
        c.run_ms(2_000);
        assert_eq!(
            c.leaders().len(),
            1,
            "seed {seed_offset}: one leader after 2 s"
        );
    }
}

#[test]
fn fixed_timeouts_make_split_votes_repeat_forever() {
    // Reference: §5.2; teaching fault `fixed-timeouts`: all nodes time out together.
    let mut c = Cluster::with_fault(5, Some(Fault::FixedTimeouts));
    c.run_ms(3_000);
    assert!(
        c.leaders().is_empty(),
        "no leader while every node times out at the same instant"
    );
    let elections = c
        .events
        .iter()
        .filter(|(_, e)| matches!(e, Event::BecameCandidate { .. }))
        .count();
    assert!(
        elections >= 5 * 10,
        "split votes repeated: {elections} candidacies"
    );
}

// ----- §5.4.1 election restriction ----------------------------------------

#[test]
fn a_candidate_with_an_older_or_shorter_log_loses() {
    // Reference: §5.4.1; RAFT-CASES: voter `1 1 2` refuses `1 1 1 1` and `1 2`, grants `1 1 2 2`.
    let members = Configuration::of_voters([n(1), n(2), n(3)]);
    for (candidate_log, wins) in [
        (&[1u64, 1, 1, 1][..], false),
        (&[1, 2][..], false),
        (&[1, 1, 2, 2][..], true),
    ] {
        let disks = [
            (n(1), disk_with(&members, 2, candidate_log)),
            (n(2), disk_with(&members, 2, &[1, 1, 2])),
            (n(3), disk_with(&members, 2, &[1, 1, 2])),
        ];
        let mut c = Cluster::from_disks(Config::default(), disks.into_iter().collect());
        c.campaign(n(1));
        assert_eq!(
            c.node(n(1)).role() == Role::Leader,
            wins,
            "candidate log {candidate_log:?}"
        );
        if !wins {
            assert!(c.events_of(n(2)).any(|e| matches!(
                e,
                Event::VoteRefused {
                    reason: VoteRefusal::LogNotUpToDate { .. },
                    ..
                }
            )));
            let sentence = c
                .events_of(n(2))
                .find(|e| matches!(e, Event::VoteRefused { .. }))
                .unwrap()
                .sentence(n(2));
            assert!(sentence.contains("§5.4.1"), "{sentence}");
        }
    }
}

#[test]
fn without_the_election_restriction_an_out_of_date_candidate_wins() {
    // Reference: §5.4.1; teaching fault `no-election-restriction`.
    let members = Configuration::of_voters([n(1), n(2), n(3)]);
    let disks = [
        (n(1), disk_with(&members, 2, &[1])),
        (n(2), disk_with(&members, 2, &[1, 2, 2])),
        (n(3), disk_with(&members, 2, &[1, 2, 2])),
    ];
    let config = config_with(Some(Fault::NoElectionRestriction));
    let mut c = Cluster::from_disks(config, disks.into_iter().collect());
    c.campaign(n(1));
    assert_eq!(c.node(n(1)).role(), Role::Leader);
    assert!(c.events_of(n(2)).any(|e| matches!(
        e,
        Event::VoteGranted {
            rule: Rule::Fault(Fault::NoElectionRestriction),
            ..
        }
    )));
    // Its log wins: the followers' term-2 entries are gone.
    assert_eq!(c.terms(n(2)), vec![1, 3]);
}

// ----- §5.3 log replication -------------------------------------------------

#[test]
fn figure_7_follower_logs_are_brought_into_agreement_with_one_round_trip_per_conflicting_term() {
    // Reference: §5.3, Figure 7; RAFT-CASES "Figure 7".
    let leader_log = [1u64, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let cases: [(&str, &[u64], usize, Option<u64>); 6] = [
        ("a", &[1, 1, 1, 4, 4, 5, 5, 6, 6], 1, None),
        ("b", &[1, 1, 1, 4], 1, None),
        ("c", &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6], 0, Some(11)),
        ("d", &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], 0, Some(11)),
        ("e", &[1, 1, 1, 4, 4, 4, 4], 2, Some(6)),
        ("f", &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], 2, Some(4)),
    ];
    let members = Configuration::of_voters([n(1), n(2), n(3)]);
    for (name, follower, rejections, truncated_at) in cases {
        let disks = [
            (n(1), disk_with(&members, 7, &leader_log)),
            (n(2), disk_with(&members, 7, follower)),
            (n(3), disk_with(&members, 7, &leader_log)),
        ];
        let config = Config {
            max_entries_per_message: 100,
            ..Config::default()
        };
        let mut c = Cluster::from_disks(config, disks.into_iter().collect());
        c.elect(n(1));
        assert_eq!(c.node(n(1)).term(), 8);
        let mut expected = leader_log.to_vec();
        expected.push(8);
        assert_eq!(c.terms(n(2)), expected, "case ({name})");
        let rejected = c
            .events_of(n(2))
            .filter(|e| matches!(e, Event::AppendRejected { .. }))
            .count();
        assert_eq!(rejected, rejections, "case ({name}): round trips");
        let truncations: Vec<LogIndex> = c
            .events_of(n(2))
            .filter_map(|e| {
                if let Event::LogTruncated { from_index, .. } = e {
                    Some(*from_index)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(
            truncations,
            truncated_at.into_iter().collect::<Vec<_>>(),
            "case ({name}): only entries past the divergence are removed"
        );
    }
}

#[test]
fn a_redelivered_append_is_idempotent_and_does_not_truncate_later_entries() {
    // Reference: §5.3 — "If an existing entry conflicts with a new one ... delete"; matching entries are kept.
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    c.propose(n(1), put("x", 1));
    c.deliver_all();
    let old = Message::AppendEntries {
        term: 1,
        prev_index: 0,
        prev_term: 0,
        entries: c.node(n(1)).log().entries_from(1, 1),
        leader_commit: 0,
        round: 1,
        founding_config: None,
    };
    let before = c.terms(n(2));
    let now = c.now;
    c.node_mut(n(2)).handle_message(now, n(1), old);
    c.collect(n(2));
    assert_eq!(
        c.terms(n(2)),
        before,
        "an old, shorter append does not cut the log"
    );
    assert!(!c
        .events_of(n(2))
        .any(|e| matches!(e, Event::LogTruncated { .. })));
}

#[test]
fn followers_learn_the_commit_index_but_never_beyond_what_they_hold() {
    // Reference: §5.3, Figure 2 — commitIndex = min(leaderCommit, index of last new entry).
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    c.isolate(n(3));
    c.propose(n(1), put("x", 1));
    c.deliver_all();
    assert_eq!(c.node(n(1)).commit_index(), 2);
    c.heartbeat(n(1));
    assert_eq!(c.node(n(2)).commit_index(), 2);
    assert_eq!(c.node(n(2)).kv().get("x"), Some(1));
    let now = c.now;
    c.node_mut(n(3)).handle_message(
        now,
        n(1),
        Message::AppendEntries {
            term: 1,
            prev_index: 1,
            prev_term: 1,
            entries: vec![],
            leader_commit: 9,
            round: 9,
            founding_config: None,
        },
    );
    assert!(
        c.node(n(3)).commit_index() <= 1,
        "commit limited to the last entry this message vouched for"
    );
}

// ----- §5.4.2 and Figure 8 --------------------------------------------------

/// Plays Figure 8 (a)–(c) on five servers. Index 2 of term 2 ends on S1, S2, S3.
fn figure_8_up_to_c(config: Config) -> Cluster {
    let config = Config {
        max_entries_per_message: 1,
        ..config
    };
    let mut c = Cluster::new(5, config);
    c.elect(n(1)); // term 1, no-op at index 1 everywhere
    c.heartbeat(n(1));
    // (a) S1 leads term 2; its index 2 reaches S2 only.
    c.crash(n(1));
    c.restart(n(1));
    c.drop_rule = Some(Box::new(|e| {
        e.from == n(1) && matches!(e.message, Message::AppendEntries { .. }) && e.to != n(2)
    }));
    c.elect(n(1));
    assert_eq!(c.node(n(1)).term(), 2);
    assert_eq!(c.terms(n(1)), vec![1, 2]);
    assert_eq!(c.terms(n(2)), vec![1, 2]);
    assert_eq!(c.terms(n(3)), vec![1]);
    // (b) S1 crashes; S5 wins term 3 with S3, S4 and accepts its own index 2.
    c.crash(n(1));
    c.drop_rule = Some(Box::new(|e| {
        e.from == n(5) && matches!(e.message, Message::AppendEntries { .. })
    }));
    c.elect(n(5));
    assert_eq!(c.node(n(5)).term(), 3);
    assert_eq!(c.terms(n(5)), vec![1, 3]);
    // (c) S5 crashes; S1 restarts, wins term 4 and copies index 2 to S3 only.
    c.crash(n(5));
    c.restart(n(1));
    // Index 3 (term 4) stays on S1: it is cut out of every AppendEntries,
    // which still tells S2 and S3 where S1's log matches theirs.
    c.drop_rule = Some(Box::new(|e| {
        let to_s4 = e.to == n(4);
        match &mut e.message {
            Message::AppendEntries { entries, .. } if e.from == n(1) => {
                entries.retain(|x| x.index < 3);
                to_s4
            }
            _ => false,
        }
    }));
    c.campaign(n(1));
    if c.node(n(1)).role() != Role::Leader {
        c.campaign(n(1)); // term 3 was taken by S5's voters; term 4 wins
    }
    c.heartbeat(n(1)); // S3 rejects, S1 backs up and sends index 2 alone
    assert_eq!(c.node(n(1)).term(), 4);
    assert_eq!(c.terms(n(1)), vec![1, 2, 4]);
    assert_eq!(c.terms(n(3)), vec![1, 2]);
    c
}

/// Figure 8 (d): S1 crashes, S5 restarts and wins term 5 with S2, S3, S4.
fn figure_8_d(c: &mut Cluster) {
    c.crash(n(1));
    c.restart(n(5));
    c.heal();
    c.campaign(n(5));
    if c.node(n(5)).role() != Role::Leader {
        c.campaign(n(5));
    }
    assert_eq!(c.node(n(5)).role(), Role::Leader);
    c.heartbeat(n(5));
    c.heartbeat(n(5));
}

fn applied_at(c: &Cluster, index: LogIndex) -> SortedSet<(NodeId, Term)> {
    c.events
        .iter()
        .filter_map(|(id, e)| {
            if let Event::Applied { index: i, term, .. } = e {
                (*i == index).then_some((*id, *term))
            } else {
                None
            }
        })
        .collect()
}

#[test]
fn figure_8_a_leader_never_commits_an_old_term_entry_by_counting() {
    // Reference: §5.4.2, Figure 8 — index 2 (term 2) on a majority is not committed in term 4.
    let mut c = figure_8_up_to_c(Config::default());
    assert_eq!(
        c.node(n(1)).commit_index(),
        0,
        "S1 restarted (commit index is volatile) and may not count index 2"
    );
    assert!(c.events_of(n(1)).any(|e| matches!(
        e,
        Event::CommitDeferred {
            index: 2,
            entry_term: 2,
            leader_term: 4
        }
    )));
    figure_8_d(&mut c);
    assert_eq!(
        c.terms(n(2)),
        vec![1, 3, 5],
        "S5 overwrote index 2, which was never committed"
    );
    let applied = applied_at(&c, 2);
    assert!(
        applied.iter().all(|(_, t)| *t == 3),
        "only term 3 was ever applied at index 2: {applied:?}"
    );
    assert!(!applied.is_empty());
}

#[test]
fn figure_8_with_commit_any_term_a_committed_entry_is_overwritten() {
    // Reference: §5.4.2, Figure 8; teaching fault `commit-any-term`.
    let mut c = figure_8_up_to_c(config_with(Some(Fault::CommitAnyTerm)));
    assert_eq!(
        c.node(n(1)).commit_index(),
        2,
        "S1 committed index 2 of term 2 by counting"
    );
    assert!(c.events_of(n(1)).any(|e| matches!(
        e,
        Event::Committed {
            index: 2,
            term: 2,
            rule: Rule::Fault(Fault::CommitAnyTerm),
            ..
        }
    )));
    figure_8_d(&mut c);
    let applied = applied_at(&c, 2);
    assert!(
        applied.contains(&(n(1), 2)),
        "S1 applied term 2 at index 2: {applied:?}"
    );
    assert!(
        applied.iter().any(|(_, t)| *t == 3),
        "others applied term 3 at index 2: {applied:?}"
    );
}

#[test]
fn figure_8_e_once_a_current_term_entry_commits_the_old_entry_is_safe() {
    // Reference: §5.4.2, Figure 8 (e).
    let mut c = figure_8_up_to_c(Config::default());
    c.heal();
    c.heartbeat(n(1));
    c.heartbeat(n(1));
    assert!(
        c.node(n(1)).commit_index() >= 3,
        "index 3 of term 4 commits, and index 2 with it"
    );
    c.crash(n(1));
    c.restart(n(5));
    c.campaign(n(5));
    c.campaign(n(5));
    assert_ne!(c.node(n(5)).role(), Role::Leader, "S5 can no longer win");
}

// ----- state machine --------------------------------------------------------

#[test]
fn writes_are_answered_after_they_are_applied_and_followers_refuse_with_a_hint() {
    // Reference: §5.3 (apply committed entries in order), §8 (clients talk to the leader).
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    let w = c.propose(
        n(1),
        Op::Increment {
            key: "k".into(),
            by: 5,
        },
    );
    assert_eq!(c.reply(w), None, "not answered before commit");
    c.deliver_all();
    assert_eq!(
        c.reply(w),
        Some(&Answer::Written(WriteResult {
            ok: true,
            value: Some(5)
        }))
    );
    let f = c.propose(n(2), put("k", 1));
    assert_eq!(
        c.reply(f),
        Some(&Answer::Refused(Refusal::NotLeader {
            leader_hint: Some(n(1))
        }))
    );
}

#[test]
fn a_restart_rebuilds_the_node_from_persistent_state_only() {
    // Reference: Figure 2 — currentTerm, votedFor and log[] persist; the rest is volatile.
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    c.propose(n(1), put("x", 7));
    c.deliver_all();
    c.heartbeat(n(1));
    let (term, terms) = (c.node(n(1)).term(), c.terms(n(1)));
    c.crash(n(1));
    c.restart(n(1));
    let node = c.node(n(1));
    assert_eq!(
        (node.role(), node.term(), node.voted_for()),
        (Role::Follower, term, Some(n(1)))
    );
    assert_eq!(c.terms(n(1)), terms);
    assert_eq!(node.commit_index(), 0, "commit index is volatile");
    assert_eq!(
        node.kv().get("x"),
        None,
        "state machine is rebuilt by re-applying"
    );
    c.elect(n(2));
    c.heartbeat(n(2));
    assert_eq!(c.node(n(1)).kv().get("x"), Some(7));
}

#[test]
fn with_volatile_vote_a_restarted_node_votes_twice_in_one_term() {
    // Reference: Figure 2 (persist votedFor before answering); teaching fault `volatile-vote`.
    for faulty in [false, true] {
        let mut c = Cluster::with_fault(3, faulty.then_some(Fault::VolatileVote));
        c.cut.insert((n(2), n(3)));
        c.cut.insert((n(1), n(3)));
        c.drop_rule = Some(Box::new(|e| {
            matches!(e.message, Message::AppendEntries { .. })
        }));
        c.campaign(n(1)); // N2 votes for N1 in term 1
        c.crash(n(2));
        c.restart(n(2));
        c.cut.clear();
        c.cut.insert((n(3), n(1)));
        c.cut.insert((n(1), n(3)));
        // N3 asks N2 for a vote in the same term 1.
        c.campaign(n(3));
        let two_leaders_in_term_1 =
            c.leaders().len() == 2 && c.leaders().iter().all(|l| c.node(*l).term() == 1);
        assert_eq!(two_leaders_in_term_1, faulty, "faulty = {faulty}");
    }
}

// ----- Pre-Vote and CheckQuorum ---------------------------------------------

#[test]
fn pre_vote_stops_a_rejoining_node_from_disrupting_the_leader() {
    // Reference: thesis §9.6.
    for pre_vote in [false, true] {
        let mut c = Cluster::new(
            3,
            Config {
                pre_vote,
                ..Config::default()
            },
        );
        c.elect(n(1));
        c.isolate(n(3));
        for _ in 0..5 {
            c.fire_election_timer(n(3));
        }
        c.queue.clear();
        let isolated_term = c.node(n(3)).term();
        assert_eq!(
            isolated_term == 1,
            pre_vote,
            "pre-vote keeps the isolated node's term"
        );
        c.heal();
        c.run_ms(400);
        let leader_kept = c.node(n(1)).role() == Role::Leader && c.node(n(1)).term() == 1;
        assert_eq!(leader_kept, pre_vote, "pre_vote = {pre_vote}");
    }
}

#[test]
fn pre_votes_are_refused_while_a_leader_is_heard() {
    // Reference: thesis §9.6 — a server grants a pre-vote only if it has not heard from a leader lately.
    let mut c = Cluster::new(
        3,
        Config {
            pre_vote: true,
            ..Config::default()
        },
    );
    c.elect(n(1));
    c.cut.insert((n(1), n(3)));
    c.run_ms(400); // N3 hears nothing and times out; N2 keeps getting heartbeats
    assert!(c.events_of(n(2)).any(|e| matches!(
        e,
        Event::VoteRefused {
            pre_vote: true,
            reason: VoteRefusal::LeaderAlive { leader: Some(_) },
            ..
        }
    )));
    assert_eq!(c.node(n(3)).role(), Role::PreCandidate);
    assert_eq!(c.node(n(3)).term(), 1);
}

#[test]
fn check_quorum_makes_an_isolated_leader_step_down() {
    // Reference: thesis §6.2.
    for check_quorum in [false, true] {
        let mut c = Cluster::new(
            3,
            Config {
                check_quorum,
                ..Config::default()
            },
        );
        c.run_ms(400);
        let leader = c.leaders()[0];
        c.isolate(leader);
        c.run_ms(400);
        assert_eq!(
            c.node(leader).role() == Role::Leader,
            !check_quorum,
            "check_quorum = {check_quorum}"
        );
    }
}

#[test]
fn with_check_quorum_a_follower_ignores_vote_requests_while_its_leader_is_alive() {
    // Reference: thesis §4.2.3.
    let mut c = Cluster::new(
        3,
        Config {
            check_quorum: true,
            ..Config::default()
        },
    );
    c.run_ms(400);
    let leader = c.leaders()[0];
    let follower = if leader == n(1) { n(2) } else { n(1) };
    let term = c.node(follower).term();
    let now = c.now;
    c.node_mut(follower).handle_message(
        now,
        n(3),
        Message::RequestVote {
            term: term + 1,
            last_log_index: 99,
            last_log_term: 99,
            pre_vote: false,
            transfer: false,
        },
    );
    c.collect(follower);
    assert_eq!(
        c.node(follower).term(),
        term,
        "the disruptive term is not adopted"
    );
    assert!(c.events_of(follower).any(|e| matches!(
        e,
        Event::VoteRefused {
            reason: VoteRefusal::LeaderAlive { .. },
            ..
        }
    )));
    // A transfer's request is honoured (thesis §3.10).
    c.node_mut(follower).handle_message(
        now,
        n(3),
        Message::RequestVote {
            term: term + 1,
            last_log_index: 99,
            last_log_term: 99,
            pre_vote: false,
            transfer: true,
        },
    );
    assert_eq!(c.node(follower).voted_for(), Some(n(3)));
}

#[test]
fn leader_stickiness_alone_ignores_disruptive_votes_but_grants_no_lease() {
    // Reference: §6 — "if a server receives a RequestVote RPC within the
    // minimum election timeout of hearing from a current leader, it does not
    // update its term or grant its vote" — on its own, without CheckQuorum;
    // thesis §6.4.1 — a lease rests on CheckQuorum's promises, so it still
    // needs CheckQuorum; thesis §3.10 — a transfer overrides stickiness.
    for stickiness in [true, false] {
        let mut c = Cluster::new(
            3,
            Config {
                leader_stickiness: stickiness,
                check_quorum: false,
                ..Config::default()
            },
        );
        c.elect(n(1));
        c.heartbeat(n(1));
        let term = c.node(n(2)).term();
        let ask = |transfer| Message::RequestVote {
            term: term + 1,
            last_log_index: 99,
            last_log_term: 99,
            pre_vote: false,
            transfer,
        };
        let now = c.now;
        c.node_mut(n(2)).handle_message(now, n(3), ask(false));
        c.collect(n(2));
        let adopted = c.node(n(2)).term() == term + 1;
        assert_eq!(adopted, !stickiness, "stickiness = {stickiness}");
        if stickiness {
            c.node_mut(n(2)).handle_message(now, n(3), ask(true));
            c.collect(n(2));
            assert_eq!(
                c.node(n(2)).voted_for(),
                Some(n(3)),
                "a transfer goes through"
            );
        }
        let r = c.read(n(1), "x", ReadMode::Lease);
        c.deliver_all();
        assert!(
            matches!(
                c.reply(r),
                Some(Answer::Refused(Refusal::NoLease {
                    reason: NoLeaseReason::NeedsCheckQuorum
                }))
            ),
            "{:?}",
            c.reply(r)
        );
    }
}

#[test]
fn a_follower_of_this_terms_leader_refuses_a_late_candidate_of_the_same_term() {
    // Reference: §5.2 — one leader per term; a server that knows this term's
    // leader (here, one back from a blank disk that caught up from it) must
    // not vote in the term again.
    let mut c = Cluster::new(
        3,
        Config {
            leader_stickiness: false,
            ..Config::default()
        },
    );
    // N1 wins with N3's vote; N2 hears of term 1 only from its heartbeat.
    c.disconnect(n(1), n(2));
    c.elect(n(1));
    c.reconnect(n(1), n(2));
    c.heartbeat(n(1));
    let term = c.node(n(2)).term();
    assert_eq!(c.node(n(2)).leader(), Some(n(1)));
    assert_eq!(
        c.node(n(2)).voted_for(),
        None,
        "N2 never voted in term {term}"
    );
    let now = c.now;
    c.node_mut(n(2)).handle_message(
        now,
        n(3),
        Message::RequestVote {
            term,
            last_log_index: 99,
            last_log_term: 99,
            pre_vote: false,
            transfer: false,
        },
    );
    c.collect(n(2));
    assert!(c.events_of(n(2)).any(|e| matches!(
        e,
        Event::VoteRefused {
            reason: VoteRefusal::FollowsLeader { leader },
            ..
        } if *leader == n(1)
    )));
    assert_eq!(c.node(n(2)).voted_for(), None);
}

// ----- reads ----------------------------------------------------------------

#[test]
fn a_read_index_read_by_a_new_leader_waits_for_its_first_commit() {
    // Reference: §8 — a new leader must commit an entry of its term before serving reads.
    let mut c = Cluster::new(3, Config::default());
    c.drop_rule = Some(Box::new(|e| {
        matches!(e.message, Message::AppendEntries { .. })
    }));
    c.elect(n(1));
    assert_eq!(c.node(n(1)).commit_index(), 0);
    let r = c.read(n(1), "x", ReadMode::ReadIndex);
    c.deliver_all();
    assert_eq!(c.reply(r), None, "held until the no-op commits");
    assert!(c.node(n(1)).pending_reads()[0].read_index.is_none());
    c.heal();
    c.heartbeat(n(1));
    c.heartbeat(n(1));
    assert_eq!(c.reply(r), Some(&Answer::Read { value: None }));
}

#[test]
fn a_read_index_read_is_answered_only_after_a_quorum_confirms_leadership() {
    // Reference: §8 — exchange heartbeats with a majority before answering.
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    c.propose(n(1), put("x", 1));
    c.deliver_all();
    c.isolate(n(1));
    let r = c.read(n(1), "x", ReadMode::ReadIndex);
    c.deliver_all();
    c.heartbeat(n(1));
    assert_eq!(c.reply(r), None, "an isolated leader cannot confirm");
    c.heal();
    c.heartbeat(n(1));
    assert_eq!(c.reply(r), Some(&Answer::Read { value: Some(1) }));
    assert!(c.events_of(n(1)).any(|e| matches!(
        e,
        Event::ReadServed {
            rule: Rule::ReadIndex,
            ..
        }
    )));
}

#[test]
fn a_lease_read_is_refused_once_the_lease_expired_on_the_leaders_clock() {
    // Reference: thesis §6.4.
    let mut c = Cluster::new(
        3,
        Config {
            check_quorum: true,
            ..Config::default()
        },
    );
    c.run_ms(400);
    let leader = c.leaders()[0];
    let r = c.read(leader, "x", ReadMode::Lease);
    assert_eq!(
        c.reply(r),
        Some(&Answer::Read { value: None }),
        "served locally under a valid lease"
    );
    let lease = c.node(leader).lease_until();
    assert!(lease > c.now);
    c.isolate(leader);
    c.run_ms(130);
    assert!(c.now >= lease && c.node(leader).role() == Role::Leader);
    let r = c.read(leader, "x", ReadMode::Lease);
    assert!(matches!(
        c.reply(r),
        Some(Answer::Refused(Refusal::NoLease {
            reason: NoLeaseReason::Expired { .. }
        }))
    ));
    // Without CheckQuorum there is no lease.
    let mut plain = Cluster::new(3, Config::default());
    plain.elect(n(1));
    let r = plain.read(n(1), "x", ReadMode::Lease);
    assert_eq!(
        plain.reply(r),
        Some(&Answer::Refused(Refusal::NoLease {
            reason: NoLeaseReason::NeedsCheckQuorum
        }))
    );
}

#[test]
fn stale_local_read_makes_a_deposed_leader_answer_from_old_state() {
    // Reference: §8; teaching fault `stale-local-read`.
    for faulty in [false, true] {
        let mut c = Cluster::with_fault(3, faulty.then_some(Fault::StaleLocalRead));
        c.elect(n(1));
        c.propose(n(1), put("x", 1));
        c.deliver_all();
        c.isolate(n(1));
        c.elect(n(2));
        c.propose(n(2), put("x", 2));
        c.deliver_all();
        let r = c.read(n(1), "x", ReadMode::ReadIndex);
        c.deliver_all();
        let stale = c.reply(r) == Some(&Answer::Read { value: Some(1) });
        assert_eq!(stale, faulty, "faulty = {faulty}");
    }
}

#[test]
fn unsafe_read_modes_answer_at_once() {
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    c.propose(n(1), put("x", 3));
    c.deliver_all();
    let r = c.read(n(3), "x", ReadMode::LocalAnyNode);
    assert_eq!(
        c.reply(r),
        Some(&Answer::Read { value: None }),
        "N3 has not applied x yet"
    );
    let r = c.read(n(1), "x", ReadMode::LeaderNoCheck);
    assert_eq!(c.reply(r), Some(&Answer::Read { value: Some(3) }));
    let r = c.read(n(2), "x", ReadMode::LeaderNoCheck);
    assert!(matches!(
        c.reply(r),
        Some(Answer::Refused(Refusal::NotLeader { .. }))
    ));
}

// ----- membership -----------------------------------------------------------

fn joint_members() -> Configuration {
    Configuration {
        voters: set(&[1, 2, 3, 4, 5]),
        outgoing: set(&[1, 2, 3]),
        ..Configuration::default()
    }
}

#[test]
fn a_joint_configuration_needs_both_majorities_to_elect() {
    // Reference: §6; RAFT-CASES: votes {3,4,5} win C_new but not C_old; {1,2,4} win both.
    let disks = (1..=5)
        .map(|i| (n(i), PersistentState::bootstrap(joint_members())))
        .collect();
    let mut c = Cluster::from_disks(Config::default(), disks);
    c.cut.insert((n(4), n(1)));
    c.cut.insert((n(4), n(2)));
    c.campaign(n(4));
    assert_eq!(
        c.node(n(4)).role(),
        Role::Candidate,
        "votes from 3, 4, 5 only"
    );
    c.heal();
    c.cut.insert((n(4), n(3)));
    c.cut.insert((n(4), n(5)));
    c.campaign(n(4));
    assert_eq!(c.node(n(4)).role(), Role::Leader, "votes from 1, 2, 4");
}

#[test]
fn a_joint_configuration_needs_both_majorities_to_commit() {
    // Reference: §6.
    let disks = (1..=5)
        .map(|i| (n(i), PersistentState::bootstrap(joint_members())))
        .collect();
    let mut c = Cluster::from_disks(Config::default(), disks);
    // N1's entries reach only N4 and N5.
    c.drop_rule = Some(Box::new(|e| {
        e.from == n(1)
            && (e.to == n(2) || e.to == n(3))
            && matches!(e.message, Message::AppendEntries { .. })
    }));
    c.elect(n(1));
    assert!(c.node(n(4)).last_index() >= 1 && c.node(n(5)).last_index() >= 1);
    assert_eq!(
        c.node(n(1)).commit_index(),
        0,
        "on 1, 4, 5: a majority of C_new but not of C_old"
    );
    c.heal();
    c.heartbeat(n(1));
    assert!(c.node(n(1)).commit_index() >= 1);
}

#[test]
fn a_joint_change_goes_through_c_old_new_then_c_new() {
    // Reference: §6.
    let mut c = Cluster::new(5, Config::default());
    c.elect(n(1));
    c.heartbeat(n(1));
    let now = c.now;
    let index = c
        .node_mut(n(1))
        .change_membership(
            now,
            ConfChange::Joint {
                voters: set(&[1, 2, 3]),
                learners: SortedSet::new(),
            },
        )
        .unwrap();
    c.collect(n(1));
    assert!(c.node(n(1)).membership().is_joint());
    c.deliver_all();
    c.heartbeat(n(1));
    let m = c.node(n(1)).membership();
    assert_eq!((m.voters.clone(), m.is_joint()), (set(&[1, 2, 3]), false));
    assert!(c.node(n(1)).membership_index() > index);
    assert!(c.node(n(1)).commit_index() >= c.node(n(1)).membership_index());
}

#[test]
fn naive_membership_switches_straight_to_the_new_configuration() {
    // Reference: §6; teaching fault `naive-membership`.
    let mut c = Cluster::with_fault(3, Some(Fault::NaiveMembership));
    c.elect(n(1));
    c.heartbeat(n(1));
    let now = c.now;
    let to_145 = ConfChange::Joint {
        voters: set(&[1, 4, 5]),
        learners: SortedSet::new(),
    };
    assert_eq!(
        c.node_mut(n(1)).change_membership(now, to_145),
        Err(Refusal::NotCaughtUp(n(4))),
        "new voters must be caught-up learners first (thesis §4.2.1), fault or not"
    );
    let to_12 = ConfChange::Joint {
        voters: set(&[1, 2]),
        learners: set(&[3]),
    };
    c.node_mut(n(1)).change_membership(now, to_12).unwrap();
    let m = c.node(n(1)).membership();
    assert!(!m.is_joint(), "no C_old,new phase");
    assert_eq!(
        (m.voters.clone(), m.learners.clone()),
        (set(&[1, 2]), set(&[3]))
    );
}

#[test]
fn a_learner_never_counts_toward_a_quorum_and_never_campaigns() {
    // Reference: thesis §4.2.1.
    let members = Configuration {
        voters: set(&[1, 2, 3]),
        learners: set(&[4, 5]),
        ..Configuration::default()
    };
    let disks = (1..=5)
        .map(|i| (n(i), PersistentState::bootstrap(members.clone())))
        .collect();
    let mut c = Cluster::from_disks(Config::default(), disks);
    c.fire_election_timer(n(4));
    assert_eq!(
        c.node(n(4)).role(),
        Role::Follower,
        "a learner does not campaign"
    );
    c.elect(n(1));
    c.heartbeat(n(1));
    let before = c.node(n(1)).commit_index();
    c.cut.insert((n(1), n(2)));
    c.cut.insert((n(1), n(3)));
    c.propose(n(1), put("x", 1));
    c.deliver_all();
    assert_eq!(
        c.node(n(4)).last_index(),
        c.node(n(1)).last_index(),
        "learners receive the log"
    );
    assert_eq!(
        c.node(n(1)).commit_index(),
        before,
        "two learners and the leader are not a quorum"
    );
}

#[test]
fn single_server_changes_wait_for_a_commit_in_the_leaders_term_and_go_one_at_a_time() {
    // Reference: thesis §4.1 and Ongaro's 2015 fix.
    let mut c = Cluster::new(3, Config::default());
    c.drop_rule = Some(Box::new(|e| {
        matches!(e.message, Message::AppendEntries { .. })
    }));
    c.elect(n(1));
    let now = c.now;
    assert_eq!(
        c.node_mut(n(1))
            .change_membership(now, ConfChange::AddLearner(n(4))),
        Err(Refusal::NoCommitInTerm)
    );
    c.heal();
    c.heartbeat(n(1));
    c.cut.insert((n(1), n(2)));
    c.cut.insert((n(1), n(3)));
    let now = c.now;
    assert!(c
        .node_mut(n(1))
        .change_membership(now, ConfChange::AddLearner(n(4)))
        .is_ok());
    assert_eq!(
        c.node_mut(n(1))
            .change_membership(now, ConfChange::AddLearner(n(5))),
        Err(Refusal::ConfigChangePending)
    );
    assert_eq!(
        c.node_mut(n(2))
            .change_membership(now, ConfChange::Remove(n(3))),
        Err(Refusal::NotLeader {
            leader_hint: Some(n(1))
        })
    );
}

#[test]
fn a_new_voter_catches_up_as_a_learner_and_is_then_promoted() {
    // Reference: thesis §4.2.1 and §4.1.
    let members = Configuration::of_voters([n(1), n(2), n(3)]);
    let mut disks: SortedMap<NodeId, PersistentState> = (1..=3)
        .map(|i| (n(i), PersistentState::bootstrap(members.clone())))
        .collect();
    disks.insert(n(4), PersistentState::blank());
    let mut c = Cluster::from_disks(Config::default(), disks);
    c.elect(n(1));
    for i in 0..5 {
        c.propose(n(1), put("k", i));
    }
    c.deliver_all();
    let now = c.now;
    c.node_mut(n(1))
        .change_membership(now, ConfChange::AddVoter(n(4)))
        .unwrap();
    c.collect(n(1));
    assert!(c.node(n(1)).membership().is_learner(n(4)));
    c.deliver_all();
    c.heartbeat(n(1));
    c.heartbeat(n(1));
    assert!(
        c.node(n(1)).membership().is_voter(n(4)),
        "promoted once caught up"
    );
    assert_eq!(c.node(n(4)).kv().get("k"), Some(4));
    assert!(c.node(n(4)).membership().is_voter(n(4)));
}

#[test]
fn an_accepted_promotion_survives_a_change_of_leader() {
    // Reference: thesis §4.2.1 and §4.1 — the request to make a learner a
    // voter is part of the replicated configuration, so the next leader
    // promotes it once it has caught up.
    let members = Configuration::of_voters([n(1), n(2), n(3)]);
    let mut disks: SortedMap<NodeId, PersistentState> = (1..=3)
        .map(|i| (n(i), PersistentState::bootstrap(members.clone())))
        .collect();
    disks.insert(n(4), PersistentState::blank());
    let mut c = Cluster::from_disks(Config::default(), disks);
    c.elect(n(1));
    c.heartbeat(n(1));
    c.isolate(n(4));
    let before = c.node(n(1)).membership_index();
    let now = c.now;
    let index = c
        .node_mut(n(1))
        .change_membership(now, ConfChange::AddVoter(n(4)))
        .expect("accepted");
    c.collect(n(1));
    c.deliver_all();
    assert!(index > before, "the request is a new configuration entry");
    let config = c.node(n(2)).membership().clone();
    assert!(config.is_learner(n(4)) && config.promoting.contains(&n(4)));
    // Asking twice is refused, and says why.
    let now = c.now;
    assert_eq!(
        c.node_mut(n(1))
            .change_membership(now, ConfChange::AddVoter(n(4))),
        Err(Refusal::AlreadyPromoting(n(4)))
    );
    c.heartbeat(n(1));
    c.crash(n(1));
    c.elect(n(2));
    c.heal();
    c.run_ms(1_000);
    let config = c.node(n(2)).membership().clone();
    assert!(
        config.is_voter(n(4)),
        "the new leader promoted N4: {config}"
    );
    assert!(config.promoting.is_empty());
    assert!(c.node(n(2)).membership_index() <= c.node(n(2)).commit_index());
}

#[test]
fn a_new_leader_promotes_only_after_a_commit_in_its_own_term() {
    // Reference: thesis §4.1 and Ongaro's 2015 correction: a configuration
    // change waits for an entry of the leader's term to commit.
    let members = Configuration::of_voters([n(1), n(2), n(3)]);
    let mut disks: SortedMap<NodeId, PersistentState> = (1..=3)
        .map(|i| (n(i), PersistentState::bootstrap(members.clone())))
        .collect();
    disks.insert(n(4), PersistentState::blank());
    let mut c = Cluster::from_disks(Config::default(), disks);
    c.elect(n(1));
    c.heartbeat(n(1));
    let now = c.now;
    c.node_mut(n(1))
        .change_membership(now, ConfChange::AddLearner(n(4)))
        .expect("accepted");
    c.collect(n(1));
    c.deliver_all();
    c.heartbeat(n(1));
    c.isolate(n(4));
    c.propose(n(1), put("x", 1));
    c.deliver_all();
    let now = c.now;
    c.node_mut(n(1))
        .change_membership(now, ConfChange::AddVoter(n(4)))
        .expect("accepted");
    c.collect(n(1));
    c.deliver_all();
    c.heartbeat(n(1));
    assert!(c.node(n(2)).membership().promoting.contains(&n(4)));
    c.crash(n(1));
    c.heal();
    // N2's no-op cannot commit: its AppendEntries are lost.
    c.drop_rule = Some(Box::new(|e| {
        matches!(e.message, Message::AppendEntries { .. })
    }));
    c.elect(n(2));
    assert!(
        c.node(n(2)).commit_index() < c.node(n(2)).last_index(),
        "commit {} last {}",
        c.node(n(2)).commit_index(),
        c.node(n(2)).last_index()
    );
    let config = c.node(n(2)).membership().clone();
    assert!(
        config.is_learner(n(4)),
        "not promoted before a commit in term 2"
    );
    assert!(!c.events_of(n(2)).any(|e| matches!(
        e,
        Event::LeaderAppended { payload, .. } if matches!(**payload, Payload::Config(_))
    )));
}

#[test]
fn a_removed_leader_steps_down_once_the_change_commits() {
    // Reference: §6 — a leader not in C_new steps down when C_new is committed.
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    c.heartbeat(n(1));
    let now = c.now;
    c.node_mut(n(1))
        .change_membership(now, ConfChange::Remove(n(1)))
        .unwrap();
    c.collect(n(1));
    assert_eq!(
        c.node(n(1)).role(),
        Role::Leader,
        "still leads until the change commits"
    );
    c.deliver_all();
    assert_eq!(c.node(n(1)).role(), Role::Follower);
    assert!(c.events_of(n(1)).any(|e| matches!(
        e,
        Event::BecameFollower {
            reason: FollowReason::RemovedFromConfig,
            ..
        }
    )));
    assert!(!c.node(n(1)).is_promotable());
    c.run_ms(1_000);
    let leaders = c.leaders();
    assert_eq!(leaders.len(), 1);
    assert_ne!(leaders[0], n(1));
}

// ----- snapshots ------------------------------------------------------------

#[test]
fn install_snapshot_brings_a_far_behind_follower_up_to_date() {
    // Reference: §7.
    let mut c = Cluster::new(
        3,
        Config {
            snapshot_threshold: 5,
            ..Config::default()
        },
    );
    c.elect(n(1));
    c.isolate(n(3));
    for i in 0..20 {
        c.propose(
            n(1),
            Op::Increment {
                key: "n".into(),
                by: i,
            },
        );
        c.deliver_all();
    }
    assert!(
        c.node(n(1)).log().snapshot().last_index >= 15,
        "the leader compacted"
    );
    c.heal();
    c.heartbeat(n(1));
    c.heartbeat(n(1));
    assert!(c
        .events_of(n(3))
        .any(|e| matches!(e, Event::SnapshotInstalled { .. })));
    assert_eq!(c.node(n(3)).kv(), c.node(n(1)).kv());
    assert_eq!(c.node(n(3)).last_index(), c.node(n(1)).last_index());
    assert_eq!(c.node(n(3)).kv().get("n"), Some((0..20).sum()));
}

// ----- leadership transfer ---------------------------------------------------

#[test]
fn leadership_transfer_hands_over_to_an_up_to_date_target() {
    // Reference: thesis §3.10.
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    c.cut.insert((n(1), n(2)));
    c.propose(n(1), put("x", 1));
    c.deliver_all();
    c.heal();
    let now = c.now;
    c.node_mut(n(1)).transfer_leadership(now, n(2)).unwrap();
    c.collect(n(1));
    // Requests are refused while handing over.
    let w = c.propose(n(1), put("y", 1));
    assert_eq!(
        c.reply(w),
        Some(&Answer::Refused(Refusal::TransferInProgress))
    );
    c.deliver_all();
    assert_eq!(c.node(n(2)).role(), Role::Leader);
    assert_eq!(c.node(n(1)).role(), Role::Follower);
    assert_eq!(
        c.node(n(2)).kv().get("x"),
        Some(1),
        "the write N2 was missing survived the hand-over"
    );
    let sent = c
        .events_of(n(1))
        .position(|e| matches!(e, Event::TimeoutNowSent { .. }))
        .unwrap();
    let started = c
        .events_of(n(1))
        .position(|e| matches!(e, Event::TransferStarted { .. }))
        .unwrap();
    assert!(started < sent);
    let now = c.now;
    assert_eq!(
        c.node_mut(n(2)).transfer_leadership(now, n(2)),
        Err(Refusal::AlreadyLeader)
    );
}

#[test]
fn every_event_sentence_names_its_rule_section() {
    let mut c = Cluster::new(
        3,
        Config {
            pre_vote: true,
            check_quorum: true,
            snapshot_threshold: 2,
            ..Config::default()
        },
    );
    c.run_ms(500);
    let leader = c.leaders()[0];
    c.propose(leader, put("a", 1));
    c.propose(leader, put("b", 2));
    c.read(leader, "a", ReadMode::ReadIndex);
    c.run_ms(200);
    assert!(c.events.len() > 20);
    for (id, e) in &c.events {
        let s = e.sentence(*id);
        assert!(s.ends_with(&format!("({})", e.rule().section())), "{s}");
        assert!(s.starts_with(&id.to_string()), "{s}");
    }
}

#[test]
fn a_server_with_a_blank_disk_does_not_vote_until_it_joins() {
    // Reference: thesis §4.2.1 (new servers join without a vote). A blank
    // disk may reuse the id of a removed server that a lagging node's old
    // configuration still lists; counting its vote there could elect a
    // leader that lacks committed entries.
    let members = Configuration::of_voters([n(1), n(2), n(3)]);
    let mut disks: SortedMap<NodeId, PersistentState> =
        [(n(1), PersistentState::bootstrap(members.clone()))]
            .into_iter()
            .collect();
    disks.insert(n(2), PersistentState::blank());
    disks.insert(n(3), PersistentState::blank());
    let mut c = Cluster::from_disks(Config::default(), disks);
    c.campaign(n(1));
    assert_eq!(c.node(n(1)).role(), Role::Candidate);
    assert!(c.events_of(n(2)).any(|e| matches!(
        e,
        Event::VoteRefused {
            reason: VoteRefusal::NeverJoined,
            ..
        }
    )));
}
