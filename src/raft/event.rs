//! What a node did and the rule that decided it. The UI prints these as
//! sentences; checkers read them.

use super::client::{ReadMode, Refusal, RequestId};
use super::config::Fault;
use super::kv::Applied;
use super::log::Payload;
use super::membership::Configuration;
use super::message::AppendRejection;
use super::time::{LogIndex, NodeId, Term};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// A protocol rule, with the section of the Raft paper (or Ongaro's thesis)
/// that states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// A higher term makes a node a follower; older terms are refused (§5.1).
    TermRule,
    /// Timeouts start elections; a majority of votes wins; one vote per term (§5.2).
    Election,
    /// The leader appends client commands and replicates them; followers
    /// store them and learn the commit index from the leader (§5.3).
    LogReplication,
    /// AppendEntries must match the previous entry; conflicts are truncated (§5.3).
    ConsistencyCheck,
    /// Votes go only to candidates whose log is at least as up to date (§5.4.1).
    ElectionRestriction,
    /// A leader commits only entries of its term by counting replicas (§5.4.2).
    CurrentTermCommit,
    /// Committed entries are applied in order to the state machine (§5.3, Figure 2).
    StateMachine,
    /// Term, vote and log are persistent; the rest is lost on a crash (Figure 2).
    Persistence,
    /// Configuration changes go through C_old,new (§6).
    JointConsensus,
    /// One server at a time, after a commit in the leader's term (thesis §4.1).
    SingleServerChange,
    /// Non-voting members catch up before voting (thesis §4.2.1).
    Learners,
    /// Log compaction and InstallSnapshot (§7).
    Snapshot,
    /// Linearizable reads by ReadIndex (§8).
    ReadIndex,
    /// Reads served under a leader lease (thesis §6.4.1).
    Lease,
    /// Ask whether an election could be won before disrupting anyone (thesis §9.6).
    PreVote,
    /// A leader without a quorum steps down (thesis §6.2).
    CheckQuorum,
    /// A node that hears from a live leader ignores vote requests (thesis §4.2.3).
    LeaderStickiness,
    /// Leadership transfer with TimeoutNow (thesis §3.10).
    LeadershipTransfer,
    /// A new leader appends a no-op entry so it can commit in its term (§8).
    NoopOnElection,
    /// Only the leader serves clients; others point to it (§8).
    LeaderServesClients,
    /// A deliberately unsafe read mode chosen by the client.
    UnsafeRead,
    /// A teaching fault overrode the correct rule.
    Fault(Fault),
}

impl Rule {
    /// Every rule that is not a teaching fault, in a fixed order.
    pub const CORRECT: [Rule; 21] = [
        Rule::TermRule,
        Rule::Election,
        Rule::LogReplication,
        Rule::ConsistencyCheck,
        Rule::ElectionRestriction,
        Rule::CurrentTermCommit,
        Rule::StateMachine,
        Rule::Persistence,
        Rule::JointConsensus,
        Rule::SingleServerChange,
        Rule::Learners,
        Rule::Snapshot,
        Rule::ReadIndex,
        Rule::Lease,
        Rule::PreVote,
        Rule::CheckQuorum,
        Rule::LeaderStickiness,
        Rule::LeadershipTransfer,
        Rule::NoopOnElection,
        Rule::LeaderServesClients,
        Rule::UnsafeRead,
    ];

    /// Where the rule is stated, e.g. `§5.4.1` or `thesis §9.6`.
    pub fn section(self) -> &'static str {
        match self {
            Rule::TermRule => "§5.1",
            Rule::Election => "§5.2",
            Rule::LogReplication => "§5.3",
            Rule::ConsistencyCheck => "§5.3",
            Rule::ElectionRestriction => "§5.4.1",
            Rule::CurrentTermCommit => "§5.4.2",
            Rule::StateMachine => "§5.3",
            Rule::Persistence => "Figure 2",
            Rule::JointConsensus => "§6",
            Rule::SingleServerChange => "thesis §4.1",
            Rule::Learners => "thesis §4.2.1",
            Rule::Snapshot => "§7",
            Rule::ReadIndex => "§8",
            Rule::Lease => "thesis §6.4.1",
            Rule::PreVote => "thesis §9.6",
            Rule::CheckQuorum => "thesis §6.2",
            Rule::LeaderStickiness => "thesis §4.2.3",
            Rule::LeadershipTransfer => "thesis §3.10",
            Rule::NoopOnElection => "§8",
            Rule::LeaderServesClients => "§8",
            Rule::UnsafeRead => "unsafe read mode",
            Rule::Fault(_) => "teaching fault",
        }
    }

    /// A short name of the rule.
    pub fn name(self) -> String {
        match self {
            Rule::TermRule => "term rule".into(),
            Rule::Election => "leader election".into(),
            Rule::LogReplication => "log replication".into(),
            Rule::ConsistencyCheck => "consistency check".into(),
            Rule::ElectionRestriction => "election restriction".into(),
            Rule::CurrentTermCommit => "current-term commit".into(),
            Rule::StateMachine => "apply in order".into(),
            Rule::Persistence => "persistent state".into(),
            Rule::JointConsensus => "joint consensus".into(),
            Rule::SingleServerChange => "single-server change".into(),
            Rule::Learners => "learners".into(),
            Rule::Snapshot => "snapshots".into(),
            Rule::ReadIndex => "ReadIndex".into(),
            Rule::Lease => "leader lease".into(),
            Rule::PreVote => "Pre-Vote".into(),
            Rule::CheckQuorum => "CheckQuorum".into(),
            Rule::LeaderStickiness => "leader stickiness".into(),
            Rule::LeadershipTransfer => "leadership transfer".into(),
            Rule::NoopOnElection => "no-op at the start of a term".into(),
            Rule::LeaderServesClients => "clients talk to the leader".into(),
            Rule::UnsafeRead => "unsafe read".into(),
            Rule::Fault(f) => format!("fault {f}"),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.section())
    }
}

/// Why a vote (or pre-vote) was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VoteRefusal {
    /// The request's term is not newer than ours (§5.1).
    StaleTerm {
        /// Our current term.
        ours: Term,
    },
    /// We already voted for someone else in this term (§5.2).
    AlreadyVoted {
        /// The candidate we already voted for in this term.
        for_node: NodeId,
    },
    /// The candidate's log is behind ours (§5.4.1).
    LogNotUpToDate {
        /// The term of the candidate's last log entry.
        their_last_term: Term,
        /// The index of the candidate's last log entry.
        their_last_index: LogIndex,
        /// The term of our last log entry.
        our_last_term: Term,
        /// The index of our last log entry.
        our_last_index: LogIndex,
    },
    /// We heard from a live leader within the minimum election timeout
    /// (thesis §4.2.3 and §9.6).
    LeaderAlive {
        /// The leader we heard from; `None` if we restarted too recently to know.
        leader: Option<NodeId>,
    },
    /// We have never joined a cluster (blank disk): a stale configuration
    /// that lists a former server with our id must not count our vote.
    NeverJoined,
    /// We already follow the leader of this term, so no one else can win it
    /// (§5.2). It matters after a disk loss: a server that forgot its vote
    /// but has heard from this term's leader must not vote again in it.
    FollowsLeader {
        /// The leader of this term we follow.
        leader: NodeId,
    },
}

/// Why a node became a follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FollowReason {
    /// It saw a higher term from this node (§5.1).
    HigherTerm {
        /// The node whose message carried the higher term.
        from: NodeId,
    },
    /// A candidate heard from the leader of its own term (§5.2).
    LeaderDiscovered {
        /// The node that leads the candidate's term.
        leader: NodeId,
    },
    /// A leader lost contact with a quorum (thesis §6.2).
    LostQuorum,
    /// A leader committed a configuration without itself (§6).
    RemovedFromConfig,
}

/// Something a node did. Events carry enough to print a full sentence.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Event {
    /// The node started (or restarted from its disk).
    Started {
        /// The current term read from disk (the last log term if the vote was lost).
        term: Term,
        /// The index of the last entry in its log.
        last_index: LogIndex,
        /// Whether the `volatile-vote` fault lost the saved term or vote.
        lost_vote: bool,
    },
    /// The election timer fired, or an operator forced it to.
    ElectionTimeout {
        /// The node's current term when the timer fired.
        term: Term,
        /// Whether an operator forced it (otherwise no leader was heard from
        /// for a whole election timeout).
        forced: bool,
    },
    /// An operator forced the election timer, but the node acknowledged a
    /// leader less than a minimum election timeout ago and promised not to
    /// help elect another before then (thesis §4.2.3): the timer now fires
    /// when the promise ends, unless the leader is heard from again.
    CampaignDeferred {
        /// The leader it heard from; `None` when it restarted too recently
        /// to know whether it acknowledged one.
        leader: Option<NodeId>,
        /// When the promise ends, on the node's clock.
        until: crate::raft::Time,
    },
    /// The node asks for pre-votes for `term` (thesis §9.6).
    BecamePreCandidate {
        /// The term it would campaign in: its current term plus one.
        term: Term,
    },
    /// The node started an election for `term` (§5.2).
    BecameCandidate {
        /// The new term, one past the previous; the node voted for itself in it.
        term: Term,
        /// Whether the leader's TimeoutNow started the election (thesis §3.10).
        transfer: bool,
    },
    /// The node won the election for `term` with these votes (§5.2).
    BecameLeader {
        /// The term the node now leads.
        term: Term,
        /// The voters that granted their vote, itself included.
        votes: Vec<NodeId>,
    },
    /// The node became a follower.
    BecameFollower {
        /// The node's term as a follower.
        term: Term,
        /// The leader it now follows, if known.
        leader: Option<NodeId>,
        /// Why it became a follower.
        reason: FollowReason,
    },
    /// The node adopted a higher term seen from `from` (§5.1).
    TermAdvanced {
        /// The node's previous term.
        from_term: Term,
        /// The higher term it adopted.
        to_term: Term,
        /// The node whose message carried `to_term`.
        seen_from: NodeId,
    },
    /// The node granted its (pre-)vote.
    VoteGranted {
        /// The (pre-)candidate that asked.
        candidate: NodeId,
        /// The term of the request.
        term: Term,
        /// Whether this was a pre-vote (thesis §9.6).
        pre_vote: bool,
        /// The rule that allowed the vote; a fault when the up-to-date check was skipped.
        rule: Rule,
    },
    /// The node refused its (pre-)vote.
    VoteRefused {
        /// The (pre-)candidate that asked.
        candidate: NodeId,
        /// The term of the request.
        term: Term,
        /// Whether this was a pre-vote (thesis §9.6).
        pre_vote: bool,
        /// Why the vote was refused.
        reason: VoteRefusal,
    },
    /// The node refused AppendEntries from `leader`.
    AppendRejected {
        /// The sender of the refused AppendEntries (or InstallSnapshot).
        leader: NodeId,
        /// The request's `prev_index`, or a refused snapshot's last index (§5.3).
        prev_index: LogIndex,
        /// The request's `prev_term`, or a refused snapshot's last term (§5.3).
        prev_term: Term,
        /// Why it was refused.
        rejection: AppendRejection,
    },
    /// The node refused an InstallSnapshot from an older term (§5.1).
    SnapshotRejected {
        /// The sender of the refused snapshot.
        leader: NodeId,
        /// The term the snapshot was sent in.
        term: Term,
    },
    /// The node stored entries `first..=last` from `leader`.
    EntriesAppended {
        /// The leader that sent the entries.
        leader: NodeId,
        /// The index of the first entry stored.
        first: LogIndex,
        /// The index of the last entry stored.
        last: LogIndex,
    },
    /// The node removed its entries from `from_index` on because they
    /// conflicted with the leader's (§5.3). `committed` is true when some of
    /// them had been committed: only possible with a teaching fault.
    LogTruncated {
        /// The first index removed.
        from_index: LogIndex,
        /// How many entries were removed.
        removed: u64,
        /// The leader whose entries conflicted with ours.
        leader: NodeId,
        /// Whether any removed entry had been committed (only with a teaching fault).
        committed: bool,
    },
    /// A leader appended an entry.
    LeaderAppended {
        /// The new entry's index.
        index: LogIndex,
        /// The new entry's term: the leader's current term.
        term: Term,
        /// What the entry carries (shared with the log's entry).
        payload: Arc<Payload>,
    },
    /// The commit index advanced to `index`. `quorum` lists the voters holding
    /// it when the leader counted; empty when a follower learned it.
    Committed {
        /// The new commit index.
        index: LogIndex,
        /// The term of the entry at `index`.
        term: Term,
        /// The voters holding `index` when the leader counted; empty for a follower.
        quorum: Vec<NodeId>,
        /// The rule that allowed the commit; a fault when an older-term entry was counted.
        rule: Rule,
    },
    /// The leader saw `index` on a quorum but may not commit it by counting:
    /// its term is older than the leader's (§5.4.2).
    CommitDeferred {
        /// The highest index stored on a quorum.
        index: LogIndex,
        /// The term of the entry at `index`.
        entry_term: Term,
        /// The leader's current term.
        leader_term: Term,
    },
    /// An entry was applied to the state machine.
    Applied {
        /// The entry's index.
        index: LogIndex,
        /// The entry's term.
        term: Term,
        /// What the entry carries (shared with the log's entry).
        payload: Arc<Payload>,
        /// The result of applying a command; `None` for other payloads.
        outcome: Option<Applied>,
    },
    /// The effective configuration changed (an entry was appended, or removed).
    ConfigChanged {
        /// The index of the entry (or snapshot) holding the configuration now in effect.
        index: LogIndex,
        /// The configuration now in effect: the latest in the log, committed or
        /// not (§6). Boxed: the largest field of any event, and events are
        /// moved a few times per step.
        config: Box<Configuration>,
        /// The rule behind the change.
        rule: Rule,
    },
    /// The node compacted its log up to `last_index` (§7).
    SnapshotTaken {
        /// The last index the snapshot covers.
        last_index: LogIndex,
        /// The term of the entry at `last_index`.
        last_term: Term,
    },
    /// The leader sent its snapshot to `to` (§7).
    SnapshotSent {
        /// The follower that needs entries already compacted.
        to: NodeId,
        /// The last index the snapshot covers.
        last_index: LogIndex,
    },
    /// The node installed a snapshot from `leader` (§7).
    SnapshotInstalled {
        /// The leader that sent the snapshot.
        leader: NodeId,
        /// The last index the snapshot covers.
        last_index: LogIndex,
        /// The term of the entry at `last_index`.
        last_term: Term,
    },
    /// A read was answered.
    ReadServed {
        /// The read request answered.
        request: RequestId,
        /// The key read.
        key: String,
        /// The value returned; `None` if the key is absent.
        value: Option<i64>,
        /// How the read was served.
        mode: ReadMode,
        /// The read reflects every entry committed up to here: the read index
        /// (§8), or for an unchecked read the applied index.
        read_index: LogIndex,
        /// How far the node's state machine had applied when it answered (at
        /// least `read_index`).
        applied: LogIndex,
        /// The rule that allowed the read.
        rule: Rule,
    },
    /// A request was refused.
    Refused {
        /// The request refused.
        request: RequestId,
        /// Why it was refused.
        reason: Refusal,
    },
    /// The leader began handing leadership to `target` (thesis §3.10).
    TransferStarted {
        /// The node meant to take over leadership.
        target: NodeId,
    },
    /// The leader told `target` to start an election now.
    TimeoutNowSent {
        /// The node meant to take over leadership.
        target: NodeId,
    },
    /// The hand-over did not finish within an election timeout.
    TransferAborted {
        /// The node that was meant to take over leadership.
        target: NodeId,
    },
    /// A leader could not reach a quorum for an election timeout (thesis §6.2).
    QuorumLost,
}

impl Event {
    /// The rule behind the event.
    pub fn rule(&self) -> Rule {
        match self {
            Event::Started { .. } => Rule::Persistence,
            Event::ElectionTimeout { .. }
            | Event::BecameCandidate {
                transfer: false, ..
            }
            | Event::BecameLeader { .. } => Rule::Election,
            Event::CampaignDeferred { .. } => Rule::LeaderStickiness,
            Event::BecameCandidate { transfer: true, .. } => Rule::LeadershipTransfer,
            Event::BecamePreCandidate { .. } => Rule::PreVote,
            Event::BecameFollower { reason, .. } => match reason {
                FollowReason::HigherTerm { .. } => Rule::TermRule,
                FollowReason::LeaderDiscovered { .. } => Rule::Election,
                FollowReason::LostQuorum => Rule::CheckQuorum,
                FollowReason::RemovedFromConfig => Rule::JointConsensus,
            },
            Event::TermAdvanced { .. } => Rule::TermRule,
            Event::VoteGranted { rule, .. } => *rule,
            Event::VoteRefused {
                reason, pre_vote, ..
            } => match reason {
                VoteRefusal::StaleTerm { .. } => Rule::TermRule,
                VoteRefusal::AlreadyVoted { .. } => Rule::Election,
                VoteRefusal::LogNotUpToDate { .. } => Rule::ElectionRestriction,
                VoteRefusal::LeaderAlive { .. } if *pre_vote => Rule::PreVote,
                VoteRefusal::LeaderAlive { .. } => Rule::LeaderStickiness,
                VoteRefusal::NeverJoined => Rule::Persistence,
                VoteRefusal::FollowsLeader { .. } => Rule::Election,
            },
            Event::AppendRejected {
                rejection: AppendRejection::StaleTerm,
                ..
            }
            | Event::SnapshotRejected { .. } => Rule::TermRule,
            Event::AppendRejected { .. } | Event::LogTruncated { .. } => Rule::ConsistencyCheck,
            Event::EntriesAppended { .. } => Rule::LogReplication,
            Event::LeaderAppended { payload, .. } if **payload == Payload::Noop => {
                Rule::NoopOnElection
            }
            Event::LeaderAppended { .. } => Rule::LogReplication,
            Event::Committed { rule, .. } => *rule,
            Event::CommitDeferred { .. } => Rule::CurrentTermCommit,
            Event::Applied { .. } => Rule::StateMachine,
            Event::ConfigChanged { rule, .. } => *rule,
            Event::SnapshotTaken { .. }
            | Event::SnapshotSent { .. }
            | Event::SnapshotInstalled { .. } => Rule::Snapshot,
            Event::ReadServed { rule, .. } => *rule,
            Event::Refused { reason, .. } => reason.rule(),
            Event::TransferStarted { .. }
            | Event::TimeoutNowSent { .. }
            | Event::TransferAborted { .. } => Rule::LeadershipTransfer,
            Event::QuorumLost => Rule::CheckQuorum,
        }
    }

    /// The event as a sentence about node `me`, ending with the rule's section,
    /// e.g. "N2 refused its vote to N4 in term 7: N4's last log term 5 is older
    /// than N2's 6 (§5.4.1)".
    pub fn sentence(&self, me: NodeId) -> String {
        let body = match self {
            Event::Started { term, last_index, lost_vote: false } => {
                format!("{me} started from its disk: term {term}, log up to index {last_index}")
            }
            Event::Started { term, last_index, lost_vote: true } => format!(
                "{me} restarted but its term and vote were not saved (volatile-vote): it is back at term {term} with no vote, log up to {last_index}"
            ),
            Event::ElectionTimeout { term, forced: false } => {
                format!("{me}'s election timer fired in term {term}: it heard from no leader for a whole election timeout")
            }
            Event::ElectionTimeout { term, forced: true } => {
                format!("an operator made {me}'s election timer fire in term {term}")
            }
            Event::CampaignDeferred { leader: Some(l), until } => format!(
                "an operator made {me}'s election timer fire, but {me} heard from leader {l} less than an election timeout ago and promised not to help elect another: it will time out at {until} on its clock unless {l} is heard from again"
            ),
            Event::CampaignDeferred { leader: None, until } => format!(
                "an operator made {me}'s election timer fire, but {me} restarted less than an election timeout ago and may have promised a leader not to help elect another: it will time out at {until} on its clock"
            ),
            Event::BecamePreCandidate { term } => format!("{me} asks for pre-votes for term {term} without changing its term"),
            Event::BecameCandidate { term, transfer: false } => format!("{me} became a candidate for term {term} and voted for itself"),
            Event::BecameCandidate { term, transfer: true } => {
                format!("{me} was asked by the leader to take over and became a candidate for term {term}")
            }
            Event::BecameLeader { term, votes } => format!("{me} won the election for term {term} with votes from {}", list(votes)),
            Event::BecameFollower { term, leader, reason } => {
                let why = match reason {
                    FollowReason::HigherTerm { from } => format!("it saw term {term} from {from}"),
                    FollowReason::LeaderDiscovered { leader } => format!("{leader} already leads term {term}"),
                    FollowReason::LostQuorum => "it has not heard from a quorum for an election timeout".to_string(),
                    FollowReason::RemovedFromConfig => "the committed configuration no longer includes it".to_string(),
                };
                match leader {
                    Some(l) => format!("{me} became a follower of {l} in term {term}: {why}"),
                    None => format!("{me} became a follower in term {term}: {why}"),
                }
            }
            Event::TermAdvanced { from_term, to_term, seen_from } => {
                format!("{me} moved from term {from_term} to term {to_term}, seen in a message from {seen_from}")
            }
            Event::VoteGranted { candidate, term, pre_vote, .. } => {
                format!("{me} granted its {} to {candidate} for term {term}", if *pre_vote { "pre-vote" } else { "vote" })
            }
            Event::VoteRefused { candidate, term, pre_vote, reason } => {
                let what = if *pre_vote { "pre-vote" } else { "vote" };
                let why = match reason {
                    VoteRefusal::StaleTerm { ours } => format!("term {term} is not newer than {me}'s term {ours}"),
                    VoteRefusal::AlreadyVoted { for_node } => format!("it already voted for {for_node} in term {term}"),
                    VoteRefusal::LogNotUpToDate { their_last_term, their_last_index, our_last_term, our_last_index } => {
                        if their_last_term < our_last_term {
                            format!("{candidate}'s last log term {their_last_term} is older than {me}'s {our_last_term}")
                        } else {
                            format!(
                                "{candidate}'s log ends at index {their_last_index}, shorter than {me}'s {our_last_index} in the same last term {our_last_term}"
                            )
                        }
                    }
                    VoteRefusal::LeaderAlive { leader: Some(l) } if *l == me => {
                        "it leads, and heard from a quorum less than an election timeout ago".to_string()
                    }
                    VoteRefusal::LeaderAlive { leader: Some(l) } => format!("it heard from leader {l} less than an election timeout ago"),
                    VoteRefusal::LeaderAlive { leader: None } => "it may have heard from a leader less than an election timeout ago".to_string(),
                    VoteRefusal::NeverJoined => "it has a blank disk and has not joined any cluster yet".to_string(),
                    VoteRefusal::FollowsLeader { leader } => format!("it already follows {leader}, the leader of term {term}"),
                };
                format!("{me} refused its {what} to {candidate} in term {term}: {why}")
            }
            Event::AppendRejected { leader, prev_index, prev_term, rejection } => match rejection {
                AppendRejection::StaleTerm => format!("{me} rejected AppendEntries from {leader}: its term is stale"),
                AppendRejection::LogTooShort { last_index } => format!(
                    "{me} rejected AppendEntries from {leader}: it has no entry at index {prev_index} (its log ends at {last_index})"
                ),
                AppendRejection::TermMismatch { term, first_index_of_term } => format!(
                    "{me} rejected AppendEntries from {leader}: its entry {prev_index} has term {term}, not {prev_term}; term {term} starts at its index {first_index_of_term}"
                ),
            },
            Event::SnapshotRejected { leader, term } => {
                format!("{me} rejected InstallSnapshot from {leader}: its term {term} is stale")
            }
            Event::EntriesAppended { leader, first, last } if first == last => format!("{me} stored entry {first} from {leader}"),
            Event::EntriesAppended { leader, first, last } => format!("{me} stored entries {first} to {last} from {leader}"),
            Event::LogTruncated { from_index, removed, leader, committed } => format!(
                "{me} removed {removed} conflicting entr{} from index {from_index} on to match {leader}{}",
                if *removed == 1 { "y" } else { "ies" },
                if *committed { ", including COMMITTED entries: a safety violation" } else { "" }
            ),
            Event::LeaderAppended { index, term, payload } => format!("{me} appended entry {index} (term {term}): {payload}"),
            Event::Committed { index, term, quorum, rule } => match rule {
                Rule::Fault(_) => format!(
                    "{me} committed index {index} of term {term} by counting replicas on {}, although term {term} is not its current term",
                    list(quorum)
                ),
                _ if quorum.is_empty() => format!("{me} learned from the leader that entries up to {index} are committed"),
                _ => format!("{me} committed up to index {index} (term {term}): stored on {}", list(quorum)),
            },
            Event::CommitDeferred { index, entry_term, leader_term } => format!(
                "{me} sees index {index} on a majority but does not commit it: its term {entry_term} is older than the current term {leader_term}"
            ),
            Event::Applied { index, term, payload, outcome } => match outcome {
                Some(a) if a.duplicate => format!("{me} applied entry {index} (term {term}): {payload}, a retry already applied, so it changes nothing"),
                _ => format!("{me} applied entry {index} (term {term}): {payload}"),
            },
            Event::ConfigChanged { index, config, .. } => format!("{me} now uses configuration {config} from entry {index}"),
            Event::SnapshotTaken { last_index, last_term } => {
                format!("{me} compacted its log into a snapshot up to index {last_index} (term {last_term})")
            }
            Event::SnapshotSent { to, last_index } => format!("{me} sent its snapshot up to index {last_index} to {to}: the entries it needs are compacted"),
            Event::SnapshotInstalled { leader, last_index, last_term } => {
                format!("{me} installed a snapshot from {leader} up to index {last_index} (term {last_term})")
            }
            Event::ReadServed { key, value, mode, read_index, applied, rule, .. } => {
                let v = value.map_or("nothing".to_string(), |v| v.to_string());
                let how = match (rule, mode) {
                    (Rule::ReadIndex | Rule::Lease, _) => {
                        format!("({mode}): read index {read_index}, state applied through index {applied}")
                    }
                    (Rule::Fault(f), _) => format!(
                        "from its local state, applied through index {applied}, without confirming it still leads ({f})"
                    ),
                    (_, ReadMode::LocalAnyNode) => format!(
                        "from its local state, applied through index {applied}, without asking the leader ({mode})"
                    ),
                    _ => format!(
                        "from its local state, applied through index {applied}, without checking it still leads ({mode})"
                    ),
                };
                format!("{me} answered read {key} = {v} {how}")
            }
            Event::Refused { reason, .. } => format!("{me} refused a request: {reason}"),
            Event::TransferStarted { target } => format!("{me} started handing leadership to {target} and stopped taking new requests"),
            Event::TimeoutNowSent { target } => format!("{me} told {target}, whose log is up to date, to start an election now"),
            Event::TransferAborted { target } => format!("{me} gave up handing leadership to {target} after an election timeout"),
            Event::QuorumLost => format!("{me} has not heard from a quorum for an election timeout"),
        };
        format!("{body} ({})", self.rule().section())
    }
}

fn list(nodes: &[NodeId]) -> String {
    nodes
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rule behind each refusal, with the other rules (the refusal is a
/// client's business; the rule that explains it lives here).
impl Refusal {
    /// The rule that made the node refuse.
    pub fn rule(&self) -> Rule {
        match self {
            Refusal::NotLeader { .. } => Rule::LeaderServesClients,
            Refusal::TransferInProgress | Refusal::AlreadyLeader => Rule::LeadershipTransfer,
            Refusal::NoLease { .. } => Rule::Lease,
            Refusal::ConfigChangePending
            | Refusal::NoCommitInTerm
            | Refusal::AlreadyMember(_)
            | Refusal::NotAMember(_)
            | Refusal::NoVotersLeft => Rule::SingleServerChange,
            Refusal::NoChange => Rule::JointConsensus,
            Refusal::NotCaughtUp(_) | Refusal::AlreadyPromoting(_) => Rule::Learners,
        }
    }
}
