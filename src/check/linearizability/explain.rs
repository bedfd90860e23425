//! The explanation of a violation in words: the operations that cannot be
//! ordered, and what each answered.

use super::*;

/// One plain-English sentence about why `set` (positions in `ops`) cannot be
/// ordered. It names the operation with the latest answer that depends on the
/// state, and the most telling reason found for it.
pub(super) fn explain(key: &str, ops: &[KeyOp], set: &[usize], refused: &[KeyOp]) -> String {
    let n = set.len();
    let tail = if n == 1 {
        "no order of operations explains it".to_string()
    } else {
        format!("no order of these {n} operations explains it")
    };
    let latest = |filter: &dyn Fn(&KeyOp) -> bool| {
        set.iter()
            .copied()
            .filter(|&i| ops[i].ret.is_some() && filter(&ops[i]))
            .max_by_key(|&i| (ops[i].ret, ops[i].call, ops[i].id))
    };
    let Some(c) = latest(&|k: &KeyOp| matches!(k.check, Check::Malformed(_)))
        .or_else(|| latest(&|k: &KeyOp| !k.observed().is_empty()))
        .or_else(|| latest(&|_: &KeyOp| true))
        .or_else(|| set.first().copied())
    else {
        return format!("the operations on {key} cannot be ordered");
    };
    let culprit = &ops[c];
    let ret = culprit.ret.unwrap_or(Time::NEVER);
    let intro = format!(
        "{} started at {} and {}",
        culprit.kind,
        culprit.call,
        answer(key, culprit)
    );
    if let Check::Malformed(_) = culprit.check {
        return format!(
            "{intro} at {ret}: an answer of the wrong kind fits no order of operations"
        );
    }
    if let Some(value) = culprit.needs() {
        let seen = match culprit.check {
            Check::Read(_) => format!("{value}"),
            _ => format!("the {value} it must have found"),
        };
        let mut writers: Vec<&KeyOp> = set
            .iter()
            .copied()
            .filter(|&j| j != c && ops[j].may_write(Some(value)))
            .map(|j| &ops[j])
            .collect();
        crate::sorting::sort_by_key(&mut writers, |k| (k.call, k.id));
        match writers.first() {
            None => {
                let note = refused
                    .iter()
                    .find(|k| k.may_write(Some(value)) && !k.blind_dependent())
                    .map(|k| {
                        format!(
                            " ({} was refused at {}, so it never took effect)",
                            k.kind,
                            k.ret.unwrap_or(k.call)
                        )
                    })
                    .unwrap_or_default();
                return format!(
                    "{intro}, but no write to {key} could have produced {seen}{note}: {tail}"
                );
            }
            Some(first) if first.call > ret => {
                return format!(
                    "{} {} at {ret}, but the first write that could have produced {seen}, {}, only started at {}: {tail}",
                    culprit.kind,
                    answer(key, culprit),
                    first.kind,
                    first.call
                );
            }
            Some(_) => {}
        }
    }
    let before = set
        .iter()
        .copied()
        .filter(|&j| j != c && ops[j].ret.is_some_and(|r| r < culprit.call))
        .max_by_key(|&j| (ops[j].ret, ops[j].id));
    if let Some(o) = before {
        let other = &ops[o];
        let how = match answer(key, other).as_str() {
            "succeeded" => String::new(),
            a => format!(" and {a}"),
        };
        return format!(
            "{intro}, but {} had already completed at {}{how}: {tail}",
            other.kind,
            other.ret.unwrap_or(other.call)
        );
    }
    let mut others: Vec<String> = set
        .iter()
        .copied()
        .filter(|&j| j != c)
        .take(4)
        .map(|j| {
            let k = &ops[j];
            match k.ret {
                Some(r) => format!("{} ({} to {}) {}", k.kind, k.call, r, answer(key, k)),
                None => format!("{} (started at {}) was never answered", k.kind, k.call),
            }
        })
        .collect();
    if n > 5 {
        others.push(format!("{} more", n - 5));
    }
    if others.is_empty() {
        format!("{intro} at {ret}: {tail}")
    } else {
        format!("{intro} at {ret}, alongside {}: {tail}", others.join("; "))
    }
}

/// What the client was told, as a verb phrase ("returned 1", "succeeded").
pub(super) fn answer(key: &str, k: &KeyOp) -> String {
    let shown = |v: Option<i64>| match v {
        Some(v) => format!("{key} = {v}"),
        None => format!("{key} absent"),
    };
    match &k.check {
        Check::Read(Some(v)) => format!("returned {v}"),
        Check::Read(None) => format!("found {key} absent"),
        Check::Malformed(got) => format!("was answered with {got}"),
        Check::Write(_, None) => "was never answered".to_string(),
        Check::Write(op, Some(r)) => match op {
            Op::Set { value, .. } if r.ok && r.value == Some(*value) => "succeeded".to_string(),
            Op::Delete { .. } if r.ok && r.value.is_none() => "succeeded".to_string(),
            Op::Increment { .. } if r.ok && r.value.is_some() => {
                format!("returned {}", r.value.unwrap_or_default())
            }
            Op::CompareAndSet { new, .. } if r.ok && r.value == Some(*new) => {
                "succeeded".to_string()
            }
            Op::CompareAndSet { .. } if !r.ok => format!("failed, finding {}", shown(r.value)),
            _ => format!("returned ok={} with {}", r.ok, shown(r.value)),
        },
    }
}
