//! Simulated time. The core never reads a clock: every input carries `now`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A point in time, in microseconds. For a node it is a reading of that node's
/// own (possibly drifting) local clock; for the world it is global time.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Time(pub u64);

impl Time {
    /// Time zero: when the world starts.
    pub const ZERO: Time = Time(0);
    /// A time that never comes; used for "no deadline".
    pub const NEVER: Time = Time(u64::MAX);

    /// The time `ms` milliseconds after zero.
    pub const fn from_millis(ms: u64) -> Time {
        Time(ms.saturating_mul(1000))
    }

    /// Microseconds since zero.
    pub const fn as_micros(self) -> u64 {
        self.0
    }

    /// Milliseconds since zero, as a float for display.
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// This time plus `micros`, saturating at [`Time::NEVER`].
    pub const fn plus(self, micros: u64) -> Time {
        Time(self.0.saturating_add(micros))
    }

    /// Microseconds from `earlier` to `self`, or 0 if `earlier` is later.
    pub const fn since(self, earlier: Time) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Time::NEVER {
            return write!(f, "never");
        }
        write!(f, "{}.{:03} ms", self.0 / 1000, self.0 % 1000)
    }
}

/// The identity of one server. Shown to people as `N1`, `N2`, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub u8);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "N{}", self.0)
    }
}

/// A Raft term number (§5.1).
pub type Term = u64;
/// A position in the replicated log, starting at 1; 0 means "before the log".
pub type LogIndex = u64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_arithmetic_saturates_instead_of_overflowing() {
        assert_eq!(Time::NEVER.plus(5), Time::NEVER);
        assert_eq!(Time(3).since(Time(10)), 0);
        assert_eq!(Time::from_millis(2).plus(500).as_micros(), 2_500);
        assert_eq!(Time(1_234_567).to_string(), "1234.567 ms");
        assert_eq!(NodeId(3).to_string(), "N3");
    }
}
