//! The faults the fuzzer chooses from the world as it is: crashes,
//! restarts, partitions of every shape, one-way cuts, loss and duplication
//! (alone and together), delay spikes and per-link latency, dropping a
//! chosen message in flight, membership changes of every kind (removals
//! down to one voter, the leader removing itself, joint changes of any
//! size with learners, and the partitions that make joint consensus
//! matter), leadership transfers, clock drift, forced timeouts, settings,
//! timing and leases changed mid-run, disk loss (of a retired server, and
//! of a member where Raft can survive it, in `disk_loss`), and lease races.

use super::lease_race::Breach;
use super::{Run, Trigger};
use crate::raft::{ConfChange, NodeId, Role};
use crate::sim::Action;
use crate::sorted::SortedSet;

impl Run {
    /// Chooses and performs one fault. Returns a short pause before the next
    /// (some faults are followed quickly by another, e.g. a partition right
    /// after a membership change).
    pub(super) fn random_fault(&mut self) -> u64 {
        self.settle_retirements();
        if self.race.is_some() {
            // A lease race is under way: other faults would only spoil it.
            return 50_000;
        }
        let roll = self.rng.range_inclusive(0, 239);
        let mut pause = self.rng.range_inclusive(50_000, 700_000);
        match roll {
            38..=49 | 90..=99 if self.drift_past_bound => self.clock_drift(),
            100..=127 => {
                let above_term = self.world.max_term();
                self.trigger = Some(Trigger::IsolateNextLeader { above_term });
                if let Some(l) = self.world.leader() {
                    // Depose the current leader so a new one is elected.
                    self.isolate(l);
                }
            }
            128..=159 => {
                let above_term = self.world.max_term();
                self.trigger = Some(Trigger::CrashNextLeaderOnCommit {
                    above_term,
                    watching: None,
                });
                self.act(Action::Heal);
                if let Some(l) = self.world.leader() {
                    self.act(Action::Crash { node: l });
                }
            }
            0..=19 => {
                // Crash: often the leader, since that is what exercises elections.
                let up = self.nodes_where(|w, id| w.is_up(id));
                if up.len() > 1 {
                    let leader = self.world.leader();
                    let node = match leader {
                        Some(l) if self.rng.chance(0.5) => l,
                        _ => up[self.rng.index(up.len())],
                    };
                    self.act(Action::Crash { node });
                    if self.rng.chance(0.3) {
                        pause = self.rng.range_inclusive(1_000, 60_000);
                    }
                }
            }
            20..=37 => {
                let gone: SortedSet<NodeId> = self.retired.union(&self.retiring).copied().collect();
                let down = self.nodes_where(|w, id| !w.is_up(id) && !gone.contains(&id));
                if let Some(&node) = down.get(self.rng.index(down.len().max(1))) {
                    self.act(Action::Restart { node });
                }
            }
            38..=49 => {
                // A partition of random shape: two or three groups.
                let mut ids = self.world.node_ids();
                let groups = self.rng.range_inclusive(2, 3) as usize;
                let mut split: Vec<Vec<NodeId>> = vec![Vec::new(); groups];
                if self.rng.chance(0.5) {
                    // Isolate the leader with a random minority.
                    if let Some(l) = self.world.leader() {
                        ids.retain(|id| *id != l);
                        split[0].push(l);
                    }
                }
                for id in ids {
                    let g = self.rng.index(groups);
                    split[g].push(id);
                }
                split.retain(|g| !g.is_empty());
                self.act(Action::Partition { groups: split });
                if self.rng.chance(0.3) {
                    pause = self.rng.range_inclusive(1_000, 50_000);
                }
            }
            50..=54 => {
                let from = self.random_node();
                let to = self.random_node();
                if from != to {
                    self.act(Action::CutLink { from, to });
                }
            }
            55..=62 => self.act(Action::Heal),
            63..=68 => {
                let mut net = self.base_network.clone();
                match self.rng.index(4) {
                    0 => net.loss_permille = self.rng.range_inclusive(10, 300) as u16,
                    1 => net.duplicate_permille = self.rng.range_inclusive(10, 200) as u16,
                    2 => {
                        net.loss_permille = self.rng.range_inclusive(10, 200) as u16;
                        net.duplicate_permille = self.rng.range_inclusive(10, 200) as u16;
                    }
                    _ => {
                        net.latency_max_us =
                            net.latency_min_us + self.rng.range_inclusive(30_000, 150_000)
                    }
                }
                self.act(Action::SetNetwork(net));
            }
            69..=72 => self.act(Action::SetNetwork(self.base_network.clone())),
            73..=82 => {
                self.membership_change();
                if self.rng.chance(0.5) {
                    pause = self.rng.range_inclusive(1_000, 30_000);
                }
            }
            83..=86 => {
                let target = self.random_node();
                self.act(Action::TransferLeadership { target });
            }
            87..=89 => self.clock_drift(),
            90..=94 => {
                let node = self.random_node();
                if self.world.is_up(node) {
                    self.act(Action::ForceTimeout { node });
                }
            }
            95..=99 => self.lose_a_disk(),
            210..=217 => self.wipe_a_member(),
            218..=225 => self.drop_a_message(),
            // A short latency of its own on one direction of one link:
            // messages on it overtake or fall behind the others.
            226..=231 => self.link_latency((500, 20_000), 40_000),
            232..=239 => {
                // The leader removes itself, often with its messages to one
                // voter cut: the removal may then reach only some servers.
                self.remove_the_leader();
                if self.rng.chance(0.5) {
                    pause = self.rng.range_inclusive(1_000, 30_000);
                }
            }
            // A delay spike on one direction of one link: what is sent on
            // it now arrives long after newer messages, in older terms.
            160..=167 => self.link_latency((100_000, 500_000), 2_000_000),
            168..=171 => {
                let slow: Vec<_> = self.slow_links.iter().copied().collect();
                if !slow.is_empty() {
                    let (from, to) = slow[self.rng.index(slow.len())];
                    self.restore_link_latency(from, to);
                }
            }
            172..=179 => {
                // A forced timeout aimed at a follower that acknowledged the
                // leader: the promise a lease rests on must hold.
                let leader = self.world.leader();
                let loyal = self.nodes_where(|w, id| {
                    w.is_up(id)
                        && w.node(id).role() == Role::Follower
                        && leader.is_some_and(|l| w.node(id).promise().is_some_and(|p| p.0 == l))
                });
                let node = if loyal.is_empty() {
                    self.random_node()
                } else {
                    loyal[self.rng.index(loyal.len())]
                };
                if self.world.is_up(node) {
                    self.act(Action::ForceTimeout { node });
                }
                if self.rng.chance(0.5) {
                    pause = self.rng.range_inclusive(1_000, 40_000);
                }
            }
            190..=209 if self.race.is_none() => self.arm_lease_race(),
            180..=189 => {
                // An operator changes a setting mid-run.
                let mut raft = self.world.config().raft.clone();
                // (Past the drift bound only the first three: the lease
                // races there need the timing they were armed with.)
                match self.rng.index(if self.drift_past_bound { 3 } else { 6 }) {
                    0 => raft.check_quorum = !raft.check_quorum,
                    1 => raft.pre_vote = !raft.pre_vote,
                    2 => raft.lease_reads = !raft.lease_reads,
                    3 => raft.leader_stickiness = !raft.leader_stickiness,
                    4 => {
                        // New timing; the lease shrinks to fit if it must.
                        let min = self.rng.range_inclusive(80_000, 300_000);
                        let max = min + self.rng.range_inclusive(20_000, 300_000);
                        let heartbeat = self.rng.range_inclusive(10_000, min / 2);
                        raft = raft.with_timing(min, max, heartbeat);
                    }
                    _ => {
                        raft.lease_duration_us =
                            self.rng.range_inclusive(0, raft.max_safe_lease_us())
                    }
                }
                if self.drift_past_bound {
                    raft.check_quorum = true;
                    raft.lease_reads = true;
                }
                self.act(Action::SetRaftConfig(raft));
            }
            _ => {}
        }
        pause
    }

    /// Gives one direction of one random link a latency of its own: a
    /// lower bound drawn from `lowest`, and up to `spread` more.
    fn link_latency(&mut self, lowest: (u64, u64), spread: u64) {
        let (from, to) = (self.random_node(), self.random_node());
        if from != to {
            let lo = self.rng.range_inclusive(lowest.0, lowest.1);
            let hi = lo + self.rng.range_inclusive(0, spread);
            self.slow_links.insert((from, to));
            self.act(Action::SetLinkLatency {
                from,
                to,
                range: Some((lo, hi)),
            });
        }
    }

    pub(super) fn restore_link_latency(&mut self, from: NodeId, to: NodeId) {
        self.slow_links.remove(&(from, to));
        self.act(Action::SetLinkLatency {
            from,
            to,
            range: None,
        });
    }

    /// Clock drift inside the bound leases are validated for; or, with
    /// `drift_past_bound`, past it: the leader's clock slow (its lease lasts
    /// longer in real time), every other clock fast (their promises end
    /// sooner), and the leader cut off.
    fn clock_drift(&mut self) {
        let bound = self.world.config().raft.max_clock_drift_ppm as i64;
        if !self.drift_past_bound {
            let node = self.random_node();
            let drift_ppm = self.rng.range_inclusive(0, 2 * bound as u64) as i64 - bound;
            self.act(Action::SetClockDrift { node, drift_ppm });
            return;
        }
        // Past the bound: a race of its own (see `lease_race`).
        if self.race.is_none() {
            self.arm_lease_race_of(Some(Breach::DriftPastBound));
        }
    }

    fn membership_change(&mut self) {
        if self.recovering() {
            return;
        }
        let Some(config) = self.leader_config() else {
            return;
        };
        let ids = self.world.node_ids();
        let outside: Vec<NodeId> = ids
            .iter()
            .copied()
            .filter(|id| !config.members().contains(id) && !self.retired.contains(id))
            .collect();
        let change = match self.rng.index(5) {
            0 if !outside.is_empty() => {
                ConfChange::AddVoter(outside[self.rng.index(outside.len())])
            }
            1 if !outside.is_empty() => {
                ConfChange::AddLearner(outside[self.rng.index(outside.len())])
            }
            2 if !config.learners.is_empty() => {
                let l: Vec<NodeId> = config.learners.iter().copied().collect();
                ConfChange::PromoteLearner(l[self.rng.index(l.len())])
            }
            3 if config.voters.len() > 1 => {
                // Any voter, down to the last one, the leader included.
                let v: Vec<NodeId> = config.voters.iter().copied().collect();
                ConfChange::Remove(v[self.rng.index(v.len())])
            }
            _ => {
                // A joint change to a random set of voters of any size
                // drawn from the members (newcomers join as learners
                // first), some of the rest kept as learners.
                let mut pool: Vec<NodeId> = config.members().into_iter().collect();
                if pool.is_empty() {
                    return;
                }
                let size = self.rng.range_inclusive(1, pool.len() as u64) as usize;
                let mut voters = SortedSet::new();
                while voters.len() < size {
                    let i = self.rng.index(pool.len());
                    voters.insert(pool.swap_remove(i));
                }
                let learners = pool.into_iter().filter(|_| self.rng.chance(0.5)).collect();
                ConfChange::Joint { voters, learners }
            }
        };
        self.act(Action::ChangeMembership { change });
        if self.rng.chance(0.5) {
            self.split_along_new_config();
        }
    }

    /// The leader asks to remove itself (thesis §4.2.2). Half the time its
    /// messages to one other voter are cut first, one way: that voter then
    /// times out and campaigns while the leader, which alone stores the new
    /// configuration, steps down.
    fn remove_the_leader(&mut self) {
        if self.recovering() {
            return;
        }
        let Some(leader) = self.world.leader() else {
            return;
        };
        let config = self.world.node(leader).membership().clone();
        if config.voters.len() < 2 || !config.voters.contains(&leader) {
            return;
        }
        if self.rng.chance(0.5) {
            let others: Vec<NodeId> = config
                .voters
                .iter()
                .copied()
                .filter(|id| *id != leader)
                .collect();
            let to = others[self.rng.index(others.len())];
            self.act(Action::CutLink { from: leader, to });
        }
        self.act(Action::ChangeMembership {
            change: ConfChange::Remove(leader),
        });
    }

    /// Loses one message in flight, chosen at random: a vote, an
    /// acknowledgement, a TimeoutNow, whatever is on its way.
    fn drop_a_message(&mut self) {
        let ids: Vec<u64> = self.world.in_flight_iter().map(|m| m.id).collect();
        if ids.is_empty() {
            return;
        }
        let id = ids[self.rng.index(ids.len())];
        self.act(Action::DropMessage { id });
    }

    /// Right after a membership change, cut the leader and just enough of
    /// the new voters to form their majority off from everyone else: the
    /// moment joint consensus exists for (§6).
    fn split_along_new_config(&mut self) {
        let Some(leader) = self.world.leader() else {
            return;
        };
        let config = self.world.node(leader).membership().clone();
        let mut others: Vec<NodeId> = config
            .voters
            .iter()
            .copied()
            .filter(|id| *id != leader)
            .collect();
        let mut side = vec![leader];
        while side.len() < config.quorum_size() && !others.is_empty() {
            let i = self.rng.index(others.len());
            side.push(others.swap_remove(i));
        }
        let rest: Vec<NodeId> = self
            .world
            .node_ids()
            .into_iter()
            .filter(|id| !side.contains(id))
            .collect();
        self.act(Action::Partition {
            groups: vec![side, rest],
        });
    }

    /// A disk is lost the only safe way with Raft: the server is retired
    /// for good (crashed and removed), and a blank spare under a new id can
    /// later be added in its place. Restarting a server with a blank disk
    /// under its old id is unsafe: a lagging server's stale configuration
    /// may still count it, and it no longer remembers its votes or entries.
    fn lose_a_disk(&mut self) {
        if self.recovering() {
            return;
        }
        let Some(leader) = self.world.leader() else {
            return;
        };
        let config = self.world.node(leader).membership().clone();
        if config.is_joint() || config.voters.len() <= 3 {
            return;
        }
        let candidates: Vec<NodeId> = config
            .voters
            .iter()
            .copied()
            .filter(|id| *id != leader)
            .collect();
        let victim = candidates[self.rng.index(candidates.len())];
        self.act(Action::ChangeMembership {
            change: ConfChange::Remove(victim),
        });
        let accepted = self.world.node(leader).membership().voters.len() < config.voters.len();
        if accepted {
            if self.world.is_up(victim) {
                self.act(Action::Crash { node: victim });
            }
            self.retiring.insert(victim);
        }
    }

    /// The members of the leader's configuration, once that configuration
    /// is committed.
    pub(super) fn leader_committed_members(&self) -> Option<SortedSet<NodeId>> {
        let node = self.world.node(self.world.leader()?);
        (node.membership_index() <= node.commit_index()).then(|| node.membership().members())
    }

    /// A retiring server's disk is lost for good once its removal commits;
    /// if the removal is lost instead, it is still a member with its disk.
    pub(super) fn settle_retirements(&mut self) {
        let Some(members) = self.leader_committed_members() else {
            return;
        };
        let gone: Vec<NodeId> = self
            .retiring
            .iter()
            .copied()
            .filter(|id| !members.contains(id))
            .collect();
        for id in gone {
            self.retiring.remove(&id);
            self.retired.insert(id);
        }
    }
}
