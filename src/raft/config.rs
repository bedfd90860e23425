//! Settings of one node: timing, optional protocol extensions and the
//! teaching faults that each break exactly one rule.

use super::regression::Regression;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A node's settings. All durations are microseconds of the node's own clock.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Lower bound of the randomized election timeout (§5.2).
    pub election_timeout_min_us: u64,
    /// Upper bound of the randomized election timeout (§5.2).
    pub election_timeout_max_us: u64,
    /// How often a leader sends AppendEntries when it has nothing new (§5.2).
    pub heartbeat_interval_us: u64,
    /// How long a leader may serve reads locally after a quorum acknowledged
    /// a heartbeat round (thesis §6.4.1), measured from when it sent the
    /// round. At most [`Config::max_safe_lease_us`]: shorter than the minimum
    /// election timeout by the room clock drift needs.
    pub lease_duration_us: u64,
    /// Serve [`ReadMode::Lease`](super::ReadMode::Lease) reads at all (with
    /// CheckQuorum). Off, they are refused.
    pub lease_reads: bool,
    /// The most any node's clock may run fast or slow, in parts per million,
    /// that lease reads must survive (thesis §6.4.1). Clocks that drift
    /// further make lease reads unsafe: the stale-lease lesson shows it.
    pub max_clock_drift_ppm: u64,
    /// Ask for pre-votes before starting a real election (thesis §9.6).
    pub pre_vote: bool,
    /// A leader steps down when it has not heard from a quorum for an election
    /// timeout, and a node that heard from a leader within the minimum election
    /// timeout ignores vote requests (thesis §6.2, §4.2.3). Lease reads need it.
    pub check_quorum: bool,
    /// Leader stickiness (§6, thesis §4.2.3): a node that heard from a
    /// current leader within the minimum election timeout neither adopts the
    /// term of a vote request nor grants its vote, so a removed server or a
    /// node back from a partition cannot depose a healthy leader by asking
    /// for votes. A leadership transfer's request still goes through (thesis
    /// §3.10). CheckQuorum implies it (there it is the promise leases rest
    /// on); on its own it is a liveness rule and leases still need
    /// CheckQuorum. A session saved before this switch existed reads it as
    /// off, the behaviour it was recorded with.
    #[serde(default)]
    pub leader_stickiness: bool,
    /// Take a snapshot once this many applied entries follow the last one
    /// (§7); 0 never compacts.
    pub snapshot_threshold: u64,
    /// The most entries one AppendEntries carries.
    pub max_entries_per_message: u64,
    /// Teaching faults; all off in a correct node.
    pub faults: Faults,
    /// A fixed bug put back on purpose, for the fuzzer's proof that it
    /// finds it. Never saved, shared or set by the app.
    #[serde(skip)]
    #[doc(hidden)]
    pub regression: Option<Regression>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            election_timeout_min_us: 150_000,
            election_timeout_max_us: 300_000,
            heartbeat_interval_us: 50_000,
            lease_duration_us: 120_000,
            lease_reads: true,
            max_clock_drift_ppm: 50_000,
            pre_vote: false,
            check_quorum: false,
            leader_stickiness: true,
            snapshot_threshold: 1_000,
            max_entries_per_message: 16,
            faults: Faults::default(),
            regression: None,
        }
    }
}

/// Why a [`Config`] was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The election timeout range is empty or zero.
    ElectionTimeoutRange {
        /// The configured minimum election timeout, in µs.
        min_us: u64,
        /// The configured maximum election timeout, in µs.
        max_us: u64,
    },
    /// Heartbeats must come well inside the election timeout.
    HeartbeatTooSlow {
        /// The configured heartbeat interval, in µs.
        heartbeat_us: u64,
        /// The configured minimum election timeout, in µs; it must exceed two heartbeats.
        election_min_us: u64,
    },
    /// A lease must end before any follower may start an election.
    LeaseTooLong {
        /// The configured lease duration, in µs.
        lease_us: u64,
        /// The configured minimum election timeout, in µs, which the lease must stay below.
        election_min_us: u64,
    },
    /// The lease would outlast a follower's promise if clocks drift as far
    /// as the configured bound allows.
    LeaseUnsafeUnderDrift {
        /// The configured lease duration, in µs.
        lease_us: u64,
        /// The longest lease that is safe under the drift bound, in µs.
        safe_us: u64,
        /// The configured drift bound, in ppm.
        drift_ppm: u64,
    },
    /// A value is outside the range the lab supports.
    OutOfRange {
        /// The name of the offending [`Config`] field.
        field: &'static str,
        /// The value it was given.
        value: u64,
        /// The smallest supported value.
        min: u64,
        /// The largest supported value.
        max: u64,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::ElectionTimeoutRange { min_us, max_us } => write!(
                f,
                "the election timeout range {} to {} µs is empty: the minimum must be above 0 and not above the maximum",
                min_us, max_us
            ),
            ConfigError::HeartbeatTooSlow { heartbeat_us, election_min_us } => write!(
                f,
                "a heartbeat every {heartbeat_us} µs is too slow: it must be below half the minimum election timeout ({election_min_us} µs) or followers start elections against a live leader"
            ),
            ConfigError::LeaseTooLong { lease_us, election_min_us } => write!(
                f,
                "a lease of {lease_us} µs must be shorter than the minimum election timeout ({election_min_us} µs), or a new leader may be elected while the old one still serves reads"
            ),
            ConfigError::LeaseUnsafeUnderDrift { lease_us, safe_us, drift_ppm } => write!(
                f,
                "a lease of {lease_us} µs is unsafe when clocks may drift by {drift_ppm} ppm: at most {safe_us} µs, or a follower's clock may run out its election timeout before the leader's clock runs out the lease"
            ),
            ConfigError::OutOfRange { field, value, min, max } => {
                write!(f, "{field} = {value} is outside the supported range {min} to {max}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Checks that the settings make sense together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let in_range = |field: &'static str, value: u64, min: u64, max: u64| {
            if value < min || value > max {
                Err(ConfigError::OutOfRange {
                    field,
                    value,
                    min,
                    max,
                })
            } else {
                Ok(())
            }
        };
        in_range(
            "election_timeout_min_us",
            self.election_timeout_min_us,
            1_000,
            60_000_000,
        )?;
        in_range(
            "election_timeout_max_us",
            self.election_timeout_max_us,
            1_000,
            60_000_000,
        )?;
        in_range(
            "heartbeat_interval_us",
            self.heartbeat_interval_us,
            100,
            30_000_000,
        )?;
        in_range(
            "max_entries_per_message",
            self.max_entries_per_message,
            1,
            10_000,
        )?;
        in_range("snapshot_threshold", self.snapshot_threshold, 0, 1_000_000)?;
        in_range("lease_duration_us", self.lease_duration_us, 0, 60_000_000)?;
        in_range(
            "max_clock_drift_ppm",
            self.max_clock_drift_ppm,
            0,
            MAX_DRIFT_BOUND_PPM,
        )?;
        if self.election_timeout_min_us > self.election_timeout_max_us {
            return Err(ConfigError::ElectionTimeoutRange {
                min_us: self.election_timeout_min_us,
                max_us: self.election_timeout_max_us,
            });
        }
        if self.heartbeat_interval_us * 2 > self.election_timeout_min_us {
            return Err(ConfigError::HeartbeatTooSlow {
                heartbeat_us: self.heartbeat_interval_us,
                election_min_us: self.election_timeout_min_us,
            });
        }
        if self.lease_duration_us >= self.election_timeout_min_us {
            return Err(ConfigError::LeaseTooLong {
                lease_us: self.lease_duration_us,
                election_min_us: self.election_timeout_min_us,
            });
        }
        let safe_us = self.max_safe_lease_us();
        if self.lease_duration_us > safe_us {
            return Err(ConfigError::LeaseUnsafeUnderDrift {
                lease_us: self.lease_duration_us,
                safe_us,
                drift_ppm: self.max_clock_drift_ppm,
            });
        }
        Ok(())
    }

    /// The longest lease that stays safe when every clock may drift by up to
    /// [`Config::max_clock_drift_ppm`] (thesis §6.4.1).
    ///
    /// A follower that acknowledges a round promises to refuse votes until
    /// its own clock has advanced by the minimum election timeout `E`; a
    /// clock running fast by ρ gets there after `E / (1 + ρ)` of real time.
    /// The leader's lease of `L`, started when it sent the round, runs out on
    /// a clock that may run slow by ρ, after at most `L / (1 − ρ)`. The lease
    /// must end first: `L ≤ E (1 − ρ) / (1 + ρ)`, less [`LEASE_MARGIN_US`]
    /// for rounding.
    pub fn max_safe_lease_us(&self) -> u64 {
        let rho = u128::from(self.max_clock_drift_ppm.min(MAX_DRIFT_BOUND_PPM));
        let bound =
            u128::from(self.election_timeout_min_us) * (1_000_000 - rho) / (1_000_000 + rho);
        (bound as u64).saturating_sub(LEASE_MARGIN_US)
    }

    /// These settings with new election timeouts and heartbeat interval, and
    /// the lease shortened if it no longer fits inside the new minimum
    /// timeout under the drift bound ([`Config::max_safe_lease_us`]). The
    /// lease never grows here: a person who lowers and then raises the
    /// timeout keeps the shorter, still safe, lease. The result is not
    /// validated: out-of-range timing is still [`Config::validate`]'s to refuse.
    pub fn with_timing(
        &self,
        election_min_us: u64,
        election_max_us: u64,
        heartbeat_us: u64,
    ) -> Config {
        let mut next = Config {
            election_timeout_min_us: election_min_us,
            election_timeout_max_us: election_max_us,
            heartbeat_interval_us: heartbeat_us,
            ..self.clone()
        };
        next.lease_duration_us = next.lease_duration_us.min(next.max_safe_lease_us());
        next
    }

    /// Whether `bug` was put back (see [`Regression`]).
    pub fn reinjected(&self, bug: Regression) -> bool {
        self.regression == Some(bug)
    }

    /// Whether the §6 rule is on: by its own switch or with CheckQuorum.
    pub fn sticky(&self) -> bool {
        self.check_quorum
            || (self.leader_stickiness && !self.reinjected(Regression::StickinessNeedsCheckQuorum))
    }

    /// Whether a change from `self` to `next` changes what the lease relies
    /// on: the promises (CheckQuorum, the minimum election timeout), the
    /// lease itself, or the drift it must survive. Acknowledgements collected
    /// before such a change do not count toward a lease after it.
    pub fn lease_terms_differ(&self, next: &Config) -> bool {
        self.check_quorum != next.check_quorum
            || self.lease_reads != next.lease_reads
            || self.lease_duration_us != next.lease_duration_us
            || self.max_clock_drift_ppm != next.max_clock_drift_ppm
            || self.election_timeout_min_us != next.election_timeout_min_us
    }
}

/// The largest drift bound the lab accepts, in ppm (±20 %).
pub const MAX_DRIFT_BOUND_PPM: u64 = 200_000;

/// Room left between the lease and what drift allows, for rounding in the
/// clocks, µs.
pub const LEASE_MARGIN_US: u64 = 1_000;

/// The teaching faults switched on in a node. Each breaks one rule so a
/// lesson can show what that rule prevents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// `fixed-timeouts`: every election timeout is the minimum, so split votes repeat.
    pub fixed_timeouts: bool,
    /// `commit-any-term`: a leader commits by counting replicas of entries from older terms (Figure 8).
    pub commit_any_term: bool,
    /// `no-election-restriction`: votes are granted without the up-to-date check.
    pub no_election_restriction: bool,
    /// `naive-membership`: a multi-server change switches straight to the new configuration.
    pub naive_membership: bool,
    /// `volatile-vote`: term and vote are not persisted, so a restarted node can vote twice.
    pub volatile_vote: bool,
    /// `stale-local-read`: a leader answers ReadIndex and lease reads from local state at once.
    pub stale_local_read: bool,
}

impl Faults {
    /// Whether `fault` is switched on.
    pub fn has(&self, fault: Fault) -> bool {
        match fault {
            Fault::FixedTimeouts => self.fixed_timeouts,
            Fault::CommitAnyTerm => self.commit_any_term,
            Fault::NoElectionRestriction => self.no_election_restriction,
            Fault::NaiveMembership => self.naive_membership,
            Fault::VolatileVote => self.volatile_vote,
            Fault::StaleLocalRead => self.stale_local_read,
        }
    }

    /// Switches `fault` on or off.
    pub fn set(&mut self, fault: Fault, on: bool) {
        let slot = match fault {
            Fault::FixedTimeouts => &mut self.fixed_timeouts,
            Fault::CommitAnyTerm => &mut self.commit_any_term,
            Fault::NoElectionRestriction => &mut self.no_election_restriction,
            Fault::NaiveMembership => &mut self.naive_membership,
            Fault::VolatileVote => &mut self.volatile_vote,
            Fault::StaleLocalRead => &mut self.stale_local_read,
        };
        *slot = on;
    }

    /// Only `fault` switched on.
    pub fn only(fault: Fault) -> Faults {
        let mut f = Faults::default();
        f.set(fault, true);
        f
    }
}

/// One teaching fault, by the name used everywhere (CLI, UI, session files).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// `fixed-timeouts`
    FixedTimeouts,
    /// `commit-any-term`
    CommitAnyTerm,
    /// `no-election-restriction`
    NoElectionRestriction,
    /// `naive-membership`
    NaiveMembership,
    /// `volatile-vote`
    VolatileVote,
    /// `stale-local-read`
    StaleLocalRead,
}

impl Fault {
    /// Every fault, in a fixed order.
    pub const ALL: [Fault; 6] = [
        Fault::FixedTimeouts,
        Fault::CommitAnyTerm,
        Fault::NoElectionRestriction,
        Fault::NaiveMembership,
        Fault::VolatileVote,
        Fault::StaleLocalRead,
    ];

    /// The fault's name, e.g. `commit-any-term`.
    pub fn name(self) -> &'static str {
        match self {
            Fault::FixedTimeouts => "fixed-timeouts",
            Fault::CommitAnyTerm => "commit-any-term",
            Fault::NoElectionRestriction => "no-election-restriction",
            Fault::NaiveMembership => "naive-membership",
            Fault::VolatileVote => "volatile-vote",
            Fault::StaleLocalRead => "stale-local-read",
        }
    }

    /// The fault with this name, if any.
    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The rule the fault breaks, in words.
    pub fn breaks(self) -> &'static str {
        match self {
            Fault::FixedTimeouts => "randomized election timeouts (§5.2)",
            Fault::CommitAnyTerm => "commit only current-term entries by counting (§5.4.2)",
            Fault::NoElectionRestriction => "the election restriction (§5.4.1)",
            Fault::NaiveMembership => "joint consensus for membership changes (§6)",
            Fault::VolatileVote => "persisting term and vote before answering (Figure 2)",
            Fault::StaleLocalRead => "confirming leadership before a read (§8)",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_every_fault_is_off() {
        let c = Config::default();
        assert_eq!(c.validate(), Ok(()));
        assert!(Fault::ALL.iter().all(|f| !c.faults.has(*f)));
    }

    #[test]
    fn fault_names_round_trip_and_each_switch_sets_only_itself() {
        for f in Fault::ALL {
            assert_eq!(Fault::from_name(f.name()), Some(f));
            let only = Faults::only(f);
            assert_eq!(Fault::ALL.iter().filter(|g| only.has(**g)).count(), 1);
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.name())
            );
        }
        assert_eq!(Fault::from_name("commit-any"), None);
    }

    #[test]
    fn new_timing_shortens_the_lease_to_what_drift_allows() {
        let c = Config::default();
        // A short minimum timeout with the drift bound on: the old "4/5 of
        // the timeout" rule gave 4,000 µs, which validate refuses.
        let short = c.with_timing(5_000, 10_000, 2_000);
        assert_eq!(short.lease_duration_us, short.max_safe_lease_us());
        assert!(short.lease_duration_us < 4_000);
        assert_eq!(short.validate(), Ok(()));
        // A longer timeout keeps the lease it had.
        let long = c.with_timing(300_000, 600_000, 50_000);
        assert_eq!(long.lease_duration_us, c.lease_duration_us);
        assert_eq!(long.validate(), Ok(()));
        // Absurd timing does not overflow; validate refuses it.
        let absurd = c.with_timing(u64::MAX, u64::MAX, u64::MAX);
        assert!(matches!(
            absurd.validate(),
            Err(ConfigError::OutOfRange { .. })
        ));
    }

    #[test]
    fn inconsistent_timing_is_refused_with_a_reason() {
        let mut c = Config {
            lease_duration_us: 150_000,
            ..Config::default()
        };
        assert!(matches!(
            c.validate(),
            Err(ConfigError::LeaseTooLong { .. })
        ));
        c.lease_duration_us = 100_000;
        c.heartbeat_interval_us = 100_000;
        assert!(matches!(
            c.validate(),
            Err(ConfigError::HeartbeatTooSlow { .. })
        ));
        c.heartbeat_interval_us = 50_000;
        c.election_timeout_max_us = 100_000;
        assert!(matches!(
            c.validate(),
            Err(ConfigError::ElectionTimeoutRange { .. })
        ));
        assert!(!ConfigError::LeaseTooLong {
            lease_us: 1,
            election_min_us: 1
        }
        .to_string()
        .is_empty());
    }
}
