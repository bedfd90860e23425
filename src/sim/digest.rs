//! A hasher whose output is the same on every platform, for trace hashes.
//!
//! `std`'s `Hash` impls feed `usize` lengths, which are 4 bytes on wasm32 and
//! 8 natively; this hasher widens them so native and browser runs agree.

use std::hash::{Hash, Hasher};

/// 64-bit FNV-1a with platform-independent `usize` handling.
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
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn write_u16(&mut self, i: u16) {
        self.write(&i.to_le_bytes());
    }
    fn write_u32(&mut self, i: u32) {
        self.write(&i.to_le_bytes());
    }
    fn write_u64(&mut self, i: u64) {
        self.write(&i.to_le_bytes());
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
        // FNV-1a of the empty input is the offset basis.
        assert_eq!(StableHasher::default().finish(), 0xcbf2_9ce4_8422_2325);
        assert_eq!(StableHasher::digest(&0u8), StableHasher::digest(&0u8));
        assert_ne!(StableHasher::digest(&1usize), StableHasher::digest(&2usize));
        // usize hashes like u64 on every platform.
        assert_eq!(StableHasher::digest(&7usize), StableHasher::digest(&7u64));
    }
}
