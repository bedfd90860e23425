//! Each node's local clock: global time seen through an offset and a drift.
//!
//! Nodes only ever see their own clock, so a lease or an election timeout is
//! measured on a clock that may run fast or slow (thesis §6.4).

use crate::raft::Time;
use serde::{Deserialize, Serialize};

/// The most a clock may run slow or fast, in parts per million.
pub const MAX_DRIFT_PPM: i64 = 500_000;

/// A node's clock: it reads `local_at_anchor` at global `anchor` and then
/// advances `1 + drift_ppm / 10⁶` local microseconds per global one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocalClock {
    anchor: Time,
    local_at_anchor: Time,
    drift_ppm: i64,
}

impl Default for LocalClock {
    fn default() -> Self {
        LocalClock {
            anchor: Time::ZERO,
            local_at_anchor: Time::ZERO,
            drift_ppm: 0,
        }
    }
}

impl LocalClock {
    /// A clock ahead of global time by `offset_us` that drifts by `drift_ppm`.
    pub fn new(offset_us: u64, drift_ppm: i64) -> Self {
        LocalClock {
            anchor: Time::ZERO,
            local_at_anchor: Time(offset_us),
            drift_ppm: drift_ppm.clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM),
        }
    }

    /// The drift rate in parts per million.
    pub fn drift_ppm(&self) -> i64 {
        self.drift_ppm
    }

    /// The local reading at global time `global` (never before the anchor).
    pub fn local(&self, global: Time) -> Time {
        if self.drift_ppm == 0 {
            // The common case, without the 128-bit division below.
            let elapsed = global.since(self.anchor);
            return Time(self.local_at_anchor.0.saturating_add(elapsed));
        }
        let elapsed = i128::from(global.since(self.anchor));
        let scaled = elapsed * i128::from(1_000_000 + self.drift_ppm) / 1_000_000;
        Time(
            self.local_at_anchor
                .0
                .saturating_add(scaled.clamp(0, i128::from(u64::MAX)) as u64),
        )
    }

    /// The earliest global time at or after `not_before` at which the clock
    /// reads at least `local`.
    pub fn global_when(&self, local: Time, not_before: Time) -> Time {
        if local == Time::NEVER {
            return Time::NEVER;
        }
        if self.local(not_before) >= local {
            return not_before;
        }
        let ahead = local.0 - self.local_at_anchor.0;
        let global_ahead = if self.drift_ppm == 0 {
            ahead
        } else {
            let rate = i128::from(1_000_000 + self.drift_ppm);
            (i128::from(ahead) * 1_000_000 / rate).clamp(0, i128::from(u64::MAX)) as u64
        };
        let mut g = Time(self.anchor.0.saturating_add(global_ahead)).max(not_before);
        while self.local(g) < local {
            g = g.plus(1);
        }
        g
    }

    /// The same clock with a new drift rate from global time `now` on; the
    /// reading does not jump.
    pub fn with_drift(&self, now: Time, drift_ppm: i64) -> LocalClock {
        LocalClock {
            anchor: now,
            local_at_anchor: self.local(now),
            drift_ppm: drift_ppm.clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drifting_clock_maps_both_ways_without_jumping() {
        let c = LocalClock::new(500, 100_000); // 10% fast, 0.5 ms ahead
        assert_eq!(c.local(Time(0)), Time(500));
        assert_eq!(c.local(Time(1_000_000)), Time(1_100_500));
        let g = c.global_when(Time(1_100_500), Time::ZERO);
        assert_eq!(g, Time(1_000_000));
        assert!(c.local(c.global_when(Time(777_777), Time::ZERO)) >= Time(777_777));
        let slow = c.with_drift(Time(1_000_000), -200_000);
        assert_eq!(slow.local(Time(1_000_000)), Time(1_100_500));
        assert_eq!(slow.local(Time(2_000_000)), Time(1_900_500));
        assert_eq!(c.global_when(Time::NEVER, Time::ZERO), Time::NEVER);
    }
}
