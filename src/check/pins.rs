//! What one client operation says about where it can sit in a
//! linearization, and the scan for the reads that pin a key's value. Both
//! checks use them: the whole-history search (`linearizability`) cuts its
//! work at the pins, and the per-read check (`pinned`) starts from the
//! latest one. Here so that neither of the two depends on the other for it.

use crate::raft::Time;
use crate::sim::{ClientOp, OpKind, Outcome};

/// How one operation constrains a linearization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Constraint {
    /// It says nothing (an unanswered read, a refused write).
    None,
    /// It was answered at this instant (never before its invocation); a read
    /// with the value it returned.
    Answered {
        ret: Time,
        read: Option<Option<i64>>,
    },
    /// A write never answered: it may take effect at any instant after its
    /// invocation, or never.
    Open,
}

/// How `op` constrains a linearization: the same rules as `prepare`, without
/// copying the operation (it runs over a key's whole history per read).
pub(crate) fn constraint(op: &ClientOp) -> Constraint {
    let answered = |at: Time, read| Constraint::Answered {
        ret: at.max(op.invoked_at),
        read,
    };
    match (&op.kind, &op.outcome) {
        (OpKind::Read { .. }, Outcome::ReadOk { value, at }) => answered(*at, Some(*value)),
        (_, Outcome::ReadOk { at, .. } | Outcome::WriteOk { at, .. }) => answered(*at, None),
        (OpKind::Read { .. }, _) => Constraint::None,
        (OpKind::Write(_), Outcome::Pending | Outcome::Unknown) => Constraint::Open,
        (OpKind::Write(_), Outcome::Failed { .. }) => Constraint::None,
    }
}

/// The search for the latest pinning read, over a key's operations in
/// order. Resumable: the state after a beginning whose operations can no
/// longer change stays true however the history grows. The whole-history
/// check cuts its search at the same pins (`linearizability`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Scan {
    /// Operations of the key looked at (positions in the key's list of operations).
    pub(crate) scanned: usize,
    /// The latest answer among the operations looked at.
    latest_answer: Option<Time>,
    /// Whether one of them is a write without an answer.
    open_write: bool,
    /// A read answered after every earlier operation answered, waiting for
    /// the next operation to show it was alone until its answer:
    /// (position, value, answered at).
    candidate: Option<(usize, Option<i64>, Time)>,
    /// The latest pinning read: (position, value).
    pub(crate) pin: Option<(usize, Option<i64>)>,
}

impl Scan {
    /// Looks at the next operation, at `position`, invoked at `call`.
    pub(crate) fn feed(&mut self, position: usize, call: Time, c: Constraint) {
        self.scanned = position + 1;
        if c == Constraint::None {
            return;
        }
        if let Some((at, value, ret)) = self.candidate.take() {
            if call > ret {
                self.pin = Some((at, value));
            }
        }
        match c {
            Constraint::Answered { ret, read } => {
                let after_all_before = self.latest_answer.is_none_or(|t| t < call);
                if let (Some(value), false, true) = (read, self.open_write, after_all_before) {
                    self.candidate = Some((position, value, ret));
                }
                self.latest_answer = self.latest_answer.max(Some(ret));
            }
            Constraint::Open => self.open_write = true,
            Constraint::None => {}
        }
    }
}
