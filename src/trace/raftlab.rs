//! The Raftlab trace format: one JSON object per line, written by any Raft
//! implementation in a few lines of code (`docs/TRACE-FORMAT.md` has the
//! whole format and emitters for Go and Rust).
//!
//! ```text
//! {"t":0,"node":"n1","ev":"state","role":"candidate","term":2,"vote":"n1"}
//! {"t":1,"node":"n1","ev":"send","to":"n2","type":"RequestVote","term":2}
//! {"t":3,"node":"n2","ev":"receive","from":"n1","type":"RequestVote","term":2}
//! {"t":9,"node":"n1","ev":"append","index":4,"terms":[2]}
//! {"t":12,"node":"n1","ev":"commit","index":4}
//! ```
//!
//! Unlike etcd's trace, each line says only what changed; the reader keeps
//! every node's term, vote, role, log (entry terms) and commit index, and
//! gives each event the node's whole state after it. Knowing entry terms,
//! it also says which entries a commit covered, so "a committed index keeps
//! one term" can be checked.

use super::{
    json_line, NodeNames, NodeState, TraceError, TraceEvent, TraceMessage, TraceNode, TraceRole,
    TraceWhat,
};
use serde::Deserialize;

/// One line; which fields an event needs depends on `ev`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    t: Option<f64>,
    node: Option<String>,
    ev: Option<String>,
    role: Option<String>,
    term: Option<u64>,
    #[serde(default, deserialize_with = "maybe_null")]
    vote: Option<Option<String>>,
    to: Option<String>,
    from: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<u64>,
    index: Option<u64>,
    terms: Option<Vec<u64>>,
    client: Option<String>,
    op: Option<String>,
    result: Option<String>,
}

/// `"vote": null` (no vote) apart from no `vote` field (unchanged).
fn maybe_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// What the reader knows of one node.
#[derive(Clone, Debug, Default)]
struct Node {
    term: u64,
    vote: Option<TraceNode>,
    role: Option<TraceRole>,
    commit: u64,
    /// The term of every entry, index 1 first.
    log: Vec<u64>,
}

/// The longest log a trace may describe (entries per node): each costs the
/// reader 8 bytes, so a hostile `"index"` cannot make it allocate without
/// bound.
pub const MAX_LOG: u64 = 1_000_000;

/// Reads a Raftlab trace a line at a time.
#[derive(Debug, Default)]
pub struct RaftlabReader {
    /// The nodes named so far.
    pub names: NodeNames,
    /// Lines read so far.
    pub lines: u64,
    /// Empty lines.
    pub blank: u64,
    nodes: Vec<Node>,
}

impl RaftlabReader {
    /// Reads the next line (its bytes, without the line break): an event,
    /// or `None` for a blank line.
    pub fn read(&mut self, bytes: &[u8]) -> Result<Option<TraceEvent>, TraceError> {
        let Some((line, l)) = json_line::<Line>(bytes, &mut self.lines, &mut self.blank)? else {
            return Ok(None);
        };
        let missing = |field| TraceError::Missing { line, field };
        let invalid = |why: String| TraceError::Invalid { line, why };
        let ev = l.ev.as_deref().ok_or(missing("ev"))?;
        let node = self
            .names
            .node(l.node.as_deref().ok_or(missing("node"))?, line)?;
        if self.nodes.len() <= node.0 {
            self.nodes.resize(node.0 + 1, Node::default());
        }
        let message = |names: &mut NodeNames, peer: Option<&str>, field, sent: bool| {
            let peer = names.node(peer.ok_or(missing(field))?, line)?;
            let (from, to) = if sent { (node, peer) } else { (peer, node) };
            Ok::<_, TraceError>(TraceMessage {
                kind: l.kind.clone().ok_or(missing("type"))?,
                term: l.term.ok_or(missing("term"))?,
                from,
                to,
                details: vec![l.id.unwrap_or(u64::MAX)],
            })
        };
        let what = match ev {
            "state" => {
                let term = l.term.ok_or(missing("term"))?;
                let role = l.role.as_deref().map(|r| role(r, line)).transpose()?;
                let vote = match l.vote.clone() {
                    Some(Some(v)) => Some(Some(self.names.node(&v, line)?)),
                    Some(None) => Some(None),
                    None => None,
                };
                let n = &mut self.nodes[node.0];
                if term > n.term {
                    // §5.1: a newer term makes a node a follower with no
                    // vote, unless the line says otherwise.
                    n.vote = None;
                    if n.role.is_some() {
                        n.role = Some(TraceRole::Follower);
                    }
                }
                n.term = term;
                if let Some(v) = vote {
                    n.vote = v;
                }
                match role {
                    Some(r) if n.role != Some(r) => {
                        n.role = Some(r);
                        TraceWhat::Became(r)
                    }
                    _ => TraceWhat::Other("state".into()),
                }
            }
            "send" => TraceWhat::Sent(message(&mut self.names, l.to.as_deref(), "to", true)?),
            "receive" => {
                TraceWhat::Received(message(&mut self.names, l.from.as_deref(), "from", false)?)
            }
            "append" => {
                let index = l.index.ok_or(missing("index"))?;
                let terms = l.terms.clone().ok_or(missing("terms"))?;
                let n = &mut self.nodes[node.0];
                if index == 0 || index > n.log.len() as u64 + 1 {
                    return Err(invalid(format!(
                        "append at index {index}, but the log ends at {} (entries start at 1 and follow the last)",
                        n.log.len()
                    )));
                }
                if index - 1 + terms.len() as u64 > MAX_LOG {
                    return Err(invalid(format!("a log of over {MAX_LOG} entries")));
                }
                n.log.truncate(index as usize - 1);
                n.log.extend_from_slice(&terms);
                TraceWhat::Appended { index, terms }
            }
            "commit" => {
                let index = l.index.ok_or(missing("index"))?;
                let n = &mut self.nodes[node.0];
                // Only the entries the log holds: a commit index past its
                // end (which a hostile line can make huge) covers no more.
                let known = index.min(n.log.len() as u64);
                let from = n.commit.min(known);
                n.commit = index;
                let terms = (from + 1..=known)
                    .map(|i| (i, n.log[i as usize - 1]))
                    .collect();
                TraceWhat::Committed { terms }
            }
            "apply" => TraceWhat::Applied {
                index: l.index.ok_or(missing("index"))?,
            },
            "crash" => TraceWhat::Crashed,
            "restart" => {
                let n = &mut self.nodes[node.0];
                n.commit = 0;
                n.role = Some(TraceRole::Follower);
                TraceWhat::Start
            }
            "invoke" => TraceWhat::Invoked {
                client: l.client.clone().ok_or(missing("client"))?,
                op: l.op.clone().ok_or(missing("op"))?,
            },
            "answer" => TraceWhat::Answered {
                client: l.client.clone().ok_or(missing("client"))?,
                result: l.result.clone().ok_or(missing("result"))?,
            },
            _ => {
                return Err(TraceError::UnknownEvent {
                    line,
                    name: ev.to_owned(),
                })
            }
        };
        let n = &self.nodes[node.0];
        let state = (what != TraceWhat::Crashed).then_some(NodeState {
            term: n.term,
            vote: n.vote,
            commit: Some(n.commit),
            role: n.role,
            last_index: Some(n.log.len() as u64),
        });
        Ok(Some(TraceEvent {
            line,
            time_ms: l.t,
            node,
            what,
            state,
        }))
    }

    /// The terms of `node`'s log entries, index 1 first, as read so far.
    pub fn log(&self, node: TraceNode) -> &[u64] {
        self.nodes.get(node.0).map_or(&[], |n| &n.log)
    }
}

/// The role named `role` (`follower`, `precandidate`, `candidate`, `leader`).
fn role(role: &str, line: u64) -> Result<TraceRole, TraceError> {
    Ok(match role {
        "follower" => TraceRole::Follower,
        "precandidate" => TraceRole::PreCandidate,
        "candidate" => TraceRole::Candidate,
        "leader" => TraceRole::Leader,
        _ => {
            return Err(TraceError::UnknownRole {
                line,
                role: role.to_owned(),
            })
        }
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::trace::{TraceChecker, TraceRule};

    /// `docs/TRACE-FORMAT.md`'s example: three nodes, an election, one
    /// entry replicated and committed, a read answered.
    pub(crate) const EXAMPLE: &str = include_str!("../../docs/example.raftlab.ndjson");

    fn read(text: &str) -> (RaftlabReader, Vec<TraceEvent>) {
        let mut r = RaftlabReader::default();
        let events = text
            .lines()
            .filter_map(|l| r.read(l.as_bytes()).expect("reads"))
            .collect();
        (r, events)
    }

    fn check(text: &str) -> (Vec<crate::trace::TraceViolation>, Vec<TraceRule>) {
        let mut r = RaftlabReader::default();
        let mut c = TraceChecker::default();
        let mut broken = Vec::new();
        for l in text.lines() {
            if let Some(e) = r.read(l.as_bytes()).expect("reads") {
                broken.extend(c.observe(&e, &r.names));
            }
        }
        (broken, c.coverage().0)
    }

    #[test]
    fn the_documented_example_reads_and_every_rule_runs_clean() {
        let (r, events) = read(EXAMPLE);
        assert_eq!(r.names.len(), 3);
        assert!(events.len() > 20, "{}", events.len());
        assert!(events
            .iter()
            .any(|e| e.what == TraceWhat::Became(TraceRole::Leader)));
        let (broken, ran) = check(EXAMPLE);
        assert_eq!(broken, vec![]);
        assert_eq!(ran, TraceRule::ALL.to_vec(), "entry terms: every rule runs");
    }

    #[test]
    fn the_reader_keeps_each_nodes_state_between_lines() {
        let (_, events) = read(concat!(
            r#"{"t":0,"node":"a","ev":"state","role":"candidate","term":2,"vote":"a"}"#,
            "\n",
            r#"{"t":1,"node":"a","ev":"append","index":1,"terms":[1,2]}"#,
            "\n",
            r#"{"t":2,"node":"a","ev":"append","index":2,"terms":[2,2]}"#,
            "\n",
            r#"{"t":3,"node":"a","ev":"commit","index":2}"#,
            "\n",
            r#"{"t":4,"node":"a","ev":"state","term":3}"#,
        ));
        let s = |i: usize| events[i].state.clone().expect("a state");
        assert_eq!(s(0).vote, Some(TraceNode(0)));
        assert_eq!(
            s(2).last_index,
            Some(3),
            "truncated after index 1, then 2 added"
        );
        assert_eq!(
            events[3].what,
            TraceWhat::Committed {
                terms: vec![(1, 1), (2, 2)]
            }
        );
        assert_eq!(
            (s(4).term, s(4).vote, s(4).role),
            (3, None, Some(TraceRole::Follower)),
            "a newer term: a follower with no vote (§5.1)"
        );
        assert_eq!(events[4].time_ms, Some(4.0));
    }

    // Reference: §5.4 (Leader Completeness / State Machine Safety).
    #[test]
    fn one_index_committed_with_two_terms_is_caught_at_the_second_commit() {
        let trace = concat!(
            r#"{"node":"a","ev":"append","index":1,"terms":[1]}"#,
            "\n",
            r#"{"node":"a","ev":"commit","index":1}"#,
            "\n",
            r#"{"node":"b","ev":"append","index":1,"terms":[2]}"#,
            "\n",
            r#"{"node":"b","ev":"commit","index":1}"#,
        );
        let (broken, _) = check(trace);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(
            (broken[0].rule, broken[0].line),
            (TraceRule::CommittedEntries, 4)
        );
        assert_eq!(
            broken[0].words,
            "b committed index 1 with term 2, which a committed with term 1 (line 2)"
        );
    }

    /// 100,000 mutated lines of the example read and checked (see
    /// [`crate::trace::tests::mutated_lines_never_panic`]).
    #[test]
    fn mutated_lines_never_panic_and_every_error_names_its_line() {
        let good: Vec<&str> = EXAMPLE.lines().collect();
        crate::trace::tests::mutated_lines_never_panic(
            crate::trace::TraceFormat::Raftlab,
            &good,
            2626,
        );
    }

    /// 2,000 mutated whole files, fed to a [`crate::trace::Recording`] in
    /// pieces of random sizes: each is a trace or an error naming a line
    /// in the file, never a panic.
    #[test]
    fn mutated_files_read_in_pieces_never_panic() {
        let mut rng = crate::rng::Rng::new(26);
        let (mut opened, mut refused) = (0u32, 0u32);
        for _ in 0..2_000 {
            let mut bytes = EXAMPLE.as_bytes().to_vec();
            crate::trace::tests::mutate(&mut rng, &mut bytes);
            let lines = bytes.split(|b| *b == b'\n').count() as u64;
            let mut recording = crate::trace::Recording::new(None);
            let piece = 1 + rng.index(300);
            let outcome = bytes
                .chunks(piece)
                .try_for_each(|c| recording.feed(c))
                .and_then(|()| recording.finish());
            match outcome {
                Ok(trace) => {
                    opened += 1;
                    assert!(!trace.is_empty());
                }
                Err(TraceError::NoEvents { lines: 0 }) if bytes.is_empty() => refused += 1,
                Err(e) => {
                    refused += 1;
                    assert!((1..=lines).contains(&e.line()), "{e} (of {lines} lines)");
                }
            }
        }
        assert!(
            opened > 20 && refused > 1_000,
            "{opened} opened, {refused} refused"
        );
    }

    #[test]
    fn a_trace_naming_too_many_nodes_is_refused_at_the_line_that_does() {
        let mut r = RaftlabReader::default();
        for i in 0..crate::trace::MAX_NODES {
            r.read(format!(r#"{{"node":"n{i}","ev":"crash"}}"#).as_bytes())
                .expect("reads");
        }
        let err = r
            .read(br#"{"node":"one-too-many","ev":"crash"}"#)
            .expect_err("refused");
        assert_eq!(
            err.to_string(),
            "line 65: node `one-too-many` would be node 65: a trace may name at most 64"
        );
    }

    #[test]
    fn a_huge_commit_index_costs_no_more_than_the_log() {
        let mut r = RaftlabReader::default();
        r.read(br#"{"node":"a","ev":"append","index":1,"terms":[1]}"#)
            .expect("reads");
        let e = r
            .read(br#"{"node":"a","ev":"commit","index":18446744073709551615}"#)
            .expect("reads")
            .expect("an event");
        assert_eq!(
            e.what,
            TraceWhat::Committed {
                terms: vec![(1, 1)]
            }
        );
    }

    #[test]
    fn every_bad_line_says_what_is_wrong_and_where() {
        let cases: [(&str, &str); 8] = [
            ("[1,2]", "line 1: not a trace event"),
            (r#"{"node":"a"}"#, "line 1: the event has no `ev`"),
            (r#"{"ev":"crash"}"#, "line 1: the event has no `node`"),
            (
                r#"{"node":"a","ev":"dance"}"#,
                "line 1: unknown event `dance`",
            ),
            (
                r#"{"node":"a","ev":"state","term":1,"role":"king"}"#,
                "line 1: unknown role `king`",
            ),
            (
                r#"{"node":"a","ev":"send","type":"X","term":1}"#,
                "line 1: the event has no `to`",
            ),
            (
                r#"{"node":"a","ev":"append","index":5,"terms":[1]}"#,
                "line 1: append at index 5, but the log ends at 0",
            ),
            (
                r#"{"node":"a","ev":"crash","colour":"red"}"#,
                "line 1: not a trace event: unknown field `colour`",
            ),
        ];
        for (text, says) in cases {
            let err = RaftlabReader::default()
                .read(text.as_bytes())
                .expect_err("a bad line");
            assert!(
                err.to_string().starts_with(says),
                "{err} (expected: {says})"
            );
        }
    }
}
