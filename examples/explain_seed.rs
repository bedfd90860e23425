//! Replays one fuzz seed and prints the steps before its violation and the
//! final logs: `cargo run --release --example explain_seed -- SEED [STEPS]`.

use raftlab::check::{run_seed, FuzzOptions, Invariants};
use raftlab::sim::World;
fn terms(w: &World, id: raftlab::raft::NodeId) -> String {
    let log = w.node(id).log();
    let mut s = format!(
        "snap@{}/{} ",
        log.snapshot().last_index,
        log.snapshot().last_term
    );
    for i in log.first_index()..=log.last_index() {
        s.push_str(&format!("{} ", log.term_at(i).unwrap()));
    }
    s
}
fn main() {
    let seed: u64 = std::env::args().nth(1).unwrap().parse().unwrap();
    let show: u64 = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(40);
    let r = run_seed(seed, &FuzzOptions::default());
    let v = r.violation.clone().unwrap();
    println!("{}", v);
    let s = &r.session;
    println!(
        "cfg prevote={} cq={} snap={} maxent={}",
        s.config.raft.pre_vote,
        s.config.raft.check_quorum,
        s.config.raft.snapshot_threshold,
        s.config.raft.max_entries_per_message
    );
    let mut w = World::with_actions(s.config.clone(), s.seed, &s.actions).unwrap();
    let mut inv = Invariants::new();
    while w.steps() < v.step {
        let rec = w.step().unwrap();
        inv.check(&w, &rec);
        if rec.index + show >= v.step {
            println!("#{} {} {:?}", rec.index, rec.time, rec.what);
            for (id, e) in &rec.events {
                if !matches!(e, raftlab::raft::Event::Applied { .. }) {
                    println!("    {}", e.sentence(*id));
                }
            }
        }
    }
    for id in w.node_ids() {
        let n = w.node(id);
        println!(
            "{id} up={} {:?} t={} commit={} cfg={} | {}",
            w.is_up(id),
            n.role(),
            n.term(),
            n.commit_index(),
            n.membership(),
            terms(&w, id)
        );
    }
    for op in w.history().iter().rev().take(3) {
        println!(
            "op {} {} via {} invoked {} -> {:?}",
            op.id, op.kind, op.node, op.invoked_at, op.outcome
        );
    }
}
