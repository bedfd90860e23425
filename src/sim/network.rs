//! The network model: latency, loss, duplication and which links are cut.

use crate::raft::NodeId;
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};

/// How messages travel. Probabilities are in parts per thousand so sessions
/// stay exact and hashable.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Shortest one-way delay, µs.
    pub latency_min_us: u64,
    /// Longest one-way delay, µs. A range lets messages overtake each other.
    pub latency_max_us: u64,
    /// Chance a message is lost, ‰.
    pub loss_permille: u16,
    /// Chance a message is delivered twice, ‰.
    pub duplicate_permille: u16,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency_min_us: 5_000,
            latency_max_us: 15_000,
            loss_permille: 0,
            duplicate_permille: 0,
        }
    }
}

/// Which directed links are cut (partitions are sets of cuts), and links
/// whose latency range differs from the network's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Links {
    cut: SortedSet<(NodeId, NodeId)>,
    latency: SortedMap<(NodeId, NodeId), (u64, u64)>,
}

impl Links {
    /// Whether messages from `from` to `to` are lost.
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut.contains(&(from, to))
    }

    /// Every cut link, in order.
    pub fn cuts(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cut.iter().copied()
    }

    /// Cuts one direction of one link.
    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        if from != to {
            self.cut.insert((from, to));
        }
    }

    /// Restores one direction of one link.
    pub fn restore(&mut self, from: NodeId, to: NodeId) {
        self.cut.remove(&(from, to));
    }

    /// Splits `nodes` into `groups`: links between groups are cut both ways,
    /// links inside a group are restored. A node in no group is alone.
    pub fn partition(&mut self, nodes: &[NodeId], groups: &[Vec<NodeId>]) {
        let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
        for &a in nodes {
            for &b in nodes {
                if a == b {
                    continue;
                }
                let same = matches!((group_of(a), group_of(b)), (Some(x), Some(y)) if x == y);
                if same {
                    self.restore(a, b);
                } else {
                    self.cut(a, b);
                }
            }
        }
    }

    /// Gives one direction of one link its own latency range (min, max µs),
    /// or with `None` returns it to the network's.
    pub fn set_latency(&mut self, from: NodeId, to: NodeId, range: Option<(u64, u64)>) {
        match range {
            Some(r) => {
                self.latency.insert((from, to), r);
            }
            None => {
                self.latency.remove(&(from, to));
            }
        }
    }

    /// The latency range of one direction of one link, if it has its own.
    pub fn latency(&self, from: NodeId, to: NodeId) -> Option<(u64, u64)> {
        self.latency.get(&(from, to)).copied()
    }

    /// Cuts both directions of every link between `node` and the others of
    /// `nodes`; links between the others stay as they are.
    pub fn isolate(&mut self, nodes: &[NodeId], node: NodeId) {
        for &other in nodes {
            self.cut(node, other);
            self.cut(other, node);
        }
    }

    /// Restores every link (latencies set per link stay).
    pub fn heal(&mut self) {
        self.cut.clear();
    }

    /// Whether any link is cut.
    pub fn any_cut(&self) -> bool {
        !self.cut.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_cuts_between_groups_and_isolates_unlisted_nodes() {
        let nodes: Vec<NodeId> = (1..=5).map(NodeId).collect();
        let mut l = Links::default();
        l.partition(
            &nodes,
            &[vec![NodeId(1), NodeId(2)], vec![NodeId(3), NodeId(4)]],
        );
        assert!(!l.is_cut(NodeId(1), NodeId(2)));
        assert!(l.is_cut(NodeId(2), NodeId(3)) && l.is_cut(NodeId(3), NodeId(2)));
        assert!(l.is_cut(NodeId(5), NodeId(1)) && l.is_cut(NodeId(4), NodeId(5)));
        l.heal();
        assert!(!l.any_cut());
        l.cut(NodeId(1), NodeId(2));
        assert!(
            l.is_cut(NodeId(1), NodeId(2)) && !l.is_cut(NodeId(2), NodeId(1)),
            "one-way cut"
        );
    }
}
