//! Time travel: a world plus checkpoints, so that any step of a long history
//! can be reached by restoring the nearest checkpoint and replaying.
//!
//! Memory stays bounded: when there are too many checkpoints, every other
//! one is dropped and the spacing doubles, so a seek replays at most
//! `spacing` steps and the number of checkpoints never exceeds the cap.
//!
//! Between checkpoints, a few waypoints (copies every
//! [`Timeline::waypoint_spacing`] steps) sit where the person is working:
//! near the live edge, and just behind where a seek ended. Stepping
//! back, or the event log asking for the lines just behind the cursor,
//! then replays a few hundred steps rather than a checkpoint's worth.

use super::action::{Action, TimedAction};
use super::session::Session;
use super::world::{StepRecord, World, WorldConfig, WorldError};
use crate::raft::Time;

/// Something that watches every step (the checkers, the view's recorder).
/// It is cloned into checkpoints, so seeking restores it too.
pub trait Observer: Clone {
    /// Called after every step with the world as it is after the step.
    fn observe(&mut self, world: &World, record: &StepRecord);

    /// Called once with the world before its first step.
    fn start(&mut self, _world: &World) {}
}

impl Observer for () {
    fn observe(&mut self, _: &World, _: &StepRecord) {}
}

/// Steps between checkpoints at first.
pub const INITIAL_SPACING: u64 = 1_000;
/// The most checkpoints kept.
pub const MAX_CHECKPOINTS: usize = 256;
/// The fewest steps between waypoints.
pub const MIN_WAYPOINT_SPACING: u64 = 256;
/// Waypoints per checkpoint interval, at most (the spacing between
/// waypoints grows with the checkpoints').
pub const WAYPOINTS_PER_INTERVAL: u64 = 32;
/// The most waypoints kept; past it, the one furthest from the cursor goes.
pub const MAX_WAYPOINTS: usize = 32;
/// Waypoints a seek leaves behind its target, at most: stepping back from
/// there, and the event log's lines just behind the cursor, replay from the
/// nearest. A waypoint at every spacing along the whole replay (up to a
/// checkpoint interval: thirty-one copies of the world and its recorder,
/// and as many old ones dropped) was a third of a seek's time in the page.
pub const SEEK_WAYPOINTS: u64 = 4;

#[derive(Clone, Debug)]
struct Checkpoint<O> {
    world: World,
    observer: O,
}

/// A copy of the world replaying the known history (see
/// [`Timeline::replay_from`]).
#[derive(Clone, Debug)]
pub struct Replay {
    world: World,
    until: u64,
}

impl Replay {
    /// The next step of the known history; `None` past its end.
    pub fn next_step(&mut self) -> Option<StepRecord> {
        if self.world.steps() >= self.until {
            return None;
        }
        self.world.step()
    }

    /// The world after the last step replayed.
    pub fn world(&self) -> &World {
        &self.world
    }
}

/// A world that can go back in time.
#[derive(Clone, Debug)]
pub struct Timeline<O: Observer> {
    session: Session,
    checkpoints: Vec<Checkpoint<O>>,
    spacing: u64,
    world: World,
    observer: O,
    furthest: u64,
    /// Copies like checkpoints, in step order, every
    /// [`Timeline::waypoint_spacing`] steps near the live edge and along the
    /// stretch the last seeks replayed (see the module's documentation).
    waypoints: Vec<Checkpoint<O>>,
}

impl<O: Observer> Timeline<O> {
    /// A timeline at step 0 of the session's world.
    pub fn new(session: Session, mut observer: O) -> Result<Timeline<O>, WorldError> {
        let world = World::with_actions(session.config.clone(), session.seed, &session.actions)?;
        observer.start(&world);
        let first = Checkpoint {
            world: world.clone(),
            observer: observer.clone(),
        };
        Ok(Timeline {
            session,
            checkpoints: vec![first],
            spacing: INITIAL_SPACING,
            world,
            observer,
            furthest: 0,
            waypoints: Vec::new(),
        })
    }

    /// A timeline for a fresh world with no actions.
    pub fn fresh(config: WorldConfig, seed: u64, observer: O) -> Result<Timeline<O>, WorldError> {
        Timeline::new(Session::new(config, seed), observer)
    }

    /// The world at the cursor.
    pub fn world(&self) -> &World {
        &self.world
    }
    /// The observer at the cursor.
    pub fn observer(&self) -> &O {
        &self.observer
    }
    /// The step the cursor is at (0: before the first step).
    pub fn cursor(&self) -> u64 {
        self.world.steps()
    }
    /// The furthest step reached so far (the end of the known history).
    pub fn furthest(&self) -> u64 {
        self.furthest
    }
    /// The session so far, with the cursor.
    pub fn session(&self) -> Session {
        Session {
            cursor: Some(self.cursor()),
            ..self.session.clone()
        }
    }
    /// The actions of the known history, in time order.
    pub fn actions(&self) -> &[TimedAction] {
        &self.session.actions
    }
    /// How many checkpoints are held, and the steps between them.
    pub fn checkpoint_stats(&self) -> (usize, u64) {
        (self.checkpoints.len(), self.spacing)
    }

    /// One step forward.
    pub fn step(&mut self) -> Option<StepRecord> {
        let record = self.world.step()?;
        self.after_step(&record);
        Some(record)
    }

    /// Forward until global time `t`.
    pub fn run_until(&mut self, t: Time) {
        self.run_until_or(t, |_| false);
    }

    /// Forward until global time `t`, or until `stop`, asked after every
    /// step, says to stop: then the clock stays at that step's time (for
    /// playback that halts on the very step that broke a rule). Whether it
    /// stopped early.
    pub fn run_until_or(&mut self, t: Time, stop: impl Fn(&O) -> bool) -> bool {
        while let Some(record) = self.world.step_at_or_before(t) {
            self.after_step(&record);
            self.world.recycle(record);
            if stop(&self.observer) {
                return true;
            }
        }
        self.world.run_until(t);
        false
    }

    fn after_step(&mut self, record: &StepRecord) {
        self.observer.observe(&self.world, record);
        self.after_checkpoint_check();
    }

    fn after_checkpoint_check(&mut self) {
        let step = self.world.steps();
        self.furthest = self.furthest.max(step);
        self.mark_waypoint();
        let last = self.checkpoints.last().map_or(0, |c| c.world.steps());
        if step >= last + self.spacing {
            self.checkpoints.push(Checkpoint {
                world: self.world.clone(),
                observer: self.observer.clone(),
            });
            if self.checkpoints.len() > MAX_CHECKPOINTS {
                let mut keep = 0;
                self.checkpoints.retain(|_| {
                    keep += 1;
                    keep % 2 == 1
                });
                self.spacing *= 2;
            }
        }
    }

    /// The steps the waypoints are at, in order (for tests and reports).
    pub fn waypoint_steps(&self) -> Vec<u64> {
        self.waypoints.iter().map(|w| w.world.steps()).collect()
    }

    /// Steps between waypoints: a thirty-second of the checkpoints'
    /// spacing, and no fewer than [`MIN_WAYPOINT_SPACING`].
    pub fn waypoint_spacing(&self) -> u64 {
        (self.spacing / WAYPOINTS_PER_INTERVAL).max(MIN_WAYPOINT_SPACING)
    }

    /// Keeps a waypoint at the cursor if it falls on the waypoint spacing
    /// and there is none there yet; past [`MAX_WAYPOINTS`], drops the one
    /// furthest from the cursor.
    fn mark_waypoint(&mut self) {
        let step = self.cursor();
        if step == 0 || !step.is_multiple_of(self.waypoint_spacing()) {
            return;
        }
        let at = self.waypoints.partition_point(|w| w.world.steps() < step);
        if self
            .waypoints
            .get(at)
            .is_some_and(|w| w.world.steps() == step)
        {
            return;
        }
        let copy = Checkpoint {
            world: self.world.clone(),
            observer: self.observer.clone(),
        };
        self.waypoints.insert(at, copy);
        if self.waypoints.len() > MAX_WAYPOINTS {
            let far = self
                .waypoints
                .iter()
                .enumerate()
                .max_by_key(|(_, w)| w.world.steps().abs_diff(step))
                .map_or(0, |(i, _)| i);
            self.waypoints.remove(far);
        }
    }

    /// The furthest checkpoint or waypoint that is not past a point
    /// (`not_past` says whether a world is at or before it).
    fn nearest_copy(&self, not_past: impl Fn(&World) -> bool) -> &Checkpoint<O> {
        let i = self
            .checkpoints
            .partition_point(|c| not_past(&c.world))
            .saturating_sub(1);
        let checkpoint = &self.checkpoints[i];
        let j = self.waypoints.partition_point(|w| not_past(&w.world));
        match j.checked_sub(1).map(|j| &self.waypoints[j]) {
            Some(w) if w.world.steps() > checkpoint.world.steps() => w,
            _ => checkpoint,
        }
    }

    /// Puts the world and observer back as the nearest copy not past a point
    /// had them, unless the cursor is not past it and at least as far.
    fn rewind(&mut self, not_past: impl Fn(&World) -> bool) {
        let copy = self.nearest_copy(&not_past);
        if not_past(&self.world) && self.world.steps() >= copy.world.steps() {
            return;
        }
        let (world, observer) = (copy.world.clone(), copy.observer.clone());
        self.restore(world, observer);
    }

    /// Moves the cursor to step `target` (clamped to what can be reached):
    /// back by restoring the nearest earlier copy and replaying.
    pub fn seek(&mut self, target: u64) {
        self.rewind(|w| w.steps() <= target);
        let near = target.saturating_sub(SEEK_WAYPOINTS * self.waypoint_spacing());
        while self.cursor() < target {
            let Some(record) = self.world.step() else {
                break;
            };
            self.observer.observe(&self.world, &record);
            self.world.recycle(record);
            if self.cursor() >= near {
                self.mark_waypoint();
            }
        }
        self.furthest = self.furthest.max(self.cursor());
    }

    /// Moves the cursor to the last step at or before global time `t`.
    pub fn seek_time(&mut self, t: Time) {
        self.rewind(|w| w.now() <= t);
        // The steps left to `t`, guessed from the history's average step:
        // waypoints only where the seek ends (a wrong guess costs time,
        // never a different result).
        let per_step = self.world.now().0 as f64 / self.world.steps().max(1) as f64;
        let near = (SEEK_WAYPOINTS * self.waypoint_spacing()) as f64 * per_step.max(1.0);
        while let Some(record) = self.world.step_at_or_before(t) {
            self.observer.observe(&self.world, &record);
            self.world.recycle(record);
            if (t.since(self.world.now()) as f64) <= near {
                self.mark_waypoint();
            }
        }
        self.world.run_until(t);
        self.furthest = self.furthest.max(self.cursor());
    }

    /// Makes a copy (a checkpoint's or a waypoint's) the present, with every
    /// action of the session after it scheduled: the copy was made before
    /// the actions taken since then.
    fn restore(&mut self, world: World, observer: O) {
        self.world = world;
        self.observer = observer;
        self.world.reschedule_actions(&self.session.actions);
    }

    /// A copy of the world that replays the known history from step `from`
    /// (clamped to it) without moving the cursor: for the event log's
    /// lines and its search, which need each step's record.
    pub fn replay_from(&self, from: u64) -> Replay {
        let from = from.min(self.furthest);
        let copy = &self.nearest_copy(|w| w.steps() <= from).world;
        let mut world = if self.cursor() <= from && self.cursor() >= copy.steps() {
            self.world.clone()
        } else {
            let mut w = copy.clone();
            w.reschedule_actions(&self.session.actions);
            w
        };
        while world.steps() < from {
            match world.step() {
                Some(record) => world.recycle(record),
                None => break,
            }
        }
        Replay {
            world,
            until: self.furthest,
        }
    }

    /// Runs `f` on each of `steps` (from 1, in increasing order, within the
    /// known history) with the world just after it and its record.
    pub fn replay_steps(&self, steps: &[u64], mut f: impl FnMut(&World, &StepRecord)) {
        let mut replay: Option<Replay> = None;
        for &s in steps {
            if s == 0 || s > self.furthest {
                continue;
            }
            let behind = replay
                .as_ref()
                .is_none_or(|r| r.world.steps() >= s || s - r.world.steps() > self.spacing);
            if behind {
                replay = Some(self.replay_from(s - 1));
            }
            let Some(r) = replay.as_mut() else { continue };
            while r.world.steps() + 1 < s {
                if r.next_step().is_none() {
                    break;
                }
            }
            if let Some(record) = r.next_step() {
                f(&r.world, &record);
            }
        }
    }

    /// One step back.
    pub fn step_back(&mut self) {
        let target = self.cursor().saturating_sub(1);
        self.seek(target);
    }

    /// Carries out a user action at the cursor. If the cursor is in the past,
    /// this forks: the old future (its later actions and checkpoints) is
    /// discarded.
    pub fn act(&mut self, action: Action) -> StepRecord {
        while let Some(record) = self.world.step_due() {
            self.after_step(&record);
        }
        let now = self.world.now();
        let cursor = self.cursor();
        if cursor < self.furthest {
            // Acting in the past: the old future is discarded.
            self.session.actions.retain(|a| a.at <= now);
            self.world.forget_actions_after(now);
            self.checkpoints.retain(|c| c.world.steps() <= cursor);
            self.waypoints.retain(|w| w.world.steps() <= cursor);
            self.furthest = cursor;
        }
        let (timed, records): (TimedAction, Vec<StepRecord>) = self.world.act(action);
        let position = self.session.actions.partition_point(|a| a.at <= timed.at);
        self.session.actions.insert(position, timed);
        for r in &records {
            self.observer.observe(&self.world, r);
        }
        self.furthest = self.furthest.max(self.cursor());
        self.after_checkpoint_check();
        records
            .last()
            .cloned()
            .unwrap_or_else(|| unreachable!("act always runs the action's step"))
    }
}
