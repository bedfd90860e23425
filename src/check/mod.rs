//! Checkers: Raft's safety properties after every step, linearizability of
//! the client history, liveness after healing, and the fuzzer that drives
//! them over random fault schedules; and a steady run for measuring speed.

pub mod fuzz;
pub mod index_table;
pub mod invariants;
pub mod linearizability;
pub mod pinned;
mod pins;
pub mod throughput;
pub mod violation;

pub use fuzz::{run_seed, run_seeds, FuzzOptions, FuzzSummary, SeedReport};
pub use invariants::Invariants;
pub use linearizability::{check_history, LinViolation, Linearizability};
pub use violation::{Violation, ViolationKind};

#[cfg(test)]
mod tests;
