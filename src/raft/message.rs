//! Messages between nodes (Figure 2, Figure 13, thesis §3.10, §9.6).

use super::log::{Entry, Snapshot};
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
    LogTooShort { last_index: LogIndex },
    /// Our entry at `prev_index` has `term`, which first appears at
    /// `first_index_of_term` in our log.
    TermMismatch {
        term: Term,
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
        term: Term,
        last_log_index: LogIndex,
        last_log_term: Term,
        pre_vote: bool,
        /// Sent because the leader handed leadership over (TimeoutNow): it
        /// overrides the "leader is alive" check (thesis §3.10).
        transfer: bool,
    },
    /// The answer to a vote request.
    VoteResponse {
        term: Term,
        granted: bool,
        pre_vote: bool,
    },
    /// Replicate entries and carry the commit index; empty as a heartbeat
    /// (§5.3). `round` numbers the leader's heartbeat rounds for ReadIndex and
    /// leases (§8, thesis §6.4).
    AppendEntries {
        term: Term,
        prev_index: LogIndex,
        prev_term: Term,
        entries: Vec<Entry>,
        leader_commit: LogIndex,
        round: u64,
    },
    /// The answer to AppendEntries. On success `match_index` is the last index
    /// known to match the leader.
    AppendResponse {
        term: Term,
        success: bool,
        match_index: LogIndex,
        prev_index: LogIndex,
        rejection: Option<AppendRejection>,
        round: u64,
    },
    /// Replace the follower's log prefix with the leader's snapshot (§7).
    InstallSnapshot {
        term: Term,
        snapshot: Snapshot,
        round: u64,
    },
    /// The answer to InstallSnapshot.
    SnapshotResponse {
        term: Term,
        last_index: LogIndex,
        round: u64,
    },
    /// Start an election now: the leader is handing over (thesis §3.10).
    TimeoutNow { term: Term },
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
