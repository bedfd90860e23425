//! Replays one fuzz seed and prints the steps before its violation (every
//! event as a sentence), the final state of each node with its log terms,
//! and the last client operations.
//!
//! `cargo run --release --example explain_seed -- SEED [STEPS] [FAULT]`
//! (STEPS defaults to 40; FAULT is a teaching fault name, as in the fuzzer).

use raftlab::check::{run_seed, FuzzOptions, Invariants};
use raftlab::raft::{Event, Fault, NodeId};
use raftlab::sim::World;
use std::process::ExitCode;

/// A node's log as `snap@INDEX/TERM` followed by the term of each entry.
fn log_terms(world: &World, id: NodeId) -> String {
    let log = world.node(id).log();
    let snap = log.snapshot();
    let terms: Vec<String> = (log.first_index()..=log.last_index())
        .filter_map(|i| log.term_at(i))
        .map(|t| t.to_string())
        .collect();
    format!(
        "snap@{}/{} {}",
        snap.last_index,
        snap.last_term,
        terms.join(" ")
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: explain_seed SEED [STEPS] [FAULT]";
    let Some(seed) = args.first().and_then(|s| s.parse::<u64>().ok()) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let show: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(40);
    let fault = match args.get(2) {
        Some(name) => match Fault::from_name(name) {
            Some(f) => Some(f),
            None => {
                eprintln!("unknown fault {name:?}; {usage}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let report = run_seed(
        seed,
        &FuzzOptions {
            fault,
            ..FuzzOptions::default()
        },
    );
    let Some(violation) = report.violation.clone() else {
        println!("seed {seed}: no violation in {} steps", report.steps);
        return ExitCode::SUCCESS;
    };
    println!("{violation}");
    let session = &report.session;
    let raft = &session.config.raft;
    println!(
        "settings: pre-vote {}, check-quorum {}, snapshots {}, up to {} entries per message",
        raft.pre_vote,
        raft.check_quorum,
        match raft.snapshot_threshold {
            0 => "off".to_string(),
            n => format!("every {n} entries"),
        },
        raft.max_entries_per_message
    );
    let Ok(mut world) = World::with_actions(session.config.clone(), session.seed, &session.actions)
    else {
        eprintln!("the seed's session is invalid");
        return ExitCode::FAILURE;
    };
    let mut invariants = Invariants::new();
    while world.steps() < violation.step {
        let Some(record) = world.step() else { break };
        invariants.check(&world, &record);
        if record.index + show >= violation.step {
            println!("#{} {} {:?}", record.index, record.time, record.what);
            for (id, event) in &record.events {
                if !matches!(event, Event::Applied { .. }) {
                    println!("    {}", event.sentence(*id));
                }
            }
        }
    }
    for id in world.node_ids() {
        let n = world.node(id);
        println!(
            "{id} up={} {:?} term={} commit={} config={} | {}",
            world.is_up(id),
            n.role(),
            n.term(),
            n.commit_index(),
            n.membership(),
            log_terms(&world, id)
        );
    }
    for op in world.history().iter().rev().take(3) {
        println!(
            "op {} {} via {} invoked {} -> {:?}",
            op.id, op.kind, op.node, op.invoked_at, op.outcome
        );
    }
    ExitCode::FAILURE
}
