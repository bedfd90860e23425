//! A trace from another Raft implementation, opened as a read-only
//! recorded history (issue 26): [`TraceShell`] keeps the trace read (a
//! [`Recorded`]) and the cursor into it; `open` reads a file in pieces with
//! a progress line (the `Open a trace` button and drop on the Share panel);
//! `screen` draws it with the same parts as the lab: the top bar's
//! stepping, the cluster, the swimlane, the event log, the logs, the checks
//! and an inspector whose actions say why they are unavailable.
//!
//! While a trace is shown, the lab's own session is hidden and paused, and
//! untouched: closing the trace brings it back as it was.

mod open;
mod screen;

pub use open::{open_trace, TraceOpener};
pub use screen::TraceLab;

use crate::trace::Recorded;
use leptos::prelude::*;

/// Events per wall-clock second while a trace plays.
const EVENTS_PER_SECOND: f64 = 8.0;

/// The trace on screen and where its cursor is. `Copy`: every field is a
/// handle.
#[derive(Clone, Copy)]
pub struct TraceShell {
    trace: StoredValue<Option<Recorded>, LocalStorage>,
    /// Whether a trace is shown (over the lab).
    pub shown: RwSignal<bool>,
    /// A new trace was opened: components that depend on its nodes rebuild.
    pub number: RwSignal<u64>,
    /// Events happened so far (0 to the number of events).
    pub cursor: RwSignal<usize>,
    /// The number of events.
    pub len: RwSignal<usize>,
    /// Whether the cursor advances by itself.
    pub playing: RwSignal<bool>,
    /// The node in the inspector, by its number.
    pub selected: RwSignal<Option<usize>>,
    /// What was imported, in words.
    pub status: RwSignal<String>,
    /// Fractions of an event carried between frames while playing.
    carry: StoredValue<f64>,
}

impl TraceShell {
    pub fn new() -> TraceShell {
        TraceShell {
            trace: StoredValue::new_local(None),
            shown: RwSignal::new(false),
            number: RwSignal::new(0),
            cursor: RwSignal::new(0),
            len: RwSignal::new(0),
            playing: RwSignal::new(false),
            selected: RwSignal::new(None),
            status: RwSignal::new(String::new()),
            carry: StoredValue::new(0.0),
        }
    }

    /// Reads the trace on screen, if there is one.
    pub fn with<R>(&self, f: impl FnOnce(&Recorded) -> R) -> Option<R> {
        self.trace.try_with_value(|t| t.as_ref().map(f)).flatten()
    }

    /// Shows `trace`, read from the file `file`, at its start, paused.
    pub fn show(&self, trace: Recorded, file: &str) {
        self.status
            .set(crate::trace::screen::status_words(&trace, file));
        self.len.set(trace.len());
        self.trace.set_value(Some(trace));
        self.cursor.set(0);
        self.playing.set(false);
        self.selected.set(None);
        self.number.update(|n| *n += 1);
        self.shown.set(true);
    }

    /// Closes the trace: the lab's session is shown again as it was.
    pub fn close(&self) {
        self.shown.set(false);
        self.playing.set(false);
        self.trace.set_value(None);
    }

    /// Moves the cursor to `to` (clamped to the trace).
    pub fn seek(&self, to: usize) {
        let to = to.min(self.len.get_untracked());
        if self.cursor.get_untracked() != to {
            self.cursor.set(to);
        }
    }

    /// One event forward (pausing).
    pub fn step_forward(&self) {
        self.playing.set(false);
        self.seek(self.cursor.get_untracked() + 1);
    }

    /// One event back (pausing).
    pub fn step_back(&self) {
        self.playing.set(false);
        self.seek(self.cursor.get_untracked().saturating_sub(1));
    }

    /// To just after the next key event (or the end).
    pub fn next_key(&self) {
        self.playing.set(false);
        let at = self.cursor.get_untracked();
        let to = self.with(|t| t.next_key(at).unwrap_or(t.len()));
        self.seek(to.unwrap_or(at));
    }

    /// To just after the previous key event (or the start).
    pub fn previous_key(&self) {
        self.playing.set(false);
        let at = self.cursor.get_untracked();
        let to = self.with(|t| t.previous_key(at).unwrap_or(0));
        self.seek(to.unwrap_or(at));
    }

    /// To the event read from `line`, just after it.
    pub fn seek_line(&self, line: u64) {
        self.playing.set(false);
        if let Some(at) = self.with(|t| t.event_at_line(line)) {
            self.seek(at + 1);
        }
    }

    /// Plays or pauses; playing at the end starts over.
    pub fn toggle_play(&self) {
        let playing = !self.playing.get_untracked();
        if playing && self.cursor.get_untracked() >= self.len.get_untracked() {
            self.seek(0);
        }
        self.carry.set_value(0.0);
        self.playing.set(playing);
    }

    /// One animation frame: while playing, the events due in `elapsed_ms`.
    pub fn frame(&self, elapsed_ms: f64) {
        if !self.playing.get_untracked() {
            return;
        }
        let due = self.carry.get_value() + elapsed_ms * EVENTS_PER_SECOND / 1000.0;
        let whole = due.floor();
        self.carry.set_value(due - whole);
        if whole >= 1.0 {
            let to = self.cursor.get_untracked() + whole as usize;
            self.seek(to);
            if to >= self.len.get_untracked() {
                self.playing.set(false);
            }
        }
    }
}
