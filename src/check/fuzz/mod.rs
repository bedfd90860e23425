//! The fuzzer: random fault schedules over many seeds, every step checked.
//!
//! Each seed builds a random cluster configuration and drives it through a
//! fault phase (crashes, restarts, disk loss, partitions of every shape,
//! one-way cuts, loss, duplication, delay spikes, membership changes,
//! leadership transfers, snapshots, reads in every safe mode, clock drift
//! inside the configured bound, settings flipped mid-run, and races against
//! a leader's lease, in `lease_race`), then heals everything and checks
//! liveness and the linearizability of the client history. The next fault
//! is chosen from the world as it is: a disk is lost by a server removed
//! from the cluster first, or by a member only at a moment when Raft can
//! survive it (`disk_loss`: a voter that forgets its vote or its log at a
//! random moment breaks Raft's assumptions, as the `volatile-vote` lesson
//! shows).
//!
//! Liveness after the heal means: one leader whose term stops climbing
//! (a removed server must not keep deposing it), a client write that
//! completes, and every member holding the committed log and the
//! configuration (a member that lost its disk must catch up).
//!
//! Everything is a function of the seed: a failing seed reproduces exactly.

mod disk_loss;
mod faults;
mod lease_race;

use super::invariants::Invariants;
use super::linearizability::{check_history, Linearizability};
use super::violation::{Violation, ViolationKind};
use crate::raft::{Config, Fault, Faults, NodeId, Op, ReadMode, Regression, Role, Time};
use crate::rng::Rng;
use crate::sim::{
    Action, NetworkConfig, Outcome, Session, StepRecord, TimedAction, Workload, World, WorldConfig,
};
use crate::sorted::SortedSet;

/// What to fuzz.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuzzOptions {
    /// Nodes per cluster (3 to 9).
    pub nodes: u8,
    /// Simulated seconds per seed, heal and liveness window included.
    pub sim_seconds: u64,
    /// A teaching fault switched on in every node.
    pub fault: Option<Fault>,
    /// Let clocks drift past the bound leases are validated for
    /// ([`Config::max_clock_drift_ppm`]), with CheckQuorum and lease reads on:
    /// lease reads are then unsafe, and the fuzzer must catch a stale one.
    pub drift_past_bound: bool,
    /// A fixed bug put back in every node, to show the fuzzer finds it.
    pub reinject: Option<Regression>,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions {
            nodes: 5,
            sim_seconds: 30,
            fault: None,
            drift_past_bound: false,
            reinject: None,
        }
    }
}

impl FuzzOptions {
    /// Whether the run is meant to find a violation (a teaching fault, drift
    /// past the bound, a bug put back): then it may stop at the first.
    pub fn expects_violation(&self) -> bool {
        self.fault.is_some() || self.drift_past_bound || self.reinject.is_some()
    }
}

/// The step budget of the linearizability search, per key: enough for
/// nearly every history in a few milliseconds.
pub const LINEARIZABILITY_BUDGET: u64 = 2_000_000;

/// The budget of a second search, only for a history the first could
/// neither prove nor refute (about one seed in 10⁵): sixteen times as much.
pub const LINEARIZABILITY_RETRY_BUDGET: u64 = 16 * LINEARIZABILITY_BUDGET;

/// What one seed did.
#[derive(Clone, Debug)]
pub struct SeedReport {
    /// The seed.
    pub seed: u64,
    /// The first violation found, if any.
    pub violation: Option<Violation>,
    /// Steps run.
    pub steps: u64,
    /// Simulated time reached.
    pub sim_time: Time,
    /// Whether the linearizability search ran out of budget.
    pub linearizability_unknown: bool,
    /// The session that reproduces the run (configuration, seed, actions).
    pub session: Session,
}

/// How many messages may be in flight at once. A busy run of nine nodes
/// with slow links holds a few hundred; thousands mean a storm.
const MAX_IN_FLIGHT: usize = 5_000;

/// How often, in steps, the messages in flight are counted.
const FLOOD_CHECK_EVERY: u64 = 1_024;

/// The last stretch of the liveness window, µs, over which the members'
/// term must be steady.
const STEADY_US: u64 = 2_000_000;

/// How many terms the members may pass through in that stretch: an
/// election or two to settle a change that removed the leader, not one
/// every election timeout.
const MAX_STEADY_TERMS: usize = 3;

/// How long after healing a leader must exist and pending writes commit.
fn liveness_window(sim_seconds: u64) -> u64 {
    (sim_seconds * 1_000_000 / 3).min(6_000_000)
}

/// A random cluster configuration for `seed`.
fn random_config(rng: &mut Rng, options: &FuzzOptions) -> WorldConfig {
    let nodes = options.nodes.clamp(3, 9);
    let spare = rng.range_inclusive(0, u64::from(nodes.saturating_sub(3)).min(2)) as u8;
    let check_quorum = options.drift_past_bound || rng.chance(0.5);
    let raft = Config {
        pre_vote: rng.chance(0.5),
        check_quorum,
        leader_stickiness: rng.chance(0.85),
        snapshot_threshold: if rng.chance(0.5) {
            rng.range_inclusive(4, 40)
        } else {
            0
        },
        // One entry per message often: Figure 8 needs an old-term entry to
        // be acknowledged before the new leader's own entry.
        max_entries_per_message: if rng.chance(0.4) {
            1
        } else {
            rng.range_inclusive(2, 16)
        },
        faults: options.fault.map(Faults::only).unwrap_or_default(),
        regression: options.reinject,
        ..Config::default()
    };
    // Past the drift bound, a stale lease read needs the new leader to
    // commit a write inside the old lease's extra real time: a fast network.
    let latency_min_us = if options.drift_past_bound {
        1_000
    } else {
        rng.range_inclusive(1_000, 10_000)
    };
    let spread = if options.drift_past_bound {
        2_000
    } else {
        30_000
    };
    let network = NetworkConfig {
        latency_min_us,
        latency_max_us: latency_min_us + rng.range_inclusive(0, spread),
        loss_permille: 0,
        duplicate_permille: 0,
    };
    // Lease reads even without CheckQuorum: they are refused until it is
    // switched on mid-run, and then must never be stale.
    let read_modes = if options.drift_past_bound {
        vec![ReadMode::Lease]
    } else {
        vec![ReadMode::ReadIndex, ReadMode::Lease]
    };
    let workload = Workload {
        interval_us: rng.range_inclusive(15_000, 60_000),
        keys: rng.range_inclusive(1, 3) as u8,
        clients: rng.range_inclusive(2, 6) as u8,
        read_permille: rng.range_inclusive(300, 600) as u16,
        read_modes,
    };
    WorldConfig {
        // Up to two blank servers beyond the cluster: replacements for
        // servers whose disk is lost.
        nodes: (nodes + 2).min(9),
        voters: nodes - spare,
        raft,
        network,
        workload: Some(workload),
        ..WorldConfig::default()
    }
}

/// A fault armed to strike the instant something happens, to produce
/// shapes that random timing rarely hits (Figure 8 needs a leader whose
/// entries reach only a minority, and one that dies right after a commit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trigger {
    /// When a leader of a term above this one appears, cut it off at once.
    IsolateNextLeader { above_term: crate::raft::Term },
    /// When a leader of a term above this one first advances its commit
    /// index, crash it at once.
    CrashNextLeaderOnCommit {
        above_term: crate::raft::Term,
        watching: Option<(NodeId, crate::raft::LogIndex)>,
    },
}

/// Drives one world and checks every step.
struct Run {
    world: World,
    invariants: Invariants,
    actions: Vec<TimedAction>,
    rng: Rng,
    base_network: NetworkConfig,
    trigger: Option<Trigger>,
    /// Servers whose disk was lost: never restarted or re-added.
    retired: SortedSet<NodeId>,
    /// Servers being removed before their disk is lost.
    retiring: SortedSet<NodeId>,
    /// Members that lost their disk and have not caught up yet.
    wiped: SortedSet<NodeId>,
    /// Messages in flight multiplied past [`MAX_IN_FLIGHT`].
    flood: Option<Violation>,
    /// A race against a leader's lease, if one is under way.
    race: Option<lease_race::LeaseRace>,
    /// Link directions given a long delay: old messages on them arrive late.
    slow_links: SortedSet<(NodeId, NodeId)>,
    /// The settings the run started with, restored at heal.
    base_raft: Config,
    drift_past_bound: bool,
}

impl Run {
    fn violated(&self) -> bool {
        !self.invariants.violations().is_empty() || self.flood.is_some()
    }

    /// The first violation: a safety property the checker saw break, or
    /// a flood of messages.
    fn first_violation(&self) -> Option<Violation> {
        self.invariants
            .first_violation()
            .or(self.flood.as_ref())
            .cloned()
    }

    /// A node that answers every rejection with the same request, and a
    /// network that duplicates, make the messages in flight multiply without
    /// progress (a leader probing a follower that lost its disk did).
    /// Counted every thousand steps or so.
    fn check_flood(&mut self) {
        if !self.world.steps().is_multiple_of(FLOOD_CHECK_EVERY) || self.flood.is_some() {
            return;
        }
        let in_flight = self.world.in_flight_iter().count();
        if in_flight > MAX_IN_FLIGHT {
            self.flood = Some(Violation {
                kind: ViolationKind::Liveness,
                step: self.world.steps(),
                time: self.world.now(),
                nodes: Vec::new(),
                index: None,
                term: Some(self.world.max_term()),
                ops: Vec::new(),
                sentence: format!(
                    "{in_flight} messages were in flight at once at {}: the nodes keep resending without progress",
                    self.world.now()
                ),
            });
        }
    }

    fn observe(&mut self, records: &[StepRecord]) {
        for r in records {
            self.invariants.check(&self.world, r);
        }
    }

    /// Runs until `t` or the first violation.
    fn run_until(&mut self, t: Time) {
        while !self.violated() {
            let Some(r) = self.world.step_at_or_before(t) else {
                break;
            };
            self.invariants.check(&self.world, &r);
            self.check_flood();
            self.fire_trigger();
            self.advance_lease_race();
        }
        if !self.violated() {
            self.world.run_until(t);
        }
    }

    fn fire_trigger(&mut self) {
        let Some(trigger) = self.trigger else { return };
        match trigger {
            Trigger::IsolateNextLeader { above_term } => {
                if let Some(l) = self
                    .world
                    .leader()
                    .filter(|l| self.world.node(*l).term() > above_term)
                {
                    self.trigger = None;
                    self.isolate(l);
                }
            }
            Trigger::CrashNextLeaderOnCommit {
                above_term,
                watching: None,
            } => {
                if let Some(l) = self
                    .world
                    .leader()
                    .filter(|l| self.world.node(*l).term() > above_term)
                {
                    let commit = self.world.node(l).commit_index();
                    self.trigger = Some(Trigger::CrashNextLeaderOnCommit {
                        above_term,
                        watching: Some((l, commit)),
                    });
                }
            }
            Trigger::CrashNextLeaderOnCommit {
                watching: Some((leader, above)),
                ..
            } => {
                let node = self.world.node(leader);
                if !self.world.is_up(leader) || node.role() != Role::Leader {
                    self.trigger = None;
                } else if node.commit_index() > above {
                    self.trigger = None;
                    self.act(Action::Crash { node: leader });
                }
            }
        }
    }

    /// Cuts `node` off from every other node.
    fn isolate(&mut self, node: NodeId) {
        let rest: Vec<NodeId> = self
            .world
            .node_ids()
            .into_iter()
            .filter(|id| *id != node)
            .collect();
        self.act(Action::Partition {
            groups: vec![vec![node], rest],
        });
    }

    fn act(&mut self, action: Action) {
        while let Some(r) = self.world.step_due() {
            self.invariants.check(&self.world, &r);
        }
        let (timed, records) = self.world.act(action);
        self.actions.push(timed);
        self.observe(&records);
    }

    fn random_node(&mut self) -> NodeId {
        let ids = self.world.node_ids();
        ids[self.rng.index(ids.len())]
    }

    fn nodes_where(&self, pred: impl Fn(&World, NodeId) -> bool) -> Vec<NodeId> {
        self.world
            .node_ids()
            .into_iter()
            .filter(|id| pred(&self.world, *id))
            .collect()
    }

    /// The configuration the current leader uses, if there is a leader.
    fn leader_config(&self) -> Option<crate::raft::Configuration> {
        self.world
            .leader()
            .map(|l| self.world.node(l).membership().clone())
    }

    /// The latest configuration known to be committed: the one in effect at
    /// the highest commit index of any node (up or down). An operator shuts
    /// a server down only once its removal has committed; an uncommitted
    /// C_new may still be rolled back.
    fn latest_committed_config(&self) -> Option<crate::raft::Configuration> {
        // Commit indexes start over at a restart; the checker remembers the
        // highest index ever committed. Any node holding that entry holds
        // the configuration in force there.
        if let Some((index, term)) = self.invariants.highest_commit() {
            let holder = self
                .world
                .node_ids()
                .into_iter()
                .find(|id| self.world.node(*id).log().holds_committed(index, term));
            if let Some(id) = holder {
                let log = self.world.node(id).log();
                let config = log.config_at(index.max(log.snapshot().last_index)).1;
                if !config.voters.is_empty() {
                    return Some(config.clone());
                }
            }
        }
        self.world
            .node_ids()
            .into_iter()
            .map(|id| self.world.node(id))
            .max_by_key(|n| n.commit_index())
            .map(|n| n.log().config_at(n.commit_index()).1.clone())
            .filter(|c| !c.voters.is_empty())
    }

    /// Whether the run's settings keep a removed server from disrupting
    /// the cluster: leader stickiness, CheckQuorum or Pre-Vote, as the run
    /// was meant to have them (a bug put back must show, not be hidden).
    fn removed_servers_contained(&self) -> bool {
        let r = &self.base_raft;
        r.leader_stickiness || r.check_quorum || r.pre_vote
    }

    fn heal(&mut self) {
        self.settle_retirements();
        // A removed server that never learned of its removal keeps
        // campaigning. With none of the rules that contain it, it deposes
        // every leader (thesis §4.2.3), and an operator decommissions it.
        // With one, it stays up, and comes back if it was down: it must not
        // disturb anyone.
        let contained = self.removed_servers_contained();
        let members = self.latest_committed_config().map(|c| c.members());
        let retired = self.retired.clone();
        let is_member =
            |id: NodeId| !retired.contains(&id) && members.as_ref().is_none_or(|m| m.contains(&id));
        let keep = |id: NodeId| is_member(id) || (contained && !retired.contains(&id));
        if !contained {
            for id in self.world.node_ids() {
                if !is_member(id) && self.world.is_up(id) {
                    self.act(Action::Crash { node: id });
                }
            }
        }
        self.trigger = None;
        self.end_lease_race();
        for (from, to) in self.slow_links.clone() {
            self.restore_link_latency(from, to);
        }
        self.act(Action::SetRaftConfig(self.base_raft.clone()));
        self.act(Action::Heal);
        self.act(Action::SetNetwork(self.base_network.clone()));
        self.act(Action::SetWorkload(None));
        if self.rng.chance(0.5) {
            // A full-cluster restart: every member comes back at one instant.
            for id in self.world.node_ids() {
                if self.world.is_up(id) {
                    self.act(Action::Crash { node: id });
                }
            }
        }
        for id in self.world.node_ids() {
            if !self.world.is_up(id) && keep(id) {
                self.act(Action::Restart { node: id });
            }
        }
    }

    /// Shuts down running servers that the leader's committed configuration
    /// no longer includes, as an operator does once a removal completes.
    fn decommission_removed(&mut self) {
        let Some(members) = self.leader_committed_members() else {
            return;
        };
        for id in self.world.node_ids() {
            if self.world.is_up(id) && !members.contains(&id) {
                self.act(Action::Crash { node: id });
            }
        }
    }

    fn liveness(&mut self, healed_at: Time, window: u64) -> Option<Violation> {
        let marker = self.world.history().len() as u64;
        let node = self.world.node_ids()[0];
        self.act(Action::Write {
            node,
            op: Op::Set {
                key: "liveness".into(),
                value: 1,
            },
        });
        let end = healed_at.plus(window);
        let contained = self.removed_servers_contained();
        let steady_us = STEADY_US.min(window / 3);
        let steady_from = Time(end.as_micros().saturating_sub(steady_us));
        let mut steady_terms = SortedSet::new();
        while self.world.now() < end && !self.violated() {
            self.run_until(self.world.now().plus(200_000).min(end));
            if !contained {
                self.decommission_removed();
            }
            if self.world.now() >= steady_from {
                steady_terms.insert(self.members_term());
            }
        }
        if self.violated() {
            return None;
        }
        let (first, last) = (
            steady_terms.first().copied().unwrap_or(0),
            steady_terms.last().copied().unwrap_or(0),
        );
        if steady_terms.len() > MAX_STEADY_TERMS {
            return Some(self.liveness_violation(
                healed_at,
                window,
                marker,
                format!(
                    "the members' term kept climbing, from {first} to {last} in the last {}: a server keeps deposing the leader",
                    Time(steady_us)
                ),
            ));
        }
        let leader = self.world.leader();
        let marker_done = matches!(
            self.world
                .history()
                .get(marker as usize)
                .map(|o| &o.outcome),
            Some(Outcome::WriteOk { .. })
        );
        let settled = leader.is_some_and(|l| {
            let n = self.world.node(l);
            n.role() == Role::Leader && n.commit_index() == n.last_index()
        });
        let why = match leader {
            None => "no node was leader".to_string(),
            Some(l) if !settled => format!("leader {l} still had uncommitted entries"),
            Some(_) if !marker_done => "a client write did not complete".to_string(),
            Some(l) => self.member_behind(l)?,
        };
        Some(self.liveness_violation(healed_at, window, marker, why))
    }

    /// The term of the cluster's members: the highest among the running
    /// members of the latest committed configuration (a removed server's
    /// own term may climb alone; it must not carry theirs with it).
    fn members_term(&self) -> crate::raft::Term {
        let members = self.latest_committed_config().map(|c| c.members());
        self.world
            .node_ids()
            .into_iter()
            .filter(|id| self.world.is_up(*id))
            .filter(|id| members.as_ref().is_none_or(|m| m.contains(id)))
            .map(|id| self.world.node(id).term())
            .max()
            .unwrap_or(0)
    }

    /// Why a running member of `leader`'s committed configuration is not
    /// caught up with it, if one is not: it lacks the committed log (a
    /// member that lost its disk must catch up), or it does not know the
    /// configuration (it must relearn even the founding one).
    fn member_behind(&self, leader: NodeId) -> Option<String> {
        let l = self.world.node(leader);
        let commit = l.commit_index();
        let commit_term = l.log().term_at(commit).unwrap_or(0);
        let config = l.log().config_at(commit).1;
        config.members().into_iter().find_map(|id| {
            if id == leader || !self.world.is_up(id) {
                return None;
            }
            let log = self.world.node(id).log();
            if !log.holds_committed(commit, commit_term) {
                return Some(format!(
                    "{id} still lacked committed entry {commit} (its log ends at {})",
                    log.last_index()
                ));
            }
            (log.config_at(commit).1 != config).then(|| {
                format!(
                    "{id} did not know the configuration {config} that {leader} committed (it had {})",
                    log.config_at(commit).1
                )
            })
        })
    }

    fn liveness_violation(
        &self,
        healed_at: Time,
        window: u64,
        marker: u64,
        why: String,
    ) -> Violation {
        let leader = self.world.leader();
        Violation {
            kind: ViolationKind::Liveness,
            step: self.world.steps(),
            time: self.world.now(),
            nodes: leader.into_iter().collect(),
            index: None,
            term: Some(self.world.max_term()),
            ops: vec![marker],
            sentence: format!(
                "{} after every fault healed at {healed_at} with all members up and connected: {why} (reached term {})",
                Time(window),
                self.world.max_term()
            ),
        }
    }
}

/// Runs one seed.
pub fn run_seed(seed: u64, options: &FuzzOptions) -> SeedReport {
    let mut rng = Rng::new(seed ^ 0x5EED_F022_0000_0001);
    let config = random_config(&mut rng, options);
    let world = World::new(config.clone(), seed);
    let base_network = config.network.clone();
    let mut run = Run {
        world,
        invariants: Invariants::new(),
        actions: Vec::new(),
        rng,
        base_network,
        trigger: None,
        retired: SortedSet::new(),
        retiring: SortedSet::new(),
        wiped: SortedSet::new(),
        flood: None,
        race: None,
        slow_links: SortedSet::new(),
        base_raft: config.raft.clone(),
        drift_past_bound: options.drift_past_bound,
    };
    let total = options.sim_seconds.max(3) * 1_000_000;
    let window = liveness_window(options.sim_seconds.max(3));
    let heal_at = Time(total - window);
    let mut next = Time(run.rng.range_inclusive(200_000, 700_000));
    while !run.violated() && next < heal_at {
        run.run_until(next);
        if run.violated() {
            break;
        }
        let pause = run.random_fault();
        next = run.world.now().plus(pause);
    }
    let mut violation = run.first_violation();
    if violation.is_none() {
        run.run_until(heal_at);
        violation = run.first_violation();
    }
    if violation.is_none() {
        run.heal();
        violation = run
            .liveness(heal_at, window)
            .or_else(|| run.first_violation());
    }
    let mut unknown = false;
    if violation.is_none() {
        let verdict = match check_history(run.world.history().iter(), LINEARIZABILITY_BUDGET) {
            Linearizability::Unknown { .. } => {
                check_history(run.world.history().iter(), LINEARIZABILITY_RETRY_BUDGET)
            }
            verdict => verdict,
        };
        match verdict {
            Linearizability::Ok => {}
            Linearizability::Unknown { .. } => unknown = true,
            Linearizability::Violation(v) => {
                violation = Some(Violation {
                    kind: ViolationKind::Linearizability,
                    step: run.world.steps(),
                    time: run.world.now(),
                    nodes: v
                        .ops
                        .iter()
                        .filter_map(|id| run.world.history().get(*id as usize))
                        .map(|o| o.node)
                        .collect::<SortedSet<_>>()
                        .into_iter()
                        .collect(),
                    index: None,
                    term: None,
                    ops: v.ops.clone(),
                    sentence: v.sentence,
                })
            }
        }
    }
    let session = Session {
        actions: run.actions,
        ..Session::new(config, seed)
    };
    SeedReport {
        seed,
        violation,
        steps: run.world.steps(),
        sim_time: run.world.now(),
        linearizability_unknown: unknown,
        session,
    }
}

/// Totals over many seeds.
#[derive(Clone, Debug, Default)]
pub struct FuzzSummary {
    /// Seeds run.
    pub seeds: u64,
    /// Seeds with a violation.
    pub violations: u64,
    /// Steps run in all.
    pub events: u64,
    /// Simulated time in all, µs.
    pub sim_micros: u64,
    /// Seeds whose linearizability search ran out of budget.
    pub linearizability_unknown: u64,
    /// Those seeds, in seed order.
    pub unknown_seeds: Vec<u64>,
    /// Failing seeds, in seed order.
    pub failures: Vec<SeedReport>,
}

/// Runs `count` seeds from `first` on `threads` threads; results are
/// gathered in seed order, so the output does not depend on scheduling.
/// With `stop_at_first`, seeds after the first failing one are skipped.
pub fn run_seeds(
    first: u64,
    count: u64,
    options: &FuzzOptions,
    threads: usize,
    stop_at_first: bool,
) -> FuzzSummary {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let next = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let mut reports: Vec<SeedReport> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count || (stop_at_first && stop.load(Ordering::Relaxed)) {
                            break;
                        }
                        let report = run_seed(first.wrapping_add(i), options);
                        if report.violation.is_some() {
                            stop.store(true, Ordering::Relaxed);
                        }
                        mine.push(report);
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    crate::sorting::sort_by_key(&mut reports, |r| r.seed.wrapping_sub(first));
    if stop_at_first {
        if let Some(pos) = reports.iter().position(|r| r.violation.is_some()) {
            reports.truncate(pos + 1);
        }
    }
    let mut summary = FuzzSummary::default();
    for r in reports {
        summary.seeds += 1;
        summary.events += r.steps;
        summary.sim_micros += r.sim_time.as_micros();
        summary.linearizability_unknown += u64::from(r.linearizability_unknown);
        if r.linearizability_unknown {
            summary.unknown_seeds.push(r.seed);
        }
        if r.violation.is_some() {
            summary.violations += 1;
            summary.failures.push(r);
        }
    }
    summary
}

/// The command that reproduces one seed.
pub fn reproduce_command(seed: u64, options: &FuzzOptions) -> String {
    let mut cmd = format!(
        "cargo run --release --bin raftlab-fuzz -- --seeds 1 --first-seed {seed} --nodes {} --sim-seconds {}",
        options.nodes, options.sim_seconds
    );
    if let Some(f) = options.fault {
        cmd.push_str(&format!(" --fault {f}"));
    }
    if options.drift_past_bound {
        cmd.push_str(" --drift-past-bound");
    }
    if let Some(r) = options.reinject {
        cmd.push_str(&format!(" --reinject {r}"));
    }
    cmd
}
