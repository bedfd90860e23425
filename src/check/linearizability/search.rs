//! The search: is there an order of one key's operations, each taking
//! effect between its call and its return, that a register explains?
//! Wing and Gong's backtracking with Lowe's memo of states already tried.

use super::*;

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Search {
    Linearizable,
    NotLinearizable,
    OutOfBudget,
}

pub(super) const NIL: usize = usize::MAX;

/// One invocation or answer in the search's linked list.
pub(super) struct Node {
    prev: usize,
    next: usize,
    /// Position of the operation in the subset being searched.
    op: usize,
    call: bool,
    /// For a call, its answer's node.
    answer: usize,
}

/// Wing & Gong / Lowe search over `ops[subset]`, spending at most `budget`
/// steps (the remainder is left in `budget`).
///
/// Never-answered writes make the search exponential (each may be placed at
/// any point, or never), so four refinements keep them in check; none can
/// turn a linearizable history into a violation:
/// 1. Answered operations are tried before never-answered ones.
/// 2. The memo uses dominance. Two states with the same answered operations
///    placed and the same value differ only in which never-answered writes
///    they have used up; the one that used fewer can do everything the other
///    can (an unused write may simply stay unused), so a state is pruned when
///    the memo holds one with the same answered set and value whose used
///    writes are a subset of its own. With no never-answered writes this is
///    exactly Lowe's memo.
/// 3. A never-answered write is only placed if the next operation placed
///    depends on the value (a read, an increment or a compare-and-set). In any
///    linearization, a never-answered write followed by a blind write (set,
///    delete) or by nothing can be deleted, its effect never seen; so if any
///    linearization exists, one of this shape does. Whether the next
///    operation must depend on the value is part of the memo's state.
/// 4. Identical never-answered writes are used in order of invocation (see
///    `twin_before`).
///
/// The key starts out holding `initial` (absent for a whole history).
pub(super) fn search(
    ops: &[KeyOp],
    subset: &[usize],
    initial: Option<i64>,
    budget: &mut u64,
) -> Search {
    let n = subset.len();
    // (never answered, time, is answer, op): invocations sort before answers at
    // the same instant, which makes equal times concurrent.
    let mut events: Vec<(bool, u64, bool, usize)> = Vec::with_capacity(2 * n);
    // Bit of each operation in its bitset: answered and never-answered
    // operations are numbered separately.
    let mut bit = Vec::with_capacity(n);
    let (mut answered, mut unanswered) = (0usize, 0usize);
    for (pos, &i) in subset.iter().enumerate() {
        let op = &ops[i];
        events.push((false, op.call.0, false, pos));
        events.push(match op.ret {
            Some(t) => (false, t.0, true, pos),
            None => (true, 0, true, pos),
        });
        if op.ret.is_some() {
            bit.push(answered);
            answered += 1;
        } else {
            bit.push(unanswered);
            unanswered += 1;
        }
    }
    crate::sorting::sort(&mut events);
    // For each never-answered write, the previous never-answered write that
    // is the very same operation. Such twins are interchangeable, so they are
    // used in order of invocation (a linearization using a later twin works
    // just as well with the earlier one, whose real-time constraints are
    // weaker): a twin is tried only once its predecessor is used.
    let mut twin_before = vec![None; n];
    let mut last_twin: SortedMap<String, usize> = SortedMap::new();
    for (pos, &i) in subset.iter().enumerate() {
        if let Check::Write(op, None) = &ops[i].check {
            twin_before[pos] = last_twin.insert(format!("{op:?}"), pos);
        }
    }
    // Node 0 is the head sentinel; event j is node j + 1.
    let mut nodes = Vec::with_capacity(events.len() + 1);
    nodes.push(Node {
        prev: NIL,
        next: if events.is_empty() { NIL } else { 1 },
        op: 0,
        call: false,
        answer: NIL,
    });
    let mut answer_node = vec![NIL; n];
    for (j, &(_, _, is_answer, pos)) in events.iter().enumerate() {
        let next = if j + 1 < events.len() { j + 2 } else { NIL };
        nodes.push(Node {
            prev: j,
            next,
            op: pos,
            call: !is_answer,
            answer: NIL,
        });
        if is_answer {
            answer_node[pos] = j + 1;
        }
    }
    for node in nodes.iter_mut().skip(1) {
        if node.call {
            node.answer = answer_node[node.op];
        }
    }

    let mut unplaced_answered = answered;
    let words = answered.div_ceil(64);
    let mut placed = vec![0u64; words];
    let mut used = vec![0u64; unanswered.div_ceil(64)];
    // Lowe's memo with dominance: for each set of placed answered operations
    // (a bitset), the states reached with it. Looked up by slice, so a bitset
    // is copied only when it is new.
    let mut cache: HashMap<Vec<u64>, Vec<Memo>> = HashMap::new();
    let mut cache_words = 0usize;
    // (call node, value before it, must-depend flag before it, phase it was
    // found in)
    let mut stack: Vec<(usize, Option<i64>, bool, Phase)> = Vec::new();
    let mut state: Option<i64> = initial;
    let mut must_depend = false;
    let mut entry = nodes[0].next;
    let mut phase = Phase::Answered;
    loop {
        // Every answered operation is placed; never-answered writes go after
        // everything (equivalently: never happened), which always works.
        if unplaced_answered == 0 {
            return Search::Linearizable;
        }
        if *budget == 0 {
            return Search::OutOfBudget;
        }
        *budget -= 1;
        if entry != NIL && nodes[entry].call {
            let pos = nodes[entry].op;
            let op = &ops[subset[pos]];
            let twin_unused = twin_before[pos]
                .is_some_and(|t: usize| used[bit[t] / 64] & (1 << (bit[t] % 64)) == 0);
            let wanted = match phase {
                Phase::Answered => op.ret.is_some(),
                Phase::Unanswered => op.ret.is_none() && !twin_unused,
            } && (!must_depend || op.depends_on_value());
            let next_state = if wanted { op.step(state) } else { None };
            if let Some(next_state) = next_state {
                let b = bit[pos];
                let bits = if op.ret.is_some() {
                    &mut placed
                } else {
                    &mut used
                };
                bits[b / 64] |= 1 << (b % 64);
                let next_must_depend = op.ret.is_none();
                let this = Memo {
                    value: next_state,
                    used: used.clone(),
                    must_depend: next_must_depend,
                };
                let fresh = match cache.get_mut(placed.as_slice()) {
                    Some(seen) if seen.iter().any(|m| m.dominates(&this)) => false,
                    Some(seen) => {
                        if cache_words < CACHE_WORD_LIMIT && seen.len() < STATES_PER_SET {
                            cache_words += used.len() + 6;
                            seen.push(this);
                        }
                        true
                    }
                    None => {
                        if cache_words < CACHE_WORD_LIMIT {
                            // The bitsets, the value, and roughly the map's
                            // and the vectors' own overhead.
                            cache_words += words + used.len() + 16;
                            cache.insert(placed.clone(), vec![this]);
                        }
                        true
                    }
                };
                if fresh {
                    stack.push((entry, state, must_depend, phase));
                    state = next_state;
                    must_depend = next_must_depend;
                    lift(&mut nodes, entry);
                    if op.ret.is_some() {
                        unplaced_answered -= 1;
                    }
                    entry = nodes[0].next;
                    phase = Phase::Answered;
                    continue;
                }
                let bits = if op.ret.is_some() {
                    &mut placed
                } else {
                    &mut used
                };
                bits[b / 64] &= !(1 << (b % 64));
            }
            entry = nodes[entry].next;
        } else if phase == Phase::Answered {
            // Answered candidates exhausted: now the never-answered ones.
            entry = nodes[0].next;
            phase = Phase::Unanswered;
        } else {
            // An answer whose operation is not placed (or the end of the
            // list): undo the latest placement and try the next candidate.
            let Some((node, previous, previous_must_depend, was)) = stack.pop() else {
                return Search::NotLinearizable;
            };
            let pos = nodes[node].op;
            let b = bit[pos];
            if ops[subset[pos]].ret.is_some() {
                placed[b / 64] &= !(1 << (b % 64));
                unplaced_answered += 1;
            } else {
                used[b / 64] &= !(1 << (b % 64));
            }
            state = previous;
            must_depend = previous_must_depend;
            unlift(&mut nodes, node);
            entry = nodes[node].next;
            phase = was;
        }
    }
}

/// A search state remembered for a given set of placed answered operations.
pub(super) struct Memo {
    /// The key's value.
    value: Option<i64>,
    /// The never-answered writes used so far (a bitset).
    used: Vec<u64>,
    /// Whether the next operation must depend on the value.
    must_depend: bool,
}

impl Memo {
    /// Whether everything `other` can still do, this can too: same value,
    /// no more restricted, and a subset of its never-answered writes used.
    fn dominates(&self, other: &Memo) -> bool {
        self.value == other.value
            && (!self.must_depend || other.must_depend)
            && self
                .used
                .iter()
                .zip(&other.used)
                .all(|(mine, theirs)| mine & !theirs == 0)
    }
}

/// Which candidates a scan of the list is trying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    Answered,
    Unanswered,
}

/// Removes a call node and its answer node from the list.
pub(super) fn lift(nodes: &mut [Node], call: usize) {
    let (prev, next) = (nodes[call].prev, nodes[call].next);
    nodes[prev].next = next;
    if next != NIL {
        nodes[next].prev = prev;
    }
    let answer = nodes[call].answer;
    let (prev, next) = (nodes[answer].prev, nodes[answer].next);
    nodes[prev].next = next;
    if next != NIL {
        nodes[next].prev = prev;
    }
}

/// Puts back what [`lift`] removed (in reverse order, so the pointers the
/// removed nodes kept are valid again).
pub(super) fn unlift(nodes: &mut [Node], call: usize) {
    let answer = nodes[call].answer;
    let (prev, next) = (nodes[answer].prev, nodes[answer].next);
    nodes[prev].next = answer;
    if next != NIL {
        nodes[next].prev = answer;
    }
    let (prev, next) = (nodes[call].prev, nodes[call].next);
    nodes[prev].next = call;
    if next != NIL {
        nodes[next].prev = call;
    }
}
