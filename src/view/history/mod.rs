//! What is kept about every step of a history: the recorder that observes
//! each step (checkers included), the marks that find key events and filter
//! the event log, the swimlane record and its windows, and the steps that
//! explain a violation.

pub(in crate::view) mod chunks;
pub(in crate::view) mod event_list;
pub(in crate::view) mod explain;
pub(in crate::view) mod lane_window;
pub(in crate::view) mod lanes;
pub(in crate::view) mod marks;
pub(in crate::view) mod recorder;
pub(in crate::view) mod step_runs;
