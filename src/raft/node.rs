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
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

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
    votes: BTreeMap<NodeId, bool>,
    progress: BTreeMap<NodeId, Progress>,
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
    pending_writes: BTreeMap<LogIndex, (RequestId, Term)>,
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
            votes: BTreeMap::new(),
            progress: BTreeMap::new(),
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
            pending_writes: BTreeMap::new(),
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

    fn handle_request_vote(
        &mut self,
        from: NodeId,
        term: Term,
        last_index: LogIndex,
        last_term: Term,
        pre_vote: bool,
        transfer: bool,
    ) {
        let ours = self.disk.term;
        let log_ok = self.disk.log.is_up_to_date(last_term, last_index);
        let restriction_rule = if self.config.faults.no_election_restriction {
            Rule::Fault(Fault::NoElectionRestriction)
        } else {
            Rule::Election
        };
        let never_joined = self.disk.log.last_index() == 0 && self.membership.voters.is_empty();
        let refusal = if never_joined {
            Some(VoteRefusal::NeverJoined)
        } else if pre_vote {
            if term <= ours {
                Some(VoteRefusal::StaleTerm { ours })
            } else {
                self.leader_alive(true, transfer)
                    .map(|leader| VoteRefusal::LeaderAlive { leader })
            }
        } else {
            match self.disk.voted_for {
                Some(v) if v != from => Some(VoteRefusal::AlreadyVoted { for_node: v }),
                Some(_) => None,
                // The promise holds at any term: a node may have learned the
                // candidate's term from another message, such as the answer
                // to a long-delayed one, before its vote request arrives.
                None => self
                    .leader_alive(false, transfer)
                    .filter(|leader| *leader != Some(from))
                    .map(|leader| VoteRefusal::LeaderAlive { leader })
                    .or_else(|| {
                        // This term already has a leader: no one else can
                        // win it (§5.2), and a server that lost its disk
                        // must not vote a second time in it.
                        self.leader
                            .filter(|leader| *leader != from)
                            .map(|leader| VoteRefusal::FollowsLeader { leader })
                    }),
            }
        };
        let refusal = refusal.or_else(|| {
            (!log_ok && !self.config.faults.no_election_restriction).then(|| {
                VoteRefusal::LogNotUpToDate {
                    their_last_term: last_term,
                    their_last_index: last_index,
                    our_last_term: self.disk.log.last_term(),
                    our_last_index: self.disk.log.last_index(),
                }
            })
        });
        match refusal {
            Some(reason) => {
                self.emit(Event::VoteRefused {
                    candidate: from,
                    term,
                    pre_vote,
                    reason,
                });
                self.send(
                    from,
                    Message::VoteResponse {
                        term: ours,
                        granted: false,
                        pre_vote,
                    },
                );
            }
            None => {
                let rule = if !log_ok {
                    restriction_rule
                } else if pre_vote {
                    Rule::PreVote
                } else {
                    Rule::Election
                };
                if !pre_vote {
                    self.disk.voted_for = Some(from);
                    self.reset_election_timer();
                }
                self.emit(Event::VoteGranted {
                    candidate: from,
                    term,
                    pre_vote,
                    rule,
                });
                self.send(
                    from,
                    Message::VoteResponse {
                        term,
                        granted: true,
                        pre_vote,
                    },
                );
            }
        }
    }

    /// A node whose log starts at index 0 with no configuration (a blank
    /// disk) takes the founding configuration the leader sent with entries
    /// from index 0. A node that has one keeps it: every founding member
    /// starts from the same one, and a later configuration is in the log.
    fn relearn_founding_config(&mut self, founding: Configuration) {
        if self.disk.log.snapshot().last_index != 0
            || !self.disk.log.snapshot().config.members().is_empty()
            || founding.voters.is_empty()
        {
            return;
        }
        self.disk.log.set_founding_config(founding);
        self.refresh_membership(Some(Rule::LogReplication));
    }

    fn handle_vote_response(&mut self, from: NodeId, term: Term, granted: bool, pre_vote: bool) {
        let expected = if pre_vote {
            self.role == Role::PreCandidate && term == self.disk.term + 1
        } else {
            self.role == Role::Candidate && term == self.disk.term
        };
        if !expected {
            return;
        }
        self.votes.insert(from, granted);
        if self.has_vote_quorum() {
            if pre_vote {
                self.start_election(Campaign::Election);
            } else {
                self.become_leader();
            }
        }
    }

    fn has_vote_quorum(&self) -> bool {
        let yes: BTreeSet<NodeId> = self
            .votes
            .iter()
            .filter(|(_, g)| **g)
            .map(|(id, _)| *id)
            .collect();
        self.membership.has_quorum(&yes)
    }

    fn handle_append_entries(
        &mut self,
        leader: NodeId,
        prev_index: LogIndex,
        prev_term: Term,
        entries: Vec<super::log::Entry>,
        leader_commit: LogIndex,
        round: u64,
    ) {
        let term = self.disk.term;
        if !self.accept_leader(leader) {
            return;
        }
        let snap_index = self.disk.log.snapshot().last_index;
        // Entries at or below our snapshot are committed and already here.
        let (prev_index, prev_term, entries) = if prev_index < snap_index {
            let rest: Vec<_> = entries
                .into_iter()
                .filter(|e| e.index > snap_index)
                .collect();
            (snap_index, self.disk.log.snapshot().last_term, rest)
        } else {
            (prev_index, prev_term, entries)
        };
        let reply = |node: &mut Node,
                     success: bool,
                     match_index: LogIndex,
                     rejection: Option<AppendRejection>| {
            node.send(
                leader,
                Message::AppendResponse {
                    term,
                    success,
                    match_index,
                    prev_index,
                    rejection,
                    round,
                },
            );
        };
        match self.disk.log.term_at(prev_index) {
            None => {
                let rejection = AppendRejection::LogTooShort {
                    last_index: self.disk.log.last_index(),
                };
                self.emit(Event::AppendRejected {
                    leader,
                    prev_index,
                    prev_term,
                    rejection,
                });
                reply(self, false, 0, Some(rejection));
                return;
            }
            Some(t) if t != prev_term => {
                let rejection = AppendRejection::TermMismatch {
                    term: t,
                    first_index_of_term: self.disk.log.first_index_of_term_run(prev_index),
                };
                self.emit(Event::AppendRejected {
                    leader,
                    prev_index,
                    prev_term,
                    rejection,
                });
                reply(self, false, 0, Some(rejection));
                return;
            }
            Some(_) => {}
        }
        let last_new = prev_index + entries.len() as u64;
        let mut appended: Option<(LogIndex, LogIndex)> = None;
        for (i, entry) in entries.iter().enumerate() {
            match self.disk.log.term_at(entry.index) {
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    let removed = self.disk.log.truncate_from(entry.index);
                    let committed = entry.index <= self.commit;
                    self.emit(Event::LogTruncated {
                        from_index: entry.index,
                        removed,
                        leader,
                        committed,
                    });
                    self.refresh_membership(Some(Rule::ConsistencyCheck));
                }
                None => {}
            }
            for e in &entries[i..] {
                self.disk.log.append(e.term, e.payload.clone());
            }
            appended = Some((entry.index, last_new));
            break;
        }
        if let Some((first, last)) = appended {
            self.emit(Event::EntriesAppended {
                leader,
                first,
                last,
            });
            self.refresh_membership(None);
        }
        if leader_commit > self.commit {
            let new_commit = leader_commit.min(last_new);
            if new_commit > self.commit {
                self.commit = new_commit;
                let t = self.disk.log.term_at(new_commit).unwrap_or(0);
                self.emit(Event::Committed {
                    index: new_commit,
                    term: t,
                    quorum: Vec::new(),
                    rule: Rule::LogReplication,
                });
                self.apply_committed();
            }
        }
        reply(self, true, last_new, None);
    }

    fn handle_append_response(
        &mut self,
        from: NodeId,
        success: bool,
        match_index: LogIndex,
        prev_index: LogIndex,
        rejection: Option<AppendRejection>,
        round: u64,
    ) {
        if self.role != Role::Leader {
            return;
        }
        let Some(pr) = self.progress.get_mut(&from) else {
            return;
        };
        // An answer to a round newer than any it answered before: a copy or
        // a late answer from an older round says nothing about its log now.
        let newest = round > pr.acked_round;
        pr.acked_round = pr.acked_round.max(round);
        let shorter = match rejection {
            Some(AppendRejection::LogTooShort { last_index }) if last_index < pr.matched => {
                Some(last_index)
            }
            _ => None,
        };
        if let Some(last_index) = shorter
            .filter(|_| newest && !self.config.reinjected(Regression::ProbeIgnoresShorterLog))
        {
            // The follower holds less than it acknowledged: it lost its disk
            // and restarted blank, and what it acknowledged is gone, so it
            // must no longer count toward a commit. Replicate again from
            // what it has (Figure 2: on a rejection, back up and retry).
            // (A rejection the network delayed past a later success looks
            // the same; starting over is then a few entries resent: lowering
            // `matched` only ever makes the leader count less.)
            pr.matched = last_index;
            pr.next = last_index + 1;
            pr.snapshot_in_flight = None;
            self.send_append(from);
        } else if success {
            if match_index > pr.matched {
                pr.matched = match_index;
            }
            pr.next = pr.next.max(pr.matched + 1);
        } else if prev_index >= pr.matched {
            let hint = match rejection {
                Some(AppendRejection::LogTooShort { last_index }) => last_index + 1,
                Some(AppendRejection::TermMismatch {
                    term,
                    first_index_of_term,
                }) => match self.disk.log.last_index_of_term(term) {
                    Some(i) => i + 1,
                    None => first_index_of_term,
                },
                _ => pr.next,
            };
            pr.next = hint.min(prev_index).max(pr.matched + 1);
            self.send_append(from);
        }
        self.after_ack();
        if success {
            self.maybe_commit();
            self.continue_replication(from);
        }
    }

    fn handle_install_snapshot(
        &mut self,
        leader: NodeId,
        snapshot: super::log::Snapshot,
        round: u64,
    ) {
        let term = self.disk.term;
        if !self.accept_leader(leader) {
            return;
        }
        let last_index = snapshot.last_index;
        if last_index > self.commit {
            let last_term = snapshot.last_term;
            self.kv = snapshot.kv.clone();
            self.disk.log.install_snapshot(snapshot);
            self.commit = last_index;
            self.applied = last_index;
            self.emit(Event::SnapshotInstalled {
                leader,
                last_index,
                last_term,
            });
            self.refresh_membership(Some(Rule::Snapshot));
        }
        self.send(
            leader,
            Message::SnapshotResponse {
                term,
                last_index,
                round,
            },
        );
    }

    fn handle_snapshot_response(&mut self, from: NodeId, last_index: LogIndex, round: u64) {
        if self.role != Role::Leader {
            return;
        }
        let Some(pr) = self.progress.get_mut(&from) else {
            return;
        };
        pr.acked_round = pr.acked_round.max(round);
        pr.matched = pr.matched.max(last_index);
        pr.next = pr.next.max(pr.matched + 1);
        pr.snapshot_in_flight = None;
        self.after_ack();
        self.maybe_commit();
        self.continue_replication(from);
    }

    // ----- inputs: clients and operators ---------------------------------

    /// A client asks to write. Only the leader accepts; the answer arrives
    /// through [`Node::poll_reply`] once the entry is applied (§5.3, §8).
    pub fn propose(&mut self, now: Time, request: RequestId, command: Command) {
        self.advance(now);
        if let Err(reason) = self.check_can_propose() {
            self.refuse(request, reason);
            return;
        }
        let index = self.leader_append(Payload::Command(command));
        self.pending_writes.insert(index, (request, self.disk.term));
        self.replicate_to_all();
        self.maybe_commit();
    }

    fn check_can_propose(&self) -> Result<(), Refusal> {
        if self.role != Role::Leader {
            return Err(Refusal::NotLeader {
                leader_hint: self.leader,
            });
        }
        if self.transfer.is_some() {
            return Err(Refusal::TransferInProgress);
        }
        Ok(())
    }

    /// A client asks to read `key` in `mode`. The answer arrives through
    /// [`Node::poll_reply`], at once or after confirmation (§8, thesis §6.4).
    pub fn read(&mut self, now: Time, request: RequestId, key: String, mode: ReadMode) {
        self.advance(now);
        match mode {
            ReadMode::LocalAnyNode => {
                self.serve_read(request, key, mode, self.applied, Rule::UnsafeRead)
            }
            ReadMode::LeaderNoCheck => {
                if self.role == Role::Leader {
                    self.serve_read(request, key, mode, self.applied, Rule::UnsafeRead);
                } else {
                    self.refuse(
                        request,
                        Refusal::NotLeader {
                            leader_hint: self.leader,
                        },
                    );
                }
            }
            ReadMode::ReadIndex | ReadMode::Lease => {
                if self.role != Role::Leader {
                    self.refuse(
                        request,
                        Refusal::NotLeader {
                            leader_hint: self.leader,
                        },
                    );
                    return;
                }
                if self.config.faults.stale_local_read {
                    self.serve_read(
                        request,
                        key,
                        mode,
                        self.applied,
                        Rule::Fault(Fault::StaleLocalRead),
                    );
                    return;
                }
                if mode == ReadMode::Lease {
                    if let Err(reason) = self.lease_settings_allow() {
                        self.refuse(request, Refusal::NoLease { reason });
                        return;
                    }
                }
                self.pending_reads.push(PendingRead {
                    request,
                    key,
                    mode,
                    read_index: None,
                    round: None,
                });
                self.fix_read_indexes();
                self.serve_ready_reads();
            }
        }
    }

    /// An operator asks for a membership change. Returns the index of the
    /// configuration entry appended (§6, thesis §4.1). Every accepted change
    /// appends one, so the request is replicated and survives a change of
    /// leader; a refused one changes nothing.
    pub fn change_membership(
        &mut self,
        now: Time,
        change: ConfChange,
    ) -> Result<LogIndex, Refusal> {
        self.advance(now);
        self.check_can_propose()?;
        let naive = self.config.faults.naive_membership;
        if self.membership_index > self.commit || self.membership.is_joint() {
            return Err(Refusal::ConfigChangePending);
        }
        if !self.committed_in_term() {
            return Err(Refusal::NoCommitInTerm);
        }
        let current = self.membership.clone();
        let mut next = current.clone();
        match &change {
            ConfChange::AddLearner(id) => {
                if current.is_member(*id) {
                    return Err(Refusal::AlreadyMember(*id));
                }
                next.learners.insert(*id);
            }
            ConfChange::PromoteLearner(id) => {
                if !current.is_learner(*id) {
                    return Err(Refusal::NotAMember(*id));
                }
                if !self.caught_up(*id) {
                    return Err(Refusal::NotCaughtUp(*id));
                }
                next.promote(*id);
            }
            ConfChange::AddVoter(id) => {
                if current.is_voter(*id) {
                    return Err(Refusal::AlreadyMember(*id));
                }
                if current.promoting.contains(id) {
                    return Err(Refusal::AlreadyPromoting(*id));
                }
                if current.is_learner(*id) && self.caught_up(*id) {
                    next.promote(*id);
                } else {
                    // It catches up as a learner first. The request is part
                    // of the replicated configuration, so whichever server
                    // leads when it has caught up promotes it.
                    next.learners.insert(*id);
                    next.promoting.insert(*id);
                }
            }
            ConfChange::Remove(id) => {
                if !current.is_member(*id) {
                    return Err(Refusal::NotAMember(*id));
                }
                next.voters.remove(id);
                next.learners.remove(id);
                next.promoting.remove(id);
                if next.voters.is_empty() {
                    return Err(Refusal::NoVotersLeft);
                }
            }
            ConfChange::Joint { voters, learners } => {
                if voters.is_empty() {
                    return Err(Refusal::NoVotersLeft);
                }
                let learners: BTreeSet<NodeId> = learners.difference(voters).copied().collect();
                if *voters == current.voters && learners == current.learners {
                    return Err(Refusal::NoChange);
                }
                // A blank new voter could not vote (it has never joined), so
                // a leader crash could leave C_new without a majority.
                if let Some(newcomer) = voters.iter().find(|id| {
                    let ready = current.is_voter(**id)
                        || (current.is_learner(**id) && self.caught_up(**id));
                    !ready
                }) {
                    return Err(Refusal::NotCaughtUp(*newcomer));
                }
                next = Configuration {
                    voters: voters.clone(),
                    // `naive-membership` skips C_old,new and switches at once.
                    outgoing: if naive {
                        BTreeSet::new()
                    } else {
                        current.voters.clone()
                    },
                    promoting: current.promoting.intersection(&learners).copied().collect(),
                    learners,
                };
            }
        }
        let index = self.leader_append(Payload::Config(next));
        self.refresh_membership(None);
        self.replicate_to_all();
        self.maybe_commit();
        Ok(index)
    }

    /// An operator asks the leader to hand leadership to `target`: the leader
    /// stops taking requests, brings the target up to date and sends it
    /// TimeoutNow (thesis §3.10).
    pub fn transfer_leadership(&mut self, now: Time, target: NodeId) -> Result<(), Refusal> {
        self.advance(now);
        self.check_can_propose()?;
        if target == self.id {
            return Err(Refusal::AlreadyLeader);
        }
        if !self.membership.is_voter(target) {
            return Err(Refusal::NotAMember(target));
        }
        self.transfer = Some(Transfer {
            target,
            deadline: now.plus(self.config.election_timeout_max_us),
            timeout_now_sent: false,
        });
        // A transfer lets the target bypass leader stickiness, so this
        // leader's lease can no longer be trusted in this term.
        self.lease_transferred = true;
        self.emit(Event::TransferStarted { target });
        let caught_up = self
            .progress
            .get(&target)
            .is_some_and(|p| p.matched == self.disk.log.last_index());
        if !caught_up {
            // Probe at once: entries sent earlier may have been lost.
            self.send_append(target);
        }
        self.continue_replication(target);
        Ok(())
    }

    // ----- elections -----------------------------------------------------

    /// The election timer fired (or an operator forced it): campaign, with
    /// a pre-vote first when Pre-Vote is on.
    fn election_timeout_fired(&mut self, forced: bool) {
        self.emit(Event::ElectionTimeout {
            term: self.disk.term,
            forced,
        });
        self.start_election(if self.config.pre_vote {
            Campaign::PreVote
        } else {
            Campaign::Election
        });
    }

    fn start_election(&mut self, campaign: Campaign) {
        let transfer = campaign == Campaign::Transfer;
        let voters: Vec<NodeId> = self.voters_except_self();
        let (last_log_index, last_log_term) =
            (self.disk.log.last_index(), self.disk.log.last_term());
        self.votes.clear();
        self.votes.insert(self.id, true);
        self.leader = None;
        if campaign == Campaign::PreVote {
            self.role = Role::PreCandidate;
            let term = self.disk.term + 1;
            self.emit(Event::BecamePreCandidate { term });
            self.reset_election_timer();
            for peer in voters {
                self.send(
                    peer,
                    Message::RequestVote {
                        term,
                        last_log_index,
                        last_log_term,
                        pre_vote: true,
                        transfer: false,
                    },
                );
            }
            if self.has_vote_quorum() {
                self.start_election(Campaign::Election);
            }
            return;
        }
        self.disk.term += 1;
        self.disk.voted_for = Some(self.id);
        self.role = Role::Candidate;
        self.clear_leader_state();
        let term = self.disk.term;
        self.emit(Event::BecameCandidate { term, transfer });
        self.reset_election_timer();
        for peer in voters {
            self.send(
                peer,
                Message::RequestVote {
                    term,
                    last_log_index,
                    last_log_term,
                    pre_vote: false,
                    transfer,
                },
            );
        }
        if self.has_vote_quorum() {
            self.become_leader();
        }
    }

    fn become_leader(&mut self) {
        let term = self.disk.term;
        let votes: Vec<NodeId> = self
            .votes
            .iter()
            .filter(|(_, g)| **g)
            .map(|(id, _)| *id)
            .collect();
        self.role = Role::Leader;
        self.leader = Some(self.id);
        self.election_deadline = Time::NEVER;
        self.round = 0;
        self.round_sent_at.clear();
        self.quorum_round = 0;
        self.quorum_contact_at = self.now;
        self.promise = Some((self.id, self.now));
        self.lease_until = Time::ZERO;
        self.lease_min_round = 0;
        self.lease_settings_changed = false;
        self.lease_transferred = false;
        self.last_deferred_commit = 0;
        self.progress.clear();
        self.sync_progress();
        self.emit(Event::BecameLeader { term, votes });
        // A no-op lets the leader commit in its term and learn the commit
        // index, which ReadIndex and membership changes depend on (§8).
        self.term_start_index = self.leader_append(Payload::Noop);
        self.broadcast_round();
        self.maybe_commit();
    }

    /// Adopts a newer term seen in a message from `from` (§5.1).
    fn adopt_term(&mut self, term: Term, from: NodeId, leader: Option<NodeId>) {
        let old = self.disk.term;
        self.emit(Event::TermAdvanced {
            from_term: old,
            to_term: term,
            seen_from: from,
        });
        self.disk.term = term;
        self.disk.voted_for = None;
        if self.role != Role::Follower || leader.is_some() || self.leader.is_some() {
            self.become_follower(term, leader, FollowReason::HigherTerm { from });
        }
    }

    fn become_follower(&mut self, term: Term, leader: Option<NodeId>, reason: FollowReason) {
        let was_leader = self.role == Role::Leader;
        self.role = Role::Follower;
        self.leader = leader;
        if was_leader {
            for (_, (request, _)) in std::mem::take(&mut self.pending_writes) {
                self.out_replies.push_back(ClientReply {
                    request,
                    answer: Answer::Uncertain(Uncertain::LostLeadership),
                });
            }
            for read in std::mem::take(&mut self.pending_reads) {
                self.refuse(
                    read.request,
                    Refusal::NotLeader {
                        leader_hint: leader,
                    },
                );
            }
        }
        self.clear_leader_state();
        self.reset_election_timer();
        self.emit(Event::BecameFollower {
            term,
            leader,
            reason,
        });
    }

    fn clear_leader_state(&mut self) {
        self.progress.clear();
        self.transfer = None;
        self.heartbeat_deadline = Time::NEVER;
        self.lease_until = Time::ZERO;
        self.term_start_index = LogIndex::MAX;
    }

    /// Who leads, if this node acknowledged a leader within the minimum
    /// election timeout: then vote requests are ignored (§6 and thesis
    /// §4.2.3, with leader stickiness or CheckQuorum) and pre-votes refused
    /// (thesis §9.6). The promise holds
    /// whatever the node has learned since (a higher term, an election of
    /// its own): it is what a leader's lease counts on (thesis §6.4.1). A
    /// transfer's request overrides it (thesis §3.10), and the old leader
    /// gives up its lease for that. `Some(None)`: the node restarted too
    /// recently to know.
    fn leader_alive(&self, pre_vote: bool, transfer: bool) -> Option<Option<NodeId>> {
        if transfer || !(pre_vote || self.config.sticky()) {
            return None;
        }
        if let Some((leader, _)) = self.promise_running() {
            return Some(Some(leader));
        }
        (self.config.check_quorum && self.now < self.votes_blocked_until).then_some(None)
    }

    /// The promise, with when it ends, if it has not ended yet.
    fn promise_running(&self) -> Option<(NodeId, Time)> {
        self.promise
            .map(|(leader, at)| (leader, at.plus(self.config.election_timeout_min_us)))
            .filter(|(_, until)| self.now < *until)
    }

    /// With CheckQuorum, the leader this node promised not to act against
    /// and when the promise ends, if it still runs (see [`Node::promise`]).
    fn promised_until(&self) -> Option<(Option<NodeId>, Time)> {
        if !self.config.check_quorum {
            return None;
        }
        let by_contact = self
            .promise_running()
            .map(|(leader, until)| (Some(leader), until));
        let by_restart =
            (self.now < self.votes_blocked_until).then_some((None, self.votes_blocked_until));
        match (by_contact, by_restart) {
            (Some(a), Some(b)) => Some(if b.1 > a.1 { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// `leader` sent AppendEntries or a snapshot in our term: follow it.
    /// Returns `false` if this node leads the same term itself, which only a
    /// safety violation can cause; then one leader must not overwrite the
    /// other (the checkers report it).
    fn accept_leader(&mut self, leader: NodeId) -> bool {
        if self.role == Role::Leader {
            return false;
        }
        if self.role != Role::Follower {
            let term = self.disk.term;
            self.become_follower(
                term,
                Some(leader),
                FollowReason::LeaderDiscovered { leader },
            );
        }
        self.note_leader_contact(leader);
        true
    }

    fn note_leader_contact(&mut self, leader: NodeId) {
        self.leader = Some(leader);
        self.promise = Some((leader, self.now));
        self.reset_election_timer();
    }

    fn reset_election_timer(&mut self) {
        let (min, max) = (
            self.config.election_timeout_min_us,
            self.config.election_timeout_max_us,
        );
        let timeout = if self.config.faults.fixed_timeouts {
            min
        } else {
            self.rng.range_inclusive(min, max)
        };
        self.election_deadline = self.now.plus(timeout);
    }

    // ----- replication ---------------------------------------------------

    fn leader_append(&mut self, payload: Payload) -> LogIndex {
        let term = self.disk.term;
        let payload = Arc::new(payload);
        let index = self.disk.log.append(term, payload.clone());
        self.emit(Event::LeaderAppended {
            index,
            term,
            payload,
        });
        index
    }

    /// Every server this node replicates to as leader, in id order: the
    /// members of its latest configuration and, until that configuration
    /// commits, the members of the committed one before it. A server being
    /// removed so keeps receiving the log, the configuration that removes it
    /// included, and learns of its removal with the commit (see
    /// [`Node::bid_farewell`]); its acknowledgements count toward nothing.
    /// (Built without a set, since a leader asks on every heartbeat.)
    fn peers(&self) -> Vec<NodeId> {
        let m = &self.membership;
        let leaving = (self.membership_index > self.commit)
            .then(|| self.disk.log.config_at(self.commit).1)
            .into_iter()
            .flat_map(|c| c.voters.iter().chain(&c.outgoing).chain(&c.learners));
        let mut peers: Vec<NodeId> = (m.voters.iter().chain(&m.outgoing).chain(&m.learners))
            .chain(leaving)
            .copied()
            .filter(|id| *id != self.id)
            .collect();
        peers.sort_unstable();
        peers.dedup();
        peers
    }

    fn voters_except_self(&self) -> Vec<NodeId> {
        self.membership
            .voters
            .union(&self.membership.outgoing)
            .copied()
            .filter(|id| *id != self.id)
            .collect()
    }

    /// Keeps one progress record per member of the configuration in effect.
    fn sync_progress(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let peers = self.peers();
        let next = self.disk.log.last_index() + 1;
        self.progress.retain(|id, _| peers.contains(id));
        for p in peers {
            self.progress.entry(p).or_insert(Progress {
                next,
                matched: 0,
                acked_round: 0,
                snapshot_in_flight: None,
            });
        }
    }

    /// A new heartbeat round: every member gets AppendEntries (§5.2). Its
    /// acknowledgements confirm leadership for ReadIndex and leases.
    fn broadcast_round(&mut self) {
        self.round += 1;
        self.round_sent_at.push_back((self.round, self.now));
        for peer in self.peers() {
            if let Some(pr) = self.progress.get_mut(&peer) {
                // Resend a snapshot whose answer may have been lost.
                pr.snapshot_in_flight = None;
            }
            self.send_append(peer);
        }
        self.heartbeat_deadline = self.now.plus(self.config.heartbeat_interval_us);
        self.after_ack();
    }

    fn replicate_to_all(&mut self) {
        for peer in self.peers() {
            let behind = self
                .progress
                .get(&peer)
                .is_some_and(|pr| pr.next <= self.disk.log.last_index());
            if behind {
                self.send_append(peer);
            }
        }
    }

    /// Sends more entries, or TimeoutNow when a transfer target caught up.
    fn continue_replication(&mut self, peer: NodeId) {
        let Some(pr) = self.progress.get(&peer).copied() else {
            return;
        };
        if pr.next <= self.disk.log.last_index() && pr.snapshot_in_flight.is_none() {
            self.send_append(peer);
        }
        if let Some(tr) = self.transfer {
            if tr.target == peer && !tr.timeout_now_sent && pr.matched == self.disk.log.last_index()
            {
                self.transfer = Some(Transfer {
                    timeout_now_sent: true,
                    ..tr
                });
                self.emit(Event::TimeoutNowSent { target: peer });
                let term = self.disk.term;
                self.send(peer, Message::TimeoutNow { term });
            }
        }
        self.promote_caught_up_learners();
    }

    fn send_append(&mut self, peer: NodeId) {
        let Some(pr) = self.progress.get(&peer).copied() else {
            return;
        };
        let log = &self.disk.log;
        let term = self.disk.term;
        if pr.next <= log.snapshot().last_index {
            if pr.snapshot_in_flight == Some(log.snapshot().last_index) {
                return;
            }
            let snapshot = log.snapshot().clone();
            let last_index = snapshot.last_index;
            if let Some(p) = self.progress.get_mut(&peer) {
                p.snapshot_in_flight = Some(last_index);
            }
            self.emit(Event::SnapshotSent {
                to: peer,
                last_index,
            });
            let round = self.round;
            self.send(
                peer,
                Message::InstallSnapshot {
                    term,
                    snapshot: Box::new(snapshot),
                    round,
                },
            );
            return;
        }
        let prev_index = pr.next - 1;
        let prev_term = log.term_at(prev_index).unwrap_or(0);
        let entries = log.entries_from(pr.next, self.config.max_entries_per_message);
        if let Some(last) = entries.last() {
            let next = last.index + 1;
            if let Some(p) = self.progress.get_mut(&peer) {
                p.next = next;
            }
        }
        let founding_config = (prev_index == 0
            && !self.config.reinjected(Regression::FoundingConfigNotSent))
        .then(|| Box::new(log.snapshot().config.clone()));
        let message = Message::AppendEntries {
            term,
            prev_index,
            prev_term,
            entries,
            leader_commit: self.commit,
            round: self.round,
            founding_config,
        };
        self.send(peer, message);
    }

    /// Recomputes what a quorum has acknowledged: the newest confirmed round
    /// (for ReadIndex), the lease (thesis §6.4) and leader liveness.
    fn after_ack(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let (me, round) = (self.id, self.round);
        let progress = &self.progress;
        let q = self.membership.quorum_value(|id| {
            if id == me {
                round
            } else {
                progress.get(&id).map_or(0, |p| p.acked_round)
            }
        });
        if q > self.quorum_round && q != u64::MAX {
            self.quorum_round = q;
            while self.round_sent_at.front().is_some_and(|(r, _)| *r < q) {
                self.round_sent_at.pop_front();
            }
            if let Some((_, sent_at)) = self.round_sent_at.front().copied() {
                self.quorum_contact_at = self.quorum_contact_at.max(sent_at);
                self.promise = Some((self.id, self.quorum_contact_at));
                if self.config.check_quorum
                    && self.config.lease_reads
                    && !self.lease_transferred
                    && q >= self.lease_min_round
                {
                    // Every follower in the quorum acknowledged round q after
                    // it was sent and promised to elect no one else for a
                    // minimum election timeout: the lease runs from sent_at.
                    self.lease_until = self
                        .lease_until
                        .max(sent_at.plus(self.config.lease_duration_us));
                    self.lease_settings_changed = false;
                }
            }
        }
        self.serve_ready_reads();
    }

    /// Commits the highest index stored on a quorum, if it belongs to the
    /// current term (§5.4.2); older entries commit with it.
    fn maybe_commit(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let (me, last) = (self.id, self.disk.log.last_index());
        let progress = &self.progress;
        let q = self.membership.quorum_value(|id| {
            if id == me {
                last
            } else {
                progress.get(&id).map_or(0, |p| p.matched)
            }
        });
        if q <= self.commit || q == u64::MAX {
            return;
        }
        let old_commit = self.commit;
        let entry_term = self.disk.log.term_at(q).unwrap_or(0);
        let term = self.disk.term;
        let rule = if entry_term == term {
            Rule::CurrentTermCommit
        } else if self.config.faults.commit_any_term {
            Rule::Fault(Fault::CommitAnyTerm)
        } else {
            if q > self.last_deferred_commit {
                self.last_deferred_commit = q;
                self.emit(Event::CommitDeferred {
                    index: q,
                    entry_term,
                    leader_term: term,
                });
            }
            return;
        };
        self.commit = q;
        let quorum: Vec<NodeId> = self
            .membership
            .members()
            .into_iter()
            .filter(|id| self.membership.is_voter(*id))
            .filter(|id| {
                if *id == me {
                    last >= q
                } else {
                    self.progress.get(id).is_some_and(|p| p.matched >= q)
                }
            })
            .collect();
        self.emit(Event::Committed {
            index: q,
            term: entry_term,
            quorum,
            rule,
        });
        self.apply_committed();
        if (old_commit + 1..=q).contains(&self.membership_index) {
            self.bid_farewell(old_commit);
        }
        self.after_commit_as_leader();
    }

    /// The latest configuration just committed: servers it removed are no
    /// longer replicated to. Each gets one last AppendEntries carrying the
    /// new commit index, so that, if it holds the entries, it knows its
    /// removal is committed and stops campaigning (§6). If that message is
    /// lost it does not know; leader stickiness then keeps its elections
    /// from deposing anyone.
    fn bid_farewell(&mut self, old_commit: LogIndex) {
        let before = self.disk.log.config_at(old_commit).1.members();
        for id in before {
            if id != self.id && !self.membership.is_member(id) {
                self.send_append(id);
            }
        }
        self.sync_progress();
    }

    /// Membership steps that wait for a commit: finish a joint change with
    /// C_new (§6), step down when removed (§6), promote caught-up learners.
    fn after_commit_as_leader(&mut self) {
        if self.role != Role::Leader || self.membership_index > self.commit {
            self.fix_read_indexes();
            self.serve_ready_reads();
            return;
        }
        if self.membership.is_joint() {
            let next = Configuration {
                outgoing: BTreeSet::new(),
                ..self.membership.clone()
            };
            self.leader_append(Payload::Config(next));
            self.refresh_membership(None);
            self.replicate_to_all();
            self.maybe_commit();
            return;
        }
        if !self.membership.is_voter(self.id) {
            let term = self.disk.term;
            self.become_follower(term, None, FollowReason::RemovedFromConfig);
            return;
        }
        self.fix_read_indexes();
        self.serve_ready_reads();
        self.promote_caught_up_learners();
    }

    /// Promotes a learner marked for promotion once it holds everything
    /// committed: one server at a time, after a commit in this leader's
    /// term (thesis §4.1), and only with no other change pending.
    fn promote_caught_up_learners(&mut self) {
        if !self.committed_in_term()
            || self.membership_index > self.commit
            || self.membership.is_joint()
            || self.transfer.is_some()
        {
            return;
        }
        let ready = self
            .membership
            .promoting
            .iter()
            .copied()
            .find(|id| self.membership.is_learner(*id) && self.caught_up(*id));
        if let Some(id) = ready {
            let mut next = self.membership.clone();
            next.promote(id);
            self.leader_append(Payload::Config(next));
            self.refresh_membership(None);
            self.replicate_to_all();
            self.maybe_commit();
        }
    }

    /// Re-reads the configuration from the log after it changed (§6: a node
    /// uses the latest configuration in its log, committed or not). `cause`
    /// names the rule when the log changed by truncation or a snapshot;
    /// `None` after an append, when the entries appended tell the rule.
    fn refresh_membership(&mut self, cause: Option<Rule>) {
        let (index, config) = self.disk.log.latest_config();
        if index == self.membership_index && *config == self.membership {
            return;
        }
        let config = config.clone();
        let rule = cause.unwrap_or_else(|| self.appended_change_rule(index));
        self.membership_index = index;
        self.membership = config.clone();
        self.emit(Event::ConfigChanged {
            index,
            config: Box::new(config),
            rule,
        });
        self.sync_progress();
    }

    /// The rule behind the configuration entries after the one in effect,
    /// up to `to`. A follower may receive several at once (C_old,new with
    /// C_new, or two one-server changes): each step is classified, and the
    /// most telling one names the change.
    fn appended_change_rule(&self, to: LogIndex) -> Rule {
        let rank = |rule: Rule| match rule {
            Rule::Fault(_) => 3,
            Rule::JointConsensus => 2,
            Rule::SingleServerChange => 1,
            _ => 0,
        };
        let mut previous = &self.membership;
        let mut rule = Rule::Learners;
        for i in self.membership_index + 1..=to {
            if let Some(Payload::Config(next)) = self.disk.log.entry(i).map(|e| &*e.payload) {
                let step = change_rule(previous, next);
                if rank(step) > rank(rule) {
                    rule = step;
                }
                previous = next;
            }
        }
        rule
    }

    /// Whether a member's log holds everything this leader has committed.
    fn caught_up(&self, id: NodeId) -> bool {
        self.progress
            .get(&id)
            .is_some_and(|p| p.matched >= self.commit)
    }

    fn committed_in_term(&self) -> bool {
        self.role == Role::Leader && self.commit >= self.term_start_index
    }

    // ----- applying and reading ------------------------------------------

    fn apply_committed(&mut self) {
        while self.applied < self.commit {
            let Some(entry) = self.disk.log.entry(self.applied + 1).cloned() else {
                break;
            };
            self.applied = entry.index;
            let outcome = match &*entry.payload {
                Payload::Command(c) => Some(self.kv.apply(c)),
                _ => None,
            };
            if let Some((request, term)) = self.pending_writes.remove(&entry.index) {
                let answer = match outcome {
                    Some(a) if term == entry.term => Answer::Written(a.result),
                    _ => Answer::Uncertain(Uncertain::Overwritten),
                };
                self.out_replies.push_back(ClientReply { request, answer });
            }
            self.emit(Event::Applied {
                index: entry.index,
                term: entry.term,
                payload: entry.payload,
                outcome,
            });
        }
        let threshold = self.config.snapshot_threshold;
        let snap = self.disk.log.snapshot().last_index;
        if threshold > 0 && self.applied >= snap + threshold {
            let applied = self.applied;
            self.disk.log.compact(applied, self.kv.clone());
            let last_term = self.disk.log.snapshot().last_term;
            self.emit(Event::SnapshotTaken {
                last_index: applied,
                last_term,
            });
        }
        self.serve_ready_reads();
    }

    /// Gives waiting reads their read index once the leader has committed an
    /// entry of its term (§8); ReadIndex reads also start a heartbeat round
    /// whose quorum acknowledgement proves the leader still leads.
    fn fix_read_indexes(&mut self) {
        if !self.committed_in_term() || !self.pending_reads.iter().any(|r| r.read_index.is_none()) {
            return;
        }
        let commit = self.commit;
        let mut needs_round = false;
        for r in self
            .pending_reads
            .iter_mut()
            .filter(|r| r.read_index.is_none())
        {
            r.read_index = Some(commit);
            if r.mode == ReadMode::ReadIndex {
                r.round = Some(self.round + 1);
                needs_round = true;
            }
        }
        if needs_round {
            self.broadcast_round();
        }
    }

    /// Answers the reads whose read index is applied and, for ReadIndex,
    /// whose heartbeat round a quorum confirmed; a lease read is answered
    /// only under a valid lease, and refused with the reason otherwise.
    fn serve_ready_reads(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let (applied, confirmed) = (self.applied, self.quorum_round);
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending_reads)
            .into_iter()
            .partition(|r| {
                r.read_index.is_some_and(|i| i <= applied)
                    && r.round.is_none_or(|round| round <= confirmed)
            });
        self.pending_reads = waiting;
        for r in ready {
            let read_index = r.read_index.unwrap_or(applied);
            let rule = match r.mode {
                ReadMode::Lease => match self.lease_status() {
                    Ok(()) => Rule::Lease,
                    Err(reason) => {
                        self.refuse(r.request, Refusal::NoLease { reason });
                        continue;
                    }
                },
                _ => Rule::ReadIndex,
            };
            self.serve_read(r.request, r.key, r.mode, read_index, rule);
        }
    }

    /// Whether this node holds a lease it may serve reads under now, and if
    /// not, why (thesis §6.4.1).
    fn lease_status(&self) -> Result<(), NoLeaseReason> {
        self.lease_settings_allow()?;
        if self.role != Role::Leader {
            return Err(NoLeaseReason::NeverHeld);
        }
        if self.lease_transferred {
            return Err(NoLeaseReason::Transfer);
        }
        if self.now < self.lease_until {
            return Ok(());
        }
        Err(if self.lease_settings_changed {
            NoLeaseReason::SettingsChanged
        } else if self.lease_until == Time::ZERO {
            NoLeaseReason::NeverHeld
        } else {
            NoLeaseReason::Expired {
                at: self.lease_until,
            }
        })
    }

    /// Whether the settings allow lease reads at all.
    fn lease_settings_allow(&self) -> Result<(), NoLeaseReason> {
        if !self.config.check_quorum {
            Err(NoLeaseReason::NeedsCheckQuorum)
        } else if !self.config.lease_reads {
            Err(NoLeaseReason::Disabled)
        } else {
            Ok(())
        }
    }

    fn serve_read(
        &mut self,
        request: RequestId,
        key: String,
        mode: ReadMode,
        read_index: LogIndex,
        rule: Rule,
    ) {
        let value = self.kv.get(&key);
        let applied = self.applied;
        self.emit(Event::ReadServed {
            request,
            key,
            value,
            mode,
            read_index,
            applied,
            rule,
        });
        self.out_replies.push_back(ClientReply {
            request,
            answer: Answer::Read { value },
        });
    }

    fn refuse(&mut self, request: RequestId, reason: Refusal) {
        self.emit(Event::Refused {
            request,
            reason: reason.clone(),
        });
        self.out_replies.push_back(ClientReply {
            request,
            answer: Answer::Refused(reason),
        });
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

/// The rule a step from configuration `old` to `new` follows: joint
/// consensus (§6) when either is joint; one voter added or removed is a
/// single-server change (thesis §4.1); only learners changed is the learners
/// rule (thesis §4.2.1). Several voters at once without C_old,new is what
/// only the `naive-membership` fault does.
fn change_rule(old: &Configuration, new: &Configuration) -> Rule {
    if old.is_joint() || new.is_joint() {
        return Rule::JointConsensus;
    }
    match old.voters.symmetric_difference(&new.voters).count() {
        0 => Rule::Learners,
        1 => Rule::SingleServerChange,
        _ => Rule::Fault(Fault::NaiveMembership),
    }
}
