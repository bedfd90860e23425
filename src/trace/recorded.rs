//! A trace read whole, to be shown and stepped through: [`Recording`] reads
//! it a piece at a time (a 20 MB file is read over several frames with a
//! progress line) and checks it as it goes; [`Recorded`] is the result:
//! every event, every message matched from its sending to its receipt, the
//! key events, what the checks found, and what each node was at any
//! cursor.
//!
//! A cursor is a number of events: at cursor `c` the first `c` events have
//! happened (0 is before the first, `len` after the last).

use super::{
    NodeNames, NodeState, TraceChecker, TraceError, TraceEvent, TraceFormat, TraceMessage,
    TraceNode, TraceReader, TraceRole, TraceRule, TraceViolation, TraceWhat, MAX_LINE_BYTES,
};
use std::collections::{HashMap, VecDeque};

/// A message from the event that sent it to the one that received it (the
/// events' indices); `None` if no event received it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceArrow {
    pub sent: usize,
    pub received: Option<usize>,
}

/// Reads a trace a piece at a time and checks it as it goes.
#[derive(Debug)]
pub struct Recording {
    reader: TraceReader,
    /// The start of a line whose end is in the next piece.
    carry: Vec<u8>,
    checker: TraceChecker,
    events: Vec<TraceEvent>,
    violations: Vec<TraceViolation>,
    bytes: u64,
}

impl Recording {
    /// A recording of a trace in `format`, or in the format its first line
    /// tells.
    pub fn new(format: Option<TraceFormat>) -> Recording {
        Recording {
            reader: TraceReader::new(format),
            carry: Vec::new(),
            checker: TraceChecker::default(),
            events: Vec::new(),
            violations: Vec::new(),
            bytes: 0,
        }
    }

    /// Bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Reads the next piece of the file; an error stops the reading.
    pub fn feed(&mut self, mut piece: &[u8]) -> Result<(), TraceError> {
        self.bytes += piece.len() as u64;
        if !self.carry.is_empty() {
            match piece.iter().position(|b| *b == b'\n') {
                Some(end) => {
                    let mut line = std::mem::take(&mut self.carry);
                    line.extend_from_slice(&piece[..end]);
                    self.line(&line)?;
                    piece = &piece[end + 1..];
                }
                None => return self.keep(piece),
            }
        }
        while let Some(end) = piece.iter().position(|b| *b == b'\n') {
            self.line(&piece[..end])?;
            piece = &piece[end + 1..];
        }
        self.keep(piece)
    }

    /// Keeps the start of a line, refusing one longer than a line can be.
    fn keep(&mut self, piece: &[u8]) -> Result<(), TraceError> {
        self.carry.extend_from_slice(piece);
        if self.carry.len() > MAX_LINE_BYTES {
            let line = self.reader.counts().0 + 1;
            return Err(TraceError::TooLong {
                line,
                bytes: self.carry.len(),
            });
        }
        Ok(())
    }

    /// Reads one whole line.
    fn line(&mut self, bytes: &[u8]) -> Result<(), TraceError> {
        if let Some(event) = self.reader.read(bytes)? {
            self.violations
                .extend(self.checker.observe(&event, self.reader.names()));
            self.events.push(event);
        }
        Ok(())
    }

    /// The trace read: its last line, then everything shown. A file with
    /// no event is an error.
    pub fn finish(mut self) -> Result<Recorded, TraceError> {
        if !self.carry.is_empty() {
            let last = std::mem::take(&mut self.carry);
            self.line(&last)?;
        }
        let reader = self.reader;
        let (lines, skipped, blank) = reader.counts();
        let Some(format) = reader.format().filter(|_| !self.events.is_empty()) else {
            return Err(TraceError::NoEvents { lines });
        };
        let (ran, not_ran) = self.checker.coverage();
        let names = reader.names().clone();
        let mut recorded = Recorded {
            format,
            per_node: vec![Vec::new(); names.len()],
            names,
            arrows: Vec::new(),
            keys: Vec::new(),
            violations: self.violations,
            ran,
            not_ran,
            lines,
            skipped,
            blank,
            bytes: self.bytes,
            unreceived: self.checker.unreceived(),
            events: self.events,
        };
        recorded.index();
        Ok(recorded)
    }
}

/// A trace read whole: see the module documentation.
#[derive(Debug)]
pub struct Recorded {
    pub format: TraceFormat,
    pub names: NodeNames,
    pub events: Vec<TraceEvent>,
    /// Every message, by the event that sent it.
    pub arrows: Vec<TraceArrow>,
    /// Every rule broken, in the order of its lines.
    pub violations: Vec<TraceViolation>,
    /// The rules the trace had data for, and those it had not.
    pub ran: Vec<TraceRule>,
    pub not_ran: Vec<TraceRule>,
    /// Lines read, other log records skipped, blank lines, bytes.
    pub lines: u64,
    pub skipped: u64,
    pub blank: u64,
    pub bytes: u64,
    /// Messages sent and never received.
    pub unreceived: u64,
    /// Each node's events, by index.
    per_node: Vec<Vec<usize>>,
    /// The key events (a node started, crashed, stood for election or
    /// became leader, and every rule broken), by index.
    keys: Vec<usize>,
}

impl Recorded {
    /// Matches messages, lists each node's events and the key events.
    fn index(&mut self) {
        let mut sent: HashMap<&TraceMessage, VecDeque<usize>> = HashMap::new();
        let mut broken = self.violations.iter().map(|v| v.line).peekable();
        for (i, e) in self.events.iter().enumerate() {
            self.per_node[e.node.0].push(i);
            match &e.what {
                TraceWhat::Sent(m) => {
                    sent.entry(m).or_default().push_back(self.arrows.len());
                    self.arrows.push(TraceArrow {
                        sent: i,
                        received: None,
                    });
                }
                TraceWhat::Received(m) => {
                    if let Some(a) = sent.get_mut(m).and_then(VecDeque::pop_front) {
                        self.arrows[a].received = Some(i);
                    }
                }
                _ => {}
            }
            let mut key = matches!(
                e.what,
                TraceWhat::Start
                    | TraceWhat::Crashed
                    | TraceWhat::Became(
                        TraceRole::Candidate | TraceRole::PreCandidate | TraceRole::Leader
                    )
            );
            while broken.next_if(|line| *line <= e.line).is_some() {
                key = true;
            }
            if key {
                self.keys.push(i);
            }
        }
    }

    /// The number of events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether there are no events (never, for a trace that was read).
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The index of the event read from `line`, or of the first after it.
    pub fn event_at_line(&self, line: u64) -> usize {
        self.events.partition_point(|e| e.line < line)
    }

    /// What the trace last said of `node`'s state before `cursor`, and
    /// whether it is up (not crashed since).
    pub fn state_at(&self, node: TraceNode, cursor: usize) -> (Option<&NodeState>, bool) {
        let mine = self.per_node.get(node.0).map_or(&[][..], Vec::as_slice);
        let before = &mine[..mine.partition_point(|&i| i < cursor)];
        let up = before
            .last()
            .is_none_or(|&i| self.events[i].what != TraceWhat::Crashed);
        let state = before
            .iter()
            .rev()
            .find_map(|&i| self.events[i].state.as_ref());
        (state, up)
    }

    /// The terms of `node`'s log entries before `cursor` (index 1 first),
    /// where the trace gives them (a Raftlab trace's `append` lines).
    pub fn log_at(&self, node: TraceNode, cursor: usize) -> Vec<u64> {
        let mut log = Vec::new();
        for &i in self.per_node.get(node.0).into_iter().flatten() {
            if i >= cursor {
                break;
            }
            if let TraceWhat::Appended { index, terms } = &self.events[i].what {
                log.truncate(*index as usize - 1);
                log.extend_from_slice(terms);
            }
        }
        log
    }

    /// Whether the trace gives entry terms (so logs can be drawn entry by
    /// entry).
    pub fn has_entry_terms(&self) -> bool {
        self.format == TraceFormat::Raftlab
    }

    /// The messages in flight at `cursor`: sent before it, received at or
    /// after it.
    pub fn in_flight(&self, cursor: usize) -> impl Iterator<Item = &TraceArrow> {
        self.arrows
            .iter()
            .take_while(move |a| a.sent < cursor)
            .filter(move |a| a.received.is_some_and(|r| r >= cursor))
    }

    /// The message an event sent or received.
    pub fn message(&self, event: usize) -> Option<&TraceMessage> {
        match &self.events.get(event)?.what {
            TraceWhat::Sent(m) | TraceWhat::Received(m) => Some(m),
            _ => None,
        }
    }

    /// The cursor just after the next key event after `cursor`, if any.
    pub fn next_key(&self, cursor: usize) -> Option<usize> {
        let at = self.keys.partition_point(|&k| k < cursor);
        self.keys.get(at).map(|k| k + 1)
    }

    /// The cursor just after the last key event before the one at
    /// `cursor`, if any.
    pub fn previous_key(&self, cursor: usize) -> Option<usize> {
        let at = self.keys.partition_point(|&k| k + 1 < cursor);
        at.checked_sub(1).map(|a| self.keys[a] + 1)
    }

    /// The time span the trace covers, in milliseconds, if it gives times.
    pub fn span_ms(&self) -> Option<f64> {
        let first = self.events.iter().find_map(|e| e.time_ms)?;
        let last = self.events.iter().rev().find_map(|e| e.time_ms)?;
        Some(last - first)
    }

    /// The time of the event before `cursor` since the trace's first time.
    pub fn time_at(&self, cursor: usize) -> Option<f64> {
        let first = self.events.iter().find_map(|e| e.time_ms)?;
        let at = self.events[..cursor.min(self.len())]
            .iter()
            .rev()
            .find_map(|e| e.time_ms)
            .unwrap_or(first);
        Some(at - first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::etcd::tests::{election, etcd_line};

    fn record(text: &str, piece: usize) -> Result<Recorded, TraceError> {
        let mut r = Recording::new(None);
        for chunk in text.as_bytes().chunks(piece) {
            r.feed(chunk)?;
        }
        r.finish()
    }

    #[test]
    fn read_in_pieces_of_any_size_the_trace_is_the_same() {
        let text = election().join("\n");
        let whole = record(&text, text.len()).expect("reads");
        for piece in [1, 7, 100, 1000] {
            let parts = record(&text, piece).expect("reads");
            assert_eq!(parts.events, whole.events, "pieces of {piece}");
        }
        assert_eq!(whole.len(), 10);
        assert_eq!(whole.format, TraceFormat::Etcd);
    }

    #[test]
    fn messages_are_matched_from_sending_to_receipt() {
        let r = record(&election().join("\n"), 64).expect("reads");
        assert_eq!(
            r.arrows,
            vec![
                TraceArrow {
                    sent: 3,
                    received: Some(4)
                },
                TraceArrow {
                    sent: 5,
                    received: Some(6)
                }
            ]
        );
        assert_eq!(r.in_flight(4).count(), 1, "sent at 3, received at 4");
        assert_eq!(r.in_flight(5).count(), 0);
    }

    #[test]
    fn state_at_a_cursor_is_the_last_the_trace_said_before_it() {
        let r = record(&election().join("\n"), 50).expect("reads");
        let n2 = TraceNode(1);
        assert_eq!(r.state_at(n2, 0).0, None);
        assert_eq!(
            r.state_at(n2, 3).0.and_then(|s| s.role),
            Some(TraceRole::Candidate)
        );
        assert_eq!(
            r.state_at(n2, 8).0.and_then(|s| s.role),
            Some(TraceRole::Leader)
        );
        assert!(r.state_at(n2, 8).1, "up");
    }

    #[test]
    fn key_events_step_both_ways() {
        let r = record(&election().join("\n"), 50).expect("reads");
        // Keys: two starts (events 0, 1), candidate (2), leader (7).
        assert_eq!(r.next_key(0), Some(1));
        assert_eq!(r.next_key(2), Some(3));
        assert_eq!(r.next_key(3), Some(8));
        assert_eq!(r.next_key(8), None);
        assert_eq!(r.previous_key(8), Some(3));
        assert_eq!(r.previous_key(3), Some(2));
        assert_eq!(r.previous_key(1), None);
    }

    #[test]
    fn a_rule_broken_is_a_key_event_at_its_line() {
        let mut lines = election();
        lines.push(etcd_line("Ready", 1, 'F', (1, 0, 3, 3), None));
        let r = record(&lines.join("\n"), 50).expect("reads");
        assert_eq!(r.violations.len(), 1);
        assert_eq!(r.violations[0].line, 11);
        assert_eq!(r.event_at_line(11), 10);
        assert_eq!(r.next_key(8), Some(11));
    }

    #[test]
    fn a_file_without_events_or_with_a_huge_line_is_refused() {
        assert_eq!(
            record("\n\n", 1).map(|r| r.len()),
            Err(TraceError::NoEvents { lines: 2 })
        );
        let huge = "x".repeat(MAX_LINE_BYTES + 10);
        assert!(matches!(
            record(&huge, 4096),
            Err(TraceError::TooLong { line: 1, .. })
        ));
    }

    #[test]
    fn a_raftlab_trace_gives_logs_entry_by_entry() {
        let r = record(crate::trace::raftlab::tests::EXAMPLE, 100).expect("reads");
        assert_eq!(r.format, TraceFormat::Raftlab);
        assert!(r.has_entry_terms());
        let leader = (0..r.names.len())
            .map(TraceNode)
            .find(|&n| r.state_at(n, r.len()).0.and_then(|s| s.role) == Some(TraceRole::Leader))
            .expect("a leader at the end");
        let log = r.log_at(leader, r.len());
        assert!(!log.is_empty());
        assert_eq!(
            r.state_at(leader, r.len()).0.and_then(|s| s.last_index),
            Some(log.len() as u64)
        );
    }
}
