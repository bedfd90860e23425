//! The lessons, in the order the Lessons menu lists them.
//!
//! Each is a fixed seed and script, so every caption is a real state of the
//! real cluster; the tests below play each one and compare what its
//! captions say with the run, so a lesson that stops showing what it claims
//! fails the build.

use super::lesson::{Caption, Cue, Lesson, Watch};
use crate::raft::{Config, Faults, NodeId, Time};
use crate::sim::{Action, Session, TimedAction, WorldConfig};

fn at(ms: u64, action: Action) -> TimedAction {
    TimedAction {
        at: Time::from_millis(ms),
        action,
    }
}

fn caption(cue: Cue, text: &'static str) -> Caption {
    Caption { cue, text }
}

/// Five servers, the default settings.
fn five() -> WorldConfig {
    WorldConfig::default()
}

/// The default settings without leader stickiness: the basic algorithm of
/// the paper's §5, for lessons that replay its figures with elections an
/// operator starts right after a leader was heard (with stickiness the
/// others would ignore them for a minimum election timeout, §6).
fn paper_rules() -> Config {
    Config {
        leader_stickiness: false,
        ..Config::default()
    }
}

/// Clients writing steadily, about one write every 40 ms.
fn steady_writes() -> Action {
    Action::SetWorkload(Some(crate::sim::Workload {
        interval_us: 40_000,
        keys: 3,
        clients: 2,
        read_permille: 0,
        ..Default::default()
    }))
}

/// Node `node` cut off from the other four of five.
fn alone(node: u8) -> Action {
    Action::Partition {
        groups: vec![
            vec![NodeId(node)],
            (1..=5).filter(|n| *n != node).map(NodeId).collect(),
        ],
    }
}

/// Lesson 1: timeouts, votes, a leader, heartbeats (§5.2).
pub fn first_election() -> Lesson {
    Lesson {
        slug: "first-election",
        title: "The first election",
        intro: "Five servers start as followers in term 0, each with an election timer set to a random time between 150 and 300 ms. Whoever's timer fires first asks the others for their votes; a majority makes it leader, and its heartbeats keep everyone else from starting another election.",
        session: Session::new(five(), 1),
        captions: vec![
            caption(Cue::Start, "Every server is a follower in term 0. The arcs are their election timers: each was set at random, so one will fire first."),
            caption(Cue::Next(Watch::BecameCandidate), "{node}'s timer fired first: it heard from no leader for a whole election timeout (§5.2). It moves to term {term}, votes for itself and asks every other server for its vote."),
            caption(Cue::Next(Watch::VoteGranted), "{node} has not voted in term {term} yet, and the candidate's log is at least as up to date as its own (§5.4.1), so it grants its vote. Each server votes at most once per term."),
            caption(Cue::Next(Watch::BecameLeader), "{node} holds votes from a majority, so it is the leader of term {term}. No other server can win term {term}: it would need a majority too, and two majorities always share a server."),
            caption(Cue::Next(Watch::LeaderCommitted), "{node} appended a no-op entry of its own term (§8) and a majority stored it, so it is committed (§5.4.2). All along, its heartbeats keep resetting every follower's timer."),
        ],
    }
}

/// Lesson 2: the leader crashes; a new leader in a higher term; the old one
/// returns as a follower (§5.2, §5.1).
pub fn leader_crash() -> Lesson {
    let old = NodeId(4);
    Lesson {
        slug: "leader-crash",
        title: "The leader crashes",
        intro: "N4 leads term 1. When it crashes its heartbeats stop, so the followers' timers run out and one of them starts an election in term 2. When N4 comes back it starts as a follower, as every restarted server does, still in term 1: the first message from term 2 updates its term and tells it who leads.",
        session: Session {
            actions: vec![
                at(1_000, Action::Crash { node: old }),
                at(2_500, Action::Restart { node: old }),
            ],
            ..Session::new(five(), 1)
        },
        captions: vec![
            caption(Cue::At(Time::from_millis(999)), "N4 leads term 1 and sends heartbeats every 50 ms. Watch what happens when it crashes."),
            caption(Cue::Next(Watch::Action), "N4 has crashed. It keeps its term, its vote and its log on disk, but sends nothing."),
            caption(Cue::Next(Watch::ElectionTimeout), "No heartbeats arrive, so {node}'s timer runs out first."),
            caption(Cue::Next(Watch::BecameLeader), "{node} won term {term} with its own vote and two others: three of five is a majority, so it needs neither N4 nor the last vote."),
            caption(Cue::Next(Watch::Action), "N4 restarts from its disk, still in term 1: it does not know yet that a newer term exists."),
            caption(Cue::At(Time::from_millis(2_600)), "The new leader's heartbeat carried term 2, so N4 adopted that term and now follows it (§5.1). Any server that sees a newer term takes it, and a leader or candidate that does steps down."),
        ],
    }
}

/// Lesson 3: split vote, then livelock under `fixed-timeouts` (§5.2).
pub fn split_vote() -> Lesson {
    let fixed = Config {
        faults: Faults::only(crate::raft::Fault::FixedTimeouts),
        ..Config::default()
    };
    Lesson {
        slug: "split-vote",
        title: "Split votes",
        intro: "Here three servers' timers fire within a few milliseconds of each other. Each votes for itself and the rest of the votes split, so nobody has a majority in term 1. Randomized timeouts make the next try unlikely to split again. Then the fixed-timeouts fault makes every timer the same, and split votes repeat for as long as you watch.",
        session: Session {
            actions: vec![
                at(3_000, Action::SetRaftConfig(fixed)),
                at(
                    3_000,
                    Action::SetNetwork(crate::sim::NetworkConfig {
                        latency_min_us: 10_000,
                        latency_max_us: 11_000,
                        ..Default::default()
                    }),
                ),
                at(3_200, Action::Crash { node: NodeId(1) }),
            ],
            ..Session::new(five(), 12)
        },
        captions: vec![
            caption(Cue::Next(Watch::BecameCandidate), "{node}'s timer fired: it is a candidate for term {term}."),
            caption(Cue::Next(Watch::BecameCandidate), "{node} timed out a moment later and is a candidate for term {term} too. It voted for itself, so it cannot vote for the other."),
            caption(Cue::Next(Watch::BecameCandidate), "And {node}: a third candidate for term {term}. Each candidate holds only its own vote, and just two votes are left: unless both go to the same candidate, nobody reaches three of five."),
            caption(Cue::Next(Watch::BecameLeader), "The candidates' timers were reset to new random values, so one of them woke first: {node} tried again and won term {term} before anyone else timed out."),
            caption(Cue::At(Time::from_millis(3_200)), "Now the fixed-timeouts fault is on: every election timeout is exactly 150 ms, and every message takes 10 to 11 ms, so the followers' last heartbeats arrived together. The leader, N1, has just crashed."),
            caption(Cue::At(Time::from_millis(4_500)), "Every follower times out at the same moment, every time: each votes for itself, the votes split, and the term climbs with no leader. Randomization is what breaks the tie (§5.2)."),
        ],
    }
}

/// Lesson 12: `volatile-vote` lets a restarted server vote twice in one
/// term, and two leaders win it (Figure 2, §5.2).
pub fn volatile_vote() -> Lesson {
    let vote = Config {
        faults: Faults::only(crate::raft::Fault::VolatileVote),
        ..paper_rules()
    };
    let us = |at: u64, action: Action| TimedAction {
        at: Time(at),
        action,
    };
    let (n1, n2, n3, n4) = (NodeId(1), NodeId(2), NodeId(3), NodeId(4));
    Lesson {
        slug: "volatile-vote",
        title: "A vote that is not saved",
        intro: "A server must write its term and its vote to disk before it answers, so that after a crash it still knows whom it voted for (Figure 2). The volatile-vote fault skips that. Here N3 votes for N1 in term 2, crashes and restarts, forgets the vote and votes again in term 2, for N2: two leaders in one term. (Leader stickiness is off, as in the paper's §5, so the operator's elections go through while the others still remember N4.)",
        session: Session {
            actions: vec![
                us(700_001, Action::Crash { node: n4 }),
                us(700_002, Action::CutLink { from: n1, to: n2 }),
                us(700_003, Action::ForceTimeout { node: n1 }),
                us(709_119, Action::CutLink { from: n1, to: n3 }),
                us(709_120, Action::Crash { node: n3 }),
                us(709_121, Action::Restart { node: n3 }),
                us(709_122, Action::CutLink { from: n1, to: n4 }),
                us(723_030, Action::Restart { node: n4 }),
                us(723_031, Action::ForceTimeout { node: n2 }),
            ],
            ..Session::new(WorldConfig { raft: vote, ..five() }, 1)
        },
        captions: vec![
            caption(Cue::At(Time(700_000)), "N4 leads term 1. The volatile-vote fault is on: no server saves its term and vote to disk, so a server that restarts can only take the term of the last entry in its log, with no vote on record. Watch N3."),
            caption(Cue::At(Time(700_003)), "N4 has crashed, and an operator made N1's timer fire: N1 asks for votes in term 2 (its messages to N2 are cut)."),
            caption(Cue::At(Time(709_118)), "N3 has granted its vote to N1 for term 2. It kept that vote only in memory."),
            caption(Cue::At(Time(709_121)), "N3 crashed and restarted. With no saved term it took the term of its last log entry, 1, and with no saved vote it is free to vote in term 2 again."),
            caption(Cue::Next(Watch::BecameLeader), "{node} wins term {term} with N3's first vote among its majority."),
            caption(Cue::At(Time(723_031)), "N4 is back, and an operator made N2's timer fire: N2 asks for votes in term 2 as well."),
            caption(Cue::Next(Watch::BecameLeader), "{node} also wins term {term}: N3 voted a second time in the same term. Two leaders in one term breaks Election Safety, and the checker says so."),
        ],
    }
}

/// Lesson 4: a follower that missed entries catches up through the
/// consistency check and fast backtracking (§5.3).
pub fn replication() -> Lesson {
    Lesson {
        slug: "replication",
        title: "A follower catches up",
        intro: "The leader sends each follower the entries it is missing, together with the index and term of the entry just before them. A follower accepts only if its own log has that entry: this consistency check guarantees that two logs holding an entry with the same index and term agree on every entry before it (Log Matching, §5.3). A follower that was away refuses, tells the leader where its log ends, and the leader backs up and resends.",
        session: Session {
            actions: vec![
                at(1_000, Action::Crash { node: NodeId(1) }),
                at(1_001, steady_writes()),
                at(1_600, Action::SetWorkload(None)),
                at(1_700, Action::Restart { node: NodeId(1) }),
            ],
            ..Session::new(five(), 1)
        },
        captions: vec![
            caption(Cue::At(Time::from_millis(999)), "N4 leads term 1 and every log holds the same entries. N1 is about to crash."),
            caption(Cue::Next(Watch::Action), "N1 has crashed. Clients are about to write steadily, a write every 40 ms or so: each one goes through the leader, N4, and the other four servers store every entry while N1 misses them all."),
            caption(Cue::At(Time::from_millis(1_700)), "N1 restarts from its disk. Its log is far behind the leader's, and the leader does not know that yet."),
            caption(Cue::Next(Watch::AppendRejected), "{node} refused the leader's AppendEntries: it has no entry at the index just before the new ones, so accepting them would leave a hole (§5.3). Its answer says where its log ends."),
            caption(Cue::At(Time::from_millis(1_800)), "The leader backed up to where N1's log ends and sent everything it lacks in one round trip. N1's log matches the leader's again."),
        ],
    }
}

/// Lesson 5: a leader cut off in a minority cannot commit; on heal its
/// uncommitted entry is rolled back (§5.3, §5.4).
pub fn minority_partition() -> Lesson {
    let (n1, n2, n3, n4, n5) = (NodeId(1), NodeId(2), NodeId(3), NodeId(4), NodeId(5));
    let set = |value| crate::raft::Op::Set {
        key: "x".into(),
        value,
    };
    Lesson {
        slug: "minority-partition",
        title: "A leader in the minority",
        intro: "A partition leaves the leader N4 with only N5. It still believes it leads and accepts a write, but two of five servers cannot commit anything. The three on the other side elect a leader of their own and carry on. When the network heals, N4's uncommitted entry is thrown away: it was never committed, so nothing is lost. (Leader stickiness is off here, so the first server to time out on the majority side can win at once; with it on, the others would ignore it for a few more milliseconds, while they still remember N4's last heartbeat.)",
        session: Session {
            actions: vec![
                at(
                    1_000,
                    Action::Partition {
                        groups: vec![vec![n4, n5], vec![n1, n2, n3]],
                    },
                ),
                at(1_050, Action::Write { node: n4, op: set(1) }),
                at(1_800, Action::Write { node: n2, op: set(2) }),
                at(2_500, Action::Heal),
            ],
            ..Session::new(
                WorldConfig {
                    // One attempt per write, so the client does not retry
                    // x = 1 on the other side and muddle the story.
                    client: crate::sim::ClientConfig {
                        max_attempts: 1,
                        ..Default::default()
                    },
                    raft: paper_rules(),
                    ..five()
                },
                1,
            )
        },
        captions: vec![
            caption(Cue::At(Time::from_millis(999)), "N4 leads term 1 and every server holds the same log."),
            caption(Cue::Next(Watch::Action), "The network splits: N4 and N5 on one side, N1, N2 and N3 on the other. N4 does not know; it still leads term 1."),
            caption(Cue::At(Time::from_millis(1_100)), "A client wrote x = 1 through N4. N4 appended it and N5 stored it, but two of five is not a majority: the entry cannot commit."),
            caption(Cue::Next(Watch::BecameLeader), "On the majority side {node} timed out and won term {term}: three of five votes."),
            caption(Cue::Next(Watch::LeaderCommitted), "{node} commits in term {term}: the majority side makes progress without N4."),
            caption(Cue::At(Time::from_millis(1_900)), "A client wrote x = 2 through N2, and it committed. N4 still holds its uncommitted x = 1 at index 2, where the term-2 log has N2's no-op."),
            caption(Cue::Next(Watch::Action), "The network heals. Soon N4 will hear of term 2 and step down."),
            caption(Cue::Next(Watch::LogTruncated), "{node} removes its uncommitted entry: it conflicts with the log of the leader of term 2 (§5.3). It was never committed, so no client was told it happened."),
        ],
    }
}

/// Lesson 7: a deposed leader's unchecked read is stale; ReadIndex is not;
/// a lease is safe within the drift bound and stale past it (§8, thesis
/// §6.4.1).
pub fn stale_read() -> Lesson {
    let set = |value| crate::raft::Op::Set {
        key: "x".into(),
        value,
    };
    let read = |node: u8, mode| Action::Read {
        node: NodeId(node),
        key: "x".into(),
        mode,
    };
    let drift = |node: u8, drift_ppm| {
        at(
            4_339,
            Action::SetClockDrift {
                node: NodeId(node),
                drift_ppm,
            },
        )
    };
    use crate::raft::ReadMode::{LeaderNoCheck, Lease, ReadIndex};
    Lesson {
        slug: "stale-read",
        title: "Stale reads",
        intro: "A leader that has been cut off does not know it was replaced. If it answers reads from its own state, it can return a value the new leader has already overwritten. ReadIndex first checks with a majority; a lease relies on the followers' promise not to elect anyone else for a while, which holds only while clocks drift within the bound the lease was set for.",
        session: Session {
            actions: vec![
                at(900, Action::Write { node: NodeId(4), op: set(1) }),
                at(1_000, alone(4)),
                at(1_500, Action::Write { node: NodeId(2), op: set(2) }),
                at(1_600, read(4, LeaderNoCheck)),
                at(1_700, read(4, ReadIndex)),
                at(2_500, Action::Heal),
                at(
                    2_600,
                    Action::SetRaftConfig(Config {
                        check_quorum: true,
                        ..Config::default()
                    }),
                ),
                at(3_000, alone(3)),
                at(3_050, read(3, Lease)),
                at(3_200, read(3, Lease)),
                at(3_600, Action::Write { node: NodeId(1), op: set(3) }),
                at(4_000, Action::Heal),
                at(
                    4_339,
                    Action::SetNetwork(crate::sim::NetworkConfig {
                        latency_min_us: 1_000,
                        latency_max_us: 2_000,
                        ..Default::default()
                    }),
                ),
                drift(1, 450_000),
                drift(2, 450_000),
                drift(3, 450_000),
                drift(4, -450_000),
                drift(5, 450_000),
                at(4_339, alone(4)),
                at(4_469, Action::Write { node: NodeId(2), op: set(4) }),
                at(4_484, read(4, Lease)),
            ],
            ..Session::new(five(), 1)
        },
        captions: vec![
            caption(Cue::At(Time::from_millis(999)), "N4 leads term 1, and a client wrote x = 1 through it."),
            caption(Cue::Next(Watch::Action), "N4 is cut off from the others, and nothing tells it so: it still believes it leads term 1."),
            caption(Cue::At(Time::from_millis(1_599)), "The other four elected N3 in term 2, and a client's write of x = 2 committed under it."),
            caption(Cue::At(Time::from_millis(1_603)), "A client read x through N4 in 'leader without check' mode. N4 answered x = 1 from its own state: stale, because x = 2 was already committed. The linearizability checker proves it."),
            caption(Cue::At(Time::from_millis(2_380)), "A ReadIndex read sent through N4 at 1.7 s: N4 must hear from a majority that it still leads before it answers (§8), and it never could. The client's retry read x = 2 from N3: not stale."),
            caption(Cue::At(Time::from_millis(2_600)), "The network healed; N4 follows N3. CheckQuorum is on now (thesis §6.2), and Raftlab couples it with §4.2.3: a server that heard from the leader within the minimum election timeout ignores vote requests. While a majority keeps that promise no one else can win, so the leader may answer reads alone: a lease (§6.4.1)."),
            caption(Cue::At(Time::from_millis(3_053)), "N3 was just cut off. Within its lease it answered a lease read from its own state: x = 2, the latest value. Nobody else can have been elected yet."),
            caption(Cue::At(Time::from_millis(3_460)), "After its lease ran out, N3 refused the next lease read. The client's retry went to N4, elected in the meantime, and read x = 2."),
            caption(Cue::At(Time::from_millis(4_339)), "Meanwhile x = 3 was written and committed under N4. N3, cut off, campaigned up to term 6; back on the network, its term made N4 step down, and N4 won term 7. Now the clocks drift far past the 5 % the lease allows for: N4's runs 45 % slow, the others' 45 % fast, and N4 is cut off."),
            caption(Cue::At(Time::from_millis(4_500)), "The fast clocks ended the promise early: a new leader was elected and committed x = 4. N4's slow clock still shows a valid lease, so it answered x = 3: a stale read in a mode that is safe only within the drift bound."),
        ],
    }
}

/// Lesson 9: a rejoining server disrupts the cluster; with Pre-Vote it does
/// not (thesis §9.6).
pub fn pre_vote() -> Lesson {
    Lesson {
        slug: "pre-vote",
        title: "Pre-Vote",
        intro: "A server cut off from the others keeps timing out and raising its term. When it comes back, its high term makes the leader step down, although nothing was wrong. With Pre-Vote a server first asks whether it could win, without changing its term, and starts a real election only if a majority says yes.",
        session: Session {
            actions: vec![
                at(1_000, alone(5)),
                at(2_000, Action::Heal),
                at(
                    3_000,
                    Action::SetRaftConfig(Config {
                        pre_vote: true,
                        ..Config::default()
                    }),
                ),
                at(3_100, alone(1)),
                at(4_100, Action::Heal),
            ],
            ..Session::new(five(), 1)
        },
        captions: vec![
            caption(Cue::At(Time::from_millis(999)), "N4 leads term 1. N5 is about to be cut off from everyone."),
            caption(Cue::Next(Watch::Action), "N5 is cut off. It hears no heartbeats, so its timer will fire."),
            caption(Cue::Next(Watch::BecameCandidate), "{node} starts an election for term {term}. Nobody can answer, so it times out and tries again, one term higher each time."),
            caption(Cue::At(Time::from_millis(1_990)), "A second later N5 is in term 5 while the others are still in term 1."),
            caption(Cue::Next(Watch::Action), "The network heals."),
            caption(Cue::Next(Watch::BecameLeader), "N5's term 5 reached the others, so N4 stepped down and a new election followed: {node} won term {term}. A server that was only cut off disrupted a healthy cluster."),
            caption(Cue::At(Time::from_millis(3_100)), "Now Pre-Vote is on (thesis §9.6), and N1 is cut off the same way."),
            caption(Cue::At(Time::from_millis(4_090)), "N1 only asked for pre-votes: asking never changes a term, and nobody answered. N1 is still in term 6."),
            caption(Cue::Next(Watch::Action), "The network heals."),
            caption(Cue::At(Time::from_millis(4_600)), "N5 still leads term 6 and N1 follows it: with Pre-Vote the rejoining server disrupted nothing."),
        ],
    }
}

/// Lesson 10: a far-behind follower is brought up to date with
/// InstallSnapshot (§7).
pub fn snapshot_catch_up() -> Lesson {
    let n1 = NodeId(1);
    Lesson {
        slug: "snapshot-catch-up",
        title: "Log compaction",
        intro: "A log cannot grow forever. Each server replaces the applied start of its log with a snapshot of its state machine (§7). A follower that was down while the leader compacted needs entries the leader no longer has, so the leader sends its snapshot instead.",
        session: Session {
            actions: vec![
                at(1_000, Action::Crash { node: n1 }),
                at(1_001, steady_writes()),
                at(2_500, Action::SetWorkload(None)),
                at(2_600, Action::Restart { node: n1 }),
            ],
            ..Session::new(
                WorldConfig {
                    raft: Config {
                        snapshot_threshold: 10,
                        ..Config::default()
                    },
                    ..five()
                },
                1,
            )
        },
        captions: vec![
            caption(Cue::At(Time::from_millis(999)), "N4 leads term 1. Each server takes a snapshot once ten more entries are applied. N1 is about to crash."),
            caption(Cue::Next(Watch::Action), "N1 has crashed. Clients are about to write steadily, a write every 40 ms or so, each through the leader, N4: N1 will miss them all."),
            caption(Cue::Next(Watch::SnapshotTaken), "{node} compacted its log: the first entries now exist only as a snapshot of the key-value state. N1 missed most of them."),
            caption(Cue::At(Time::from_millis(2_600)), "N1 restarts with its old, short log. The entries it is missing are no longer in the leader's log."),
            caption(Cue::Next(Watch::SnapshotSent), "{node} cannot send entries it no longer has, so it sends its snapshot instead (InstallSnapshot)."),
            caption(Cue::Next(Watch::SnapshotInstalled), "{node} installed the snapshot: its state machine jumps to the leader's at the snapshot's index, and AppendEntries bring the rest."),
            caption(Cue::At(Time::from_millis(2_800)), "N1 holds the same log and state as the leader again."),
        ],
    }
}

/// Lesson 11: a learner catches up and is promoted (thesis §4.2.1, §4.1).
pub fn learner_promotion() -> Lesson {
    let write = |ms, value| {
        at(
            ms,
            Action::Write {
                node: NodeId(2),
                op: crate::raft::Op::Set {
                    key: "x".into(),
                    value,
                },
            },
        )
    };
    Lesson {
        slug: "learner-promotion",
        title: "A new server joins",
        intro: "Three voters run the cluster; N4 is a new server with an empty disk. Adding it as a voter at once would make the majority three of four while it cannot help reach one: one more failure, and nothing could commit until it caught up (thesis §4.2.1). So it joins as a learner: it receives the log but does not vote. Once it holds everything committed, the leader promotes it, one server at a time.",
        session: Session {
            actions: vec![
                write(400, 1),
                write(500, 2),
                write(600, 3),
                at(
                    1_000,
                    Action::ChangeMembership {
                        change: crate::raft::ConfChange::AddVoter(NodeId(4)),
                    },
                ),
            ],
            ..Session::new(
                WorldConfig {
                    nodes: 4,
                    voters: 3,
                    ..five()
                },
                1,
            )
        },
        captions: vec![
            caption(Cue::At(Time::from_millis(999)), "N2 leads N1, N2 and N3, and clients wrote x = 1, 2 and 3 through it. N4 has an empty disk and is not in the configuration."),
            caption(Cue::Next(Watch::ConfigChanged), "An operator asked to add N4 as a voter. {node} appended a configuration in which N4 is a learner, marked to become a voter once caught up (thesis §4.2.1)."),
            caption(Cue::Next(Watch::LeaderCommitted), "{node} committed the new configuration with N3: two of the three voters. N4 has not heard of it yet, and as a learner its acknowledgements would not count toward a majority anyway."),
            caption(Cue::Next(Watch::AppendRejected), "{node} refused the leader's first AppendEntries: its log is empty, so it has no entry at the index just before the new ones (§5.3). Its answer says where its log ends, and the leader sends it the whole log from entry 1."),
            caption(Cue::Next(Watch::VoterChanged), "N4 now holds everything committed, so {node} promoted it: N4 votes and counts toward quorums (thesis §4.1)."),
            caption(Cue::Next(Watch::LeaderCommitted), "{node} committed the promotion with N4 counted: four voters now, so a majority is three of four. Had N4 joined as a voter with an empty log, that majority would have needed it before it could help."),
        ],
    }
}

/// Lesson 6: the paper's Figure 8, where counting replicas of an entry of
/// an older term commits something a later leader overwrites (§5.4.2).
pub fn figure_8() -> Lesson {
    let raft = Config {
        faults: Faults::only(crate::raft::Fault::CommitAnyTerm),
        max_entries_per_message: 1,
        ..paper_rules()
    };
    let us = |at: u64, action: Action| TimedAction {
        at: Time(at),
        action,
    };
    let split = |a: &[u8], b: &[u8]| Action::Partition {
        groups: vec![
            a.iter().copied().map(NodeId).collect(),
            b.iter().copied().map(NodeId).collect(),
        ],
    };
    Lesson {
        slug: "figure-8",
        title: "Figure 8: committing an old term's entry",
        intro: "A leader may count replicas only for entries of its own term (§5.4.2). This lesson replays the paper's Figure 8 with the commit-any-term fault on, which lets a leader commit an entry of an older term as soon as a majority holds it. A later leader, elected legitimately, then overwrites that “committed” entry. (Leader stickiness is off, as in the paper's figure, so each election the partitions force goes through at once.)",
        session: Session {
            actions: vec![
                us(1_000_000, split(&[1, 4], &[2, 3, 5])),
                us(
                    1_000_100,
                    Action::Write {
                        node: NodeId(4),
                        op: crate::raft::Op::Set {
                            key: "x".into(),
                            value: 1,
                        },
                    },
                ),
                us(1_131_084, split(&[2], &[1, 3, 4, 5])),
                us(1_402_910, split(&[1, 4], &[2, 3, 5])),
            ],
            ..Session::new(WorldConfig { raft, ..five() }, 1)
        },
        captions: vec![
            caption(Cue::At(Time::from_millis(999)), "N4 leads term 1 and every server holds entry 1. The commit-any-term fault is on, and each message carries at most one entry, so the run can replay the paper's Figure 8 one entry at a time."),
            caption(Cue::Next(Watch::Action), "The network splits: N1 and N4 on one side, N2, N3 and N5 on the other."),
            caption(Cue::Next(Watch::Action), "A client sends x = 1 to N4. N4 will append it as entry 2 of term 1, and only N1, on its side of the split, can receive it: two of five is not a majority, so it cannot commit."),
            caption(Cue::Next(Watch::BecameLeader), "On the other side {node} wins term {term} and appends its own entry 2, of term 2…"),
            caption(Cue::Next(Watch::Action), "…but N2 is cut off from everyone before any server receives it."),
            caption(Cue::Next(Watch::BecameLeader), "N3 tried first, in term 3, but its log ends at entry 1 while N1 and N4 hold entry 2, so they refused it (§5.4.1). Then {node} won term {term}: its log is at least as up to date as N1's, N3's and N5's. It sends its entry 2, of term 1, on to the others."),
            caption(Cue::Next(Watch::LeaderCommitted), "{node} sees entry 2 on a majority and, with commit-any-term, commits it, although it is from term 1. The correct rule (§5.4.2) would wait until an entry of term 4 is on a majority too."),
            caption(Cue::Next(Watch::Action), "The network splits again, N1 and N4 from N2, N3 and N5, before N4's entry of term 4 reached a majority."),
            caption(Cue::Next(Watch::BecameLeader), "In term 5 N2 and N5 both stood and split the votes. In term {term} {node} won: its last entry is of term 2, newer than the term-1 entries of N3 and N5, so they vote for it (§5.4.1)."),
            caption(Cue::Next(Watch::LeaderCommitted), "{node} overwrites entry 2 on N3 and N5 with its own entry of term 2 and commits it: the entry N4 committed is gone, and the checker says so. With the correct rule (§5.4.2) N4 would never have committed it, and nothing committed is ever lost."),
        ],
    }
}

/// The membership lessons' run: voters N1, N2, N3 under N2, learners N4
/// and N5 caught up; the network splits N2, N4, N5 from N1, N3; the
/// operator asks N2 for all five as voters; N4 is made to campaign.
fn membership_run(raft: Config, extra: Vec<TimedAction>) -> Session {
    let learner = |n: u8| Action::ChangeMembership {
        change: crate::raft::ConfChange::AddLearner(NodeId(n)),
    };
    let mut actions = vec![
        at(500, learner(4)),
        at(700, learner(5)),
        at(
            1_000,
            Action::Partition {
                groups: vec![
                    vec![NodeId(2), NodeId(4), NodeId(5)],
                    vec![NodeId(1), NodeId(3)],
                ],
            },
        ),
        at(
            1_001,
            Action::ChangeMembership {
                change: crate::raft::ConfChange::Joint {
                    voters: (1..=5).map(NodeId).collect(),
                    learners: Default::default(),
                },
            },
        ),
        at(1_150, Action::ForceTimeout { node: NodeId(4) }),
    ];
    actions.extend(extra);
    Session {
        actions,
        ..Session::new(
            WorldConfig {
                voters: 3,
                raft,
                ..five()
            },
            1,
        )
    }
}

/// Lesson 8a: joint consensus from three voters to five (§6).
pub fn joint_consensus() -> Lesson {
    let again = Action::ChangeMembership {
        change: crate::raft::ConfChange::Joint {
            voters: (1..=5).map(NodeId).collect(),
            learners: Default::default(),
        },
    };
    Lesson {
        slug: "joint-consensus",
        title: "From three voters to five",
        intro: "Adding servers must never let two majorities decide apart. Raft moves through a joint configuration, C_old,new: while it is in force, every election and every commit needs a majority of the old voters and a majority of the new ones (§6). Here the network splits in the middle of the change, and the joint rule keeps one leader per term.",
        session: membership_run(Config::default(), vec![at(2_500, Action::Heal), at(3_000, again)]),
        captions: vec![
            caption(Cue::At(Time::from_millis(999)), "N2 leads the voters N1, N2 and N3. N4 and N5 joined as learners and hold the whole log (thesis §4.2.1)."),
            caption(Cue::Next(Watch::Action), "The network splits: N2, N4 and N5 on one side, N1 and N3 on the other."),
            caption(Cue::Next(Watch::ConfigChanged), "An operator asks for five voters. {node} appends C_old,new: a decision now needs a majority of N1, N2, N3 and one of all five (§6). The line under each server says which of the two it counts in. Only N2 holds C_old,new yet: N4 and N5 are still drawn as learners."),
            caption(Cue::Next(Watch::Action), "N4 is made to campaign. N2, N4 and N5 are a majority of the five, but only one of the old three: not enough under C_old,new, so N4 cannot win."),
            caption(Cue::Next(Watch::BecameLeader), "On the other side {node} wins term {term} with N1 and N3, a majority of the old configuration, the only one they know. Still one leader per term. The lines under the servers now follow {node}, the newest leader: it knows only C_old, so no joint majorities are shown."),
            caption(Cue::Next(Watch::Action), "The network heals. On N2's side nobody could win under C_old,new (N2, N4 and N5 hold only one of the old three), so they kept campaigning: N2 is a candidate in term 8."),
            caption(Cue::Next(Watch::ConfigChanged), "N2's term made N1 step down, but N1 and N3 refused N2 (their logs end in term 2, newer than its term 1) and N1 won term 9. C_old,new was never committed, so the leader's log wins: {node} goes back to the old configuration (§5.3)."),
            caption(Cue::Next(Watch::Action), "The operator asks again, with everyone connected."),
            caption(Cue::Next(Watch::LeaderCommitted), "{node} commits C_old,new with both majorities, then appends C_new: from then on only the five count."),
            caption(Cue::At(Time::from_millis(3_500)), "All five are voters. The change went through a joint configuration, and at no moment could two majorities decide apart."),
        ],
    }
}

/// Lesson 8b: the same change made all at once (`naive-membership`).
pub fn naive_membership() -> Lesson {
    Lesson {
        slug: "naive-membership",
        title: "Changing membership all at once",
        intro: "The same run as “From three voters to five”, with the naive-membership fault on: the leader switches straight from the old voters to the new ones, without C_old,new. For a while the old three and the new five each have a majority of their own, and each elects a leader in the same term. (Leader stickiness is off: with it on, N5 would ignore N4's campaign while it still hears from N2.)",
        session: membership_run(
            Config {
                faults: Faults::only(crate::raft::Fault::NaiveMembership),
                ..paper_rules()
            },
            vec![],
        ),
        captions: vec![
            caption(Cue::At(Time::from_millis(1_000)), "N2 leads N1, N2 and N3; N4 and N5 are caught-up learners. The network has just split N2, N4, N5 from N1, N3. The naive-membership fault is on."),
            caption(Cue::Next(Watch::ConfigChanged), "An operator asks for five voters, and {node} switches straight to them: to its side, N2, N4 and N5 are now a majority (3 of 5)."),
            caption(Cue::Next(Watch::BecameLeader), "N4 was made to campaign, and {node} wins term {term} with N2, N4 and N5: a majority of the new five."),
            caption(Cue::Next(Watch::BecameLeader), "{node} wins term {term} as well, with N1 and N3: a majority of the old three, which is all they know. Two leaders in one term: Election Safety is broken, and the checker says so."),
        ],
    }
}

/// Every lesson, in menu order.
pub fn all() -> Vec<Lesson> {
    vec![
        first_election(),
        leader_crash(),
        split_vote(),
        replication(),
        minority_partition(),
        figure_8(),
        stale_read(),
        joint_consensus(),
        naive_membership(),
        pre_vote(),
        snapshot_catch_up(),
        learner_promotion(),
        volatile_vote(),
    ]
}

/// The lesson whose slug is `slug`, as links name it.
pub fn by_slug(slug: &str) -> Option<Lesson> {
    all().into_iter().find(|l| l.slug == slug)
}

#[cfg(test)]
mod tests;
