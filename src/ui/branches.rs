//! What-if branches: acting in the past starts a new branch instead of
//! throwing the old future away. The branch on screen lives in the lab's
//! timeline; every other one is parked here whole (its timeline with its
//! checkpoints, and what the lab knew of its live edge), so switching is a
//! swap, not a replay.

use crate::raft::Time;
use crate::sim::Timeline;
use crate::view::{Lanes, Recorder, StepMarks};

/// The most branches kept; past it the oldest parked one is let go.
pub const MAX_BRANCHES: usize = 8;

/// One line of the Branches panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchInfo {
    /// Its number (1 is the first history).
    pub id: usize,
    /// What started it, in words.
    pub label: String,
    /// The step it split from its parent at (none for the first).
    pub diverged_at: Option<u64>,
    /// How far it goes.
    pub steps: u64,
}

/// A branch not on screen.
pub struct Parked {
    /// Its line in the panel.
    pub info: BranchInfo,
    /// Its history.
    pub timeline: Timeline<Recorder>,
    /// The marks of its steps up to its live edge.
    pub known: StepMarks,
    /// Its swimlane record up to its live edge.
    pub lanes: Lanes,
    /// The time of its live edge.
    pub live_time: Time,
    /// For a branch opened from a link or file and not yet shown: the step
    /// to go to when it is (it is replayed then, not on opening).
    pub pending_cursor: Option<u64>,
}

/// The first history's line.
pub fn first_branch() -> BranchInfo {
    BranchInfo {
        id: 1,
        label: "The first history".to_string(),
        diverged_at: None,
        steps: 0,
    }
}
