//! The app's intents, natively: what a person does and what the screen is
//! then told to show.

use super::*;
use crate::raft::ConfChange;
use crate::scenario::lessons;
use crate::view::{KeyMark, Kind, NodeCard};

/// A frame 1/60 s after the previous one, on a wall clock that never runs
/// out of budget.
fn tick(app: &mut App, frame: &mut f64) -> Redraw {
    *frame += 1000.0 / 60.0;
    let at = *frame;
    app.frame(1000.0 / 60.0, at, &|| at)
}

/// An app of five nodes at full speed, played until it has a leader.
fn with_leader() -> App {
    let mut app = App::new(SessionSettings::default(), 1.0);
    let mut frame = 0.0;
    while app.leader().is_none() {
        tick(&mut app, &mut frame);
        assert!(frame < 60_000.0, "no leader within a minute of frames");
    }
    app
}

/// What a person sees of each node: its role and term.
fn roles(app: &mut App) -> Vec<(NodeId, Kind, u64)> {
    let cards: Vec<NodeCard> = view::ClusterFrame::of(app.world(), app.recorder()).cards;
    cards.iter().map(|c| (c.id, c.kind, c.term)).collect()
}

#[test]
fn playing_draws_the_cluster_at_20_hz_and_the_panels_at_10() {
    let mut app = App::new(SessionSettings::default(), 0.1);
    let mut frame = 0.0;
    let drawn: Vec<(bool, bool)> = (0..120)
        .map(|_| {
            let r = tick(&mut app, &mut frame);
            (r.cluster.is_some(), r.panels_now.is_some())
        })
        .collect();
    let clusters = drawn.iter().filter(|d| d.0).count();
    let panels = drawn.iter().filter(|d| d.1).count();
    assert!(
        (39..=41).contains(&clusters),
        "{clusters} cluster drawings in 2 s"
    );
    assert!(
        (19..=21).contains(&panels),
        "{panels} panel drawings in 2 s"
    );
    assert!(
        drawn.iter().all(|d| d.0 || !d.1),
        "panels only with the cluster"
    );
}

#[test]
fn a_paused_frame_draws_only_what_playback_left_behind() {
    let mut app = with_leader();
    app.toggle_play();
    let mut frame = 1e6;
    // Whatever playback left behind (the panels draw at 10 Hz) is drawn
    // on the first paused frame...
    tick(&mut app, &mut frame);
    let idle = tick(&mut app, &mut frame);
    assert!(idle.is_empty(), "nothing changed, nothing drawn: {idle:?}");
    app.step_forward();
    let stepped = app.poll_redraw(frame);
    assert_eq!(stepped.panels.map(|p| p.steps), Some(app.cursor()));
    assert!(
        app.next_event().is_some(),
        "paused, it says what comes next"
    );
}

#[test]
fn stepping_back_and_forward_moves_the_cursor_one_event_and_pauses() {
    let mut app = with_leader();
    let live = app.furthest();
    app.step_back();
    assert!(!app.playing());
    assert_eq!((app.cursor(), app.furthest()), (live - 1, live));
    app.step_forward();
    assert_eq!(app.cursor(), live);
}

#[test]
fn key_events_are_found_up_to_the_live_edge_after_going_back() {
    let mut app = with_leader();
    app.poll_redraw(0.0);
    app.go_to_start();
    assert!(app.next_key_event(), "the election is a key event ahead");
    let first = app.cursor();
    assert!(first > 0 && first <= app.furthest());
    assert!(app.previous_key_event() || app.cursor() == first);
    app.go_to_start();
    assert!(!app.previous_key_event(), "nothing before the start");
    assert_eq!(app.cursor(), 0);
}

#[test]
fn acting_in_the_past_forks_a_branch_and_keeps_the_old_future() {
    // Reference: the Branches panel; a what-if must not lose the old run.
    let mut app = with_leader();
    app.poll_redraw(0.0);
    let history = app.numbers().history;
    let live = app.furthest();
    app.seek(live / 2);
    let at = app.cursor();
    let follower = app
        .node_ids()
        .into_iter()
        .find(|&n| Some(n) != app.leader())
        .unwrap();
    assert_eq!(app.act(Action::Crash { node: follower }), Ok(()));
    let lines = app.branches().lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(app.branches().on_screen(), 2);
    assert_eq!(lines[0].steps, live, "the old future is kept whole");
    assert_eq!(lines[1].diverged_at, Some(at));
    assert!(
        lines[1].label.starts_with("Branch 2: "),
        "{}",
        lines[1].label
    );
    assert_eq!(app.cursor(), app.furthest(), "the new branch is live");
    assert!(app.furthest() < live);
    assert!(app
        .notice()
        .unwrap()
        .contains("branch 2 starts from your action"));
    assert!(
        app.numbers().history > history,
        "per-step caches start over"
    );
}

#[test]
fn switching_branches_brings_back_each_history_where_it_was_left() {
    let mut app = with_leader();
    app.poll_redraw(0.0);
    let live = app.furthest();
    app.seek(live / 2);
    let at = app.cursor();
    app.act(Action::Heal).unwrap();
    let new_live = app.furthest();
    app.switch_branch(1);
    assert_eq!(app.branches().on_screen(), 1);
    assert_eq!((app.cursor(), app.furthest()), (at, live));
    assert!(!app.playing());
    assert_eq!(app.notice(), None);
    app.switch_branch(2);
    assert_eq!((app.cursor(), app.furthest()), (new_live, new_live));
    // The branch on screen and an unknown one change nothing.
    let before = app.numbers();
    app.switch_branch(2);
    app.switch_branch(9);
    assert_eq!(app.numbers(), before);
}

#[test]
fn a_refused_action_changes_nothing_but_its_own_step() {
    let mut app = with_leader();
    // Once the leader has committed an entry of its term, it takes changes.
    app.advance(500_000, &|| 0.0);
    app.poll_redraw(0.0);
    let before = roles(&mut app);
    let configuration = view::configuration(app.world());
    let cursor = app.cursor();
    let refused = app.act(Action::ChangeMembership {
        change: ConfChange::Remove(NodeId(7)),
    });
    let words = refused.expect_err("N7 is not a member");
    assert!(words.contains("N7 is not a member"), "{words}");
    assert!(words.starts_with(char::is_uppercase), "{words}");
    assert_eq!(roles(&mut app), before);
    assert_eq!(view::configuration(app.world()), configuration);
    assert_eq!(
        app.cursor(),
        cursor + 1,
        "the refusal is one step of the log"
    );
    assert_eq!(app.branches().lines().len(), 1);
}

/// Plays frames until the app pauses; how many frames that took.
fn play_out(app: &mut App) -> usize {
    let mut frame = 0.0;
    let mut frames = 0;
    while app.playing() {
        tick(app, &mut frame);
        frames += 1;
        assert!(frames < 200_000, "it never paused");
    }
    frames
}

#[test]
fn continue_plays_to_the_next_caption_and_pauses_there() {
    let lesson = lessons::leader_crash();
    let mut app = App::new(SessionSettings::default(), 0.1);
    app.open_lesson(&lesson).unwrap();
    let stops = app.lesson().unwrap().stops.clone();
    assert!(stops.len() >= 3, "{} captions", stops.len());
    assert_eq!(app.cursor(), stops[0].step);
    assert!(!app.playing());
    app.next_caption();
    assert!(app.playing(), "Continue plays towards caption 2");
    assert_eq!(app.heading_to(), Some(1));
    assert_eq!(
        app.lesson().unwrap().at,
        0,
        "caption 1 stays until its moment"
    );
    play_out(&mut app);
    assert_eq!((app.lesson().unwrap().at, app.cursor()), (1, stops[1].step));
    // Caption 3 comes about 0.2 simulated seconds later: at a tenth of
    // real time, some 120 frames of the run on its way.
    app.next_caption();
    let mut frame = 0.0;
    tick(&mut app, &mut frame);
    let between = app.cursor();
    let frames = play_out(&mut app);
    assert!(frames > 60, "it moved frame by frame ({frames} frames)");
    assert!(stops[1].step <= between && between < stops[2].step);
    assert_eq!((app.lesson().unwrap().at, app.cursor()), (2, stops[2].step));
    assert_eq!(
        *app.selection(),
        stops[2].node.map_or(Selection::None, Selection::Node)
    );
    assert_eq!(
        app.lesson().unwrap().focus_at(app.cursor()),
        &stops[2].focus[..]
    );
    // A second press on the way skips the animation.
    app.next_caption();
    tick(&mut app, &mut frame);
    assert!(app.playing());
    app.next_caption();
    assert!(!app.playing());
    assert_eq!((app.lesson().unwrap().at, app.cursor()), (3, stops[3].step));
    // Back returns to the previous moment.
    app.previous_caption();
    assert_eq!((app.lesson().unwrap().at, app.cursor()), (2, stops[2].step));
    // Past the last caption, Continue does nothing.
    app.show_caption(stops.len() - 1);
    app.next_caption();
    assert!(!app.playing());
    assert_eq!(app.lesson().unwrap().at, stops.len() - 1);
}

#[test]
fn back_while_on_the_way_returns_to_the_caption_just_left() {
    let mut app = App::new(SessionSettings::default(), 0.1);
    app.open_lesson(&lessons::leader_crash()).unwrap();
    let stops = app.lesson().unwrap().stops.clone();
    app.show_caption(1);
    app.next_caption();
    let mut frame = 0.0;
    tick(&mut app, &mut frame);
    tick(&mut app, &mut frame);
    assert!(app.cursor() > stops[1].step, "on the way to caption 3");
    app.previous_caption();
    assert!(!app.playing());
    assert_eq!((app.lesson().unwrap().at, app.cursor()), (1, stops[1].step));
}

#[test]
fn play_during_a_lesson_stops_at_the_next_caption_moment() {
    // Reference: issue 24 — Play ran past the next caption while the
    // caption still described the earlier moment.
    let mut app = App::new(SessionSettings::default(), 1.0);
    app.open_lesson(&lessons::leader_crash()).unwrap();
    let stops = app.lesson().unwrap().stops.clone();
    for (i, stop) in stops.iter().enumerate().skip(1) {
        app.toggle_play();
        assert_eq!(app.heading_to(), Some(i));
        play_out(&mut app);
        assert_eq!((app.lesson().unwrap().at, app.cursor()), (i, stop.step));
    }
    // After the last caption, Play runs on freely.
    app.toggle_play();
    assert_eq!(app.heading_to(), None);
    let mut frame = 0.0;
    for _ in 0..30 {
        tick(&mut app, &mut frame);
    }
    assert!(app.playing() && app.cursor() > stops[stops.len() - 1].step);
    assert_eq!(app.lesson().unwrap().at, stops.len() - 1);
}

#[test]
fn acting_closes_the_lesson_and_says_why() {
    let mut app = App::new(SessionSettings::default(), 0.1);
    app.open_lesson(&lessons::leader_crash()).unwrap();
    app.show_caption(2);
    app.previous_caption();
    app.act(Action::Heal).unwrap();
    assert!(app.lesson().is_none());
    let notice = app.notice().unwrap();
    assert!(notice.contains("closed at caption 2"), "{notice}");
    // The lesson's cursor was in the past: the old run is a branch too.
    assert!(notice.starts_with("You acted in the past"), "{notice}");
}

#[test]
fn a_link_opens_the_same_history_at_the_same_step_with_its_branches() {
    let mut app = with_leader();
    app.poll_redraw(0.0);
    let leader = app.leader().unwrap();
    app.act(Action::Crash { node: leader }).unwrap();
    app.seek(app.cursor() - 1);
    app.act(Action::Heal).unwrap();
    app.step_back();
    let shared = app.share();
    assert_eq!(shared.problem, None);
    assert_eq!(shared.opens_at, app.cursor());
    let session = crate::scenario::from_fragment(&shared.fragment()).unwrap();
    let mut opened = App::new(SessionSettings { size: 3, seed: 9 }, 1.0);
    opened.open_shared(session).unwrap();
    assert_eq!(opened.cursor(), app.cursor());
    assert_eq!(opened.settings(), app.settings());
    assert!(!opened.playing());
    assert_eq!(roles(&mut opened), roles(&mut app));
    let labels = |a: &App| -> Vec<String> {
        a.branches()
            .lines()
            .iter()
            .map(|b| b.label.clone())
            .collect()
    };
    assert_eq!(labels(&opened)[1..], labels(&app)[..1]);
    assert_eq!(labels(&opened)[0], "The shared history");
    // The parked branch opens at the step it was shared at.
    opened.switch_branch(2);
    assert_eq!(
        opened.cursor(),
        app.branches().parked()[0].timeline.furthest()
    );
}

#[test]
fn a_link_to_an_unknown_lesson_is_refused_and_changes_nothing() {
    let mut app = with_leader();
    let cursor = app.cursor();
    let mut session = app.timeline.session();
    session.lesson = Some(crate::sim::LessonRef {
        slug: "no-such-lesson".to_string(),
        caption: 0,
    });
    let words = app.open_shared(session).unwrap_err();
    assert!(words.contains("no-such-lesson"), "{words}");
    assert_eq!(app.cursor(), cursor);
    assert_eq!(app.numbers().session, 0);
}

#[test]
fn a_broken_rule_pauses_playback_at_the_step_that_broke_it() {
    // Lesson 12's teaching fault (a vote kept only in memory) breaks a rule.
    let mut app = App::new(SessionSettings::default(), 1.0);
    app.open_lesson(&lessons::volatile_vote()).unwrap();
    app.leave_lesson();
    app.set_playing(true);
    let mut frame = 0.0;
    while app.playing() {
        tick(&mut app, &mut frame);
        assert!(frame < 120_000.0, "the rule never broke");
    }
    let violation = app.violation().expect("paused by the alert");
    assert!(!violation.property.is_empty());
    assert_eq!(
        app.cursor(),
        app.furthest(),
        "paused at the step that broke it"
    );
    app.step_back();
    assert!(
        app.violation().is_none(),
        "one step earlier it was not broken yet"
    );
}

#[test]
fn building_history_runs_to_its_target_then_hands_over() {
    let mut app = App::new(SessionSettings::default(), 1.0);
    app.build_history(0.05);
    assert!(!app.playing());
    let mut frame = 0.0;
    while app.building().is_some() {
        tick(&mut app, &mut frame);
        assert!(frame < 60_000.0, "never finished");
    }
    assert!(app.world().now() >= Time(3_000_000));
    assert!(app.world().workload().is_some());
    // Moving through time takes over from a build.
    app.build_history(1.0);
    app.step_back();
    assert_eq!(app.building(), None);
}

#[test]
fn a_new_session_starts_over() {
    let mut app = with_leader();
    app.select(Selection::Node(NodeId(2)));
    let numbers = app.numbers();
    app.restart(SessionSettings { size: 3, seed: 4 }).unwrap();
    assert_eq!(app.node_ids().len(), 5, "three voters and two spares");
    assert_eq!(app.cursor(), 0);
    assert_eq!(*app.selection(), Selection::None);
    assert_eq!(app.numbers().session, numbers.session + 1);
    assert_eq!(app.settings(), SessionSettings { size: 3, seed: 4 });
}

#[test]
fn pausing_says_what_comes_next_and_playing_says_nothing() {
    let mut app = with_leader();
    app.poll_redraw(0.0);
    assert_eq!(app.next_event(), None, "playing");
    app.toggle_play();
    app.poll_redraw(0.0);
    let next = app.next_event().expect("paused").to_string();
    app.step_forward();
    app.poll_redraw(0.0);
    assert_ne!(
        app.next_event(),
        Some(next.as_str()),
        "one step later, the next one"
    );
    app.toggle_play();
    app.poll_redraw(0.0);
    assert_eq!(app.next_event(), None);
}

#[test]
fn next_key_event_at_the_live_edge_plays_until_one_happens() {
    let mut app = with_leader();
    app.advance(300_000, &|| 0.0);
    let leader = app.leader().unwrap();
    app.act(Action::Crash { node: leader }).unwrap();
    app.set_playing(false);
    app.poll_redraw(0.0);
    assert_eq!(app.cursor(), app.furthest(), "at the live edge");
    assert!(app.next_key_event(), "something can still happen");
    assert!(app.playing(), "it plays towards the next key event");
    let mut frame = 0.0;
    while app.playing() {
        tick(&mut app, &mut frame);
        assert!(frame < 120_000.0, "no key event came");
    }
    let mark = app.recorder().marks().get(app.cursor()).copied().unwrap();
    assert_eq!(
        mark.key,
        Some(KeyMark::ElectionStarted),
        "the leader is gone: an election starts"
    );
    assert!(app.next_key_event());
    while app.playing() {
        tick(&mut app, &mut frame);
        assert!(frame < 240_000.0, "no key event came");
    }
    let mark = app.recorder().marks().get(app.cursor()).copied().unwrap();
    assert!(mark.key.is_some(), "paused on a key event: {mark:?}");
    // Pausing by hand ends the run to the next key event.
    assert!(app.next_key_event());
    app.toggle_play();
    app.toggle_play();
    tick(&mut app, &mut frame);
    assert!(app.playing(), "a plain Play does not stop at key events");
}

#[test]
fn split_vote_leaves_the_next_term_without_a_leader_in_nine_seeds_of_ten() {
    // Reference: §5.2 (each server votes once per term, for itself first
    // when it is a candidate).
    let mut split = 0;
    for seed in 1..=10 {
        let mut app = App::new(SessionSettings { size: 5, seed }, 1.0);
        let mut frame = 0.0;
        while app.leader().is_none() {
            tick(&mut app, &mut frame);
        }
        let term = app.world().node(app.leader().unwrap()).term();
        let said = app
            .split_vote()
            .expect("five voters with a leader can split");
        assert!(said.contains(&format!("term {}", term + 1)), "{said}");
        // Play until someone leads a newer term than the old leader's.
        loop {
            tick(&mut app, &mut frame);
            assert!(
                frame < 120_000.0,
                "seed {seed}: no new leader in two minutes"
            );
            let w = app.world();
            if let Some(l) = w.leader().filter(|&l| w.node(l).term() > term) {
                if w.node(l).term() > term + 1 {
                    split += 1;
                }
                break;
            }
        }
    }
    assert!(
        split >= 9,
        "term + 1 had no leader in only {split} of 10 seeds"
    );
}

#[test]
fn split_vote_is_refused_with_a_reason_when_three_voters_cannot_split() {
    let mut app = App::new(SessionSettings { size: 3, seed: 1 }, 1.0);
    let mut frame = 0.0;
    while app.leader().is_none() {
        tick(&mut app, &mut frame);
    }
    let before = app.cursor();
    let err = app.split_vote().unwrap_err();
    assert!(err.contains("four voters or more"), "{err}");
    assert_eq!(app.cursor(), before, "a refused split vote changes nothing");
}
