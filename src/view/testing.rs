//! Helpers the view tests share: running a timeline until something is so.

use super::Recorder;
use crate::raft::NodeId;
use crate::sim::Timeline;

/// Runs `t` for `ms` simulated milliseconds.
pub fn settle(t: &mut Timeline<Recorder>, ms: u64) {
    let until = t.world().now().plus(ms * 1000);
    t.run_until(until);
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
