//! A race against a leader's lease (thesis §6.4.1): the fuzzer cuts one node
//! off from a leader that holds a lease, breaks the promise a lease rests on
//! in one of three ways, and the moment another node wins, writes through it
//! and reads from the old leader in lease mode. With the promise kept, the
//! old leader refuses the read or its lease is already over; a stale answer
//! is a linearizability violation.
//!
//! The three ways are the ones that once broke leases: a higher term learned
//! from the answer to a long-delayed message, a forced election timeout on
//! followers that acknowledged the leader, and CheckQuorum switched on after
//! acknowledgements collected without it. Random schedules almost never
//! line these up within one lease, so the race arms each stage when the
//! world reaches the one before, with the random workload paused (new
//! entries would leave the cut-off node's log behind, and the election
//! restriction alone would then stop it).

use super::Run;
use crate::raft::{MessageKind, NodeId, Op, ReadMode, Role, Time};
use crate::sim::clock::MAX_DRIFT_PPM;
use crate::sim::{Action, Outcome, Workload};

/// How the race tries to break the followers' promise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Breach {
    /// The old leader's heartbeat to the lone node is held back, the old
    /// leader is deposed and rejoins as a follower, and the held message
    /// reaches the lone node after it campaigned: its answer carries a
    /// higher term back to that follower. Three voters only: one follower
    /// is all the lone node can win over this way.
    DelayedReply,
    /// Followers that acknowledged the leader are forced to time out while
    /// the lone node campaigns.
    ForcedTimeout,
    /// CheckQuorum is off while the lone node wins, then switched on.
    CheckQuorumOn,
    /// Clocks drift past the configured bound: the leader's slow, the
    /// others' fast, and the leader is cut off. Lease reads are then unsafe,
    /// and the race must end in a stale read the checker proves.
    DriftPastBound,
}

/// Where the race stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    /// `DelayedReply`: waiting for a heartbeat from `first`, the leader, to
    /// the lone node to be held back on the slow link.
    Holding { first: NodeId },
    /// `DelayedReply`: waiting for a leader other than `first`.
    Deposing { first: NodeId },
    /// Waiting for every client operation to finish and the lone node's
    /// log to catch up with the leader's.
    CatchingUp,
    /// Waiting for the lone node, cut off from the leader, to campaign.
    Campaigning,
    /// `DelayedReply`: waiting for the loyal follower to learn the lone
    /// node's term from its answer to the held-back heartbeat.
    AwaitingReply,
    /// Waiting for a leader other than the raced one.
    Electing,
    /// The write through the new leader is history entry `op`.
    Writing { op: u64 },
}

/// One lease race in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct LeaseRace {
    breach: Breach,
    stage: Stage,
    /// The leader whose lease is raced.
    leader: NodeId,
    /// The node cut off from it, which campaigns.
    lone: NodeId,
    /// Followers that acknowledged the leader, whose promise is broken.
    loyal: Vec<NodeId>,
    /// When the race gives up if it has not finished.
    deadline: Time,
    /// The random workload paused for the race, resumed after it.
    workload: Option<Workload>,
}

/// How long a race may take; other faults wait meanwhile.
const RACE_LIMIT_US: u64 = 6_000_000;

impl Run {
    /// Starts a race of a random kind, if there is a leader with at least
    /// two other voters.
    pub(super) fn arm_lease_race(&mut self) {
        self.arm_lease_race_of(None);
    }

    /// Starts a race of kind `breach` (random when `None`).
    pub(super) fn arm_lease_race_of(&mut self, breach: Option<Breach>) {
        let Some(leader) = self.world.leader() else {
            return;
        };
        let config = self.world.node(leader).membership().clone();
        if config.is_joint() {
            return;
        }
        let mut others: Vec<NodeId> = config
            .voters
            .iter()
            .copied()
            .filter(|id| *id != leader && self.world.is_up(*id))
            .collect();
        if others.len() < 2 {
            return;
        }
        let lone = others.swap_remove(self.rng.index(others.len()));
        // Enough followers to make a quorum with the lone node.
        let mut loyal = Vec::new();
        while loyal.len() + 1 < config.quorum_size() && !others.is_empty() {
            loyal.push(others.swap_remove(self.rng.index(others.len())));
        }
        let breach = breach.unwrap_or_else(|| match self.rng.index(3) {
            0 if config.voters.len() == 3 => Breach::DelayedReply,
            0 | 1 => Breach::ForcedTimeout,
            _ => Breach::CheckQuorumOn,
        });
        let workload = self.world.workload().cloned();
        self.act(Action::SetWorkload(None));
        let mut raft = self.world.config().raft.clone();
        raft.lease_reads = true;
        // The settings under which the promise is what keeps leases safe;
        // for `CheckQuorumOn`, those it will switch to.
        raft.check_quorum = breach != Breach::CheckQuorumOn;
        raft.pre_vote = false;
        self.act(Action::SetRaftConfig(raft));
        let mut race = LeaseRace {
            breach,
            stage: Stage::CatchingUp,
            leader,
            lone,
            loyal,
            deadline: self.world.now().plus(RACE_LIMIT_US),
            workload,
        };
        if breach == Breach::DriftPastBound {
            let bound = self.world.config().raft.max_clock_drift_ppm as i64;
            let least = (MAX_DRIFT_PPM * 7 / 10).max(bound + 1);
            for node in self.world.node_ids() {
                let past = self.rng.range_inclusive(least as u64, MAX_DRIFT_PPM as u64) as i64;
                let drift_ppm = if node == leader { -past } else { past };
                self.act(Action::SetClockDrift { node, drift_ppm });
            }
            self.isolate(leader);
            race.stage = Stage::Electing;
        }
        if breach == Breach::DelayedReply {
            // The current leader plays the old leader of an earlier term.
            let hold = self.rng.range_inclusive(1_500_000, 2_500_000);
            self.act(Action::SetLinkLatency {
                from: leader,
                to: lone,
                range: Some((hold, hold + 100_000)),
            });
            self.slow_links.insert((leader, lone));
            race.loyal = vec![leader];
            race.stage = Stage::Holding { first: leader };
        }
        self.race = Some(race);
    }

    fn cut_both_ways(&mut self, a: NodeId, b: NodeId) {
        self.act(Action::CutLink { from: a, to: b });
        self.act(Action::CutLink { from: b, to: a });
    }

    /// Ends the race and resumes the workload it paused.
    pub(super) fn end_lease_race(&mut self) {
        if let Some(race) = self.race.take() {
            if race.workload.is_some() {
                self.act(Action::SetWorkload(race.workload));
            }
        }
    }

    /// Moves the race on once the world reached its next stage; gives up
    /// when the world went another way or the time is up.
    pub(super) fn advance_lease_race(&mut self) {
        let Some(mut race) = self.race.clone() else {
            return;
        };
        let leads = |run: &Run, id: NodeId| {
            run.world.is_up(id) && run.world.node(id).role() == Role::Leader
        };
        let raced_leader_lost =
            !matches!(race.stage, Stage::Holding { .. } | Stage::Deposing { .. })
                && !leads(self, race.leader);
        if self.world.now() >= race.deadline || raced_leader_lost {
            self.end_lease_race();
            return;
        }
        match race.stage {
            Stage::Holding { first } => {
                let held = self.world.in_flight_iter().any(|m| {
                    m.from == first
                        && m.to == race.lone
                        && matches!(
                            m.message.kind(),
                            MessageKind::AppendEntries | MessageKind::Heartbeat
                        )
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
                    self.end_lease_race();
                    return;
                }
                // The deposed leader rejoins as a follower of the new one.
                self.act(Action::Heal);
                race.leader = next;
                race.stage = Stage::CatchingUp;
            }
            Stage::CatchingUp => {
                let (lone, leader) = (self.world.node(race.lone), self.world.node(race.leader));
                if !self.world.is_up(race.lone) {
                    self.end_lease_race();
                    return;
                }
                if lone.last_index() < leader.last_index() || lone.term() < leader.term() {
                    return;
                }
                // An operation still retrying would be appended by the
                // leader after the cut and leave the lone node's log behind.
                if self
                    .world
                    .history()
                    .iter()
                    .any(|o| o.outcome == Outcome::Pending)
                {
                    return;
                }
                self.cut_both_ways(race.leader, race.lone);
                race.stage = Stage::Campaigning;
            }
            Stage::Campaigning => {
                if self.world.node(race.lone).role() == Role::Follower {
                    return;
                }
                match race.breach {
                    Breach::ForcedTimeout => {
                        // Force the loyal followers, then the lone node at
                        // once, so its request reaches them while the
                        // leader's lease still runs.
                        for node in race.loyal.clone() {
                            if self.world.is_up(node) {
                                self.act(Action::ForceTimeout { node });
                            }
                        }
                        self.act(Action::ForceTimeout { node: race.lone });
                        race.stage = Stage::Electing;
                    }
                    Breach::DelayedReply => race.stage = Stage::AwaitingReply,
                    Breach::CheckQuorumOn | Breach::DriftPastBound => race.stage = Stage::Electing,
                }
            }
            Stage::AwaitingReply => {
                let loyal = race.loyal[0];
                if self.world.node(loyal).term() < self.world.node(race.lone).term() {
                    return;
                }
                // The held message has landed: the link is fast again, so
                // the loyal follower's answer to the campaign arrives in time.
                self.restore_link_latency(loyal, race.lone);
                self.act(Action::ForceTimeout { node: race.lone });
                race.stage = Stage::Electing;
            }
            Stage::Electing => {
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
                self.end_lease_race();
                return;
            }
        }
        self.race = Some(race);
    }
}
