//! The world: N Raft nodes, a network, local clocks and clients, advanced
//! one discrete event at a time.

use super::action::{Action, ActionError, MessageId, TimedAction, Workload};
use super::clock::{LocalClock, MAX_DRIFT_PPM};
use super::digest::StableHasher;
use super::history::{ClientOp, OpId, OpKind, Outcome};
use super::in_flight::{InFlight, InFlightTable};
use super::network::{Links, NetworkConfig};
use super::queue::EventQueue;
use crate::chunked::Chunked;
use crate::raft::{
    is_valid_key, Answer, ClientId, Command, Config, Envelope, Event, MessageKind, Node, NodeId,
    Op, PersistentState, ReadMode, Refusal, RequestId, Role, Term, Time, KEY_RULE,
};
use crate::rng::Rng;
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

mod clients;
mod config;
mod step_record;

pub use config::{ClientConfig, WorldConfig, WorldError};
pub use step_record::{LostBecause, Sent, StepRecord, What};

/// Keys the workload uses.
pub const KEYS: [&str; 8] = ["x", "y", "z", "w", "v", "u", "t", "s"];

/// The most client sessions that may have an operation in progress at once.
pub const MAX_CLIENTS: usize = 64;

#[derive(Clone, Debug)]
enum Scheduled {
    Deliver(MessageId),
    Timer(NodeId),
    Arrive {
        op: OpId,
        request: RequestId,
        node: NodeId,
        attempt: u32,
    },
    Reply {
        op: OpId,
        request: RequestId,
        node: NodeId,
        answer: Answer,
    },
    ClientTimeout {
        op: OpId,
        attempt: u32,
    },
    WorkloadTick(u64),
    Action(Action),
}

/// Queue order within one instant: user actions first, then the rest in
/// the order they were scheduled.
const CLASS_ACTION: u8 = 0;
const CLASS_OTHER: u8 = 1;

#[derive(Clone, Debug)]
struct NodeSlot {
    node: Node,
    up: bool,
    clock: LocalClock,
    timer: Time,
}

/// An operation in progress.
#[derive(Clone, Debug)]
struct Call {
    op: OpId,
    client: usize,
    seq: u64,
    target: NodeId,
    attempt: u32,
    request: RequestId,
    /// Write requests that reached a live node and got no definite refusal:
    /// each may have been appended, so giving up means "unknown".
    maybe_effective: SortedSet<RequestId>,
    /// The last retry followed a leader hint: if that node refuses too, the
    /// hint was stale, so back off instead of bouncing between nodes.
    redirected: bool,
    /// Where the client's round robin stands. Following a hint moves the
    /// client but not this: a removed server that never learned of its
    /// removal may name another removed server as leader, and that one
    /// knows no leader; going round from the hinted node would send the
    /// client back and forth between the two for ever.
    round_robin: NodeId,
}

#[derive(Clone, Debug)]
struct ClientSlot {
    id: ClientId,
    next_seq: u64,
    busy: bool,
}

/// The simulated world. Cloning it forks an independent copy.
#[derive(Clone, Debug)]
pub struct World {
    config: WorldConfig,
    rng: Rng,
    now: Time,
    seq: u64,
    queue: EventQueue<Scheduled>,
    slots: Vec<NodeSlot>,
    links: Links,
    in_flight: InFlightTable,
    next_message: MessageId,
    clients: Vec<ClientSlot>,
    calls: SortedMap<OpId, Call>,
    next_request: RequestId,
    /// Operations are shared between checkpoints: a clone of the world
    /// copies a pointer per chunk (see `chunked`), and only an operation
    /// still in progress is copied when its outcome is written.
    history: Chunked<Arc<ClientOp>>,
    steps: u64,
    trace: StableHasher,
    workload: Option<Workload>,
    workload_generation: u64,
    /// Empty lists handed back by [`World::recycle`] for the next record.
    spare: (Vec<(NodeId, Event)>, Vec<Sent>),
}

impl World {
    /// A world of `config.nodes` nodes at time zero. An invalid configuration
    /// is refused with the reason.
    pub fn try_new(config: WorldConfig, seed: u64) -> Result<World, WorldError> {
        config.validate()?;
        let mut rng = Rng::new(seed);
        let members = crate::raft::Configuration::of_voters((1..=config.voters).map(NodeId));
        let slots = (1..=config.nodes)
            .map(|i| {
                let disk = if i <= config.voters {
                    PersistentState::bootstrap(members.clone())
                } else {
                    PersistentState::blank()
                };
                let node = Node::new(
                    NodeId(i),
                    config.raft.clone(),
                    disk,
                    rng.next_u64(),
                    Time::ZERO,
                );
                NodeSlot {
                    node,
                    up: true,
                    clock: LocalClock::default(),
                    timer: Time::NEVER,
                }
            })
            .collect();
        let workload = config.workload.clone();
        let mut world = World {
            rng,
            now: Time::ZERO,
            seq: 0,
            queue: EventQueue::default(),
            slots,
            links: Links::default(),
            in_flight: InFlightTable::default(),
            next_message: 1,
            clients: Vec::new(),
            calls: SortedMap::new(),
            next_request: 1,
            history: Chunked::default(),
            steps: 0,
            trace: StableHasher::default(),
            workload: None,
            workload_generation: 0,
            spare: (Vec::new(), Vec::new()),
            config,
        };
        let mut boot = world.record(What::Timer { node: NodeId(1) }, None);
        for i in 1..=world.config.nodes {
            world.drain(NodeId(i), &mut boot);
        }
        if let Some(w) = workload {
            world.start_workload(w);
        }
        Ok(world)
    }

    /// A world whose nodes start from the given disks (N1 first) instead of
    /// a fresh bootstrap: a lesson that opens on Figure 7's logs, or a test
    /// that needs a hand-made state. The disks must number `config.nodes`.
    pub fn from_disks(
        config: WorldConfig,
        seed: u64,
        disks: Vec<PersistentState>,
    ) -> Result<World, WorldError> {
        if disks.len() != usize::from(config.nodes) {
            return Err(WorldError::NodeCount(disks.len().min(255) as u8));
        }
        let mut world = World::try_new(config, seed)?;
        for (i, disk) in disks.into_iter().enumerate() {
            let id = NodeId(i as u8 + 1);
            let seed = world.rng.next_u64();
            world.slots[i].node = Node::new(id, world.config.raft.clone(), disk, seed, Time::ZERO);
            world.slots[i].timer = Time::NEVER;
            let mut boot = world.record(What::Timer { node: id }, None);
            world.drain(id, &mut boot);
        }
        Ok(world)
    }

    /// A world from a configuration known to be valid (such as the default).
    /// An invalid one is replaced by the default configuration, with the
    /// same seed; use [`World::try_new`] to see the error instead.
    pub fn new(config: WorldConfig, seed: u64) -> World {
        match World::try_new(config, seed) {
            Ok(w) => w,
            Err(_) => World::try_new(WorldConfig::default(), seed)
                .unwrap_or_else(|_| unreachable!("the default configuration is valid")),
        }
    }

    /// A world that will carry out `actions` at their times.
    pub fn with_actions(
        config: WorldConfig,
        seed: u64,
        actions: &[TimedAction],
    ) -> Result<World, WorldError> {
        let mut world = World::try_new(config, seed)?;
        for a in actions {
            world.schedule(a.at, CLASS_ACTION, Scheduled::Action(a.action.clone()));
        }
        Ok(world)
    }

    // ----- reading the world --------------------------------------------

    /// Global simulated time.
    pub fn now(&self) -> Time {
        self.now
    }
    /// The configuration the world started with (settings changed by actions
    /// are reflected in `raft` and `network`).
    pub fn config(&self) -> &WorldConfig {
        &self.config
    }
    /// How many steps have run.
    pub fn steps(&self) -> u64 {
        self.steps
    }
    /// Ids of every node, N1 first.
    pub fn node_ids(&self) -> Vec<NodeId> {
        (1..=self.slots.len() as u8).map(NodeId).collect()
    }
    /// Whether the node is running.
    pub fn is_up(&self, id: NodeId) -> bool {
        self.slot(id).is_some_and(|s| s.up)
    }
    /// The node (for a crashed node, its state when it crashed).
    ///
    /// # Panics
    /// If `id` is not one of [`World::node_ids`].
    pub fn node(&self, id: NodeId) -> &Node {
        &self.slots[usize::from(id.0) - 1].node
    }
    /// The node, or `None` for an unknown id.
    pub fn get_node(&self, id: NodeId) -> Option<&Node> {
        self.slot(id).map(|s| &s.node)
    }
    /// The node's clock.
    pub fn clock(&self, id: NodeId) -> Option<&LocalClock> {
        self.slot(id).map(|s| &s.clock)
    }
    /// Messages on their way, oldest first.
    pub fn in_flight(&self) -> Vec<InFlight> {
        self.in_flight.iter().cloned().collect()
    }
    /// Messages on their way, without copying.
    pub fn in_flight_iter(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.iter()
    }
    /// Which links are cut.
    pub fn links(&self) -> &Links {
        &self.links
    }
    /// Every client operation so far.
    pub fn history(&self) -> &Chunked<Arc<ClientOp>> {
        &self.history
    }
    /// The random workload running, if any.
    pub fn workload(&self) -> Option<&Workload> {
        self.workload.as_ref()
    }
    /// The running leader with the highest term, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.slots
            .iter()
            .filter(|s| s.up && s.node.role() == Role::Leader)
            .max_by_key(|s| s.node.term())
            .map(|s| s.node.id())
    }
    /// A hash of every step so far: equal hashes mean equal traces.
    pub fn trace_hash(&self) -> u64 {
        self.trace.finish()
    }
    /// When the next scheduled item is due, if any.
    pub fn next_event_time(&self) -> Option<Time> {
        self.queue.first_key().map(|k| k.0)
    }
    /// The highest term any node has reached.
    pub fn max_term(&self) -> Term {
        self.slots.iter().map(|s| s.node.term()).max().unwrap_or(0)
    }

    fn slot(&self, id: NodeId) -> Option<&NodeSlot> {
        usize::from(id.0)
            .checked_sub(1)
            .and_then(|i| self.slots.get(i))
    }

    fn check_node(&self, id: NodeId) -> Result<usize, ActionError> {
        usize::from(id.0)
            .checked_sub(1)
            .filter(|i| *i < self.slots.len())
            .ok_or(ActionError::UnknownNode(id))
    }

    // ----- advancing ----------------------------------------------------

    /// Runs exactly one event: a delivery, a timer, a client step or a user
    /// action. `None` when nothing is scheduled.
    pub fn step(&mut self) -> Option<StepRecord> {
        self.step_at_or_before(Time::NEVER)
    }

    /// Runs the next event if it is scheduled at or before `t`; `None` when
    /// none is. Superseded timers on the way are dropped without counting as
    /// a step, and never make it run an event later than `t`.
    pub fn step_at_or_before(&mut self, t: Time) -> Option<StepRecord> {
        while self.next_event_time().is_some_and(|next| next <= t) {
            let ((time, _, _), item) = self.queue.pop_first()?;
            self.now = self.now.max(time);
            if let Some(record) = self.execute(item) {
                return Some(self.finish(record));
            }
        }
        None
    }

    /// Runs one event if one is due now (at or before the current time).
    /// Callers that observe every step drain these before [`World::act`].
    pub fn step_due(&mut self) -> Option<StepRecord> {
        self.step_at_or_before(self.now)
    }

    /// Runs every event at or before `t`, then sets the time to `t`.
    pub fn run_until(&mut self, t: Time) {
        while self.step_at_or_before(t).is_some() {}
        self.now = self.now.max(t);
    }

    /// Runs up to `n` events; returns how many ran.
    pub fn run_events(&mut self, n: u64) -> u64 {
        let mut ran = 0;
        while ran < n && self.step().is_some() {
            ran += 1;
        }
        ran
    }

    /// Carries out a user action now, as its own step. Events already due at
    /// this instant run first, so that an action taken at time T replays
    /// exactly from a schedule entry at T + 1 µs. Returns the schedule entry
    /// and every step run, the action's own step last (its outcome is in
    /// `what`).
    pub fn act(&mut self, action: Action) -> (TimedAction, Vec<StepRecord>) {
        let mut records = Vec::new();
        let now = self.now;
        while let Some(r) = self.step_at_or_before(now) {
            records.push(r);
        }
        let at = self.now.plus(1);
        self.schedule(at, CLASS_ACTION, Scheduled::Action(action.clone()));
        // Scheduled actions at `at` (if any) were queued first and run
        // first; then this one.
        while let Some(r) = self.step() {
            let mine =
                r.time == at && matches!(&r.what, What::Action { action: a, .. } if *a == action);
            let invoked = r.time == at
                && matches!(&r.what, What::Invoked { .. })
                && matches!(action, Action::Write { .. } | Action::Read { .. });
            records.push(r);
            if mine || invoked {
                break;
            }
        }
        (TimedAction { at, action }, records)
    }

    /// Removes scheduled actions later than `t` (a fork discards the future).
    pub fn forget_actions_after(&mut self, t: Time) {
        self.queue
            .retain(|(at, _, _), item| !(matches!(item, Scheduled::Action(_)) && *at > t));
    }

    /// Makes the actions scheduled after now exactly the later ones of
    /// `actions` (a session's, in order). A checkpoint restored by the
    /// timeline was copied before the actions taken since were scheduled.
    pub fn reschedule_actions(&mut self, actions: &[TimedAction]) {
        let now = self.now;
        self.forget_actions_after(now);
        for a in actions.iter().filter(|a| a.at > now) {
            self.schedule(a.at, CLASS_ACTION, Scheduled::Action(a.action.clone()));
        }
    }

    /// Schedules an action for later (a lesson's script).
    pub fn schedule_action(&mut self, timed: TimedAction) {
        let at = timed.at.max(self.now);
        self.schedule(at, CLASS_ACTION, Scheduled::Action(timed.action));
    }

    fn schedule(&mut self, at: Time, class: u8, item: Scheduled) {
        self.seq += 1;
        self.queue.push((at, class, self.seq), item);
    }

    fn record(&mut self, what: What, node: Option<NodeId>) -> StepRecord {
        StepRecord {
            index: self.steps + 1,
            time: self.now,
            what,
            node,
            events: std::mem::take(&mut self.spare.0),
            sent: std::mem::take(&mut self.spare.1),
        }
    }

    /// Takes back a step's record once the caller is done with it, so the
    /// next step reuses its lists instead of allocating two new ones (most
    /// steps record an event or send a message). Optional: a record that is
    /// kept or dropped costs only those allocations.
    pub fn recycle(&mut self, record: StepRecord) {
        let StepRecord {
            mut events,
            mut sent,
            ..
        } = record;
        events.clear();
        sent.clear();
        if events.capacity() > self.spare.0.capacity() {
            self.spare.0 = events;
        }
        if sent.capacity() > self.spare.1.capacity() {
            self.spare.1 = sent;
        }
    }

    fn finish(&mut self, record: StepRecord) -> StepRecord {
        self.steps += 1;
        record.hash(&mut self.trace);
        record
    }

    fn execute(&mut self, item: Scheduled) -> Option<StepRecord> {
        match item {
            Scheduled::Deliver(id) => {
                let msg = self.in_flight.remove(id)?;
                let kind = msg.message.kind();
                let (from, to) = (msg.from, msg.to);
                let because = if !self.is_up(to) {
                    Some(LostBecause::NodeDown)
                } else if self.links.is_cut(from, to) {
                    Some(LostBecause::LinkCut)
                } else {
                    None
                };
                if let Some(because) = because {
                    return Some(self.record(
                        What::Lost {
                            id,
                            from,
                            to,
                            kind,
                            because,
                        },
                        Some(to),
                    ));
                }
                let mut record = self.record(What::Delivered { id, from, to, kind }, Some(to));
                let local = self.local_now(to);
                self.slot_mut(to)
                    .node
                    .handle_message(local, from, msg.message);
                self.drain(to, &mut record);
                Some(record)
            }
            Scheduled::Timer(node) => {
                let slot = self.slot(node)?;
                if !slot.up || slot.timer != self.now {
                    return None; // superseded
                }
                let mut record = self.record(What::Timer { node }, Some(node));
                let local = self.local_now(node);
                let slot = self.slot_mut(node);
                slot.timer = Time::NEVER;
                slot.node.handle_timeout(local);
                self.drain(node, &mut record);
                Some(record)
            }
            Scheduled::Arrive {
                op,
                request,
                node,
                attempt,
            } => Some(self.client_arrive(op, request, node, attempt)),
            Scheduled::Reply {
                op,
                request,
                node,
                answer,
            } => self.client_reply(op, request, node, answer),
            Scheduled::ClientTimeout { op, attempt } => self.client_timeout(op, attempt),
            Scheduled::WorkloadTick(generation) => self.workload_tick(generation),
            Scheduled::Action(action) => {
                let mut record = self.record(
                    What::Action {
                        action: action.clone(),
                        result: Ok(()),
                    },
                    None,
                );
                let result = self.apply_action(&action, &mut record);
                record.what = What::Action { action, result };
                Some(record)
            }
        }
    }

    fn slot_mut(&mut self, id: NodeId) -> &mut NodeSlot {
        &mut self.slots[usize::from(id.0) - 1]
    }

    fn local_now(&self, id: NodeId) -> Time {
        self.slots[usize::from(id.0) - 1].clock.local(self.now)
    }

    /// Collects a node's outputs after an input: sends its messages, routes
    /// its replies to clients, records its events and re-arms its timer.
    fn drain(&mut self, id: NodeId, record: &mut StepRecord) {
        let idx = usize::from(id.0) - 1;
        // Sending and routing never give the node new output, so each item
        // is handled as it is polled, in the node's order.
        while let Some(e) = self.slots[idx].node.poll_event() {
            record.events.push((id, e));
        }
        while let Some(m) = self.slots[idx].node.poll_message() {
            self.send(m, record);
        }
        while let Some(r) = self.slots[idx].node.poll_reply() {
            self.route_reply(id, r.request, r.answer);
        }
        let slot = &self.slots[idx];
        let due = if slot.up {
            slot.clock.global_when(slot.node.poll_timeout(), self.now)
        } else {
            Time::NEVER
        };
        if due != slot.timer {
            self.slots[idx].timer = due;
            if due != Time::NEVER {
                self.schedule(due, CLASS_OTHER, Scheduled::Timer(id));
            }
        }
    }

    fn send(&mut self, envelope: Envelope, record: &mut StepRecord) {
        let Envelope { from, to, message } = envelope;
        let kind = message.kind();
        let net = &self.config.network;
        let copies = if self.rng.chance(f64::from(net.duplicate_permille) / 1000.0) {
            2
        } else {
            1
        };
        for _ in 0..copies {
            let id = self.next_message;
            self.next_message += 1;
            let net = &self.config.network;
            let lost = self.links.is_cut(from, to)
                || self.rng.chance(f64::from(net.loss_permille) / 1000.0);
            let (lo, hi) = self
                .links
                .latency(from, to)
                .unwrap_or((net.latency_min_us, net.latency_max_us));
            let deliver_at = if lost {
                None
            } else {
                let at = self.now.plus(self.rng.range_inclusive(lo, hi));
                self.in_flight.insert(
                    id,
                    InFlight {
                        id,
                        from,
                        to,
                        sent_at: self.now,
                        deliver_at: at,
                        message: message.clone(),
                    },
                );
                self.schedule(at, CLASS_OTHER, Scheduled::Deliver(id));
                Some(at)
            };
            record.sent.push(Sent {
                id,
                from,
                to,
                kind,
                deliver_at,
            });
        }
    }

    // ----- actions ------------------------------------------------------

    /// Hands an operator request to the current leader and collects what
    /// it did; the leader's refusal becomes the action's error.
    fn on_leader(
        &mut self,
        record: &mut StepRecord,
        request: impl FnOnce(&mut Node, Time) -> Result<(), Refusal>,
    ) -> Result<(), ActionError> {
        let leader = self.leader().ok_or(ActionError::NoLeader)?;
        let local = self.local_now(leader);
        record.node = Some(leader);
        let result = request(&mut self.slot_mut(leader).node, local);
        self.drain(leader, record);
        result.map_err(ActionError::Refused)
    }

    fn apply_action(
        &mut self,
        action: &Action,
        record: &mut StepRecord,
    ) -> Result<(), ActionError> {
        match action {
            Action::Crash { node } => {
                let i = self.check_node(*node)?;
                if !self.slots[i].up {
                    return Err(ActionError::NodeDown(*node));
                }
                self.slots[i].up = false;
                self.slots[i].timer = Time::NEVER;
                record.node = Some(*node);
            }
            Action::Restart { node } | Action::RestartBlank { node } => {
                let i = self.check_node(*node)?;
                let blank = matches!(action, Action::RestartBlank { .. });
                if self.slots[i].up && !blank {
                    return Err(ActionError::NodeUp(*node));
                }
                let disk = if blank {
                    PersistentState::blank()
                } else {
                    self.slots[i].node.persistent_state().clone()
                };
                let local = self.local_now(*node);
                let seed = self.rng.next_u64();
                self.slots[i].node = Node::new(*node, self.config.raft.clone(), disk, seed, local);
                self.slots[i].up = true;
                self.slots[i].timer = Time::NEVER;
                record.node = Some(*node);
                self.drain(*node, record);
            }
            Action::ForceTimeout { node } => {
                let i = self.check_node(*node)?;
                if !self.slots[i].up {
                    return Err(ActionError::NodeDown(*node));
                }
                let local = self.local_now(*node);
                self.slots[i].node.force_election_timeout(local);
                record.node = Some(*node);
                self.drain(*node, record);
            }
            Action::Partition { groups } => {
                for g in groups {
                    for n in g {
                        self.check_node(*n)?;
                    }
                }
                let nodes = self.node_ids();
                self.links.partition(&nodes, groups);
            }
            Action::CutLink { from, to } => {
                self.check_node(*from)?;
                self.check_node(*to)?;
                self.links.cut(*from, *to);
            }
            Action::RestoreLink { from, to } => {
                self.check_node(*from)?;
                self.check_node(*to)?;
                self.links.restore(*from, *to);
            }
            Action::Heal => self.links.heal(),
            Action::Isolate { node } => {
                self.check_node(*node)?;
                let nodes = self.node_ids();
                self.links.isolate(&nodes, *node);
            }
            Action::SetLinkLatency { from, to, range } => {
                self.check_node(*from)?;
                self.check_node(*to)?;
                if let Some((lo, hi)) = range {
                    if *lo == 0 || lo > hi || *hi > 10_000_000 {
                        return Err(ActionError::InvalidSettings(format!("a link latency range must be 1 to 10,000,000 µs with min ≤ max, not {lo}–{hi}")));
                    }
                }
                self.links.set_latency(*from, *to, *range);
            }
            Action::SetNetwork(net) => {
                net.validate()
                    .map_err(|e| ActionError::InvalidSettings(e.to_string()))?;
                self.config.network = net.clone();
            }
            Action::DropMessage { id } => {
                self.in_flight
                    .remove(*id)
                    .ok_or(ActionError::UnknownMessage(*id))?;
            }
            Action::SetClockDrift { node, drift_ppm } => {
                let i = self.check_node(*node)?;
                if !(-MAX_DRIFT_PPM..=MAX_DRIFT_PPM).contains(drift_ppm) {
                    return Err(ActionError::InvalidSettings(format!(
                        "clock drift must be within ±{MAX_DRIFT_PPM} ppm"
                    )));
                }
                self.slots[i].clock = self.slots[i].clock.with_drift(self.now, *drift_ppm);
                // Re-arm the timer on the new clock.
                self.slots[i].timer = Time::NEVER;
                if self.slots[i].up {
                    self.drain(*node, record);
                }
            }
            Action::Write { node, op } => {
                self.check_node(*node)?;
                if !is_valid_key(op.key()) {
                    return Err(ActionError::InvalidSettings(KEY_RULE.into()));
                }
                let id = self.invoke(*node, OpKind::Write(op.clone()), None, None)?;
                record.what = What::Invoked { op: id };
            }
            Action::Read { node, key, mode } => {
                self.check_node(*node)?;
                if !is_valid_key(key) {
                    return Err(ActionError::InvalidSettings(KEY_RULE.into()));
                }
                let id =
                    self.invoke(*node, OpKind::Read { key: key.clone() }, Some(*mode), None)?;
                record.what = What::Invoked { op: id };
            }
            Action::ChangeMembership { change } => {
                for n in change.nodes() {
                    self.check_node(n)?;
                }
                self.on_leader(record, |node, now| {
                    node.change_membership(now, change.clone()).map(|_| ())
                })?;
            }
            Action::TransferLeadership { target } => {
                self.check_node(*target)?;
                self.on_leader(record, |node, now| node.transfer_leadership(now, *target))?;
            }
            Action::SetRaftConfig(config) => {
                config
                    .validate()
                    .map_err(|e| ActionError::InvalidSettings(e.to_string()))?;
                for i in 0..self.slots.len() {
                    // Validated above, so this cannot fail.
                    let _ = self.slots[i].node.reconfigure(config.clone());
                }
                self.config.raft = config.clone();
            }
            Action::SetWorkload(w) => match w {
                Some(w) => {
                    w.validate()
                        .map_err(|e| ActionError::InvalidSettings(e.to_string()))?;
                    self.start_workload(w.clone());
                }
                None => {
                    self.workload = None;
                    self.workload_generation += 1;
                }
            },
        }
        Ok(())
    }
}
