//! The Rust emitter of docs/TRACE-FORMAT.md, compiled and run: it writes
//! a short election as a Raftlab trace on standard output, which
//! `raftlab-trace check` reads clean (tests/trace_cli.rs runs it). The
//! emitter between the markers is the documentation's, to the byte.
//!
//! `cargo run --example trace_emitter > election.ndjson`

// --- the emitter, as docs/TRACE-FORMAT.md shows it ---
//! Writes a Raftlab trace with serde_json: call these where your Raft
//! changes state, sends, receives, appends and commits.
use serde_json::{json, Value};
use std::{io::Write, sync::Mutex, time::Instant};

pub struct Tracer<W: Write> {
    out: Mutex<W>,
    start: Instant,
}

impl<W: Write> Tracer<W> {
    pub fn new(out: W) -> Self {
        Tracer {
            out: Mutex::new(out),
            start: Instant::now(),
        }
    }
    fn emit(&self, node: &str, ev: &str, mut fields: Value) {
        fields["t"] = json!(self.start.elapsed().as_secs_f64() * 1000.0);
        fields["node"] = json!(node);
        fields["ev"] = json!(ev);
        let mut out = self.out.lock().unwrap();
        let _ = writeln!(out, "{fields}");
    }
    pub fn state(&self, node: &str, role: &str, term: u64, vote: Option<&str>) {
        self.emit(
            node,
            "state",
            json!({"role": role, "term": term, "vote": vote}),
        );
    }
    pub fn send(&self, node: &str, to: &str, kind: &str, term: u64, id: u64) {
        self.emit(
            node,
            "send",
            json!({"to": to, "type": kind, "term": term, "id": id}),
        );
    }
    pub fn receive(&self, node: &str, from: &str, kind: &str, term: u64, id: u64) {
        self.emit(
            node,
            "receive",
            json!({"from": from, "type": kind, "term": term, "id": id}),
        );
    }
    pub fn append(&self, node: &str, index: u64, terms: &[u64]) {
        self.emit(node, "append", json!({"index": index, "terms": terms}));
    }
    pub fn commit(&self, node: &str, index: u64) {
        self.emit(node, "commit", json!({"index": index}));
    }
}
// --- end of the emitter ---

/// Three nodes: n2 stands for term 1, wins n1's vote and writes an entry
/// that n1 takes and both commit.
pub fn election<W: Write>(t: &Tracer<W>) {
    for n in ["n1", "n2", "n3"] {
        t.state(n, "follower", 0, None);
    }
    t.state("n2", "candidate", 1, Some("n2"));
    t.send("n2", "n1", "RequestVote", 1, 1);
    t.receive("n1", "n2", "RequestVote", 1, 1);
    t.state("n1", "follower", 1, Some("n2"));
    t.send("n1", "n2", "RequestVoteReply", 1, 2);
    t.receive("n2", "n1", "RequestVoteReply", 1, 2);
    t.state("n2", "leader", 1, Some("n2"));
    t.append("n2", 1, &[1]);
    t.send("n2", "n1", "AppendEntries", 1, 3);
    t.receive("n1", "n2", "AppendEntries", 1, 3);
    t.append("n1", 1, &[1]);
    t.send("n1", "n2", "AppendEntriesReply", 1, 4);
    t.receive("n2", "n1", "AppendEntriesReply", 1, 4);
    t.commit("n2", 1);
    t.commit("n1", 1);
}

#[allow(dead_code)]
fn main() {
    election(&Tracer::new(std::io::stdout()));
}
