//! The Raft protocol: one node as a deterministic, sans-IO state machine.
//!
//! Inputs are methods on [`Node`] that take the current time of the node's
//! own clock; outputs (messages, client replies, events, the next timer
//! deadline) are drained by the caller. Nothing here reads a clock, does IO
//! or draws global randomness, and no output depends on hash-map order.

#![deny(missing_docs)]

pub mod client;
pub mod config;
pub mod event;
pub mod kv;
pub mod log;
pub mod membership;
pub mod message;
pub mod node;
pub mod regression;
pub mod time;

pub use client::{Answer, ClientReply, NoLeaseReason, ReadMode, Refusal, RequestId, Uncertain};
pub use config::{Config, ConfigError, Fault, Faults};
pub use event::{Event, FollowReason, Rule, VoteRefusal};
pub use kv::{is_valid_key, ClientId, Command, KvStore, Op, WriteResult, KEY_RULE, MAX_KEY_CHARS};
pub use log::{Entry, Log, Payload, PersistentState, Snapshot};
pub use membership::{ConfChange, Configuration};
pub use message::{AppendRejection, Envelope, Message, MessageKind};
pub use node::{Node, PendingRead, Progress, Role};
pub use regression::Regression;
pub use time::{LogIndex, NodeId, Term, Time};

#[cfg(test)]
mod tests;
