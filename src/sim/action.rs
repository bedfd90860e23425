//! What a user (or a lesson, or the fuzzer) can do to the world.

use super::network::NetworkConfig;
use crate::raft::{ConfChange, Config, NodeId, Op, ReadMode, Refusal, Time};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifies one message sent in the world.
pub type MessageId = u64;

/// A generator of random client operations.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Workload {
    /// Mean gap between operations, µs.
    pub interval_us: u64,
    /// How many keys the operations touch (1 to 8).
    pub keys: u8,
    /// How many concurrent clients (1 to 16).
    pub clients: u8,
    /// Share of reads, ‰.
    pub read_permille: u16,
    /// Read modes to draw from, uniformly.
    pub read_modes: Vec<ReadMode>,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            interval_us: 100_000,
            keys: 3,
            clients: 4,
            read_permille: 400,
            read_modes: vec![ReadMode::ReadIndex],
        }
    }
}

/// One user action.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Crash a node: volatile state is lost, its disk is kept.
    Crash { node: NodeId },
    /// Restart a crashed node from its disk.
    Restart { node: NodeId },
    /// Restart a node with an empty disk (crashing it first if it runs).
    RestartBlank { node: NodeId },
    /// Make a node's election timer fire now.
    ForceTimeout { node: NodeId },
    /// Split the nodes into groups that cannot talk to each other.
    Partition { groups: Vec<Vec<NodeId>> },
    /// Cut one direction of one link.
    CutLink { from: NodeId, to: NodeId },
    /// Restore one direction of one link.
    RestoreLink { from: NodeId, to: NodeId },
    /// Restore every link.
    Heal,
    /// Change latency, loss and duplication.
    SetNetwork(NetworkConfig),
    /// Lose one message in flight.
    DropMessage { id: MessageId },
    /// Make a node's clock run fast (positive) or slow (negative).
    SetClockDrift { node: NodeId, drift_ppm: i64 },
    /// A client writes through `node`.
    Write { node: NodeId, op: Op },
    /// A client reads through `node`.
    Read {
        node: NodeId,
        key: String,
        mode: ReadMode,
    },
    /// Ask the leader for a membership change.
    ChangeMembership { change: ConfChange },
    /// Ask the leader to hand leadership to `target`.
    TransferLeadership { target: NodeId },
    /// Change every node's settings (features, timing, teaching faults).
    SetRaftConfig(Config),
    /// Start, change or stop the random workload.
    SetWorkload(Option<Workload>),
    /// Give one direction of one link its own latency range, µs, or with
    /// `None` return it to the network's range. (New variants go last:
    /// their order feeds the recorded trace hashes.)
    SetLinkLatency {
        from: NodeId,
        to: NodeId,
        range: Option<(u64, u64)>,
    },
    /// Cut every link of one node, both ways. Unlike a one-group
    /// [`Action::Partition`], the other links stay as they are: isolating a
    /// node inside a split keeps the split.
    Isolate { node: NodeId },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Crash { node } => write!(f, "crash {node}"),
            Action::Restart { node } => write!(f, "restart {node}"),
            Action::RestartBlank { node } => write!(f, "restart {node} with a blank disk"),
            Action::ForceTimeout { node } => write!(f, "force {node}'s election timeout"),
            Action::Partition { groups } => {
                let g: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        g.iter()
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .collect();
                write!(f, "partition {{{}}}", g.join("} | {"))
            }
            Action::CutLink { from, to } => write!(f, "cut link {from}→{to}"),
            Action::RestoreLink { from, to } => write!(f, "restore link {from}→{to}"),
            Action::Heal => write!(f, "heal the network"),
            Action::Isolate { node } => write!(f, "isolate {node}"),
            Action::SetLinkLatency {
                from,
                to,
                range: Some((lo, hi)),
            } => write!(f, "link {from}→{to}: latency {lo}–{hi} µs"),
            Action::SetLinkLatency {
                from,
                to,
                range: None,
            } => write!(f, "link {from}→{to}: network latency"),
            Action::SetNetwork(n) => write!(
                f,
                "network: latency {}–{} µs, loss {}‰, duplication {}‰",
                n.latency_min_us, n.latency_max_us, n.loss_permille, n.duplicate_permille
            ),
            Action::DropMessage { id } => write!(f, "drop message #{id}"),
            Action::SetClockDrift { node, drift_ppm } => {
                write!(f, "{node}'s clock drifts {drift_ppm} ppm")
            }
            Action::Write { node, op } => write!(f, "client: {op} via {node}"),
            Action::Read { node, key, mode } => write!(f, "client: read {key} via {node} ({mode})"),
            Action::ChangeMembership { change } => write!(f, "membership: {change}"),
            Action::TransferLeadership { target } => write!(f, "transfer leadership to {target}"),
            Action::SetRaftConfig(_) => write!(f, "change the nodes' settings"),
            Action::SetWorkload(Some(w)) => {
                write!(f, "workload: an operation every {} µs", w.interval_us)
            }
            Action::SetWorkload(None) => write!(f, "stop the workload"),
        }
    }
}

/// An action at a time (global, µs).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedAction {
    /// When it happens.
    pub at: Time,
    /// What happens.
    pub action: Action,
}

/// Why an action could not be carried out. The world is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionError {
    /// No node has this id.
    UnknownNode(NodeId),
    /// The node is crashed.
    NodeDown(NodeId),
    /// The node is already running.
    NodeUp(NodeId),
    /// No running node is leader now.
    NoLeader,
    /// The leader refused.
    Refused(Refusal),
    /// The settings are inconsistent; the message says why.
    InvalidSettings(String),
    /// No message in flight has this id.
    UnknownMessage(MessageId),
    /// Every client session is busy.
    TooManyClients,
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::UnknownNode(n) => write!(f, "there is no node {n}"),
            ActionError::NodeDown(n) => write!(f, "{n} is crashed"),
            ActionError::NodeUp(n) => write!(f, "{n} is already running"),
            ActionError::NoLeader => write!(f, "no node is leader right now"),
            ActionError::Refused(r) => write!(f, "the leader refused: {r}"),
            ActionError::InvalidSettings(why) => write!(f, "invalid settings: {why}"),
            ActionError::UnknownMessage(id) => write!(f, "message #{id} is not in flight"),
            ActionError::TooManyClients => write!(f, "too many client operations are in progress"),
        }
    }
}

impl std::error::Error for ActionError {}
