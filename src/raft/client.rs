//! What clients and operators ask of a node, and what it answers.

use super::kv::WriteResult;
use super::time::{NodeId, Time};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifies one request, chosen by the caller; replies carry it back.
pub type RequestId = u64;

/// How a read is served. The first two are linearizable; the last two are
/// deliberately unsafe, for teaching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadMode {
    /// Record the commit index, confirm leadership with a heartbeat round,
    /// wait until applied (§8).
    ReadIndex,
    /// Serve locally while the leader's lease is valid on its own clock
    /// (thesis §6.4). Needs CheckQuorum.
    Lease,
    /// Unsafe: any node answers from its own state machine at once.
    LocalAnyNode,
    /// Unsafe: the leader answers at once without confirming it still leads.
    LeaderNoCheck,
}

impl ReadMode {
    /// Every mode, safe ones first.
    pub const ALL: [ReadMode; 4] = [
        ReadMode::ReadIndex,
        ReadMode::Lease,
        ReadMode::LocalAnyNode,
        ReadMode::LeaderNoCheck,
    ];

    /// The mode's name, e.g. `read-index`.
    pub fn name(self) -> &'static str {
        match self {
            ReadMode::ReadIndex => "read-index",
            ReadMode::Lease => "lease",
            ReadMode::LocalAnyNode => "local-any-node",
            ReadMode::LeaderNoCheck => "leader-no-check",
        }
    }

    /// Whether reads in this mode are linearizable in a correct cluster.
    pub fn is_safe(self) -> bool {
        matches!(self, ReadMode::ReadIndex | ReadMode::Lease)
    }
}

impl fmt::Display for ReadMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a request was refused. A refused request had no effect.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Refusal {
    /// Only the leader does this; `leader_hint` is who this node believes leads.
    NotLeader {
        /// Who this node believes leads, if anyone.
        leader_hint: Option<NodeId>,
    },
    /// The leader is handing over leadership and takes no new requests.
    TransferInProgress,
    /// A lease read was asked for, and the leader holds no valid lease.
    NoLease {
        /// Why there is no lease.
        reason: NoLeaseReason,
    },
    /// A membership change is still uncommitted (or a joint phase unfinished).
    ConfigChangePending,
    /// The leader has not yet committed an entry of its own term (thesis
    /// §4.1; Ongaro's 2015 fix for single-server changes).
    NoCommitInTerm,
    /// The node is already in the configuration in that role.
    AlreadyMember(NodeId),
    /// The learner is already waiting to become a voter once caught up.
    AlreadyPromoting(NodeId),
    /// The node is not in the configuration (or not in the needed role).
    NotAMember(NodeId),
    /// The change would leave no voter.
    NoVotersLeft,
    /// The requested configuration equals the current one.
    NoChange,
    /// A leader cannot transfer leadership to itself.
    AlreadyLeader,
    /// A new voter must first join as a learner and catch up with the
    /// leader's log (thesis §4.2.1).
    NotCaughtUp(NodeId),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotLeader {
                leader_hint: Some(l),
            } => write!(f, "not the leader (try {l})"),
            Refusal::NotLeader { leader_hint: None } => {
                write!(f, "not the leader, and no leader is known")
            }
            Refusal::TransferInProgress => write!(f, "leadership is being transferred"),
            Refusal::NoLease { reason } => write!(f, "no lease: {reason}"),
            Refusal::ConfigChangePending => {
                write!(f, "another membership change has not committed yet")
            }
            Refusal::NoCommitInTerm => {
                write!(f, "the leader has not committed an entry of its term yet")
            }
            Refusal::AlreadyMember(n) => write!(f, "{n} is already a member in that role"),
            Refusal::AlreadyPromoting(n) => {
                write!(f, "{n} is already waiting to become a voter once it has caught up")
            }
            Refusal::NotAMember(n) => write!(f, "{n} is not a member in the needed role"),
            Refusal::NoVotersLeft => write!(f, "the change would leave no voters"),
            Refusal::NoChange => write!(f, "the requested configuration is the current one"),
            Refusal::AlreadyLeader => write!(f, "the node is already the leader"),
            Refusal::NotCaughtUp(n) => write!(f, "{n} must first join as a learner and catch up with the leader's log before it can vote"),
        }
    }
}

/// Why a leader cannot serve a lease read (thesis §6.4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NoLeaseReason {
    /// CheckQuorum is off, so followers make no promise a lease could rest on.
    NeedsCheckQuorum,
    /// Lease reads are switched off.
    Disabled,
    /// No quorum has acknowledged a heartbeat round of this term yet.
    NeverHeld,
    /// The lease ran out at this time on the leader's clock.
    Expired {
        /// When the lease ran out, on the leader's clock.
        at: Time,
    },
    /// A leadership transfer began in this term: its target is elected
    /// without waiting for anyone's promise to end (thesis §3.10).
    Transfer,
    /// The settings a lease relies on changed; no quorum has acknowledged a
    /// round sent under the new settings yet.
    SettingsChanged,
}

impl fmt::Display for NoLeaseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoLeaseReason::NeedsCheckQuorum => write!(f, "lease reads need CheckQuorum switched on"),
            NoLeaseReason::Disabled => write!(f, "lease reads are switched off"),
            NoLeaseReason::NeverHeld => write!(
                f,
                "no quorum has acknowledged a heartbeat of this leader's term yet"
            ),
            NoLeaseReason::Expired { at } => {
                write!(f, "the leader's lease ran out at {at} on its clock")
            }
            NoLeaseReason::Transfer => write!(
                f,
                "leadership is being handed over in this term, so the new leader need not wait for the lease to end"
            ),
            NoLeaseReason::SettingsChanged => write!(
                f,
                "the settings changed, and acknowledgements collected under the old ones do not count"
            ),
        }
    }
}

/// Why a write's fate is unknown to the node that accepted it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Uncertain {
    /// The leader stepped down before the entry committed; it may still commit.
    LostLeadership,
    /// The entry was replaced by another leader's entry at the same index; a
    /// retry of the same command may still have committed elsewhere.
    Overwritten,
}

/// The answer to a client request.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Answer {
    /// The write committed and was applied with this result.
    Written(WriteResult),
    /// The read returned this value.
    Read {
        /// The value under the key; `None` if the key is absent.
        value: Option<i64>,
    },
    /// The request was refused and had no effect.
    Refused(Refusal),
    /// The write may or may not take effect; retry with the same sequence number.
    Uncertain(Uncertain),
}

/// A reply to the request `request`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClientReply {
    /// The request being answered.
    pub request: RequestId,
    /// The answer.
    pub answer: Answer,
}
