//! [`SortedMap`]: a map kept as a vector of entries sorted by key.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::{Index, RangeBounds};

/// An ordered map with `BTreeMap`'s methods (those this crate uses), stored as
/// one vector sorted by key. See the [module](super) for why.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> SortedMap<K, V> {
    /// An empty map (no allocation).
    pub const fn new() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
    /// How many entries the map holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether the map holds no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }
    /// The entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.entries.iter_mut())
    }
    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }
    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }
    /// The values in key order, mutable.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }
    /// The values in key order, taken out of the map.
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }
    /// The entry with the least key.
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }
    /// The entry with the greatest key.
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }
    /// Takes out the entry with the least key.
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        (!self.entries.is_empty()).then(|| self.entries.remove(0))
    }
    /// Takes out the entry with the greatest key.
    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }
    /// Keeps only the entries for which `keep` says yes, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }
    /// The value for `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }
    /// The value for `key`, mutable.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }
    /// Whether the map has an entry for `key`.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }
    /// Sets the value for `key`; the value it replaces, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }
    /// Takes out the value for `key`, if any.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }
    /// The place for `key`, filled or not.
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, key, at }
    }
    /// The entries whose keys fall in `range`, in order.
    pub fn range(&self, range: impl RangeBounds<K>) -> Iter<'_, K, V> {
        let (start, end) = super::span(&self.entries, &range, |(k, _)| k);
        Iter(self.entries[start..end].iter())
    }
    /// Splits the map at `key`: the entries from `key` on move to the map
    /// returned, the rest stay.
    pub fn split_off<Q: Ord + ?Sized>(&mut self, key: &Q) -> Self
    where
        K: Borrow<Q>,
    {
        let at = self.entries.partition_point(|(k, _)| k.borrow() < key);
        SortedMap {
            entries: self.entries.split_off(at),
        }
    }
}

/// The place for one key: [`SortedMap::entry`].
pub struct Entry<'a, K, V> {
    map: &'a mut SortedMap<K, V>,
    key: K,
    at: Result<usize, usize>,
}

impl<'a, K, V> Entry<'a, K, V> {
    /// The value, after putting `make()` there if there was none.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.map.entries.insert(i, (self.key, make()));
                i
            }
        };
        &mut self.map.entries[i].1
    }
    /// The value, after putting `value` there if there was none.
    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }
    /// The value, after putting the default there if there was none.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
    /// Changes the value with `change` if there is one.
    pub fn and_modify(self, change: impl FnOnce(&mut V)) -> Self {
        if let Ok(i) = self.at {
            change(&mut self.map.entries[i].1);
        }
        self
    }
}

/// `map[&key]`: the value for `key`; like `BTreeMap`, panics if there is
/// none (for tests and for keys known to be there).
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> Index<&Q> for SortedMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for the key")
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Hashes like `BTreeMap`: the length, then each key and value in order.
impl<K: Hash, V: Hash> Hash for SortedMap<K, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for (k, v) in &self.entries {
            k.hash(state);
            v.hash(state);
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    /// Later entries for a key replace earlier ones, as with `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries: Vec<(K, V)> = iter.into_iter().collect();
        crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        // Of each run of equal keys keep the last: reverse, keep the first.
        entries.reverse();
        entries.dedup_by(|later, earlier| later.0 == earlier.0);
        entries.reverse();
        SortedMap { entries }
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

/// The entries of a [`SortedMap`] in key order.
#[derive(Clone)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

/// The entries of a [`SortedMap`] in key order, values mutable.
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut SortedMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// A map, as `BTreeMap` writes one.
impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// Any map; a key given twice keeps its last value (as `BTreeMap` reads one).
impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for Entries<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = access.next_entry()? {
                    entries.push(entry);
                }
                Ok(entries.into_iter().collect())
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::SortedMap;
    use crate::rng::Rng;
    use std::collections::BTreeMap;

    /// Random inserts, removals, entries, splits and ranges give the same
    /// answers, order, `Debug` text and hash as `BTreeMap`.
    #[test]
    fn answers_like_a_btree_map() {
        let mut rng = Rng::new(7);
        let mut ours: SortedMap<u8, u32> = SortedMap::new();
        let mut std_map: BTreeMap<u8, u32> = BTreeMap::new();
        for step in 0..4_000u32 {
            let k = (rng.next_u64() % 40) as u8;
            match rng.next_u64() % 8 {
                0 | 1 => assert_eq!(ours.insert(k, step), std_map.insert(k, step)),
                2 => assert_eq!(ours.remove(&k), std_map.remove(&k)),
                3 => {
                    *ours.entry(k).or_insert(9) += 1;
                    *std_map.entry(k).or_insert(9) += 1;
                }
                4 => {
                    *std_map.entry(k).or_default() += 1;
                    *ours.entry(k).or_default() += 0;
                    *ours.get_mut(&k).unwrap() += 1;
                }
                5 => {
                    let (lo, hi) = (k.min(20), k.max(20));
                    assert!(ours.range(lo..hi).eq(std_map.range(lo..hi)));
                    assert!(ours.range(lo..=hi).rev().eq(std_map.range(lo..=hi).rev()));
                }
                6 => {
                    assert_eq!(ours.pop_first(), std_map.pop_first());
                    ours.retain(|k, _| k % 7 != 0);
                    std_map.retain(|k, _| k % 7 != 0);
                }
                _ => {
                    let (a, b) = (ours.split_off(&k), std_map.split_off(&k));
                    assert!(a.iter().eq(b.iter()));
                    if step % 2 == 0 {
                        ours.extend(a);
                        std_map.extend(b);
                    }
                }
            }
            assert!(ours.iter().eq(std_map.iter()), "step {step}");
            assert_eq!(ours.get(&k), std_map.get(&k));
            assert_eq!(ours.first_key_value(), std_map.first_key_value());
            assert_eq!(ours.last_key_value(), std_map.last_key_value());
        }
        assert!(!ours.is_empty());
        assert_eq!(format!("{ours:?}"), format!("{std_map:?}"));
        use crate::sim::digest::StableHasher;
        assert_eq!(StableHasher::digest(&ours), StableHasher::digest(&std_map));
    }

    #[test]
    fn collecting_keeps_the_last_value_of_a_key_like_a_btree_map() {
        let pairs = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        let ours: SortedMap<i32, char> = pairs.into_iter().collect();
        let std_map: BTreeMap<i32, char> = pairs.into_iter().collect();
        assert!(ours.iter().eq(std_map.iter()));
        assert_eq!(ours, SortedMap::from([(1, 'e'), (2, 'd'), (3, 'c')]));
    }

    #[test]
    fn writes_and_reads_json_like_a_btree_map() {
        let json = r#"{"b":2,"a":1,"b":3}"#;
        let ours: SortedMap<String, i64> = serde_json::from_str(json).unwrap();
        let std_map: BTreeMap<String, i64> = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&std_map).unwrap()
        );
        assert_eq!(serde_json::to_string(&ours).unwrap(), r#"{"a":1,"b":3}"#);
        assert!(serde_json::from_str::<SortedMap<String, i64>>("[1]").is_err());
    }
}
