//! [`SortedSet`]: a set kept as a sorted vector without repeats.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::iter::Peekable;

/// An ordered set with `BTreeSet`'s methods (those this crate uses), stored
/// as one sorted vector. See the [module](super) for why.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortedSet<T> {
    items: Vec<T>,
}

impl<T> SortedSet<T> {
    /// An empty set (no allocation).
    pub const fn new() -> Self {
        SortedSet { items: Vec::new() }
    }
    /// How many values the set holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// Removes every value.
    pub fn clear(&mut self) {
        self.items.clear();
    }
    /// The values in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
    /// The least value.
    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }
    /// The greatest value.
    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }
    /// Takes out the least value.
    pub fn pop_first(&mut self) -> Option<T> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }
    /// Takes out the greatest value.
    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }
    /// Keeps only the values for which `keep` says yes.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }
}

impl<T: Ord> SortedSet<T> {
    /// Where `value` is (`Ok`) or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|x| x.borrow().cmp(value))
    }
    /// Whether `value` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }
    /// Adds `value`; whether it was new (an equal value already there stays).
    pub fn insert(&mut self, value: T) -> bool {
        match self.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }
    /// Takes out `value`; whether it was there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).map(|i| self.items.remove(i)).is_ok()
    }
    /// The values in `self` or `other` (or both), in order.
    pub fn union<'a>(&'a self, other: &'a Self) -> Union<'a, T> {
        Union {
            a: self.iter().peekable(),
            b: other.iter().peekable(),
        }
    }
    /// The values in both, in order.
    pub fn intersection<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + Clone {
        self.iter().filter(move |x| other.contains(*x))
    }
    /// The values in `self` and not in `other`, in order.
    pub fn difference<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + Clone {
        self.iter().filter(move |x| !other.contains(*x))
    }
    /// The values in exactly one of the two, in order.
    pub fn symmetric_difference<'a>(
        &'a self,
        other: &'a Self,
    ) -> impl Iterator<Item = &'a T> + Clone {
        self.union(other)
            .filter(move |x| !(self.contains(*x) && other.contains(*x)))
    }
    /// Whether every value of `self` is in `other`.
    pub fn is_subset(&self, other: &Self) -> bool {
        self.iter().all(|x| other.contains(x))
    }
    /// Whether every value of `other` is in `self`.
    pub fn is_superset(&self, other: &Self) -> bool {
        other.is_subset(self)
    }
    /// Whether the two have no value in common.
    pub fn is_disjoint(&self, other: &Self) -> bool {
        self.intersection(other).next().is_none()
    }
}

/// The values of two [`SortedSet`]s merged in order, each once.
pub struct Union<'a, T> {
    a: Peekable<std::slice::Iter<'a, T>>,
    b: Peekable<std::slice::Iter<'a, T>>,
}

impl<T> Clone for Union<'_, T> {
    fn clone(&self) -> Self {
        Union {
            a: self.a.clone(),
            b: self.b.clone(),
        }
    }
}

impl<'a, T: Ord> Iterator for Union<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        let order = match (self.a.peek(), self.b.peek()) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, _) => Ordering::Greater,
        };
        match order {
            Ordering::Less => self.a.next(),
            Ordering::Greater => self.b.next(),
            Ordering::Equal => {
                self.b.next();
                self.a.next()
            }
        }
    }
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// Hashes like `BTreeSet`: the length, then each value in order.
impl<T: Hash> Hash for SortedSet<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for x in &self.items {
            x.hash(state);
        }
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    /// Of equal values the first stays, as with `BTreeSet`.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut items: Vec<T> = iter.into_iter().collect();
        crate::sorting::sort(&mut items);
        items.dedup();
        SortedSet { items }
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for x in iter {
            self.insert(x);
        }
    }
}

impl<'a, T: Ord + Copy + 'a> Extend<&'a T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        self.extend(iter.into_iter().copied());
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SortedSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A list, as `BTreeSet` writes one.
impl<T: Serialize> Serialize for SortedSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

/// Any list, in any order, repeats dropped (as `BTreeSet` reads one).
impl<'de, T: Deserialize<'de> + Ord> Deserialize<'de> for SortedSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(|items| items.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::SortedSet;
    use crate::rng::Rng;
    use std::collections::BTreeSet;

    /// Random inserts and removals, and every set operation, give the same
    /// answers, order, `Debug` text, hash and JSON as `BTreeSet`.
    #[test]
    fn answers_like_a_btree_set() {
        let mut rng = Rng::new(11);
        let (mut a, mut b) = (SortedSet::new(), SortedSet::new());
        let (mut std_a, mut std_b) = (BTreeSet::new(), BTreeSet::new());
        for step in 0..3_000 {
            let x = (rng.next_u64() % 24) as u8;
            match rng.next_u64() % 6 {
                0 | 1 => assert_eq!(a.insert(x), std_a.insert(x)),
                2 => assert_eq!(b.insert(x), std_b.insert(x)),
                3 => assert_eq!(a.remove(&x), std_a.remove(&x)),
                4 => assert_eq!(b.remove(&x), std_b.remove(&x)),
                _ => {
                    assert_eq!(a.pop_first(), std_a.pop_first());
                    b.retain(|x| x % 5 != 0);
                    std_b.retain(|x| x % 5 != 0);
                }
            }
            assert!(a.iter().eq(std_a.iter()), "step {step}");
            assert!(a.union(&b).eq(std_a.union(&std_b)));
            assert!(a.intersection(&b).eq(std_a.intersection(&std_b)));
            assert!(a.difference(&b).eq(std_a.difference(&std_b)));
            assert!(a
                .symmetric_difference(&b)
                .eq(std_a.symmetric_difference(&std_b)));
            assert_eq!(a.is_subset(&b), std_a.is_subset(&std_b));
            assert_eq!(a.is_disjoint(&b), std_a.is_disjoint(&std_b));
            assert_eq!((a.first(), a.last()), (std_a.first(), std_a.last()));
            assert_eq!(a.contains(&x), std_a.contains(&x));
            assert_eq!(a.cmp(&b), std_a.cmp(&std_b));
        }
        assert!(a.len() > 3, "the walk ends with a few values to compare");
        assert_eq!(format!("{a:?}"), format!("{std_a:?}"));
        use crate::sim::digest::StableHasher;
        assert_eq!(StableHasher::digest(&a), StableHasher::digest(&std_a));
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&std_a).unwrap()
        );
    }

    #[test]
    fn reads_any_list_like_a_btree_set() {
        let json = "[5, 1, 3, 1, 5]";
        let ours: SortedSet<u8> = serde_json::from_str(json).unwrap();
        let std_set: BTreeSet<u8> = serde_json::from_str(json).unwrap();
        assert!(ours.iter().eq(std_set.iter()));
        assert_eq!(ours, SortedSet::from([3, 5, 1]));
        assert!(serde_json::from_str::<SortedSet<u8>>("[1, 300]").is_err());
    }
}
