//! The checker on hand-made histories: linearizable ones pass, the
//! classic anomalies fail with the operations that show them.

use super::*;
use crate::check::pins::constraint;
use crate::raft::NodeId;
use crate::sorted::SortedSet;

fn ms(t: u64) -> Time {
    Time::from_millis(t)
}

/// Builds histories; times are in milliseconds.
#[derive(Default)]
struct History {
    ops: Vec<ClientOp>,
}

impl History {
    fn push(&mut self, kind: OpKind, invoked: u64, outcome: Outcome) -> OpId {
        let id = self.ops.len() as OpId + 1;
        let client = (self.ops.len() % 5) as u32;
        self.ops.push(ClientOp {
            id,
            client,
            node: NodeId(1),
            sent_to: NodeId(1),
            kind,
            mode: None,
            invoked_at: ms(invoked),
            outcome,
        });
        id
    }
    fn read(&mut self, key: &str, from: u64, to: u64, value: Option<i64>) -> OpId {
        self.push(
            OpKind::Read { key: key.into() },
            from,
            Outcome::ReadOk { value, at: ms(to) },
        )
    }
    fn write(&mut self, op: Op, from: u64, to: u64, result: WriteResult) -> OpId {
        self.push(
            OpKind::Write(op),
            from,
            Outcome::WriteOk { result, at: ms(to) },
        )
    }
    fn set(&mut self, key: &str, value: i64, from: u64, to: u64) -> OpId {
        self.write(set(key, value), from, to, ok(Some(value)))
    }
    fn incr(&mut self, key: &str, from: u64, to: u64, result: i64) -> OpId {
        self.write(
            Op::Increment {
                key: key.into(),
                by: 1,
            },
            from,
            to,
            ok(Some(result)),
        )
    }
    fn check(&self) -> Linearizability {
        check_history(&self.ops, 1_000_000)
    }
}

fn set(key: &str, value: i64) -> Op {
    Op::Set {
        key: key.into(),
        value,
    }
}

fn ok(value: Option<i64>) -> WriteResult {
    WriteResult { ok: true, value }
}

fn violation(verdict: Linearizability) -> LinViolation {
    match verdict {
        Linearizability::Violation(v) => v,
        other => panic!("expected a violation, got {other:?}"),
    }
}

#[test]
fn an_empty_history_is_linearizable() {
    assert_eq!(check_history::<ClientOp>(&[], 0), Linearizability::Ok);
}

#[test]
fn a_sequential_history_is_linearizable() {
    let mut h = History::default();
    h.read("x", 0, 1, None);
    h.set("x", 1, 2, 3);
    h.read("x", 4, 5, Some(1));
    h.incr("x", 6, 7, 2);
    h.write(Op::Delete { key: "x".into() }, 8, 9, ok(None));
    h.read("x", 10, 11, None);
    assert_eq!(h.check(), Linearizability::Ok);
    // The same history with the last read wrong is not.
    h.ops.last_mut().unwrap().outcome = Outcome::ReadOk {
        value: Some(2),
        at: ms(11),
    };
    assert!(matches!(h.check(), Linearizability::Violation(_)));
}

#[test]
fn overlapping_writes_may_be_read_in_either_order() {
    for seen in [1, 2] {
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        h.set("x", 2, 5, 15);
        h.read("x", 20, 30, Some(seen));
        assert_eq!(h.check(), Linearizability::Ok, "reading {seen}");
    }
    let mut h = History::default();
    h.set("x", 1, 0, 10);
    h.set("x", 2, 5, 15);
    h.read("x", 20, 30, Some(3));
    assert!(matches!(h.check(), Linearizability::Violation(_)));
}

#[test]
fn a_stale_read_is_reported_with_exactly_the_three_operations_involved() {
    let mut h = History::default();
    let a = h.set("x", 1, 0, 10);
    let b = h.set("x", 2, 20, 30);
    let r = h.read("x", 40, 50, Some(1));
    let v = violation(h.check());
    assert_eq!(v.key, "x");
    assert_eq!(v.ops, vec![a, b, r]);
    assert_eq!(
        v.sentence,
        "read x started at 40.000 ms and returned 1, but set x=2 had already completed at 30.000 ms: \
         no order of these 3 operations explains it"
    );
}

#[test]
fn a_stale_read_shrinks_to_three_operations_out_of_many() {
    let mut h = History::default();
    for i in 0..40 {
        h.set("x", 100 + i, 10 * i as u64, 10 * i as u64 + 5);
    }
    let a = h.set("x", 1, 1000, 1010);
    let b = h.set("x", 2, 1020, 1030);
    for i in 0..10 {
        h.read("y", 1000 + i, 2000, None);
    }
    let r = h.read("x", 1040, 1050, Some(1));
    h.set("x", 3, 1060, 1070);
    let v = violation(h.check());
    assert_eq!(v.ops, vec![a, b, r]);
}

#[test]
fn a_read_of_a_value_never_written_is_a_violation() {
    let mut h = History::default();
    h.set("x", 1, 0, 10);
    let r = h.read("x", 20, 30, Some(7));
    let v = violation(h.check());
    assert_eq!(v.ops, vec![r]);
    assert_eq!(
        v.sentence,
        "read x started at 20.000 ms and returned 7, but no write to x could have produced 7: \
         no order of operations explains it"
    );
}

#[test]
fn a_read_of_a_value_written_only_later_names_that_write() {
    let mut h = History::default();
    let r = h.read("x", 0, 10, Some(5));
    let w = h.set("x", 5, 20, 30);
    let v = violation(h.check());
    assert_eq!(v.ops, vec![r, w]);
    assert!(
        v.sentence.contains("set x=5, only started at 20.000 ms"),
        "{}",
        v.sentence
    );
}

#[test]
fn a_pending_write_can_explain_a_read() {
    for outcome in [Outcome::Pending, Outcome::Unknown] {
        let mut h = History::default();
        h.set("x", 1, 0, 10);
        h.push(OpKind::Write(set("x", 2)), 5, outcome);
        h.read("x", 20, 30, Some(2));
        h.read("x", 40, 50, Some(2));
        assert_eq!(h.check(), Linearizability::Ok);
    }
}

#[test]
fn a_pending_write_cannot_explain_a_read_that_finished_before_it_started() {
    let mut h = History::default();
    let r = h.read("x", 0, 10, Some(2));
    let w = h.push(OpKind::Write(set("x", 2)), 20, Outcome::Unknown);
    assert_eq!(violation(h.check()).ops, vec![r, w]);
}

#[test]
fn a_pending_write_that_never_completes_does_not_forbid_reading_the_old_value() {
    let mut h = History::default();
    h.set("x", 1, 0, 10);
    h.push(OpKind::Write(set("x", 2)), 5, Outcome::Pending);
    h.read("x", 20, 30, Some(1));
    h.read("x", 100, 110, Some(1));
    assert_eq!(h.check(), Linearizability::Ok);
    // But once it has been seen, it cannot be unseen.
    h.read("x", 40, 50, Some(2));
    assert!(matches!(h.check(), Linearizability::Violation(_)));
}

#[test]
fn a_failed_writes_value_read_back_is_a_violation() {
    let mut h = History::default();
    h.set("x", 1, 0, 10);
    h.push(
        OpKind::Write(set("x", 7)),
        12,
        Outcome::Failed { at: ms(15) },
    );
    let r = h.read("x", 20, 30, Some(7));
    let v = violation(h.check());
    assert_eq!(v.ops, vec![r]);
    assert!(
        v.sentence.contains("set x=7 was refused at 15.000 ms"),
        "{}",
        v.sentence
    );
}

#[test]
fn unanswered_and_refused_reads_constrain_nothing() {
    let mut h = History::default();
    h.set("x", 1, 0, 10);
    h.push(OpKind::Read { key: "x".into() }, 20, Outcome::Pending);
    h.push(OpKind::Read { key: "x".into() }, 20, Outcome::Unknown);
    h.push(
        OpKind::Read { key: "x".into() },
        20,
        Outcome::Failed { at: ms(21) },
    );
    assert_eq!(h.check(), Linearizability::Ok);
}

#[test]
fn two_increments_both_returning_one_is_a_violation() {
    let mut h = History::default();
    let a = h.incr("n", 0, 10, 1);
    let b = h.incr("n", 5, 15, 1);
    let v = violation(h.check());
    assert_eq!(v.ops, vec![a, b]);
    // One returning 1 and the other 2 is fine, in either real-time order.
    let mut h = History::default();
    h.incr("n", 0, 10, 2);
    h.incr("n", 5, 15, 1);
    assert_eq!(h.check(), Linearizability::Ok);
}

#[test]
fn an_increment_that_returns_a_stale_result_is_explained() {
    let mut h = History::default();
    h.incr("n", 0, 10, 1);
    h.incr("n", 20, 30, 1);
    let v = violation(h.check());
    assert_eq!(
        v.sentence,
        "incr n by 1 started at 20.000 ms and returned 1, but incr n by 1 had already completed at 10.000 ms \
         and returned 1: no order of these 2 operations explains it"
    );
}

#[test]
fn compare_and_set_results_are_checked() {
    let cas = |expected, new| Op::CompareAndSet {
        key: "x".into(),
        expected,
        new,
    };
    // Succeeds on the initial absent value, then fails seeing 5.
    let mut h = History::default();
    h.write(cas(None, 5), 0, 10, ok(Some(5)));
    h.write(
        cas(None, 6),
        20,
        30,
        WriteResult {
            ok: false,
            value: Some(5),
        },
    );
    h.write(cas(Some(5), 7), 40, 50, ok(Some(7)));
    assert_eq!(h.check(), Linearizability::Ok);
    // A second success on "absent" after the first completed is impossible.
    let mut h = History::default();
    let a = h.write(cas(None, 5), 0, 10, ok(Some(5)));
    let b = h.write(cas(None, 6), 20, 30, ok(Some(6)));
    assert_eq!(violation(h.check()).ops, vec![a, b]);
    // So is a failure that reports a value that was never there.
    let mut h = History::default();
    h.set("x", 1, 0, 10);
    let c = h.write(
        cas(Some(2), 3),
        20,
        30,
        WriteResult {
            ok: false,
            value: Some(9),
        },
    );
    assert_eq!(violation(h.check()).ops, vec![c]);
}

#[test]
fn keys_are_independent_and_a_violation_names_its_key() {
    let mut h = History::default();
    h.set("x", 1, 0, 10);
    h.set("y", 1, 0, 10);
    h.set("y", 2, 20, 30);
    h.read("x", 40, 50, Some(1)); // fine: y's writes do not touch x
    let r = h.read("y", 40, 50, Some(1));
    let v = violation(h.check());
    assert_eq!(v.key, "y");
    assert!(v.ops.contains(&r));
}

#[test]
fn answering_at_the_very_instant_another_starts_counts_as_concurrent() {
    let mut h = History::default();
    h.set("x", 1, 0, 10);
    h.read("x", 10, 20, None); // may be ordered before the write
    assert_eq!(h.check(), Linearizability::Ok);
    let mut h = History::default();
    h.set("x", 1, 0, 10);
    h.read("x", 11, 20, None);
    assert!(matches!(h.check(), Linearizability::Violation(_)));
}

#[test]
fn an_answer_time_before_the_invocation_counts_as_the_invocation() {
    let mut h = History::default();
    h.set("x", 1, 10, 5); // answered "before" it was sent: treated as [10, 10]
    h.read("x", 10, 12, None);
    assert_eq!(h.check(), Linearizability::Ok);
    h.read("x", 11, 12, None);
    assert!(matches!(h.check(), Linearizability::Violation(_)));
}

#[test]
fn an_answer_of_the_wrong_kind_is_a_violation() {
    let mut h = History::default();
    let r = h.push(
        OpKind::Read { key: "x".into() },
        0,
        Outcome::WriteOk {
            result: ok(None),
            at: ms(1),
        },
    );
    let v = violation(h.check());
    assert_eq!(v.ops, vec![r]);
    assert!(
        v.sentence.contains("was answered with a write's result"),
        "{}",
        v.sentence
    );
}

/// Thirty concurrent writes and a read nobody could have produced: proving
/// the violation means trying ~2^30 subsets.
fn explosive(h: &mut History) {
    for i in 0..30 {
        h.set("x", i, 0, 100);
    }
    h.read("x", 200, 210, Some(999));
}

#[test]
fn an_explosive_history_runs_out_of_budget_instead_of_hanging() {
    let mut h = History::default();
    explosive(&mut h);
    h.set("z", 1, 0, 1);
    assert_eq!(
        check_history(&h.ops, 100_000),
        Linearizability::Unknown { key: "x".into() }
    );
    // A budget of zero decides only what needs no search at all.
    assert_eq!(
        check_history(&h.ops, 0),
        Linearizability::Unknown { key: "x".into() }
    );
    let mut unanswered = History::default();
    unanswered.push(OpKind::Write(set("w", 1)), 0, Outcome::Unknown);
    assert_eq!(check_history(&unanswered.ops, 0), Linearizability::Ok);
}

#[test]
fn a_violation_on_a_later_key_outranks_an_earlier_unknown_key() {
    let mut h = History::default();
    explosive(&mut h);
    h.set("y", 1, 0, 10);
    h.set("y", 2, 20, 30);
    h.read("y", 40, 50, Some(1));
    assert_eq!(violation(check_history(&h.ops, 100_000)).key, "y");
}

#[test]
fn a_long_sequential_history_is_checked_within_a_modest_budget() {
    let mut h = History::default();
    for i in 0..20_000u64 {
        h.incr("n", 2 * i, 2 * i + 1, i as i64 + 1);
    }
    assert_eq!(check_history(&h.ops, 100_000), Linearizability::Ok);
    // Corrupt one result near the end: found, and shrunk to a few operations.
    let last = h.ops.len() - 1;
    h.ops[last].outcome = Outcome::WriteOk {
        result: ok(Some(5)),
        at: ms(2 * last as u64 + 1),
    };
    let v = violation(check_history(&h.ops, 1_000_000));
    // The increments that produced 1..=5 (the corrupted one saw 4, and the
    // fifth had completed before it started) and the corrupted one.
    assert_eq!(
        v.ops,
        vec![1, 2, 3, 4, 5, last as OpId + 1],
        "{}",
        v.sentence
    );
}

// ---- randomized checks -------------------------------------------------

/// SplitMix64, inline so the checker's tests need no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn value(&mut self, n: u64) -> Option<i64> {
        match self.below(n + 1) {
            0 => None,
            v => Some(v as i64),
        }
    }
}

fn random_op(rng: &mut Rng, key: &str, values: u64) -> OpKind {
    let key = key.to_string();
    let v = rng.below(values) as i64 + 1;
    match rng.below(6) {
        0 | 1 => OpKind::Read { key },
        2 => OpKind::Write(Op::Set { key, value: v }),
        3 => OpKind::Write(Op::Delete { key }),
        4 => OpKind::Write(Op::Increment {
            key,
            by: rng.below(2) as i64 + 1,
        }),
        _ => OpKind::Write(Op::CompareAndSet {
            key,
            expected: rng.value(values),
            new: v,
        }),
    }
}

/// A linearizable history: ops run sequentially at distinct linearization
/// points, each invoked up to `window` µs before its point and answered up
/// to `window` µs after. Some writes stay unanswered (taking effect or
/// not), some are refused (no effect), some reads go unanswered.
fn linearizable_history(
    rng: &mut Rng,
    len: usize,
    keys: &[&str],
    window: u64,
    values: u64,
) -> Vec<ClientOp> {
    let mut store: SortedMap<String, i64> = SortedMap::new();
    let mut ops = Vec::new();
    for i in 0..len {
        let point = 1_000 + 10 * i as u64;
        let invoked_at = Time(point - rng.below(window + 1).min(point));
        let at = Time(point + rng.below(window + 1));
        let key = keys[rng.below(keys.len() as u64) as usize];
        let kind = random_op(rng, key, values);
        let current = store.get(kind.key()).copied();
        let fate = rng.below(10);
        let outcome = match &kind {
            OpKind::Read { .. } if fate == 0 => Outcome::Unknown,
            OpKind::Read { .. } => Outcome::ReadOk { value: current, at },
            OpKind::Write(_) if fate == 0 => Outcome::Failed { at },
            OpKind::Write(op) => {
                let (after, result) = op.apply_to(current);
                if fate == 1 && rng.below(2) == 0 {
                    // Gave up, and it never took effect.
                    Outcome::Unknown
                } else {
                    match after {
                        Some(v) => store.insert(op.key().to_string(), v),
                        None => store.remove(op.key()),
                    };
                    if fate == 1 {
                        Outcome::Pending
                    } else {
                        Outcome::WriteOk { result, at }
                    }
                }
            }
        };
        ops.push(ClientOp {
            id: i as OpId,
            client: 0,
            node: NodeId(1),
            sent_to: NodeId(1),
            kind,
            mode: None,
            invoked_at,
            outcome,
        });
    }
    ops
}

fn subset(ops: &[ClientOp], ids: &[OpId]) -> Vec<ClientOp> {
    ops.iter()
        .filter(|o| ids.contains(&o.id))
        .cloned()
        .collect()
}

#[test]
fn random_linearizable_histories_pass_and_corrupted_reads_are_caught() {
    let mut rng = Rng(0x5EED);
    let mut plausible_caught = 0;
    for round in 0..300 {
        let len = 10 + rng.below(50) as usize;
        let ops = linearizable_history(&mut rng, len, &["a", "b", "c"], 40, 4);
        assert_eq!(
            check_history(&ops, 1_000_000),
            Linearizability::Ok,
            "round {round}: {ops:?}"
        );
        let reads: Vec<usize> = (0..ops.len())
            .filter(|&i| matches!(ops[i].outcome, Outcome::ReadOk { .. }))
            .collect();
        if reads.is_empty() {
            continue;
        }
        let r = reads[rng.below(reads.len() as u64) as usize];
        let Outcome::ReadOk { value, at } = ops[r].outcome.clone() else {
            unreachable!()
        };

        // A value no operation can produce (all values stay far below it)
        // must be caught, with that read among the operations named.
        let mut bad = ops.clone();
        bad[r].outcome = Outcome::ReadOk {
            value: Some(1_000_000),
            at,
        };
        let v = violation(check_history(&bad, 1_000_000));
        assert_eq!(v.key, ops[r].kind.key());
        assert!(v.ops.contains(&ops[r].id), "round {round}: {v:?}");
        assert!(matches!(
            check_history(&subset(&bad, &v.ops), 1_000_000),
            Linearizability::Violation(_)
        ));

        // A plausible wrong value may still be linearizable by chance; but a
        // reported violation must involve the read and stand on its own
        // (every violation needs the changed read: without it the history
        // is a subset of a linearizable one).
        let mut odd = ops.clone();
        let other = if value == Some(1) { Some(2) } else { Some(1) };
        odd[r].outcome = Outcome::ReadOk { value: other, at };
        if let Linearizability::Violation(v) = check_history(&odd, 1_000_000) {
            plausible_caught += 1;
            assert!(v.ops.contains(&ops[r].id), "round {round}: {v:?}");
            assert!(matches!(
                check_history(&subset(&odd, &v.ops), 1_000_000),
                Linearizability::Violation(_)
            ));
        }
    }
    assert!(plausible_caught > 0);
}

#[test]
fn arbitrary_malformed_histories_never_panic() {
    let mut rng = Rng(7);
    let times = [0, 1, 5, u64::MAX - 1, u64::MAX];
    let values = [
        None,
        Some(0),
        Some(1),
        Some(-1),
        Some(i64::MAX),
        Some(i64::MIN),
    ];
    for _ in 0..500 {
        let ops: Vec<ClientOp> = (0..rng.below(40))
            .map(|_| {
                let key = ["", "k", "é"][rng.below(3) as usize].to_string();
                let value = values[rng.below(6) as usize];
                let kind = match rng.below(3) {
                    0 => OpKind::Read { key },
                    1 => OpKind::Write(Op::Increment {
                        key,
                        by: value.unwrap_or(1),
                    }),
                    _ => OpKind::Write(Op::CompareAndSet {
                        key,
                        expected: value,
                        new: value.unwrap_or(2),
                    }),
                };
                let at = Time(times[rng.below(5) as usize]);
                let outcome = match rng.below(5) {
                    0 => Outcome::Pending,
                    1 => Outcome::Unknown,
                    2 => Outcome::Failed { at },
                    3 => Outcome::ReadOk { value, at },
                    _ => Outcome::WriteOk {
                        result: WriteResult {
                            ok: rng.below(2) == 0,
                            value,
                        },
                        at,
                    },
                };
                ClientOp {
                    id: rng.below(4), // duplicate ids too
                    client: 0,
                    node: NodeId(0),
                    sent_to: NodeId(0),
                    kind,
                    mode: None,
                    invoked_at: Time(times[rng.below(5) as usize]),
                    outcome,
                }
            })
            .collect();
        let _ = check_history(&ops, rng.below(2_000));
    }
}

/// An independent reference: try every order of the answered operations
/// and every subset of the unanswered writes, respecting real time.
fn brute_force_linearizable(ops: &[ClientOp]) -> bool {
    let keys: SortedSet<&str> = ops.iter().map(|o| o.kind.key()).collect();
    keys.into_iter().all(|key| {
        let mine: Vec<&ClientOp> = ops
            .iter()
            .filter(|o| o.kind.key() == key)
            .filter(|o| match (&o.kind, &o.outcome) {
                (OpKind::Read { .. }, Outcome::ReadOk { .. }) => true,
                (OpKind::Write(_), Outcome::Failed { .. }) => false,
                (OpKind::Write(_), Outcome::ReadOk { .. }) => true,
                (OpKind::Write(_), _) => true,
                (OpKind::Read { .. }, _) => matches!(o.outcome, Outcome::WriteOk { .. }),
            })
            .collect();
        let done = |o: &ClientOp| o.outcome.answered_at().map(|at| at.max(o.invoked_at));
        fn go(
            mine: &[&ClientOp],
            done: &dyn Fn(&ClientOp) -> Option<Time>,
            placed: &mut Vec<bool>,
            state: Option<i64>,
        ) -> bool {
            if (0..mine.len()).all(|i| placed[i] || done(mine[i]).is_none()) {
                return true;
            }
            for i in 0..mine.len() {
                if placed[i] {
                    continue;
                }
                let blocked = (0..mine.len()).any(|j| {
                    !placed[j] && j != i && done(mine[j]).is_some_and(|t| t < mine[i].invoked_at)
                });
                if blocked {
                    continue;
                }
                let next = match (&mine[i].kind, &mine[i].outcome) {
                    (OpKind::Read { .. }, Outcome::ReadOk { value, .. }) => {
                        (*value == state).then_some(state)
                    }
                    (OpKind::Write(op), Outcome::WriteOk { result, .. }) => {
                        let (after, got) = op.apply_to(state);
                        (got == *result).then_some(after)
                    }
                    (OpKind::Write(op), Outcome::Pending | Outcome::Unknown) => {
                        Some(op.apply_to(state).0)
                    }
                    _ => None,
                };
                if let Some(next) = next {
                    placed[i] = true;
                    let found = go(mine, done, placed, next);
                    placed[i] = false;
                    if found {
                        return true;
                    }
                }
            }
            false
        }
        go(&mine, &done, &mut vec![false; mine.len()], None)
    })
}

#[test]
fn small_random_histories_agree_with_brute_force_enumeration() {
    let mut rng = Rng(42);
    let (mut ok, mut bad) = (0, 0);
    for round in 0..3_000 {
        let len = 1 + rng.below(8) as usize;
        let mut ops = linearizable_history(&mut rng, len, &["k"], 25, 3);
        // Mutate some answers at random, so both verdicts occur.
        for op in ops.iter_mut() {
            if rng.below(4) == 0 {
                op.outcome = match op.outcome {
                    Outcome::ReadOk { at, .. } => Outcome::ReadOk {
                        value: rng.value(4),
                        at,
                    },
                    Outcome::WriteOk { .. } if rng.below(3) == 0 => Outcome::Unknown,
                    Outcome::WriteOk { at, .. } => Outcome::WriteOk {
                        result: WriteResult {
                            ok: rng.below(3) > 0,
                            value: rng.value(4),
                        },
                        at,
                    },
                    Outcome::Failed { .. } => Outcome::Unknown,
                    ref other => other.clone(),
                };
            }
        }
        let expected = brute_force_linearizable(&ops);
        match check_history(&ops, 10_000_000) {
            Linearizability::Ok => {
                assert!(
                    expected,
                    "round {round}: checker says Ok, brute force disagrees: {ops:?}"
                );
                ok += 1;
            }
            Linearizability::Violation(v) => {
                assert!(
                    !expected,
                    "round {round}: checker says {v:?}, brute force disagrees: {ops:?}"
                );
                // A robust witness: adding back any combination of the
                // other operations never makes it linearizable.
                let others: Vec<OpId> = ops
                    .iter()
                    .map(|o| o.id)
                    .filter(|id| !v.ops.contains(id))
                    .collect();
                for mask in 0..1u32 << others.len() {
                    let mut ids = v.ops.clone();
                    ids.extend(
                        (0..others.len())
                            .filter(|b| mask >> b & 1 == 1)
                            .map(|b| others[b]),
                    );
                    let with = subset(&ops, &ids);
                    assert!(
                        !brute_force_linearizable(&with),
                        "round {round}: {v:?} explained by {ids:?}: {ops:?}"
                    );
                }
                bad += 1;
            }
            Linearizability::Unknown { .. } => {
                panic!("round {round}: tiny history ran out of budget")
            }
        }
    }
    assert!(ok > 300 && bad > 300, "ok {ok}, bad {bad}");
}

/// The operations a search sees, in the order it sees them.
fn kept_in_order(history: &[ClientOp]) -> Vec<KeyOp> {
    let mut ops: Vec<KeyOp> = history
        .iter()
        .filter_map(|o| match prepare(o) {
            Prepared::Kept(k) => Some(k),
            _ => None,
        })
        .collect();
    ops.sort_by_key(|k| (k.call, k.id));
    ops
}

#[test]
fn an_operation_constrains_the_search_the_same_way_read_whole_or_prepared() {
    // `constraint` restates `prepare`'s rules without copying the
    // operation; every kind and outcome must agree.
    let at = ms(5);
    let outcomes = [
        Outcome::Pending,
        Outcome::ReadOk { value: Some(1), at },
        Outcome::ReadOk { value: None, at },
        Outcome::WriteOk {
            result: ok(Some(1)),
            at,
        },
        Outcome::Failed { at },
        Outcome::Unknown,
    ];
    let kinds = [OpKind::Read { key: "x".into() }, OpKind::Write(set("x", 1))];
    for kind in &kinds {
        for outcome in &outcomes {
            let op = ClientOp {
                id: 1,
                client: 1,
                node: NodeId(1),
                sent_to: NodeId(1),
                kind: kind.clone(),
                mode: None,
                invoked_at: ms(9),
                outcome: outcome.clone(),
            };
            let prepared = match prepare(&op) {
                Prepared::Kept(k) => k.constraint(),
                Prepared::Refused(_) | Prepared::Ignored => Constraint::None,
            };
            assert_eq!(constraint(&op), prepared, "{kind:?} {outcome:?}");
        }
    }
}

#[test]
fn checking_in_segments_gives_the_whole_search_verdict() {
    // Random single-key histories, linearizable by construction and then
    // perhaps spoiled (see `check::pinned`'s tests): cut at pinning reads
    // or searched whole, the verdict is the same.
    let mut rng = crate::rng::Rng::new(12);
    let (mut fine, mut broken) = (0, 0);
    for _ in 0..20_000 {
        let history = crate::check::pinned::tests::random_history(&mut rng);
        let ops = kept_in_order(&history);
        let everything: Vec<usize> = (0..ops.len()).collect();
        let whole = search(&ops, &everything, None, &mut 1_000_000) == Search::Linearizable;
        assert_eq!(
            linearizable_in_segments(&ops, 1_000_000),
            whole,
            "{history:#?}"
        );
        if whole {
            fine += 1;
        } else {
            broken += 1;
        }
    }
    assert!(fine > 1_000 && broken > 1_000, "{fine} {broken}");
}

#[test]
fn quiet_reads_cut_a_long_history_into_segments_a_small_budget_can_search() {
    // Each write overlaps the next one, so the whole history is one
    // search of 4,000 operations; a read alone after each pair pins the
    // value, and the segments between pins are three operations long.
    let mut h = History::default();
    for k in 0..1_000u64 {
        let t = k * 10;
        h.set("x", 2 * k as i64, t, t + 3);
        h.set("x", 2 * k as i64 + 1, t + 1, t + 4);
        h.read("x", t + 5, t + 6, Some(2 * k as i64 + 1));
        h.read("x", t + 7, t + 8, Some(2 * k as i64 + 1));
    }
    assert_eq!(check_history(&h.ops, 200), Linearizability::Ok);
    let ops = kept_in_order(&h.ops);
    let everything: Vec<usize> = (0..ops.len()).collect();
    assert!(
        search(&ops, &everything, None, &mut 200) == Search::OutOfBudget,
        "searched whole, the history needs more than the budget"
    );
}
