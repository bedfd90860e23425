//! Replays one fuzz seed and prints the steps that explain its violation,
//! one line per step as the event log words it (`#STEP TIME sentence`),
//! then the final state of each node with its log terms.
//!
//! For a safety or liveness violation the steps are the last STEPS before
//! it. A linearizability violation is only found after the run, so its last
//! steps say nothing about it: the operations involved are listed first,
//! then, from a few steps before the earliest invocation to the last answer,
//! their steps, every leader elected and every action on the world (see
//! [`raftlab::view::explain_window`]).
//!
//! `cargo run --release --example explain_seed -- SEED [STEPS] [FAULT|BUG]`
//! (STEPS defaults to 40; FAULT is a teaching fault name and BUG a fixed bug
//! put back, as the fuzzer's `--fault` and `--reinject` take them).

use raftlab::check::{run_seed, FuzzOptions};
use raftlab::raft::{Fault, NodeId, Regression};
use raftlab::sim::World;
use raftlab::view::{explain_window, op_sentence, step_line, ExplainWindow, CONTEXT_STEPS};
use std::collections::VecDeque;
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

/// `(N other steps)` for the steps a linearizability window leaves out.
fn other_steps(n: u64) -> String {
    if n == 1 {
        "1 other step".to_string()
    } else {
        format!("{n} other steps")
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: explain_seed SEED [STEPS] [FAULT|BUG]";
    let Some(seed) = args.first().and_then(|s| s.parse::<u64>().ok()) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let show: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(40);
    let (fault, reinject) = match args.get(2) {
        Some(name) => match (Fault::from_name(name), Regression::from_name(name)) {
            (Some(f), _) => (Some(f), None),
            (None, Some(r)) => (None, Some(r)),
            (None, None) => {
                eprintln!("unknown fault or bug {name:?}; {usage}");
                return ExitCode::from(2);
            }
        },
        None => (None, None),
    };
    let report = run_seed(
        seed,
        &FuzzOptions {
            fault,
            reinject,
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
    // The window of a linearizability violation depends on when its
    // operations ran, which only the history at the end of the run says:
    // replay once to learn it, then again from the start to print.
    let mut first_pass = world.clone();
    while first_pass.steps() < violation.step && first_pass.step().is_some() {}
    let ops: Vec<_> = first_pass.history().iter().cloned().collect();
    let window = explain_window(&violation, &ops, show);
    if let ExplainWindow::Operations { ops, until, .. } = &window {
        println!("operations involved:");
        for id in ops {
            if let Some(op) = first_pass.history().get(*id as usize) {
                println!("  {}", op_sentence(op));
            }
        }
        println!(
            "their steps, from {CONTEXT_STEPS} before the first invocation to the last answer ({until}), with every leader elected and every action in between:"
        );
    }
    let mut before: VecDeque<String> = VecDeque::new();
    let mut open = false;
    let (mut shown, mut left_out) = (0, 0);
    while world.steps() < violation.step {
        let Some(record) = world.step() else { break };
        if window.is_past(&record) {
            continue;
        }
        let broke = violation.kind.is_safety() && record.index == violation.step;
        let line = step_line(&world, &record, broke);
        let text = format!("#{} {} {}", line.step, line.time, line.text());
        if !open && window.opens_at(&record) {
            open = true;
            shown += before.len();
            for earlier in before.drain(..) {
                println!("{earlier}");
            }
            shown += 1;
            println!("{text}");
        } else if open && window.shows(&record, line.key) {
            if left_out > 0 {
                println!("  ({})", other_steps(left_out));
                left_out = 0;
            }
            shown += 1;
            println!("{text}");
        } else if open {
            left_out += 1;
        } else if window.context() > 0 {
            before.push_back(text);
            if before.len() as u64 > window.context() {
                before.pop_front();
            }
        }
    }
    if left_out > 0 {
        println!("  ({})", other_steps(left_out));
    }
    if shown == 0 {
        println!("(no steps in the window)");
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
    println!("the last client operations:");
    for op in world.history().iter().rev().take(3) {
        println!("  {}", op_sentence(op));
    }
    ExitCode::FAILURE
}
