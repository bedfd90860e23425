//! Explaining a violation after the run, as `examples/explain_seed` does:
//! which steps tell its story, and the client operations involved in words.
//!
//! A safety property breaks at a step, so the steps just before that step
//! tell the story. A linearizability violation is different: the fuzzer
//! finds it by checking the whole client history after the run, so its step
//! is the last one of the run, and the steps before it are about something
//! else. Its story starts when the earliest of the operations involved was
//! invoked and ends when the last of them was answered.

use crate::check::{Violation, ViolationKind};
use crate::raft::Time;
use crate::sim::{ClientOp, OpId, Outcome, StepRecord, What};
use crate::view::screen::event_log::KeyMark;
use crate::view::screen::results::mode_words;
use std::borrow::Borrow;

/// How many steps before the earliest invocation a linearizability window
/// shows, so that who led and what was in flight at that moment is on screen.
pub const CONTEXT_STEPS: u64 = 5;

/// The steps that explain a violation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExplainWindow {
    /// Every step from `from` up to the violation's step.
    LastSteps {
        /// The first step shown.
        from: u64,
    },
    /// The life of the operations a linearizability violation involves:
    /// from [`CONTEXT_STEPS`] steps before the step that invoked `first` (at
    /// `from`) up to `until`.
    Operations {
        /// The operations involved, as the checker listed them.
        ops: Vec<OpId>,
        /// The one invoked earliest.
        first: OpId,
        /// When it was invoked. The step that invoked it runs at this time:
        /// a workload step names the operation, but a client action on
        /// screen is recorded as the action, so the time is what finds both.
        from: Time,
        /// When the last of them was answered; the violation's time if one
        /// never was (it may have taken effect at any moment since).
        until: Time,
    },
}

impl ExplainWindow {
    /// Whether the window opens at this step.
    pub fn opens_at(&self, record: &StepRecord) -> bool {
        match self {
            ExplainWindow::LastSteps { from } => record.index >= *from,
            ExplainWindow::Operations { from, .. } => record.time >= *from,
        }
    }

    /// Whether this step comes after the window has closed.
    pub fn is_past(&self, record: &StepRecord) -> bool {
        match self {
            ExplainWindow::LastSteps { .. } => false,
            ExplainWindow::Operations { until, .. } => record.time > *until,
        }
    }

    /// Whether a step inside the window is shown. The last steps before a
    /// safety violation are all shown. The life of a few client operations
    /// can span thousands of steps, so there only the steps about those
    /// operations are shown, with the ones that change who leads or what
    /// the network does (a leader elected, an action on the world).
    /// `key` is the step's key mark ([`crate::view::step_marks`]).
    pub fn shows(&self, record: &StepRecord, key: Option<KeyMark>) -> bool {
        match self {
            ExplainWindow::LastSteps { .. } => true,
            ExplainWindow::Operations { ops, .. } => {
                involves(record, ops)
                    || matches!(key, Some(KeyMark::LeaderElected | KeyMark::UserAction))
            }
        }
    }

    /// How many steps before the one it opens at the window also shows.
    pub fn context(&self) -> u64 {
        match self {
            ExplainWindow::LastSteps { .. } => 0,
            ExplainWindow::Operations { .. } => CONTEXT_STEPS,
        }
    }
}

/// The window that explains `violation` in a run whose client history is
/// `history`: the last `steps` steps up to the violation, or for a
/// linearizability violation the life of the operations it involves.
pub fn explain_window<T: Borrow<ClientOp>>(
    violation: &Violation,
    history: &[T],
    steps: u64,
) -> ExplainWindow {
    let involved: Vec<&ClientOp> = violation
        .ops
        .iter()
        .filter_map(|id| history.get(*id as usize))
        .map(|op| op.borrow())
        .collect();
    let first = involved.iter().min_by_key(|op| (op.invoked_at, op.id));
    match first {
        Some(first) if violation.kind == ViolationKind::Linearizability => {
            let until = involved
                .iter()
                .map(|op| op.completed_at())
                .collect::<Option<Vec<Time>>>()
                .and_then(|answers| answers.into_iter().max())
                .unwrap_or(violation.time);
            ExplainWindow::Operations {
                ops: violation.ops.clone(),
                first: first.id,
                from: first.invoked_at,
                until,
            }
        }
        _ => ExplainWindow::LastSteps {
            from: (violation.step + 1).saturating_sub(steps).max(1),
        },
    }
}

/// Whether a step is about one of `ops`: its invocation, its request
/// reaching a node, the answer, or the client timing out on it.
pub fn involves(record: &StepRecord, ops: &[OpId]) -> bool {
    match &record.what {
        What::Invoked { op }
        | What::Request { op, .. }
        | What::Reply { op, .. }
        | What::ClientTimeout { op, .. } => ops.contains(op),
        _ => false,
    }
}

/// One client operation in words: what it asked, of whom, when, and how it
/// ended, e.g. `#12 read y (Lease) by client 3 via N2, invoked at 5480.000
/// ms: returned y = 1 at 5489.603 ms`.
pub fn op_sentence(op: &ClientOp) -> String {
    let what = match op.mode {
        Some(mode) => format!("{} ({})", op.kind, mode_words(mode)),
        None => op.kind.to_string(),
    };
    let key = op.kind.key();
    let value = |v: Option<i64>| match v {
        Some(v) => format!("{key} = {v}"),
        None => format!("{key} absent"),
    };
    let outcome = match &op.outcome {
        Outcome::Pending => "no answer yet".to_string(),
        Outcome::ReadOk { value: v, at } => format!("returned {} at {at}", value(*v)),
        Outcome::WriteOk { result, at } if result.ok => {
            format!("done at {at}, leaving {}", value(result.value))
        }
        Outcome::WriteOk { result, at } => format!(
            "not done at {at}: the comparison failed, {}",
            value(result.value)
        ),
        Outcome::Failed { at } => format!("refused at {at}, so it had no effect"),
        Outcome::Unknown => {
            "the client gave up waiting, so it may or may not have taken effect".to_string()
        }
    };
    format!(
        "#{} {what} by client {} via {}, invoked at {}: {outcome}",
        op.id, op.client, op.node, op.invoked_at
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::kv::WriteResult;
    use crate::raft::{NodeId, ReadMode};
    use crate::sim::OpKind;

    fn op(id: OpId, invoked_ms: u64, outcome: Outcome) -> ClientOp {
        ClientOp {
            id,
            client: 1,
            node: NodeId(2),
            sent_to: NodeId(2),
            kind: OpKind::Read { key: "y".into() },
            mode: Some(ReadMode::Lease),
            invoked_at: Time::from_millis(invoked_ms),
            outcome,
        }
    }

    fn read_ok(value: i64, at_ms: u64) -> Outcome {
        Outcome::ReadOk {
            value: Some(value),
            at: Time::from_millis(at_ms),
        }
    }

    fn violation(kind: ViolationKind, ops: Vec<OpId>) -> Violation {
        Violation {
            kind,
            step: 2_000,
            time: Time::from_millis(30_000),
            nodes: vec![NodeId(2)],
            index: None,
            term: None,
            ops,
            sentence: String::new(),
        }
    }

    fn record(index: u64, time_ms: u64, what: What) -> StepRecord {
        StepRecord {
            index,
            time: Time::from_millis(time_ms),
            what,
            node: None,
            events: Vec::new(),
            sent: Vec::new(),
        }
    }

    #[test]
    fn a_safety_violation_shows_its_last_steps_and_never_a_step_zero() {
        let v = violation(ViolationKind::ElectionSafety, vec![]);
        let none: [ClientOp; 0] = [];
        assert_eq!(
            explain_window(&v, &none, 40),
            ExplainWindow::LastSteps { from: 1_961 }
        );
        assert_eq!(
            explain_window(&v, &none, 5_000),
            ExplainWindow::LastSteps { from: 1 }
        );
        let w = explain_window(&v, &none, 1);
        assert!(!w.opens_at(&record(1_999, 1, What::Timer { node: NodeId(1) })));
        assert!(w.opens_at(&record(2_000, 1, What::Timer { node: NodeId(1) })));
        assert_eq!(w.context(), 0);
        assert!(w.shows(&record(2_000, 1, What::Timer { node: NodeId(1) }), None));
    }

    #[test]
    fn a_liveness_violation_with_an_operation_still_shows_its_last_steps() {
        let history = [op(0, 100, Outcome::Pending)];
        let v = violation(ViolationKind::Liveness, vec![0]);
        assert_eq!(
            explain_window(&v, &history, 40),
            ExplainWindow::LastSteps { from: 1_961 }
        );
    }

    #[test]
    fn a_linearizability_window_runs_from_the_earliest_invocation_to_the_last_answer() {
        let history = [
            op(0, 50, read_ok(1, 60)),
            op(1, 900, read_ok(2, 950)),
            op(2, 400, read_ok(1, 1_500)),
            op(3, 300, read_ok(1, 310)),
        ];
        // Listed out of invocation order: the earliest is #3, not the first listed.
        let v = violation(ViolationKind::Linearizability, vec![1, 3, 2]);
        let w = explain_window(&v, &history, 40);
        assert_eq!(
            w,
            ExplainWindow::Operations {
                ops: vec![1, 3, 2],
                first: 3,
                from: Time::from_millis(300),
                until: Time::from_millis(1_500),
            }
        );
        assert!(!w.opens_at(&record(6, 299, What::Timer { node: NodeId(1) })));
        assert!(w.opens_at(&record(7, 300, What::Invoked { op: 3 })));
        let typed = What::Action {
            action: crate::sim::Action::Read {
                node: NodeId(2),
                key: "y".into(),
                mode: ReadMode::Lease,
            },
            result: Ok(()),
        };
        assert!(
            w.opens_at(&record(7, 300, typed)),
            "an operation typed on screen is invoked by an action step"
        );
        assert!(!w.is_past(&record(50, 1_500, What::Timer { node: NodeId(1) })));
        assert!(w.is_past(&record(51, 1_501, What::Timer { node: NodeId(1) })));
        assert_eq!(w.context(), CONTEXT_STEPS);
        let quiet = record(20, 500, What::Timer { node: NodeId(1) });
        assert!(!w.shows(&quiet, None));
        assert!(!w.shows(&quiet, Some(KeyMark::Committed)));
        assert!(!w.shows(&quiet, Some(KeyMark::ElectionStarted)));
        assert!(w.shows(&quiet, Some(KeyMark::LeaderElected)));
        assert!(w.shows(&quiet, Some(KeyMark::UserAction)));
        assert!(w.shows(&record(21, 500, What::Invoked { op: 2 }), None));
        assert!(!w.shows(&record(22, 500, What::Invoked { op: 0 }), None));
    }

    #[test]
    fn an_operation_never_answered_keeps_the_window_open_to_the_violation() {
        let history = [op(0, 50, read_ok(1, 60)), op(1, 70, Outcome::Unknown)];
        let v = violation(ViolationKind::Linearizability, vec![0, 1]);
        match explain_window(&v, &history, 40) {
            ExplainWindow::Operations { first, until, .. } => {
                assert_eq!(first, 0);
                assert_eq!(until, v.time);
            }
            w => panic!("{w:?}"),
        }
    }

    #[test]
    fn the_steps_of_an_operation_are_recognised_and_others_are_not() {
        let ops = [4, 9];
        assert!(involves(&record(1, 1, What::Invoked { op: 9 }), &ops));
        assert!(involves(
            &record(2, 1, What::ClientTimeout { op: 4, attempt: 1 }),
            &ops
        ));
        assert!(!involves(&record(3, 1, What::Invoked { op: 5 }), &ops));
        assert!(!involves(
            &record(4, 1, What::Timer { node: NodeId(4) }),
            &ops
        ));
    }

    #[test]
    fn an_operation_reads_as_a_sentence_with_its_outcome() {
        assert_eq!(
            op_sentence(&op(12, 5_480, read_ok(1, 5_489))),
            "#12 read y (Lease) by client 1 via N2, invoked at 5480.000 ms: returned y = 1 at 5489.000 ms"
        );
        let mut write = op(3, 10, Outcome::Unknown);
        write.kind = OpKind::Write(crate::raft::Op::Increment {
            key: "y".into(),
            by: 2,
        });
        write.mode = None;
        assert!(op_sentence(&write).ends_with("may or may not have taken effect"));
        write.outcome = Outcome::WriteOk {
            result: WriteResult {
                ok: true,
                value: Some(6),
            },
            at: Time::from_millis(12),
        };
        let s = op_sentence(&write);
        assert!(s.starts_with("#3 incr y by 2 by client 1 via N2"), "{s}");
        assert!(s.ends_with("done at 12.000 ms, leaving y = 6"), "{s}");
    }
}
