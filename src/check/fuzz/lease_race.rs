//! A race against a leader's lease (thesis §6.4.1): the fuzzer cuts one node
//! off from a leader that holds a lease, breaks one promise a lease rests on
//! in one of three ways, and the moment another node wins, writes through it
//! and reads from the old leader in lease mode. With the promise kept, the
//! old leader refuses the read or its lease is already over; a stale answer
//! is a linearizability violation.
//!
//! The three ways are the ones that once broke leases: a higher term learned
//! from the reply to a long-delayed message, a forced election timeout on a
//! follower that acknowledged the leader, and CheckQuorum switched on after
//! acknowledgements collected without it. Random schedules almost never
//! line these up within a lease, so the race arms each stage on the world
//! reaching the one before.

use super::Run;
use crate::raft::MessageKind;
use crate::raft::{NodeId, Op, ReadMode, Role, Time};
use crate::sim::{Action, Outcome};

/// How the race tries to break a follower's promise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Breach {
    /// The old leader's heartbeat to the lone node is held back, the old
    /// leader is deposed, and the held message reaches the lone node after
    /// it campaigned: its answer carries a higher term back to a follower.
    DelayedReply,
    /// A follower that acknowledged the leader is forced to time out while
    /// the lone node campaigns.
    ForcedTimeout,
    /// CheckQuorum is off while the lone node wins, then switched on.
    CheckQuorumOn,
}

/// Where the race stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    /// `DelayedReply` only: waiting for a heartbeat from `first`, the
    /// leader, to `lone` to be held back on the slow link.
    Holding { first: NodeId },
    /// `DelayedReply` only: waiting for a leader other than `first`.
    Deposing { first: NodeId },
    /// `DelayedReply` only: waiting for the loyal follower to learn the lone
    /// node's term from its answer to the held-back heartbeat.
    AwaitingReply,
    /// Waiting for `lone`, cut off from `leader`, to campaign.
    Campaigning,
    /// Waiting for a leader other than `leader`.
    Electing,
    /// The write through the new leader is history entry `op`.
    Writing { op: u64 },
}

/// One lease race in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct LeaseRace {
    breach: Breach,
    stage: Stage,
    /// The leader whose lease is raced.
    leader: NodeId,
    /// The node cut off from it, which campaigns.
    lone: NodeId,
    /// A follower that acknowledged the leader.
    loyal: NodeId,
    /// When the race gives up if it has not finished.
    deadline: Time,
}

/// How long a race may take; other faults wait meanwhile.
const RACE_LIMIT_US: u64 = 3_000_000;

impl Run {
    /// Starts a race, if there is a leader with at least two other voters.
    pub(super) fn arm_lease_race(&mut self) {
        let Some(leader) = self.world.leader() else {
            return;
        };
        let voters: Vec<NodeId> = self
            .world
            .node(leader)
            .membership()
            .voters
            .iter()
            .copied()
            .filter(|id| *id != leader && self.world.is_up(*id))
            .collect();
        if voters.len() < 2 {
            return;
        }
        let lone = voters[self.rng.index(voters.len())];
        let others: Vec<NodeId> = voters.into_iter().filter(|id| *id != lone).collect();
        let loyal = others[self.rng.index(others.len())];
        let breach = match self.rng.index(3) {
            0 => Breach::DelayedReply,
            1 => Breach::ForcedTimeout,
            _ => Breach::CheckQuorumOn,
        };
        let mut race = LeaseRace {
            breach,
            stage: Stage::Campaigning,
            leader,
            lone,
            loyal,
            deadline: self.world.now().plus(RACE_LIMIT_US),
        };
        if breach != Breach::CheckQuorumOn {
            // The settings under which the promise is what keeps leases safe.
            let mut raft = self.world.config().raft.clone();
            raft.check_quorum = true;
            raft.lease_reads = true;
            raft.pre_vote = false;
            self.act(Action::SetRaftConfig(raft));
        }
        match breach {
            Breach::DelayedReply => {
                // The current leader plays the old leader of an earlier term.
                let hold = self.rng.range_inclusive(600_000, 1_000_000);
                self.act(Action::SetLinkLatency {
                    from: leader,
                    to: lone,
                    range: Some((hold, hold + 100_000)),
                });
                self.slow_links.insert((leader, lone));
                race.loyal = leader;
                race.stage = Stage::Holding { first: leader };
            }
            Breach::ForcedTimeout => self.cut_both_ways(leader, lone),
            Breach::CheckQuorumOn => {
                let mut raft = self.world.config().raft.clone();
                raft.check_quorum = false;
                self.act(Action::SetRaftConfig(raft));
                self.cut_both_ways(leader, lone);
            }
        }
        self.race = Some(race);
    }

    fn cut_both_ways(&mut self, a: NodeId, b: NodeId) {
        self.act(Action::CutLink { from: a, to: b });
        self.act(Action::CutLink { from: b, to: a });
    }

    /// Moves the race on once the world reached its next stage; gives up
    /// when the world went another way.
    pub(super) fn advance_lease_race(&mut self) {
        let Some(mut race) = self.race else { return };
        if self.world.now() >= race.deadline {
            self.race = None;
            return;
        }
        let leads = |run: &Run, id: NodeId| {
            run.world.is_up(id) && run.world.node(id).role() == Role::Leader
        };
        match race.stage {
            Stage::Holding { first } => {
                let held = self.world.in_flight_iter().any(|m| {
                    m.from == first
                        && m.to == race.lone
                        && m.message.kind() == MessageKind::AppendEntries
                });
                if !held {
                    return;
                }
                self.isolate(first);
                race.stage = Stage::Deposing { first };
            }
            Stage::Deposing { first } => {
                let Some(next) = self.world.leader().filter(|l| *l != first) else {
                    return;
                };
                if next == race.lone {
                    self.race = None;
                    return;
                }
                // The deposed leader rejoins as a follower of the new one.
                self.act(Action::Heal);
                race.leader = next;
                self.cut_both_ways(next, race.lone);
                race.stage = Stage::Campaigning;
            }
            Stage::Campaigning => {
                if !leads(self, race.leader) {
                    self.race = None;
                    return;
                }
                let role = self.world.node(race.lone).role();
                if !self.world.is_up(race.lone) || role == Role::Follower {
                    return;
                }
                match race.breach {
                    Breach::ForcedTimeout => {
                        // Force the loyal follower, then the lone node at
                        // once, so its request reaches the follower while
                        // the leader's lease still runs.
                        if self.world.is_up(race.loyal) {
                            self.act(Action::ForceTimeout { node: race.loyal });
                        }
                        self.act(Action::ForceTimeout { node: race.lone });
                        race.stage = Stage::Electing;
                    }
                    Breach::DelayedReply => race.stage = Stage::AwaitingReply,
                    Breach::CheckQuorumOn => race.stage = Stage::Electing,
                }
            }
            Stage::AwaitingReply => {
                if !leads(self, race.leader) || !self.world.is_up(race.loyal) {
                    self.race = None;
                    return;
                }
                if self.world.node(race.loyal).term() < self.world.node(race.lone).term() {
                    return;
                }
                self.act(Action::ForceTimeout { node: race.lone });
                race.stage = Stage::Electing;
            }
            Stage::Electing => {
                if !leads(self, race.leader) {
                    self.race = None;
                    return;
                }
                let Some(new) = self
                    .world
                    .node_ids()
                    .into_iter()
                    .find(|id| *id != race.leader && leads(self, *id))
                else {
                    return;
                };
                if race.breach == Breach::CheckQuorumOn {
                    let mut raft = self.world.config().raft.clone();
                    raft.check_quorum = true;
                    raft.lease_reads = true;
                    self.act(Action::SetRaftConfig(raft));
                }
                let op = self.world.history().len() as u64;
                let value = self.rng.range_inclusive(100, 199) as i64;
                self.act(Action::Write {
                    node: new,
                    op: Op::Set {
                        key: "x".into(),
                        value,
                    },
                });
                race.stage = Stage::Writing { op };
            }
            Stage::Writing { op } => {
                match self.world.history().get(op as usize).map(|o| &o.outcome) {
                    Some(Outcome::Pending) => return,
                    Some(Outcome::WriteOk { .. }) => self.act(Action::Read {
                        node: race.leader,
                        key: "x".into(),
                        mode: ReadMode::Lease,
                    }),
                    _ => {}
                }
                self.race = None;
                return;
            }
        }
        self.race = Some(race);
    }
}
