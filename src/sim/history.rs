//! The client history: every operation with its invocation, its response
//! and its result, for the linearizability checker and the timeline.

use crate::raft::kv::{ClientId, Op, WriteResult};
use crate::raft::{NodeId, ReadMode, Time};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifies one client operation: its position in the history.
pub type OpId = u64;

/// What the client asked.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OpKind {
    /// Read a key.
    Read { key: String },
    /// Write a key.
    Write(Op),
}

impl OpKind {
    /// The key the operation touches.
    pub fn key(&self) -> &str {
        match self {
            OpKind::Read { key } => key,
            OpKind::Write(op) => op.key(),
        }
    }
}

impl fmt::Display for OpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpKind::Read { key } => write!(f, "read {key}"),
            OpKind::Write(op) => write!(f, "{op}"),
        }
    }
}

/// How an operation ended, as far as its client knows.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// Not answered yet: it may still take effect.
    Pending,
    /// A read answered with `value`.
    ReadOk { value: Option<i64>, at: Time },
    /// A write answered.
    WriteOk { result: WriteResult, at: Time },
    /// Refused: it definitely had no effect.
    Failed { at: Time },
    /// The client gave up: it may or may not have taken effect.
    Unknown,
}

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClientOp {
    /// Its id (its position in the history).
    pub id: OpId,
    /// The client session that issued it.
    pub client: ClientId,
    /// The node it was first sent to; for a completed operation, the node
    /// that answered.
    pub node: NodeId,
    /// The node the client first sent it to, whoever answered in the end
    /// (a retry goes to another node).
    pub sent_to: NodeId,
    /// What was asked.
    pub kind: OpKind,
    /// The read mode, for reads.
    pub mode: Option<ReadMode>,
    /// When the client issued it (global time).
    pub invoked_at: Time,
    /// How it ended.
    pub outcome: Outcome,
}

impl Outcome {
    /// When the answer arrived, if there was one.
    pub fn answered_at(&self) -> Option<Time> {
        match self {
            Outcome::ReadOk { at, .. } | Outcome::WriteOk { at, .. } | Outcome::Failed { at } => {
                Some(*at)
            }
            Outcome::Pending | Outcome::Unknown => None,
        }
    }
}

impl ClientOp {
    /// When the client got its final answer, if it has one.
    pub fn completed_at(&self) -> Option<Time> {
        self.outcome.answered_at()
    }
}
