//! Client results: every client operation with its outcome in words, reads
//! proven stale marked as such with the write they missed.

use crate::raft::ReadMode;
use crate::sim::{ClientOp, OpId, OpKind, Outcome, World};
use crate::view::history::recorder::Recorder;

/// The most recent operations listed.
pub const MAX_RESULTS: usize = 60;

/// How an operation ended, as the results list sorts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Still waiting for an answer.
    Pending,
    /// Answered.
    Ok,
    /// Refused: it had no effect.
    Refused,
    /// The client gave up: it may or may not have taken effect.
    Unknown,
    /// A read proven stale (or impossible) by the linearizability checker.
    Stale,
}

impl Verdict {
    /// A class-safe word.
    pub fn class(self) -> &'static str {
        match self {
            Verdict::Pending => "pending",
            Verdict::Ok => "ok",
            Verdict::Refused => "refused",
            Verdict::Unknown => "unknown",
            Verdict::Stale => "stale",
        }
    }
}

/// One line of the results list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultRow {
    /// The operation.
    pub op: OpId,
    /// How it ended.
    pub verdict: Verdict,
    /// The whole line in words.
    pub text: String,
}

/// The read mode as the Read mode menu names it.
pub fn mode_words(mode: ReadMode) -> &'static str {
    match mode {
        ReadMode::ReadIndex => "ReadIndex",
        ReadMode::Lease => "Lease",
        ReadMode::LeaderNoCheck => "Leader without check",
        ReadMode::LocalAnyNode => "Any node, local",
    }
}

fn value_words(key: &str, value: Option<i64>) -> String {
    match value {
        Some(v) => format!("{key} = {v}"),
        None => format!("{key} is absent"),
    }
}

fn op_words(op: &ClientOp) -> String {
    match (&op.kind, op.mode) {
        (OpKind::Read { key }, Some(mode)) => format!("read {key} ({})", mode_words(mode)),
        (kind, _) => kind.to_string(),
    }
}

/// The line for one operation.
pub fn result_row(world: &World, recorder: &Recorder, op: &ClientOp) -> ResultRow {
    // A redirect or a retry ends at another node: say where the client
    // sent it and who answered, so the two never seem to contradict.
    let what = if op.sent_to == op.node {
        format!("#{} {} via {}", op.id, op_words(op), op.node)
    } else {
        format!(
            "#{} {} sent to {}, answered by {}",
            op.id,
            op_words(op),
            op.sent_to,
            op.node
        )
    };
    let key = op.kind.key();
    let (verdict, outcome) = match &op.outcome {
        Outcome::Pending => (Verdict::Pending, "waiting for an answer".to_string()),
        Outcome::ReadOk { value, at } => match recorder.stale_read(op.id) {
            Some(stale) => {
                let missed = stale
                    .missed
                    .and_then(|id| world.history().get(id as usize))
                    .map(|w| {
                        let done = w.completed_at().map(|t| t.to_string()).unwrap_or_default();
                        format!(
                            "it missed #{} {} (completed at {done}, before this read began)",
                            w.id, w.kind
                        )
                    })
                    .unwrap_or_else(|| format!("no order explains it: {}", stale.sentence));
                (
                    Verdict::Stale,
                    format!(
                        "returned {} at {at}: stale, {missed}",
                        value_words(key, *value)
                    ),
                )
            }
            None => (
                Verdict::Ok,
                format!("returned {} at {at}", value_words(key, *value)),
            ),
        },
        Outcome::WriteOk { result, at } => {
            let how = if result.ok {
                "done"
            } else {
                "not done (the comparison failed)"
            };
            (
                Verdict::Ok,
                format!("{how} at {at}: now {}", value_words(key, result.value)),
            )
        }
        Outcome::Failed { at } => {
            let why = recorder
                .refusal(op.id)
                .map(|r| format!(": {r}"))
                .unwrap_or_else(|| ": no node answered in time".to_string());
            (Verdict::Refused, format!("refused at {at}{why}"))
        }
        Outcome::Unknown => (
            Verdict::Unknown,
            "unknown: the client gave up, and the write may or may not have taken effect"
                .to_string(),
        ),
    };
    ResultRow {
        op: op.id,
        verdict,
        text: format!("{what} — {outcome}"),
    }
}

/// The line under the cluster for the newest operation: the results
/// list's line, led by its verdict in words (so a stale read is named, not
/// only coloured).
pub fn latest_result_line(row: &ResultRow) -> String {
    let lead = match row.verdict {
        Verdict::Stale => "Latest client result, STALE:",
        Verdict::Pending => "Latest client request:",
        _ => "Latest client result:",
    };
    format!("{lead} {}", row.text)
}

/// The newest operations, newest first.
pub fn result_rows(world: &World, recorder: &Recorder) -> Vec<ResultRow> {
    world
        .history()
        .iter()
        .rev()
        .take(MAX_RESULTS)
        .map(|op| result_row(world, recorder, op))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Op, Time};
    use crate::sim::{Action, Timeline, WorldConfig};
    use crate::view::testing::{isolate, leader_of, settle};

    /// Isolates the leader, writes x = 2 through the majority, then reads x
    /// from the old leader in `mode`; returns the read's row and the write's id.
    fn stale_leader_read(mode: ReadMode) -> (ResultRow, OpId, Timeline<Recorder>) {
        let mut t = Timeline::fresh(WorldConfig::default(), 11, Recorder::new()).unwrap();
        let old = leader_of(&mut t);
        t.act(Action::Write {
            node: old,
            op: Op::Set {
                key: "x".into(),
                value: 1,
            },
        });
        settle(&mut t, 200);
        let others = isolate(&mut t, old);
        settle(&mut t, 1_500);
        let new = t.world().leader().filter(|l| *l != old).or_else(|| {
            others
                .iter()
                .copied()
                .find(|n| t.world().node(*n).role() == crate::raft::Role::Leader)
        });
        let new = new.expect("the majority elected a leader");
        t.act(Action::Write {
            node: new,
            op: Op::Set {
                key: "x".into(),
                value: 2,
            },
        });
        settle(&mut t, 300);
        let write = t.world().history().len() as OpId - 1;
        assert!(matches!(
            t.world().history()[write as usize].outcome,
            Outcome::WriteOk { .. }
        ));
        t.act(Action::Read {
            node: old,
            key: "x".into(),
            mode,
        });
        settle(&mut t, 3_000);
        let read = t.world().history().last().unwrap().clone();
        (result_row(t.world(), t.observer(), &read), write, t)
    }

    #[test]
    fn a_read_from_a_deposed_leader_without_check_is_marked_stale_naming_the_missed_write() {
        let (row, write, t) = stale_leader_read(ReadMode::LeaderNoCheck);
        assert_eq!(row.verdict, Verdict::Stale, "{}", row.text);
        assert!(row.text.contains("x = 1"), "{}", row.text);
        assert!(
            row.text.contains(&format!("it missed #{write} set x=2")),
            "{}",
            row.text
        );
        assert!(row.text.contains("Leader without check"));
        // Under the cluster, the verdict leads the line in words.
        let line = latest_result_line(&row);
        assert!(line.starts_with("Latest client result, STALE: #"), "{line}");
        assert!(line.ends_with(&row.text), "{line}");
        // An unsafe mode breaks no promise: no violation alert for it.
        assert!(t.observer().first_violation().is_none());
    }

    #[test]
    fn a_read_index_read_retried_elsewhere_says_where_it_was_sent_first() {
        // Reference: §8 — the cut-off leader cannot confirm it leads, so the
        // client retries with another node.
        let (row, _, t) = stale_leader_read(ReadMode::ReadIndex);
        let read = t.world().history().last().unwrap();
        assert_ne!(
            read.sent_to, read.node,
            "the read was retried: {}",
            row.text
        );
        assert!(
            row.text.contains(&format!(
                "sent to {}, answered by {}",
                read.sent_to, read.node
            )),
            "{}",
            row.text
        );
        assert_eq!(
            row.verdict,
            Verdict::Ok,
            "ReadIndex is never stale: {}",
            row.text
        );
    }

    #[test]
    fn a_stale_mark_survives_seeking_back_and_forth_and_goes_with_a_discarded_future() {
        let (_, _, mut t) = stale_leader_read(ReadMode::LeaderNoCheck);
        let read = t.world().history().len() as OpId - 1;
        let end = t.cursor();
        let answered = t.world().history()[read as usize].completed_at().unwrap();
        // Back to before the read was answered: not (yet) stale.
        t.seek_time(Time(answered.as_micros() - 1));
        assert!(t.observer().stale_read(read).is_none());
        // Forward again: the verdict (taken from the shared memo) is back.
        t.seek(end);
        assert!(t.observer().stale_read(read).is_some());
        // Back to before the read, and fork: heal the network, let the old
        // leader learn it was deposed, and read the same way again. The new
        // read has the same id; the memo's verdict for the old one must not
        // carry over.
        let invoked = t.world().history()[read as usize].invoked_at;
        t.seek_time(Time(invoked.as_micros() - 1));
        let node = t.world().history()[read as usize - 1].node;
        let old = t
            .world()
            .node_ids()
            .into_iter()
            .find(|n| *n != node && t.world().node(*n).role() == crate::raft::Role::Leader);
        t.act(Action::Heal);
        settle(&mut t, 1_000);
        let old = old.expect("the deposed leader still thought it led");
        t.act(Action::Read {
            node: old,
            key: "x".into(),
            mode: ReadMode::LeaderNoCheck,
        });
        settle(&mut t, 3_000);
        let again = t.world().history()[read as usize].clone();
        assert_eq!(again.id, read);
        let row = result_row(t.world(), t.observer(), &again);
        assert_ne!(row.verdict, Verdict::Stale, "{}", row.text);
    }

    #[test]
    fn a_read_index_read_from_a_deposed_leader_is_never_marked_stale() {
        let (row, _, t) = stale_leader_read(ReadMode::ReadIndex);
        assert_ne!(row.verdict, Verdict::Stale, "{}", row.text);
        if row.verdict == Verdict::Ok {
            assert!(
                row.text.contains("x = 2"),
                "answered with the new value: {}",
                row.text
            );
        }
        assert!(t.observer().first_violation().is_none());
    }

    #[test]
    fn a_refused_operation_says_why() {
        let mut t = Timeline::fresh(WorldConfig::default(), 2, Recorder::new()).unwrap();
        let leader = leader_of(&mut t);
        // Lease reads need CheckQuorum, which is off: refused with that reason.
        t.act(Action::Read {
            node: leader,
            key: "x".into(),
            mode: ReadMode::Lease,
        });
        settle(&mut t, 8_000);
        let rows = result_rows(t.world(), t.observer());
        let row = &rows[0];
        assert_eq!(row.verdict, Verdict::Refused, "{}", row.text);
        assert!(row.text.contains("refused at"), "{}", row.text);
        assert!(
            row.text.contains("lease reads need CheckQuorum"),
            "{}",
            row.text
        );
    }
}
