//! Checker tests: every invariant fires on a hand-made violation; the
//! fuzzer finds nothing in a correct cluster and catches every teaching fault.

use super::fuzz::{run_seeds, FuzzOptions};
use super::*;
use crate::raft::{Configuration, Event, Fault, NodeId, Payload, PersistentState, Time};
use crate::sim::{Action, StepRecord, What, World, WorldConfig};

fn n(i: u8) -> NodeId {
    NodeId(i)
}

/// A three-node world whose disks hold logs with these entry terms.
fn world_with_logs(logs: [&[u64]; 3], term: u64) -> World {
    let members = Configuration::of_voters([n(1), n(2), n(3)]);
    let disks = logs
        .iter()
        .map(|terms| {
            let mut d = PersistentState::bootstrap(members.clone());
            d.term = term;
            for t in *terms {
                d.log.append(*t, Payload::Noop);
            }
            d
        })
        .collect();
    World::from_disks(
        WorldConfig {
            nodes: 3,
            voters: 3,
            ..WorldConfig::default()
        },
        1,
        disks,
    )
    .unwrap()
}

/// A synthetic step in which `node` acted and emitted `events`.
fn step(index: u64, node: NodeId, events: Vec<Event>) -> StepRecord {
    StepRecord {
        index,
        time: Time::from_millis(index),
        what: What::Timer { node },
        node: Some(node),
        events: events.into_iter().map(|e| (node, e)).collect(),
        sent: Vec::new(),
    }
}

fn kinds(inv: &Invariants) -> Vec<ViolationKind> {
    inv.violations().iter().map(|v| v.kind).collect()
}

#[test]
fn election_safety_fires_on_two_leaders_in_one_term() {
    // Reference: §5.2, Figure 3.
    let w = world_with_logs([&[1], &[1], &[1]], 3);
    let mut inv = Invariants::new();
    inv.check(
        &w,
        &step(
            1,
            n(1),
            vec![Event::BecameLeader {
                term: 3,
                votes: vec![n(1), n(2)],
            }],
        ),
    );
    assert!(inv.violations().is_empty());
    inv.check(
        &w,
        &step(
            2,
            n(3),
            vec![Event::BecameLeader {
                term: 3,
                votes: vec![n(3), n(2)],
            }],
        ),
    );
    assert_eq!(kinds(&inv), vec![ViolationKind::ElectionSafety]);
    let v = &inv.violations()[0];
    assert_eq!(
        (v.nodes.clone(), v.term, v.step),
        (vec![n(1), n(3)], Some(3), 2)
    );
    assert!(
        v.sentence
            .contains("N1 and N3 were both elected leader of term 3"),
        "{}",
        v.sentence
    );
}

#[test]
fn log_matching_fires_when_equal_index_and_term_follow_different_histories() {
    // Reference: §5.3, Figure 3 — entry 3 of term 2 after term 1 on N1, after term 2 on N2.
    let w = world_with_logs([&[1, 1, 2], &[1, 2, 2], &[1]], 2);
    let mut inv = Invariants::new();
    inv.check(&w, &step(1, n(1), vec![]));
    assert!(inv.violations().is_empty());
    inv.check(&w, &step(2, n(2), vec![]));
    assert_eq!(kinds(&inv), vec![ViolationKind::LogMatching]);
    assert_eq!(inv.violations()[0].index, Some(3));
}

/// N1 commits index 2 (term 1) in world `w`.
fn n1_commits_index_2(w: &World, inv: &mut Invariants) {
    inv.check(
        w,
        &step(
            1,
            n(1),
            vec![Event::Committed {
                index: 2,
                term: 1,
                quorum: vec![n(1), n(3)],
                rule: crate::raft::Rule::CurrentTermCommit,
            }],
        ),
    );
}

/// N2 becomes leader of `term` in world `w`.
fn n2_elected(w: &World, inv: &mut Invariants, term: u64) {
    inv.check(
        w,
        &step(
            2,
            n(2),
            vec![Event::BecameLeader {
                term,
                votes: vec![n(2), n(3)],
            }],
        ),
    );
}

#[test]
fn leader_completeness_fires_when_a_leader_lacks_a_committed_entry() {
    // Reference: §5.4, Figure 3.
    let w = world_with_logs([&[1, 1], &[1], &[1]], 2);
    let mut inv = Invariants::new();
    n1_commits_index_2(&w, &mut inv);
    n2_elected(&w, &mut inv, 3);
    assert_eq!(kinds(&inv), vec![ViolationKind::LeaderCompleteness]);
    assert!(
        inv.violations()[0].sentence.contains("without entry 2"),
        "{}",
        inv.violations()[0].sentence
    );
}

#[test]
fn leader_completeness_concerns_only_leaders_of_later_terms() {
    // Reference: Figure 3 — "if a log entry is committed in a given term,
    // that entry will be present in the logs of the leaders for all
    // higher-numbered terms". A candidate of an older term can still win
    // with votes delayed by the network (fuzz seed 1030840): not a violation.
    let w = world_with_logs([&[1, 1], &[1], &[1]], 4);
    let mut inv = Invariants::new();
    n1_commits_index_2(&w, &mut inv);
    n2_elected(&w, &mut inv, 3);
    assert!(inv.violations().is_empty(), "{:?}", inv.violations());
    let mut inv = Invariants::new();
    n1_commits_index_2(&w, &mut inv);
    n2_elected(&w, &mut inv, 5);
    assert_eq!(kinds(&inv), vec![ViolationKind::LeaderCompleteness]);
}

#[test]
fn state_machine_safety_fires_when_two_nodes_apply_different_entries_at_one_index() {
    // Reference: §5.4.3, Figure 3.
    let w = world_with_logs([&[1], &[1], &[1]], 3);
    let mut inv = Invariants::new();
    let applied = |term| Event::Applied {
        index: 2,
        term,
        payload: Payload::Noop.into(),
        outcome: None,
    };
    inv.check(&w, &step(1, n(1), vec![applied(2)]));
    inv.check(&w, &step(2, n(2), vec![applied(2)]));
    assert!(inv.violations().is_empty(), "the same entry twice is fine");
    inv.check(&w, &step(3, n(3), vec![applied(3)]));
    assert_eq!(kinds(&inv), vec![ViolationKind::StateMachineSafety]);
    assert_eq!(inv.violations()[0].nodes, vec![n(1), n(3)]);
}

#[test]
fn leader_append_only_fires_when_a_leader_loses_its_own_entry() {
    // Reference: Figure 3. Two single-voter worlds elect N1 in the same term;
    // the second has a shorter log, as if the leader had truncated its own.
    let (long, short) = (solo_leader(&[1, 1, 1]), solo_leader(&[1]));
    assert_eq!(long.node(n(1)).term(), short.node(n(1)).term());
    let mut inv = Invariants::new();
    inv.check(&long, &step(1, n(1), vec![]));
    inv.check(&short, &step(2, n(1), vec![]));
    assert!(
        kinds(&inv).contains(&ViolationKind::LeaderAppendOnly),
        "{:?}",
        kinds(&inv)
    );
}

/// A world of one voter, N1, whose disk holds entries of these terms,
/// run until N1 leads (it appends a no-op of its new term).
fn solo_leader(terms: &[u64]) -> World {
    let members = Configuration::of_voters([n(1)]);
    let mut d = PersistentState::bootstrap(members);
    d.term = 2;
    for t in terms {
        d.log.append(*t, Payload::Noop);
    }
    let mut w = World::from_disks(
        WorldConfig {
            nodes: 3,
            voters: 1,
            ..WorldConfig::default()
        },
        1,
        vec![d, PersistentState::blank(), PersistentState::blank()],
    )
    .unwrap();
    w.run_until(Time::from_millis(1_000));
    assert_eq!(w.leader(), Some(n(1)));
    w
}

#[test]
fn a_leader_whose_entry_changes_in_place_below_its_last_is_caught() {
    // Reference: Figure 3 — Leader Append-Only and Log Matching over the
    // whole log, not only its end: here entry 2 changes term while the last
    // index and term stay the same.
    let (before, after) = (solo_leader(&[1, 1, 2]), solo_leader(&[1, 2, 2]));
    let (a, b) = (before.node(n(1)), after.node(n(1)));
    assert_eq!(
        (a.term(), a.last_index(), a.log().last_term()),
        (b.term(), b.last_index(), b.log().last_term())
    );
    let mut inv = Invariants::new();
    inv.check(&before, &step(1, n(1), vec![]));
    assert!(inv.violations().is_empty(), "{:?}", inv.violations());
    inv.check(&after, &step(2, n(1), vec![]));
    let found: Vec<(ViolationKind, Option<u64>)> =
        inv.violations().iter().map(|v| (v.kind, v.index)).collect();
    assert!(
        found.contains(&(ViolationKind::LeaderAppendOnly, Some(2))),
        "{found:?}"
    );
    assert!(
        found.contains(&(ViolationKind::LogMatching, Some(3))),
        "{found:?}"
    );
}

#[test]
fn an_entry_committed_and_compacted_in_one_step_is_still_recorded() {
    // With snapshot_threshold = 1 a node compacts every entry it applies,
    // in the step that commits it. The commit must still be recorded.
    let mut w = World::new(
        WorldConfig {
            nodes: 3,
            voters: 3,
            raft: crate::raft::Config {
                snapshot_threshold: 1,
                ..Default::default()
            },
            workload: Some(crate::sim::Workload {
                read_permille: 0,
                ..Default::default()
            }),
            ..WorldConfig::default()
        },
        4,
    );
    let mut inv = Invariants::new();
    while w.now() < Time::from_millis(2_000) {
        let Some(r) = w.step() else { break };
        inv.check(&w, &r);
    }
    assert!(inv.violations().is_empty(), "{:?}", inv.violations());
    let leader = w.node(w.leader().expect("a leader"));
    assert!(leader.commit_index() > 10, "writes committed");
    assert_eq!(
        leader.log().snapshot().last_index,
        leader.commit_index(),
        "all compacted"
    );
    let highest = inv.highest_commit().expect("commits were recorded");
    assert_eq!(
        highest.0,
        leader.commit_index(),
        "every commit was recorded"
    );
}

#[test]
fn leader_completeness_sees_a_commit_compacted_in_the_same_step() {
    // Reference: §5.4, Figure 3 — N1 commits entry 2 and compacts it at once
    // (snapshot_threshold = 1); N2, elected later without it, must be caught.
    let w = world_with_logs([&[1, 1], &[1], &[1]], 2);
    let mut disks: Vec<PersistentState> = w
        .node_ids()
        .into_iter()
        .map(|id| w.node(id).persistent_state().clone())
        .collect();
    disks[0].log.compact(2, Default::default());
    let w = World::from_disks(w.config().clone(), 1, disks).unwrap();
    assert_eq!(
        w.node(n(1)).log().first_index(),
        3,
        "N1 holds entry 2 only in its snapshot"
    );
    let mut inv = Invariants::new();
    inv.check(
        &w,
        &step(
            1,
            n(1),
            vec![
                Event::Committed {
                    index: 2,
                    term: 1,
                    quorum: vec![n(1), n(3)],
                    rule: crate::raft::Rule::CurrentTermCommit,
                },
                Event::Applied {
                    index: 2,
                    term: 1,
                    payload: Payload::Noop.into(),
                    outcome: None,
                },
            ],
        ),
    );
    n2_elected(&w, &mut inv, 3);
    assert_eq!(kinds(&inv), vec![ViolationKind::LeaderCompleteness]);
}

#[test]
fn terms_and_commit_indexes_must_not_decrease() {
    let high = world_with_logs([&[1, 1, 1], &[1], &[1]], 7);
    let mut inv = Invariants::new();
    inv.check(&high, &step(1, n(1), vec![]));
    // A restart that comes back at a lower term (volatile-vote).
    inv.check(
        &high,
        &step(
            2,
            n(1),
            vec![Event::Started {
                term: 1,
                last_index: 3,
                lost_vote: true,
            }],
        ),
    );
    assert_eq!(kinds(&inv), vec![ViolationKind::TermDecreased]);
    // A blank-disk restart is a new server: no violation.
    let mut inv = Invariants::new();
    inv.check(&high, &step(1, n(2), vec![]));
    let blank = StepRecord {
        what: What::Action {
            action: Action::RestartBlank { node: n(2) },
            result: Ok(()),
        },
        ..step(
            2,
            n(2),
            vec![Event::Started {
                term: 0,
                last_index: 0,
                lost_vote: false,
            }],
        )
    };
    inv.check(&high, &blank);
    assert!(!kinds(&inv).contains(&ViolationKind::TermDecreased));
    // Commit index: a running node's commit index never goes down.
    let committed = {
        let mut w = world_with_logs([&[1, 1, 1], &[1, 1, 1], &[1, 1, 1]], 1);
        w.run_until(Time::from_millis(2_000));
        w
    };
    let fresh = world_with_logs([&[1, 1, 1], &[1, 1, 1], &[1, 1, 1]], 1);
    let id = committed
        .node_ids()
        .into_iter()
        .find(|id| committed.node(*id).commit_index() > 0)
        .unwrap();
    let mut inv = Invariants::new();
    inv.check(&committed, &step(1, id, vec![]));
    inv.check(&fresh, &step(2, id, vec![]));
    assert!(
        kinds(&inv).contains(&ViolationKind::CommitDecreased),
        "{:?}",
        kinds(&inv)
    );
}

#[test]
fn a_correct_cluster_passes_every_invariant_under_a_busy_fault_free_run() {
    let config = WorldConfig {
        workload: Some(crate::sim::Workload::default()),
        ..WorldConfig::default()
    };
    let mut w = World::new(config, 12);
    let mut inv = Invariants::new();
    while w.now() < Time::from_millis(10_000) {
        let r = w.step().unwrap();
        inv.check(&w, &r);
    }
    assert!(inv.violations().is_empty(), "{:?}", inv.violations());
    assert!(matches!(
        check_history(w.history().iter(), 1_000_000),
        Linearizability::Ok
    ));
    assert!(w.history().len() > 50);
}

/// The fuzz sample of the test suite: 2,000 seeds of 30 simulated seconds,
/// every step checked, zero violations allowed.
#[test]
fn fuzzing_two_thousand_seeds_finds_no_violation_in_a_correct_cluster() {
    let summary = run_seeds(1, 2_000, &FuzzOptions::default(), 2, false);
    let failures: Vec<String> = summary
        .failures
        .iter()
        .filter_map(|f| {
            f.violation
                .as_ref()
                .map(|v| format!("seed {}: {v}", f.seed))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(summary.seeds, 2_000);
    assert!(summary.sim_micros >= 2_000 * 30_000_000);
}

fn caught(fault: Fault) -> Violation {
    let options = FuzzOptions {
        fault: Some(fault),
        ..FuzzOptions::default()
    };
    let summary = run_seeds(1, 2_000, &options, 2, true);
    let first = summary
        .failures
        .first()
        .unwrap_or_else(|| panic!("{fault} was not caught in 2,000 seeds"));
    first.violation.clone().unwrap()
}

/// The first violation the fuzzer finds with `bug` put back, and its seed.
fn caught_bug(bug: crate::raft::Regression) -> (u64, Violation) {
    let options = FuzzOptions {
        reinject: Some(bug),
        ..FuzzOptions::default()
    };
    let summary = run_seeds(1, 2_000, &options, 2, true);
    let first = summary
        .failures
        .first()
        .unwrap_or_else(|| panic!("{bug} was not caught in 2,000 seeds"));
    (first.seed, first.violation.clone().unwrap())
}

#[test]
fn the_fuzzer_finds_each_fixed_liveness_bug_when_it_is_put_back() {
    // The moves it learned (removals, self-removal, disk loss of members,
    // settings changed mid-run) and the liveness it checks after the heal
    // (a steady term, members caught up, no storm of messages) find every
    // trap the review found by hand. `raftlab-fuzz --reinject` runs more.
    use crate::raft::Regression;
    // A wedged election shows as terms that keep climbing or, where every
    // candidate's log is refused, as no leader at all.
    let wedged: &[&str] = &["kept climbing", "no node was leader"];
    for (bug, why) in [
        (
            Regression::StickinessNeedsCheckQuorum,
            &["kept climbing"][..],
        ),
        (Regression::LatestConfigGatesCampaign, wedged),
        (Regression::ProbeIgnoresShorterLog, &["in flight"][..]),
        (
            Regression::FoundingConfigNotSent,
            &["did not know the configuration"][..],
        ),
    ] {
        let (seed, v) = caught_bug(bug);
        assert_eq!(v.kind, ViolationKind::Liveness, "{bug}, seed {seed}: {v}");
        assert!(
            why.iter().any(|w| v.sentence.contains(w)),
            "{bug}, seed {seed}: {v}"
        );
    }
}

#[test]
fn the_fuzzer_catches_fixed_timeouts_as_a_liveness_violation() {
    assert_eq!(caught(Fault::FixedTimeouts).kind, ViolationKind::Liveness);
}

#[test]
fn the_fuzzer_catches_commit_any_term_as_a_safety_violation() {
    assert!(caught(Fault::CommitAnyTerm).kind.is_safety());
}

#[test]
fn the_fuzzer_catches_no_election_restriction_as_a_safety_violation() {
    assert!(caught(Fault::NoElectionRestriction).kind.is_safety());
}

#[test]
fn the_fuzzer_catches_naive_membership_as_a_safety_violation() {
    assert!(caught(Fault::NaiveMembership).kind.is_safety());
}

#[test]
fn the_fuzzer_catches_volatile_vote_as_a_safety_violation() {
    assert!(caught(Fault::VolatileVote).kind.is_safety());
}

#[test]
fn the_fuzzer_catches_stale_local_read_as_a_linearizability_violation() {
    assert_eq!(
        caught(Fault::StaleLocalRead).kind,
        ViolationKind::Linearizability
    );
}

#[test]
fn the_fuzzer_catches_stale_lease_reads_when_clocks_drift_past_the_bound() {
    // Reference: thesis §6.4.1 — lease reads are only as safe as the drift
    // bound they were validated for.
    let options = FuzzOptions {
        drift_past_bound: true,
        ..FuzzOptions::default()
    };
    let summary = run_seeds(1, 2_000, &options, 2, true);
    let first = summary
        .failures
        .first()
        .expect("a stale lease read within 2,000 seeds");
    let v = first.violation.as_ref().unwrap();
    assert_eq!(v.kind, ViolationKind::Linearizability, "{v}");
}

#[test]
fn a_failing_seed_reproduces_exactly_from_its_session() {
    let options = FuzzOptions {
        fault: Some(Fault::VolatileVote),
        ..FuzzOptions::default()
    };
    let report = fuzz::run_seed(2, &options);
    let v = report
        .violation
        .clone()
        .expect("seed 2 fails with volatile-vote");
    let mut w = World::with_actions(
        report.session.config.clone(),
        report.session.seed,
        &report.session.actions,
    )
    .unwrap();
    let mut inv = Invariants::new();
    while w.steps() < v.step {
        let r = w.step().unwrap();
        inv.check(&w, &r);
    }
    assert_eq!(inv.first_violation(), Some(&v));
}

/// Three nodes with CheckQuorum on a fast network; x = 1 is committed, then
/// the leader's clock is set `slow` ppm slow and the others' `fast` ppm fast,
/// and the leader is cut off from both right after a quorum renewed its
/// lease. Once another node leads, a client writes x = 2 through it, then
/// reads x from the old leader in lease mode. Returns the verdict on the
/// history and what the read returned.
fn lease_read_after_drift(slow: i64, fast: i64) -> (Linearizability, Option<i64>) {
    use crate::raft::{Op, ReadMode, Role};
    use crate::sim::{OpKind, Outcome};
    let mut w = World::new(
        WorldConfig {
            nodes: 3,
            voters: 3,
            raft: crate::raft::Config {
                check_quorum: true,
                ..Default::default()
            },
            network: crate::sim::NetworkConfig {
                latency_min_us: 1_000,
                latency_max_us: 2_000,
                ..Default::default()
            },
            ..WorldConfig::default()
        },
        7,
    );
    let until_done = |w: &mut World, op: usize| {
        for _ in 0..2_000 {
            if w.history()[op].completed_at().is_some() {
                return;
            }
            let t = w.now().plus(500);
            w.run_until(t);
        }
        panic!("operation {op} never completed");
    };
    w.run_until(Time::from_millis(1_000));
    let old = w.leader().expect("a leader");
    let set = |value| Op::Set {
        key: "x".into(),
        value,
    };
    w.act(Action::Write {
        node: old,
        op: set(1),
    });
    until_done(&mut w, 0);
    for id in w.node_ids() {
        let drift_ppm = if id == old { -slow } else { fast };
        w.act(Action::SetClockDrift {
            node: id,
            drift_ppm,
        });
    }
    // Wait for a round the followers acknowledged under the new clocks.
    let fresh = |w: &World| {
        let local = w.clock(old).map_or(Time::ZERO, |c| c.local(w.now()));
        w.node(old).lease_until() > local.plus(110_000)
    };
    let t = w.now().plus(100_000);
    w.run_until(t);
    while !fresh(&w) {
        let t = w.now().plus(100);
        w.run_until(t);
        assert!(w.now() < Time::from_millis(5_000), "no fresh lease");
    }
    let rest: Vec<NodeId> = w.node_ids().into_iter().filter(|id| *id != old).collect();
    w.act(Action::Partition {
        groups: vec![vec![old], rest.clone()],
    });
    let new = loop {
        let t = w.now().plus(500);
        w.run_until(t);
        if let Some(l) = rest.iter().find(|id| w.node(**id).role() == Role::Leader) {
            break *l;
        }
        assert!(w.now() < Time::from_millis(5_000), "no new leader");
    };
    w.act(Action::Write {
        node: new,
        op: set(2),
    });
    until_done(&mut w, 1);
    w.act(Action::Read {
        node: old,
        key: "x".into(),
        mode: ReadMode::Lease,
    });
    until_done(&mut w, 2);
    assert!(matches!(w.history()[2].kind, OpKind::Read { .. }));
    let value = match w.history()[2].outcome {
        Outcome::ReadOk { value, .. } => value,
        _ => None,
    };
    (check_history(w.history().iter(), 1_000_000), value)
}

#[test]
fn a_lease_read_is_safe_while_clocks_drift_within_the_configured_bound() {
    // Reference: thesis §6.4.1 — the lease is validated for 5 % drift.
    let (verdict, value) = lease_read_after_drift(50_000, 50_000);
    assert_eq!(verdict, Linearizability::Ok);
    assert_ne!(value, Some(1), "the old leader's lease had run out");
}

#[test]
fn a_lease_read_under_drift_past_the_bound_is_stale_and_the_checker_proves_it() {
    // Reference: thesis §6.4.1 — past the bound, the old leader's slow clock
    // still shows a valid lease after the others elected a new leader.
    let (verdict, value) = lease_read_after_drift(450_000, 450_000);
    assert_eq!(
        value,
        Some(1),
        "the old leader answered from its stale lease"
    );
    assert!(
        matches!(verdict, Linearizability::Violation(_)),
        "{verdict:?}"
    );
}
