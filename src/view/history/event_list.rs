//! Which steps the event log lists, and which of those are on screen.
//!
//! An hour of history has about a million steps, so the list is virtual:
//! which steps pass the filter comes from the recorder's marks (a few bytes
//! per step, no sentences), only the dozen lines on screen are made, by
//! replaying just those steps. A search needs every line's words: it
//! replays the history a few thousand steps per frame.

use crate::raft::NodeId;
use crate::sim::Replay;
use crate::view::{event_line, folded, KeyMark, Lanes, LineKind, StepMark, StepMarks, StepRuns};

/// Height of one line, in pixels (the CSS clamps each line to fit).
pub const ROW_PX: f64 = 58.0;
/// Height of the scrolling box, in pixels.
pub const LOG_VIEWPORT_PX: f64 = 348.0;
/// The tallest scroll area browsers handle well; longer lists are scaled.
const MAX_SCROLL_PX: f64 = 4_000_000.0;
/// Steps a search replays per animation frame.
pub const SEARCH_STEPS_PER_FRAME: usize = 3_000;

/// Which steps the log lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFilter {
    /// Only steps at this node, if set.
    pub node: Option<NodeId>,
    /// The kinds of line shown ([`LineKind::bit`]s).
    pub kinds: u8,
    /// Only lines with these words (folded), if not empty.
    pub search: String,
}

impl LogFilter {
    /// Every kind of line, at every node.
    pub const ALL_KINDS: u8 = {
        let mut bits = 0;
        let mut i = 0;
        while i < LineKind::ALL.len() {
            bits |= LineKind::ALL[i].bit();
            i += 1;
        }
        bits
    };

    /// The filter for `node`, `kinds` and the words typed in the search box
    /// (trimmed, and folded so that case does not matter).
    pub fn new(node: Option<NodeId>, kinds: u8, typed: &str) -> LogFilter {
        LogFilter {
            node,
            kinds,
            search: folded(typed.trim()),
        }
    }

    /// Whether the step marked `mark` passes the node and kind filters.
    pub fn passes(&self, mark: &StepMark) -> bool {
        self.node.is_none_or(|n| mark.node == Some(n)) && self.kinds & mark.kind.bit() != 0
    }
}

/// A search in progress: the replay it reads lines from, and the next step.
struct SearchJob {
    replay: Option<Replay>,
    next: u64,
}

/// What one slice of a search did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearchSlice {
    /// Whether a search is on (it then runs again next frame).
    pub on: bool,
    /// Whether it looked at any step.
    pub changed: bool,
    /// How far it has got and how far it goes, while it is behind.
    pub progress: Option<(u64, u64)>,
}

/// The steps passing the filter up to the live edge, and how far the marks
/// were scanned.
#[derive(Default)]
pub struct ListedSteps {
    /// The history the list was made from (a number that changes whenever
    /// the history on screen is replaced).
    history: u64,
    filter: Option<LogFilter>,
    steps: StepRuns,
    scanned: u64,
    search: Option<SearchJob>,
}

impl ListedSteps {
    /// Brings the list up to date: a new `filter` or another `history`
    /// starts over; new steps at the live edge (`furthest`, marked in
    /// `marks`) are scanned as they come. A search adds its steps itself
    /// ([`ListedSteps::search_some`]).
    pub fn update(&mut self, filter: &LogFilter, history: u64, marks: &StepMarks, furthest: u64) {
        if self.filter.as_ref() != Some(filter)
            || self.scanned > furthest
            || self.history != history
        {
            self.steps.clear();
            self.scanned = 0;
            self.search = (!filter.search.is_empty()).then_some(SearchJob {
                replay: None,
                next: 1,
            });
            self.filter = Some(filter.clone());
            self.history = history;
        }
        if self.search.is_some() {
            return;
        }
        let known = marks.len();
        self.steps.extend(
            (self.scanned + 1..=known).filter(|s| marks.get(*s).is_some_and(|m| filter.passes(m))),
        );
        self.scanned = known;
    }

    /// Runs the search for at most `budget` steps up to `furthest`, reading
    /// each line's words from a replay made by `replay_from` (as shown:
    /// stale-read verdicts included, from `marks` and `lanes`).
    pub fn search_some(
        &mut self,
        budget: usize,
        furthest: u64,
        marks: &StepMarks,
        lanes: &Lanes,
        replay_from: impl FnOnce(u64) -> Replay,
    ) -> SearchSlice {
        let (Some(job), Some(filter)) = (self.search.as_mut(), self.filter.as_ref()) else {
            return SearchSlice::default();
        };
        let mut slice = SearchSlice {
            on: true,
            ..SearchSlice::default()
        };
        if job.next > furthest {
            return slice;
        }
        let replay = job.replay.get_or_insert_with(|| replay_from(job.next - 1));
        for _ in 0..budget {
            let Some(record) = replay.next_step() else {
                job.replay = None;
                break;
            };
            job.next = record.index + 1;
            slice.changed = true;
            let Some(mark) = marks.get(record.index).filter(|m| filter.passes(m)) else {
                continue;
            };
            let broken = mark.key == Some(KeyMark::Violation);
            let line = event_line(replay.world(), &record, broken, lanes);
            if folded(&line.text()).contains(&filter.search) {
                self.steps.push(record.index);
            }
        }
        slice.progress = (job.next <= furthest).then_some((job.next - 1, furthest));
        slice
    }

    /// Whether a search is on.
    pub fn searching(&self) -> bool {
        self.search.is_some()
    }

    /// How many listed steps are at or before `cursor`.
    pub fn count_up_to(&self, cursor: u64) -> usize {
        self.steps.count_up_to(cursor)
    }

    /// The listed steps `from..to` (in list order).
    pub fn slice(&self, from: usize, to: usize) -> Vec<u64> {
        self.steps.slice(from, to)
    }
}

/// Which of `count` lines are on screen, scrolled `from_bottom` pixels up
/// from the newest, and where they sit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VisibleRows {
    /// The height of the whole (maybe scaled) list.
    pub total_px: f64,
    /// The first line on screen.
    pub first: usize,
    /// One past the last line on screen.
    pub end: usize,
    /// How far down the list the first line is drawn.
    pub offset_px: f64,
}

impl VisibleRows {
    /// The lines on screen of `count`, scrolled `from_bottom` pixels up. A
    /// list taller than browsers scroll well is scaled to fit.
    pub fn of(count: usize, from_bottom: f64) -> VisibleRows {
        let full = count as f64 * ROW_PX;
        let total_px = full.min(MAX_SCROLL_PX);
        let scale = if full <= MAX_SCROLL_PX {
            1.0
        } else {
            (full - LOG_VIEWPORT_PX) / (MAX_SCROLL_PX - LOG_VIEWPORT_PX)
        };
        let top = ((total_px - LOG_VIEWPORT_PX).max(0.0) - from_bottom).max(0.0);
        let first = ((top * scale) / ROW_PX).floor().max(0.0) as usize;
        let first = first.min(count);
        let end = (first + (LOG_VIEWPORT_PX / ROW_PX).ceil() as usize + 2).min(count);
        VisibleRows {
            total_px,
            first,
            end,
            offset_px: top - (top * scale - first as f64 * ROW_PX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Timeline;
    use crate::view::testing::settle;
    use crate::view::Recorder;

    fn history() -> Timeline<Recorder> {
        let mut t = Timeline::fresh(Default::default(), 1, Recorder::new()).unwrap();
        settle(&mut t, 1_000);
        t
    }

    #[test]
    fn the_filter_lists_only_the_steps_of_its_node_and_kinds() {
        let t = history();
        let marks = t.observer().marks();
        let mut all = ListedSteps::default();
        all.update(
            &LogFilter::new(None, LogFilter::ALL_KINDS, ""),
            0,
            marks,
            t.furthest(),
        );
        assert_eq!(all.count_up_to(u64::MAX) as u64, t.furthest());
        let n2 = LogFilter::new(Some(NodeId(2)), LogFilter::ALL_KINDS, "");
        let mut listed = ListedSteps::default();
        listed.update(&n2, 0, marks, t.furthest());
        let steps = listed.slice(0, listed.count_up_to(u64::MAX));
        assert!(!steps.is_empty() && (steps.len() as u64) < t.furthest());
        assert!(steps
            .iter()
            .all(|s| marks.get(*s).unwrap().node == Some(NodeId(2))));
        listed.update(&LogFilter::new(None, 0, ""), 0, marks, t.furthest());
        assert_eq!(listed.count_up_to(u64::MAX), 0, "no kinds, no lines");
    }

    #[test]
    fn a_search_finds_the_words_of_the_lines_as_shown() {
        let t = history();
        let (marks, lanes) = (t.observer().marks(), t.observer().lanes());
        let filter = LogFilter::new(None, LogFilter::ALL_KINDS, "  Won the ELECTION ");
        let mut listed = ListedSteps::default();
        listed.update(&filter, 0, marks, t.furthest());
        assert!(listed.searching());
        assert_eq!(listed.count_up_to(u64::MAX), 0, "nothing until it runs");
        let mut slices = 0;
        loop {
            let slice = listed.search_some(100, t.furthest(), marks, lanes, |s| t.replay_from(s));
            slices += 1;
            if slice.progress.is_none() {
                break;
            }
        }
        assert!(slices > 1, "a slice at a time");
        let found = listed.slice(0, listed.count_up_to(u64::MAX));
        assert!(!found.is_empty(), "the election's winner is found");
        let mut lines = Vec::new();
        t.replay_steps(&found, |w, r| {
            lines.push(event_line(w, r, false, lanes).text())
        });
        assert!(
            lines.iter().all(|l| folded(l).contains("won the election")),
            "{lines:?}"
        );
    }

    #[test]
    fn the_newest_lines_rest_at_the_bottom_and_long_lists_are_scaled() {
        let rows = VisibleRows::of(100, 0.0);
        assert_eq!(rows.total_px, 5_800.0);
        assert_eq!(rows.end, 100);
        assert!(rows.first >= 100 - 9, "{rows:?}");
        let up = VisibleRows::of(100, 580.0);
        assert_eq!(up.first, rows.first - 10, "scrolled up ten lines");
        let few = VisibleRows::of(3, 0.0);
        assert_eq!((few.first, few.end, few.offset_px), (0, 3, 0.0));
        let huge = VisibleRows::of(1_000_000, 0.0);
        assert_eq!(huge.total_px, MAX_SCROLL_PX);
        assert_eq!(huge.end, 1_000_000);
    }
}
