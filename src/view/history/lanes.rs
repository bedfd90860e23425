//! What the swimlane timeline draws, kept for the whole history as it is
//! made: every message as an arrow from its sender's lane at send time to
//! its receiver's at delivery (or loss), each node's role, term and crashes,
//! election timeouts and wins, membership changes, cut links, client
//! operations from invocation to answer, and broken properties.
//!
//! Everything is appended in step order, so each list is sorted by time and
//! a window of any size is found by binary search (see [`LaneWindow`]). The
//! lists are [`Chunks`]: the recorder holding them is cloned into every
//! checkpoint of the timeline, and clones share all but the newest chunk.
//!
//! [`LaneWindow`]: crate::view::LaneWindow

use crate::raft::{Event, MessageKind, NodeId, Role, Term, Time};
use crate::sim::{Action, MessageId, OpId, Outcome, StepRecord, What, World};
use crate::sorted::SortedMap;
use crate::view::history::chunks::Chunks;

/// What a node is doing over a stretch of its lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LaneRole {
    /// Crashed: a gap in the lane.
    Down,
    /// Not in its own configuration (a spare server, or removed).
    Outside,
    /// A follower.
    Follower,
    /// Asking for pre-votes.
    PreCandidate,
    /// Campaigning.
    Candidate,
    /// Leading.
    Leader,
}

impl LaneRole {
    /// The role in words.
    pub fn words(self) -> &'static str {
        match self {
            LaneRole::Down => "crashed",
            LaneRole::Outside => "not a member",
            LaneRole::Follower => "follower",
            LaneRole::PreCandidate => "pre-candidate",
            LaneRole::Candidate => "candidate",
            LaneRole::Leader => "leader",
        }
    }

    fn of(world: &World, id: NodeId) -> LaneRole {
        if !world.is_up(id) {
            return LaneRole::Down;
        }
        let node = world.node(id);
        if !node.membership().is_member(id) && node.role() == Role::Follower {
            return LaneRole::Outside;
        }
        match node.role() {
            Role::Follower => LaneRole::Follower,
            Role::PreCandidate => LaneRole::PreCandidate,
            Role::Candidate => LaneRole::Candidate,
            Role::Leader => LaneRole::Leader,
        }
    }
}

/// A node's role and term from `at` until its next change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleChange {
    /// When (global).
    pub at: Time,
    /// The node.
    pub node: NodeId,
    /// Its role from then on.
    pub role: LaneRole,
    /// Its term from then on.
    pub term: Term,
}

/// How a message's arrow ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArrowEnd {
    /// It was delivered and handled.
    Delivered,
    /// It was lost (the network dropped it, the link was cut, the receiver
    /// was down, or the user dropped it): the arrow ends in a cross.
    Lost,
    /// Still in flight at the end of the known history.
    InFlight,
}

/// One message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Its kind.
    pub kind: MessageKind,
    /// When it was sent (global).
    pub sent: Time,
    /// When it arrived, was lost, or (in flight) is due.
    pub end: Time,
    /// How it ended.
    pub ends: ArrowEnd,
}

/// An arrow as kept: 16 bytes, as an hour holds about a million.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Packed {
    sent: Time,
    /// Microseconds from sending to the end (a message never flies for
    /// more than an hour).
    flight: u32,
    from: NodeId,
    to: NodeId,
    kind: MessageKind,
    ends: ArrowEnd,
}

impl Packed {
    fn of(a: &Arrow) -> Packed {
        Packed {
            sent: a.sent,
            flight: a.end.since(a.sent).min(u64::from(u32::MAX)) as u32,
            from: a.from,
            to: a.to,
            kind: a.kind,
            ends: a.ends,
        }
    }

    /// When it arrived or was lost.
    pub(crate) fn end(&self) -> Time {
        self.sent.plus(u64::from(self.flight))
    }

    /// The arrow it keeps.
    pub(crate) fn unpack(&self) -> Arrow {
        Arrow {
            from: self.from,
            to: self.to,
            kind: self.kind,
            sent: self.sent,
            end: self.end(),
            ends: self.ends,
        }
    }
}

/// Something that happened at one moment on a lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaneMarkKind {
    /// The node's election timer fired (or was forced).
    TimerFired {
        /// Whether an operator forced it.
        forced: bool,
    },
    /// The node won an election.
    ElectedLeader {
        /// The term it won.
        term: Term,
    },
    /// The leader put a new configuration in its log.
    Membership {
        /// The configuration in words.
        config: String,
    },
    /// The user acted on the world (a crash, a cut, a setting, ...).
    UserAction {
        /// The action in words.
        words: String,
    },
    /// A property broke.
    Violation {
        /// Which, in words.
        words: String,
    },
}

/// A moment worth marking, on a node's lane (`node`) or the client lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneMark {
    /// When (global).
    pub at: Time,
    /// The step it happened at.
    pub step: u64,
    /// The lane; `None` for the client lane.
    pub node: Option<NodeId>,
    /// What.
    pub kind: LaneMarkKind,
}

/// How a client operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpEnd {
    /// Answered, and nothing wrong is known about it.
    Ok,
    /// A read proven stale.
    Stale {
        /// The write it missed, if the proof names one.
        missed: Option<OpId>,
    },
    /// Refused: it had no effect.
    Failed,
    /// The client gave up: it may or may not have taken effect.
    Unknown,
    /// Not answered by the end of the known history.
    Pending,
}

/// One client operation, from invocation to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpSpan {
    /// Its id.
    pub op: OpId,
    /// When it was invoked.
    pub invoked: Time,
    /// When it was answered (or, pending, when the history ends).
    pub done: Time,
    /// How it ended.
    pub end: OpEnd,
    /// The operation and its result in a few words (`set x=2 → ok`).
    pub words: String,
}

/// The directed links cut from `at` on (all of them, not only new ones).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CutChange {
    /// When (global).
    pub at: Time,
    /// Every cut link, as (from, to).
    pub cut: Vec<(NodeId, NodeId)>,
}

/// The swimlane's record of a history.
#[derive(Clone, Debug, Default)]
pub struct Lanes {
    pub(crate) nodes: Vec<NodeId>,
    pub(crate) roles: Chunks<RoleChange>,
    /// Arrows of messages that ended, by end time; heartbeats apart, so a
    /// window without heartbeats never looks at them.
    pub(crate) arrows: Chunks<Packed>,
    pub(crate) beats: Chunks<Packed>,
    /// The longest time any message was in flight.
    pub(crate) max_flight: u64,
    in_flight: SortedMap<MessageId, Arrow>,
    pub(crate) marks: Chunks<LaneMark>,
    pub(crate) ops: Chunks<OpSpan>,
    /// The longest time any operation took.
    pub(crate) max_op: u64,
    open_ops: SortedMap<OpId, Time>,
    ops_seen: usize,
    pub(crate) cuts: Chunks<CutChange>,
    last_cut: Vec<(NodeId, NodeId)>,
    last_roles: SortedMap<NodeId, (LaneRole, Term)>,
    pub(crate) now: Time,
    pub(crate) steps: u64,
}

/// What the recorder knows about a step that the lanes need.
pub struct StepFacts<'a> {
    /// The step's line is about heartbeats only (nothing changed).
    pub heartbeat: bool,
    /// Properties that broke at this step, in words.
    pub broken: Vec<String>,
    /// For each operation answered at this step, the proof that it is a
    /// stale read: the write it missed.
    pub stale: &'a dyn Fn(OpId) -> Option<Option<OpId>>,
}

impl Lanes {
    /// Records where every lane starts: the world before its first step.
    pub fn start(&mut self, world: &World) {
        self.nodes = world.node_ids();
        self.now = world.now();
        self.note_roles(world, world.now());
    }

    /// Records one step, with the world as it is after it.
    pub fn record(&mut self, world: &World, record: &StepRecord, facts: &StepFacts) {
        self.now = record.time;
        self.steps = record.index;
        if self.nodes.is_empty() {
            self.nodes = world.node_ids();
        }
        self.note_roles(world, record.time);
        self.note_messages(record, facts.heartbeat);
        self.note_marks(world, record, facts);
        self.note_ops(world, record, facts);
        if matches!(record.what, What::Action { .. }) {
            self.note_cuts(world, record.time);
        }
    }

    /// Extends the last state of every lane to `t` (the live edge's clock,
    /// which runs on between steps).
    pub fn extend_to(&mut self, t: Time) {
        self.now = self.now.max(t);
    }

    /// The nodes, in id order.
    pub fn nodes(&self) -> &[NodeId] {
        &self.nodes
    }

    /// The time of the last recorded step.
    pub fn end(&self) -> Time {
        self.now
    }

    /// Messages still in flight at the end of the known history.
    pub fn in_flight(&self) -> impl Iterator<Item = &Arrow> {
        self.in_flight.values()
    }

    /// Operations not answered by the end of the known history: (op, invoked).
    pub fn open_ops(&self) -> impl Iterator<Item = (OpId, Time)> + '_ {
        self.open_ops.iter().map(|(op, at)| (*op, *at))
    }

    /// Heap bytes this record holds that a clone does not share.
    pub fn unshared_bytes(&self) -> usize {
        self.roles.unshared_bytes()
            + self.arrows.unshared_bytes()
            + self.beats.unshared_bytes()
            + self.marks.unshared_bytes()
            + self.ops.unshared_bytes()
            + self.cuts.unshared_bytes()
            + self.in_flight.len() * std::mem::size_of::<(MessageId, Arrow)>()
    }

    fn note_roles(&mut self, world: &World, at: Time) {
        for id in world.node_ids() {
            let now = (LaneRole::of(world, id), world.node(id).term());
            if self.last_roles.get(&id) != Some(&now) {
                self.last_roles.insert(id, now);
                self.roles.push(RoleChange {
                    at,
                    node: id,
                    role: now.0,
                    term: now.1,
                });
            }
        }
    }

    fn note_messages(&mut self, record: &StepRecord, heartbeat: bool) {
        let lost_at_once = record.sent.iter().filter(|s| s.deliver_at.is_none());
        for s in lost_at_once {
            self.finish(Arrow {
                from: s.from,
                to: s.to,
                kind: s.kind,
                sent: record.time,
                end: record.time,
                ends: ArrowEnd::Lost,
            });
        }
        let ended = match &record.what {
            What::Delivered { id, .. } => Some((*id, ArrowEnd::Delivered)),
            What::Lost { id, .. } => Some((*id, ArrowEnd::Lost)),
            What::Action {
                action: Action::DropMessage { id },
                result: Ok(()),
            } => Some((*id, ArrowEnd::Lost)),
            _ => None,
        };
        if let Some((id, ends)) = ended {
            if let Some(mut arrow) = self.in_flight.remove(&id) {
                arrow.end = record.time;
                arrow.ends = ends;
                let beat = arrow.kind == MessageKind::Heartbeat
                    || (heartbeat && arrow.kind == MessageKind::AppendResponse);
                self.max_flight = self.max_flight.max(arrow.end.since(arrow.sent));
                if beat {
                    self.beats.push(Packed::of(&arrow));
                } else {
                    self.arrows.push(Packed::of(&arrow));
                }
            }
        }
        for s in &record.sent {
            if let Some(due) = s.deliver_at {
                self.in_flight.insert(
                    s.id,
                    Arrow {
                        from: s.from,
                        to: s.to,
                        kind: s.kind,
                        sent: record.time,
                        end: due,
                        ends: ArrowEnd::InFlight,
                    },
                );
            }
        }
    }

    fn finish(&mut self, arrow: Arrow) {
        if arrow.kind == MessageKind::Heartbeat {
            self.beats.push(Packed::of(&arrow));
        } else {
            self.arrows.push(Packed::of(&arrow));
        }
    }

    fn note_marks(&mut self, world: &World, record: &StepRecord, facts: &StepFacts) {
        let mark = |node, kind| LaneMark {
            at: record.time,
            step: record.index,
            node,
            kind,
        };
        for (node, event) in &record.events {
            let kind = match event {
                Event::ElectionTimeout { forced, .. } => {
                    LaneMarkKind::TimerFired { forced: *forced }
                }
                Event::BecameLeader { term, .. } => LaneMarkKind::ElectedLeader { term: *term },
                Event::ConfigChanged { config, .. } if world.node(*node).role() == Role::Leader => {
                    LaneMarkKind::Membership {
                        config: config.to_string(),
                    }
                }
                _ => continue,
            };
            self.marks.push(mark(Some(*node), kind));
        }
        if let What::Action { action, .. } = &record.what {
            let node = match action {
                Action::Crash { node }
                | Action::Restart { node }
                | Action::RestartBlank { node }
                | Action::ForceTimeout { node }
                | Action::Isolate { node }
                | Action::SetClockDrift { node, .. } => Some(*node),
                _ => None,
            };
            self.marks.push(mark(
                node,
                LaneMarkKind::UserAction {
                    words: action.to_string(),
                },
            ));
        }
        for words in &facts.broken {
            self.marks.push(mark(
                record.node,
                LaneMarkKind::Violation {
                    words: words.clone(),
                },
            ));
        }
    }

    fn note_ops(&mut self, world: &World, record: &StepRecord, facts: &StepFacts) {
        // New operations: from the workload (`Invoked`) or the user (an
        // `Action` step), so found by the history's growth.
        for op in world.history().iter_from(self.ops_seen) {
            self.open_ops.insert(op.id, op.invoked_at);
        }
        self.ops_seen = world.history().len();
        let op = match &record.what {
            What::Reply { op, .. } | What::ClientTimeout { op, .. } => *op,
            _ => return,
        };
        let Some(client_op) = world.history().get(op as usize) else {
            return;
        };
        let end = match &client_op.outcome {
            Outcome::Pending => return,
            Outcome::ReadOk { .. } => match (facts.stale)(op) {
                Some(missed) => OpEnd::Stale { missed },
                None => OpEnd::Ok,
            },
            Outcome::WriteOk { .. } => OpEnd::Ok,
            Outcome::Failed { .. } => OpEnd::Failed,
            Outcome::Unknown => OpEnd::Unknown,
        };
        let Some(invoked) = self.open_ops.remove(&op) else {
            return;
        };
        self.max_op = self.max_op.max(record.time.since(invoked));
        self.ops.push(OpSpan {
            op,
            invoked,
            done: record.time,
            end,
            words: op_words(client_op, end),
        });
    }

    fn note_cuts(&mut self, world: &World, at: Time) {
        let mut cut: Vec<(NodeId, NodeId)> = world.links().cuts().collect();
        crate::sorting::sort(&mut cut);
        if cut != self.last_cut {
            self.last_cut = cut.clone();
            self.cuts.push(CutChange { at, cut });
        }
    }
}

/// An operation and its result in a few words, for the client lane.
fn op_words(op: &crate::sim::ClientOp, end: OpEnd) -> String {
    let result = match (&op.outcome, end) {
        (_, OpEnd::Stale { .. }) => match &op.outcome {
            Outcome::ReadOk { value, .. } => format!("{} (stale)", value_text(*value)),
            _ => "stale".to_string(),
        },
        (Outcome::ReadOk { value, .. }, _) => value_text(*value),
        (Outcome::WriteOk { result, .. }, _) if result.ok => "ok".to_string(),
        (Outcome::WriteOk { .. }, _) => "not done".to_string(),
        (Outcome::Failed { .. }, _) => "refused".to_string(),
        (Outcome::Unknown, _) => "unknown".to_string(),
        (Outcome::Pending, _) => "…".to_string(),
    };
    format!("#{} {} → {result}", op.id, op.kind)
}

fn value_text(value: Option<i64>) -> String {
    value.map_or_else(|| "absent".to_string(), |v| v.to_string())
}
