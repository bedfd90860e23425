//! World tests: determinism, faults, clients, time travel, sessions.

use super::*;
use crate::raft::{ConfChange, Op, ReadMode, Role, Time};
use crate::sorted::SortedSet;

use super::reference::{actions as scripted_faults, config as busy_config, trace as trace_of};

/// What the world answered to the action whose step records these are: `Ok`,
/// or why it refused.
fn answer(records: &[StepRecord]) -> Result<(), ActionError> {
    match &records.last().expect("an action takes a step").what {
        What::Action { result, .. } => result.clone(),
        other => panic!("the action's step records {other:?}"),
    }
}

#[test]
fn the_same_seed_gives_the_same_trace_and_another_seed_does_not() {
    let a = trace_of(7, 5_000);
    let b = trace_of(7, 5_000);
    let c = trace_of(8, 5_000);
    assert_eq!(a, b);
    assert_ne!(a.1, c.1);
    assert!(
        a.0 > 1_000,
        "a busy five-second trace has many steps: {}",
        a.0
    );
}

#[test]
fn trace_hashes_match_the_recorded_values_shared_with_the_wasm_test() {
    // tests/data/trace_hashes.json is read by tests/wasm.rs too: the browser
    // build must produce exactly these traces. Set RAFTLAB_UPDATE_HASHES=1 to
    // rewrite it after an intended change of behaviour.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/trace_hashes.json");
    let actual = reference::table();
    if std::env::var_os("RAFTLAB_UPDATE_HASHES").is_some() {
        std::fs::write(path, serde_json::to_string_pretty(&actual).unwrap()).unwrap();
    }
    let recorded: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        recorded, actual,
        "behaviour changed: rerun with RAFTLAB_UPDATE_HASHES=1 if intended"
    );
}

#[test]
fn five_nodes_elect_exactly_one_leader_and_keep_it_without_faults() {
    let mut w = World::new(WorldConfig::default(), 3);
    w.run_until(Time::from_millis(1_000));
    let leader = w.leader().expect("a leader within one second");
    let term = w.node(leader).term();
    w.run_until(Time::from_millis(10_000));
    assert_eq!(w.leader(), Some(leader));
    assert_eq!(
        w.node(leader).term(),
        term,
        "heartbeats keep followers quiet"
    );
    assert_eq!(
        w.node_ids()
            .iter()
            .filter(|id| w.node(**id).role() == Role::Leader)
            .count(),
        1
    );
}

#[test]
fn step_runs_exactly_one_event_and_numbers_it() {
    let mut w = World::new(WorldConfig::default(), 1);
    let first = w.step().unwrap();
    let second = w.step().unwrap();
    assert_eq!((first.index, second.index, w.steps()), (1, 2, 2));
    assert!(second.time >= first.time);
    assert_eq!(w.run_events(10), 10);
    assert_eq!(w.steps(), 12);
}

#[test]
fn messages_in_flight_expose_their_route_and_times_and_can_be_dropped() {
    let mut w = World::new(WorldConfig::default(), 5);
    while w.in_flight().is_empty() {
        w.step();
    }
    let m = w.in_flight()[0].clone();
    assert!(m.deliver_at > m.sent_at && m.from != m.to);
    assert!(!m.kind_label().is_empty());
    let (_, records) = w.act(Action::DropMessage { id: m.id });
    assert!(answer(&records).is_ok());
    assert!(w.in_flight().iter().all(|x| x.id != m.id));
    let (_, records) = w.act(Action::DropMessage { id: m.id });
    assert!(matches!(
        answer(&records),
        Err(ActionError::UnknownMessage(_))
    ));
}

#[test]
fn a_partition_stops_messages_between_groups_and_heal_restores_them() {
    let mut w = World::new(WorldConfig::default(), 11);
    w.run_until(Time::from_millis(1_000));
    let old = w.leader().unwrap();
    let rest: Vec<_> = w.node_ids().into_iter().filter(|id| *id != old).collect();
    w.act(Action::Partition {
        groups: vec![vec![old], rest],
    });
    w.run_until(Time::from_millis(3_000));
    let new = w.leader().unwrap();
    assert_ne!(new, old, "the majority elected a new leader");
    assert_eq!(
        w.node(old).role(),
        Role::Leader,
        "the isolated leader does not know"
    );
    w.act(Action::Heal);
    w.run_until(Time::from_millis(4_000));
    assert_eq!(w.node(old).role(), Role::Follower);
}

#[test]
fn one_link_can_have_its_own_latency_range() {
    let mut w = World::new(WorldConfig::default(), 8);
    let (a, b) = (crate::raft::NodeId(1), crate::raft::NodeId(2));
    w.act(Action::SetLinkLatency {
        from: a,
        to: b,
        range: Some((90_000, 100_000)),
    });
    w.run_until(Time::from_millis(2_000));
    let slow: Vec<_> = w
        .in_flight()
        .into_iter()
        .filter(|m| m.from == a && m.to == b)
        .collect();
    let all_slow = slow
        .iter()
        .all(|m| (90_000..=100_000).contains(&m.deliver_at.since(m.sent_at)));
    assert!(all_slow, "{slow:?}");
    let others_fast = w
        .in_flight()
        .iter()
        .filter(|m| !(m.from == a && m.to == b))
        .all(|m| m.deliver_at.since(m.sent_at) <= 15_000);
    assert!(others_fast);
    let (_, r) = w.act(Action::SetLinkLatency {
        from: a,
        to: b,
        range: Some((5, 1)),
    });
    assert!(matches!(answer(&r), Err(ActionError::InvalidSettings(_))));
    w.act(Action::SetLinkLatency {
        from: a,
        to: b,
        range: None,
    });
    assert_eq!(w.links().latency(a, b), None);
}

#[test]
fn a_crashed_node_keeps_its_disk_and_a_blank_restart_loses_it() {
    let mut w = World::new(WorldConfig::default(), 2);
    w.act(Action::Write {
        node: crate::raft::NodeId(1),
        op: Op::Set {
            key: "x".into(),
            value: 1,
        },
    });
    w.run_until(Time::from_millis(2_000));
    let id = crate::raft::NodeId(3);
    let before = w.node(id).persistent_state().clone();
    assert!(before.log.last_index() > 0);
    w.act(Action::Crash { node: id });
    assert!(!w.is_up(id));
    w.act(Action::Restart { node: id });
    assert_eq!(w.node(id).persistent_state().log, before.log);
    assert_eq!(
        w.node(id).commit_index(),
        before.log.snapshot().last_index,
        "volatile state is gone"
    );
    w.act(Action::RestartBlank { node: id });
    assert_eq!(w.node(id).last_index(), 0);
    let (_, r) = w.act(Action::Restart { node: id });
    assert!(matches!(answer(&r), Err(ActionError::NodeUp(_))));
}

#[test]
fn clients_get_answers_and_are_redirected_to_the_leader() {
    let mut w = World::new(WorldConfig::default(), 9);
    w.run_until(Time::from_millis(1_000));
    let leader = w.leader().unwrap();
    let follower = w.node_ids().into_iter().find(|id| *id != leader).unwrap();
    w.act(Action::Write {
        node: follower,
        op: Op::Set {
            key: "k".into(),
            value: 5,
        },
    });
    w.run_until(Time::from_millis(1_500));
    w.act(Action::Read {
        node: follower,
        key: "k".into(),
        mode: ReadMode::ReadIndex,
    });
    w.run_until(Time::from_millis(2_000));
    let h = w.history();
    assert_eq!(h.len(), 2);
    assert!(matches!(h[0].outcome, Outcome::WriteOk { .. }));
    assert_eq!(h[0].node, leader, "answered by the leader after a redirect");
    assert!(matches!(
        h[1].outcome,
        Outcome::ReadOk { value: Some(5), .. }
    ));
    assert!(h[1].completed_at().unwrap() > h[1].invoked_at);
}

#[test]
fn a_write_retried_after_a_leader_crash_applies_once() {
    let mut w = World::new(
        WorldConfig {
            network: NetworkConfig {
                latency_min_us: 20_000,
                latency_max_us: 20_000,
                ..NetworkConfig::default()
            },
            ..WorldConfig::default()
        },
        4,
    );
    w.run_until(Time::from_millis(1_500));
    let leader = w.leader().unwrap();
    w.act(Action::Write {
        node: leader,
        op: Op::Increment {
            key: "n".into(),
            by: 1,
        },
    });
    // The entry reaches followers, but the leader dies before answering.
    w.run_until(w.now().plus(25_000));
    w.act(Action::Crash { node: leader });
    w.run_until(w.now().plus(5_000_000));
    let other = w.leader().unwrap();
    assert_eq!(w.node(other).kv().get("n"), Some(1), "applied exactly once");
    assert!(matches!(
        w.history()[0].outcome,
        Outcome::WriteOk {
            result: crate::raft::WriteResult { value: Some(1), .. },
            ..
        }
    ));
}

#[test]
fn drifting_clocks_make_timers_fire_in_local_time() {
    let mut w = World::new(WorldConfig::default(), 1);
    w.act(Action::SetClockDrift {
        node: crate::raft::NodeId(2),
        drift_ppm: 400_000,
    });
    let c = *w.clock(crate::raft::NodeId(2)).unwrap();
    assert!(c.local(Time::from_millis(1_000)) > Time::from_millis(1_300));
    let (_, r) = w.act(Action::SetClockDrift {
        node: crate::raft::NodeId(2),
        drift_ppm: 900_000,
    });
    assert!(matches!(answer(&r), Err(ActionError::InvalidSettings(_))));
}

#[test]
fn isolating_a_node_inside_a_split_keeps_the_split() {
    let n = crate::raft::NodeId;
    let mut w = World::new(WorldConfig::default(), 1);
    w.act(Action::Partition {
        groups: vec![vec![n(1), n(2)], vec![n(3), n(4), n(5)]],
    });
    w.act(Action::Isolate { node: n(3) });
    let cut = |a: u8, b: u8| w.links().is_cut(n(a), n(b));
    for other in [1, 2, 4, 5] {
        assert!(cut(3, other) && cut(other, 3), "N3 and N{other}");
    }
    assert!(cut(1, 4) && cut(5, 2), "the split is still there");
    assert!(
        !cut(1, 2) && !cut(4, 5) && !cut(5, 4),
        "links inside each side stay up"
    );
    let (_, r) = w.act(Action::Isolate { node: n(9) });
    assert!(matches!(answer(&r), Err(ActionError::UnknownNode(_))));
}

#[test]
fn the_most_negative_clock_drift_is_refused_not_overflowed() {
    // `i64::MIN.abs()` overflows: the check must not take an absolute value.
    let drift = Action::SetClockDrift {
        node: crate::raft::NodeId(2),
        drift_ppm: i64::MIN,
    };
    let mut w = World::new(WorldConfig::default(), 1);
    let (_, r) = w.act(drift.clone());
    assert!(matches!(answer(&r), Err(ActionError::InvalidSettings(_))));
    assert_eq!(w.clock(crate::raft::NodeId(2)).unwrap().drift_ppm(), 0);
    let session = Session {
        actions: vec![TimedAction {
            at: Time::from_millis(5),
            action: drift,
        }],
        ..Session::new(WorldConfig::default(), 1)
    };
    let err = Session::from_json(&session.to_json()).unwrap_err();
    assert!(
        matches!(err, SessionError::InvalidAction { index: 0, .. }),
        "{err:?}"
    );
}

#[test]
fn keys_are_counted_in_characters_by_the_world_and_the_session_alike() {
    let node = crate::raft::NodeId(1);
    let accented = "é".repeat(crate::raft::MAX_KEY_CHARS); // 64 bytes
    let too_long = "k".repeat(crate::raft::MAX_KEY_CHARS + 1);
    let write = |key: &str| Action::Write {
        node,
        op: Op::Set {
            key: key.to_string(),
            value: 1,
        },
    };
    let outcome = |w: &mut World, a: Action| {
        let (_, r) = w.act(a);
        answer(&r)
    };
    let refused =
        |w: &mut World, a: Action| matches!(outcome(w, a), Err(ActionError::InvalidSettings(_)));
    let mut w = World::new(WorldConfig::default(), 1);
    assert_eq!(outcome(&mut w, write(&accented)), Ok(()));
    assert!(refused(&mut w, write(&too_long)));
    assert!(refused(&mut w, write("")));
    let read = |key: &str| Action::Read {
        node,
        key: key.to_string(),
        mode: ReadMode::ReadIndex,
    };
    assert_eq!(outcome(&mut w, read(&accented)), Ok(()));
    assert!(refused(&mut w, read(&too_long)));
    // What the world took, a saved session holds.
    let session = Session {
        actions: vec![
            TimedAction {
                at: Time::from_millis(5),
                action: write(&accented),
            },
            TimedAction {
                at: Time::from_millis(6),
                action: read(&accented),
            },
        ],
        ..Session::new(WorldConfig::default(), 1)
    };
    assert_eq!(Session::from_json(&session.to_json()).unwrap(), session);
}

#[test]
fn membership_actions_reach_the_leader_and_unknown_nodes_are_refused() {
    let config = WorldConfig {
        voters: 3,
        ..WorldConfig::default()
    };
    let mut w = World::new(config, 6);
    w.run_until(Time::from_millis(1_000));
    w.act(Action::ChangeMembership {
        change: ConfChange::AddVoter(crate::raft::NodeId(4)),
    });
    w.run_until(Time::from_millis(2_000));
    let leader = w.leader().unwrap();
    assert!(w.node(leader).membership().is_voter(crate::raft::NodeId(4)));
    let (_, r) = w.act(Action::ChangeMembership {
        change: ConfChange::AddVoter(crate::raft::NodeId(12)),
    });
    assert!(matches!(answer(&r), Err(ActionError::UnknownNode(_))));
    let (_, r) = w.act(Action::Crash {
        node: crate::raft::NodeId(0),
    });
    assert!(matches!(answer(&r), Err(ActionError::UnknownNode(_))));
}

#[test]
fn invalid_world_configurations_are_refused_with_a_reason() {
    for bad in [
        WorldConfig {
            nodes: 2,
            ..WorldConfig::default()
        },
        WorldConfig {
            nodes: 10,
            ..WorldConfig::default()
        },
        WorldConfig {
            voters: 0,
            ..WorldConfig::default()
        },
        WorldConfig {
            network: NetworkConfig {
                latency_min_us: 10,
                latency_max_us: 5,
                ..NetworkConfig::default()
            },
            ..WorldConfig::default()
        },
        WorldConfig {
            network: NetworkConfig {
                loss_permille: 2_000,
                ..NetworkConfig::default()
            },
            ..WorldConfig::default()
        },
    ] {
        let e = World::try_new(bad, 1).unwrap_err();
        assert!(!e.to_string().is_empty());
    }
    // new() falls back to the default rather than panicking.
    assert_eq!(
        World::new(
            WorldConfig {
                nodes: 0,
                ..WorldConfig::default()
            },
            1
        )
        .node_ids()
        .len(),
        5
    );
}

// ----- time travel ----------------------------------------------------------

/// What a viewer sees of one node: id, role, term, commit index, last index.
type NodeView = (u8, Role, u64, u64, u64);

/// Everything a viewer can see of a world, as one comparable value.
fn fingerprint(w: &World) -> (u64, u64, Time, Vec<NodeView>) {
    let nodes = w
        .node_ids()
        .into_iter()
        .map(|id| {
            let n = w.node(id);
            (id.0, n.role(), n.term(), n.commit_index(), n.last_index())
        })
        .collect();
    (w.steps(), w.trace_hash(), w.now(), nodes)
}

#[test]
fn seeking_back_and_forth_reproduces_exactly_the_states_reached_going_forward() {
    let session = Session {
        actions: scripted_faults(),
        ..Session::new(busy_config(), 21)
    };
    let mut t = Timeline::new(session, ()).unwrap();
    let mut forward = Vec::new();
    for _ in 0..6_000 {
        t.step();
        forward.push(fingerprint(t.world()));
    }
    for target in [
        5_999u64, 17, 3_000, 1, 4_321, 999, 1_000, 1_001, 2_500, 5_000, 0,
    ] {
        t.seek(target);
        assert_eq!(t.cursor(), target);
        if target > 0 {
            assert_eq!(
                fingerprint(t.world()),
                forward[target as usize - 1],
                "step {target}"
            );
        }
    }
    t.seek(2_000);
    t.step_back();
    assert_eq!(fingerprint(t.world()), forward[1_998]);
    t.seek_time(Time::from_millis(2_000));
    assert!(t.world().now() == Time::from_millis(2_000));
    let at = t.cursor() as usize;
    assert_eq!(fingerprint(t.world()).1, forward[at - 1].1);
}

/// Counts the steps it watches, across every copy of it.
#[derive(Clone, Default)]
struct Count(std::rc::Rc<std::cell::Cell<u64>>);

impl Observer for Count {
    fn observe(&mut self, _: &World, _: &StepRecord) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn running_until_a_time_stops_on_the_step_the_observer_asks_for() {
    let count = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut t = Timeline::fresh(busy_config(), 3, Count(count.clone())).unwrap();
    let start = count.get();
    let end = Time::from_millis(2_000);
    assert!(t.run_until_or(end, |c| c.0.get() >= start + 5));
    assert_eq!(t.cursor(), 5, "stopped on the fifth step");
    let fifth = t.world().now();
    assert!(fifth < end, "the clock stays at that step");
    // Without the stop, the same run reaches the time asked for.
    assert!(!t.run_until_or(end, |_| false));
    assert_eq!(t.world().now(), end);
    assert!(t.cursor() > 5);
    let mut whole = Timeline::fresh(busy_config(), 3, ()).unwrap();
    whole.run_until(end);
    assert_eq!(
        whole.cursor(),
        t.cursor(),
        "stopping on the way changes nothing after"
    );
    assert_eq!(whole.world().trace_hash(), t.world().trace_hash());
}

#[test]
fn stepping_back_after_a_seek_replays_from_a_waypoint_not_a_checkpoint() {
    let session = Session {
        actions: scripted_faults(),
        ..Session::new(busy_config(), 21)
    };
    let count = Count::default();
    let mut t = Timeline::new(session, count.clone()).unwrap();
    let mut forward = Vec::new();
    for _ in 0..6_000 {
        t.step();
        forward.push(fingerprint(t.world()));
    }
    // Into the middle of a checkpoint interval, then one step back at a time
    // across waypoints (and the scripted faults' actions).
    t.seek(4_990);
    let most = t.waypoint_spacing();
    for _ in 0..600 {
        let before = count.0.get();
        t.step_back();
        let replayed = count.0.get() - before;
        assert!(
            replayed <= most,
            "{replayed} steps replayed for one step back at {}",
            t.cursor()
        );
        let at = t.cursor() as usize;
        assert_eq!(fingerprint(t.world()), forward[at - 1], "step {at}");
    }
    // Near the live edge too: the event log's newest lines come from a
    // waypoint there.
    t.seek(5_999);
    let before = count.0.get();
    t.step_back();
    assert!(count.0.get() - before <= most);
    assert_eq!(fingerprint(t.world()), forward[5_997]);
}

#[test]
fn a_seek_leaves_waypoints_only_just_behind_where_it_ends() {
    use super::timeline::SEEK_WAYPOINTS;
    let mut t = Timeline::fresh(busy_config(), 21, ()).unwrap();
    // Long enough that checkpoints are several waypoint spacings apart.
    while t.checkpoint_stats().1 <= 4 * SEEK_WAYPOINTS * t.waypoint_spacing() {
        t.step();
    }
    let spacing = t.waypoint_spacing();
    let target = t.cursor() / 2 + t.checkpoint_stats().1 - 10;
    let before = t.waypoint_steps();
    t.seek(target);
    let new: Vec<u64> = t
        .waypoint_steps()
        .into_iter()
        .filter(|s| !before.contains(s))
        .collect();
    assert!(!new.is_empty(), "a seek leaves waypoints behind it");
    assert!(
        new.iter()
            .all(|s| *s <= target && target - s <= SEEK_WAYPOINTS * spacing),
        "only the last {SEEK_WAYPOINTS} spacings ({spacing} steps each) before {target}: {new:?}"
    );
    // The same by time, elsewhere (give or take the guess of how many
    // steps are left).
    let target = target - 3 * t.checkpoint_stats().1;
    let mut probe = t.clone();
    probe.seek(target);
    let at = probe.world().now();
    let before = t.waypoint_steps();
    t.seek_time(at);
    assert_eq!(t.cursor(), target);
    let new: Vec<u64> = t
        .waypoint_steps()
        .into_iter()
        .filter(|s| !before.contains(s))
        .collect();
    assert!(
        !new.is_empty() && new.len() as u64 <= 2 * SEEK_WAYPOINTS,
        "{new:?}"
    );
}

#[test]
fn full_checkpoints_thin_to_every_other_one_and_double_their_spacing() {
    use super::timeline::{INITIAL_SPACING, MAX_CHECKPOINTS};
    let mut t = Timeline::fresh(WorldConfig::default(), 4, ()).unwrap();
    let full = MAX_CHECKPOINTS as u64 * INITIAL_SPACING;
    let mut fingerprints = Vec::new();
    let mut thinned_at = None;
    while t.cursor() < full + 3 * INITIAL_SPACING {
        t.step();
        let (count, spacing) = t.checkpoint_stats();
        assert!(count <= MAX_CHECKPOINTS, "{count} at step {}", t.cursor());
        if spacing > INITIAL_SPACING && thinned_at.is_none() {
            thinned_at = Some(t.cursor());
            assert_eq!(spacing, 2 * INITIAL_SPACING);
            assert_eq!(count, MAX_CHECKPOINTS / 2 + 1, "every other one kept");
        }
        if t.cursor().is_multiple_of(INITIAL_SPACING / 2) {
            fingerprints.push((t.cursor(), fingerprint(t.world())));
        }
    }
    assert_eq!(thinned_at, Some(full), "thinned when the next one was due");
    // Every point is still reached exactly, from what was kept.
    for (step, fp) in fingerprints.iter().rev().step_by(37) {
        t.seek(*step);
        assert_eq!(&fingerprint(t.world()), fp, "step {step}");
    }
}

#[test]
fn seeking_back_past_a_live_action_and_forward_again_replays_the_action() {
    let mut t = Timeline::fresh(busy_config(), 9, ()).unwrap();
    t.run_until(Time::from_millis(6_000));
    let crashed_at = t.cursor();
    assert!(
        crashed_at > super::timeline::INITIAL_SPACING,
        "a checkpoint precedes the crash"
    );
    t.act(Action::Crash {
        node: crate::raft::NodeId(2),
    });
    // Just past the crash, before any checkpoint after it.
    let mut past = Vec::new();
    for _ in 0..5 {
        t.step();
        past.push((t.cursor(), fingerprint(t.world())));
    }
    t.run_until(Time::from_millis(9_000));
    let end = t.cursor();
    // A seek by step lands at the step's time, not at 9 s: compare the rest.
    let same = |w: &World| {
        let (steps, trace, _, nodes) = fingerprint(w);
        (steps, trace, nodes)
    };
    let live = same(t.world());
    assert!(!t.world().is_up(crate::raft::NodeId(2)));
    // Back to before the crash (so before a checkpoint that lacks it) and
    // forward again: the crash is part of the history and happens again.
    for target in [0, crashed_at / 2, crashed_at - 1] {
        t.seek(target);
        assert!(t.world().is_up(crate::raft::NodeId(2)));
        t.seek(end);
        assert_eq!(same(t.world()), live, "from step {target}");
        for (step, fp) in &past {
            t.seek(target);
            t.seek(*step);
            assert_eq!(&fingerprint(t.world()), fp, "step {step} from {target}");
        }
    }
    t.seek(0);
    t.seek_time(Time::from_millis(9_000));
    assert_eq!(same(t.world()), live);
}

/// Keeps every record, for comparing replays with the run going forward.
#[derive(Clone, Default)]
struct Collect(Vec<StepRecord>);

impl Observer for Collect {
    fn observe(&mut self, _: &World, record: &StepRecord) {
        self.0.push(record.clone());
    }
}

#[test]
fn replaying_steps_gives_the_records_of_the_history_without_moving_the_cursor() {
    let mut t = Timeline::fresh(busy_config(), 12, Collect::default()).unwrap();
    t.run_until(Time::from_millis(3_000));
    t.act(Action::Crash {
        node: crate::raft::NodeId(1),
    });
    t.run_until(Time::from_millis(6_000));
    let end = t.cursor();
    let live = t.observer().0.clone();
    assert_eq!(live.len() as u64, end);
    t.seek(end / 2);
    let wanted = [
        1,
        2,
        999,
        1_000,
        1_001,
        end / 2,
        end / 2 + 1,
        end - 1,
        end,
        end + 5,
    ];
    let mut got = vec![];
    t.replay_steps(&wanted, |w, r| {
        assert_eq!(w.steps(), r.index);
        got.push(r.clone());
    });
    assert_eq!(t.cursor(), end / 2, "the cursor stays");
    assert_eq!(
        got.iter().map(|r| r.index).collect::<Vec<_>>(),
        wanted[..wanted.len() - 1],
        "every step asked for, nothing past the known history"
    );
    for r in &got {
        assert_eq!(r, &live[r.index as usize - 1], "step {}", r.index);
    }
    let mut replay = t.replay_from(end - 2);
    assert_eq!(replay.next_step().as_ref(), Some(&live[end as usize - 2]));
    assert!(replay.next_step().is_some());
    assert!(replay.next_step().is_none(), "stops at the live edge");
}

#[test]
fn acting_in_the_past_forks_and_discards_the_old_future() {
    let session = Session {
        actions: scripted_faults(),
        ..Session::new(busy_config(), 5)
    };
    let mut t = Timeline::new(session, ()).unwrap();
    t.run_until(Time::from_millis(3_000));
    let end = t.cursor();
    t.seek(end / 4); // before the scripted partition
    let before = t.session().actions.len();
    t.act(Action::Crash {
        node: crate::raft::NodeId(5),
    });
    let s = t.session();
    assert!(
        s.actions.len() < before + 1,
        "later scripted actions were discarded"
    );
    assert!(matches!(
        s.actions.last().unwrap().action,
        Action::Crash { .. }
    ));
    assert_eq!(t.furthest(), t.cursor());
    // Replaying the forked session from scratch gives the same world.
    let mut replay = Timeline::new(
        Session {
            cursor: None,
            ..s.clone()
        },
        (),
    )
    .unwrap();
    replay.seek(t.cursor());
    assert_eq!(fingerprint(replay.world()), fingerprint(t.world()));
    let _ = SortedSet::<u8>::new();
}

#[test]
fn acting_at_the_live_edge_keeps_the_scripted_future() {
    let session = Session {
        actions: scripted_faults(),
        ..Session::new(busy_config(), 5)
    };
    let mut t = Timeline::new(session, ()).unwrap();
    t.run_until(Time::from_millis(500));
    t.act(Action::Write {
        node: crate::raft::NodeId(2),
        op: Op::Set {
            key: "q".into(),
            value: 1,
        },
    });
    let s = t.session();
    assert_eq!(s.actions.len(), scripted_faults().len() + 1);
    assert!(
        s.actions.windows(2).all(|w| w[0].at <= w[1].at),
        "kept in time order"
    );
    t.run_until(Time::from_millis(1_200));
    assert!(
        !t.world().is_up(crate::raft::NodeId(1)),
        "the scripted crash at 1 s still happened"
    );
    let mut replay = Timeline::new(Session { cursor: None, ..s }, ()).unwrap();
    replay.run_until(Time::from_millis(1_200));
    assert_eq!(fingerprint(replay.world()), fingerprint(t.world()));
}

#[test]
fn an_interactive_session_replays_bit_for_bit() {
    let mut t = Timeline::fresh(busy_config(), 77, ()).unwrap();
    t.run_until(Time::from_millis(800));
    t.act(Action::Crash {
        node: crate::raft::NodeId(2),
    });
    t.run_until(Time::from_millis(1_600));
    t.act(Action::Write {
        node: crate::raft::NodeId(1),
        op: Op::Set {
            key: "a".into(),
            value: 3,
        },
    });
    t.run_until(Time::from_millis(2_400));
    let json = t.session().to_json();
    let session = Session::from_json(&json).unwrap();
    let mut replay = Timeline::new(session, ()).unwrap();
    replay.run_until(Time::from_millis(2_400));
    assert_eq!(fingerprint(replay.world()), fingerprint(t.world()));
}

// ----- sessions -------------------------------------------------------------

fn valid_json() -> String {
    Session {
        actions: scripted_faults(),
        ..Session::new(WorldConfig::default(), 3)
    }
    .to_json()
}

#[test]
fn a_session_round_trips_through_json() {
    let s = Session::from_json(&valid_json()).unwrap();
    assert_eq!(s.to_json(), valid_json());
}

#[test]
fn malformed_and_hostile_sessions_give_typed_errors_not_panics() {
    let good = valid_json();
    type Case = (&'static str, String, fn(&SessionError) -> bool);
    let cases: Vec<Case> = vec![
        ("truncated", good[..good.len() / 2].to_string(), |e| {
            matches!(e, SessionError::Malformed(_))
        }),
        ("not json", "<html>".into(), |e| {
            matches!(e, SessionError::Malformed(_))
        }),
        ("empty", String::new(), |e| {
            matches!(e, SessionError::Malformed(_))
        }),
        (
            "wrong version",
            good.replacen("\"version\":1", "\"version\":99", 1),
            |e| matches!(e, SessionError::WrongVersion { .. }),
        ),
        (
            "version as text",
            good.replacen("\"version\":1", "\"version\":\"1\"", 1),
            |e| matches!(e, SessionError::WrongVersion { .. }),
        ),
        (
            "unknown node",
            good.replacen("{\"crash\":{\"node\":1}}", "{\"crash\":{\"node\":9}}", 1),
            |e| matches!(e, SessionError::UnknownNode { .. }),
        ),
        (
            "negative time",
            good.replacen("\"at\":1000000", "\"at\":-5", 1),
            |e| matches!(e, SessionError::Malformed(_)),
        ),
        (
            "absurd time",
            good.replacen("\"at\":3500000", "\"at\":99999999999999", 1),
            |e| matches!(e, SessionError::TimeOutOfRange { .. }),
        ),
        (
            "a branch naming a node the world lacks",
            good.replacen(
                "\"cursor\":null",
                "\"cursor\":null,\"branches\":[{\"label\":\"b\",\"diverged_at\":3,\"actions\":[{\"at\":5,\"action\":{\"crash\":{\"node\":9}}}],\"cursor\":4}]",
                1,
            ),
            |e| matches!(e, SessionError::InBranch { branch: 1, error } if matches!(**error, SessionError::UnknownNode { .. })),
        ),
        (
            "cursor too far",
            good.replacen("\"cursor\":null", "\"cursor\":999999999999", 1),
            |e| matches!(e, SessionError::CursorTooFar { .. }),
        ),
        (
            "out of order",
            good.replacen("\"at\":1000000", "\"at\":3000000", 1),
            |e| matches!(e, SessionError::OutOfOrder { .. }),
        ),
        (
            "huge node count",
            good.replacen("\"nodes\":5", "\"nodes\":200", 1),
            |e| matches!(e, SessionError::Config(_)),
        ),
        (
            "unknown field",
            good.replacen("\"seed\":3", "\"seed\":3,\"evil\":true", 1),
            |e| matches!(e, SessionError::Malformed(_)),
        ),
        (
            "seed overflow",
            good.replacen("\"seed\":3", "\"seed\":123456789012345678901234567890", 1),
            |e| matches!(e, SessionError::Malformed(_)),
        ),
        (
            "bad lease",
            good.replacen(
                "\"lease_duration_us\":120000",
                "\"lease_duration_us\":9000000",
                1,
            ),
            |e| matches!(e, SessionError::Config(_)),
        ),
    ];
    for (name, text, expected) in cases {
        assert_ne!(text, good, "case {name} must alter the text");
        match Session::from_json(&text) {
            Ok(_) => panic!("case {name}: accepted"),
            Err(e) => {
                assert!(expected(&e), "case {name}: {e:?}");
                assert!(!e.to_string().is_empty());
            }
        }
    }
}

#[test]
fn a_session_with_ten_million_actions_is_refused_without_parsing_them_all() {
    let one = "{\"at\":0,\"action\":\"heal\"},";
    let mut text = String::from("{\"version\":1,\"seed\":1,\"config\":{},\"actions\":[");
    for _ in 0..70_000 {
        text.push_str(one);
    }
    text.push_str("{\"at\":0,\"action\":\"heal\"}]}");
    assert!(matches!(
        Session::from_json(&text),
        Err(SessionError::TooLarge { .. }) | Err(SessionError::TooManyActions { .. })
    ));
    // Ten million actions is far past the size limit: refused by size alone.
    let claimed = 10_000_000usize * one.len();
    assert!(claimed > session::MAX_SESSION_BYTES);
    let big = "x".repeat(session::MAX_SESSION_BYTES + 1);
    assert!(matches!(
        Session::from_json(&big),
        Err(SessionError::TooLarge { .. })
    ));
    // Under the byte limit but over the action limit.
    let mut many = String::from("{\"version\":1,\"seed\":1,\"config\":{},\"actions\":[");
    for _ in 0..session::MAX_ACTIONS {
        many.push_str("{\"at\":0,\"action\":\"heal\"},");
    }
    many.push_str("{\"at\":0,\"action\":\"heal\"}]}");
    assert!(many.len() <= session::MAX_SESSION_BYTES);
    assert_eq!(
        Session::from_json(&many),
        Err(SessionError::TooManyActions {
            count: session::MAX_ACTIONS + 1
        })
    );
}

#[test]
fn a_session_past_the_limits_is_clamped_into_one_that_opens() {
    use super::session::{MAX_CURSOR, MAX_LABEL};
    let mut s = Session {
        actions: scripted_faults(),
        cursor: Some(MAX_CURSOR + 5),
        branches: vec![BranchRecord {
            label: "é".repeat(MAX_LABEL),
            diverged_at: Some(3),
            actions: Vec::new(),
            cursor: Some(u64::MAX),
        }],
        ..Session::new(WorldConfig::default(), 3)
    };
    assert!(Session::from_json(&s.to_json()).is_err());
    assert!(s.clamp_to_limits());
    assert_eq!(s.cursor, Some(MAX_CURSOR));
    assert_eq!(s.branches[0].cursor, Some(MAX_CURSOR));
    assert!(s.branches[0].label.len() <= MAX_LABEL);
    assert!(s.branches[0].label.ends_with("é…"));
    assert_eq!(Session::from_json(&s.to_json()).unwrap(), s);
    // Within the limits, nothing moves.
    assert!(!s.clamp_to_limits());
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let text = "[".repeat(100_000);
    assert!(matches!(
        Session::from_json(&text),
        Err(SessionError::Malformed(_))
    ));
}

#[test]
fn run_until_never_runs_an_event_scheduled_after_its_time() {
    // A superseded timer at or before `t` used to let `step` run the next
    // event too, even one after `t` (a crash at 3,200 ms ran inside
    // run_until(3,199 ms) in the split-vote lesson).
    use crate::raft::NodeId;
    use crate::sim::{Action, TimedAction};
    let crash = TimedAction {
        at: Time::from_millis(3_200),
        action: Action::Crash { node: NodeId(1) },
    };
    for ms in (3_100..3_200).step_by(7) {
        let mut w =
            World::with_actions(WorldConfig::default(), 12, std::slice::from_ref(&crash)).unwrap();
        w.run_until(Time::from_millis(ms));
        assert!(
            w.is_up(NodeId(1)),
            "the crash ran inside run_until({ms} ms)"
        );
        assert_eq!(w.now(), Time::from_millis(ms));
    }
}

#[test]
fn a_session_with_branches_round_trips_through_json_and_a_link() {
    let mut s = Session::from_json(&valid_json()).unwrap();
    s.cursor = Some(40);
    s.branches = vec![BranchRecord {
        label: "Branch 2: crash N3 at step 12".into(),
        diverged_at: Some(12),
        actions: vec![TimedAction {
            at: Time::from_millis(30),
            action: Action::Crash {
                node: crate::raft::NodeId(3),
            },
        }],
        cursor: Some(20),
    }];
    let again = Session::from_json(&s.to_json()).unwrap();
    assert_eq!(again, s);
    let link = crate::scenario::to_fragment(&s);
    assert_eq!(crate::scenario::from_fragment(&link), Ok(s));
}

#[test]
fn a_run_past_what_a_file_may_hold_says_why_before_it_is_shared() {
    use super::session::{MAX_ACTIONS, MAX_ACTION_TIME};
    let heal = |ms: u64| TimedAction {
        at: Time::from_millis(ms),
        action: Action::Heal,
    };
    let ok = Session {
        actions: vec![heal(5)],
        ..Session::new(WorldConfig::default(), 1)
    };
    assert_eq!(ok.share_problem(&ok.to_json()), None);
    let many = Session {
        actions: (0..=MAX_ACTIONS as u64).map(heal).collect(),
        ..ok.clone()
    };
    assert!(
        matches!(
            many.share_problem(&many.to_json()),
            Some(SessionError::TooManyActions { .. })
        ),
        "clamp_to_limits cannot bring back {} actions",
        MAX_ACTIONS + 1
    );
    let late = Session {
        actions: vec![TimedAction {
            at: MAX_ACTION_TIME.plus(1),
            action: Action::Heal,
        }],
        ..ok.clone()
    };
    assert!(matches!(
        late.share_problem(&late.to_json()),
        Some(SessionError::TimeOutOfRange { index: 0, .. })
    ));
    let big = "x".repeat(super::session::MAX_SESSION_BYTES + 1);
    assert_eq!(
        ok.share_problem(&big),
        Some(SessionError::TooLarge { bytes: big.len() })
    );
    // Whatever share_problem lets through, a file of it opens.
    assert!(Session::from_json(&ok.to_json()).is_ok());
}
