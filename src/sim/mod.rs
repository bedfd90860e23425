//! The world: a deterministic discrete-event simulation of a Raft cluster.
//!
//! A priority queue ordered by (time, class, sequence) holds message
//! deliveries, node timers, client steps and user actions; [`World::step`]
//! runs exactly one of them. Nodes see only their own drifting clocks. The
//! same seed, configuration and actions give the same trace, bit for bit,
//! natively and in wasm ([`World::trace_hash`]). [`Timeline`] adds time
//! travel by checkpoints and replay.

pub mod action;
pub mod clock;
pub mod digest;
pub mod history;
pub mod in_flight;
pub mod network;
pub mod queue;
pub mod reference;
pub mod session;
pub mod timeline;
pub mod world;

pub use action::{Action, ActionError, MessageId, TimedAction, Workload};
pub use clock::LocalClock;
pub use history::{ClientOp, OpId, OpKind, Outcome};
pub use in_flight::InFlight;
pub use network::{Links, NetworkConfig};
pub use session::{BranchRecord, LessonRef, Session, SessionError, MAX_CURSOR, SESSION_VERSION};
pub use timeline::{Observer, Replay, Timeline};
pub use world::{
    ClientConfig, LostBecause, Sent, StepRecord, What, World, WorldConfig, WorldError, KEYS,
};

#[cfg(test)]
mod recovery_tests;
#[cfg(test)]
mod tests;
