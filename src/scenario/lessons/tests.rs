//! Each lesson played and compared with what its captions claim.

use super::*;
use crate::raft::Role;
use crate::sim::World;

/// The captions as the player shows them, one per line.
fn script(lesson: &Lesson) -> String {
    lesson
        .stops()
        .unwrap_or_else(|e| panic!("{}: {e}", lesson.slug))
        .iter()
        .map(|s| s.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lesson's world at simulated time `ms`.
fn world_at(lesson: &Lesson, ms: u64) -> World {
    let s = &lesson.session;
    let mut w = World::with_actions(s.config.clone(), s.seed, &s.actions).unwrap();
    w.run_until(Time::from_millis(ms));
    w
}

/// The lesson's world after step `step`.
fn world_at_step(lesson: &Lesson, step: u64) -> World {
    let s = &lesson.session;
    let mut w = World::with_actions(s.config.clone(), s.seed, &s.actions).unwrap();
    while w.steps() < step && w.step().is_some() {}
    w
}

/// Who stood (candidate) and who won (leader) in which term between steps
/// `from` and `to`, in order.
fn elections(lesson: &Lesson, from: u64, to: u64) -> Vec<(NodeId, Role, u64)> {
    let mut w = world_at_step(lesson, from);
    let mut seen = Vec::new();
    while w.steps() < to {
        let Some(r) = w.step() else { break };
        for (node, e) in &r.events {
            match e {
                crate::raft::Event::BecameCandidate { term, .. } => {
                    seen.push((*node, Role::Candidate, *term))
                }
                crate::raft::Event::BecameLeader { term, .. } => {
                    seen.push((*node, Role::Leader, *term))
                }
                _ => {}
            }
        }
    }
    seen
}

#[test]
fn first_election_shows_a_timeout_a_vote_a_leader_and_a_commit() {
    // Reference: §5.2.
    let lesson = first_election();
    let lines = script(&lesson);
    let expected = [
        "Every server is a follower in term 0.",
        "N4's timer fired first: it heard from no leader for a whole election timeout (§5.2). It moves to term 1",
        "has not voted in term 1 yet, and the candidate's log is at least as up to date as its own (§5.4.1), so it grants its vote",
        "N4 holds votes from a majority, so it is the leader of term 1.",
        "N4 appended a no-op entry",
    ];
    for (line, want) in lines.lines().zip(expected) {
        assert!(line.contains(want), "{line:?} should say {want:?}");
    }
    assert_eq!(lines.lines().count(), expected.len());
}

#[test]
fn leader_crash_elects_a_new_leader_in_a_higher_term_and_the_old_one_follows() {
    // Reference: §5.2, §5.1.
    let lesson = leader_crash();
    let lines = script(&lesson);
    assert!(lines.contains("N2 won term 2"), "{lines}");
    let w = world_at(&lesson, 999);
    assert_eq!(w.leader(), Some(NodeId(4)), "the intro's leader");
    assert_eq!(w.node(NodeId(4)).term(), 1);
    let w = world_at(&lesson, 2_600);
    let n4 = w.node(NodeId(4));
    assert_eq!(
        (n4.role(), n4.term(), n4.leader()),
        (Role::Follower, 2, Some(NodeId(2)))
    );
}

#[test]
fn split_vote_has_three_candidates_in_term_1_and_then_livelocks_under_fixed_timeouts() {
    // Reference: §5.2; teaching fault `fixed-timeouts`.
    let lesson = split_vote();
    let stops = lesson.stops().unwrap();
    let lines = script(&lesson);
    assert!(lines.contains("candidate for term 1.\n"), "{lines}");
    assert!(lines.contains("won term 2"), "{lines}");
    let candidates: crate::sorted::SortedSet<_> = stops[..3].iter().map(|s| s.node).collect();
    assert_eq!(candidates.len(), 3, "three different candidates");
    assert!(
        candidates.contains(&stops[3].node),
        "\"one of them ... tried again and won\": {:?}",
        stops[3].node
    );
    // "Each candidate holds only its own vote, and just two votes are left":
    // at the third candidate's step, no one else has voted in term 1.
    let s = &lesson.session;
    let mut third = World::with_actions(s.config.clone(), s.seed, &s.actions).unwrap();
    while third.steps() < stops[2].step {
        third.step().unwrap();
    }
    for id in third.node_ids() {
        let n = third.node(id);
        if candidates.contains(&Some(id)) {
            assert_eq!((n.role(), n.term()), (Role::Candidate, 1), "{id}");
            assert_eq!(n.voted_for(), Some(id), "{id} voted for itself");
        } else {
            assert!(
                n.term() < 1 || n.voted_for().is_none(),
                "{id} has not voted in term 1 yet (term {}, vote {:?})",
                n.term(),
                n.voted_for()
            );
        }
    }
    let before = world_at(&lesson, 3_199);
    assert_eq!(
        before.leader(),
        Some(NodeId(1)),
        "the leader the script crashes"
    );
    let after = world_at(&lesson, 4_500);
    assert_eq!(after.leader(), None, "no leader under fixed timeouts");
    assert!(after.max_term() >= before.max_term() + 5, "terms climb");
}

#[test]
fn volatile_vote_gives_two_leaders_in_one_term_and_the_checker_names_it() {
    // Reference: Figure 2, §5.2; teaching fault `volatile-vote`.
    use crate::check::{Invariants, ViolationKind};
    let lesson = volatile_vote();
    let stops = lesson.stops().unwrap();
    let winners: Vec<_> = stops
        .iter()
        .filter(|s| s.text.contains("wins term 2"))
        .collect();
    assert_eq!(winners.len(), 2, "{:#?}", stops);
    assert_eq!(winners[0].node, Some(NodeId(1)));
    assert_eq!(winners[1].node, Some(NodeId(2)));
    let s = &lesson.session;
    let mut w = World::with_actions(s.config.clone(), s.seed, &s.actions).unwrap();
    let mut checks = Invariants::new();
    while w.steps() < winners[1].step {
        let r = w.step().unwrap();
        checks.check(&w, &r);
    }
    let kinds: Vec<_> = checks.violations().iter().map(|v| v.kind).collect();
    assert!(kinds.contains(&ViolationKind::ElectionSafety), "{kinds:?}");
    // Without the fault the same script elects no second leader.
    let fixed = Lesson {
        session: Session {
            config: WorldConfig::default(),
            ..lesson.session.clone()
        },
        ..lesson.clone()
    };
    let mut w =
        World::with_actions(fixed.session.config.clone(), 1, &fixed.session.actions).unwrap();
    let mut checks = Invariants::new();
    while w.now() < Time::from_millis(900) {
        let Some(r) = w.step() else { break };
        checks.check(&w, &r);
    }
    assert!(checks.violations().is_empty(), "{:?}", checks.violations());
}

#[test]
fn minority_partition_cannot_commit_and_rolls_back_on_heal() {
    // Reference: §5.3, §5.4.
    use crate::sim::Outcome;
    let lesson = minority_partition();
    let lines = script(&lesson);
    assert!(lines.contains("removes its uncommitted entry"), "{lines}");
    // "N4 appended it and N5 stored it": x = 1 is entry 2, of term 1, on both.
    let w = world_at(&lesson, 1_100);
    for id in [NodeId(4), NodeId(5)] {
        let e = w.node(id).log().entry(2).map(|e| e.term);
        assert_eq!(
            e,
            Some(1),
            "{id} holds x = 1 as entry 2 by the third caption"
        );
    }
    let w = world_at(&lesson, 1_700);
    let n4 = w.node(NodeId(4));
    assert_eq!(n4.role(), Role::Leader, "N4 still believes it leads");
    // "At index 2, where the term-2 log has N2's no-op."
    let n2 = w.node(NodeId(2));
    assert_eq!(n2.log().entry(2).map(|e| e.term), Some(2));
    assert!(matches!(
        *n2.log().entry(2).unwrap().payload,
        crate::raft::Payload::Noop
    ));
    assert!(
        n4.last_index() > n4.commit_index(),
        "with an entry it cannot commit"
    );
    let w = world_at(&lesson, 3_000);
    for id in w.node_ids() {
        assert_eq!(w.node(id).kv().get("x"), Some(2), "{id} applied x = 2 only");
    }
    assert!(
        !matches!(w.history()[0].outcome, Outcome::WriteOk { .. }),
        "x = 1 never committed"
    );
    assert!(matches!(w.history()[1].outcome, Outcome::WriteOk { .. }));
}

#[test]
fn learner_promotion_goes_from_learner_to_voter() {
    // Reference: thesis §4.2.1, §4.1.
    let lesson = learner_promotion();
    let stops = lesson.stops().unwrap();
    assert_eq!(stops.len(), 6);
    let w = world_at_step(&lesson, stops[0].step);
    assert_eq!(
        w.node(NodeId(2)).kv().get("x"),
        Some(3),
        "x = 1, 2, 3 written"
    );
    assert_eq!(w.node(NodeId(4)).last_index(), 0, "an empty disk");
    // The configuration is committed by two of the three voters, before N4
    // has a single entry.
    let w = world_at_step(&lesson, stops[2].step);
    let leader = w.leader().unwrap();
    assert!(w.node(leader).membership().is_learner(NodeId(4)));
    assert_eq!(
        w.node(NodeId(4)).last_index(),
        0,
        "N4 has not heard of it yet"
    );
    assert!(w.node(leader).commit_index() >= w.node(leader).membership_index());
    assert!(stops[2].text.contains("with N3"), "{}", stops[2].text);
    // N4 refuses the first AppendEntries, then holds the whole log.
    assert_eq!(stops[3].node, Some(NodeId(4)));
    let w = world_at_step(&lesson, stops[4].step);
    assert!(w.node(leader).membership().is_voter(NodeId(4)));
    assert_eq!(
        w.node(NodeId(4)).last_index(),
        w.node(leader).last_index() - 1
    );
    assert_eq!(stops[4].node, Some(leader), "the leader promoted it");
    // The promotion commits with N4 counted: three of four.
    let w = world_at_step(&lesson, stops[5].step);
    assert_eq!(w.node(leader).membership().voters.len(), 4);
    assert_eq!(w.node(leader).membership().quorum_size(), 3);
    assert_eq!(w.node(NodeId(4)).last_index(), w.node(leader).last_index());
}

#[test]
fn pre_vote_keeps_a_rejoining_server_from_disrupting_the_leader() {
    // Reference: thesis §9.6.
    let lesson = pre_vote();
    let terms =
        |w: &World| -> Vec<u64> { w.node_ids().iter().map(|id| w.node(*id).term()).collect() };
    let w = world_at(&lesson, 1_990);
    assert_eq!(terms(&w), vec![1, 1, 1, 1, 5], "N5's term climbed alone");
    let w = world_at(&lesson, 2_400);
    assert_ne!(w.leader(), Some(NodeId(4)), "the old leader was deposed");
    assert_eq!(w.max_term(), 6);
    let w = world_at(&lesson, 4_090);
    assert_eq!(
        w.node(NodeId(1)).term(),
        6,
        "pre-votes leave the term alone"
    );
    let w = world_at(&lesson, 4_600);
    assert_eq!(w.leader(), Some(NodeId(5)));
    assert_eq!(terms(&w), vec![6; 5], "nobody was disrupted");
    assert!(script(&lesson).contains("N5 won term 6"));
}

#[test]
fn snapshot_catch_up_installs_the_leaders_snapshot_on_the_far_behind_follower() {
    // Reference: §7.
    let lesson = snapshot_catch_up();
    let stops = lesson.stops().unwrap();
    assert_eq!(stops[5].node, Some(NodeId(1)), "N1 installed it");
    let w = world_at(&lesson, 2_800);
    let (n1, leader) = (w.node(NodeId(1)), w.node(w.leader().unwrap()));
    assert!(n1.log().snapshot().last_index >= 10);
    assert_eq!(n1.last_index(), leader.last_index());
    assert_eq!(n1.kv(), leader.kv());
}

#[test]
fn replication_rejects_then_backtracks_in_one_round_trip() {
    // Reference: §5.3.
    let lesson = replication();
    let stops = lesson.stops().unwrap();
    assert_eq!(stops[3].node, Some(NodeId(1)), "N1 refused");
    let w = world_at(&lesson, 1_699);
    assert!(w.node(NodeId(1)).last_index() + 5 < w.node(NodeId(4)).last_index());
    let w = world_at(&lesson, 1_800);
    assert_eq!(
        w.node(NodeId(1)).last_index(),
        w.node(NodeId(4)).last_index()
    );
    assert_eq!(w.node(NodeId(1)).kv(), w.node(NodeId(4)).kv());
}

#[test]
fn stale_read_shows_an_unchecked_stale_read_a_safe_read_index_and_a_lease_that_drift_breaks() {
    // Reference: §8, thesis §6.4.1; the checker proves each stale read.
    use crate::check::{check_history, Linearizability};
    use crate::raft::ReadMode;
    use crate::sim::Outcome;
    let lesson = stale_read();
    let w = world_at(&lesson, 5_000);
    let read_value = |op: &crate::sim::ClientOp| match op.outcome {
        Outcome::ReadOk { value, .. } => value,
        _ => None,
    };
    let reads: Vec<_> = w.history().iter().filter(|o| o.mode.is_some()).collect();
    assert_eq!(
        read_value(reads[0]),
        Some(1),
        "leader without check: stale x = 1"
    );
    assert_eq!(reads[0].node, NodeId(4));
    assert_eq!(
        read_value(reads[1]),
        Some(2),
        "ReadIndex: answered by the new leader"
    );
    assert_eq!(reads[1].mode, Some(ReadMode::ReadIndex));
    assert_eq!(
        read_value(reads[2]),
        Some(2),
        "lease within the bound: the latest value"
    );
    assert_eq!(
        read_value(reads[3]),
        Some(2),
        "after the lease: a retry elsewhere"
    );
    assert_ne!(reads[3].node, NodeId(3), "N3 refused it");
    // The captions name the leaders: N3 elected in term 2, N4 by 3.46 s.
    let leads = |ms: u64| {
        let w = world_at(&lesson, ms);
        w.leader().map(|l| (l, w.node(l).term()))
    };
    assert_eq!(leads(1_599), Some((NodeId(3), 2)));
    assert_eq!(leads(3_460).map(|(l, _)| l), Some(NodeId(4)));
    let s = &lesson.session;
    let mut replay = World::with_actions(s.config.clone(), s.seed, &s.actions).unwrap();
    let mut refused_for_lease = false;
    while replay.now() < Time::from_millis(3_300) {
        let Some(r) = replay.step() else { break };
        refused_for_lease |= r.time >= Time::from_millis(3_200)
            && r.events.iter().any(|(id, e)| {
                *id == NodeId(3)
                    && matches!(
                        e,
                        crate::raft::Event::Refused {
                            reason: crate::raft::Refusal::NoLease {
                                reason: crate::raft::NoLeaseReason::Expired { .. }
                            },
                            ..
                        }
                    )
            });
    }
    assert!(refused_for_lease, "N3 refused because its lease ran out");
    assert_eq!(
        read_value(reads[4]),
        Some(3),
        "lease past the drift bound: stale x = 3"
    );
    assert_eq!(reads[4].node, NodeId(4));
    let x4 = w
        .history()
        .iter()
        .find(|o| o.kind.to_string() == "set x=4")
        .unwrap();
    assert!(matches!(x4.outcome, Outcome::WriteOk { at, .. } if at < reads[4].invoked_at));
    // The checker proves the history wrong, and right without the two stale reads.
    assert!(matches!(
        check_history(w.history().iter(), 1_000_000),
        Linearizability::Violation(_)
    ));
    let honest: Vec<_> = w
        .history()
        .iter()
        .filter(|o| o.id != reads[0].id && o.id != reads[4].id)
        .cloned()
        .collect();
    assert_eq!(check_history(&honest, 1_000_000), Linearizability::Ok);
}

#[test]
fn every_lesson_has_a_unique_slug_an_intro_and_valid_stops_in_order() {
    let lessons = all();
    let slugs: crate::sorted::SortedSet<_> = lessons.iter().map(|l| l.slug).collect();
    assert_eq!(slugs.len(), lessons.len());
    for l in &lessons {
        assert!(l.session.validate().is_ok(), "{}", l.slug);
        assert!(l.intro.len() > 80 && !l.title.is_empty());
        let stops = l.stops().unwrap();
        assert!(
            stops.windows(2).all(|w| w[0].step <= w[1].step),
            "{}",
            l.slug
        );
        assert!(stops.iter().all(|s| !s.text.contains('{')), "{}", l.slug);
    }
}

#[test]
fn every_lesson_is_found_by_its_slug_and_a_link_to_a_caption_round_trips() {
    use crate::scenario::{from_fragment, to_fragment};
    use crate::sim::LessonRef;
    let all = all();
    let slugs: crate::sorted::SortedSet<&str> = all.iter().map(|l| l.slug).collect();
    assert_eq!(slugs.len(), all.len(), "slugs are distinct");
    for lesson in &all {
        assert_eq!(by_slug(lesson.slug).as_ref(), Some(lesson));
        let shared = crate::sim::Session {
            lesson: Some(LessonRef {
                slug: lesson.slug.to_string(),
                caption: 2,
            }),
            cursor: Some(17),
            ..lesson.session.clone()
        };
        assert_eq!(from_fragment(&to_fragment(&shared)), Ok(shared));
    }
    assert!(by_slug("no-such-lesson").is_none());
}

#[test]
fn joint_consensus_keeps_one_leader_per_term_through_a_split_and_completes_after_heal() {
    // Reference: §6.
    use crate::check::Invariants;
    let lesson = joint_consensus();
    let stops = lesson.stops().unwrap();
    assert_eq!(stops[2].node, Some(NodeId(2)), "N2 appended C_old,new");
    assert!(
        stops[4].text.contains("N1 wins term 2") || stops[4].text.contains("N3 wins term 2"),
        "{}",
        stops[4].text
    );
    assert_eq!(
        stops[6].node,
        Some(NodeId(2)),
        "N2 rolled the joint entry back"
    );
    let s = &lesson.session;
    let mut w = World::with_actions(s.config.clone(), s.seed, &s.actions).unwrap();
    let mut checks = Invariants::new();
    while w.now() < Time::from_millis(3_500) {
        let Some(r) = w.step() else { break };
        checks.check(&w, &r);
    }
    assert!(checks.violations().is_empty(), "{:?}", checks.violations());
    let leader = w.leader().expect("a leader at the end");
    let config = w.node(leader).membership().clone();
    assert!(!config.is_joint());
    for n in 1..=5 {
        assert!(config.is_voter(NodeId(n)), "N{n} votes: {config}");
    }
}

#[test]
fn naive_membership_elects_two_leaders_in_one_term_and_the_checker_names_it() {
    // Reference: §6; teaching fault `naive-membership`.
    use crate::check::{Invariants, ViolationKind};
    let lesson = naive_membership();
    let stops = lesson.stops().unwrap();
    let (a, b) = (&stops[2], &stops[3]);
    assert_eq!(a.node, Some(NodeId(4)), "{}", a.text);
    assert!(
        a.text.contains("wins term 2") && b.text.contains("wins term 2"),
        "{}\n{}",
        a.text,
        b.text
    );
    assert!(
        matches!(b.node, Some(NodeId(1)) | Some(NodeId(3))),
        "{}",
        b.text
    );
    let s = &lesson.session;
    let mut w = World::with_actions(s.config.clone(), s.seed, &s.actions).unwrap();
    let mut checks = Invariants::new();
    while w.steps() < b.step {
        let r = w.step().unwrap();
        checks.check(&w, &r);
    }
    let kinds: Vec<_> = checks.violations().iter().map(|v| v.kind).collect();
    assert!(kinds.contains(&ViolationKind::ElectionSafety), "{kinds:?}");
}

#[test]
fn figure_8_commits_an_old_terms_entry_that_a_later_leader_overwrites() {
    // Reference: §5.4.2, Figure 8; teaching fault `commit-any-term`.
    use crate::check::{Invariants, ViolationKind};
    let lesson = figure_8();
    let stops = lesson.stops().unwrap();
    assert_eq!(stops.len(), 10);
    assert_eq!(stops[3].node, Some(NodeId(2)), "{}", stops[3].text);
    // 6.3 speaks of the append to come: N4's log still ends at entry 1.
    assert!(stops[2]
        .text
        .contains("N4 will append it as entry 2 of term 1"));
    assert_eq!(
        world_at_step(&lesson, stops[2].step)
            .node(NodeId(4))
            .last_index(),
        1
    );
    let w = world_at_step(&lesson, stops[3].step);
    assert_eq!(
        (
            w.node(NodeId(1)).last_index(),
            w.node(NodeId(1)).log().last_term()
        ),
        (2, 1)
    );
    // 6.6 explains the jump from term 2 to 4: N3 stood alone in term 3.
    assert!(
        stops[5].text.contains("Then N4 won term 4:"),
        "the caption's \"term 4\" is N4's: {}",
        stops[5].text
    );
    let between = elections(&lesson, stops[4].step, stops[5].step);
    assert_eq!(
        between,
        vec![
            (NodeId(3), Role::Candidate, 3),
            (NodeId(4), Role::Candidate, 4),
            (NodeId(4), Role::Leader, 4)
        ],
        "N3 tried term 3 and lost; N4 won term 4"
    );
    assert!(
        stops[6].text.starts_with("N4 sees entry 2"),
        "{}",
        stops[6].text
    );
    // 6.9 explains the jump from term 4 to 6: a split vote in term 5.
    assert!(
        stops[8].text.contains("In term 5 N2 and N5 both stood")
            && stops[8].text.contains("In term 6 N2 won"),
        "{}",
        stops[8].text
    );
    let between = elections(&lesson, stops[7].step, stops[8].step);
    assert_eq!(
        between,
        vec![
            (NodeId(2), Role::Candidate, 5),
            (NodeId(5), Role::Candidate, 5),
            (NodeId(2), Role::Candidate, 6),
            (NodeId(2), Role::Leader, 6)
        ],
        "term 5 split between N2 and N5; N2 won term 6"
    );
    let run = |lesson: &Lesson, until: u64| {
        let s = &lesson.session;
        let mut w = World::with_actions(s.config.clone(), s.seed, &s.actions).unwrap();
        let mut checks = Invariants::new();
        while w.steps() < until {
            let Some(r) = w.step() else { break };
            checks.check(&w, &r);
        }
        checks
            .violations()
            .iter()
            .map(|v| v.kind)
            .collect::<Vec<_>>()
    };
    let kinds = run(&lesson, stops[9].step);
    assert!(
        kinds.contains(&ViolationKind::LeaderCompleteness),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&ViolationKind::StateMachineSafety),
        "{kinds:?}"
    );
    // The same script under the current-term rule loses nothing.
    let mut fixed = lesson.clone();
    fixed.session.config.raft.faults = Faults::default();
    assert_eq!(run(&fixed, stops[9].step + 2_000), vec![]);
}

#[test]
fn captions_point_at_the_messages_entries_and_stretch_of_time_they_talk_about() {
    use crate::raft::MessageKind;
    use crate::scenario::Focus;
    let stops = first_election().stops().unwrap();
    // "N4's timer fired first ... asks every other server for its vote".
    let asks = stops[1]
        .focus
        .iter()
        .filter(|f| {
            matches!(
                f,
                Focus::Message {
                    from: NodeId(4),
                    kind: MessageKind::RequestVote,
                    ..
                }
            )
        })
        .count();
    assert_eq!(asks, 4, "{:?}", stops[1].focus);
    // "... grants its vote": the reply to the candidate.
    assert!(stops[2].focus.iter().any(|f| matches!(
        f,
        Focus::Message {
            to: NodeId(4),
            kind: MessageKind::VoteResponse,
            ..
        }
    )));
    // Each caption's span runs from the previous caption to it.
    for w in stops.windows(2) {
        assert!(
            w[1].focus.contains(&Focus::Span {
                from: w[0].time,
                to: w[1].time
            }) || w[1].time == w[0].time
        );
    }
    // Figure 8: the caption about committing entry 2 points at it.
    let fig = figure_8().stops().unwrap();
    assert!(
        fig[6].focus.contains(&Focus::Entry {
            node: NodeId(4),
            index: 2
        }),
        "{:?}",
        fig[6].focus
    );
}

#[test]
fn no_client_has_written_yet_when_a_caption_says_clients_are_about_to() {
    // Reference: issue 24 — "clients keep writing" was shown before any write.
    for lesson in [replication(), snapshot_catch_up()] {
        let stops = lesson.stops().unwrap();
        assert!(
            stops[1].text.contains("Clients are about to write"),
            "{}",
            stops[1].text
        );
        let w = world_at_step(&lesson, stops[1].step);
        assert!(
            w.history().is_empty(),
            "{}: no operation before the caption",
            lesson.slug
        );
        // By the next caption they have, and N1 missed every entry.
        let w = world_at_step(&lesson, stops[2].step);
        assert!(w.history().len() >= 5, "{}", lesson.slug);
        assert_eq!(w.node(NodeId(1)).last_index(), 1, "{}", lesson.slug);
    }
    let lesson = replication();
    let w = world_at_step(&lesson, lesson.stops().unwrap()[2].step);
    let leader_last = w.node(NodeId(4)).last_index();
    for n in 2..=5 {
        assert_eq!(
            w.node(NodeId(n)).last_index(),
            leader_last,
            "N{n} stored every entry"
        );
    }
}

#[test]
fn stale_read_explains_the_jump_to_term_7_and_where_x_3_came_from() {
    // Reference: thesis §6.4.1; issue 24 — term 3 to 7 with no word, and an
    // x = 3 never introduced.
    let lesson = stale_read();
    let stops = lesson.stops().unwrap();
    assert!(stops[8].text.starts_with(
        "Meanwhile x = 3 was written and committed under N4. N3, cut off, campaigned up to term 6"
    ));
    let w = world_at_step(&lesson, stops[8].step);
    assert_eq!(w.node(NodeId(4)).kv().get("x"), Some(3));
    assert_eq!((w.leader(), w.node(NodeId(4)).term()), (Some(NodeId(4)), 7));
    let stood = elections(&lesson, stops[7].step, stops[8].step);
    let n3: Vec<u64> = stood
        .iter()
        .filter(|e| e.0 == NodeId(3))
        .map(|e| e.2)
        .collect();
    assert_eq!(
        n3.iter().max(),
        Some(&6),
        "N3 campaigned up to term 6: {stood:?}"
    );
    assert_eq!(
        stood.last(),
        Some(&(NodeId(4), Role::Leader, 7)),
        "{stood:?}"
    );
    assert!(stops[9].text.contains("it answered x = 3"));
}

#[test]
fn joint_consensus_captions_say_who_holds_c_old_new_and_how_term_9_came() {
    // Reference: §6; issue 24 — 8.3's promise and the jump to term 9.
    let lesson = joint_consensus();
    let stops = lesson.stops().unwrap();
    let w = world_at_step(&lesson, stops[2].step);
    let joint: Vec<NodeId> = w
        .node_ids()
        .into_iter()
        .filter(|&n| w.node(n).membership().is_joint())
        .collect();
    assert_eq!(joint, vec![NodeId(2)], "only N2 holds C_old,new yet");
    assert!(stops[2]
        .text
        .contains("Only N2 holds C_old,new yet: N4 and N5 are still drawn as learners"));
    for n in [4, 5] {
        assert!(
            w.node(NodeId(n)).membership().is_learner(NodeId(n)),
            "N{n} holds itself a learner"
        );
    }
    // 8.5: the newest leader, whose configuration the drawing follows, is
    // N1, and it knows only C_old.
    let w = world_at_step(&lesson, stops[4].step);
    assert_eq!(w.leader(), Some(NodeId(1)));
    assert!(!w.node(NodeId(1)).membership().is_joint());
    assert!(!crate::view::cluster_configuration(&w).is_joint());
    assert!(stops[4]
        .text
        .ends_with("it knows only C_old, so no joint majorities are shown."));
    // 8.6: N2 is a candidate in term 8; N1 and N3's logs end in term 2.
    let w = world_at_step(&lesson, stops[5].step);
    let n2 = w.node(NodeId(2));
    assert_eq!(
        (n2.role(), n2.term(), n2.log().last_term()),
        (Role::Candidate, 8, 1)
    );
    assert!(stops[5].text.ends_with("N2 is a candidate in term 8."));
    for n in [1, 3] {
        assert_eq!(w.node(NodeId(n)).log().last_term(), 2);
    }
    // 8.7: N1 leads term 9, and N2 is back in the old configuration.
    let w = world_at_step(&lesson, stops[6].step);
    assert_eq!((w.leader(), w.node(NodeId(1)).term()), (Some(NodeId(1)), 9));
    assert!(stops[6].text.contains("N1 won term 9"));
    assert!(!w.node(NodeId(2)).membership().is_joint());
    let refused: Vec<_> = elections(&lesson, stops[5].step, stops[6].step)
        .into_iter()
        .filter(|e| e.1 == Role::Leader)
        .collect();
    assert_eq!(refused, vec![(NodeId(1), Role::Leader, 9)], "N2 never won");
}

#[test]
fn volatile_vote_says_a_restarted_server_takes_its_last_entrys_term() {
    // Reference: Figure 2; issue 24 — "no server saves its term", yet N3
    // restarts in term 1: from its log.
    let lesson = volatile_vote();
    let stops = lesson.stops().unwrap();
    assert!(stops[0]
        .text
        .contains("can only take the term of the last entry in its log"));
    let w = world_at_step(&lesson, stops[3].step);
    let n3 = w.node(NodeId(3));
    assert_eq!(
        (n3.term(), n3.log().last_term(), n3.voted_for()),
        (1, 1, None)
    );
    assert!(stops[3]
        .text
        .contains("took the term of its last log entry, 1"));
}
