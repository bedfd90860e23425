//! etcd's Raft trace: newline-delimited JSON, as the library's trace logger
//! writes it for TLA+ trace validation (`tla/example.ndjson` in
//! etcd-io/raft). Each line is a log record; those whose `tag` is `trace`
//! carry an `event`: its `name` (`BecomeLeader`, `SendAppendEntriesRequest`,
//! ...), the node (`nid`), its `state` (`term`, `vote`, `commit`; a vote
//! of `"0"` is none), its `role` (`StateLeader`, ...), `log` (the index of
//! its last entry) and, for a message, `msg` (`type`, `term`, `from`, `to`,
//! `entries`, `logTerm`, `index`, `commit`, `vote`, `reject`). Other lines
//! are skipped and counted. The trace gives no entry's term.

use super::{
    json_line, NodeNames, NodeState, TraceError, TraceEvent, TraceMessage, TraceRole, TraceWhat,
};
use serde::Deserialize;

/// One log record; only the fields read.
#[derive(Deserialize)]
struct Record {
    /// Seconds since 1970.
    ts: Option<f64>,
    tag: Option<String>,
    event: Option<Event>,
}

#[derive(Deserialize)]
struct Event {
    name: Option<String>,
    nid: Option<String>,
    state: Option<State>,
    role: Option<String>,
    log: Option<u64>,
    msg: Option<Message>,
}

#[derive(Deserialize)]
struct State {
    term: u64,
    vote: Option<String>,
    commit: Option<u64>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    term: u64,
    from: String,
    to: String,
    entries: Option<u64>,
    #[serde(rename = "logTerm")]
    log_term: Option<u64>,
    index: Option<u64>,
    commit: Option<u64>,
    vote: Option<String>,
    reject: Option<bool>,
}

/// Reads an etcd trace a line at a time, numbering its nodes and counting
/// the lines that are not events.
#[derive(Debug, Default)]
pub struct EtcdReader {
    /// The nodes named so far.
    pub names: NodeNames,
    /// Lines read so far.
    pub lines: u64,
    /// Log records that are not trace events (their `tag` is not `trace`).
    pub skipped: u64,
    /// Empty lines.
    pub blank: u64,
}

impl EtcdReader {
    /// Reads the next line (its bytes, without the line break): an event,
    /// or `None` for a line that is not one (blank, or a log record of
    /// another kind).
    pub fn read(&mut self, bytes: &[u8]) -> Result<Option<TraceEvent>, TraceError> {
        let Some((line, record)) = json_line::<Record>(bytes, &mut self.lines, &mut self.blank)?
        else {
            return Ok(None);
        };
        if record.tag.as_deref() != Some("trace") {
            self.skipped += 1;
            return Ok(None);
        }
        let event = record.event.ok_or(TraceError::Missing {
            line,
            field: "event",
        })?;
        let name = event.name.ok_or(TraceError::Missing {
            line,
            field: "name",
        })?;
        let nid = event
            .nid
            .ok_or(TraceError::Missing { line, field: "nid" })?;
        let node = self.names.node(&nid, line)?;
        let role = event.role.as_deref().map(|r| role(r, line)).transpose()?;
        let state = match event.state {
            Some(s) => Some(NodeState {
                term: s.term,
                vote: match s.vote.filter(|v| v != "0") {
                    Some(v) => Some(self.names.node(&v, line)?),
                    None => None,
                },
                commit: s.commit,
                role,
                last_index: event.log,
            }),
            None => None,
        };
        let what = match name.as_str() {
            "InitState" => TraceWhat::Start,
            "BecomeFollower" => TraceWhat::Became(TraceRole::Follower),
            "BecomePreCandidate" => TraceWhat::Became(TraceRole::PreCandidate),
            "BecomeCandidate" => TraceWhat::Became(TraceRole::Candidate),
            "BecomeLeader" => TraceWhat::Became(TraceRole::Leader),
            "Commit" => TraceWhat::Committed { terms: Vec::new() },
            "SendAppendEntriesRequest"
            | "SendAppendEntriesResponse"
            | "SendRequestVoteRequest"
            | "SendRequestVoteResponse"
            | "SendSnapshot" => TraceWhat::Sent(self.message(event.msg, line)?),
            "ReceiveAppendEntriesRequest"
            | "ReceiveAppendEntriesResponse"
            | "ReceiveRequestVoteRequest"
            | "ReceiveRequestVoteResponse"
            | "ReceiveSnapshot" => TraceWhat::Received(self.message(event.msg, line)?),
            "Replicate" | "ChangeConf" | "ApplyConfChange" | "Ready" | "Bootstrap" => {
                TraceWhat::Other(name)
            }
            _ => return Err(TraceError::UnknownEvent { line, name }),
        };
        Ok(Some(TraceEvent {
            line,
            time_ms: record.ts.map(|s| s * 1000.0),
            node,
            what,
            state,
        }))
    }

    /// The message of a send or receive event.
    fn message(&mut self, msg: Option<Message>, line: u64) -> Result<TraceMessage, TraceError> {
        let m = msg.ok_or(TraceError::Missing { line, field: "msg" })?;
        let none = u64::MAX;
        let vote = match m.vote.as_deref() {
            None => none,
            Some("0") => 0,
            Some(v) => self.names.node(v, line)?.0 as u64 + 1,
        };
        Ok(TraceMessage {
            kind: m.kind,
            term: m.term,
            from: self.names.node(&m.from, line)?,
            to: self.names.node(&m.to, line)?,
            details: vec![
                m.index.unwrap_or(none),
                m.log_term.unwrap_or(none),
                m.entries.unwrap_or(none),
                m.commit.unwrap_or(none),
                m.reject.map_or(none, u64::from),
                vote,
            ],
        })
    }
}

/// The role etcd names `role` (`StateLeader`, ...).
fn role(role: &str, line: u64) -> Result<TraceRole, TraceError> {
    Ok(match role {
        "StateFollower" => TraceRole::Follower,
        "StatePreCandidate" => TraceRole::PreCandidate,
        "StateCandidate" => TraceRole::Candidate,
        "StateLeader" => TraceRole::Leader,
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
    use crate::trace::TraceNode;

    /// An etcd trace line for node `nid` in `role` (`L`, `C`, `F`), term,
    /// vote, commit and last index, with an optional message: lines in the
    /// shape etcd's trace logger writes, for the tests here and in `rules`.
    pub(crate) fn etcd_line(
        name: &str,
        nid: u8,
        role: char,
        state: (u64, u8, u64, u64),
        msg: Option<(&str, u64, u8, u8, u64)>,
    ) -> String {
        let role = match role {
            'L' => "StateLeader",
            'C' => "StateCandidate",
            'P' => "StatePreCandidate",
            _ => "StateFollower",
        };
        let (term, vote, commit, log) = state;
        let msg = msg.map_or(String::new(), |(kind, term, from, to, index)| {
            format!(r#","msg":{{"type":"{kind}","term":{term},"from":"{from}","to":"{to}","entries":0,"logTerm":{term},"index":{index},"commit":{commit},"vote":"0","reject":false,"rejectHint":0}}"#)
        });
        format!(
            r#"{{"level":"debug","ts":1718271673.27,"caller":"rafttest/trace_logger.go:42","msg":"trace","tag":"trace","event":{{"name":"{name}","nid":"{nid}","state":{{"term":{term},"vote":"{vote}","commit":{commit}}},"role":"{role}","log":{log},"Applied":0,"conf":[["1","2","3"],[]]{msg}}}}}"#
        )
    }

    fn read_all(lines: &[String]) -> (EtcdReader, Vec<TraceEvent>) {
        let mut r = EtcdReader::default();
        let events = lines
            .iter()
            .filter_map(|l| r.read(l.as_bytes()).expect("reads"))
            .collect();
        (r, events)
    }

    /// An election won by N2 in term 2 and one append, as etcd traces it.
    pub(crate) fn election() -> Vec<String> {
        vec![
            etcd_line("InitState", 1, 'F', (1, 0, 3, 3), None),
            etcd_line("InitState", 2, 'F', (1, 0, 3, 3), None),
            etcd_line("BecomeCandidate", 2, 'C', (2, 2, 3, 3), None),
            etcd_line(
                "SendRequestVoteRequest",
                2,
                'C',
                (2, 2, 3, 3),
                Some(("MsgVote", 2, 2, 1, 3)),
            ),
            etcd_line(
                "ReceiveRequestVoteRequest",
                1,
                'F',
                (1, 0, 3, 3),
                Some(("MsgVote", 2, 2, 1, 3)),
            ),
            etcd_line(
                "SendRequestVoteResponse",
                1,
                'F',
                (2, 2, 3, 3),
                Some(("MsgVoteResp", 2, 1, 2, 0)),
            ),
            etcd_line(
                "ReceiveRequestVoteResponse",
                2,
                'C',
                (2, 2, 3, 3),
                Some(("MsgVoteResp", 2, 1, 2, 0)),
            ),
            etcd_line("BecomeLeader", 2, 'L', (2, 2, 3, 3), None),
            etcd_line("Replicate", 2, 'L', (2, 2, 3, 4), None),
            etcd_line("Commit", 2, 'L', (2, 2, 4, 4), None),
        ]
    }

    #[test]
    fn reads_events_roles_states_and_messages() {
        let mut lines = election();
        lines.insert(
            3,
            r#"{"level":"info","msg":"started","tag":"other"}"#.to_string(),
        );
        lines.insert(4, String::new());
        let (r, events) = read_all(&lines);
        assert_eq!(events.len(), 10);
        assert_eq!((r.lines, r.skipped, r.blank), (12, 1, 1));
        assert_eq!(r.names.len(), 2);
        assert_eq!(r.names.name(TraceNode(1)), "2");
        assert_eq!(events[2].what, TraceWhat::Became(TraceRole::Candidate));
        let state = events[2].state.clone().expect("a state");
        assert_eq!(
            (state.term, state.vote, state.commit, state.last_index),
            (2, Some(TraceNode(1)), Some(3), Some(3))
        );
        assert_eq!(
            events[0].state.as_ref().and_then(|s| s.vote),
            None,
            "vote \"0\" is none"
        );
        let (TraceWhat::Sent(sent), TraceWhat::Received(got)) = (&events[3].what, &events[4].what)
        else {
            panic!("a send and a receive: {events:?}");
        };
        assert_eq!(sent, got, "the same message, sent and received");
        assert_eq!(
            events[4].line, 7,
            "lines are counted from 1, skipped ones too"
        );
    }

    /// 100,000 mutated lines (bytes flipped, cut, repeated or inserted,
    /// numbers made huge) read and checked: nothing panics, every error
    /// names the line it is on, and both readable and unreadable lines
    /// occur, so both paths ran.
    #[test]
    fn mutated_lines_never_panic_and_every_error_names_its_line() {
        let good = election();
        let good: Vec<&str> = good.iter().map(String::as_str).collect();
        crate::trace::tests::mutated_lines_never_panic(crate::trace::TraceFormat::Etcd, &good, 26);
    }

    #[test]
    fn every_bad_line_says_what_is_wrong_and_where() {
        let cases: [(&[u8], &str); 8] = [
            (b"{not json", "line 1: not a trace event"),
            (br#"{"tag":"trace"}"#, "line 1: the event has no `event`"),
            (br#"{"tag":"trace","event":{"name":"Ready"}}"#, "line 1: the event has no `nid`"),
            (br#"{"tag":"trace","event":{"name":"Dance","nid":"1"}}"#, "line 1: unknown event `Dance`"),
            (br#"{"tag":"trace","event":{"name":"Ready","nid":"1","role":"StateKing"}}"#, "line 1: unknown role `StateKing`"),
            (br#"{"tag":"trace","event":{"name":"SendAppendEntriesRequest","nid":"1"}}"#, "line 1: the event has no `msg`"),
            (br#"{"tag":"trace","event":{"name":"Ready","nid":"1","state":{"term":184467440737095516160}}}"#, "line 1: not a trace event"),
            (b"\x00\xff\xfe binary", "line 1: not text"),
        ];
        for (bytes, says) in cases {
            let err = EtcdReader::default().read(bytes).expect_err("a bad line");
            assert!(
                err.to_string().starts_with(says),
                "{err} (expected: {says})"
            );
            assert_eq!(err.line(), 1);
        }
        let long = vec![b' '; crate::trace::MAX_LINE_BYTES + 1];
        let err = EtcdReader::default().read(&long).expect_err("too long");
        assert!(matches!(err, TraceError::TooLong { line: 1, .. }), "{err}");
    }
}
