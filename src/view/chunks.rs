//! An append-only list whose clones share all but its last, open chunk.
//!
//! The app's recorder is cloned into every checkpoint of the timeline, so
//! anything it keeps per step must be cheap to clone: a plain `Vec` would
//! copy the whole history into each of up to 128 checkpoints. Here full
//! chunks are frozen behind an `Arc` and shared; a clone copies one pointer
//! per chunk plus the open chunk.

use std::sync::Arc;

/// Items per frozen chunk.
pub const CHUNK: usize = 1024;

/// An append-only list, cheap to clone.
#[derive(Clone, Debug)]
pub struct Chunks<T> {
    frozen: Vec<Arc<[T]>>,
    open: Vec<T>,
}

impl<T> Default for Chunks<T> {
    fn default() -> Self {
        Chunks {
            frozen: Vec::new(),
            open: Vec::new(),
        }
    }
}

impl<T: Clone> Chunks<T> {
    /// Appends one item.
    pub fn push(&mut self, item: T) {
        self.open.push(item);
        if self.open.len() == CHUNK {
            let full = std::mem::take(&mut self.open);
            self.frozen.push(full.into());
        }
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.frozen.len() * CHUNK + self.open.len()
    }

    /// The item at `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&T> {
        match self.frozen.get(i / CHUNK) {
            Some(chunk) => chunk.get(i % CHUNK),
            None if i / CHUNK == self.frozen.len() => self.open.get(i % CHUNK),
            None => None,
        }
    }

    /// The first index whose item does not satisfy `pred`, for a `pred`
    /// that holds for a prefix of the list (as `slice::partition_point`).
    pub fn partition_point(&self, pred: impl Fn(&T) -> bool) -> usize {
        let chunk = self.frozen.partition_point(|c| c.last().is_some_and(&pred));
        match self.frozen.get(chunk) {
            Some(c) => chunk * CHUNK + c.partition_point(&pred),
            None => chunk * CHUNK + self.open.partition_point(&pred),
        }
    }

    /// The items from index `from` on, in order.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = &T> + '_ {
        let first = from / CHUNK;
        self.frozen
            .iter()
            .map(|c| &c[..])
            .chain(std::iter::once(&self.open[..]))
            .skip(first)
            .enumerate()
            .flat_map(move |(k, c)| c[if k == 0 { from % CHUNK } else { 0 }..].iter())
    }

    /// Heap bytes held by this list that a clone does not share.
    pub fn unshared_bytes(&self) -> usize {
        self.frozen.capacity() * std::mem::size_of::<Arc<[T]>>()
            + self.open.capacity() * std::mem::size_of::<T>()
    }

    /// Heap bytes of the items in frozen chunks (shared between clones).
    pub fn shared_bytes(&self) -> usize {
        self.frozen.len() * CHUNK * std::mem::size_of::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_found_across_chunk_boundaries_and_in_the_open_chunk() {
        let mut c = Chunks::default();
        for i in 0..(3 * CHUNK + 10) as u64 {
            c.push(i * 2);
        }
        assert_eq!(c.len(), 3 * CHUNK + 10);
        for i in [0, CHUNK - 1, CHUNK, 2 * CHUNK + 5, 3 * CHUNK + 9] {
            assert_eq!(c.get(i), Some(&(i as u64 * 2)));
        }
        assert_eq!(c.get(3 * CHUNK + 10), None);
        assert_eq!(c.get(10 * CHUNK), None);
    }

    #[test]
    fn partition_point_agrees_with_a_plain_vector() {
        let mut c = Chunks::default();
        let mut v = Vec::new();
        for i in 0..(2 * CHUNK + 300) as u64 {
            c.push(i / 3);
            v.push(i / 3);
        }
        for x in [0, 1, 340, 341, 682, 800, 10_000] {
            assert_eq!(c.partition_point(|y| *y < x), v.partition_point(|y| *y < x));
        }
    }

    #[test]
    fn iterating_from_an_index_yields_the_rest_in_order() {
        let mut c = Chunks::default();
        for i in 0..(2 * CHUNK + 7) {
            c.push(i);
        }
        let from = CHUNK - 2;
        let rest: Vec<usize> = c.iter_from(from).copied().collect();
        assert_eq!(rest, (from..2 * CHUNK + 7).collect::<Vec<_>>());
        assert_eq!(c.iter_from(2 * CHUNK + 7).count(), 0);
    }

    #[test]
    fn a_clone_does_not_see_what_the_original_appends_later() {
        let mut c = Chunks::default();
        for i in 0..CHUNK + 1 {
            c.push(i);
        }
        let snapshot = c.clone();
        for i in 0..CHUNK {
            c.push(i + 5000);
        }
        assert_eq!(snapshot.len(), CHUNK + 1);
        assert_eq!(snapshot.get(CHUNK), Some(&CHUNK));
        assert_eq!(c.get(CHUNK + 1), Some(&5000));
    }
}
