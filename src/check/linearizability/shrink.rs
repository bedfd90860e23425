//! Shrinking a failed search to a small set of operations that still has
//! no valid order, so the explanation names only what matters.

use super::*;

/// Shrinks the key's non-linearizable history (all of `ops`) to a small
/// witness, delta-debugging style: try removing chunks of halving size, then
/// single operations until none can go. Each removal is first closed under
/// [`close`], and kept when what remains is still not linearizable and still
/// names, for every value a kept operation saw, some operation that could
/// have written it (if the history has one): otherwise a stale read would
/// shrink to "read x returned 1" plus the write that made 1 stale, leaving out
/// the `set x=1` the student needs to see. Returns positions in `ops`, in
/// order.
///
/// Every attempt costs `1 + ops.len() / 16` steps per pass of [`close`] on
/// top of its search (that bookkeeping is proportional to the history's
/// length). If the budget runs out the current set is returned: a genuine
/// witness, perhaps not the smallest.
pub(super) fn shrink(ops: &[KeyOp], budget: &mut u64) -> Vec<usize> {
    let everything = vec![true; ops.len()];
    let had_writer = sourced(ops, &everything);
    let try_removing = |kept: &mut Vec<bool>, removed: &[usize], budget: &mut u64| {
        let mut candidate = kept.clone();
        for &i in removed {
            candidate[i] = false;
        }
        close(ops, &mut candidate, budget)?;
        let has_writer = sourced(ops, &candidate);
        let positions: Vec<usize> = (0..ops.len()).filter(|&i| candidate[i]).collect();
        if positions.is_empty() || positions.iter().any(|&i| had_writer[i] && !has_writer[i]) {
            return Some(false);
        }
        match search(ops, &positions, None, budget) {
            Search::NotLinearizable => {
                *kept = candidate;
                Some(true)
            }
            Search::Linearizable => Some(false),
            Search::OutOfBudget => None,
        }
    };
    let current = |kept: &[bool]| -> Vec<usize> { (0..ops.len()).filter(|&i| kept[i]).collect() };
    let mut kept = everything.clone();
    // Never-answered writes are the expensive ones to search: try dropping
    // them all at once first.
    let unanswered: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].ret.is_none()).collect();
    if !unanswered.is_empty() && try_removing(&mut kept, &unanswered, budget).is_none() {
        return current(&kept);
    }
    let mut chunk = (ops.len() / 2).max(1);
    loop {
        let mut removed_any = false;
        let mut start = 0;
        loop {
            let now = current(&kept);
            if start >= now.len() {
                break;
            }
            let end = (start + chunk).min(now.len());
            match try_removing(&mut kept, &now[start..end], budget) {
                Some(true) => removed_any = true,
                Some(false) => start = end,
                None => return current(&kept),
            }
        }
        if chunk == 1 {
            if !removed_any {
                return current(&kept);
            }
        } else {
            chunk /= 2;
        }
    }
}

/// For each operation, whether it is kept, needs a present value to have
/// been written (see [`KeyOp::needs`]), and some other kept operation could
/// have written it.
pub(super) fn sourced(ops: &[KeyOp], kept: &[bool]) -> Vec<bool> {
    let mut writers: SortedMap<i64, usize> = SortedMap::new();
    let mut anything = 0usize;
    for (op, _) in ops.iter().zip(kept).filter(|(_, &k)| k) {
        match op.written() {
            Written::Value(Some(v)) => *writers.entry(v).or_default() += 1,
            Written::Anything => anything += 1,
            _ => {}
        }
    }
    ops.iter()
        .zip(kept)
        .map(|(op, &k)| {
            let Some(v) = op.needs().filter(|_| k) else {
                return false;
            };
            let mine = usize::from(op.may_write(Some(v)));
            writers.get(&v).copied().unwrap_or(0) + anything > mine
        })
        .collect()
}

/// Removes from `kept` every operation whose observation a removed write
/// might explain, until none is left: what remains is a robust witness if it
/// is not linearizable, i.e. adding back any combination of removed
/// operations never makes it linearizable. Costs `1 + ops.len() / 16` steps
/// per pass; `None` if the budget runs out first.
///
/// A removed write `m` might explain what a kept operation `o` saw when `m`
/// may have written that value, `m` could come before `o` (it was invoked no
/// later than `o` answered), and no kept write that certainly took effect
/// (answered, not a refused compare-and-set) lies strictly between them in
/// real time (invoked after `m` answered and answered before `o` was
/// invoked). A never-answered increment's result depends on whatever came
/// before it, so it counts as observing every value.
///
/// Why that suffices: take a linearization of the kept operations plus some
/// removed ones, and delete the removed ones. For each kept operation that
/// observes the value, the last write before it in that order produced what
/// it saw; by the rule above that write is kept (a removed one would either
/// have to follow it, or be followed by a kept write that took effect), so by
/// induction it sees the same value in the shorter order and gets the same
/// answer. (A kept never-answered compare-and-set that did not take effect is
/// simply left out.) So the kept operations alone would be linearizable.
pub(super) fn close(ops: &[KeyOp], kept: &mut [bool], budget: &mut u64) -> Option<()> {
    // `ops` is sorted by invocation, so positions in these lists are too.
    // Removed writes per value written, writes of anything, and all writes,
    // each with a tree of the answer times of those removed.
    let mut by_value: SortedMap<Option<i64>, (Vec<usize>, MaxTree)> = SortedMap::new();
    let (mut anything, mut all) = (Vec::new(), Vec::new());
    for (i, op) in ops.iter().enumerate() {
        match op.written() {
            Written::Nothing => continue,
            Written::Value(v) => by_value.entry(v).or_default().0.push(i),
            Written::Anything => anything.push(i),
        }
        all.push(i);
    }
    let mut anything = (anything, MaxTree::default());
    let mut all = (all, MaxTree::default());
    // Writes that certainly took effect, by answer time, with a tree of the
    // invocation times of those kept.
    let mut shields: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i].ret.is_some() && matches!(ops[i].written(), Written::Value(_)))
        .collect();
    crate::sorting::sort_by_key(&mut shields, |&i| (ops[i].ret, i));
    let mut shield_tree = MaxTree::new(shields.len());
    for (slot, &i) in shields.iter().enumerate() {
        if kept[i] {
            shield_tree.set(slot, Some(ops[i].call));
        }
    }
    let mut slot_of = vec![usize::MAX; ops.len()];
    for (slot, &i) in shields.iter().enumerate() {
        slot_of[i] = slot;
    }
    for (list, tree) in by_value.values_mut().chain([&mut anything, &mut all]) {
        *tree = MaxTree::new(list.len());
        for (slot, &i) in list.iter().enumerate() {
            if !kept[i] {
                tree.set(slot, Some(ops[i].ret.unwrap_or(Time::NEVER)));
            }
        }
    }
    let cost = 1 + ops.len() as u64 / 16;
    loop {
        *budget = budget.checked_sub(cost)?;
        let mut changed = false;
        for (i, op) in ops.iter().enumerate() {
            if !kept[i] {
                continue;
            }
            let observed = op.observed();
            let dependent = op.blind_dependent();
            if observed.is_empty() && !dependent {
                continue;
            }
            // The latest invocation of a kept write that took effect and
            // answered before `op` was invoked.
            let before = shields.partition_point(|&j| ops[j].ret.is_some_and(|r| r < op.call));
            let shield = shield_tree.prefix_max(before);
            let limit = op.ret.unwrap_or(Time::NEVER);
            let explains = |(list, tree): &(Vec<usize>, MaxTree)| {
                let n = list.partition_point(|&j| ops[j].call <= limit);
                match (tree.prefix_max(n), shield) {
                    (None, _) => false,
                    (Some(_), None) => true,
                    (Some(ret), Some(s)) => ret >= s,
                }
            };
            let explained = if dependent {
                explains(&all)
            } else {
                explains(&anything)
                    || observed
                        .iter()
                        .any(|v| by_value.get(v).is_some_and(&explains))
            };
            if !explained {
                continue;
            }
            // Remove it at once, so chains of increments resolve in one pass.
            kept[i] = false;
            changed = true;
            let ret = Some(op.ret.unwrap_or(Time::NEVER));
            let mut lists: Vec<&mut (Vec<usize>, MaxTree)> = vec![&mut all];
            match op.written() {
                Written::Nothing => lists.clear(),
                Written::Value(v) => lists.extend(by_value.get_mut(&v)),
                Written::Anything => lists.push(&mut anything),
            }
            for (list, tree) in lists {
                if let Ok(slot) = list.binary_search(&i) {
                    tree.set(slot, ret);
                }
            }
            if slot_of[i] != usize::MAX {
                shield_tree.set(slot_of[i], None);
            }
        }
        if !changed {
            return Some(());
        }
    }
}

/// A segment tree answering "largest value among the first n slots".
#[derive(Default)]
pub(super) struct MaxTree {
    size: usize,
    data: Vec<Option<Time>>,
}

impl MaxTree {
    fn new(len: usize) -> Self {
        let size = len.next_power_of_two();
        MaxTree {
            size,
            data: vec![None; 2 * size],
        }
    }

    fn set(&mut self, slot: usize, value: Option<Time>) {
        let mut i = slot + self.size;
        self.data[i] = value;
        while i > 1 {
            i /= 2;
            self.data[i] = self.data[2 * i].max(self.data[2 * i + 1]);
        }
    }

    fn prefix_max(&self, n: usize) -> Option<Time> {
        let (mut lo, mut hi) = (self.size, self.size + n.min(self.size));
        let mut best = None;
        while lo < hi {
            if lo % 2 == 1 {
                best = best.max(self.data[lo]);
                lo += 1;
            }
            if hi % 2 == 1 {
                hi -= 1;
                best = best.max(self.data[hi]);
            }
            lo /= 2;
            hi /= 2;
        }
        best
    }
}
