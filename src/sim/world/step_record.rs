//! What one step did: the event it ran, what each node did, and the
//! messages it sent.

use super::*;

/// A message as it was sent in one step.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sent {
    /// Its id.
    pub id: MessageId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Its kind.
    pub kind: MessageKind,
    /// When it will arrive; `None` when the network lost it at once.
    pub deliver_at: Option<Time>,
}

/// Why a message never reached its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LostBecause {
    /// The link was cut when it arrived.
    LinkCut,
    /// The receiver was crashed.
    NodeDown,
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum What {
    /// A message arrived and its node handled it.
    Delivered {
        id: MessageId,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
    },
    /// A message arrived but was lost.
    Lost {
        id: MessageId,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
        because: LostBecause,
    },
    /// A node's timer fired.
    Timer { node: NodeId },
    /// A client issued an operation.
    Invoked { op: OpId },
    /// A client's request reached a node (`delivered` is false if it was down).
    Request {
        op: OpId,
        node: NodeId,
        attempt: u32,
        delivered: bool,
    },
    /// A node's answer reached the client.
    Reply {
        op: OpId,
        node: NodeId,
        answer: Answer,
    },
    /// A client waited too long and retries (or gives up).
    ClientTimeout { op: OpId, attempt: u32 },
    /// A user action, and whether it could be carried out.
    Action {
        action: Action,
        result: Result<(), ActionError>,
    },
}

/// One step of the world: the unit of "one event forward".
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StepRecord {
    /// Position of this step, from 1.
    pub index: u64,
    /// When it happened (global).
    pub time: Time,
    /// What happened.
    pub what: What,
    /// The node that acted, if any.
    pub node: Option<NodeId>,
    /// Raft events it caused, by node.
    pub events: Vec<(NodeId, Event)>,
    /// Messages it sent.
    pub sent: Vec<Sent>,
}
