//! The simulation's speed, for the benchmark (`scripts/bench.sh`): a cluster
//! under a steady client workload with every checker on (the safety
//! properties after every step, linearizability of the whole client history
//! at the end), run for a stretch of simulated time. The caller times it
//! with its own clock, so the same run is measured natively and in the
//! browser.

use super::{check_history, Invariants, Linearizability};
use crate::raft::Time;
use crate::sim::{Workload, World, WorldConfig};

/// Operations the linearizability search may try before giving up.
const SEARCH_BUDGET: u64 = 2_000_000;

/// What a steady run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SteadyRun {
    /// Events (steps) run.
    pub steps: u64,
    /// Simulated time reached.
    pub sim_time: Time,
    /// Client operations in the history.
    pub operations: usize,
    /// Whether every checker passed; the first problem in words otherwise.
    pub verdict: Result<(), String>,
}

impl SteadyRun {
    /// Simulated seconds per wall second, given the wall time it took.
    pub fn speed(&self, wall_seconds: f64) -> f64 {
        self.sim_time.0 as f64 / 1e6 / wall_seconds.max(1e-9)
    }
}

/// Runs `nodes` voters for `sim_seconds` with the default workload (an
/// operation every 100 ms on average, 40 % reads) from `seed`.
pub fn steady_run(nodes: u8, sim_seconds: u64, seed: u64) -> SteadyRun {
    let config = WorldConfig {
        nodes,
        voters: nodes,
        workload: Some(Workload::default()),
        ..WorldConfig::default()
    };
    let mut world = World::new(config, seed);
    let mut invariants = Invariants::new();
    let end = Time(sim_seconds * 1_000_000);
    while invariants.first_violation().is_none() {
        let Some(record) = world.step_at_or_before(end) else {
            break;
        };
        invariants.check(&world, &record);
        world.recycle(record);
    }
    let verdict = match invariants.first_violation() {
        Some(v) => Err(v.sentence.clone()),
        None => match check_history(world.history().iter(), SEARCH_BUDGET) {
            Linearizability::Ok => Ok(()),
            Linearizability::Unknown { .. } => Err("linearizability unknown".to_string()),
            Linearizability::Violation(v) => Err(v.sentence),
        },
    };
    SteadyRun {
        steps: world.steps(),
        sim_time: world.now(),
        operations: world.history().len(),
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_run_reaches_its_time_with_a_linearizable_history_and_is_deterministic() {
        let run = steady_run(5, 20, 3);
        assert_eq!(run.verdict, Ok(()));
        assert!(run.sim_time >= Time(19_900_000), "{:?}", run.sim_time);
        assert!(
            run.operations > 100,
            "about ten operations a second: {}",
            run.operations
        );
        assert_eq!(run, steady_run(5, 20, 3));
    }
}
