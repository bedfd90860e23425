//! What the page shows of a recorded trace at a cursor, as plain data and
//! words: the nodes' cards, the messages in flight, the logs, each event
//! in a sentence, the status line and the checks' summary. The Leptos
//! components in `ui::trace_view` only draw these.

use super::{Recorded, TraceNode, TraceRole, TraceRule, TraceWhat};
use crate::view::fixed;

/// A node's name on screen: `N3` for a trace's `"3"`, else the name as the
/// trace spells it.
pub fn node_label(rec: &Recorded, node: TraceNode) -> String {
    let name = rec.names.name(node);
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
        format!("N{name}")
    } else {
        name.to_owned()
    }
}

/// A number with thousands separated (`4,888`).
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and the noun, plural unless one (`1 node`, `10 nodes`).
fn counted(n: u64, noun: &str) -> String {
    format!("{} {noun}{}", count(n), if n == 1 { "" } else { "s" })
}

/// A span of milliseconds in words: `850 ms`, `2.3 s`, `4.5 min`.
pub fn duration_words(ms: f64) -> String {
    if ms < 1_000.0 {
        format!("{} ms", fixed(ms, 0))
    } else if ms < 120_000.0 {
        format!("{} s", fixed(ms / 1_000.0, 1))
    } else {
        format!("{} min", fixed(ms / 60_000.0, 1))
    }
}

/// A role in words.
pub fn role_word(role: TraceRole) -> &'static str {
    match role {
        TraceRole::Follower => "follower",
        TraceRole::PreCandidate => "pre-candidate",
        TraceRole::Candidate => "candidate",
        TraceRole::Leader => "leader",
    }
}

/// One node at a cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceCard {
    pub node: TraceNode,
    /// `N3`.
    pub label: String,
    /// Not crashed.
    pub up: bool,
    /// Whether the trace has said anything of its state yet.
    pub known: bool,
    pub role: Option<TraceRole>,
    pub term: u64,
    /// Whom it voted for in its term.
    pub vote: Option<String>,
    pub commit: Option<u64>,
    pub last_index: Option<u64>,
}

impl TraceCard {
    /// The node in words, starting with its label: its accessible name.
    pub fn describe(&self) -> String {
        if !self.known {
            return format!("{}: nothing known yet", self.label);
        }
        let mut s = format!(
            "{}: {}, term {}",
            self.label,
            match (self.up, self.role) {
                (false, _) => "crashed",
                (true, Some(r)) => role_word(r),
                (true, None) => "role unknown",
            },
            self.term
        );
        match &self.vote {
            Some(v) => s.push_str(&format!(", voted for {v}")),
            None => s.push_str(", no vote"),
        }
        if let Some(c) = self.commit {
            s.push_str(&format!(", commit {c}"));
        }
        if let Some(l) = self.last_index {
            s.push_str(&format!(", last index {l}"));
        }
        s
    }

    /// One letter for its role, so colour is not the only sign.
    pub fn letter(&self) -> &'static str {
        match (self.up, self.role) {
            (false, _) => "✕",
            (true, Some(TraceRole::Leader)) => "L",
            (true, Some(TraceRole::Candidate)) => "C",
            (true, Some(TraceRole::PreCandidate)) => "P",
            (true, Some(TraceRole::Follower)) => "F",
            (true, None) => "?",
        }
    }
}

/// A message in flight at a cursor: from and to (nodes' positions in the
/// drawing), how far along it is (0 to 1, in events), its type.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceDot {
    pub from: usize,
    pub to: usize,
    pub share: f64,
    pub kind: String,
    /// `MsgApp N2 → N3 (term 2)`.
    pub words: String,
}

/// One node's log at a cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceLogRow {
    pub label: String,
    /// The last entries drawn (index, term if known, committed).
    pub cells: Vec<(u64, Option<u64>, bool)>,
    /// Entries before the first drawn.
    pub hidden: u64,
    /// The row in words: `last index 44 · commit 43`.
    pub words: String,
    /// Not crashed.
    pub up: bool,
}

/// The most entries drawn per log.
pub const TRACE_CELLS: usize = 24;

/// The cluster drawing's size, and a node's radius in it.
pub const TRACE_CLUSTER_W: f64 = 480.0;
pub const TRACE_CLUSTER_H: f64 = 380.0;
pub const TRACE_NODE_R: f64 = 30.0;

/// Where each of `n` nodes sits in the cluster drawing: on a ring, the
/// first at the top, clockwise.
pub fn positions(n: usize) -> Vec<(f64, f64)> {
    let (rx, ry) = (TRACE_CLUSTER_W / 2.0 - 45.0, TRACE_CLUSTER_H / 2.0 - 45.0);
    (0..n)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / n.max(1) as f64;
            (
                TRACE_CLUSTER_W / 2.0 + rx * angle.sin(),
                TRACE_CLUSTER_H / 2.0 - ry * angle.cos(),
            )
        })
        .collect()
}

/// The nodes at `cursor`.
pub fn cards(rec: &Recorded, cursor: usize) -> Vec<TraceCard> {
    (0..rec.names.len())
        .map(TraceNode)
        .map(|node| {
            let (state, up) = rec.state_at(node, cursor);
            TraceCard {
                node,
                label: node_label(rec, node),
                up,
                known: state.is_some(),
                role: state.and_then(|s| s.role),
                term: state.map_or(0, |s| s.term),
                vote: state.and_then(|s| s.vote).map(|v| node_label(rec, v)),
                commit: state.and_then(|s| s.commit),
                last_index: state.and_then(|s| s.last_index),
            }
        })
        .collect()
}

/// The messages in flight at `cursor`.
pub fn dots(rec: &Recorded, cursor: usize) -> Vec<TraceDot> {
    rec.in_flight(cursor)
        .filter_map(|a| {
            let m = rec.message(a.sent)?;
            let received = a.received?;
            let share = (cursor - a.sent) as f64 / (received - a.sent).max(1) as f64;
            Some(TraceDot {
                from: m.from.0,
                to: m.to.0,
                share: share.clamp(0.0, 1.0),
                kind: m.kind.clone(),
                words: format!(
                    "{} {} → {} (term {})",
                    m.kind,
                    node_label(rec, m.from),
                    node_label(rec, m.to),
                    m.term
                ),
            })
        })
        .collect()
}

/// Every node's log at `cursor`: entry by entry where the trace gives
/// entry terms, else its last index and commit index.
pub fn logs(rec: &Recorded, cursor: usize) -> Vec<TraceLogRow> {
    cards(rec, cursor)
        .into_iter()
        .map(|card| {
            let terms = if rec.has_entry_terms() {
                rec.log_at(card.node, cursor)
            } else {
                Vec::new()
            };
            let last = card.last_index.unwrap_or(terms.len() as u64);
            let commit = card.commit.unwrap_or(0);
            let first = last.saturating_sub(TRACE_CELLS as u64) + 1;
            let cells = (first..=last)
                .map(|i| (i, terms.get(i as usize - 1).copied(), i <= commit))
                .collect();
            let words = format!("last index {last} · commit {commit}");
            TraceLogRow {
                up: card.up,
                label: card.label,
                cells,
                hidden: first - 1,
                words,
            }
        })
        .collect()
}

/// Event `i` in a sentence, and the rule behind it where there is one.
pub fn event_words(rec: &Recorded, i: usize) -> (String, Option<&'static str>) {
    let Some(e) = rec.events.get(i) else {
        return (String::new(), None);
    };
    let who = node_label(rec, e.node);
    let state = e.state.as_ref();
    let term = state.map_or(0, |s| s.term);
    match &e.what {
        TraceWhat::Start => {
            let more = state.map_or(String::new(), |s| {
                format!(
                    " in term {}{}",
                    s.term,
                    s.last_index
                        .map(|l| format!(", last index {l}"))
                        .unwrap_or_default()
                )
            });
            (format!("{who} started{more}"), None)
        }
        TraceWhat::Became(r) => (
            format!("{who} became {} in term {term}", role_word(*r)),
            Some(match r {
                TraceRole::Follower => "§5.1",
                TraceRole::PreCandidate => "§9.6",
                TraceRole::Candidate | TraceRole::Leader => "§5.2",
            }),
        ),
        TraceWhat::Sent(m) => (
            format!(
                "{who} sent {} to {} (term {})",
                m.kind,
                node_label(rec, m.to),
                m.term
            ),
            None,
        ),
        TraceWhat::Received(m) => (
            format!(
                "{who} received {} from {} (term {})",
                m.kind,
                node_label(rec, m.from),
                m.term
            ),
            None,
        ),
        TraceWhat::Committed { .. } => (
            format!(
                "{who} committed up to index {}",
                state.and_then(|s| s.commit).unwrap_or(0)
            ),
            Some("§5.3"),
        ),
        TraceWhat::Appended { index, terms } => {
            let end = index + terms.len() as u64;
            let what = match terms.len() {
                0 => format!("{who} cut its log after index {}", index - 1),
                1 => format!("{who} wrote entry {index} (term {})", terms[0]),
                _ => format!("{who} wrote entries {index}–{} (terms {})", end - 1, {
                    let mut t: Vec<String> = terms.iter().map(u64::to_string).collect();
                    t.dedup();
                    t.join(", ")
                }),
            };
            (what, Some("§5.3"))
        }
        TraceWhat::Applied { index } => (format!("{who} applied up to index {index}"), None),
        TraceWhat::Crashed => (format!("{who} crashed"), None),
        TraceWhat::Invoked { client, op } => (format!("Client {client} asked {who}: {op}"), None),
        TraceWhat::Answered { client, result } => {
            (format!("{who} answered client {client}: {result}"), None)
        }
        TraceWhat::Other(name) => {
            let summary = state.map_or(String::new(), |s| {
                let mut t = format!(": term {}", s.term);
                if let Some(c) = s.commit {
                    t.push_str(&format!(", commit {c}"));
                }
                if let Some(l) = s.last_index {
                    t.push_str(&format!(", last index {l}"));
                }
                t
            });
            if name == "state" {
                let vote = state
                    .and_then(|s| s.vote)
                    .map(|v| format!(", voted for {}", node_label(rec, v)))
                    .unwrap_or_default();
                (format!("{who} is in term {term}{vote}"), Some("§5.1"))
            } else {
                (format!("{who} {name}{summary}"), None)
            }
        }
    }
}

/// What was imported, in a sentence: the format, nodes, events, time span
/// and the lines skipped and why.
pub fn status_words(rec: &Recorded, file: &str) -> String {
    let mut s = format!(
        "{} “{file}”: {}, {}",
        rec.format,
        counted(rec.names.len() as u64, "node"),
        counted(rec.len() as u64, "event")
    );
    if let Some(span) = rec.span_ms() {
        s.push_str(&format!(" over {}", duration_words(span)));
    }
    s.push_str(&format!(", from {}", counted(rec.lines, "line")));
    let mut skipped = Vec::new();
    if rec.skipped > 0 {
        skipped.push(format!(
            "{} skipped (log records that are not trace events)",
            count(rec.skipped)
        ));
    }
    if rec.blank > 0 {
        skipped.push(format!("{} blank", count(rec.blank)));
    }
    if skipped.is_empty() {
        s.push_str("; no line skipped");
    } else {
        s.push_str(&format!("; {}", skipped.join(", ")));
    }
    if rec.unreceived > 0 {
        s.push_str(&format!(
            "; {} never received",
            counted(rec.unreceived, "message")
        ));
    }
    s
}

/// The checks in words: a verdict, the rules that ran, and those that could
/// not with the reason.
pub fn checks_words(rec: &Recorded) -> (String, Vec<String>, Vec<String>) {
    let verdict = match rec.violations.len() {
        0 => format!(
            "{} checked: nothing broke",
            counted(rec.ran.len() as u64, "rule")
        ),
        n => format!(
            "{} of {} broken",
            counted(n as u64, "violation"),
            counted(rec.ran.len() as u64, "rule")
        ),
    };
    let ran = rec.ran.iter().map(|r| r.name().to_owned()).collect();
    let not = rec
        .not_ran
        .iter()
        .map(|r: &TraceRule| format!("{}: {}", r.name(), r.needs()))
        .collect();
    (verdict, ran, not)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::etcd::tests::{election, etcd_line};

    fn record(lines: &[String]) -> Recorded {
        crate::trace::tests::record(&lines.join("\n"))
    }

    #[test]
    fn cards_say_each_nodes_state_at_the_cursor() {
        let rec = record(&election());
        let before = cards(&rec, 0);
        assert_eq!(before[0].describe(), "N1: nothing known yet");
        let after = cards(&rec, 8);
        assert_eq!(
            after[1].describe(),
            "N2: leader, term 2, voted for N2, commit 3, last index 3"
        );
        assert_eq!(after[1].letter(), "L");
    }

    #[test]
    fn a_message_in_flight_is_a_dot_part_way() {
        let rec = record(&election());
        assert_eq!(dots(&rec, 3), vec![], "not sent yet");
        let d = dots(&rec, 4);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].from, d[0].to), (1, 0));
        assert_eq!(d[0].words, "MsgVote N2 → N1 (term 2)");
    }

    #[test]
    fn events_read_as_sentences_with_their_rule() {
        let rec = record(&election());
        assert_eq!(
            event_words(&rec, 7),
            ("N2 became leader in term 2".into(), Some("§5.2"))
        );
        assert_eq!(event_words(&rec, 3).0, "N2 sent MsgVote to N1 (term 2)");
        assert_eq!(event_words(&rec, 9).0, "N2 committed up to index 4");
        assert_eq!(
            event_words(&rec, 8).0,
            "N2 Replicate: term 2, commit 3, last index 4"
        );
    }

    #[test]
    fn the_status_says_what_was_imported_and_what_was_skipped() {
        let mut lines = election();
        lines.insert(1, r#"{"level":"info","tag":"other"}"#.into());
        lines.push(String::new());
        lines.push(etcd_line("Ready", 1, 'F', (2, 2, 3, 3), None));
        let rec = record(&lines);
        assert_eq!(
            status_words(&rec, "x.ndjson"),
            "etcd Raft trace “x.ndjson”: 2 nodes, 11 events over 0 ms, from 13 lines; 1 skipped (log records that are not trace events), 1 blank"
        );
        let (verdict, ran, not) = checks_words(&rec);
        assert_eq!(verdict, "6 rules checked: nothing broke");
        assert_eq!(ran.len(), 6);
        assert_eq!(
            not,
            vec!["a committed index keeps one term: the trace gives no entry's term"]
        );
    }

    #[test]
    fn logs_show_entries_where_terms_are_known_and_lengths_otherwise() {
        let rec = record(&election());
        let rows = logs(&rec, rec.len());
        assert_eq!(rows[1].words, "last index 4 · commit 4");
        assert_eq!(rows[1].cells.len(), 4);
        assert_eq!(rows[1].cells[3], (4, None, true));
        let example = crate::trace::tests::record(crate::trace::raftlab::tests::EXAMPLE);
        let rows = logs(&example, example.len());
        assert_eq!(
            rows[0].cells,
            vec![(1, Some(1), true), (2, Some(1), true), (3, Some(2), true)]
        );
    }

    #[test]
    fn nodes_sit_apart_inside_the_drawing() {
        for n in 1..=12 {
            let p = positions(n);
            assert_eq!(p.len(), n);
            for (i, a) in p.iter().enumerate() {
                assert!(a.0 - TRACE_NODE_R >= 0.0 && a.0 + TRACE_NODE_R <= TRACE_CLUSTER_W);
                assert!(a.1 - TRACE_NODE_R >= 0.0 && a.1 + TRACE_NODE_R <= TRACE_CLUSTER_H);
                for b in &p[i + 1..] {
                    let d = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
                    assert!(d > 2.0 * TRACE_NODE_R, "{n} nodes: {a:?} and {b:?} overlap");
                }
            }
        }
    }

    #[test]
    fn numbers_and_spans_read_well() {
        assert_eq!(count(4888), "4,888");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(duration_words(850.0), "850 ms");
        assert_eq!(duration_words(2_345.0), "2.3 s");
        assert_eq!(duration_words(270_000.0), "4.5 min");
    }
}
