//! Cluster configurations and quorums (§5.2, §6, thesis §4).
//!
//! A configuration lists the voters, and during joint consensus also the
//! voters of the outgoing configuration; learners replicate but never count.

use super::time::NodeId;
use crate::sorted::SortedSet;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who is in the cluster, as recorded in a configuration log entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Configuration {
    /// Voters of the (incoming) configuration.
    pub voters: SortedSet<NodeId>,
    /// Voters of the outgoing configuration while a joint change is in
    /// progress (C_old in C_old,new); empty otherwise.
    pub outgoing: SortedSet<NodeId>,
    /// Members that receive the log but do not vote or count toward quorums.
    pub learners: SortedSet<NodeId>,
    /// Learners an operator asked to make voters: whichever server leads
    /// promotes each one as soon as it has caught up. Kept in the replicated
    /// configuration, so a change of leader does not lose the request.
    #[serde(default, skip_serializing_if = "SortedSet::is_empty")]
    pub promoting: SortedSet<NodeId>,
}

impl Configuration {
    /// A simple configuration of these voters.
    pub fn of_voters(voters: impl IntoIterator<Item = NodeId>) -> Self {
        Configuration {
            voters: voters.into_iter().collect(),
            ..Default::default()
        }
    }

    /// `true` during joint consensus (C_old,new).
    pub fn is_joint(&self) -> bool {
        !self.outgoing.is_empty()
    }

    /// Whether `id` votes in either half of the configuration.
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.contains(&id) || self.outgoing.contains(&id)
    }

    /// Whether `id` is in the configuration at all: a voter of either half
    /// or a learner (without building [`Configuration::members`]).
    pub fn is_member(&self, id: NodeId) -> bool {
        self.is_voter(id) || self.learners.contains(&id)
    }

    /// Whether `id` is a learner.
    pub fn is_learner(&self, id: NodeId) -> bool {
        self.learners.contains(&id) && !self.is_voter(id)
    }

    /// Everyone the leader replicates to: voters of both halves and learners.
    pub fn members(&self) -> SortedSet<NodeId> {
        self.voters
            .iter()
            .chain(&self.outgoing)
            .chain(&self.learners)
            .copied()
            .collect()
    }

    /// Whether the nodes in `yes` form a quorum: a majority of the voters, and
    /// during joint consensus also a majority of the outgoing voters (§6).
    pub fn has_quorum(&self, yes: &SortedSet<NodeId>) -> bool {
        let majority = |set: &SortedSet<NodeId>| {
            set.is_empty() || set.iter().filter(|id| yes.contains(id)).count() > set.len() / 2
        };
        !self.voters.is_empty() && majority(&self.voters) && majority(&self.outgoing)
    }

    /// The largest value `v` such that a quorum of voters has a value of at
    /// least `v`. With `value = match index` this is the highest index stored
    /// on a quorum (§5.3, §6); with `value = acknowledged round` it is the
    /// newest heartbeat round a quorum answered (§8).
    pub fn quorum_value(&self, value: impl Fn(NodeId) -> u64) -> u64 {
        let of = |set: &SortedSet<NodeId>| -> u64 {
            if set.is_empty() {
                return u64::MAX;
            }
            // Called after every acknowledgement: sort on the stack when the
            // set is small, which it always is in the app (at most 9 nodes).
            let mut small = [0u64; 16];
            let mut large = Vec::new();
            let values: &mut [u64] = if set.len() <= small.len() {
                for (slot, id) in small.iter_mut().zip(set) {
                    *slot = value(*id);
                }
                &mut small[..set.len()]
            } else {
                large.extend(set.iter().map(|id| value(*id)));
                &mut large
            };
            crate::sorting::sort_by(values, |a, b| b.cmp(a));
            values[set.len() / 2]
        };
        if self.voters.is_empty() {
            return 0;
        }
        of(&self.voters).min(of(&self.outgoing))
    }

    /// Makes learner `id` a voter (and no longer one waiting to be promoted).
    pub fn promote(&mut self, id: NodeId) {
        self.learners.remove(&id);
        self.promoting.remove(&id);
        self.voters.insert(id);
    }

    /// Quorum size of the incoming voters: floor(N/2) + 1.
    pub fn quorum_size(&self) -> usize {
        self.voters.len() / 2 + 1
    }
}

impl fmt::Display for Configuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |s: &SortedSet<NodeId>| {
            s.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        if self.is_joint() {
            write!(
                f,
                "joint {{{}}} + {{{}}}",
                list(&self.outgoing),
                list(&self.voters)
            )?;
        } else {
            write!(f, "{{{}}}", list(&self.voters))?;
        }
        if !self.learners.is_empty() {
            write!(f, " learners {{{}}}", list(&self.learners))?;
        }
        if !self.promoting.is_empty() {
            write!(
                f,
                ", to become voters once caught up {{{}}}",
                list(&self.promoting)
            )?;
        }
        Ok(())
    }
}

/// A membership change an operator asks the leader for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConfChange {
    /// Add a non-voting member that starts catching up (thesis §4.2.1).
    AddLearner(NodeId),
    /// Make a learner a voter now; refused until it has caught up
    /// (one-server change, thesis §4.1).
    PromoteLearner(NodeId),
    /// Add a voter: it joins as a learner (or stays one) marked for
    /// promotion, and the leader of the day promotes it once caught up
    /// (thesis §4.2.1, §4.1).
    AddVoter(NodeId),
    /// Remove a voter or learner (one-server change, thesis §4.1).
    Remove(NodeId),
    /// Move to a new set of voters and learners through joint consensus (§6).
    Joint {
        /// The voters of the target configuration (C_new).
        voters: SortedSet<NodeId>,
        /// The learners of the target configuration.
        learners: SortedSet<NodeId>,
    },
}

impl ConfChange {
    /// Every node the change names.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            ConfChange::Joint { voters, learners } => {
                voters.iter().chain(learners).copied().collect()
            }
            ConfChange::AddLearner(n)
            | ConfChange::PromoteLearner(n)
            | ConfChange::AddVoter(n)
            | ConfChange::Remove(n) => vec![*n],
        }
    }
}

impl fmt::Display for ConfChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfChange::AddLearner(n) => write!(f, "add learner {n}"),
            ConfChange::PromoteLearner(n) => write!(f, "promote learner {n}"),
            ConfChange::AddVoter(n) => write!(f, "add voter {n}"),
            ConfChange::Remove(n) => write!(f, "remove {n}"),
            ConfChange::Joint { voters, learners } => {
                let target = Configuration {
                    voters: voters.clone(),
                    learners: learners.clone(),
                    ..Configuration::default()
                };
                write!(f, "change to {target}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[u8]) -> SortedSet<NodeId> {
        v.iter().map(|i| NodeId(*i)).collect()
    }

    #[test]
    fn quorum_is_a_strict_majority_for_every_cluster_size() {
        // Reference: §5.2; RAFT-CASES "Quorum sizes".
        for (n, q) in [(3usize, 2usize), (5, 3), (7, 4), (9, 5)] {
            let c = Configuration::of_voters((1..=n as u8).map(NodeId));
            assert_eq!(c.quorum_size(), q);
            assert!(c.has_quorum(&(1..=q as u8).map(NodeId).collect()));
            assert!(!c.has_quorum(&(1..q as u8).map(NodeId).collect()));
        }
    }

    #[test]
    fn joint_configuration_needs_both_majorities() {
        // Reference: §6; RAFT-CASES "Membership": C_old {1,2,3}, C_new {1..5}.
        let c = Configuration {
            voters: ids(&[1, 2, 3, 4, 5]),
            outgoing: ids(&[1, 2, 3]),
            ..Configuration::default()
        };
        assert!(c.has_quorum(&ids(&[1, 2, 4])));
        assert!(!c.has_quorum(&ids(&[3, 4, 5])));
        // quorum_value is the minimum over both halves.
        let matched = |id: NodeId| [0, 9, 9, 1, 9, 9][id.0 as usize];
        // New {1..5}: values 9,9,1,9,9 -> third highest 9; old {1,2,3}: 9,9,1 -> 9.
        assert_eq!(c.quorum_value(matched), 9);
        let lagging_old = |id: NodeId| [0, 9, 1, 1, 9, 9][id.0 as usize];
        assert_eq!(c.quorum_value(lagging_old), 1);
    }

    #[test]
    fn learners_never_count_toward_a_quorum() {
        // Reference: thesis §4.2.1.
        let c = Configuration {
            voters: ids(&[1, 2, 3]),
            learners: ids(&[4, 5]),
            ..Configuration::default()
        };
        assert!(!c.has_quorum(&ids(&[1, 4, 5])));
        assert_eq!(
            c.quorum_value(|id| if id.0 >= 4 {
                100
            } else {
                u64::from(id.0 == 1) * 7
            }),
            0
        );
        assert!(c.is_learner(NodeId(4)) && !c.is_voter(NodeId(4)));
        assert_eq!(c.members(), ids(&[1, 2, 3, 4, 5]));
    }

    #[test]
    fn an_empty_configuration_never_has_a_quorum() {
        let c = Configuration::default();
        assert!(!c.has_quorum(&ids(&[1, 2, 3])));
        assert_eq!(c.quorum_value(|_| 5), 0);
    }
}
