//! What the recorder keeps about every step: enough to filter the event
//! log, jump to key events and turn a time into a step without replaying.
//!
//! A mark is a few bytes, kept in shared chunks, because the recorder is
//! cloned into every checkpoint and an hour of history has about a million
//! steps; the sentences of a line are made only for the lines on screen.

use crate::raft::{NodeId, Time};
use crate::sim::StepRecord;
use crate::view::history::chunks::Chunks;
use crate::view::screen::event_log::{step_marks, KeyMark, LineKind};

/// One step, in brief: 12 bytes, as an hour holds about two million.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepMark {
    /// When the step happened (global), as two halves: a `Time` would align
    /// the mark to 8 bytes and make it 16.
    time: [u32; 2],
    /// The node it happened at, if any.
    pub node: Option<NodeId>,
    /// What its event-log line is about.
    pub kind: LineKind,
    /// Why it is a key event, if it is.
    pub key: Option<KeyMark>,
}

impl StepMark {
    /// The mark of `record`; `violation` when a property broke at it.
    pub fn of(record: &StepRecord, violation: bool) -> StepMark {
        let (kind, key) = step_marks(record, violation);
        let t = record.time.0;
        StepMark {
            time: [t as u32, (t >> 32) as u32],
            node: record.node,
            kind,
            key,
        }
    }

    /// When the step happened (global).
    pub fn time(&self) -> Time {
        Time(u64::from(self.time[0]) | (u64::from(self.time[1]) << 32))
    }
}

/// A mark per step, from step 1 on; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct StepMarks(Chunks<StepMark>);

impl StepMarks {
    /// Adds the mark of the next step.
    pub fn push(&mut self, mark: StepMark) {
        self.0.push(mark);
    }

    /// How many steps are marked.
    pub fn len(&self) -> u64 {
        self.0.len() as u64
    }

    /// Whether no step is marked.
    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    /// The mark of step `step` (from 1), if there is one.
    pub fn get(&self, step: u64) -> Option<&StepMark> {
        self.0.get(step.checked_sub(1)? as usize)
    }

    /// The first key event after step `step`.
    pub fn next_key(&self, step: u64) -> Option<u64> {
        self.0
            .iter_from(step as usize)
            .position(|m| m.key.is_some())
            .map(|i| step + 1 + i as u64)
    }

    /// The last key event before step `step`.
    pub fn previous_key(&self, step: u64) -> Option<u64> {
        (1..step.min(self.len() + 1))
            .rev()
            .find(|s| self.get(*s).is_some_and(|m| m.key.is_some()))
    }

    /// The last step at or before global time `t` (0 when none is).
    pub fn step_at_time(&self, t: Time) -> u64 {
        self.0.partition_point(|m| m.time() <= t) as u64
    }

    /// Heap bytes held: (not shared with clones, shared with clones).
    pub fn bytes(&self) -> (usize, usize) {
        (self.0.unshared_bytes(), self.0.shared_bytes())
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;

    #[test]
    fn a_mark_is_twelve_bytes_and_keeps_every_time() {
        assert_eq!(std::mem::size_of::<StepMark>(), 12);
        for t in [
            0,
            1,
            u64::from(u32::MAX),
            u64::from(u32::MAX) + 1,
            3_600_000_000_000,
            u64::MAX,
        ] {
            let record = StepRecord {
                index: 1,
                time: Time(t),
                what: crate::sim::What::Timer { node: NodeId(1) },
                node: Some(NodeId(1)),
                events: Vec::new(),
                sent: Vec::new(),
            };
            assert_eq!(StepMark::of(&record, false).time(), Time(t));
        }
    }
}
