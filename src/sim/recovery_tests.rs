//! No click can wedge the cluster: the liveness traps a review found, each
//! played in the world as a person would set it up, with the default
//! settings. Each test also plays its trap with the fixed bug put back
//! ([`Regression`]) and sees the cluster wedge, so it can fail.

use super::*;
use crate::raft::{ConfChange, Config, NodeId, Op, Regression, Role, Term, Time};

fn n(i: u8) -> NodeId {
    NodeId(i)
}

/// A world of `nodes` founding voters, with the default settings and one
/// bug put back (or none), run until it has a leader.
fn cluster(nodes: u8, seed: u64, bug: Option<Regression>) -> World {
    let mut w = World::new(
        WorldConfig {
            nodes,
            voters: nodes,
            raft: Config {
                regression: bug,
                ..Config::default()
            },
            ..WorldConfig::default()
        },
        seed,
    );
    w.run_until(Time::from_millis(1_000));
    assert!(w.leader().is_some(), "a leader within a second");
    w
}

/// Runs the world on, and returns who led and in which term every 100 ms.
fn leaders_over(w: &mut World, ms: u64) -> Vec<(Vec<NodeId>, Term)> {
    let end = w.now().plus(ms * 1_000);
    let mut samples = Vec::new();
    while w.now() < end {
        w.run_until(w.now().plus(100_000));
        let leaders: Vec<NodeId> = w
            .node_ids()
            .into_iter()
            .filter(|id| w.is_up(*id) && w.node(*id).role() == Role::Leader)
            .collect();
        let term = leaders.iter().map(|l| w.node(*l).term()).max().unwrap_or(0);
        samples.push((leaders, term));
    }
    samples
}

/// The highest term among `members`.
fn term_of(w: &World, members: &[NodeId]) -> Term {
    members
        .iter()
        .map(|id| w.node(*id).term())
        .max()
        .unwrap_or(0)
}

fn act_ok(w: &mut World, action: Action) {
    let (_, records) = w.act(action.clone());
    match &records.last().expect("the action took a step").what {
        What::Action { result, .. } => assert_eq!(result, &Ok(()), "{action:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn after_remove_n3_the_rest_keep_one_leader_and_their_term_for_ten_seconds() {
    // Reference: §6, thesis §4.2.3 — the two clicks a lecturer makes:
    // select N3, "Remove N3 from the cluster". N3 learns its removal with
    // the commit, and the others would ignore its elections anyway.
    let mut w = cluster(5, 1, None);
    let leader = w.leader().unwrap();
    assert_ne!(leader, n(3), "this seed's leader is not the server removed");
    let term = w.node(leader).term();
    act_ok(
        &mut w,
        Action::ChangeMembership {
            change: ConfChange::Remove(n(3)),
        },
    );
    let samples = leaders_over(&mut w, 10_000);
    for (leaders, t) in &samples {
        assert_eq!(leaders, &vec![leader], "one leader throughout");
        assert_eq!(*t, term, "its term did not move");
    }
    let rest = [n(1), n(2), n(4), n(5)];
    assert_eq!(term_of(&w, &rest), term);
    let n3 = w.node(n(3));
    assert!(!n3.is_promotable(), "N3 knows its removal is committed");
    assert_eq!(n3.role(), Role::Follower);
    assert!(!n3.membership().is_member(n(3)));
}

/// Removes N3 while it is cut off, so it never learns, then reconnects it:
/// returns the members' term before and after ten seconds, and N3's.
fn removed_while_away(bug: Option<Regression>) -> (Term, Term, Term) {
    let mut w = cluster(5, 1, bug);
    let leader = w.leader().unwrap();
    act_ok(&mut w, Action::Isolate { node: n(3) });
    act_ok(
        &mut w,
        Action::ChangeMembership {
            change: ConfChange::Remove(n(3)),
        },
    );
    w.run_until(w.now().plus(500_000));
    let rest = [n(1), n(2), n(4), n(5)];
    assert!(w.node(leader).commit_index() >= w.node(leader).membership_index());
    act_ok(&mut w, Action::Heal);
    let before = term_of(&w, &rest);
    w.run_until(w.now().plus(10_000_000));
    (before, term_of(&w, &rest), w.node(n(3)).term())
}

#[test]
fn a_removed_server_that_never_learned_cannot_raise_the_members_term() {
    // Reference: §6 — "if a server receives a RequestVote RPC within the
    // minimum election timeout of hearing from a current leader, it does
    // not update its term or grant its vote".
    let (before, after, n3) = removed_while_away(None);
    assert_eq!(after, before, "the members' term did not climb");
    assert!(n3 > after + 10, "N3 campaigned alone, up to term {n3}");
    // With the rule only under CheckQuorum, as before, N3 drags them along.
    let (before, after, _) = removed_while_away(Some(Regression::StickinessNeedsCheckQuorum));
    assert!(after > before + 10, "the bug is back: {before} → {after}");
}

/// Three voters; N3 is removed; the leader's messages to the other voter
/// are cut one way; the leader removes itself, so only it stores the new
/// configuration; the other voter times out and the leader steps down.
/// Then the link is restored. Returns the world two seconds later.
fn leader_removes_itself(bug: Option<Regression>) -> (World, NodeId, NodeId) {
    let mut w = cluster(3, 1, bug);
    let leader = w.leader().unwrap();
    let other = [n(1), n(2), n(3)]
        .into_iter()
        .find(|id| *id != leader && *id != n(3))
        .unwrap();
    assert_ne!(leader, n(3), "this seed's leader is not N3");
    act_ok(
        &mut w,
        Action::ChangeMembership {
            change: ConfChange::Remove(n(3)),
        },
    );
    w.run_until(w.now().plus(300_000));
    act_ok(&mut w, Action::Crash { node: n(3) });
    act_ok(
        &mut w,
        Action::CutLink {
            from: leader,
            to: other,
        },
    );
    act_ok(
        &mut w,
        Action::ChangeMembership {
            change: ConfChange::Remove(leader),
        },
    );
    w.run_until(w.now().plus(1_000_000));
    assert_ne!(
        w.node(leader).role(),
        Role::Leader,
        "the leader stepped down"
    );
    assert!(
        w.node(leader).last_index() > w.node(other).last_index(),
        "only the old leader stores its removal"
    );
    act_ok(
        &mut w,
        Action::RestoreLink {
            from: leader,
            to: other,
        },
    );
    w.run_until(w.now().plus(2_000_000));
    (w, leader, other)
}

#[test]
fn a_leader_that_removed_itself_can_win_again_and_finish_the_change() {
    // Reference: thesis §4.2.2 and §4.1 — a server outside its own latest
    // configuration may still be needed to campaign until C_new commits.
    let (w, old, other) = leader_removes_itself(None);
    assert_eq!(w.leader(), Some(other), "the remaining voter leads");
    let node = w.node(other);
    assert_eq!(
        node.membership().voters.iter().copied().collect::<Vec<_>>(),
        vec![other]
    );
    assert!(
        node.commit_index() >= node.membership_index(),
        "C_new committed"
    );
    assert!(!w.node(old).is_promotable(), "{old} knows it is out");
    // When a server outside its latest configuration may never campaign:
    let (w, _, _) = leader_removes_itself(Some(Regression::LatestConfigGatesCampaign));
    assert_eq!(w.leader(), None, "the bug is back: no leader, ever");
}

/// Five voters with some history; a follower restarts with a blank disk.
/// Returns the world two seconds later and the follower.
fn member_loses_its_disk(bug: Option<Regression>) -> (World, NodeId) {
    let mut w = cluster(5, 3, bug);
    for value in 1..=5 {
        let node = w.leader().unwrap();
        act_ok(
            &mut w,
            Action::Write {
                node,
                op: Op::Set {
                    key: "x".into(),
                    value,
                },
            },
        );
        w.run_until(w.now().plus(50_000));
    }
    let leader = w.leader().unwrap();
    let follower = w.node_ids().into_iter().find(|id| *id != leader).unwrap();
    assert!(w.node(leader).progress(follower).unwrap().matched > 2);
    act_ok(&mut w, Action::RestartBlank { node: follower });
    w.run_until(w.now().plus(2_000_000));
    (w, follower)
}

#[test]
fn a_member_back_with_an_empty_disk_is_replicated_from_the_start() {
    // Reference: Figure 2 and §5.3 — on a rejection the leader backs up to
    // what the follower holds, even below what it had acknowledged.
    let (w, follower) = member_loses_its_disk(None);
    let leader = w.leader().unwrap();
    let (l, f) = (w.node(leader), w.node(follower));
    assert_eq!(f.last_index(), l.last_index(), "it caught up");
    assert_eq!(
        f.membership(),
        l.membership(),
        "and knows the configuration"
    );
    // At most a heartbeat round and its answers: four followers, two ways.
    assert!(w.in_flight_iter().count() <= 16, "no storm of probes");
    let (w, follower) = member_loses_its_disk(Some(Regression::ProbeIgnoresShorterLog));
    assert_eq!(
        w.node(follower).last_index(),
        0,
        "the bug is back: never caught up"
    );
    assert!(
        w.in_flight_iter().count() >= 32,
        "a probe loop per heartbeat round piles up"
    );
}

/// Three voters, no membership change ever (the founding configuration is
/// in no entry). N3 loses its disk and catches up; then the leader's
/// messages to the third server are cut, a write commits on the leader and
/// N3, and the leader crashes: only N3 holds every commit.
fn wiped_voter_must_lead(bug: Option<Regression>) -> World {
    let mut w = cluster(3, 1, bug);
    let leader = w.leader().unwrap();
    assert_ne!(leader, n(3), "this seed's leader is not N3");
    let behind = [n(1), n(2)].into_iter().find(|id| *id != leader).unwrap();
    act_ok(&mut w, Action::RestartBlank { node: n(3) });
    w.run_until(w.now().plus(1_000_000));
    assert_eq!(w.node(n(3)).last_index(), w.node(leader).last_index());
    act_ok(
        &mut w,
        Action::CutLink {
            from: leader,
            to: behind,
        },
    );
    act_ok(
        &mut w,
        Action::Write {
            node: leader,
            op: Op::Set {
                key: "x".into(),
                value: 7,
            },
        },
    );
    w.run_until(w.now().plus(300_000));
    assert!(w.node(n(3)).last_index() > w.node(behind).last_index());
    act_ok(&mut w, Action::Crash { node: leader });
    w.run_until(w.now().plus(3_000_000));
    w
}

#[test]
fn a_voter_that_lost_its_disk_relearns_the_founding_configuration_and_can_lead() {
    // Reference: §6 — a server uses the latest configuration in its log; one
    // rebuilt from a blank disk must get the founding one from the leader.
    let w = wiped_voter_must_lead(None);
    assert_eq!(w.leader(), Some(n(3)), "N3, holding every commit, leads");
    assert_eq!(w.node(n(3)).membership().voters.len(), 3);
    let w = wiped_voter_must_lead(Some(Regression::FoundingConfigNotSent));
    assert_eq!(w.leader(), None, "the bug is back: N3 never campaigns");
    assert!(w.node(n(3)).membership().voters.is_empty());
}
