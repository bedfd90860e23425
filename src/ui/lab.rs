//! The reactive shell around the [`App`]: one `StoredValue<App>` and the
//! fine-grained signals the components read, each set only when its value
//! changed.
//!
//! Every intent goes through [`Lab::run`]: it calls the app's intent
//! method, then copies what changed into the signals. The frame loop goes
//! through [`Lab::frame`], which draws only what is due at that frame's
//! rate. Components read signals and call intents; they compute nothing
//! about the protocol themselves.

use super::frame_loop::wall_ms;
use crate::app::{App, BranchInfo, LessonPlay, Numbers, Redraw, Selection, SessionSettings};
use crate::raft::{NodeId, Time};
use crate::scenario::Focus;
use crate::sim::{Action, NetworkConfig};
use crate::view::{
    ClusterFrame, ConfigurationView, EventLine, Lanes, Link, LogRow, MessageDot, NodeCard,
    NodeRings, PanelsFrame, ResultRow, StepMarks, ViolationView,
};
use leptos::prelude::*;

/// The whole app state. `Copy`: every field is a handle.
#[derive(Clone, Copy)]
pub struct Lab {
    app: StoredValue<App, LocalStorage>,

    // ---- The cluster frame (up to 20 times a second while playing) ----
    /// Global simulated time as the cluster shows it.
    pub now: RwSignal<Time>,
    /// Node cards, in id order.
    pub cards: RwSignal<Vec<NodeCard>>,
    /// The rings around the nodes, in id order.
    pub rings: RwSignal<Vec<NodeRings>>,
    /// Messages in flight.
    pub messages: RwSignal<Vec<MessageDot>>,
    /// The latest key events in words, for the screen reader's live region.
    pub announcement: RwSignal<String>,

    // ---- The panels frame (up to 10 times a second while playing) ----
    /// Global simulated time as the panels show it.
    pub panels_now: RwSignal<Time>,
    /// Steps run up to the cursor.
    pub cursor: RwSignal<u64>,
    /// The furthest step reached: the live edge.
    pub furthest: RwSignal<u64>,
    /// Every link's state.
    pub links: RwSignal<Vec<Link>>,
    /// The partition groups, if the network is split into groups.
    pub groups: RwSignal<Option<Vec<Vec<NodeId>>>>,
    /// One row per node.
    pub logs: RwSignal<Vec<LogRow>>,
    /// Client results, newest first.
    pub results: RwSignal<Vec<ResultRow>>,
    /// The configuration.
    pub configuration: RwSignal<ConfigurationView>,
    /// The nodes' settings now.
    pub raft: RwSignal<crate::raft::Config>,
    /// The network's settings now.
    pub network: RwSignal<NetworkConfig>,
    /// Whether the random workload runs.
    pub workload: RwSignal<bool>,

    // ---- The app's small state, copied after every intent and frame ----
    /// Whether time advances.
    pub playing: RwSignal<bool>,
    /// Simulated seconds per wall-clock second.
    pub speed: RwSignal<f64>,
    /// The session's size and seed.
    pub settings: RwSignal<SessionSettings>,
    /// The first broken property.
    pub violation: RwSignal<Option<ViolationView>>,
    /// While paused, what the next step will do, in words.
    pub next_event: RwSignal<Option<String>>,
    /// While a long history is being built: the time it will reach.
    pub building: RwSignal<Option<Time>>,
    /// What the lab says about the last change to the history (a fork, a
    /// lesson closed by an action).
    pub notice: RwSignal<Option<String>>,
    /// What the inspector shows.
    pub selected: RwSignal<Selection>,
    /// The lesson being played, if any.
    pub lesson: RwSignal<Option<LessonPlay>>,
    /// The caption that playing is on its way to ([`App::heading_to`]).
    pub heading_to: RwSignal<Option<usize>>,
    /// Every branch of the history, the one on screen included.
    pub branches: RwSignal<Vec<BranchInfo>>,
    /// The branch on screen.
    pub branch: RwSignal<usize>,
    /// A new session started ([`Numbers::session`]).
    pub session_number: RwSignal<u64>,
    /// The history on screen was replaced ([`Numbers::history`]).
    pub history_number: RwSignal<u64>,
    /// What is known up to the live edge changed ([`Numbers::live`]).
    pub live_number: RwSignal<u64>,
}

/// Sets `signal` to a copy of `value` if it differs from what it holds.
fn patch<T: Clone + PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: &T) {
    if signal.with_untracked(|old| old != value) {
        signal.set(value.clone());
    }
}

impl Lab {
    /// A lab on a fresh world of `settings`, playing at `speed`.
    pub fn new(settings: SessionSettings, speed: f64) -> Lab {
        let mut app = App::new(settings, speed);
        let redraw = app.poll_redraw(wall_ms());
        let cluster = redraw
            .cluster
            .clone()
            .unwrap_or_else(|| ClusterFrame::of(app.world(), app.recorder()));
        let panels = redraw
            .panels
            .clone()
            .unwrap_or_else(|| PanelsFrame::of(app.world(), app.recorder()));
        let lab = Lab {
            now: RwSignal::new(cluster.now),
            cards: RwSignal::new(cluster.cards),
            rings: RwSignal::new(cluster.rings),
            messages: RwSignal::new(cluster.messages),
            announcement: RwSignal::new(String::new()),
            panels_now: RwSignal::new(cluster.now),
            cursor: RwSignal::new(panels.steps),
            furthest: RwSignal::new(app.furthest()),
            links: RwSignal::new(panels.links),
            groups: RwSignal::new(panels.groups),
            logs: RwSignal::new(panels.logs),
            results: RwSignal::new(panels.results),
            configuration: RwSignal::new(panels.configuration),
            raft: RwSignal::new(panels.raft),
            network: RwSignal::new(panels.network),
            workload: RwSignal::new(panels.workload),
            playing: RwSignal::new(app.playing()),
            speed: RwSignal::new(app.speed()),
            settings: RwSignal::new(app.settings()),
            violation: RwSignal::new(None),
            next_event: RwSignal::new(None),
            building: RwSignal::new(None),
            notice: RwSignal::new(None),
            selected: RwSignal::new(Selection::None),
            lesson: RwSignal::new(None),
            heading_to: RwSignal::new(None),
            branches: RwSignal::new(app.branches().lines().to_vec()),
            branch: RwSignal::new(app.branches().on_screen()),
            session_number: RwSignal::new(0),
            history_number: RwSignal::new(0),
            live_number: RwSignal::new(app.numbers().live),
            app: StoredValue::new_local(app),
        };
        lab.copy_state();
        lab
    }

    /// Calls the intent `intent` on the app and shows what changed; returns
    /// what the intent returned (a refusal in words, say).
    pub fn run<R>(&self, intent: impl FnOnce(&mut App) -> R) -> R {
        let (result, redraw) = self
            .app
            .try_update_value(|app| {
                let result = intent(app);
                (result, app.poll_redraw(wall_ms()))
            })
            .unwrap_or_else(|| unreachable!("the app lives as long as the page"));
        self.show(redraw);
        result
    }

    /// One animation frame (see [`App::frame`]).
    pub fn frame(&self, elapsed_ms: f64, frame_ms: f64) {
        if let Some(redraw) = self
            .app
            .try_update_value(|app| app.frame(elapsed_ms, frame_ms, &wall_ms))
        {
            self.show(redraw);
        }
    }

    /// Reads the app (the world, the live edge, the actions, …).
    pub fn with_app<R>(&self, f: impl FnOnce(&App) -> R) -> R {
        self.app
            .try_with_value(f)
            .unwrap_or_else(|| unreachable!("the app lives as long as the page"))
    }

    /// Reads the swimlane record of the history up to its live edge.
    pub fn with_lanes<R>(&self, f: impl FnOnce(&Lanes) -> R) -> R {
        self.with_app(|a| f(&a.live().lanes))
    }

    /// Reads the marks of every step up to the live edge.
    pub fn with_marks<R>(&self, f: impl FnOnce(&StepMarks) -> R) -> R {
        self.with_app(|a| f(&a.live().marks))
    }

    /// The event-log lines of `steps` (increasing); see [`App::lines`].
    pub fn lines(&self, steps: &[u64]) -> Vec<EventLine> {
        self.app
            .try_update_value(|app| app.lines(steps))
            .unwrap_or_default()
    }

    /// Global time at the live edge (not reactive: [`Lab::live_number`]
    /// says when it moved).
    pub fn live_time(&self) -> Time {
        self.with_app(|a| a.live().time)
    }

    /// Ids of every node.
    pub fn node_ids(&self) -> Vec<NodeId> {
        self.cards
            .with_untracked(|c| c.iter().map(|c| c.id).collect())
    }

    /// Carries out `action` and reports into `status`: the refusal, or what
    /// it did ([`crate::view::done_words`]).
    pub fn act_reporting(&self, action: Action, status: RwSignal<String>) {
        let done = crate::view::done_words(&action);
        status.set(match self.run(|app| app.act(action)) {
            Ok(()) => done_text(&done),
            Err(e) => e,
        });
    }

    /// What the caption on screen points at, while the cursor is at its
    /// step (reactive).
    pub fn focus(&self) -> Vec<Focus> {
        let cursor = self.cursor.get();
        self.lesson.with(|l| {
            l.as_ref()
                .map(|l| l.focus_at(cursor).to_vec())
                .unwrap_or_default()
        })
    }

    /// Copies a redraw into the signals, then the app's small state.
    fn show(&self, redraw: Redraw) {
        if let Some(cluster) = redraw.cluster {
            self.show_cluster(cluster);
        }
        if let Some(words) = redraw.announcement {
            self.announcement.set(words);
        }
        if let Some(now) = redraw.panels_now {
            patch(self.panels_now, &now);
        }
        if let Some(furthest) = redraw.furthest {
            patch(self.furthest, &furthest);
        }
        if let Some(panels) = redraw.panels {
            self.show_panels(panels);
        }
        self.copy_state();
    }

    fn show_cluster(&self, frame: ClusterFrame) {
        patch(self.now, &frame.now);
        patch(self.cards, &frame.cards);
        patch(self.rings, &frame.rings);
        patch(self.messages, &frame.messages);
    }

    fn show_panels(&self, frame: PanelsFrame) {
        patch(self.cursor, &frame.steps);
        patch(self.links, &frame.links);
        patch(self.groups, &frame.groups);
        patch(self.logs, &frame.logs);
        patch(self.results, &frame.results);
        patch(self.configuration, &frame.configuration);
        patch(self.raft, &frame.raft);
        patch(self.network, &frame.network);
        patch(self.workload, &frame.workload);
    }

    /// Copies the app's small state into its signals, each only if it
    /// changed (cheap: none of it is larger than a lesson's captions).
    fn copy_state(&self) {
        self.with_app(|app| {
            patch(self.playing, &app.playing());
            patch(self.speed, &app.speed());
            patch(self.settings, &app.settings());
            if self
                .violation
                .with_untracked(|v| v.as_ref() != app.violation())
            {
                self.violation.set(app.violation().cloned());
            }
            if self
                .next_event
                .with_untracked(|n| n.as_deref() != app.next_event())
            {
                self.next_event.set(app.next_event().map(str::to_owned));
            }
            patch(self.building, &app.building());
            if self.notice.with_untracked(|n| n.as_deref() != app.notice()) {
                self.notice.set(app.notice().map(str::to_owned));
            }
            patch(self.selected, app.selection());
            patch(self.heading_to, &app.heading_to());
            if self.lesson.with_untracked(|l| l.as_ref() != app.lesson()) {
                self.lesson.set(app.lesson().cloned());
            }
            if self
                .branches
                .with_untracked(|b| b[..] != *app.branches().lines())
            {
                self.branches.set(app.branches().lines().to_vec());
            }
            patch(self.branch, &app.branches().on_screen());
            let Numbers {
                session,
                history,
                live,
            } = app.numbers();
            patch(self.session_number, &session);
            patch(self.history_number, &history);
            patch(self.live_number, &live);
        });
    }
}

/// A status line for an action that was carried out: it starts with ✓,
/// which also styles it apart from refusals.
pub fn done_text(text: &str) -> String {
    format!("✓ {text}")
}

/// Whether a status line reports success.
pub fn is_done(text: &str) -> bool {
    text.starts_with('✓')
}
