//! One Raft server as a deterministic, sans-IO state machine.

use super::client::{Answer, ClientReply, NoLeaseReason, ReadMode, Refusal, RequestId, Uncertain};
use super::config::{Config, Fault};
use super::event::{Event, FollowReason, Rule, VoteRefusal};
use super::kv::{Command, KvStore};
use super::log::{Log, Payload, PersistentState};
use super::membership::{ConfChange, Configuration};
use super::message::{AppendRejection, Envelope, Message};
use super::regression::Regression;
use super::time::{LogIndex, NodeId, Term, Time};
use crate::rng::Rng;
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

mod election;
mod membership;
mod peer_map;
mod reads;
mod replication;

use peer_map::PeerMap;

/// A node's role (§5.1, thesis §9.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Answers leaders and candidates.
    Follower,
    /// Asks for pre-votes before disrupting the cluster (thesis §9.6).
    PreCandidate,
    /// Asks for votes in a new term.
    Candidate,
    /// Handles clients and replicates the log.
    Leader,
}

impl Role {
    /// The role in words: `follower`, `pre-candidate`, `candidate`, `leader`.
    pub fn label(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// What the leader knows about one follower's log (Figure 2: nextIndex,
/// matchIndex), plus the newest heartbeat round it answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The next index to send.
    pub next: LogIndex,
    /// The highest index known to be stored on the follower.
    pub matched: LogIndex,
    /// The newest heartbeat round the follower acknowledged in this term.
    pub acked_round: u64,
    /// The snapshot index in flight to the follower, if any.
    pub snapshot_in_flight: Option<LogIndex>,
}

/// A read waiting to be answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRead {
    /// The client's request.
    pub request: RequestId,
    /// The key read.
    pub key: String,
    /// How it is served.
    pub mode: ReadMode,
    /// The commit index recorded for it; `None` until the leader has
    /// committed an entry of its term (§8).
    pub read_index: Option<LogIndex>,
    /// The heartbeat round that must be acknowledged by a quorum before the
    /// read is answered (ReadIndex only).
    pub round: Option<u64>,
}

/// How a node campaigns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Campaign {
    /// Ask for pre-votes first (thesis §9.6).
    PreVote,
    /// A real election in a new term (§5.2).
    Election,
    /// A real election ordered by the leader's TimeoutNow (thesis §3.10).
    Transfer,
}

/// A leadership hand-over in progress (thesis §3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Transfer {
    target: NodeId,
    deadline: Time,
    timeout_now_sent: bool,
}

/// One Raft server.
///
/// Its inputs and outputs are here; the rules behind them live beside this
/// file, one concern each: `election` (votes, roles, the promise behind
/// stickiness and leases, transfer), `replication` (AppendEntries,
/// snapshots, the commit rule), `reads` (client writes and reads) and
/// `membership` (configuration changes).
///
/// The node never reads a clock, never does IO and never draws global
/// randomness: a driver feeds it inputs and drains its outputs.
///
/// # Call order
///
/// 1. Create it with [`Node::new`] from its persistent state (a bootstrap
///    configuration, a blank disk, or what survived a crash).
/// 2. Feed inputs, each with the current time of the node's own clock (which
///    must never go backwards): [`Node::handle_message`] when a message
///    arrives, [`Node::handle_timeout`] when the deadline from
///    [`Node::poll_timeout`] is reached, and client or operator requests
///    ([`Node::propose`], [`Node::read`], [`Node::change_membership`],
///    [`Node::transfer_leadership`]).
/// 3. After every input, drain all outputs: [`Node::poll_message`] until
///    `None` (deliver each to its `to`), [`Node::poll_reply`] (answers to
///    clients), [`Node::poll_event`] (what happened and why), and re-read
///    [`Node::poll_timeout`], which may have moved.
/// 4. Persistence: when an input returns, [`Node::persistent_state`] is what
///    a real server would have flushed to disk before sending any message. To
///    simulate a crash, keep a clone of it, drop the node, and later create a
///    new one from the clone.
#[derive(Clone, Debug)]
pub struct Node {
    id: NodeId,
    config: Config,
    rng: Rng,
    disk: PersistentState,

    role: Role,
    leader: Option<NodeId>,
    commit: LogIndex,
    applied: LogIndex,
    kv: KvStore,
    membership: Configuration,
    membership_index: LogIndex,

    election_deadline: Time,
    heartbeat_deadline: Time,
    votes: SortedMap<NodeId, bool>,
    progress: PeerMap<Progress>,
    term_start_index: LogIndex,
    round: u64,
    round_sent_at: VecDeque<(u64, Time)>,
    quorum_round: u64,
    quorum_contact_at: Time,
    lease_until: Time,
    /// Only heartbeat rounds from this one on count toward a lease: earlier
    /// ones were acknowledged under settings that did not make them safe.
    lease_min_round: u64,
    /// The settings a lease relies on changed, and no quorum has yet
    /// acknowledged a round sent under the new ones.
    lease_settings_changed: bool,
    /// A leadership transfer began in this term: its target is elected
    /// without waiting for anyone's promise, so no lease for the rest of it.
    lease_transferred: bool,
    /// The leader this node last acknowledged and when, on its own clock (as
    /// leader: itself, and when a quorum last acknowledged it). Until a
    /// minimum election timeout after that, with CheckQuorum, the node helps
    /// elect no one else (thesis §4.2.3): the promise every lease rests on
    /// (thesis §6.4.1). It outlives changes of term and of role.
    promise: Option<(NodeId, Time)>,
    votes_blocked_until: Time,
    pending_writes: SortedMap<LogIndex, (RequestId, Term)>,
    pending_reads: Vec<PendingRead>,
    transfer: Option<Transfer>,
    last_deferred_commit: LogIndex,

    now: Time,
    out_messages: VecDeque<Envelope>,
    out_replies: VecDeque<ClientReply>,
    out_events: VecDeque<Event>,
}

impl Node {
    /// Starts a node from its persistent state at time `now` of its clock.
    /// Everything volatile starts fresh: a follower with no leader, commit
    /// index at the snapshot, the state machine rebuilt from the snapshot.
    /// `seed` feeds the node's election-timeout randomness.
    pub fn new(
        id: NodeId,
        config: Config,
        mut disk: PersistentState,
        seed: u64,
        now: Time,
    ) -> Node {
        let mut lost_vote = false;
        if config.faults.volatile_vote {
            // Teaching fault: term and vote were never written to disk; the
            // best a restart can do is the last term in its log.
            let term = disk.log.last_term();
            lost_vote = disk.term != term || disk.voted_for.is_some();
            disk.term = term;
            disk.voted_for = None;
        }
        let snapshot = disk.log.snapshot();
        let commit = snapshot.last_index;
        let kv = snapshot.kv.clone();
        let (membership_index, membership) = {
            let (i, c) = disk.log.latest_config();
            (i, c.clone())
        };
        let votes_blocked_until = if config.check_quorum {
            now.plus(config.election_timeout_min_us)
        } else {
            Time::ZERO
        };
        let mut node = Node {
            id,
            rng: Rng::new(seed),
            disk,
            role: Role::Follower,
            leader: None,
            commit,
            applied: commit,
            kv,
            membership,
            membership_index,
            election_deadline: Time::NEVER,
            heartbeat_deadline: Time::NEVER,
            votes: SortedMap::new(),
            progress: PeerMap::default(),
            term_start_index: LogIndex::MAX,
            round: 0,
            round_sent_at: VecDeque::new(),
            quorum_round: 0,
            quorum_contact_at: now,
            lease_until: Time::ZERO,
            lease_min_round: 0,
            lease_settings_changed: false,
            lease_transferred: false,
            promise: None,
            // After a restart the node cannot know whether it recently
            // acknowledged a leader whose lease is still running, so with
            // CheckQuorum it refuses votes for one minimum election timeout.
            votes_blocked_until,
            pending_writes: SortedMap::new(),
            pending_reads: Vec::new(),
            transfer: None,
            last_deferred_commit: 0,
            now,
            out_messages: VecDeque::new(),
            out_replies: VecDeque::new(),
            out_events: VecDeque::new(),
            config,
        };
        node.reset_election_timer();
        let term = node.disk.term;
        let last_index = node.disk.log.last_index();
        node.emit(Event::Started {
            term,
            last_index,
            lost_vote,
        });
        node
    }

    // ----- getters -------------------------------------------------------

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// The node's settings.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// Current role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// Current term (persistent).
    pub fn term(&self) -> Term {
        self.disk.term
    }
    /// Whom it voted for in the current term (persistent).
    pub fn voted_for(&self) -> Option<NodeId> {
        self.disk.voted_for
    }
    /// Who it believes leads the current term.
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }
    /// The log (with its snapshot).
    pub fn log(&self) -> &Log {
        &self.disk.log
    }
    /// Index of the last log entry.
    pub fn last_index(&self) -> LogIndex {
        self.disk.log.last_index()
    }
    /// Highest index known to be committed.
    pub fn commit_index(&self) -> LogIndex {
        self.commit
    }
    /// Highest index applied to the state machine.
    pub fn last_applied(&self) -> LogIndex {
        self.applied
    }
    /// The state machine.
    pub fn kv(&self) -> &KvStore {
        &self.kv
    }
    /// The configuration in effect (the latest one in the log, §6).
    pub fn membership(&self) -> &Configuration {
        &self.membership
    }
    /// The index of the entry that holds the configuration in effect.
    pub fn membership_index(&self) -> LogIndex {
        self.membership_index
    }
    /// The leader's view of a follower's log; `None` unless leading.
    pub fn progress(&self, peer: NodeId) -> Option<&Progress> {
        self.progress.get(&peer)
    }
    /// Reads waiting for confirmation or for the state machine.
    pub fn pending_reads(&self) -> &[PendingRead] {
        &self.pending_reads
    }
    /// Writes appended by this leader and not yet answered, by index.
    pub fn pending_write_count(&self) -> usize {
        self.pending_writes.len()
    }
    /// When the leader's lease ends on its clock ([`Time::ZERO`]: no valid
    /// lease).
    pub fn lease_until(&self) -> Time {
        if self.lease_status().is_ok() {
            self.lease_until
        } else {
            Time::ZERO
        }
    }
    /// Until when the leader's lease runs on its clock, or why it holds
    /// none, as of its last input: what [`Node::lease_until`] says, with the
    /// reason a lease read would be refused, for the inspector.
    pub fn lease(&self) -> Result<Time, NoLeaseReason> {
        self.lease_status().map(|()| self.lease_until)
    }
    /// The leader this node last acknowledged and when, on its clock (a
    /// leader names itself and its last quorum contact). With CheckQuorum it
    /// helps elect no one else until a minimum election timeout after that.
    pub fn promise(&self) -> Option<(NodeId, Time)> {
        self.promise
    }
    /// When the election timer fires ([`Time::NEVER`] for a leader).
    pub fn election_deadline(&self) -> Time {
        self.election_deadline
    }
    /// When the leader sends its next heartbeat ([`Time::NEVER`] otherwise).
    pub fn heartbeat_deadline(&self) -> Time {
        self.heartbeat_deadline
    }
    /// The target of a leadership transfer in progress.
    pub fn transfer_target(&self) -> Option<NodeId> {
        self.transfer.map(|t| t.target)
    }
    /// What survives a crash.
    pub fn persistent_state(&self) -> &PersistentState {
        &self.disk
    }
    /// The last time this node was given.
    pub fn now(&self) -> Time {
        self.now
    }
    /// Whether this node may start elections: it is a voter in its latest
    /// configuration, or that configuration is not known to be committed
    /// and it was a voter in the configuration just before it (thesis §4.1,
    /// §4.2.2: a leader that removed itself and stepped down before C_new
    /// committed may hold the only log that can finish the change, so it
    /// must still be able to win). A candidate counts votes by its latest
    /// configuration only, so a server outside it cannot count its own: it
    /// wins only with a quorum of C_new, as any other candidate would, and
    /// steps down once it has committed C_new. Learners, and servers that
    /// know their removal is committed, never campaign.
    pub fn is_promotable(&self) -> bool {
        if self.membership.is_voter(self.id) {
            return true;
        }
        self.membership_index > self.commit
            && !self
                .config
                .reinjected(Regression::LatestConfigGatesCampaign)
            && self
                .disk
                .log
                .config_at(self.membership_index - 1)
                .1
                .is_voter(self.id)
    }

    // ----- outputs -------------------------------------------------------

    /// The next message to send.
    pub fn poll_message(&mut self) -> Option<Envelope> {
        self.out_messages.pop_front()
    }
    /// The next answer to a client.
    pub fn poll_reply(&mut self) -> Option<ClientReply> {
        self.out_replies.pop_front()
    }
    /// The next thing that happened.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.out_events.pop_front()
    }
    /// When [`Node::handle_timeout`] must next be called, on this node's clock.
    pub fn poll_timeout(&self) -> Time {
        let mut t = self.election_deadline.min(self.heartbeat_deadline);
        if let Some(tr) = &self.transfer {
            t = t.min(tr.deadline);
        }
        t
    }

    // ----- inputs: time --------------------------------------------------

    /// Timers: an election timeout starts an election (§5.2) or a pre-vote
    /// (thesis §9.6); a leader's heartbeat timer sends a heartbeat round and,
    /// with CheckQuorum, steps down if no quorum answered lately.
    pub fn handle_timeout(&mut self, now: Time) {
        self.advance(now);
        if self.role == Role::Leader {
            if let Some(tr) = self.transfer {
                if now >= tr.deadline {
                    self.transfer = None;
                    self.emit(Event::TransferAborted { target: tr.target });
                }
            }
            if now >= self.heartbeat_deadline {
                if self.config.check_quorum
                    && now.since(self.quorum_contact_at) >= self.config.election_timeout_max_us
                {
                    self.emit(Event::QuorumLost);
                    let term = self.disk.term;
                    self.become_follower(term, None, FollowReason::LostQuorum);
                    return;
                }
                self.broadcast_round();
            }
        } else if now >= self.election_deadline {
            if !self.is_promotable() {
                // Not a voter here: wait quietly to be contacted.
                self.reset_election_timer();
                return;
            }
            self.election_timeout_fired(false);
        }
    }

    /// An operator makes the election timer fire now (a teaching control).
    /// Leaders and non-voters ignore it. With CheckQuorum, a node that
    /// acknowledged a leader less than a minimum election timeout ago keeps
    /// its promise (thesis §4.2.3): its timer fires when the promise ends.
    pub fn force_election_timeout(&mut self, now: Time) {
        self.advance(now);
        if self.role == Role::Leader || !self.is_promotable() {
            return;
        }
        match self.promised_until() {
            Some((leader, until)) => {
                self.election_deadline = self.election_deadline.min(until);
                self.emit(Event::CampaignDeferred { leader, until });
            }
            None => self.election_timeout_fired(true),
        }
    }

    /// Replaces the node's settings (an operator switches a feature or a
    /// teaching fault). Timers already set keep their deadlines. Invalid
    /// settings are refused and change nothing.
    pub fn reconfigure(&mut self, config: Config) -> Result<(), super::config::ConfigError> {
        config.validate()?;
        if !config.check_quorum {
            self.votes_blocked_until = Time::ZERO;
        }
        if self.config.lease_terms_differ(&config) {
            // Acknowledgements collected under the old settings were not
            // backed by the promises the new ones need: start the lease over.
            self.lease_until = Time::ZERO;
            self.lease_min_round = self.round + 1;
            self.lease_settings_changed = true;
        }
        self.config = config;
        Ok(())
    }

    // ----- inputs: messages ----------------------------------------------

    /// A message from `from` arrived.
    pub fn handle_message(&mut self, now: Time, from: NodeId, message: Message) {
        self.advance(now);
        let term = message.term();
        if term > self.disk.term {
            match &message {
                Message::RequestVote {
                    pre_vote, transfer, ..
                } => {
                    if let Some(leader) = self.leader_alive(*pre_vote, *transfer) {
                        // Thesis §4.2.3: ignore a disruptive request entirely,
                        // without adopting its term.
                        let reply_term = self.disk.term;
                        self.emit(Event::VoteRefused {
                            candidate: from,
                            term,
                            pre_vote: *pre_vote,
                            reason: VoteRefusal::LeaderAlive { leader },
                        });
                        self.send(
                            from,
                            Message::VoteResponse {
                                term: reply_term,
                                granted: false,
                                pre_vote: *pre_vote,
                            },
                        );
                        return;
                    }
                    if !*pre_vote {
                        self.adopt_term(term, from, None);
                    }
                }
                Message::VoteResponse {
                    pre_vote: true,
                    granted: true,
                    ..
                } => {}
                Message::AppendEntries { .. }
                | Message::InstallSnapshot { .. }
                | Message::TimeoutNow { .. } => {
                    self.adopt_term(term, from, Some(from));
                }
                Message::AppendResponse { .. } | Message::SnapshotResponse { .. }
                    if self.role == Role::Leader && !self.membership.is_member(from) =>
                {
                    // A server this leader's configuration no longer
                    // includes (it is only being told of its removal)
                    // answered from a newer term: it campaigned alone. Its
                    // term must not depose the leader of the servers that
                    // remain; dropping a message is always safe.
                    return;
                }
                _ => self.adopt_term(term, from, None),
            }
        } else if term < self.disk.term {
            self.answer_stale(from, &message);
            return;
        }
        match message {
            Message::RequestVote {
                term,
                last_log_index,
                last_log_term,
                pre_vote,
                transfer,
            } => self.handle_request_vote(
                from,
                term,
                last_log_index,
                last_log_term,
                pre_vote,
                transfer,
            ),
            Message::VoteResponse {
                term,
                granted,
                pre_vote,
            } => self.handle_vote_response(from, term, granted, pre_vote),
            Message::AppendEntries {
                prev_index,
                prev_term,
                entries,
                leader_commit,
                round,
                founding_config,
                ..
            } => {
                if let Some(founding) = founding_config.filter(|_| prev_index == 0) {
                    self.relearn_founding_config(*founding);
                }
                self.handle_append_entries(
                    from,
                    prev_index,
                    prev_term,
                    entries,
                    leader_commit,
                    round,
                )
            }
            Message::AppendResponse {
                success,
                match_index,
                prev_index,
                rejection,
                round,
                ..
            } => self.handle_append_response(
                from,
                success,
                match_index,
                prev_index,
                rejection,
                round,
            ),
            Message::InstallSnapshot {
                snapshot, round, ..
            } => self.handle_install_snapshot(from, *snapshot, round),
            Message::SnapshotResponse {
                last_index, round, ..
            } => self.handle_snapshot_response(from, last_index, round),
            Message::TimeoutNow { .. } => {
                if self.role != Role::Leader && self.is_promotable() {
                    self.start_election(Campaign::Transfer);
                }
            }
        }
    }

    /// A message from an older term: refuse it and tell the sender our term
    /// so a deposed leader or candidate steps down (§5.1).
    fn answer_stale(&mut self, from: NodeId, message: &Message) {
        let ours = self.disk.term;
        match message {
            Message::AppendEntries {
                prev_index,
                prev_term,
                ..
            } => {
                self.emit(Event::AppendRejected {
                    leader: from,
                    prev_index: *prev_index,
                    prev_term: *prev_term,
                    rejection: AppendRejection::StaleTerm,
                });
                self.send(
                    from,
                    Message::AppendResponse {
                        term: ours,
                        success: false,
                        match_index: 0,
                        prev_index: *prev_index,
                        rejection: Some(AppendRejection::StaleTerm),
                        round: 0,
                    },
                );
            }
            Message::InstallSnapshot { term, .. } => {
                self.emit(Event::SnapshotRejected {
                    leader: from,
                    term: *term,
                });
                self.send(
                    from,
                    Message::AppendResponse {
                        term: ours,
                        success: false,
                        match_index: 0,
                        prev_index: 0,
                        rejection: Some(AppendRejection::StaleTerm),
                        round: 0,
                    },
                );
            }
            Message::RequestVote { term, pre_vote, .. } => {
                self.emit(Event::VoteRefused {
                    candidate: from,
                    term: *term,
                    pre_vote: *pre_vote,
                    reason: VoteRefusal::StaleTerm { ours },
                });
                self.send(
                    from,
                    Message::VoteResponse {
                        term: ours,
                        granted: false,
                        pre_vote: *pre_vote,
                    },
                );
            }
            _ => {}
        }
    }

    // ----- plumbing ------------------------------------------------------

    fn advance(&mut self, now: Time) {
        self.now = self.now.max(now);
    }

    fn send(&mut self, to: NodeId, message: Message) {
        self.out_messages.push_back(Envelope {
            from: self.id,
            to,
            message,
        });
    }

    fn emit(&mut self, event: Event) {
        self.out_events.push_back(event);
    }
}
