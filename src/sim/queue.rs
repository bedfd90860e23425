//! The world's event queue: a binary heap ordered by (time, class, sequence).
//!
//! A `BTreeMap` did the same job, but it moved whole entries around its nodes
//! on every insert and removal; the heap only sifts, and the world only ever
//! needs the earliest entry. Keys are unique (the sequence number), so the
//! order is total and the same on every platform (a slot number beside the
//! key never decides it).

use crate::raft::Time;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// When an entry runs: at `time`, lower `class` first, then in the order
/// entries were pushed (`seq`).
pub type QueueKey = (Time, u8, u64);

/// A min-queue of items by [`QueueKey`].
///
/// The heap holds only keys and slot numbers (32 bytes an entry), the items
/// sit in slots beside it: a pop moves entries down the heap's levels, and
/// the world's items are 72 bytes.
#[derive(Clone, Debug)]
pub struct EventQueue<T> {
    heap: BinaryHeap<Reverse<(QueueKey, u32)>>,
    slots: Vec<Option<T>>,
    /// Slots whose item was taken, to reuse.
    free: Vec<u32>,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> EventQueue<T> {
    /// Adds `item` to run at `key`. Keys must be unique.
    pub fn push(&mut self, key: QueueKey, item: T) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(item);
                slot
            }
            None => {
                self.slots.push(Some(item));
                (self.slots.len() - 1) as u32
            }
        };
        self.heap.push(Reverse((key, slot)));
    }

    /// The earliest key, if any.
    pub fn first_key(&self) -> Option<QueueKey> {
        self.heap.peek().map(|Reverse((key, _))| *key)
    }

    /// Removes and returns the earliest entry.
    pub fn pop_first(&mut self) -> Option<(QueueKey, T)> {
        let Reverse((key, slot)) = self.heap.pop()?;
        self.free.push(slot);
        self.slots[slot as usize].take().map(|item| (key, item))
    }

    /// Keeps only the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&QueueKey, &T) -> bool) {
        let slots = &mut self.slots;
        let free = &mut self.free;
        self.heap.retain(|Reverse((key, slot))| {
            let kept = slots[*slot as usize]
                .as_ref()
                .is_some_and(|item| keep(key, item));
            if !kept {
                slots[*slot as usize] = None;
                free.push(*slot);
            }
            kept
        });
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
