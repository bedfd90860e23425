//! Traces of real Raft implementations, read and checked.
//!
//! A trace is a file of events, one per line, written by someone else's
//! Raft as it ran: etcd's Raft library writes one for its TLA+ trace
//! validation ([`etcd`]). Each line becomes a [`TraceEvent`]: which node,
//! what happened (it became a role, sent or received a message,
//! committed, ...) and, where the trace gives it, the node's state after
//! it. [`TraceChecker`] then checks Raft's safety rules over the events as
//! they stream by, pointing at the line where a rule broke, with memory
//! for the nodes and the messages in flight, not for the file.
//!
//! Native only: no web crate, so `raftlab-trace check` runs in an
//! implementer's CI (`src/bin/raftlab-trace.rs`).

pub mod etcd;
mod format;
pub mod markup;
pub mod raftlab;
mod recorded;
mod rules;
pub mod screen;
pub mod swimlane;

pub use format::{is_trace_file_name, TraceFormat, TraceReader};
pub use recorded::{Recorded, Recording, TraceArrow};
pub use rules::{TraceChecker, TraceRule, TraceViolation};

use std::fmt;

/// A node's name as the trace spells it (`"1"`, `"n3"`), numbered in the
/// order the trace first names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TraceNode(pub usize);

/// The most nodes a trace may name: Raft clusters have a handful, and
/// every node is a lane on screen (a hostile file naming a million would
/// otherwise make the page draw a million).
pub const MAX_NODES: usize = 64;

/// The names of a trace's nodes, numbered as they first appear.
#[derive(Clone, Debug, Default)]
pub struct NodeNames {
    names: Vec<String>,
    numbers: std::collections::HashMap<String, TraceNode>,
}

impl NodeNames {
    /// The number of `name` (named on line `line`), numbering it if it is
    /// new; an error past [`MAX_NODES`].
    pub fn node(&mut self, name: &str, line: u64) -> Result<TraceNode, TraceError> {
        if let Some(n) = self.numbers.get(name) {
            return Ok(*n);
        }
        if self.names.len() >= MAX_NODES {
            return Err(TraceError::Invalid {
                line,
                why: format!(
                    "node `{name}` would be node {}: a trace may name at most {MAX_NODES}",
                    MAX_NODES + 1
                ),
            });
        }
        let n = TraceNode(self.names.len());
        self.names.push(name.to_owned());
        self.numbers.insert(name.to_owned(), n);
        Ok(n)
    }
    /// The name of `node`, as the trace spells it.
    pub fn name(&self, node: TraceNode) -> &str {
        self.names.get(node.0).map_or("?", String::as_str)
    }
    /// How many nodes the trace has named.
    pub fn len(&self) -> usize {
        self.names.len()
    }
    /// Whether the trace has named no node yet.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A node's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceRole {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

/// What a trace says of a node's state after an event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeState {
    /// Its current term.
    pub term: u64,
    /// Whom it voted for in that term, if anyone.
    pub vote: Option<TraceNode>,
    /// Its commit index, if the trace gives it.
    pub commit: Option<u64>,
    /// Its role, if the trace gives it.
    pub role: Option<TraceRole>,
    /// The index of its last log entry, if the trace gives it.
    pub last_index: Option<u64>,
}

/// A message as a trace describes it; two descriptions of the same message
/// (its sending and its receipt) are equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TraceMessage {
    /// Its kind as the trace names it (`MsgApp`, `MsgVoteResp`, ...).
    pub kind: String,
    pub term: u64,
    pub from: TraceNode,
    pub to: TraceNode,
    /// The fields the trace gives beyond those, in its own order (index,
    /// log term, entry count, commit, vote, rejection), to tell apart two
    /// messages of one kind between the same nodes in one term.
    pub details: Vec<u64>,
}

/// What happened in one event.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceWhat {
    /// The node started (or restarted) with the state given.
    Start,
    /// The node took a role.
    Became(TraceRole),
    /// The node sent a message.
    Sent(TraceMessage),
    /// The node received a message.
    Received(TraceMessage),
    /// The node advanced its commit index; the entries newly committed,
    /// as (index, term), where the trace gives entry terms.
    Committed { terms: Vec<(u64, u64)> },
    /// The node wrote entries to its log from `index` on (dropping any
    /// after `index - 1` first), with their terms.
    Appended { index: u64, terms: Vec<u64> },
    /// The node applied its log up to `index` to its state machine.
    Applied { index: u64 },
    /// The node crashed (it stops until it starts again).
    Crashed,
    /// A client asked the node for `op`.
    Invoked { client: String, op: String },
    /// The node answered a client.
    Answered { client: String, result: String },
    /// Anything else the trace records (etcd's `Ready`, `Replicate`, a
    /// configuration change), by its name: its state still counts.
    Other(String),
}

/// One event of a trace: the line it came from, the node, what happened and
/// the node's state after it where the trace gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    /// Its line in the file, from 1.
    pub line: u64,
    /// When it happened, in milliseconds on the trace's own clock, if the
    /// trace says.
    pub time_ms: Option<f64>,
    pub node: TraceNode,
    pub what: TraceWhat,
    pub state: Option<NodeState>,
}

/// Why a line could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceError {
    /// Not text: the bytes are not UTF-8.
    NotText { line: u64 },
    /// Longer than a trace line can be.
    TooLong { line: u64, bytes: usize },
    /// Not a JSON object, or a field of the wrong kind (serde's words).
    Malformed { line: u64, why: String },
    /// A field the event needs is missing.
    Missing { line: u64, field: &'static str },
    /// An event name this reader does not know.
    UnknownEvent { line: u64, name: String },
    /// A role name this reader does not know.
    UnknownRole { line: u64, role: String },
    /// A field whose value cannot be (an index of 0, an entry term above
    /// the node's term, ...).
    Invalid { line: u64, why: String },
    /// The file ended without one event.
    NoEvents { lines: u64 },
}

/// The longest line read (1 MiB): a trace line is a few hundred bytes, and
/// a file without line breaks is not a trace.
pub const MAX_LINE_BYTES: usize = 1 << 20;

impl TraceError {
    /// The line the error is on.
    pub fn line(&self) -> u64 {
        match self {
            TraceError::NotText { line }
            | TraceError::TooLong { line, .. }
            | TraceError::Malformed { line, .. }
            | TraceError::Missing { line, .. }
            | TraceError::UnknownEvent { line, .. }
            | TraceError::UnknownRole { line, .. }
            | TraceError::Invalid { line, .. }
            | TraceError::NoEvents { lines: line } => *line,
        }
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceError::NotText { line } => write!(f, "line {line}: not text (the bytes are not UTF-8): is this a trace file?"),
            TraceError::TooLong { line, bytes } => write!(
                f,
                "line {line}: {bytes} bytes without a line break, over the {} KiB a trace line may have",
                MAX_LINE_BYTES / 1024
            ),
            TraceError::Malformed { line, why } => write!(f, "line {line}: not a trace event: {why}"),
            TraceError::Missing { line, field } => write!(f, "line {line}: the event has no `{field}`"),
            TraceError::UnknownEvent { line, name } => write!(f, "line {line}: unknown event `{name}`"),
            TraceError::UnknownRole { line, role } => write!(f, "line {line}: unknown role `{role}`"),
            TraceError::Invalid { line, why } => write!(f, "line {line}: {why}"),
            TraceError::NoEvents { lines: 0 } => write!(f, "the file is empty"),
            TraceError::NoEvents { lines } => write!(f, "line {lines}: the file ended without a trace event (is it a trace?)"),
        }
    }
}

impl std::error::Error for TraceError {}

/// What both readers do first with a line (its bytes, without the line
/// break): count it in `lines`, count it in `blank` and give `None` if it is
/// blank, or parse it as one JSON value `T`, given with its line number.
fn json_line<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    lines: &mut u64,
    blank: &mut u64,
) -> Result<Option<(u64, T)>, TraceError> {
    *lines += 1;
    let line = *lines;
    let text = line_text(bytes, line)?;
    if text.trim().is_empty() {
        *blank += 1;
        return Ok(None);
    }
    serde_json::from_str(text)
        .map(|value| Some((line, value)))
        .map_err(|e| TraceError::Malformed {
            line,
            why: e.to_string(),
        })
}

/// Splits `bytes` (a whole line, without its line break) into text, or says
/// why it is not a trace line.
fn line_text(bytes: &[u8], line: u64) -> Result<&str, TraceError> {
    if bytes.len() > MAX_LINE_BYTES {
        return Err(TraceError::TooLong {
            line,
            bytes: bytes.len(),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| TraceError::NotText { line })?;
    Ok(text.strip_suffix('\r').unwrap_or(text))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::{Recorded, Recording, TraceChecker, TraceFormat, TraceReader};
    use crate::rng::Rng;

    /// `text` read whole as a trace, in the format its first line tells.
    pub(crate) fn record(text: &str) -> Recorded {
        let mut r = Recording::new(None);
        r.feed(text.as_bytes()).expect("reads");
        r.finish().expect("a trace")
    }

    /// 100,000 lines of `good`, each mutated ([`mutate`]), read as
    /// `format` and checked: nothing panics, every error names the line it
    /// is on, and both readable and unreadable lines occur, so both paths
    /// ran.
    pub(crate) fn mutated_lines_never_panic(format: TraceFormat, good: &[&str], seed: u64) {
        let mut rng = Rng::new(seed);
        let mut reader = TraceReader::new(Some(format));
        let mut checker = TraceChecker::default();
        let (mut read, mut refused) = (0u32, 0u32);
        for _ in 0..100_000 {
            let mut bytes = good[rng.index(good.len())].as_bytes().to_vec();
            mutate(&mut rng, &mut bytes);
            match reader.read(&bytes) {
                Ok(Some(event)) => {
                    read += 1;
                    checker.observe(&event, reader.names());
                }
                Ok(None) => {}
                Err(e) => {
                    refused += 1;
                    let lines = reader.counts().0;
                    assert_eq!(e.line(), lines);
                    assert!(e.to_string().starts_with(&format!("line {lines}: ")), "{e}");
                }
            }
        }
        assert!(
            read > 1_000 && refused > 10_000,
            "{read} read, {refused} refused"
        );
    }

    /// Mutates a trace line the ways a broken or hostile file would: bytes
    /// flipped, the line cut, a piece repeated, a huge number or a stray
    /// JSON character inserted, a piece dropped (one to three of these).
    pub(crate) fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
        for _ in 0..=rng.index(3) {
            let at = rng.index(bytes.len().max(1));
            match rng.index(6) {
                0 if !bytes.is_empty() => bytes[at] = rng.next_u64() as u8,
                1 => bytes.truncate(at),
                2 => {
                    let end = (at + rng.index(40)).min(bytes.len());
                    let piece = bytes[at..end].to_vec();
                    bytes.splice(at..at, piece);
                }
                3 => {
                    bytes.splice(at..at, b"99999999999999999999999".iter().copied());
                }
                4 => bytes.insert(at.min(bytes.len()), b"\"{}[],:\xff"[rng.index(8)]),
                _ => {
                    let end = (at + rng.index(20)).min(bytes.len());
                    bytes.drain(at..end);
                }
            }
        }
    }
}
