//! What-if branches: acting in the past starts a new branch instead of
//! throwing the old future away. The branch on screen lives in the app's
//! timeline; every other one is parked here whole (its timeline with its
//! checkpoints, and what the app knew of its live edge), so switching is a
//! swap, not a replay.

use super::LiveEdge;
use crate::sim::Timeline;
use crate::view::Recorder;

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
    /// How far it goes (for the branch on screen: as far as when it was
    /// last parked; the app's live edge says how far it goes now).
    pub steps: u64,
}

impl BranchInfo {
    /// The first history's line.
    pub fn first() -> BranchInfo {
        BranchInfo {
            id: 1,
            label: "The first history".to_string(),
            diverged_at: None,
            steps: 0,
        }
    }
}

/// A branch not on screen.
#[derive(Clone)]
pub struct Parked {
    /// Its line in the panel.
    pub info: BranchInfo,
    /// Its history.
    pub timeline: Timeline<Recorder>,
    /// What was known of it up to its live edge.
    pub live: LiveEdge,
    /// For a branch opened from a link or file and not yet shown: the step
    /// to go to when it is (it is replayed then, not on opening).
    pub pending_cursor: Option<u64>,
}

/// Every branch: the lines of the panel, the parked histories, and which
/// branch is on screen.
#[derive(Clone)]
pub struct Branches {
    lines: Vec<BranchInfo>,
    parked: Vec<Parked>,
    on_screen: usize,
}

impl Default for Branches {
    fn default() -> Self {
        Branches::new(BranchInfo::first(), Vec::new())
    }
}

impl Branches {
    /// `first` on screen, `parked` off it.
    pub fn new(first: BranchInfo, parked: Vec<Parked>) -> Branches {
        let on_screen = first.id;
        let lines = std::iter::once(first)
            .chain(parked.iter().map(|p| p.info.clone()))
            .collect();
        Branches {
            lines,
            parked,
            on_screen,
        }
    }

    /// Every branch's line, the one on screen included, oldest first.
    pub fn lines(&self) -> &[BranchInfo] {
        &self.lines
    }

    /// The branch on screen.
    pub fn on_screen(&self) -> usize {
        self.on_screen
    }

    /// The branches not on screen.
    pub fn parked(&self) -> &[Parked] {
        &self.parked
    }

    /// The line of the branch on screen, as far as `steps`.
    fn current_line(&self, steps: u64) -> BranchInfo {
        let mut info = self
            .lines
            .iter()
            .find(|b| b.id == self.on_screen)
            .cloned()
            .unwrap_or_else(BranchInfo::first);
        info.steps = steps;
        info
    }

    /// Parks the branch on screen as `parked` (its history and live edge),
    /// and updates its line.
    fn park_current(&mut self, timeline: Timeline<Recorder>, live: LiveEdge) {
        let info = self.current_line(timeline.furthest());
        for line in self.lines.iter_mut().filter(|l| l.id == info.id) {
            *line = info.clone();
        }
        self.parked.push(Parked {
            info,
            timeline,
            live,
            pending_cursor: None,
        });
    }

    /// An action (`words`) at step `at` forked the branch on screen: parks
    /// its old history (`before`, with what was known of it) and puts a new
    /// branch on screen. Past [`MAX_BRANCHES`], the oldest parked branch is
    /// let go. Returns the new branch's number.
    pub fn fork(
        &mut self,
        before: Timeline<Recorder>,
        live: LiveEdge,
        at: u64,
        words: &str,
    ) -> usize {
        let id = self.lines.iter().map(|b| b.id).max().unwrap_or(0) + 1;
        self.park_current(before, live);
        if self.parked.len() >= MAX_BRANCHES {
            let dropped = self.parked.remove(0).info.id;
            self.lines.retain(|l| l.id != dropped);
        }
        self.lines.push(BranchInfo {
            id,
            label: format!("Branch {id}: {words} at step {at}"),
            diverged_at: Some(at),
            steps: at + 1,
        });
        self.on_screen = id;
        id
    }

    /// Puts parked branch `id` on screen: swaps its history and live edge
    /// into `timeline` and `live`, and parks the ones there now. Returns the
    /// step to go to if the branch was opened from a link and never shown,
    /// as `Some(pending)`; `None` if `id` is not parked (it is on screen
    /// already, or unknown), and then nothing changes.
    pub fn switch(
        &mut self,
        id: usize,
        timeline: &mut Timeline<Recorder>,
        live: &mut LiveEdge,
    ) -> Option<Option<u64>> {
        let i = self.parked.iter().position(|b| b.info.id == id)?;
        let mut target = self.parked.remove(i);
        std::mem::swap(timeline, &mut target.timeline);
        std::mem::swap(live, &mut target.live);
        self.park_current(target.timeline, target.live);
        self.on_screen = id;
        Some(target.pending_cursor)
    }
}
