//! Disk loss of a member, the one way Raft can survive it: the fuzzer
//! restarts a member with a blank disk only when, knowing the whole world,
//! it can see that nothing the member forgets still matters.
//!
//! A server that loses its disk forgets its votes and its entries. Raft
//! assumes neither happens, so a wipe at a random moment can elect two
//! leaders or lose a commit, and that would be the fuzzer's fault, not the
//! protocol's. A wipe is safe when:
//!
//! - one server leads, the member follows it in its term and never saw a
//!   later one: any vote it forgets was cast in that term or before, and
//!   it will not vote in that term again (it refuses until it has a log,
//!   and then it follows the leader, [`VoteRefusal::FollowsLeader`]);
//! - everything the leader counted it for is committed, and every committed
//!   entry is on a majority, without it, of each voter set any server could
//!   campaign under (the latest configuration in each log, so also that of
//!   a server that missed a change): its lost entries were never needed
//!   for a commit, no future commit counts them, and no election it helps
//!   can pass over a committed entry;
//! - none of its acknowledgements or votes is still in flight, to be
//!   counted after it forgot what it acknowledged.
//!
//! Until the member has caught up again, the operator changes no
//! membership: a change that made the blank member part of every majority
//! before it holds the log would leave no server able to win an election
//! (it refuses to vote until it has joined, and it cannot be sent the log
//! without a leader). That is a trap of the operator's making that no
//! protocol can undo.
//!
//! What the fuzzer then checks is that Raft recovers: the leader notices the
//! shorter log and replicates from the start, the founding configuration
//! included, and after the heal the member holds the log and the
//! configuration like everyone else (see `liveness`).
//!
//! [`VoteRefusal::FollowsLeader`]: crate::raft::VoteRefusal::FollowsLeader

use super::Run;
use crate::raft::{Message, NodeId, Role};
use crate::sim::Action;
use crate::sorted::SortedSet;

impl Run {
    /// Restarts a member with a blank disk, if one can lose it safely now.
    pub(super) fn wipe_a_member(&mut self) {
        if self.recovering() {
            return;
        }
        let candidates = self.safely_wipeable();
        if candidates.is_empty() {
            return;
        }
        let node = candidates[self.rng.index(candidates.len())];
        self.act(Action::RestartBlank { node });
        self.wiped.insert(node);
    }

    /// Whether a member that lost its disk has not caught up yet: it does
    /// not hold everything committed, or does not know the configuration.
    /// One that has is forgotten.
    pub(super) fn recovering(&mut self) -> bool {
        let commit = self.invariants.highest_commit();
        let w = &self.world;
        self.wiped.retain(|id| {
            let n = w.node(*id);
            let knows_config = !n.membership().voters.is_empty();
            let holds = commit.is_none_or(|(index, term)| n.log().holds_committed(index, term));
            !(knows_config && holds)
        });
        !self.wiped.is_empty()
    }

    /// The members that may lose their disk now (see the module's rules).
    fn safely_wipeable(&self) -> Vec<NodeId> {
        let w = &self.world;
        let leaders: Vec<NodeId> = w
            .node_ids()
            .into_iter()
            .filter(|id| w.is_up(*id) && w.node(*id).role() == Role::Leader)
            .collect();
        let [leader] = leaders[..] else {
            return Vec::new();
        };
        let l = w.node(leader);
        // What was ever committed, by anyone: a commit index is volatile,
        // and after a restart every server's starts over.
        let (commit, commit_term) = match self.invariants.highest_commit() {
            Some((index, term)) if index > l.commit_index() => (index, term),
            // The leader holds its own commit index (0 is never a term).
            _ => (
                l.commit_index(),
                l.log().term_at(l.commit_index()).unwrap_or(0),
            ),
        };
        let latest = l.membership().clone();
        // Every configuration a server could campaign under: the latest in
        // each log (a server that missed a change still counts the old
        // voters), and the leader's committed one.
        let mut configs: Vec<crate::raft::Configuration> = w
            .node_ids()
            .into_iter()
            .filter(|id| !self.retired.contains(id))
            .map(|id| w.node(id).membership().clone())
            .collect();
        configs.push(l.log().config_at(l.commit_index()).1.clone());
        let voter_sets: Vec<&SortedSet<NodeId>> = configs
            .iter()
            .flat_map(|c| [&c.voters, &c.outgoing])
            .filter(|s| !s.is_empty())
            .collect();
        let holds_commit = |id: NodeId| w.node(id).log().holds_committed(commit, commit_term);
        let replying: SortedSet<NodeId> = w
            .in_flight_iter()
            .filter(|m| {
                matches!(
                    m.message,
                    Message::AppendResponse { .. }
                        | Message::SnapshotResponse { .. }
                        | Message::VoteResponse { .. }
                )
            })
            .map(|m| m.from)
            .collect();
        latest
            .members()
            .into_iter()
            .filter(|&x| {
                x != leader
                    && w.is_up(x)
                    && !replying.contains(&x)
                    && !self.retired.contains(&x)
                    && !self.retiring.contains(&x)
            })
            .filter(|&x| {
                let n = w.node(x);
                n.term() == l.term() && n.leader() == Some(leader)
            })
            .filter(|&x| {
                l.progress(x)
                    .is_some_and(|p| p.matched <= commit && p.snapshot_in_flight.is_none())
            })
            .filter(|&x| {
                voter_sets.iter().all(|set| {
                    let holders = set
                        .iter()
                        .filter(|id| **id != x && holds_commit(**id))
                        .count();
                    holders > set.len() / 2
                })
            })
            .collect()
    }
}
