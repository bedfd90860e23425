//! Messages between nodes (Figure 2, Figure 13, thesis §3.10, §9.6).

use super::log::{Entry, Snapshot};
use super::membership::Configuration;
use super::time::{LogIndex, NodeId, Term};
use serde::{Deserialize, Serialize};

/// A message and its addresses.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Envelope {
    /// The sender.
    pub from: NodeId,
    /// The receiver.
    pub to: NodeId,
    /// The message.
    pub message: Message,
}

/// Why a follower refused AppendEntries, and where the leader should retry
/// (§5.3 with the fast backtracking of its closing paragraphs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppendRejection {
    /// The sender's term is older than ours (§5.1).
    StaleTerm,
    /// We have no entry at `prev_index`; our log ends at `last_index`.
    LogTooShort {
        /// The index of our last log entry; the leader retries after it.
        last_index: LogIndex,
    },
    /// Our entry at `prev_index` has `term`, which first appears at
    /// `first_index_of_term` in our log.
    TermMismatch {
        /// The term of our entry at `prev_index`.
        term: Term,
        /// The first index of our run of entries with `term`; the leader may back up to it.
        first_index_of_term: LogIndex,
    },
}

/// One message of the protocol.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// A candidate asks for a vote (§5.2), or a pre-candidate asks whether it
    /// could win (thesis §9.6; then `term` is the term it would use and no
    /// state changes).
    RequestVote {
        /// The candidate's term; for a pre-vote, the term it would campaign in.
        term: Term,
        /// The index of the candidate's last log entry (§5.4.1).
        last_log_index: LogIndex,
        /// The term of the candidate's last log entry (§5.4.1).
        last_log_term: Term,
        /// Whether this is a pre-vote request, which changes no state (thesis §9.6).
        pre_vote: bool,
        /// Sent because the leader handed leadership over (TimeoutNow): it
        /// overrides the "leader is alive" check (thesis §3.10).
        transfer: bool,
    },
    /// The answer to a vote request.
    VoteResponse {
        /// The voter's current term, or the term asked about for a granted pre-vote (§5.1).
        term: Term,
        /// Whether the (pre-)vote was granted.
        granted: bool,
        /// Whether this answers a pre-vote request (thesis §9.6).
        pre_vote: bool,
    },
    /// Replicate entries and carry the commit index; empty as a heartbeat
    /// (§5.3). `round` numbers the leader's heartbeat rounds for ReadIndex and
    /// leases (§8, thesis §6.4).
    AppendEntries {
        /// The leader's term.
        term: Term,
        /// The index of the entry just before the new ones (§5.3).
        prev_index: LogIndex,
        /// The term of the entry at `prev_index` (§5.3).
        prev_term: Term,
        /// The entries to store, in index order; empty for a heartbeat.
        entries: Vec<Entry>,
        /// The leader's commit index.
        leader_commit: LogIndex,
        /// The leader's heartbeat round number, used to confirm leadership for ReadIndex and leases.
        round: u64,
        /// When `prev_index` is 0 and the leader's log starts there: the
        /// configuration its log starts from (the founding one), which no
        /// entry carries. A follower that lost its disk relearns it here,
        /// or it would never know who may vote (§6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        founding_config: Option<Box<Configuration>>,
    },
    /// The answer to AppendEntries. On success `match_index` is the last index
    /// known to match the leader.
    AppendResponse {
        /// The follower's current term, so a stale leader steps down (§5.1).
        term: Term,
        /// Whether the log matched at `prev_index` and now holds the entries (§5.3).
        success: bool,
        /// On success, the last index known to match the leader's log; 0 on failure.
        match_index: LogIndex,
        /// The `prev_index` the follower checked, raised to its snapshot's last index if below.
        prev_index: LogIndex,
        /// Why the request was refused and where to retry; `None` on success.
        rejection: Option<AppendRejection>,
        /// The `round` of the request answered (0 when refusing a stale term).
        round: u64,
    },
    /// Replace the follower's log prefix with the leader's snapshot (§7).
    InstallSnapshot {
        /// The leader's term.
        term: Term,
        /// The leader's snapshot: state machine, configuration, last index and
        /// term. Boxed: it is by far the largest message, and every message
        /// is moved a few times per step.
        snapshot: Box<Snapshot>,
        /// The leader's heartbeat round number, used to confirm leadership for ReadIndex and leases.
        round: u64,
    },
    /// The answer to InstallSnapshot.
    SnapshotResponse {
        /// The follower's current term.
        term: Term,
        /// The last index of the snapshot answered, which the follower now holds.
        last_index: LogIndex,
        /// The `round` of the InstallSnapshot answered.
        round: u64,
    },
    /// Start an election now: the leader is handing over (thesis §3.10).
    TimeoutNow {
        /// The leader's term.
        term: Term,
    },
}

/// The kind of a message, for drawing and filtering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    /// A pre-vote request.
    PreVote,
    /// A vote request.
    RequestVote,
    /// An answer to either vote request.
    VoteResponse,
    /// AppendEntries with entries.
    AppendEntries,
    /// AppendEntries without entries.
    Heartbeat,
    /// An answer to AppendEntries.
    AppendResponse,
    /// A snapshot transfer.
    InstallSnapshot,
    /// An answer to a snapshot transfer.
    SnapshotResponse,
    /// A leadership hand-over.
    TimeoutNow,
}

impl MessageKind {
    /// A short label, e.g. `AppendEntries`.
    pub fn label(self) -> &'static str {
        match self {
            MessageKind::PreVote => "PreVote",
            MessageKind::RequestVote => "RequestVote",
            MessageKind::VoteResponse => "Vote",
            MessageKind::AppendEntries => "AppendEntries",
            MessageKind::Heartbeat => "Heartbeat",
            MessageKind::AppendResponse => "AppendResponse",
            MessageKind::InstallSnapshot => "InstallSnapshot",
            MessageKind::SnapshotResponse => "SnapshotResponse",
            MessageKind::TimeoutNow => "TimeoutNow",
        }
    }
}

impl Message {
    /// The sender's term.
    pub fn term(&self) -> Term {
        match self {
            Message::RequestVote { term, .. }
            | Message::VoteResponse { term, .. }
            | Message::AppendEntries { term, .. }
            | Message::AppendResponse { term, .. }
            | Message::InstallSnapshot { term, .. }
            | Message::SnapshotResponse { term, .. }
            | Message::TimeoutNow { term } => *term,
        }
    }

    /// The message's kind.
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::RequestVote { pre_vote: true, .. } => MessageKind::PreVote,
            Message::RequestVote { .. } => MessageKind::RequestVote,
            Message::VoteResponse { .. } => MessageKind::VoteResponse,
            Message::AppendEntries { entries, .. } if entries.is_empty() => MessageKind::Heartbeat,
            Message::AppendEntries { .. } => MessageKind::AppendEntries,
            Message::AppendResponse { .. } => MessageKind::AppendResponse,
            Message::InstallSnapshot { .. } => MessageKind::InstallSnapshot,
            Message::SnapshotResponse { .. } => MessageKind::SnapshotResponse,
            Message::TimeoutNow { .. } => MessageKind::TimeoutNow,
        }
    }

    /// A one-line summary for the inspector, e.g. `AppendEntries t3 prev 4/2 +2 commit 4`.
    pub fn summary(&self) -> String {
        match self {
            Message::RequestVote {
                term,
                last_log_index,
                last_log_term,
                pre_vote,
                transfer,
            } => format!(
                "{}{} t{term} last {last_log_index}/{last_log_term}",
                if *pre_vote { "PreVote" } else { "RequestVote" },
                if *transfer { " (transfer)" } else { "" }
            ),
            Message::VoteResponse {
                term,
                granted,
                pre_vote,
            } => format!(
                "{}{} t{term}",
                if *pre_vote { "pre-vote " } else { "vote " },
                if *granted { "granted" } else { "refused" }
            ),
            Message::AppendEntries {
                term,
                prev_index,
                prev_term,
                entries,
                leader_commit,
                ..
            } => format!(
                "{} t{term} prev {prev_index}/{prev_term} +{} commit {leader_commit}",
                if entries.is_empty() {
                    "Heartbeat"
                } else {
                    "AppendEntries"
                },
                entries.len()
            ),
            Message::AppendResponse {
                term,
                success,
                match_index,
                ..
            } => {
                if *success {
                    format!("ok t{term} match {match_index}")
                } else {
                    format!("reject t{term}")
                }
            }
            Message::InstallSnapshot { term, snapshot, .. } => {
                format!(
                    "InstallSnapshot t{term} up to {}/{}",
                    snapshot.last_index, snapshot.last_term
                )
            }
            Message::SnapshotResponse {
                term, last_index, ..
            } => format!("snapshot ok t{term} at {last_index}"),
            Message::TimeoutNow { term } => format!("TimeoutNow t{term}"),
        }
    }
}
