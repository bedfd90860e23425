//! The event log as data: one line per step of the world, in plain words,
//! with the rule behind each thing a node did.
//!
//! One line per step (not per Raft event) because a step is what "one event
//! forward" runs: stepping forward adds exactly one line and stepping back
//! removes it, so the log and the playhead never disagree. A step's line
//! opens with what the world did (a message arrived, a timer fired, a client
//! asked, the user acted), in sentences written here, and then lists what
//! the nodes did about it, each with its rule, in the core's own sentences
//! ([`Event::sentence`]).

use crate::raft::{Answer, Event, MessageKind, NodeId, Rule, Time};
use crate::sim::{Action, LostBecause, OpId, Outcome, StepRecord, What, World};
use crate::view::text::words::{capitalised, folded};

/// What a line is about, for the log's filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LineKind {
    /// Timeouts, pre-votes, votes, leaders taking office, stepping down.
    Elections,
    /// Entries appended, stored, committed, applied; snapshots.
    Replication,
    /// Heartbeats and their replies when nothing changed.
    Heartbeats,
    /// Client operations and their answers.
    Client,
    /// Lost messages and the user's actions on the world.
    Faults,
}

impl LineKind {
    /// Every kind, in the order the filter lists them.
    pub const ALL: [LineKind; 5] = [
        LineKind::Elections,
        LineKind::Replication,
        LineKind::Heartbeats,
        LineKind::Client,
        LineKind::Faults,
    ];

    /// The kind's name in the filter.
    pub fn name(self) -> &'static str {
        match self {
            LineKind::Elections => "elections",
            LineKind::Replication => "replication",
            LineKind::Heartbeats => "heartbeats",
            LineKind::Client => "client",
            LineKind::Faults => "faults",
        }
    }

    /// A bit for sets of kinds.
    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// Why a step is worth jumping to ("Previous key event", "Next key event").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyMark {
    /// A node started an election (not a pre-vote round).
    ElectionStarted,
    /// A node won an election.
    LeaderElected,
    /// A leader advanced its commit index.
    Committed,
    /// The user changed the world (a crash, a cut, a setting, ...).
    UserAction,
    /// A safety property or linearizability broke at this step.
    Violation,
}

impl KeyMark {
    /// The mark in words.
    pub fn words(self) -> &'static str {
        match self {
            KeyMark::ElectionStarted => "election started",
            KeyMark::LeaderElected => "leader elected",
            KeyMark::Committed => "entry committed",
            KeyMark::UserAction => "your action",
            KeyMark::Violation => "rule broken",
        }
    }
}

/// One thing a node did within a step, as a sentence with its rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventPart {
    /// The node that did it.
    pub node: NodeId,
    /// The core's sentence, ending with the rule's section.
    pub sentence: String,
    /// The rule behind it, for the citation's explanation.
    pub rule: Rule,
}

/// One line of the event log: one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventLine {
    /// The step (from 1).
    pub step: u64,
    /// When it happened (global time).
    pub time: Time,
    /// The node the step happened at, if any (for the node filter).
    pub node: Option<NodeId>,
    /// Every node the line mentions as an actor (for the node filter).
    pub nodes: Vec<NodeId>,
    /// What it is about.
    pub kind: LineKind,
    /// Why it is a key event, if it is one (the strongest reason).
    pub key: Option<KeyMark>,
    /// What the world did, as a sentence.
    pub headline: String,
    /// What the nodes did about it.
    pub parts: Vec<EventPart>,
}

impl EventLine {
    /// The whole line as plain text: the headline, then each part.
    pub fn text(&self) -> String {
        let mut text = self.headline.clone();
        for p in &self.parts {
            text.push_str(". ");
            text.push_str(&p.sentence);
        }
        text
    }

    /// Whether the line passes the filter: a node (if any), a set of kinds
    /// (as bits), and a search text matched without regard to case.
    pub fn matches(&self, node: Option<NodeId>, kinds: u8, search: &str) -> bool {
        node.is_none_or(|n| self.nodes.contains(&n))
            && kinds & self.kind.bit() != 0
            && (search.is_empty() || folded(&self.text()).contains(&folded(search)))
    }
}

/// What a message is, in words, for sentences like "a vote reply from N2
/// reached N1".
pub fn message_words(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::PreVote => "a pre-vote request",
        MessageKind::RequestVote => "a vote request",
        MessageKind::VoteResponse => "a vote reply",
        MessageKind::AppendEntries => "AppendEntries with entries",
        MessageKind::Heartbeat => "a heartbeat",
        MessageKind::AppendResponse => "an AppendEntries reply",
        MessageKind::InstallSnapshot => "a snapshot",
        MessageKind::SnapshotResponse => "a snapshot reply",
        MessageKind::TimeoutNow => "TimeoutNow",
    }
}

fn op_words(world: &World, op: OpId) -> String {
    match world.history().get(op as usize) {
        Some(o) => match o.mode {
            Some(mode) => format!("operation #{op} ({}, {mode})", o.kind),
            None => format!("operation #{op} ({})", o.kind),
        },
        None => format!("operation #{op}"),
    }
}

fn answer_words(answer: &Answer) -> String {
    match answer {
        Answer::Written(r) if r.ok => match r.value {
            Some(v) => format!("written, the key now holds {v}"),
            None => "written, the key is now absent".to_string(),
        },
        Answer::Written(_) => {
            "not written: the compare-and-set expectation did not hold".to_string()
        }
        Answer::Read { value: Some(v) } => format!("the value is {v}"),
        Answer::Read { value: None } => "the key is absent".to_string(),
        Answer::Refused(r) => format!("refused: {r}"),
        Answer::Uncertain(_) => {
            "the outcome is unknown (the leader lost its entry), so the client will retry"
                .to_string()
        }
    }
}

/// The world's part of a step as a sentence.
fn headline(world: &World, record: &StepRecord) -> String {
    match &record.what {
        What::Delivered { from, to, kind, .. } => capitalised(&format!(
            "{} from {from} reached {to}",
            message_words(*kind)
        )),
        What::Lost {
            from,
            to,
            kind,
            because,
            ..
        } => {
            let why = match because {
                LostBecause::LinkCut => format!("the link {from}→{to} is cut"),
                LostBecause::NodeDown => format!("{to} is crashed"),
            };
            capitalised(&format!(
                "{} from {from} to {to} was lost: {why}",
                message_words(*kind)
            ))
        }
        What::Timer { node } => {
            let election = record
                .events
                .iter()
                .any(|(_, e)| matches!(e, Event::ElectionTimeout { .. }));
            let heartbeats: Vec<String> = record
                .sent
                .iter()
                .filter(|s| s.kind == MessageKind::Heartbeat)
                .map(|s| s.to.to_string())
                .collect();
            if election {
                format!("{node}'s election timer fired")
            } else if !heartbeats.is_empty() && heartbeats.len() == record.sent.len() {
                format!(
                    "{node}'s heartbeat timer fired: it sent heartbeats to {}",
                    heartbeats.join(", ")
                )
            } else {
                format!("{node}'s timer fired")
            }
        }
        What::Invoked { op } => match world.history().get(*op as usize) {
            Some(o) => format!(
                "Client {} sent {} to {}",
                o.client,
                op_words(world, *op),
                o.node
            ),
            None => format!("A client sent {}", op_words(world, *op)),
        },
        What::Request {
            op,
            node,
            attempt,
            delivered,
        } => {
            let again = if *attempt > 1 {
                format!(" (attempt {attempt})")
            } else {
                String::new()
            };
            if *delivered {
                capitalised(&format!("{}{again} reached {node}", op_words(world, *op)))
            } else {
                capitalised(&format!(
                    "{}{again} could not reach {node}: it is crashed",
                    op_words(world, *op)
                ))
            }
        }
        What::Reply { op, node, answer } => format!(
            "{node}'s answer to {} reached the client: {}",
            op_words(world, *op),
            answer_words(answer)
        ),
        What::ClientTimeout { op, attempt } => {
            let gave_up = world
                .history()
                .get(*op as usize)
                .is_some_and(|o| matches!(o.outcome, Outcome::Unknown));
            if gave_up {
                capitalised(&format!(
                    "{} timed out after attempt {attempt}: the client gave up, not knowing whether it took effect",
                    op_words(world, *op)
                ))
            } else {
                capitalised(&format!(
                    "{} timed out waiting for an answer: the client tries again",
                    op_words(world, *op)
                ))
            }
        }
        What::Action { action, result } => match result {
            Ok(()) => format!("You: {action}"),
            Err(e) => format!("You: {action}, which could not be done: {e}"),
        },
    }
}

fn kind_of(record: &StepRecord) -> LineKind {
    let elections = record.events.iter().any(|(_, e)| {
        matches!(
            e,
            Event::ElectionTimeout { .. }
                | Event::BecamePreCandidate { .. }
                | Event::BecameCandidate { .. }
                | Event::BecameLeader { .. }
                | Event::BecameFollower { .. }
                | Event::VoteGranted { .. }
                | Event::VoteRefused { .. }
                | Event::CampaignDeferred { .. }
                | Event::QuorumLost
        )
    });
    match &record.what {
        What::Action { action, .. } => match action {
            Action::Write { .. } | Action::Read { .. } | Action::SetWorkload(_) => LineKind::Client,
            _ => LineKind::Faults,
        },
        What::Lost { .. } => LineKind::Faults,
        What::Invoked { .. }
        | What::Request { .. }
        | What::Reply { .. }
        | What::ClientTimeout { .. } => LineKind::Client,
        _ if elections => LineKind::Elections,
        What::Delivered { kind, .. } => match kind {
            MessageKind::PreVote
            | MessageKind::RequestVote
            | MessageKind::VoteResponse
            | MessageKind::TimeoutNow => LineKind::Elections,
            MessageKind::Heartbeat => LineKind::Heartbeats,
            MessageKind::AppendResponse if record.events.is_empty() => LineKind::Heartbeats,
            _ => LineKind::Replication,
        },
        What::Timer { .. } if record.events.is_empty() => LineKind::Heartbeats,
        What::Timer { .. } => LineKind::Replication,
    }
}

fn key_of(record: &StepRecord, violation: bool) -> Option<KeyMark> {
    if violation {
        return Some(KeyMark::Violation);
    }
    if matches!(record.what, What::Action { result: Ok(()), .. }) {
        return Some(KeyMark::UserAction);
    }
    record
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::BecameLeader { .. } => Some(KeyMark::LeaderElected),
            Event::BecameCandidate { .. } => Some(KeyMark::ElectionStarted),
            Event::Committed { quorum, .. } if !quorum.is_empty() => Some(KeyMark::Committed),
            _ => None,
        })
        .max_by_key(|m| match m {
            KeyMark::LeaderElected => 2,
            KeyMark::ElectionStarted => 1,
            _ => 0,
        })
}

/// The line for a step, from its record and the world just after it.
/// `violation` says whether a broken property was found at this step.
pub fn step_line(world: &World, record: &StepRecord, violation: bool) -> EventLine {
    let mut nodes: Vec<NodeId> = record.node.into_iter().collect();
    match &record.what {
        What::Delivered { from, to, .. } | What::Lost { from, to, .. } => {
            nodes.extend([*from, *to]);
        }
        What::Reply { node, .. } | What::Request { node, .. } => nodes.push(*node),
        _ => {}
    }
    nodes.extend(record.events.iter().map(|(n, _)| *n));
    crate::sorting::sort(&mut nodes);
    nodes.dedup();
    EventLine {
        step: record.index,
        time: record.time,
        node: record.node,
        nodes,
        kind: kind_of(record),
        key: key_of(record, violation),
        headline: headline(world, record),
        parts: record
            .events
            .iter()
            .map(|(node, e)| EventPart {
                node: *node,
                sentence: e.sentence(*node),
                rule: e.rule(),
            })
            .collect(),
    }
}

/// The event log's line for one step, as it is shown and as a search reads
/// it: [`step_line`] with the verdict on a stale read added (one function,
/// so that a search finds the words of that verdict too). `broken`: a
/// safety rule broke at this step.
pub fn event_line(
    world: &World,
    record: &StepRecord,
    broken: bool,
    lanes: &crate::view::Lanes,
) -> EventLine {
    with_stale_note(step_line(world, record, broken), world, record, lanes)
}

/// `line` with the verdict on a stale read added to its headline, when
/// its step answered a read the recorder proved stale: "— stale: it missed
/// #4 set x=2, completed at 830.000 ms".
fn with_stale_note(
    mut line: EventLine,
    world: &World,
    record: &StepRecord,
    lanes: &crate::view::Lanes,
) -> EventLine {
    let What::Reply { op, .. } = record.what else {
        return line;
    };
    let Some(missed) = lanes.stale_read(op, record.time) else {
        return line;
    };
    let note = match missed.and_then(|m| world.history().get(m as usize)) {
        Some(w) => match w.completed_at() {
            Some(done) => format!(
                " — stale: it missed #{} {}, completed at {done}",
                w.id, w.kind
            ),
            None => format!(" — stale: it missed #{} {}", w.id, w.kind),
        },
        None => " — stale: no order of the operations explains it".to_string(),
    };
    line.headline.push_str(&note);
    line
}

/// The kind and key mark of a step without its sentences: what the recorder
/// keeps for every step so that filters and key-event jumps need no replay.
pub fn step_marks(record: &StepRecord, violation: bool) -> (LineKind, Option<KeyMark>) {
    (kind_of(record), key_of(record, violation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Timeline, WorldConfig};
    use crate::view::Recorder;

    fn timeline(seed: u64) -> Timeline<Recorder> {
        Timeline::fresh(WorldConfig::default(), seed, Recorder::new()).unwrap()
    }

    /// Steps until a step satisfies `pred`; returns its line.
    fn line_where(t: &mut Timeline<Recorder>, pred: impl Fn(&StepRecord) -> bool) -> EventLine {
        for _ in 0..100_000 {
            let r = t.step().expect("the world never runs dry");
            if pred(&r) {
                return step_line(t.world(), &r, false);
            }
        }
        panic!("no such step");
    }

    #[test]
    fn the_winning_vote_reply_reads_as_a_delivery_then_the_win_with_its_rule() {
        let mut t = timeline(3);
        let line = line_where(&mut t, |r| {
            r.events
                .iter()
                .any(|(_, e)| matches!(e, Event::BecameLeader { .. }))
        });
        let leader = t.world().leader().unwrap();
        assert!(
            line.headline.starts_with("A vote reply from N"),
            "{}",
            line.headline
        );
        assert!(line.headline.ends_with(&format!("reached {leader}")));
        let win = line
            .parts
            .iter()
            .find(|p| p.sentence.contains("won the election"))
            .expect("the win is a part of the line");
        assert_eq!(win.node, leader);
        assert_eq!(win.rule, Rule::Election);
        assert!(win.sentence.ends_with("(§5.2)"));
        assert_eq!(line.kind, LineKind::Elections);
        assert_eq!(line.key, Some(KeyMark::LeaderElected));
        assert!(line.text().contains("won the election"));
        assert!(line.nodes.contains(&leader));
    }

    #[test]
    fn an_election_timeout_starts_an_election_and_is_a_key_event() {
        let mut t = timeline(4);
        let line = line_where(&mut t, |r| {
            matches!(r.what, What::Timer { .. }) && !r.events.is_empty()
        });
        assert!(
            line.headline.ends_with("election timer fired"),
            "{}",
            line.headline
        );
        assert_eq!(line.key, Some(KeyMark::ElectionStarted));
        assert_eq!(line.kind, LineKind::Elections);
    }

    #[test]
    fn a_quiet_heartbeat_round_is_a_heartbeat_line_and_not_a_key_event() {
        let mut t = timeline(5);
        let leader = line_where(&mut t, |r| {
            r.events
                .iter()
                .any(|(_, e)| matches!(e, Event::BecameLeader { .. }))
        });
        let line = line_where(&mut t, |r| {
            matches!(r.what, What::Timer { .. })
                && !r.sent.is_empty()
                && r.sent.iter().all(|s| s.kind == MessageKind::Heartbeat)
        });
        assert!(
            line.headline
                .contains("heartbeat timer fired: it sent heartbeats to"),
            "{}",
            line.headline
        );
        assert_eq!(line.node, leader.parts.last().map(|p| p.node));
        assert_eq!(line.kind, LineKind::Heartbeats);
        assert_eq!(line.key, None);
    }

    #[test]
    fn a_user_action_is_a_key_event_but_a_refused_one_is_not() {
        let mut t = timeline(6);
        let n = NodeId(3);
        let r = t.act(Action::Crash { node: n });
        let line = step_line(t.world(), &r, false);
        assert_eq!(line.headline, "You: crash N3");
        assert_eq!(line.kind, LineKind::Faults);
        assert_eq!(line.key, Some(KeyMark::UserAction));
        let again = t.act(Action::Crash { node: n });
        let line = step_line(t.world(), &again, false);
        assert!(
            line.headline.contains("could not be done: N3 is crashed"),
            "{}",
            line.headline
        );
        assert_eq!(line.key, None);
    }

    #[test]
    fn a_message_to_a_crashed_node_is_lost_and_says_why() {
        let mut t = timeline(7);
        t.act(Action::Crash { node: NodeId(2) });
        let line = line_where(&mut t, |r| matches!(r.what, What::Lost { .. }));
        assert!(
            line.headline.ends_with("N2 is crashed"),
            "{}",
            line.headline
        );
        assert_eq!(line.kind, LineKind::Faults);
    }

    #[test]
    fn a_client_write_is_followed_from_invocation_to_answer() {
        let mut t = timeline(8);
        let l = line_where(&mut t, |r| {
            r.events
                .iter()
                .any(|(_, e)| matches!(e, Event::BecameLeader { .. }))
        });
        let leader = l
            .parts
            .iter()
            .find(|p| p.rule == Rule::Election)
            .unwrap()
            .node;
        t.act(Action::Write {
            node: leader,
            op: crate::raft::kv::Op::Set {
                key: "x".into(),
                value: 7,
            },
        });
        let answer = line_where(&mut t, |r| matches!(r.what, What::Reply { .. }));
        assert_eq!(answer.kind, LineKind::Client);
        assert!(answer.headline.contains("set x=7"), "{}", answer.headline);
        assert!(
            answer.headline.ends_with("written, the key now holds 7"),
            "{}",
            answer.headline
        );
    }

    #[test]
    fn the_filter_keeps_lines_by_node_kind_and_case_insensitive_search() {
        let mut t = timeline(3);
        let line = line_where(&mut t, |r| {
            r.events
                .iter()
                .any(|(_, e)| matches!(e, Event::BecameLeader { .. }))
        });
        let leader = line.parts.last().unwrap().node;
        let all = LineKind::ALL.iter().fold(0, |b, k| b | k.bit());
        assert!(line.matches(None, all, ""));
        assert!(line.matches(Some(leader), all, "WON THE"));
        assert!(!line.matches(Some(leader), all, "heartbeat"));
        assert!(!line.matches(None, all & !LineKind::Elections.bit(), ""));
        let outsider = (1..=5)
            .map(NodeId)
            .find(|n| !line.nodes.contains(n))
            .unwrap();
        assert!(!line.matches(Some(outsider), all, ""));
    }

    #[test]
    fn the_recorder_finds_key_events_and_steps_by_time_and_forgets_them_when_seeking_back() {
        let mut t = timeline(3);
        while t.world().leader().is_none() {
            t.step();
        }
        let won = t.cursor();
        let rec = t.observer().marks();
        assert_eq!(rec.len(), won);
        assert_eq!(rec.get(won).unwrap().key, Some(KeyMark::LeaderElected));
        let started = rec.previous_key(won).expect("an election started first");
        assert_eq!(
            rec.get(started).unwrap().key,
            Some(KeyMark::ElectionStarted)
        );
        assert_eq!(rec.next_key(started), Some(won));
        assert_eq!(rec.next_key(won), None);
        let time = rec.get(started).unwrap().time();
        assert!(rec.step_at_time(time) >= started);
        assert!(rec
            .get(rec.step_at_time(time) + 1)
            .is_none_or(|m| m.time() > time));
        let first = rec.next_key(0).expect("a first key event");
        assert!(first <= started);
        t.seek(started - 1);
        assert_eq!(t.observer().marks().len(), started - 1);
        assert!(t.observer().marks().get(started).is_none());
        assert_eq!(t.observer().marks().next_key(started - 1), None);
        assert_eq!(
            t.observer().marks().next_key(0),
            Some(first).filter(|f| *f < started)
        );
        t.seek(won);
        assert_eq!(t.observer().marks().next_key(started - 1), Some(started));
    }

    #[test]
    fn the_step_that_breaks_a_rule_is_marked_as_a_violation() {
        let t = crate::view::testing::two_leaders_in_one_term();
        let v = t.observer().first_violation().expect("broken").clone();
        let rec = t.observer().marks();
        assert_eq!(rec.get(v.step).unwrap().key, Some(KeyMark::Violation));
        for s in 1..=rec.len() {
            if rec.get(s).unwrap().key == Some(KeyMark::Violation) {
                assert!(
                    t.observer().violations().iter().any(|v| v.step == s),
                    "step {s} is marked but broke nothing"
                );
            }
        }
    }
}
