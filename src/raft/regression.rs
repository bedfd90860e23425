//! Bugs this core once had, kept as switches so the fuzzer can prove it
//! would have found each of them (`raftlab-fuzz --reinject NAME`).
//!
//! Unlike a teaching [`Fault`](super::Fault), a regression is never saved
//! in a session or shared in a link ([`Config::regression`] is not
//! serialized), and no control of the app sets one: a hostile file cannot
//! switch a fixed bug back on.
//!
//! [`Config::regression`]: super::Config::regression

use serde::{Deserialize, Serialize};
use std::fmt;

/// One fixed bug, put back on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Regression {
    /// `stickiness-needs-check-quorum`: the §6 rule (ignore vote requests
    /// while a leader is heard) applied only with CheckQuorum, so a removed
    /// server's elections raised everyone's term.
    StickinessNeedsCheckQuorum,
    /// `latest-config-gates-campaign`: a server outside its own latest,
    /// uncommitted configuration never campaigned, so a leader that removed
    /// itself and stepped down could wedge the cluster.
    LatestConfigGatesCampaign,
    /// `probe-ignores-shorter-log`: a follower that reported a log shorter
    /// than what it had acknowledged was probed at the same index forever.
    ProbeIgnoresShorterLog,
    /// `founding-config-not-sent`: the founding configuration lived only in
    /// the index-0 snapshot, so a voter that lost its disk never relearned it.
    FoundingConfigNotSent,
}

impl Regression {
    /// Every regression, in a fixed order.
    pub const ALL: [Regression; 4] = [
        Regression::StickinessNeedsCheckQuorum,
        Regression::LatestConfigGatesCampaign,
        Regression::ProbeIgnoresShorterLog,
        Regression::FoundingConfigNotSent,
    ];

    /// The name used on the command line, e.g. `probe-ignores-shorter-log`.
    pub fn name(self) -> &'static str {
        match self {
            Regression::StickinessNeedsCheckQuorum => "stickiness-needs-check-quorum",
            Regression::LatestConfigGatesCampaign => "latest-config-gates-campaign",
            Regression::ProbeIgnoresShorterLog => "probe-ignores-shorter-log",
            Regression::FoundingConfigNotSent => "founding-config-not-sent",
        }
    }

    /// The regression with this name, if any.
    pub fn from_name(name: &str) -> Option<Regression> {
        Regression::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl fmt::Display for Regression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Regression::ALL {
            assert_eq!(Regression::from_name(r.name()), Some(r));
        }
        assert_eq!(Regression::from_name("stickiness"), None);
    }
}
