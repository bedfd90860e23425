//! Runs random fault schedules over many seeds and reports violations.
//!
//! Usage: raftlab-fuzz --seeds N --first-seed S [--nodes K] [--sim-seconds T]
//!        [--fault NAME] [--drift-past-bound] [--reinject BUG] [--threads J]
//!        [--session-out FILE]
//!
//! `--reinject BUG` puts a fixed bug back (see `raft::Regression`) to show
//! the fuzzer finds it; like `--fault`, it stops at the first failing seed.
//!
//! Prints one line per failing seed (the violation and the command that
//! reproduces it), one `UNKNOWN seed=…` line with its command for each seed
//! whose client history could not be settled, then always a last line
//! `seeds=N violations=V unknown=U events=E sim_seconds=T wall_seconds=W`,
//! where U counts seeds whose client history the linearizability search
//! could neither prove nor refute.
//! Exits 0 when no violation was found, 1 when one was, 2 on bad arguments.

use raftlab::check::fuzz::reproduce_command;
use raftlab::check::{run_seeds, FuzzOptions};
use raftlab::raft::{Fault, Regression};
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    seeds: u64,
    first_seed: u64,
    options: FuzzOptions,
    threads: usize,
    session_out: Option<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        seeds: 100,
        first_seed: 1,
        options: FuzzOptions::default(),
        threads: default_threads(),
        session_out: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
        let number = |name: &str, v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{name} takes a whole number, not {v:?}"))
        };
        match flag.as_str() {
            "--seeds" => a.seeds = number("--seeds", value("--seeds")?)?,
            "--first-seed" => a.first_seed = number("--first-seed", value("--first-seed")?)?,
            "--nodes" => {
                let n = number("--nodes", value("--nodes")?)?;
                if !(3..=9).contains(&n) {
                    return Err(format!("--nodes must be 3 to 9, not {n}"));
                }
                a.options.nodes = n as u8;
            }
            "--sim-seconds" => {
                let t = number("--sim-seconds", value("--sim-seconds")?)?;
                if !(3..=3_600).contains(&t) {
                    return Err(format!("--sim-seconds must be 3 to 3600, not {t}"));
                }
                a.options.sim_seconds = t;
            }
            "--fault" => {
                let name = value("--fault")?;
                let fault = Fault::from_name(&name).ok_or_else(|| {
                    let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                    format!("unknown fault {name:?}; one of: {}", names.join(", "))
                })?;
                a.options.fault = Some(fault);
            }
            "--drift-past-bound" => a.options.drift_past_bound = true,
            "--reinject" => {
                let name = value("--reinject")?;
                let bug = Regression::from_name(&name).ok_or_else(|| {
                    let names: Vec<&str> = Regression::ALL.iter().map(|r| r.name()).collect();
                    format!("unknown bug {name:?}; one of: {}", names.join(", "))
                })?;
                a.options.reinject = Some(bug);
            }
            "--threads" => {
                a.threads = number("--threads", value("--threads")?)?.clamp(1, 64) as usize
            }
            "--session-out" => a.session_out = Some(value("--session-out")?),
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(a)
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&raw) {
        Ok(a) => a,
        Err(why) => {
            if !why.is_empty() {
                eprintln!("raftlab-fuzz: {why}");
            }
            eprintln!("usage: raftlab-fuzz --seeds N --first-seed S [--nodes K] [--sim-seconds T] [--fault NAME] [--drift-past-bound] [--reinject BUG] [--threads J] [--session-out FILE]");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let summary = run_seeds(
        args.first_seed,
        args.seeds,
        &args.options,
        args.threads,
        args.options.expects_violation(),
    );
    let wall = started.elapsed().as_secs_f64();
    for failure in &summary.failures {
        if let Some(v) = &failure.violation {
            println!(
                "FAIL seed={} {} | reproduce: {}",
                failure.seed,
                v,
                reproduce_command(failure.seed, &args.options)
            );
        }
    }
    for seed in &summary.unknown_seeds {
        println!(
            "UNKNOWN seed={seed} the linearizability search could neither prove nor refute this history | reproduce: {}",
            reproduce_command(*seed, &args.options)
        );
    }
    if let (Some(path), Some(first)) = (&args.session_out, summary.failures.first()) {
        match std::fs::write(path, first.session.to_json()) {
            Ok(()) => println!("session of seed {} written to {path}", first.seed),
            Err(e) => eprintln!("raftlab-fuzz: could not write {path}: {e}"),
        }
    }
    println!(
        "seeds={} violations={} unknown={} events={} sim_seconds={:.1} wall_seconds={:.2}",
        summary.seeds,
        summary.violations,
        summary.linearizability_unknown,
        summary.events,
        summary.sim_micros as f64 / 1e6,
        wall
    );
    if summary.violations > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
