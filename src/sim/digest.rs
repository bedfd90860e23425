//! A hasher whose output is the same on every platform, for trace hashes.
//!
//! `std`'s `Hash` impls feed `usize` lengths, which are 4 bytes on wasm32 and
//! 8 natively; this hasher widens them so native and browser runs agree.
//!
//! It mixes one 64-bit word per multiply (the FxHash step) rather than one
//! byte (FNV-1a): hashing every step was a sixth of the simulation's time.
//! Each step of the mix is a bijection of the state for a given word, so two
//! traces that differ in a single word always hash differently.

use std::hash::{Hash, Hasher};

/// The FxHash multiplier (odd, so multiplying by it is a bijection).
const K: u64 = 0x517c_c1b7_2722_0a95;

/// A word-at-a-time hash with platform-independent `usize` handling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl StableHasher {
    /// Hashes one value from a fresh state.
    pub fn digest<T: Hash + ?Sized>(value: &T) -> u64 {
        let mut h = StableHasher::default();
        value.hash(&mut h);
        h.finish()
    }

    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length in the top byte keeps "ab" apart from "ab\0".
            word[7] |= (rest.len() as u8) << 4;
            self.mix(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.mix(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as i64 as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_fixed_values_so_platforms_can_be_compared() {
        // The empty input hashes to the starting state.
        assert_eq!(StableHasher::default().finish(), 0xcbf2_9ce4_8422_2325);
        assert_eq!(
            StableHasher::digest(&1u64),
            (0xcbf2_9ce4_8422_2325u64.rotate_left(5) ^ 1).wrapping_mul(K)
        );
        assert_eq!(StableHasher::digest(&0u8), StableHasher::digest(&0u8));
        assert_ne!(StableHasher::digest(&1usize), StableHasher::digest(&2usize));
        // usize hashes like u64 on every platform.
        assert_eq!(StableHasher::digest(&7usize), StableHasher::digest(&7u64));
        // Byte strings: a tail shorter than a word keeps its length.
        assert_ne!(
            StableHasher::digest(&b"ab"[..]),
            StableHasher::digest(&b"ab\0"[..])
        );
        assert_ne!(
            StableHasher::digest("abcdefghi"),
            StableHasher::digest("abcdefgh")
        );
    }
}
