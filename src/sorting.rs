//! One small stable sort for the whole crate.
//!
//! The standard library's sorts are fast but large: every call with its own
//! element type and order instantiates several kilobytes of code (driftsort,
//! ipnsort and their helpers), and twenty call sites made the sorts 68 KB of
//! the browser app's code before optimisation (issue 25, page weight). Here
//! a short slice is sorted by insertion, in place, and a longer one by one
//! merge sort of positions that is compiled once for every caller (its
//! comparison is a `dyn` call), then moved into that order. Stable, like
//! `slice::sort_by`: equal elements keep their order, so the results are
//! the standard library's.

use std::cmp::Ordering;

/// Slices this short are sorted by insertion: no allocation, little code.
const INSERTION_MAX: usize = 16;

/// Sorts `v` by `cmp`, stably.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() <= INSERTION_MAX {
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && cmp(&v[j - 1], &v[j]) == Ordering::Greater {
                v.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let order = sorted_positions(v.len(), &mut |i, j| cmp(&v[i], &v[j]) == Ordering::Greater);
    permute(v, order);
}

/// Sorts `v` by the key `key` gives each element, stably.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in its own order, stably.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a.cmp(b));
}

/// The positions `0..n` in sorted order, where `after(i, j)` says whether
/// the element at `i` belongs strictly after the one at `j`: a bottom-up
/// merge sort that takes from the left run on ties (stable).
fn sorted_positions(n: usize, after: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    let mut to = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                if after(from[i], from[j]) {
                    to[k] = from[j];
                    j += 1;
                } else {
                    to[k] = from[i];
                    i += 1;
                }
                k += 1;
            }
            to[k..k + mid - i].copy_from_slice(&from[i..mid]);
            k += mid - i;
            to[k..k + end - j].copy_from_slice(&from[j..end]);
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

/// Moves the elements of `v` so that position `k` holds the element that
/// was at `order[k]`, one cycle of the permutation at a time.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != at {
            let next = order[at];
            order[at] = at;
            if next == start {
                break;
            }
            v.swap(at, next);
            at = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn sorts_as_the_standard_library_does_keeping_equal_elements_in_order() {
        let mut rng = Rng::new(7);
        for len in [0, 1, 2, 3, 15, 16, 17, 31, 64, 100, 1_000, 4_097] {
            for range in [3, 1_000_000] {
                // (key, original position): equal keys must keep their order.
                let v: Vec<(u64, usize)> = (0..len)
                    .map(|i| (rng.range_inclusive(0, range), i))
                    .collect();
                let mut ours = v.clone();
                sort_by_key(&mut ours, |e| e.0);
                let mut std = v.clone();
                std.sort_by_key(|e| e.0);
                assert_eq!(ours, std, "{len} elements with keys up to {range}");
                let mut whole = v.clone();
                sort(&mut whole);
                let mut std_whole = v;
                std_whole.sort();
                assert_eq!(whole, std_whole);
            }
        }
    }

    #[test]
    fn sorts_by_a_comparison_in_reverse_and_already_sorted_input_stays() {
        let mut v: Vec<u32> = (0..200).collect();
        sort_by(&mut v, |a, b| b.cmp(a));
        assert_eq!(v, (0..200).rev().collect::<Vec<_>>());
        sort(&mut v);
        assert_eq!(v, (0..200).collect::<Vec<_>>());
    }
}
