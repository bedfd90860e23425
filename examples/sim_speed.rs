//! How fast the simulation runs natively on one core: a cluster under the
//! default steady workload with every checker on (`check::throughput`).
//! Part of `scripts/bench.sh`; prints one `key=value` line per cluster size.
//!
//! Each size runs `RUNS` times and the line reports the median run: one run
//! of 600 simulated seconds takes about a twentieth of a wall second, short
//! enough for a busy machine to slow a single run by a third.
//!
//! Usage: cargo run --profile native --example sim_speed [SIM_SECONDS]

use raftlab::check::throughput::steady_run;
use std::time::Instant;

/// Runs per cluster size; the median is reported.
const RUNS: usize = 5;

fn main() {
    let seconds = std::env::args()
        .nth(1)
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(600);
    for nodes in [5u8, 9] {
        let mut runs: Vec<_> = (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                let run = steady_run(nodes, seconds, 1);
                (started.elapsed().as_secs_f64(), run)
            })
            .collect();
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (wall, run) = &runs[RUNS / 2];
        let (fastest, slowest) = (runs[0].0, runs[RUNS - 1].0);
        println!(
            "nodes={nodes} sim_seconds={:.1} steps={} operations={} wall_seconds={wall:.3} sim_per_wall={:.0} checks={} (median of {RUNS} runs; {:.0} to {:.0})",
            run.sim_time.0 as f64 / 1e6,
            run.steps,
            run.operations,
            run.speed(*wall),
            match &run.verdict {
                Ok(()) => "passed".to_string(),
                Err(e) => format!("FAILED ({e})"),
            },
            run.speed(slowest),
            run.speed(fastest),
        );
    }
}
