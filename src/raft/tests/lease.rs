//! Lease reads (thesis §6.4.1) and the promise they rest on (thesis §4.2.3).
//!
//! A leader may answer a read from its own state while its lease runs only
//! because every follower that acknowledged it refuses to help elect anyone
//! else for a minimum election timeout after it last heard from it. Each test
//! here breaks that promise one way and then asks the old leader for a lease
//! read: the read must never return a value a newer leader has overwritten.

use super::harness::*;
use crate::raft::*;

fn check_quorum() -> Config {
    Config {
        check_quorum: true,
        ..Config::default()
    }
}

/// The stale read the tests guard against: `old` answers a lease read of x
/// with 1 although `new` committed x = 2.
fn lease_read_is_stale(c: &mut Cluster, old: NodeId, new: NodeId) -> bool {
    let r = c.read(old, "x", ReadMode::Lease);
    c.deliver_all();
    let overwritten = c.node(new).kv().get("x") == Some(2);
    overwritten && c.reply(r) == Some(&Answer::Read { value: Some(1) })
}

/// If `id` leads, it writes x = 2 and every message is delivered.
fn write_two_if_leading(c: &mut Cluster, id: NodeId) {
    if c.node(id).role() == Role::Leader {
        c.propose(id, put("x", 2));
        c.deliver_all();
    }
}

/// N1 leads with x = 1 committed on all three nodes; then N3 is cut off
/// from both others until it campaigns alone. Returns with N2 and N3
/// connected again, 20 ms before N3's election timer fires next, and N1
/// still heartbeating, its lease freshly confirmed by N2.
fn n1_leads_with_a_fresh_lease_while_n3_campaigns_alone(c: &mut Cluster) {
    c.propose(n(1), put("x", 1));
    c.deliver_all();
    c.heartbeat(n(1));
    assert!((1..=3).all(|i| c.node(n(i)).kv().get("x") == Some(1)));
    c.isolate(n(3));
    while c.node(n(3)).role() != Role::Candidate {
        c.elapse(1_000);
    }
    c.reconnect(n(2), n(3));
    let fires = c.node(n(3)).election_deadline();
    while c.now.plus(20_000) < fires {
        c.elapse(1_000);
    }
    assert_eq!(c.node(n(1)).role(), Role::Leader);
    assert!(
        c.node(n(1)).lease_until() > c.now.plus(20_000),
        "N2 confirmed N1's lease"
    );
}

#[test]
fn a_higher_term_learned_from_a_reply_does_not_release_a_followers_promise() {
    // Reference: thesis §4.2.3 and §6.4.1 — a server that heard from a
    // current leader less than a minimum election timeout ago does not grant
    // its vote, whatever term it has learned of since.
    let mut c = Cluster::new(3, check_quorum());
    c.elect(n(2));
    // One term-1 heartbeat from N2 to N3 is delayed for a long time.
    let held = c.hold_back(n(2), n(3), |m| matches!(m, Message::AppendEntries { .. }));
    c.heartbeat(n(2));
    c.heal();
    assert_eq!(held.borrow().len(), 1);
    c.isolate(n(2));
    c.elect(n(1));
    c.heal();
    n1_leads_with_a_fresh_lease_while_n3_campaigns_alone(&mut c);
    // The old heartbeat finally reaches N3; N3's stale-term answer carries
    // term 3 back to N2, which adopts it.
    let late = held.borrow_mut().pop().expect("held back");
    c.deliver_late(late);
    assert_eq!(c.node(n(2)).term(), 3, "N2 learned term 3 from the reply");
    c.campaign(n(3));
    assert_ne!(
        c.node(n(3)).role(),
        Role::Leader,
        "N2 still owes N1 its promise"
    );
    assert!(c.events_of(n(2)).any(|e| matches!(
        e,
        Event::VoteRefused {
            candidate,
            reason: VoteRefusal::LeaderAlive { leader: Some(l) },
            ..
        } if *candidate == n(3) && *l == n(1)
    )));
    write_two_if_leading(&mut c, n(3));
    assert!(!lease_read_is_stale(&mut c, n(1), n(3)));
}

#[test]
fn a_vote_request_at_a_term_already_learned_from_a_reply_keeps_the_promise() {
    // Reference: thesis §4.2.3 — found by the fuzzer (seed 2371671 of a 10⁶
    // run): the promise was only checked for requests of a newer term, so a
    // follower that learned the candidate's term from the answer to a
    // delayed message granted the vote when the request came at equal term.
    let mut c = Cluster::new(3, check_quorum());
    c.elect(n(2));
    let held = c.hold_back(n(2), n(3), |m| matches!(m, Message::AppendEntries { .. }));
    c.heartbeat(n(2));
    c.heartbeat(n(2));
    c.heal();
    assert_eq!(held.borrow().len(), 2);
    c.isolate(n(2));
    c.elect(n(1));
    c.heal();
    n1_leads_with_a_fresh_lease_while_n3_campaigns_alone(&mut c);
    // N3 campaigns again; its request to N2 is held back for a moment.
    let request = c.hold_back(n(3), n(2), |m| matches!(m, Message::RequestVote { .. }));
    c.campaign(n(3));
    c.drop_rule = None;
    let term = c.node(n(3)).term();
    // An old heartbeat reaches N3, whose answer carries its term to N2.
    let late = held.borrow_mut().remove(0);
    c.deliver_late(late);
    assert_eq!(c.node(n(2)).term(), term, "N2 learned the candidate's term");
    let vote_request = request.borrow_mut().pop().expect("held back");
    c.deliver_late(vote_request);
    assert_ne!(
        c.node(n(3)).role(),
        Role::Leader,
        "N2 still owes N1 its promise"
    );
    write_two_if_leading(&mut c, n(3));
    assert!(!lease_read_is_stale(&mut c, n(1), n(3)));
}

#[test]
fn a_forced_election_timeout_does_not_release_a_followers_promise() {
    // Reference: thesis §4.2.3 and §6.4.1.
    let mut c = Cluster::new(3, check_quorum());
    c.elect(n(1));
    n1_leads_with_a_fresh_lease_while_n3_campaigns_alone(&mut c);
    // An operator forces N2's timer while N2's promise to N1 still runs.
    c.force_timeout(n(2));
    assert!(c.events_of(n(2)).any(|e| matches!(
        e,
        Event::CampaignDeferred { leader: Some(l), .. } if *l == n(1)
    )));
    assert_eq!(c.node(n(2)).role(), Role::Follower);
    c.campaign(n(3));
    assert_ne!(c.node(n(3)).role(), Role::Leader);
    write_two_if_leading(&mut c, n(3));
    assert!(!lease_read_is_stale(&mut c, n(1), n(3)));
}

#[test]
fn a_deferred_forced_timeout_fires_when_the_promise_ends() {
    // Reference: thesis §4.2.3 — the forced timeout is not lost, only delayed
    // until the follower may vote again.
    let mut c = Cluster::new(3, check_quorum());
    c.elect(n(1));
    c.isolate(n(1));
    let promised_at = c.now;
    c.force_timeout(n(2));
    assert_eq!(c.node(n(2)).role(), Role::Follower);
    let fires = c.node(n(2)).election_deadline();
    assert_eq!(
        fires,
        promised_at.plus(c.config.election_timeout_min_us),
        "the timer now fires exactly when the promise ends"
    );
    c.fire_election_timer(n(2));
    assert_eq!(c.node(n(2)).role(), Role::Candidate);
}

#[test]
fn switching_check_quorum_on_does_not_trust_a_lease_earned_without_it() {
    // Reference: thesis §6.4.1 — a lease is only as good as the promises
    // behind the acknowledgements it counts; without CheckQuorum (and here
    // without leader stickiness either) there were none.
    let mut c = Cluster::new(
        3,
        Config {
            leader_stickiness: false,
            ..Config::default()
        },
    );
    c.elect(n(1));
    c.propose(n(1), put("x", 1));
    c.deliver_all();
    c.heartbeat(n(1));
    c.disconnect(n(1), n(3));
    c.set_time(c.now.plus(400_000));
    c.heartbeat(n(1));
    c.campaign(n(3));
    assert_eq!(
        c.node(n(3)).role(),
        Role::Leader,
        "without CheckQuorum N2 votes at once"
    );
    write_two_if_leading(&mut c, n(3));
    for i in 1..=3 {
        c.node_mut(n(i)).reconfigure(check_quorum()).expect("valid");
    }
    let r = c.read(n(1), "x", ReadMode::Lease);
    c.deliver_all();
    assert_ne!(
        c.reply(r),
        Some(&Answer::Read { value: Some(1) }),
        "a stale read"
    );
    assert!(matches!(
        c.reply(r),
        Some(Answer::Refused(Refusal::NoLease {
            reason: NoLeaseReason::SettingsChanged
        }))
    ));
}

#[test]
fn a_lease_earned_after_check_quorum_is_switched_on_is_served() {
    // Reference: thesis §6.4.1 — once a quorum acknowledges a round sent
    // under the new settings, the lease holds again.
    let mut c = Cluster::new(3, Config::default());
    c.elect(n(1));
    c.heartbeat(n(1));
    for i in 1..=3 {
        c.node_mut(n(i)).reconfigure(check_quorum()).expect("valid");
    }
    c.heartbeat(n(1));
    let r = c.read(n(1), "x", ReadMode::Lease);
    assert_eq!(c.reply(r), Some(&Answer::Read { value: None }));
}

#[test]
fn lease_reads_switched_off_are_refused_and_say_so() {
    // Reference: thesis §6.4.1.
    let mut c = Cluster::new(
        3,
        Config {
            lease_reads: false,
            ..check_quorum()
        },
    );
    c.elect(n(1));
    c.heartbeat(n(1));
    let r = c.read(n(1), "x", ReadMode::Lease);
    assert_eq!(
        c.reply(r),
        Some(&Answer::Refused(Refusal::NoLease {
            reason: NoLeaseReason::Disabled
        }))
    );
}

#[test]
fn a_lease_must_fit_inside_the_election_timeout_under_the_configured_drift() {
    // Reference: thesis §6.4.1 — the lease is measured on the leader's clock
    // and the promise on each follower's, so both may drift by the bound.
    let at = |lease_duration_us, max_clock_drift_ppm| Config {
        lease_duration_us,
        max_clock_drift_ppm,
        ..Config::default()
    };
    // 150 ms × (1 − 5 %) / (1 + 5 %) = 135.7 ms, less the 1 ms margin.
    assert_eq!(at(120_000, 50_000).max_safe_lease_us(), 134_714);
    assert_eq!(at(134_714, 50_000).validate(), Ok(()));
    assert!(matches!(
        at(134_715, 50_000).validate(),
        Err(ConfigError::LeaseUnsafeUnderDrift { .. })
    ));
    // No drift at all still leaves the margin.
    assert_eq!(at(149_000, 0).validate(), Ok(()));
    assert!(at(149_001, 0).validate().is_err());
    // A bound of 50 % or more leaves no room for any lease.
    assert!(matches!(
        at(1_000, 500_000).validate(),
        Err(ConfigError::OutOfRange { .. }) | Err(ConfigError::LeaseUnsafeUnderDrift { .. })
    ));
    assert!(!ConfigError::LeaseUnsafeUnderDrift {
        lease_us: 1,
        safe_us: 0,
        drift_ppm: 1
    }
    .to_string()
    .is_empty());
}

#[test]
fn a_transfer_revokes_the_lease_and_the_refusal_says_why() {
    // Reference: thesis §3.10 — the target is elected without waiting out
    // anyone's promise, so the old leader's lease cannot be trusted.
    let mut c = Cluster::new(3, check_quorum());
    c.elect(n(1));
    c.heartbeat(n(1));
    c.disconnect(n(1), n(2));
    let now = c.now;
    c.node_mut(n(1))
        .transfer_leadership(now, n(2))
        .expect("accepted");
    c.collect(n(1));
    c.deliver_all();
    let r = c.read(n(1), "x", ReadMode::Lease);
    assert!(matches!(
        c.reply(r),
        Some(Answer::Refused(Refusal::NoLease {
            reason: NoLeaseReason::Transfer
        })) | Some(Answer::Refused(Refusal::TransferInProgress))
    ));
}

#[test]
fn the_lease_says_until_when_it_runs_or_why_there_is_none() {
    // Reference: thesis §6.4.1.
    let mut plain = Cluster::new(3, Config::default());
    plain.elect(n(1));
    assert_eq!(
        plain.node(n(1)).lease(),
        Err(NoLeaseReason::NeedsCheckQuorum)
    );
    let mut c = Cluster::new(3, check_quorum());
    c.elect(n(1));
    c.heartbeat(n(1));
    let until = c.node(n(1)).lease().expect("a quorum acknowledged a round");
    assert_eq!(until, c.node(n(1)).lease_until());
    assert!(until > c.now);
    assert_eq!(c.node(n(2)).lease(), Err(NoLeaseReason::NeverHeld));
    c.isolate(n(1));
    c.set_time(until);
    c.read(n(1), "x", ReadMode::Lease);
    assert_eq!(c.node(n(1)).role(), Role::Leader);
    assert_eq!(
        c.node(n(1)).lease(),
        Err(NoLeaseReason::Expired { at: until })
    );
    assert_eq!(c.node(n(1)).lease_until(), Time::ZERO);
}
