//! How fast the simulation runs natively on one core: a cluster under the
//! default steady workload with every checker on (`check::throughput`).
//! Part of `scripts/bench.sh`; prints one `key=value` line per cluster size.
//!
//! Usage: cargo run --release --example sim_speed [SIM_SECONDS]

use raftlab::check::throughput::steady_run;
use std::time::Instant;

fn main() {
    let seconds = std::env::args()
        .nth(1)
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(600);
    for nodes in [5u8, 9] {
        let started = Instant::now();
        let run = steady_run(nodes, seconds, 1);
        let wall = started.elapsed().as_secs_f64();
        println!(
            "nodes={nodes} sim_seconds={:.1} steps={} operations={} wall_seconds={wall:.3} sim_per_wall={:.0} checks={}",
            run.sim_time.0 as f64 / 1e6,
            run.steps,
            run.operations,
            run.speed(wall),
            match &run.verdict {
                Ok(()) => "passed".to_string(),
                Err(e) => format!("FAILED ({e})"),
            }
        );
    }
}
