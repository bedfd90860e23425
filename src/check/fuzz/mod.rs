//! The fuzzer: random fault schedules over many seeds, every step checked.
//!
//! Each seed builds a random cluster configuration and drives it through a
//! fault phase (crashes, restarts, disk loss, partitions of every shape,
//! one-way cuts, loss, duplication, delay spikes, membership changes,
//! leadership transfers, snapshots, reads in every safe mode, clock drift
//! inside the configured bound, settings flipped mid-run, and races against
//! a leader's lease, in `lease_race`), then heals everything and checks
//! liveness and the linearizability of the client history. The next fault is chosen from
//! the world as it is, so a disk is only lost by a node that was removed
//! from the cluster first (a voter that forgets its vote or its log breaks
//! Raft's assumptions, as the `volatile-vote` lesson shows).
//!
//! Everything is a function of the seed: a failing seed reproduces exactly.

mod faults;
mod lease_race;

use super::invariants::Invariants;
use super::linearizability::{check_history, Linearizability};
use super::violation::{Violation, ViolationKind};
use crate::raft::{Config, Fault, Faults, NodeId, Op, ReadMode, Role, Time};
use crate::rng::Rng;
use crate::sim::{
    Action, NetworkConfig, Outcome, Session, StepRecord, TimedAction, Workload, World, WorldConfig,
};
use std::collections::BTreeSet;

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
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions {
            nodes: 5,
            sim_seconds: 30,
            fault: None,
            drift_past_bound: false,
        }
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
    retired: BTreeSet<NodeId>,
    /// Servers being removed before their disk is lost.
    retiring: BTreeSet<NodeId>,
    /// A race against a leader's lease, if one is under way.
    race: Option<lease_race::LeaseRace>,
    /// Link directions given a long delay: old messages on them arrive late.
    slow_links: BTreeSet<(NodeId, NodeId)>,
    /// The settings the run started with, restored at heal.
    base_raft: Config,
    drift_past_bound: bool,
}

impl Run {
    fn violated(&self) -> bool {
        !self.invariants.violations().is_empty()
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
        self.world
            .node_ids()
            .into_iter()
            .map(|id| self.world.node(id))
            .max_by_key(|n| n.commit_index())
            .map(|n| n.log().config_at(n.commit_index()).1.clone())
            .filter(|c| !c.voters.is_empty())
    }

    fn heal(&mut self) {
        self.settle_retirements();
        // Decommission servers the cluster removed, as an operator would: one
        // that never learned of its removal keeps campaigning and, without
        // Pre-Vote or CheckQuorum, disrupts every leader (thesis §4.2.3).
        let members = self.latest_committed_config().map(|c| c.members());
        let retired = self.retired.clone();
        let is_member =
            |id: NodeId| !retired.contains(&id) && members.as_ref().is_none_or(|m| m.contains(&id));
        for id in self.world.node_ids() {
            if !is_member(id) && self.world.is_up(id) {
                self.act(Action::Crash { node: id });
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
            if !self.world.is_up(id) && is_member(id) {
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
        while self.world.now() < end && !self.violated() {
            self.run_until(self.world.now().plus(200_000).min(end));
            self.decommission_removed();
        }
        if self.violated() {
            return None;
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
        if leader.is_some() && marker_done && settled {
            return None;
        }
        let why = match leader {
            None => "no node was leader".to_string(),
            Some(l) if !settled => format!("leader {l} still had uncommitted entries"),
            Some(_) => "a client write did not complete".to_string(),
        };
        Some(Violation {
            kind: ViolationKind::Liveness,
            step: self.world.steps(),
            time: self.world.now(),
            nodes: leader.into_iter().collect(),
            index: None,
            term: Some(self.world.max_term()),
            ops: vec![marker],
            sentence: format!(
                "{} after every fault healed at {healed_at} with all nodes up and connected: {why} (reached term {})",
                Time(window),
                self.world.max_term()
            ),
        })
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
        retired: BTreeSet::new(),
        retiring: BTreeSet::new(),
        race: None,
        slow_links: BTreeSet::new(),
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
    let mut violation = run.invariants.first_violation().cloned();
    if violation.is_none() {
        run.run_until(heal_at);
        violation = run.invariants.first_violation().cloned();
    }
    if violation.is_none() {
        run.heal();
        violation = run
            .liveness(heal_at, window)
            .or_else(|| run.invariants.first_violation().cloned());
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
                        .collect::<BTreeSet<_>>()
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
    reports.sort_by_key(|r| r.seed.wrapping_sub(first));
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
    cmd
}
