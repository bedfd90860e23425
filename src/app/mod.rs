//! The application: everything Raftlab does with its model, in plain Rust
//! that builds and tests natively. It owns the history on screen (a
//! [`Timeline`] whose [`Recorder`] runs the checkers), what is known of it
//! up to the live edge, the event log's lines, the what-if branches, the
//! lesson being played, notices, and sharing. The browser shell (`ui`) keeps
//! one `App` and draws what it says.
//!
//! # Call order
//!
//! Sans-IO, as the protocol core is:
//!
//! 1. For each thing a person does, the shell calls one **intent method**
//!    ([`App::toggle_play`], [`App::step_forward`], [`App::seek`],
//!    [`App::act`], [`App::switch_branch`], [`App::open_lesson`],
//!    [`App::share`], …). Keyboard shortcuts, buttons and timeline gestures
//!    that mean the same call the same method. An intent that can be
//!    refused returns the refusal in words, for the control that caused it.
//! 2. For each animation frame, it calls [`App::frame`] with the time that
//!    passed; the app plays, builds history or catches up, and returns the
//!    [`Redraw`] that is due at that frame's rate.
//! 3. After an intent it drains [`App::poll_redraw`] for what changed, and
//!    copies the small state (playing, lesson, branches, notices, the
//!    [`Numbers`]) from the getters, each only when it changed.
//!
//! Wall-clock time comes in as arguments (`frame_ms`, a `clock` closure),
//! never from a global, so every path here runs in a native test.

mod branches;
mod lesson_play;
mod line_cache;
mod playback;
mod redraw;
mod selection;
mod session_settings;
mod sharing;
#[cfg(test)]
mod tests;

pub use branches::{BranchInfo, Branches, Parked, MAX_BRANCHES};
pub use lesson_play::LessonPlay;
pub use playback::{ADVANCE_BUDGET_MS, BUILD_BUDGET_MS};
pub use redraw::{Redraw, CLUSTER_EVERY_MS, PANELS_EVERY_MS};
pub use selection::Selection;
pub use session_settings::SessionSettings;
pub use sharing::Shared;

use crate::raft::{Config, NodeId, Time};
use crate::scenario::Lesson;
use crate::sim::{Action, Replay, Session, TimedAction, Timeline, What, World};
use crate::view::{self, EventLine, Lanes, Recorder, StepMarks, ViolationView};
use line_cache::LineCache;
use redraw::RedrawState;

/// What is known of a history up to its live edge (the furthest step
/// reached). The recorder at the cursor only knows the steps before the
/// cursor, so this copy (cheap: its chunks are shared) is what finds the
/// next key event after a step back and draws the timeline's future.
#[derive(Clone, Debug, Default)]
pub struct LiveEdge {
    /// The marks of every step up to the live edge.
    pub marks: StepMarks,
    /// The swimlane record of every step up to the live edge.
    pub lanes: Lanes,
    /// Global simulated time at the live edge.
    pub time: Time,
}

impl LiveEdge {
    /// What `timeline`'s recorder knows now (for a history not yet played,
    /// its start).
    fn of(timeline: &Timeline<Recorder>) -> LiveEdge {
        LiveEdge {
            marks: timeline.observer().marks().clone(),
            lanes: timeline.observer().lanes().clone(),
            time: Time::ZERO,
        }
    }
}

/// Three counters the shell watches to know when to start over. Each only
/// ever goes up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Numbers {
    /// A new session started (a new world, maybe another number of nodes):
    /// components that depend on the nodes rebuild.
    pub session: u64,
    /// The history on screen was replaced (a new session, an action in the
    /// past, another branch): anything kept per step starts over.
    pub history: u64,
    /// What is known up to the live edge ([`App::live`]) grew or changed:
    /// the timeline and the event log's list redraw.
    pub live: u64,
}

/// Where playing pauses by itself, besides at a broken rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PauseAt {
    /// At the next key event: "Next key event" at the live edge, where no
    /// key event is known yet.
    NextKey,
    /// At step `step`, where the open lesson's caption `caption` stops:
    /// "Continue", or Play during a lesson.
    Caption { caption: usize, step: u64 },
}

/// The whole application model. See the module documentation for the
/// order of calls.
pub struct App {
    timeline: Timeline<Recorder>,
    live: LiveEdge,
    lines: LineCache,
    branches: Branches,
    lesson: Option<LessonPlay>,
    notice: Option<String>,
    building: Option<Time>,
    settings: SessionSettings,
    playing: bool,
    /// Where playing pauses by itself (besides a broken rule).
    pause_at: Option<PauseAt>,
    speed: f64,
    /// Fractions of a simulated microsecond carried over between frames, so
    /// slow speeds do not lose time to rounding.
    carry_us: f64,
    selection: Selection,
    violation: Option<ViolationView>,
    next_event: Option<String>,
    numbers: Numbers,
    redraw: RedrawState,
}

impl App {
    /// An app on a fresh world of `settings` (or, if those are invalid, of
    /// five nodes and seed 1), playing at `speed`.
    pub fn new(settings: SessionSettings, speed: f64) -> App {
        let (timeline, settings) =
            match Timeline::fresh(settings.world_config(), settings.seed, Recorder::new()) {
                Ok(t) => (t, settings),
                Err(_) => {
                    let fallback = SessionSettings::default();
                    let t =
                        Timeline::fresh(fallback.world_config(), fallback.seed, Recorder::new())
                            .unwrap_or_else(|e| unreachable!("the default world is valid: {e}"));
                    (t, fallback)
                }
            };
        let mut app = App {
            live: LiveEdge::of(&timeline),
            timeline,
            lines: LineCache::default(),
            branches: Branches::default(),
            lesson: None,
            notice: None,
            building: None,
            settings,
            playing: true,
            pause_at: None,
            speed,
            carry_us: 0.0,
            selection: Selection::None,
            violation: None,
            next_event: None,
            numbers: Numbers::default(),
            redraw: RedrawState::default(),
        };
        app.settle();
        app
    }

    // ---- What the shell reads ----

    /// The world at the cursor.
    pub fn world(&self) -> &World {
        self.timeline.world()
    }

    /// The recorder at the cursor (the checkers' findings up to it).
    pub fn recorder(&self) -> &Recorder {
        self.timeline.observer()
    }

    /// Steps run up to the cursor.
    pub fn cursor(&self) -> u64 {
        self.timeline.cursor()
    }

    /// The furthest step reached: the live edge.
    pub fn furthest(&self) -> u64 {
        self.timeline.furthest()
    }

    /// What is known of the history up to its live edge.
    pub fn live(&self) -> &LiveEdge {
        &self.live
    }

    /// Ids of every node.
    pub fn node_ids(&self) -> Vec<NodeId> {
        self.world().node_ids()
    }

    /// The node that leads now, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.world().leader()
    }

    /// The actions of the history on screen.
    pub fn actions(&self) -> &[TimedAction] {
        self.timeline.actions()
    }

    /// A copy of the world replaying the known history from step `from`.
    pub fn replay_from(&self, from: u64) -> Replay {
        self.timeline.replay_from(from)
    }

    /// The event-log lines of `steps` (increasing), made by replaying only
    /// what is not made yet.
    pub fn lines(&mut self, steps: &[u64]) -> Vec<EventLine> {
        self.lines.lines(&self.timeline, &self.live, steps)
    }

    /// Every branch, and which is on screen.
    pub fn branches(&self) -> &Branches {
        &self.branches
    }

    /// The lesson being played, if any.
    pub fn lesson(&self) -> Option<&LessonPlay> {
        self.lesson.as_ref()
    }

    /// What the lab has to say about the last thing a person did to the
    /// history (a fork, a lesson closed by an action), if anything.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// While a long history is being built: the time it will reach.
    pub fn building(&self) -> Option<Time> {
        self.building
    }

    /// The session's size and seed.
    pub fn settings(&self) -> SessionSettings {
        self.settings
    }

    /// Whether time advances.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Simulated seconds per wall-clock second.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// What the inspector shows.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// The first broken property up to the cursor, if any.
    pub fn violation(&self) -> Option<&ViolationView> {
        self.violation.as_ref()
    }

    /// While paused, what the next step will do, in words.
    pub fn next_event(&self) -> Option<&str> {
        self.next_event.as_deref()
    }

    /// The counters that say when to start over.
    pub fn numbers(&self) -> Numbers {
        self.numbers
    }

    // ---- Intents: the session ----

    /// Carries out `action` at the cursor; the error is the world's refusal
    /// in words. A refused action still takes its step (the event log shows
    /// it, with the rule that refused it) and changes nothing else in the
    /// cluster.
    ///
    /// With the cursor in the past, the old future is parked as a branch and
    /// the new history is put on screen. Any action closes an open lesson,
    /// even a refused one: the lesson's captions stop at steps of the run
    /// without it.
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        self.building = None;
        let at = self.timeline.cursor();
        let kept = self.timeline.furthest() - at;
        let words = action.to_string();
        let before = (kept > 0).then(|| self.timeline.clone());
        let record = self.timeline.act(action);
        let outcome = match &record.what {
            What::Action { result: Err(e), .. } => Err(view::capitalised(&e.to_string())),
            _ => Ok(()),
        };
        let forked = before.is_some();
        if let Some(before) = before {
            self.fork(before, kept, at, &words, record.time);
        }
        if let Some(lesson) = self.lesson.take() {
            let closed = lesson.closed_by_action();
            self.notice = Some(match self.notice.take().filter(|_| forked) {
                Some(fork) => format!("{fork} {closed}"),
                None => closed,
            });
        }
        self.settle();
        outcome
    }

    /// Times out every voter that is up and not leading, at the same
    /// instant: each becomes a candidate and votes for itself before any
    /// request arrives, so no candidate can collect a majority of the next
    /// term (at most the leader's vote is left to win) — a split vote in one
    /// click. The answer says who timed out, or why it cannot split.
    pub fn split_vote(&mut self) -> Result<String, String> {
        let world = self.world();
        let leader = world.leader();
        let ids: Vec<NodeId> = world
            .node_ids()
            .into_iter()
            .filter(|&id| world.is_up(id) && Some(id) != leader)
            .filter(|&id| world.node(id).membership().is_voter(id))
            .collect();
        let voters = leader
            .map(|l| world.node(l).membership().voters.len())
            .unwrap_or_else(|| world.config().voters as usize);
        // The leader's one vote goes to one candidate: with n voters, that
        // candidate holds 2 and a majority is n/2 + 1, out of reach from 5 up.
        if ids.len() < 2 || voters < 4 {
            return Err(format!(
                "A split vote needs at least two followers that are up and four voters or more (with three, the leader's vote hands one candidate a majority); there {} {} follower{} up of {voters} voter{}",
                if ids.len() == 1 { "is" } else { "are" },
                ids.len(),
                if ids.len() == 1 { "" } else { "s" },
                if voters == 1 { "" } else { "s" },
            ));
        }
        let term = ids
            .iter()
            .map(|&id| world.node(id).term())
            .max()
            .unwrap_or(0)
            + 1;
        for &id in &ids {
            self.act(Action::ForceTimeout { node: id })?;
        }
        Ok(format!(
            "{} timed out at once: each votes for itself in term {term}, so no one can win it",
            view::and_list(ids.iter().map(NodeId::to_string))
        ))
    }

    /// Changes the nodes' settings with `change`, applied to the current
    /// ones (an action like any other).
    pub fn set_raft(&mut self, change: impl FnOnce(&mut Config)) -> Result<(), String> {
        let mut config = self.world().config().raft.clone();
        change(&mut config);
        self.act(Action::SetRaftConfig(config))
    }

    /// Shows `selection` in the inspector.
    pub fn select(&mut self, selection: Selection) {
        self.selection = selection;
    }

    /// Starts a new session with `settings`.
    pub fn restart(&mut self, settings: SessionSettings) -> Result<(), String> {
        self.load(Session::new(settings.world_config(), settings.seed))?;
        self.settings = settings;
        Ok(())
    }

    /// Replaces the session with `session`, from its first step: one
    /// branch, no lesson, nothing selected.
    fn load(&mut self, session: Session) -> Result<(), String> {
        let timeline = Timeline::new(session, Recorder::new())
            .map_err(|e| view::capitalised(&e.to_string()))?;
        self.live = LiveEdge::of(&timeline);
        self.timeline = timeline;
        self.building = None;
        self.lesson = None;
        self.branches = Branches::default();
        self.selection = Selection::None;
        self.notice = None;
        self.lines.clear();
        self.numbers.history += 1;
        self.numbers.session += 1;
        self.settle();
        Ok(())
    }

    // ---- Intents: branches ----

    /// Parks the history as it was before an action in the past (`before`,
    /// with `kept` steps after the cursor `at`) and puts the new one on
    /// screen as a branch, saying so.
    fn fork(&mut self, before: Timeline<Recorder>, kept: u64, at: u64, words: &str, time: Time) {
        // A message sent before the fork is the same in both histories (a
        // Drop in the past keeps showing the message it dropped); a later
        // one may not exist here, and branches reuse message ids.
        if matches!(&self.selection, Selection::Message(m) if m.sent_at >= time) {
            self.selection = Selection::None;
        }
        let id = self.branches.fork(before, self.live.clone(), at, words);
        self.lines.clear();
        self.numbers.history += 1;
        self.notice = Some(format!(
            "You acted in the past, at {time}: branch {id} starts from your action. The old future ({kept} step{}) is kept: switch back to it under Branches.",
            if kept == 1 { "" } else { "s" }
        ));
    }

    /// Puts branch `id` on screen, parking the one there now, paused at the
    /// cursor it was left at. Nothing happens for the branch on screen or
    /// an unknown one.
    pub fn switch_branch(&mut self, id: usize) {
        let Some(pending) = self.branches.switch(id, &mut self.timeline, &mut self.live) else {
            return;
        };
        if let Some(cursor) = pending {
            self.timeline.seek(cursor);
        }
        if matches!(self.selection, Selection::Message(_)) {
            self.selection = Selection::None;
        }
        self.building = None;
        self.lines.clear();
        self.lesson = None;
        self.notice = None;
        self.numbers.history += 1;
        self.numbers.live += 1;
        self.set_playing(false);
        self.settle();
    }

    // ---- Intents: lessons ----

    /// Opens `lesson` at its first caption, paused.
    pub fn open_lesson(&mut self, lesson: &Lesson) -> Result<(), String> {
        let play = LessonPlay::start(lesson).map_err(|e| view::capitalised(&e.to_string()))?;
        self.load(lesson.session.clone())?;
        self.settings = SessionSettings {
            size: lesson.session.config.voters,
            seed: lesson.session.seed,
        };
        self.lesson = Some(play);
        self.show_caption(0);
        Ok(())
    }

    /// Goes to caption `i` of the open lesson at once: time travel to its
    /// step, with the node it talks about selected. Nothing happens without
    /// a lesson or past its last caption.
    pub fn show_caption(&mut self, i: usize) {
        let Some(step) = self
            .lesson
            .as_ref()
            .and_then(|l| l.stops.get(i))
            .map(|s| s.step)
        else {
            return;
        };
        self.set_playing(false);
        self.timeline.seek(step);
        self.arrive_at_caption(i);
        self.settle();
    }

    /// Makes caption `i` the one shown, with the node it talks about
    /// selected (the cursor is at its step).
    fn arrive_at_caption(&mut self, i: usize) {
        let Some(lesson) = self.lesson.as_mut() else {
            return;
        };
        if let Some(stop) = lesson.stops.get(i) {
            lesson.at = i;
            self.selection = stop.node.map_or(Selection::None, Selection::Node);
        }
    }

    /// The lesson's next caption ("Continue"): plays at the chosen speed up
    /// to its moment and pauses there, so the step between two captions is
    /// seen happening. Pressed again while on the way, it skips there. If
    /// the cursor is already at or past that moment, it goes there at once.
    pub fn next_caption(&mut self) {
        if let Some(caption) = self.heading_to() {
            self.show_caption(caption);
            return;
        }
        let Some((next, step)) = self.lesson.as_ref().and_then(|l| {
            let next = l.at + 1;
            l.stops.get(next).map(|s| (next, s.step))
        }) else {
            return;
        };
        if self.cursor() < step {
            self.play_to_caption(next, step);
        } else {
            self.show_caption(next);
        }
    }

    /// The lesson's previous moment ("Back"): the caption shown, if the
    /// cursor has moved on from its moment (while playing towards the
    /// next), else the caption before it.
    pub fn previous_caption(&mut self) {
        let Some((at, step)) = self
            .lesson
            .as_ref()
            .and_then(|l| l.caption().map(|s| (l.at, s.step)))
        else {
            return;
        };
        if self.cursor() != step {
            self.show_caption(at);
        } else {
            self.show_caption(at.saturating_sub(1));
        }
    }

    /// The caption that playing is on its way to, if it is.
    pub fn heading_to(&self) -> Option<usize> {
        match self.pause_at {
            Some(PauseAt::Caption { caption, .. }) if self.playing => Some(caption),
            _ => None,
        }
    }

    /// Plays until step `step`, where caption `caption` stops, and shows it
    /// there.
    fn play_to_caption(&mut self, caption: usize, step: u64) {
        self.building = None;
        self.notice = None;
        self.set_playing(true);
        self.pause_at = Some(PauseAt::Caption { caption, step });
    }

    /// Leaves the lesson where it is, for free play from that point.
    pub fn leave_lesson(&mut self) {
        self.lesson = None;
    }

    // ---- After every change ----

    /// After the cursor moved or the history changed: the panels are
    /// behind, and a rule broken at the new cursor that was not shown
    /// before stops the clock there.
    fn settle(&mut self) {
        self.redraw.panels_behind = true;
        let violation = view::violation(self.timeline.observer());
        if violation.is_some() && violation != self.violation {
            self.set_playing(false);
        }
        self.violation = violation;
    }
}
