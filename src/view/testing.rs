//! Helpers the view tests share: running a timeline until something is so.

use crate::raft::{NodeId, Time};
use crate::sim::{Action, Timeline, World};
use crate::view::{cards_and_rings, Frame, Lanes, NodeCard, Recorder};

/// The card of every node, in id order (the rings left out).
pub fn node_cards(world: &World, recorder: &Recorder) -> Vec<NodeCard> {
    cards_and_rings(world, recorder).0
}

/// A swimlane frame `width` pixels wide from `from` to `to`, with a lane
/// for each node `lanes` records and no caption's focus.
pub fn lane_frame(lanes: &Lanes, width: f64, from: Time, to: Time) -> Frame {
    Frame {
        width,
        from,
        to,
        nodes: lanes.nodes().to_vec(),
        focus: None,
    }
}

/// Runs `t` for `ms` simulated milliseconds.
pub fn settle(t: &mut Timeline<Recorder>, ms: u64) {
    let until = t.world().now().plus(ms * 1000);
    t.run_until(until);
}

/// Cuts `node` off from every other node; returns the others.
pub fn isolate(t: &mut Timeline<Recorder>, node: NodeId) -> Vec<NodeId> {
    let others: Vec<NodeId> = t
        .world()
        .node_ids()
        .into_iter()
        .filter(|n| *n != node)
        .collect();
    t.act(Action::Partition {
        groups: vec![vec![node], others.clone()],
    });
    others
}

/// Steps `t` until a leader has committed an entry of its own, and returns
/// it; panics if none does within 200,000 steps.
pub fn leader_of(t: &mut Timeline<Recorder>) -> NodeId {
    for _ in 0..200_000 {
        if let Some(l) = t.world().leader() {
            if t.world().node(l).commit_index() > 0 {
                return l;
            }
        }
        t.step();
    }
    panic!("no leader");
}

/// Lesson 12's run (`volatile-vote`): N3 votes for N1 in term 2, restarts
/// having forgotten it, and votes for N2 in term 2 too, so both lead term 2.
/// Returned 100 ms after the second election.
pub fn two_leaders_in_one_term() -> Timeline<Recorder> {
    let lesson = crate::scenario::lessons::volatile_vote();
    let mut t = Timeline::new(lesson.session, Recorder::new()).expect("valid lesson");
    settle(&mut t, 850);
    t
}
