//! The event log's lines already made, by step: a line is made by replaying
//! its step, so each is made once and kept until the history changes under
//! it (a fork, another branch, a new session).

use super::LiveEdge;
use crate::sim::Timeline;
use crate::view::{self, EventLine, KeyMark, Recorder};
use std::collections::HashMap;

/// Lines kept at most; the cache starts over past it.
const MAX_CACHED_LINES: usize = 20_000;

/// Event-log lines already made, by step.
#[derive(Clone, Default)]
pub struct LineCache {
    lines: HashMap<u64, EventLine>,
}

impl LineCache {
    /// Forgets every line (the history changed under them).
    pub fn clear(&mut self) {
        self.lines.clear();
    }

    /// The lines of `steps` (increasing) of `timeline`, made by replaying
    /// only the steps not made yet; `live` marks which steps broke a rule.
    pub fn lines(
        &mut self,
        timeline: &Timeline<Recorder>,
        live: &LiveEdge,
        steps: &[u64],
    ) -> Vec<EventLine> {
        if self.lines.len() > MAX_CACHED_LINES {
            self.lines.clear();
        }
        let missing: Vec<u64> = steps
            .iter()
            .copied()
            .filter(|s| !self.lines.contains_key(s))
            .collect();
        if !missing.is_empty() {
            timeline.replay_steps(&missing, |world, record| {
                let broken = live
                    .marks
                    .get(record.index)
                    .is_some_and(|mark| mark.key == Some(KeyMark::Violation));
                let line = view::event_line(world, record, broken, &live.lanes);
                self.lines.insert(line.step, line);
            });
        }
        steps
            .iter()
            .filter_map(|s| self.lines.get(s).cloned())
            .collect()
    }
}
