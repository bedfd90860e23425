//! A table keyed by log index, for the safety checker's memory of entries.
//!
//! The checker remembers what was committed and applied at every index above
//! the lowest snapshot, and the app's timeline copies the checker into every
//! checkpoint. In `BTreeMap`s each copy cost a fresh tree of a few thousand
//! entries (about 180 KB with nine nodes); here the entries live in shared
//! chunks (see `chunked`), so a copy costs the open chunk and a list of
//! pointers. Log indexes are dense, so a slot per index wastes nothing.

use crate::chunked::Chunked;
use crate::raft::LogIndex;

/// A map from log index to `V`, for indexes from `first` up.
#[derive(Clone, Debug)]
pub struct IndexTable<V> {
    /// The index of slot 0.
    first: LogIndex,
    slots: Chunked<Option<V>>,
}

impl<V> Default for IndexTable<V> {
    fn default() -> Self {
        IndexTable {
            first: 1,
            slots: Chunked::default(),
        }
    }
}

impl<V: Clone> IndexTable<V> {
    /// The value at `index`, if any.
    pub fn get(&self, index: LogIndex) -> Option<&V> {
        let slot = usize::try_from(index.checked_sub(self.first)?).ok()?;
        self.slots.get(slot)?.as_ref()
    }

    /// Sets the value at `index`. Indexes below those kept (forgotten by
    /// [`IndexTable::forget_below`]) are ignored.
    pub fn insert(&mut self, index: LogIndex, value: V) {
        let Some(slot) = index
            .checked_sub(self.first)
            .and_then(|s| usize::try_from(s).ok())
        else {
            return;
        };
        while self.slots.len() <= slot {
            self.slots.push(None);
        }
        if let Some(cell) = self.slots.get_mut(slot) {
            *cell = Some(value);
        }
    }

    /// Forgets every index below `floor`.
    pub fn forget_below(&mut self, floor: LogIndex) {
        if floor <= self.first {
            return;
        }
        let drop = usize::try_from(floor - self.first).unwrap_or(usize::MAX);
        self.slots.drop_front(drop.min(self.slots.len()));
        self.first = floor;
    }

    /// The highest index that has a value, with it.
    pub fn last(&self) -> Option<(LogIndex, &V)> {
        (0..self.slots.len())
            .rev()
            .find_map(|i| Some((self.first + i as LogIndex, self.slots.get(i)?.as_ref()?)))
    }

    /// Every (index, value), in index order.
    pub fn iter(&self) -> impl Iterator<Item = (LogIndex, &V)> + '_ {
        let first = self.first;
        self.slots
            .iter()
            .enumerate()
            .filter_map(move |(i, v)| Some((first + i as LogIndex, v.as_ref()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_an_ordered_map_with_a_rising_floor_and_copies() {
        // A model test against the BTreeMap the checker used, copies included.
        let mut rng = Rng::new(3);
        let mut table = IndexTable::default();
        let mut model = BTreeMap::new();
        let mut floor: LogIndex = 1;
        let mut copies = Vec::new();
        for step in 0..20_000u64 {
            let top = floor + 300;
            match rng.range_inclusive(0, 9) {
                0..=6 => {
                    let index = rng.range_inclusive(floor.saturating_sub(3), top);
                    table.insert(index, step);
                    if index >= floor {
                        model.insert(index, step);
                    }
                }
                7 => {
                    floor += rng.range_inclusive(0, 40);
                    table.forget_below(floor);
                    model = model.split_off(&floor);
                }
                8 => copies.push((table.clone(), model.clone())),
                _ => {
                    let index = rng.range_inclusive(floor.saturating_sub(3), top);
                    assert_eq!(table.get(index), model.get(&index), "index {index}");
                }
            }
        }
        assert!(copies.len() > 1_000);
        for (table, model) in copies.iter().chain([(table, model)].iter()) {
            let listed: Vec<(LogIndex, u64)> = table.iter().map(|(i, v)| (i, *v)).collect();
            let expected: Vec<(LogIndex, u64)> = model.iter().map(|(i, v)| (*i, *v)).collect();
            assert_eq!(listed, expected);
        }
    }
}
