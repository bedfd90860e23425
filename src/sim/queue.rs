//! The world's event queue: a binary heap ordered by (time, class, sequence).
//!
//! A `BTreeMap` did the same job, but it moved whole entries around its nodes
//! on every insert and removal; the heap only sifts, and the world only ever
//! needs the earliest entry. Keys are unique (the sequence number), so the
//! order is total and the same on every platform.

use crate::raft::Time;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// When an entry runs: at `time`, lower `class` first, then in the order
/// entries were pushed (`seq`).
pub type QueueKey = (Time, u8, u64);

/// One queued item with its key; ordered by the key alone.
#[derive(Clone, Debug)]
struct Queued<T> {
    key: QueueKey,
    item: T,
}

impl<T> PartialEq for Queued<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<T> Eq for Queued<T> {}
impl<T> PartialOrd for Queued<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Queued<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// A min-queue of items by [`QueueKey`].
#[derive(Clone, Debug)]
pub struct EventQueue<T> {
    heap: BinaryHeap<Reverse<Queued<T>>>,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
        }
    }
}

impl<T> EventQueue<T> {
    /// Adds `item` to run at `key`. Keys must be unique.
    pub fn push(&mut self, key: QueueKey, item: T) {
        self.heap.push(Reverse(Queued { key, item }));
    }

    /// The earliest key, if any.
    pub fn first_key(&self) -> Option<QueueKey> {
        self.heap.peek().map(|Reverse(q)| q.key)
    }

    /// Removes and returns the earliest entry.
    pub fn pop_first(&mut self) -> Option<(QueueKey, T)> {
        self.heap.pop().map(|Reverse(q)| (q.key, q.item))
    }

    /// Keeps only the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&QueueKey, &T) -> bool) {
        self.heap.retain(|Reverse(q)| keep(&q.key, &q.item));
    }

    /// How many entries are queued.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn pops_in_key_order_like_an_ordered_map_through_pushes_pops_and_retains() {
        // A model test against the BTreeMap the queue replaced.
        let mut rng = crate::rng::Rng::new(7);
        let mut queue = EventQueue::default();
        let mut model = BTreeMap::new();
        for seq in 0..5_000u64 {
            match rng.range_inclusive(0, 9) {
                0..=5 => {
                    let key = (Time(rng.range_inclusive(0, 50)), (seq % 2) as u8, seq);
                    queue.push(key, seq);
                    model.insert(key, seq);
                }
                6..=8 => assert_eq!(queue.pop_first(), model.pop_first()),
                _ => {
                    let cut = Time(rng.range_inclusive(0, 50));
                    queue.retain(|k, _| k.0 <= cut);
                    model.retain(|k, _| k.0 <= cut);
                }
            }
            assert_eq!(queue.first_key(), model.keys().next().copied());
            assert_eq!(queue.len(), model.len());
        }
        while let Some(entry) = model.pop_first() {
            assert_eq!(queue.pop_first(), Some(entry));
        }
        assert!(queue.is_empty());
    }
}
