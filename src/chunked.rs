//! [`Chunked`]: a list whose copies share all but its open tail.
//!
//! Why: time travel copies the world and the app's recorder into every
//! checkpoint. A node's log (up to `snapshot_threshold` entries, each with
//! its own strings), the world's client history and the recorder's per-step
//! marks grow long; as plain `Vec`s each copy cost as much as a thousand
//! steps and the checkpoints held the history many times over. Here full
//! chunks of `N` items sit behind `Arc`s and are shared; a copy clones one
//! pointer per chunk plus the open tail. A change to an item in a shared
//! chunk copies that chunk first, so copies never see each other's changes.
//! Apart from the cost of a clone it behaves as a `Vec` (see the model test).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Index;
use std::sync::Arc;

/// A list in chunks of `N` items, cheap to clone. The chunks themselves are
/// listed in groups of `G`, shared the same way (a second [`Layer`]): a long
/// list's copies would otherwise each hold their own list of chunk pointers
/// once the original grows (the recorder's per-step marks reach thousands of
/// chunks in an hour, and every checkpoint keeps a copy).
pub type Chunked<T, const N: usize = 64, const G: usize = 64> =
    Layer<T, N, Layer<Arc<[T]>, G, Arc<Vec<Arc<[Arc<[T]>]>>>>>;

/// Where a layer keeps its full chunks: a list of them that is itself cheap
/// to clone. Either a plain shared `Vec` (copied whole when a copy of it
/// changes) or another [`Layer`].
pub trait Frozen<C>: Default + Clone {
    /// How many there are.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The one at position `i`.
    fn get(&self, i: usize) -> Option<&C>;
    /// The last one.
    fn last(&self) -> Option<&C>;
    /// Those from position `i` on.
    fn iter_from<'a>(&'a self, i: usize) -> impl DoubleEndedIterator<Item = &'a C> + 'a
    where
        C: 'a;
    /// As `slice::partition_point`.
    fn partition_point(&self, pred: impl Fn(&C) -> bool) -> usize;
    /// Removes the first `n`.
    fn drop_front(&mut self, n: usize);
    /// Appends one.
    fn push(&mut self, item: C);
    /// The one at position `i`, to change.
    fn get_mut(&mut self, i: usize) -> Option<&mut C>;
    /// Keeps the first `keep`.
    fn truncate(&mut self, keep: usize);
    /// How many at the front of `self` and `other` are equal, as `eq`
    /// judges (see [`Layer::common_prefix_len`]).
    fn common_prefix_by(&self, other: &Self, eq: impl Fn(&C, &C) -> bool) -> usize;
}

/// The bottom of the stack: one shared list, copied whole when a list
/// shared with a copy changes.
impl<C: Clone> Frozen<C> for Arc<Vec<C>> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn get(&self, i: usize) -> Option<&C> {
        self.as_slice().get(i)
    }
    fn last(&self) -> Option<&C> {
        self.as_slice().last()
    }
    fn iter_from<'a>(&'a self, i: usize) -> impl DoubleEndedIterator<Item = &'a C> + 'a
    where
        C: 'a,
    {
        self.as_slice().get(i..).unwrap_or_default().iter()
    }
    fn partition_point(&self, pred: impl Fn(&C) -> bool) -> usize {
        self.as_slice().partition_point(pred)
    }
    fn drop_front(&mut self, n: usize) {
        let n = n.min(self.as_slice().len());
        Arc::make_mut(self).drain(..n);
    }
    fn push(&mut self, item: C) {
        Arc::make_mut(self).push(item);
    }
    fn get_mut(&mut self, i: usize) -> Option<&mut C> {
        Arc::make_mut(self).get_mut(i)
    }
    fn truncate(&mut self, keep: usize) {
        Arc::make_mut(self).truncate(keep);
    }
    fn common_prefix_by(&self, other: &Self, eq: impl Fn(&C, &C) -> bool) -> usize {
        if Arc::ptr_eq(self, other) {
            return self.as_slice().len();
        }
        let (a, b) = (self.as_slice(), other.as_slice());
        a.iter().zip(b).take_while(|(x, y)| eq(x, y)).count()
    }
}

/// One level of sharing: full chunks of exactly `N` items behind `Arc`s,
/// kept in `F`, and an open chunk. A clone copies the open chunk and what
/// `F` does not share; a change to an item in a shared chunk copies that
/// chunk first.
#[derive(Clone)]
pub struct Layer<T, const N: usize, F> {
    /// Full chunks of exactly `N` items each.
    frozen: F,
    /// How many items at the front of the first full chunk are gone
    /// (dropped from the front); zero when there is no full chunk.
    skip: usize,
    /// The newest items, fewer than `N`.
    open: Vec<T>,
}

impl<T, const N: usize, F: Default> Default for Layer<T, N, F> {
    fn default() -> Self {
        Layer {
            frozen: F::default(),
            skip: 0,
            open: Vec::new(),
        }
    }
}

impl<T, const N: usize, F: Frozen<Arc<[T]>>> Layer<T, N, F> {
    /// How many items there are.
    pub fn len(&self) -> usize {
        self.frozen.len() * N - self.skip + self.open.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at position `i` (from 0).
    pub fn get(&self, i: usize) -> Option<&T> {
        let at = i + self.skip;
        match self.frozen.get(at / N) {
            Some(chunk) => chunk.get(at % N),
            None => self.open.get(at - self.frozen.len() * N),
        }
    }

    /// The last item.
    pub fn last(&self) -> Option<&T> {
        self.open
            .last()
            .or_else(|| self.frozen.last().and_then(|c| c.last()))
    }

    /// Every item, in order (and back to front with `.rev()`).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.iter_from(0)
    }

    /// The items from position `i` on, without walking those before it.
    pub fn iter_from(&self, i: usize) -> impl DoubleEndedIterator<Item = &T> + '_ {
        let at = i + self.skip;
        let first = self.frozen.get(at / N).map(|c| &c[at % N..]);
        let rest = self.frozen.iter_from(at / N + 1).flat_map(|c| c.iter());
        let tail = at
            .saturating_sub(self.frozen.len() * N)
            .min(self.open.len());
        first
            .into_iter()
            .flatten()
            .chain(rest)
            .chain(self.open[tail..].iter())
    }

    /// The first position whose item does not satisfy `pred`, for a `pred`
    /// that holds for a prefix of the list (as `slice::partition_point`).
    pub fn partition_point(&self, pred: impl Fn(&T) -> bool) -> usize {
        let chunks = self.frozen.partition_point(|c| c.last().is_some_and(&pred));
        let within = match self.frozen.get(chunks) {
            Some(c) => c.partition_point(&pred),
            None => self.open.partition_point(&pred),
        };
        (chunks * N + within)
            .saturating_sub(self.skip)
            .min(self.len())
    }

    /// How many items at the front of `self` and `other` are equal, as `eq`
    /// judges. Full chunks the two lists share (one was cloned from the
    /// other and has changed since) are equal without a look at their
    /// items: for such lists this costs a pointer comparison per shared
    /// chunk and an `eq` per item after them. A shared chunk cannot have
    /// changed: a change to an item in it copies it first.
    pub fn common_prefix_len(&self, other: &Self, eq: impl Fn(&T, &T) -> bool) -> usize {
        if self.skip != other.skip {
            return self
                .iter()
                .zip(other.iter())
                .take_while(|(a, b)| eq(a, b))
                .count();
        }
        let shared = self.frozen.common_prefix_by(&other.frozen, Arc::ptr_eq);
        let same = (shared * N).saturating_sub(self.skip);
        if shared == self.frozen.len() && shared == other.frozen.len() {
            // Every full chunk shared: only the open chunks differ.
            let (a, b) = (&self.open, &other.open);
            return same + a.iter().zip(b).take_while(|(x, y)| eq(x, y)).count();
        }
        same + self
            .iter_from(same)
            .zip(other.iter_from(same))
            .take_while(|(a, b)| eq(a, b))
            .count()
    }

    /// How many full chunks it holds: two lists that share their chunks
    /// and hold as many of them share all of them.
    pub fn full_chunks(&self) -> usize {
        self.frozen.len()
    }

    /// Removes every item.
    pub fn clear(&mut self) {
        *self = Layer::default();
    }

    /// Removes the first `n` items (all of them when `n` is larger).
    pub fn drop_front(&mut self, n: usize) {
        if n >= self.len() {
            self.clear();
            return;
        }
        let at = self.skip + n;
        let whole = (at / N).min(self.frozen.len());
        self.frozen.drop_front(whole);
        let rest = at - whole * N;
        if self.frozen.is_empty() {
            self.open.drain(..rest);
            self.skip = 0;
        } else {
            self.skip = rest;
        }
    }

    /// Heap bytes of this layer's open chunk, which a clone does not share.
    /// (The layer below keeps its own open chunk, of at most `G` pointers,
    /// not counted here.)
    pub fn unshared_bytes(&self) -> usize {
        self.open.capacity() * std::mem::size_of::<T>()
    }

    /// Heap bytes of the full chunks (shared between clones).
    pub fn shared_bytes(&self) -> usize {
        self.frozen.len() * (N * std::mem::size_of::<T>() + std::mem::size_of::<Arc<[T]>>())
    }
}

impl<T: Clone, const N: usize, F: Frozen<Arc<[T]>>> Layer<T, N, F> {
    /// Appends one item.
    pub fn push(&mut self, item: T) {
        self.open.push(item);
        if self.open.len() == N {
            let full = std::mem::take(&mut self.open).into();
            self.frozen.push(full);
        }
    }

    /// The item at position `i`, to change; a chunk shared with a copy is
    /// copied first.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        let at = i + self.skip;
        let frozen = self.frozen.len();
        if at / N >= frozen {
            return self.open.get_mut(at - frozen * N);
        }
        let chunk = self.frozen.get_mut(at / N)?;
        if Arc::get_mut(chunk).is_none() {
            *chunk = chunk.iter().cloned().collect();
        }
        Arc::get_mut(chunk).and_then(|c| c.get_mut(at % N))
    }

    /// Keeps the first `keep` items.
    pub fn truncate(&mut self, keep: usize) {
        if keep >= self.len() {
            return;
        }
        let in_frozen = self.frozen.len() * N - self.skip;
        if keep >= in_frozen {
            self.open.truncate(keep - in_frozen);
            return;
        }
        // The cut falls inside a full chunk: its kept front becomes the tail.
        let at = keep + self.skip;
        let chunk = at / N;
        let start = if chunk == 0 { self.skip } else { 0 };
        self.open = self
            .frozen
            .get(chunk)
            .map_or_else(Vec::new, |c| c[start..at % N].to_vec());
        self.frozen.truncate(chunk);
        if self.frozen.is_empty() {
            self.skip = 0;
        }
    }
}

/// A layer is itself a list of chunks for the layer above it.
impl<T: Clone, const N: usize, F: Frozen<Arc<[T]>>> Frozen<T> for Layer<T, N, F> {
    fn len(&self) -> usize {
        Layer::len(self)
    }
    fn get(&self, i: usize) -> Option<&T> {
        Layer::get(self, i)
    }
    fn last(&self) -> Option<&T> {
        Layer::last(self)
    }
    fn iter_from<'a>(&'a self, i: usize) -> impl DoubleEndedIterator<Item = &'a T> + 'a
    where
        T: 'a,
    {
        Layer::iter_from(self, i)
    }
    fn partition_point(&self, pred: impl Fn(&T) -> bool) -> usize {
        Layer::partition_point(self, pred)
    }
    fn drop_front(&mut self, n: usize) {
        Layer::drop_front(self, n)
    }
    fn push(&mut self, item: T) {
        Layer::push(self, item)
    }
    fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        Layer::get_mut(self, i)
    }
    fn truncate(&mut self, keep: usize) {
        Layer::truncate(self, keep)
    }
    fn common_prefix_by(&self, other: &Self, eq: impl Fn(&T, &T) -> bool) -> usize {
        Layer::common_prefix_len(self, other, eq)
    }
}

impl<T, const N: usize, F: Frozen<Arc<[T]>>> Index<usize> for Layer<T, N, F> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(item) => item,
            None => panic!("index {i} out of range for a list of {}", self.len()),
        }
    }
}

impl<T: PartialEq, const N: usize, F: Frozen<Arc<[T]>>> PartialEq for Layer<T, N, F> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq, const N: usize, F: Frozen<Arc<[T]>>> Eq for Layer<T, N, F> {}

impl<T: fmt::Debug, const N: usize, F: Frozen<Arc<[T]>>> fmt::Debug for Layer<T, N, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Clone, const N: usize, F: Frozen<Arc<[T]>>> FromIterator<T> for Layer<T, N, F> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut list = Layer::default();
        for item in items {
            list.push(item);
        }
        list
    }
}

/// Written as a plain list, as the `Vec` it stands for was.
impl<T: Serialize, const N: usize, F: Frozen<Arc<[T]>>> Serialize for Layer<T, N, F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Clone + Deserialize<'de>, const N: usize, F: Frozen<Arc<[T]>>> Deserialize<'de>
    for Layer<T, N, F>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(|v| v.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    type Small = Chunked<u64, 4, 3>;

    /// A list under test beside the plain `Vec` it must behave as, with
    /// copies of both taken along the way.
    #[derive(Default)]
    struct Model {
        model: Vec<u64>,
        list: Small,
        copies: Vec<(Vec<u64>, Small)>,
        next: u64,
    }

    impl Model {
        /// One random edit, the same on both: a truncation, a drop from the
        /// front (of up to `max_drop` items, or anything up to the length),
        /// a copy kept, a change, or (`pushes` times in `pushes + 4`) a push.
        fn edit(&mut self, rng: &mut Rng, pushes: usize, max_drop: Option<usize>) {
            let Model {
                model,
                list,
                copies,
                next,
            } = self;
            match rng.index(pushes + 4) {
                0 => {
                    let keep = rng.index(model.len() + 1);
                    model.truncate(keep);
                    list.truncate(keep);
                }
                1 => {
                    let n = rng.index(max_drop.unwrap_or(model.len() + 3));
                    model.drain(..n.min(model.len()));
                    list.drop_front(n);
                }
                2 => copies.push((model.clone(), list.clone())),
                3 => {
                    let i = rng.index(model.len() + 1);
                    if let Some(x) = model.get_mut(i) {
                        *x += 1000;
                    }
                    if let Some(x) = list.get_mut(i) {
                        *x += 1000;
                    }
                }
                _ => {
                    *next += 1;
                    model.push(*next);
                    list.push(*next);
                }
            }
        }
    }

    /// Random pushes, changes, truncations and front drops, checked after
    /// each against a plain `Vec` doing the same; copies taken along the way
    /// must not change when the original does.
    #[test]
    fn behaves_as_a_vec_and_copies_are_independent() {
        let mut rng = Rng::new(7);
        for _ in 0..50 {
            let mut m = Model::default();
            for _ in 0..1_000 {
                m.edit(&mut rng, 8, None);
                let (model, list, next) = (&m.model, &m.list, m.next + 1);
                assert_eq!(list.len(), model.len());
                assert!(list.iter().eq(model.iter()));
                assert!(list.iter().rev().eq(model.iter().rev()));
                assert_eq!(list.last(), model.last());
                let from = rng.index(model.len() + 2);
                assert!(list.iter_from(from).eq(model.iter().skip(from)));
                for i in [
                    0,
                    model.len() / 2,
                    model.len().saturating_sub(1),
                    model.len(),
                ] {
                    assert_eq!(list.get(i), model.get(i), "position {i}");
                }
                if model.is_sorted() {
                    let bound = next / 2;
                    assert_eq!(
                        list.partition_point(|x| *x < bound),
                        model.partition_point(|x| *x < bound)
                    );
                }
            }
            for (model, copy) in &m.copies {
                assert!(copy.iter().eq(model.iter()));
            }
        }
    }

    /// A list's common prefix with an earlier copy of itself, found through
    /// the chunks they still share, is the one a plain comparison finds,
    /// whatever happened to the list since the copy.
    #[test]
    fn common_prefix_with_an_earlier_copy_matches_a_plain_comparison() {
        let mut rng = Rng::new(11);
        for _ in 0..40 {
            let mut m = Model::default();
            for _ in 0..400 {
                m.edit(&mut rng, 6, Some(3));
                for (old, copy) in &m.copies {
                    let plain = m.model.iter().zip(old).take_while(|(a, b)| a == b).count();
                    assert_eq!(m.list.common_prefix_len(copy, |a, b| a == b), plain);
                }
            }
        }
    }

    #[test]
    fn serializes_as_a_plain_list() {
        let list: Chunked<u64> = (1..=130).collect();
        let json = serde_json::to_string(&list).expect("serializes");
        let plain: Vec<u64> = (1..=130).collect();
        assert_eq!(json, serde_json::to_string(&plain).expect("serializes"));
        let back: Chunked<u64> = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, list);
    }
}
