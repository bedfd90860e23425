//! A fixed, busy scenario whose trace hash is recorded in
//! `tests/data/trace_hashes.json`: native tests and wasm tests both replay it
//! and compare, which proves the browser runs the same simulation bit for bit.

use super::action::{Action, TimedAction, Workload};
use super::network::NetworkConfig;
use super::world::{World, WorldConfig};
use crate::raft::{NodeId, Time};

/// Seeds recorded in the reference file.
pub const SEEDS: [u64; 4] = [1, 2, 3, 42];
/// Simulated milliseconds each reference run covers.
pub const MILLIS: u64 = 4_000;

/// Five nodes and a client operation every 30 ms on average.
pub fn config() -> WorldConfig {
    WorldConfig {
        workload: Some(Workload {
            interval_us: 30_000,
            ..Workload::default()
        }),
        ..WorldConfig::default()
    }
}

/// Faults at fixed times, so the trace exercises more than elections.
pub fn actions() -> Vec<TimedAction> {
    let at = |ms: u64, action: Action| TimedAction {
        at: Time::from_millis(ms),
        action,
    };
    vec![
        at(1_000, Action::Crash { node: NodeId(1) }),
        at(
            1_500,
            Action::Partition {
                groups: vec![vec![NodeId(2), NodeId(3)], vec![NodeId(4), NodeId(5)]],
            },
        ),
        at(2_200, Action::Heal),
        at(2_300, Action::Restart { node: NodeId(1) }),
        at(
            2_500,
            Action::SetNetwork(NetworkConfig {
                loss_permille: 100,
                duplicate_permille: 50,
                ..NetworkConfig::default()
            }),
        ),
        at(3_500, Action::SetNetwork(NetworkConfig::default())),
    ]
}

/// Steps run and trace hash after `ms` simulated milliseconds of `seed`.
pub fn trace(seed: u64, ms: u64) -> (u64, u64) {
    let mut w = World::with_actions(config(), seed, &actions())
        .unwrap_or_else(|_| unreachable!("the reference configuration is valid"));
    w.run_until(Time::from_millis(ms));
    (w.steps(), w.trace_hash())
}

/// The reference file's content for this build: one JSON object per seed.
pub fn table() -> Vec<serde_json::Value> {
    SEEDS
        .iter()
        .map(|seed| {
            let (steps, hash) = trace(*seed, MILLIS);
            serde_json::json!({ "seed": seed, "ms": MILLIS, "steps": steps, "hash": format!("{hash:016x}") })
        })
        .collect()
}
