//! Moving through time: playing and pausing, the animation frame, stepping
//! both ways, seeking, key events, and building a long history.

use super::{App, PauseAt, Redraw};
use crate::raft::Time;
use crate::sim::{Action, Workload};
use crate::view::{self, Recorder};
use std::cell::Cell;

/// The most wall-clock time one frame spends running the simulation.
pub const ADVANCE_BUDGET_MS: f64 = 8.0;

/// The most wall-clock time one frame spends building a long history.
pub const BUILD_BUDGET_MS: f64 = 40.0;

/// Simulated time run between looks at the wall clock (one millisecond).
const ADVANCE_SLICE_US: u64 = 1_000;

/// Simulated time built between looks at the wall clock (half a second).
const BUILD_SLICE_US: u64 = 500_000;

impl App {
    /// Plays or pauses. During a lesson, playing pauses at the next
    /// caption's moment and shows that caption, so the caption on screen
    /// never describes a moment the run has left behind.
    pub fn toggle_play(&mut self) {
        if self.playing {
            self.set_playing(false);
            return;
        }
        let cursor = self.cursor();
        let next = self.lesson.as_ref().and_then(|l| {
            l.stops
                .iter()
                .enumerate()
                .find(|(_, s)| s.step > cursor)
                .map(|(i, s)| (i, s.step))
        });
        match next {
            Some((caption, step)) => self.play_to_caption(caption, step),
            None => self.set_playing(true),
        }
    }

    /// Plays (`true`) or pauses. While paused, the app says what the next
    /// step will do (at the next redraw: finding it runs a step on a copy of
    /// the world, so a seek, which pauses, finds it once, where it ends);
    /// while playing it says nothing (it would change every frame).
    pub fn set_playing(&mut self, playing: bool) {
        self.playing = playing;
        self.pause_at = None;
        if playing {
            self.next_event = None;
        }
        self.redraw.next_event_behind = !playing;
    }

    /// Sets the simulated seconds per wall-clock second (ignored unless
    /// positive and finite).
    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() && speed > 0.0 {
            self.speed = speed;
        }
    }

    /// One animation frame: `elapsed_ms` of wall-clock time since the
    /// previous one, stamped `frame_ms`; `clock` reads the wall clock (for
    /// the time budgets). Builds history, plays, or (paused) catches up
    /// with what playback left undrawn; returns what is due to be drawn.
    pub fn frame(&mut self, elapsed_ms: f64, frame_ms: f64, clock: &dyn Fn() -> f64) -> Redraw {
        if self.building.is_some() {
            self.build_some(BUILD_BUDGET_MS, clock);
            return self.poll_redraw(clock());
        }
        if !self.playing {
            self.carry_us = 0.0;
            return self.poll_redraw(frame_ms);
        }
        let micros = elapsed_ms * 1000.0 * self.speed + self.carry_us;
        let whole = micros.floor();
        self.carry_us = micros - whole;
        self.advance(whole as u64, clock);
        self.poll_playing(frame_ms)
    }

    /// Advances simulated time by `micros`, in slices of a simulated
    /// millisecond, for at most [`ADVANCE_BUDGET_MS`] of wall time: when the
    /// machine cannot keep up (nine nodes at full speed after an hour, say),
    /// playback runs slower than the speed asked for instead of each late
    /// frame asking for more simulated time and freezing the page. A step
    /// that breaks a rule so that the alert changes ends it there (and
    /// pauses), so the pause shows that very step.
    pub fn advance(&mut self, micros: u64, clock: &dyn Fn() -> f64) {
        let started = clock();
        let before = self.timeline.cursor();
        let shown = self.violation.clone();
        let pause_at = self.pause_at;
        let t = &mut self.timeline;
        // The alert is made again only when the checkers found more.
        let counted = Cell::new(t.observer().broken());
        let alert_changes = |r: &Recorder| {
            let broken = r.broken();
            broken != counted.replace(broken) && view::violation(r) != shown
        };
        let arrived = |r: &Recorder| {
            let marks = r.marks();
            match pause_at {
                Some(PauseAt::NextKey) => marks.get(marks.len()).is_some_and(|m| m.key.is_some()),
                Some(PauseAt::Caption { step, .. }) => marks.len() >= step,
                None => false,
            }
        };
        let mut reached = false;
        let target = t.world().now().plus(micros);
        while t.world().now() < target {
            let slice = t.world().now().plus(ADVANCE_SLICE_US).min(target);
            let stopped = t.run_until_or(slice, |r| alert_changes(r) || arrived(r));
            if stopped {
                reached = arrived(t.observer());
                break;
            }
            if clock() - started > ADVANCE_BUDGET_MS {
                break;
            }
        }
        if reached {
            self.set_playing(false);
            if let Some(PauseAt::Caption { caption, .. }) = pause_at {
                self.arrive_at_caption(caption);
            }
        }
        if self.timeline.cursor() != before {
            self.settle();
        }
    }

    /// Starts building `minutes` of history with the steady workload on,
    /// paused, a slice per frame ([`App::frame`]); for demonstrations and
    /// the timeline benchmark (`?history=MINUTES`).
    pub fn build_history(&mut self, minutes: f64) {
        self.set_playing(false);
        // Switching the workload on is never refused.
        let _ = self.act(Action::SetWorkload(Some(Workload::default())));
        self.building = Some(Time((minutes.max(0.0) * 60_000_000.0) as u64));
    }

    /// Builds history towards [`App::building`] for at most `budget_ms` of
    /// wall time; stops building once there.
    fn build_some(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) {
        let Some(target) = self.building else {
            return;
        };
        let started = clock();
        let t = &mut self.timeline;
        while t.world().now() < target && clock() - started < budget_ms {
            let next = t.world().now().plus(BUILD_SLICE_US).min(target);
            t.run_until(next);
        }
        if self.world().now() >= target {
            self.building = None;
        }
        self.settle();
    }

    /// Runs exactly one event, paused.
    pub fn step_forward(&mut self) {
        self.building = None;
        self.set_playing(false);
        self.timeline.step();
        self.settle();
    }

    /// One event back, paused.
    pub fn step_back(&mut self) {
        self.seek(self.cursor().saturating_sub(1));
    }

    /// Moves the cursor to step `step` (within the known history) and
    /// pauses.
    pub fn seek(&mut self, step: u64) {
        self.building = None;
        self.notice = None;
        let step = step.min(self.furthest());
        self.timeline.seek(step);
        self.set_playing(false);
        self.settle();
    }

    /// Moves the cursor to global time `t` (within the known history) and
    /// pauses: to the last step at or before it, with messages frozen where
    /// they are at that moment.
    pub fn seek_time(&mut self, t: Time) {
        self.building = None;
        self.notice = None;
        self.timeline.seek_time(t.min(self.live.time));
        self.set_playing(false);
        self.settle();
    }

    /// Back to before the first step.
    pub fn go_to_start(&mut self) {
        self.seek(0);
    }

    /// To the live edge.
    pub fn go_live(&mut self) {
        self.seek(self.furthest());
    }

    /// To the next key event after the cursor (an election won, a crash, a
    /// broken rule, …). At the live edge, where none is known yet, plays
    /// until the next one happens and pauses on it ("run until the next
    /// election"). False if there is none to go to and nothing can happen.
    pub fn next_key_event(&mut self) -> bool {
        if let Some(step) = self.live.marks.next_key(self.cursor()) {
            self.seek(step);
            return true;
        }
        if self.cursor() < self.furthest() || self.world().next_event_time().is_none() {
            return false;
        }
        self.building = None;
        self.notice = None;
        self.set_playing(true);
        self.pause_at = Some(PauseAt::NextKey);
        true
    }

    /// To the last key event before the cursor; false if there is none.
    pub fn previous_key_event(&mut self) -> bool {
        let previous = self.live.marks.previous_key(self.cursor());
        previous.inspect(|&s| self.seek(s)).is_some()
    }
}
