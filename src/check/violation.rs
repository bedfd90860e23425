//! A broken property, as a value the UI can point at and a person can read.

use crate::raft::{LogIndex, NodeId, Term, Time};
use crate::sim::OpId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which property was broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ViolationKind {
    /// Two leaders in one term (§5.2, Figure 3).
    ElectionSafety,
    /// A leader overwrote or deleted an entry of its own log (Figure 3).
    LeaderAppendOnly,
    /// Two logs agree on an entry's index and term but not on what precedes
    /// it or what it holds (§5.3, Figure 3).
    LogMatching,
    /// A leader lacks an entry committed in an earlier term (§5.4, Figure 3).
    LeaderCompleteness,
    /// Two nodes applied different entries at one index (§5.4.3, Figure 3).
    StateMachineSafety,
    /// A node's term went down (terms are persistent and only grow, §5.1).
    TermDecreased,
    /// A running node's commit index went down (§5.3).
    CommitDecreased,
    /// The client history cannot be ordered into a legal sequence (§8).
    Linearizability,
    /// No progress after every fault healed.
    Liveness,
}

impl ViolationKind {
    /// The property's name.
    pub fn name(self) -> &'static str {
        match self {
            ViolationKind::ElectionSafety => "Election Safety",
            ViolationKind::LeaderAppendOnly => "Leader Append-Only",
            ViolationKind::LogMatching => "Log Matching",
            ViolationKind::LeaderCompleteness => "Leader Completeness",
            ViolationKind::StateMachineSafety => "State Machine Safety",
            ViolationKind::TermDecreased => "monotonic terms",
            ViolationKind::CommitDecreased => "monotonic commit index",
            ViolationKind::Linearizability => "linearizability",
            ViolationKind::Liveness => "liveness",
        }
    }

    /// Whether this is a safety property (as opposed to linearizability of
    /// client results or liveness).
    pub fn is_safety(self) -> bool {
        !matches!(
            self,
            ViolationKind::Linearizability | ViolationKind::Liveness
        )
    }
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One violation: what, where, when, who, and a sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The property broken.
    pub kind: ViolationKind,
    /// The step after which it was detected.
    pub step: u64,
    /// Simulated time of that step.
    pub time: Time,
    /// The nodes involved.
    pub nodes: Vec<NodeId>,
    /// The log index involved, if any.
    pub index: Option<LogIndex>,
    /// The term involved, if any.
    pub term: Option<Term>,
    /// Client operations involved (linearizability).
    pub ops: Vec<OpId>,
    /// What happened, in plain words.
    pub sentence: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} violated at step {} ({}): {}",
            self.kind, self.step, self.time, self.sentence
        )
    }
}
