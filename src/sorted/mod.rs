//! Ordered maps and sets kept as one sorted vector.
//!
//! The collections here are small: the nodes of one cluster, the operations
//! in flight, the terms and votes of one run. The standard library's
//! `BTreeMap` and `BTreeSet` are built for large ones, and each key and
//! value type makes its own copy of their node code (insertion with
//! splitting, removal with rebalancing, cloning and dropping a tree): forty
//! such types were 104 KB of the browser app's optimised code (issue 25, page
//! weight). [`SortedMap`] and [`SortedSet`] give the same order, the same
//! iteration and the same answers with a binary search over a vector, in a
//! few hundred bytes per type, and are as fast or faster at these sizes.
//!
//! Inserting into the middle of a long one moves its tail, so they suit keys
//! that mostly grow (operation ids, terms, message ids) or stay few (node
//! ids). `Debug`, `Hash`, equality and order are those of the standard
//! collections, so traces, trace hashes and printed values are unchanged.

mod map;
mod set;

pub use map::{Entry, SortedMap};
pub use set::SortedSet;

use std::cmp::Ordering;
use std::ops::{Bound, RangeBounds};

/// The positions `start..end` of the sorted `items` whose keys (`key` of
/// each) fall in `range`.
fn span<T, K: Ord + ?Sized>(
    items: &[T],
    range: &impl RangeBounds<K>,
    key: impl Fn(&T) -> &K,
) -> (usize, usize) {
    let below = |bound: Bound<&K>, item: &T| match bound {
        Bound::Included(k) => key(item).cmp(k) == Ordering::Less,
        Bound::Excluded(k) => key(item).cmp(k) != Ordering::Greater,
        Bound::Unbounded => false,
    };
    let start = items.partition_point(|item| below(range.start_bound(), item));
    let end = match range.end_bound() {
        Bound::Included(k) => items.partition_point(|item| key(item).cmp(k) != Ordering::Greater),
        Bound::Excluded(k) => items.partition_point(|item| key(item).cmp(k) == Ordering::Less),
        Bound::Unbounded => items.len(),
    };
    (start, end.max(start))
}
