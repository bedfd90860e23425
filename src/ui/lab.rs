//! The app's state: one [`Timeline`] in a `StoredValue`, and the
//! fine-grained signals the components read, each set only when its view
//! data changed.
//!
//! Every user action goes through [`Lab::act`], which carries it out with
//! [`Timeline::act`] and returns the world's refusal in words, so the
//! control that caused it can say why next to itself. An action with the
//! cursor in the past forks the history, and the lab says so.

use super::branches::{first_branch, BranchInfo, Parked, MAX_BRANCHES};
use super::frame_loop::wall_ms;
use crate::raft::{Config, MessageKind, NodeId, Time};
use crate::scenario::{Focus, Lesson, Stop};
use crate::sim::{
    Action, BranchRecord, NetworkConfig, Replay, Session, Timeline, What, WorldConfig,
};
use crate::view::{
    self, Cadence, ConfigurationView, EventLine, KeyMark, Lanes, Link, LogRow, MessageDot,
    NodeCard, NodeRings, Recorder, ResultRow, StepMarks, ViolationView,
};
use leptos::prelude::*;
use std::cell::Cell;
use std::collections::HashMap;

/// Event-log lines kept made at most; the cache starts over past it.
const MAX_CACHED_LINES: usize = 20_000;

/// What the inspector shows: the node, message or link last selected.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    /// Nothing.
    None,
    /// A node.
    Node(NodeId),
    /// A message, as it was when selected (it may since have arrived).
    Message(Box<MessageDot>),
    /// The link between two nodes (lower id first).
    Link(NodeId, NodeId),
}

/// The session settings that start a new world when changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    /// Voters at the start (3, 5, 7, 9).
    pub size: u8,
    /// The seed.
    pub seed: u64,
}

impl SessionSettings {
    /// The world for these settings: `size` voters plus spare servers that
    /// can be added (two, within the nine-node limit).
    pub fn world_config(&self) -> WorldConfig {
        WorldConfig {
            nodes: (self.size + 2).min(9),
            voters: self.size,
            ..WorldConfig::default()
        }
    }
}

/// While playing, the cluster is drawn this often (wall-clock milliseconds):
/// 30 times a second, the rate of video. The simulation still runs every
/// frame; only the drawing waits. Without a GPU, any change to the page
/// costs the browser's main thread a frame's worth of style, layout, paint
/// and compositing (about 2 ms with this page on the benchmark machine), so
/// drawing on every frame of a 60 Hz screen kept it busy 22 to 29 % of the
/// time, where every other frame takes 17.6 to 20.7 % (README, "Benchmarks").
/// Letting the browser's compositor glide the messages instead costs more:
/// every animation started takes the main thread several milliseconds.
pub const CLUSTER_EVERY_MS: f64 = 1000.0 / 30.0;

/// While playing, the heavier panels (the timeline, the event log, the
/// logs, the results, the step counter) are drawn this often: on every
/// other drawing of the cluster, 15 times a second, which reads as smooth
/// for a timeline and a log.
pub const PANELS_EVERY_MS: f64 = 2.0 * CLUSTER_EVERY_MS;

/// The most wall-clock time one frame spends running the simulation.
pub const ADVANCE_BUDGET_MS: f64 = 8.0;

/// Simulated time run between looks at the wall clock (one millisecond).
const ADVANCE_SLICE_US: u64 = 1_000;

/// The whole app state. `Copy`: every field is a handle.
#[derive(Clone, Copy)]
pub struct Lab {
    timeline: StoredValue<Timeline<Recorder>, LocalStorage>,
    /// The marks of every step up to the live edge. The recorder at the
    /// cursor only knows the steps before the cursor, so this copy (cheap:
    /// its chunks are shared) is what finds the next key event after a step
    /// back.
    known: StoredValue<StepMarks, LocalStorage>,
    /// The swimlane record of every step up to the live edge (shared
    /// chunks, as for `known`).
    known_lanes: StoredValue<Lanes, LocalStorage>,
    /// Global simulated time as the panels show it: `now`, but while
    /// playing updated only every [`PANELS_EVERY_MS`].
    pub panels_now: RwSignal<Time>,
    /// Whether a step ran that the panels have not caught up with.
    panels_behind: StoredValue<bool, LocalStorage>,
    /// When the panels are drawn while playing (every [`PANELS_EVERY_MS`]).
    panels_cadence: StoredValue<Cadence, LocalStorage>,
    /// When the cluster is drawn while playing (every [`CLUSTER_EVERY_MS`]).
    cluster_cadence: StoredValue<Cadence, LocalStorage>,
    /// Bumped whenever `known` and `known_lanes` change.
    pub history_version: RwSignal<u64>,
    /// Bumped when the history itself is replaced (a new session, an action
    /// in the past, another branch): anything kept per step starts over.
    pub history_epoch: RwSignal<u64>,
    /// Event-log lines already made, by step; emptied when the history
    /// changes under them (a fork or a new session).
    lines: StoredValue<HashMap<u64, EventLine>, LocalStorage>,
    /// The furthest step reached: the live edge.
    pub furthest: RwSignal<u64>,
    /// Global time at the live edge.
    pub live_time: RwSignal<Time>,
    /// While paused, what the next step will do, in words.
    pub next_event: RwSignal<Option<String>>,
    /// While a long history is being built (`?history=MINUTES`): the time
    /// it will reach.
    pub building: RwSignal<Option<Time>>,
    /// Set when an action in the past discarded the old future: says so.
    pub fork_notice: RwSignal<Option<String>>,
    /// Bumped when a new session starts: components that depend on the
    /// number of nodes rebuild.
    pub generation: RwSignal<u64>,
    /// Whether time advances.
    pub playing: RwSignal<bool>,
    /// Simulated seconds per wall-clock second.
    pub speed: RwSignal<f64>,
    /// The session's size and seed.
    pub session: RwSignal<SessionSettings>,
    /// Global simulated time (at every drawing of the cluster).
    pub now: RwSignal<Time>,
    /// Steps run so far.
    pub steps: RwSignal<u64>,
    /// Node cards, in id order.
    pub cards: RwSignal<Vec<NodeCard>>,
    /// The rings around the nodes, in id order (at every drawing of the cluster).
    pub rings: RwSignal<Vec<NodeRings>>,
    /// The latest key events in words, for the screen reader's live region.
    pub announcement: RwSignal<String>,
    /// Messages in flight.
    pub messages: RwSignal<Vec<MessageDot>>,
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
    /// The first broken property.
    pub violation: RwSignal<Option<ViolationView>>,
    /// The nodes' settings now.
    pub raft: RwSignal<Config>,
    /// The network's settings now.
    pub network: RwSignal<NetworkConfig>,
    /// Whether the random workload runs.
    pub workload: RwSignal<bool>,
    /// What the inspector shows.
    pub selected: RwSignal<Selection>,
    /// The lesson being played, if any.
    pub lesson: RwSignal<Option<LessonPlay>>,
    /// Every branch of the history, the one on screen included.
    pub branches: RwSignal<Vec<BranchInfo>>,
    /// The branch on screen.
    pub branch: RwSignal<usize>,
    /// The branches not on screen.
    parked: StoredValue<Vec<Parked>, LocalStorage>,
}

/// The session in shareable form (see [`Lab::shared`]).
pub struct Shared {
    /// For a file (and, encoded, for a link: [`Shared::fragment`]).
    pub json: String,
    /// The step it opens at.
    pub opens_at: u64,
    /// Whether that is earlier than the cursor, because a link or file opens
    /// at most at [`crate::sim::MAX_CURSOR`].
    pub clamped: bool,
    /// Why a link or file of it would not open, if it would not: then
    /// nothing is copied, saved or autosaved.
    pub problem: Option<String>,
}

impl Shared {
    /// For a link, after the `#`. Made only when asked: the autosave,
    /// which runs at every step while paused, needs the JSON alone.
    pub fn fragment(&self) -> String {
        crate::scenario::json_fragment(&self.json)
    }
}

/// A lesson being played: where each caption stops, and which is shown.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonPlay {
    /// Its short name, for links.
    pub slug: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Its introduction.
    pub intro: &'static str,
    /// Each caption's step and text.
    pub stops: Vec<Stop>,
    /// The caption shown.
    pub at: usize,
}

fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|old| *old != value) {
        signal.set(value);
    }
}

impl Lab {
    /// A lab on a fresh world of `settings`, playing at `speed`.
    pub fn new(settings: SessionSettings, speed: f64) -> Lab {
        let timeline = Timeline::fresh(settings.world_config(), settings.seed, Recorder::new())
            .or_else(|_| {
                let fallback = SessionSettings { size: 5, seed: 1 };
                Timeline::fresh(fallback.world_config(), 1, Recorder::new())
            })
            .unwrap_or_else(|e| unreachable!("the default world is valid: {e}"));
        let world = timeline.world();
        let (cards, rings) = view::cards_and_rings(world, timeline.observer());
        let lab = Lab {
            generation: RwSignal::new(0),
            playing: RwSignal::new(true),
            speed: RwSignal::new(speed),
            session: RwSignal::new(settings),
            now: RwSignal::new(world.now()),
            steps: RwSignal::new(world.steps()),
            cards: RwSignal::new(cards),
            rings: RwSignal::new(rings),
            messages: RwSignal::new(view::message_dots(world)),
            links: RwSignal::new(view::links(world)),
            groups: RwSignal::new(None),
            logs: RwSignal::new(view::log_rows(world)),
            results: RwSignal::new(Vec::new()),
            configuration: RwSignal::new(view::configuration(world)),
            violation: RwSignal::new(None),
            raft: RwSignal::new(world.config().raft.clone()),
            network: RwSignal::new(world.config().network.clone()),
            workload: RwSignal::new(false),
            selected: RwSignal::new(Selection::None),
            lesson: RwSignal::new(None),
            branches: RwSignal::new(vec![first_branch()]),
            branch: RwSignal::new(1),
            parked: StoredValue::new_local(Vec::new()),
            known: StoredValue::new_local(StepMarks::default()),
            known_lanes: StoredValue::new_local(timeline.observer().lanes().clone()),
            history_version: RwSignal::new(0),
            panels_now: RwSignal::new(world.now()),
            panels_behind: StoredValue::new_local(false),
            panels_cadence: StoredValue::new_local(Cadence::new(PANELS_EVERY_MS)),
            cluster_cadence: StoredValue::new_local(Cadence::new(CLUSTER_EVERY_MS)),
            history_epoch: RwSignal::new(0),
            lines: StoredValue::new_local(HashMap::new()),
            furthest: RwSignal::new(0),
            live_time: RwSignal::new(Time::ZERO),
            next_event: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            building: RwSignal::new(None),
            fork_notice: RwSignal::new(None),
            timeline: StoredValue::new_local(timeline),
        };
        lab.refresh(true);
        lab
    }

    /// Ids of every node.
    pub fn node_ids(&self) -> Vec<NodeId> {
        self.cards
            .with_untracked(|c| c.iter().map(|c| c.id).collect())
    }

    /// Copies what changed into the signals, all of them at once. While
    /// playing, the frame loop uses [`Lab::refresh_playing`] instead: the
    /// cluster (cards, rings, messages) is drawn every [`CLUSTER_EVERY_MS`]
    /// and the panels every [`PANELS_EVERY_MS`]; a broken rule is caught at
    /// its step either way.
    pub fn refresh(&self, stepped: bool) {
        self.update(stepped, None);
    }

    /// [`Lab::refresh`] for the frame stamped `frame_ms` while playing: the
    /// cluster and the panels wait their turn. Everything a person does
    /// refreshes them at once.
    fn refresh_playing(&self, stepped: bool, frame_ms: f64) {
        self.update(stepped, Some(frame_ms));
    }

    /// Both refreshes: with `frame_ms`, only what is due at that frame.
    fn update(&self, stepped: bool, frame_ms: Option<f64>) {
        let mut playing = self.playing.get_untracked() && frame_ms.is_some();
        let wall = frame_ms.unwrap_or_else(wall_ms);
        self.timeline.with_value(|t| {
            let world = t.world();
            let recorder = t.observer();
            if t.cursor() >= t.furthest() && world.now() > self.live_time.get_untracked() {
                self.live_time.set(world.now());
                self.known_lanes.update_value(|l| l.extend_to(world.now()));
            }
            if stepped {
                self.panels_behind.set_value(true);
                let violation = view::violation(recorder);
                if violation.is_some() && self.violation.with_untracked(|old| *old != violation) {
                    // A newly broken rule stops the clock where it broke,
                    // and everything shows that moment at once.
                    self.playing.set(false);
                    playing = false;
                }
                set_if_changed(self.violation, violation);
            }
            // While playing, only what is due; otherwise everything, now.
            let due = |cadence: StoredValue<Cadence, LocalStorage>| {
                cadence
                    .try_update_value(|c| {
                        if playing {
                            c.due(wall)
                        } else {
                            c.drawn(wall);
                            true
                        }
                    })
                    .unwrap_or(true)
            };
            if !due(self.cluster_cadence) {
                return;
            }
            self.now.set(world.now());
            let (cards, rings) = view::cards_and_rings(world, recorder);
            let said = self
                .cards
                .with_untracked(|before| view::announcements(before, &cards));
            if !said.is_empty() {
                self.announcement.set(said.join(". "));
            }
            set_if_changed(self.cards, cards);
            set_if_changed(self.rings, rings);
            set_if_changed(self.messages, view::message_dots(world));
            if !due(self.panels_cadence) {
                return;
            }
            set_if_changed(self.panels_now, world.now());
            if !self.panels_behind.get_value() {
                return;
            }
            self.panels_behind.set_value(false);
            set_if_changed(self.steps, world.steps());
            set_if_changed(self.furthest, t.furthest());
            if t.cursor() >= t.furthest() {
                self.known.set_value(recorder.marks().clone());
                let mut lanes = recorder.lanes().clone();
                lanes.extend_to(world.now());
                self.known_lanes.set_value(lanes);
                self.history_version.update(|v| *v += 1);
                self.live_time.set(world.now());
            }
            if !self.playing.get_untracked() {
                set_if_changed(self.next_event, view::next_event_words(world));
            }
            set_if_changed(self.links, view::links(world));
            set_if_changed(self.groups, view::partition_groups(world));
            set_if_changed(self.logs, view::log_rows(world));
            set_if_changed(self.results, view::result_rows(world, recorder));
            set_if_changed(self.configuration, view::configuration(world));
            set_if_changed(self.raft, world.config().raft.clone());
            set_if_changed(self.network, world.config().network.clone());
            set_if_changed(self.workload, world.workload().is_some());
        });
    }

    /// Brings the cluster and the panels up to date if playback left them
    /// behind (called every frame while paused).
    pub fn catch_up(&self) {
        let now = self.timeline.with_value(|t| t.world().now());
        if self.panels_behind.get_value()
            || self.now.get_untracked() != now
            || self.panels_now.get_untracked() != now
        {
            self.refresh(false);
        }
    }

    /// Advances simulated time by `micros`, in slices of
    /// [`ADVANCE_SLICE_US`], for at most [`ADVANCE_BUDGET_MS`] of wall time:
    /// when the machine cannot keep up (nine nodes at full speed after an
    /// hour, say), playback runs slower than the speed asked for instead of
    /// each late frame asking for more simulated time and freezing the page.
    /// A step that breaks a rule so that the alert changes ends it there
    /// (the alert's change pauses playback, in [`Lab::update`]), so the
    /// pause shows that very step, however many the frame had left to run.
    pub fn advance(&self, micros: u64, frame_ms: f64) {
        let started = wall_ms();
        let before = self.timeline.with_value(|t| t.cursor());
        let shown = self.violation.get_untracked();
        self.timeline.update_value(|t| {
            // The alert is made again only when the checkers found more.
            let counted = Cell::new(t.observer().broken());
            let alert_changes = |r: &Recorder| {
                let broken = r.broken();
                broken != counted.replace(broken) && view::violation(r) != shown
            };
            let target = t.world().now().plus(micros);
            while t.world().now() < target {
                let slice = t.world().now().plus(ADVANCE_SLICE_US).min(target);
                if t.run_until_or(slice, alert_changes) {
                    break;
                }
                if wall_ms() - started > ADVANCE_BUDGET_MS {
                    break;
                }
            }
        });
        let after = self.timeline.with_value(|t| t.cursor());
        self.refresh_playing(after != before, frame_ms);
    }

    /// Builds history towards `building` for at most `budget_ms` of wall
    /// time (half a simulated second at a time); says when it is done.
    pub fn build_some(&self, budget_ms: f64, clock: impl Fn() -> f64) {
        let Some(target) = self.building.get_untracked() else {
            return;
        };
        let started = clock();
        self.timeline.update_value(|t| {
            while t.world().now() < target && clock() - started < budget_ms {
                let next = t.world().now().plus(500_000).min(target);
                t.run_until(next);
            }
        });
        self.refresh(true);
        if self.now.get_untracked() >= target {
            self.building.set(None);
        }
    }

    /// Stops building history: a person who moves through time, acts or
    /// opens another session takes over from the build.
    fn stop_building(&self) {
        if self.building.with_untracked(Option::is_some) {
            self.building.set(None);
        }
    }

    /// Runs exactly one event.
    pub fn step_forward(&self) {
        self.timeline.update_value(|t| {
            t.step();
        });
        self.refresh(true);
    }

    /// Moves the cursor to step `step` (within the known history) and pauses.
    pub fn seek(&self, step: u64) {
        self.stop_building();
        self.playing.set(false);
        self.fork_notice.set(None);
        self.timeline
            .update_value(|t| t.seek(step.min(t.furthest())));
        self.refresh(true);
    }

    /// Moves the cursor to global time `t` (within the known history) and
    /// pauses: to the last step at or before it, with messages frozen where
    /// they are at that moment.
    pub fn seek_time(&self, t: Time) {
        self.stop_building();
        self.playing.set(false);
        self.fork_notice.set(None);
        let t = t.min(self.live_time.get_untracked());
        self.timeline.update_value(|tl| tl.seek_time(t));
        self.refresh(true);
    }

    /// Says what the next step will do while paused, and nothing while
    /// playing (it would change every frame).
    pub fn announce_next(&self) {
        let next = if self.playing.get_untracked() {
            None
        } else {
            self.with_world(view::next_event_words)
        };
        set_if_changed(self.next_event, next);
    }

    /// Reads the swimlane record of the whole known history.
    pub fn with_lanes<R>(&self, f: impl FnOnce(&Lanes) -> R) -> R {
        self.known_lanes.with_value(f)
    }

    /// Reads the marks of every known step.
    pub fn with_marks<R>(&self, f: impl FnOnce(&StepMarks) -> R) -> R {
        self.known.with_value(f)
    }

    /// The event-log lines of `steps` (increasing), made by replaying only
    /// what is not made yet.
    pub fn lines(&self, steps: &[u64]) -> Vec<EventLine> {
        let missing: Vec<u64> = self.lines.with_value(|cache| {
            steps
                .iter()
                .copied()
                .filter(|s| !cache.contains_key(s))
                .collect()
        });
        if !missing.is_empty() {
            let mut made = Vec::with_capacity(missing.len());
            let (marks, lanes) = (&self.known, &self.known_lanes);
            self.timeline.with_value(|t| {
                marks.with_value(|m| {
                    lanes.with_value(|l| {
                        t.replay_steps(&missing, |world, record| {
                            let broken = m
                                .get(record.index)
                                .is_some_and(|mark| mark.key == Some(KeyMark::Violation));
                            made.push(view::event_line(world, record, broken, l));
                        });
                    });
                });
            });
            self.lines.update_value(|cache| {
                if cache.len() > MAX_CACHED_LINES {
                    cache.clear();
                }
                for line in made {
                    cache.insert(line.step, line);
                }
            });
        }
        self.lines
            .with_value(|cache| steps.iter().filter_map(|s| cache.get(s).cloned()).collect())
    }

    /// A copy of the world replaying the known history from step `from`.
    pub fn replay_from(&self, from: u64) -> Replay {
        self.timeline.with_value(|t| t.replay_from(from))
    }

    /// One event back.
    pub fn step_back(&self) {
        self.seek(self.steps.get_untracked().saturating_sub(1));
    }

    /// The next key event after the cursor, up to the live edge.
    pub fn next_key_event(&self) -> Option<u64> {
        let cursor = self.steps.get_untracked();
        self.known.with_value(|k| k.next_key(cursor))
    }

    /// The last key event before the cursor.
    pub fn previous_key_event(&self) -> Option<u64> {
        let cursor = self.steps.get_untracked();
        self.known.with_value(|k| k.previous_key(cursor))
    }

    /// Reads the actions of the history on screen.
    pub fn with_actions<R>(&self, f: impl FnOnce(&[crate::sim::TimedAction]) -> R) -> R {
        self.timeline.with_value(|t| f(t.actions()))
    }

    /// Reads the world.
    pub fn with_world<R>(&self, f: impl FnOnce(&crate::sim::World) -> R) -> R {
        self.timeline.with_value(|t| f(t.world()))
    }

    /// Carries out `action`; the error is the world's refusal in words.
    ///
    /// Any action closes an open lesson, even a refused one (it still takes
    /// a step): the lesson's captions stop at steps of the run without it.
    pub fn act(&self, action: Action) -> Result<(), String> {
        self.stop_building();
        let mut outcome = Ok(());
        let mut old_future = None;
        let lesson = self
            .lesson
            .with_untracked(|l| l.as_ref().map(|l| (l.title, l.at)));
        self.timeline.update_value(|t| {
            let kept = t.furthest() - t.cursor();
            let at = t.cursor();
            let words = action.to_string();
            let before = (kept > 0).then(|| t.clone());
            let record = t.act(action);
            if let Some(before) = before {
                self.lines.update_value(HashMap::clear);
                old_future = Some((before, kept, at, words, record.time));
            }
            if let What::Action { result: Err(e), .. } = record.what {
                outcome = Err(view::capitalised(&e.to_string()));
            }
        });
        let forked = old_future.is_some();
        if let Some((before, kept, at, words, time)) = old_future {
            self.branch_off(before, kept, at, &words, time);
        }
        if let Some((title, caption)) = lesson {
            self.lesson.set(None);
            let closed = format!(
                "Your action changed the run, so “{title}” closed at caption {}: its captions describe the run without it. Pick the lesson again to start over.",
                caption + 1
            );
            self.fork_notice.update(|n| {
                *n = Some(match n.take().filter(|_| forked) {
                    Some(fork) => format!("{fork} {closed}"),
                    None => closed,
                })
            });
        }
        self.refresh(true);
        outcome
    }

    /// Parks the history as it was before an action in the past (`before`,
    /// with `kept` steps after the cursor) and makes the new one a branch.
    fn branch_off(&self, before: Timeline<Recorder>, kept: u64, at: u64, words: &str, time: Time) {
        // A message sent before the fork is the same in both histories (a
        // Drop in the past keeps showing the message it dropped).
        self.forget_selected_message(|m| m.sent_at >= time);
        let old = self.branch.get_untracked();
        let id = self
            .branches
            .with_untracked(|b| b.iter().map(|b| b.id).max().unwrap_or(0))
            + 1;
        let mut old_info = self
            .branches
            .with_untracked(|b| b.iter().find(|b| b.id == old).cloned())
            .unwrap_or_else(first_branch);
        old_info.steps = before.furthest();
        let parked = Parked {
            info: old_info.clone(),
            timeline: before,
            known: self.known.get_value(),
            lanes: self.known_lanes.get_value(),
            live_time: self.live_time.get_untracked(),
            pending_cursor: None,
        };
        let mut dropped = None;
        self.parked.update_value(|p| {
            p.push(parked);
            if p.len() >= MAX_BRANCHES {
                dropped = Some(p.remove(0).info.id);
            }
        });
        let info = BranchInfo {
            id,
            label: format!("Branch {id}: {words} at step {at}"),
            diverged_at: Some(at),
            steps: at + 1,
        };
        self.branches.update(|b| {
            for line in b.iter_mut().filter(|l| l.id == old) {
                *line = old_info.clone();
            }
            b.retain(|l| Some(l.id) != dropped);
            b.push(info);
        });
        self.branch.set(id);
        self.history_epoch.update(|e| *e += 1);
        self.fork_notice.set(Some(format!(
            "You acted in the past, at {time}: branch {id} starts from your action. The old future ({kept} step{}) is kept: switch back to it under Branches.",
            if kept == 1 { "" } else { "s" }
        )));
    }

    /// Unselects the selected message if `other_history` says it may not
    /// exist in the history now on screen: branches reuse message ids, so
    /// its id could name another message there.
    fn forget_selected_message(&self, other_history: impl Fn(&MessageDot) -> bool) {
        if self
            .selected
            .with_untracked(|s| matches!(s, Selection::Message(m) if other_history(m)))
        {
            self.selected.set(Selection::None);
        }
    }

    /// Puts branch `id` on screen, parking the one there now.
    pub fn switch_branch(&self, id: usize) {
        let current = self.branch.get_untracked();
        if id == current {
            return;
        }
        self.forget_selected_message(|_| true);
        self.stop_building();
        let mut target = None;
        self.parked.update_value(|p| {
            if let Some(i) = p.iter().position(|b| b.info.id == id) {
                target = Some(p.remove(i));
            }
        });
        let Some(target) = target else { return };
        let mut info = self
            .branches
            .with_untracked(|b| b.iter().find(|b| b.id == current).cloned())
            .unwrap_or_else(first_branch);
        let mut timeline = target.timeline;
        self.timeline
            .update_value(|t| std::mem::swap(t, &mut timeline));
        info.steps = timeline.furthest();
        let parked = Parked {
            info: info.clone(),
            timeline,
            known: self.known.get_value(),
            lanes: self.known_lanes.get_value(),
            live_time: self.live_time.get_untracked(),
            pending_cursor: None,
        };
        self.parked.update_value(|p| p.push(parked));
        self.branches.update(|b| {
            for line in b.iter_mut().filter(|l| l.id == current) {
                *line = info.clone();
            }
        });
        self.known.set_value(target.known);
        self.known_lanes.set_value(target.lanes);
        self.live_time.set(target.live_time);
        if let Some(cursor) = target.pending_cursor {
            self.timeline.update_value(|t| t.seek(cursor));
        }
        self.lines.update_value(HashMap::clear);
        self.lesson.set(None);
        self.fork_notice.set(None);
        self.playing.set(false);
        self.branch.set(id);
        self.history_epoch.update(|e| *e += 1);
        self.refresh(true);
        self.history_version.update(|v| *v += 1);
    }

    /// Carries out `action` and reports into `status`: the error, or
    /// `done` on success.
    pub fn act_reporting(&self, action: Action, status: RwSignal<String>, done: &str) {
        match self.act(action) {
            Ok(()) => status.set(done_text(done)),
            Err(e) => status.set(e),
        }
    }

    /// Starts a new session with `settings`.
    pub fn restart(&self, settings: SessionSettings) -> Result<(), String> {
        self.load(Session::new(settings.world_config(), settings.seed))?;
        self.session.set(settings);
        Ok(())
    }

    /// Opens `lesson` at its first caption, paused.
    pub fn open_lesson(&self, lesson: &Lesson) -> Result<(), String> {
        let stops = lesson
            .stops()
            .map_err(|e| view::capitalised(&e.to_string()))?;
        self.load(lesson.session.clone())?;
        let config = &lesson.session.config;
        self.session.set(SessionSettings {
            size: config.voters,
            seed: lesson.session.seed,
        });
        self.lesson.set(Some(LessonPlay {
            slug: lesson.slug,
            title: lesson.title,
            intro: lesson.intro,
            stops,
            at: 0,
        }));
        self.show_caption(0);
        Ok(())
    }

    /// Goes to caption `i` of the open lesson: time travel to its step,
    /// with the node it talks about selected.
    pub fn show_caption(&self, i: usize) {
        let Some(stop) = self
            .lesson
            .with_untracked(|l| l.as_ref().and_then(|l| l.stops.get(i).cloned()))
        else {
            return;
        };
        self.playing.set(false);
        self.timeline.update_value(|t| t.seek(stop.step));
        self.refresh(true);
        self.lesson.update(|l| {
            if let Some(l) = l {
                l.at = i;
            }
        });
        self.selected
            .set(stop.node.map_or(Selection::None, Selection::Node));
    }

    /// Opens a shared session (from a link or a file), paused at its cursor.
    pub fn open_shared(&self, session: Session) -> Result<(), String> {
        if let Some(at) = &session.lesson {
            let lesson = crate::scenario::lessons::by_slug(&at.slug).ok_or_else(|| {
                format!(
                    "The session names a lesson this Raftlab does not have (“{}”)",
                    at.slug
                )
            })?;
            if at.caption >= lesson.captions.len() {
                return Err(format!(
                    "The session opens caption {} of “{}”, which has {}",
                    at.caption + 1,
                    lesson.title,
                    lesson.captions.len()
                ));
            }
            self.open_lesson(&lesson)?;
            self.show_caption(at.caption);
            return Ok(());
        }
        let cursor = session.cursor.unwrap_or(0);
        let settings = SessionSettings {
            size: session.config.voters,
            seed: session.seed,
        };
        let others = session.branches.clone();
        let head = Session {
            branches: Vec::new(),
            ..session.clone()
        };
        self.load(session)?;
        self.park_shared_branches(&head, others)?;
        self.session.set(settings);
        self.playing.set(false);
        self.timeline.update_value(|t| t.seek(cursor));
        self.refresh(true);
        Ok(())
    }

    /// Parks the other branches of a shared session, to be replayed when
    /// first shown.
    fn park_shared_branches(
        &self,
        head: &Session,
        others: Vec<BranchRecord>,
    ) -> Result<(), String> {
        let mut infos = vec![BranchInfo {
            label: "The shared history".to_string(),
            ..first_branch()
        }];
        let mut parked = Vec::new();
        for (i, b) in others.into_iter().enumerate() {
            let session = Session {
                actions: b.actions,
                cursor: None,
                ..head.clone()
            };
            let timeline = Timeline::new(session, Recorder::new())
                .map_err(|e| view::capitalised(&e.to_string()))?;
            let info = BranchInfo {
                id: i + 2,
                label: b.label,
                diverged_at: b.diverged_at,
                steps: b.cursor.unwrap_or(0),
            };
            infos.push(info.clone());
            parked.push(Parked {
                info,
                known: timeline.observer().marks().clone(),
                lanes: timeline.observer().lanes().clone(),
                live_time: Time::ZERO,
                timeline,
                pending_cursor: b.cursor,
            });
        }
        self.parked.set_value(parked);
        self.branches.set(infos);
        Ok(())
    }

    /// The session so far with the cursor, as JSON (for a file) and as a
    /// URL fragment (for a link).
    pub fn shared(&self) -> Shared {
        let lesson = self.lesson.with_untracked(|l| {
            l.as_ref().map(|l| crate::sim::LessonRef {
                slug: l.slug.to_string(),
                caption: l.at,
            })
        });
        let branches = self.parked.with_value(|p| {
            p.iter()
                .map(|b| BranchRecord {
                    label: b.info.label.clone(),
                    diverged_at: b.info.diverged_at,
                    actions: b.timeline.session().actions,
                    cursor: Some(b.pending_cursor.unwrap_or_else(|| b.timeline.furthest())),
                })
                .collect()
        });
        self.timeline.with_value(|t| {
            let mut session = Session {
                lesson,
                branches,
                ..t.session()
            };
            let clamped = session.clamp_to_limits();
            let json = session.to_json();
            Shared {
                problem: session.share_problem(&json).map(|e| e.to_string()),
                json,
                opens_at: session.cursor.unwrap_or(0),
                clamped,
            }
        })
    }

    /// What the caption on screen points at, while the cursor is at its
    /// step (reactive).
    pub fn focus(&self) -> Vec<Focus> {
        let step = self.steps.get();
        self.lesson.with(|l| {
            l.as_ref()
                .and_then(|l| l.stops.get(l.at))
                .filter(|s| s.step == step)
                .map(|s| s.focus.clone())
                .unwrap_or_default()
        })
    }

    /// Leaves the lesson where it is, for free play from that point.
    pub fn leave_lesson(&self) {
        self.lesson.set(None);
    }

    /// Replaces the session with `session`, from its first step.
    fn load(&self, session: Session) -> Result<(), String> {
        let timeline = Timeline::new(session, Recorder::new())
            .map_err(|e| view::capitalised(&e.to_string()))?;
        self.timeline.set_value(timeline);
        self.stop_building();
        self.lesson.set(None);
        self.parked.update_value(Vec::clear);
        self.branches.set(vec![first_branch()]);
        self.branch.set(1);
        self.selected.set(Selection::None);
        self.violation.set(None);
        self.results.set(Vec::new());
        self.fork_notice.set(None);
        self.known.set_value(StepMarks::default());
        self.lines.update_value(HashMap::clear);
        self.live_time.set(Time::ZERO);
        self.history_epoch.update(|e| *e += 1);
        self.refresh(true);
        self.generation.update(|g| *g += 1);
        Ok(())
    }

    /// Changes the nodes' settings with `change`, applied to the current ones.
    pub fn set_raft(&self, change: impl FnOnce(&mut Config)) -> Result<(), String> {
        let mut config = self.raft.get_untracked();
        change(&mut config);
        self.act(Action::SetRaftConfig(config))
    }

    /// The node that leads now, if any.
    pub fn leader_now(&self) -> Option<NodeId> {
        self.with_world(|w| w.leader())
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

/// The CSS family (colour) of a message kind.
pub fn message_family(kind: MessageKind) -> &'static str {
    use MessageKind as K;
    if matches!(kind, K::AppendEntries | K::Heartbeat | K::AppendResponse) {
        "msg-append"
    } else if matches!(kind, K::PreVote | K::RequestVote | K::VoteResponse) {
        "msg-vote"
    } else if matches!(kind, K::InstallSnapshot | K::SnapshotResponse) {
        "msg-snapshot"
    } else {
        "msg-other"
    }
}
