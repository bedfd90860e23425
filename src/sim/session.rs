//! A whole session as data: format version, configuration, seed, timed
//! actions and a cursor. It is what a URL fragment or a saved file holds, so
//! decoding treats it as hostile input: bounded size, typed errors, no panic.

use super::action::{Action, TimedAction};
use super::clock::MAX_DRIFT_PPM;
use super::world::{WorldConfig, WorldError};
use crate::raft::{is_valid_key, NodeId, Time, KEY_RULE};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The session format this build reads and writes.
pub const SESSION_VERSION: u32 = 1;
/// The largest session text accepted, in bytes.
pub const MAX_SESSION_BYTES: usize = 1 << 20;
/// The most actions a session may hold.
pub const MAX_ACTIONS: usize = 10_000;
/// The furthest step a session may open at: replaying it takes a few
/// seconds, never a frozen tab.
pub const MAX_CURSOR: u64 = 2_000_000;
/// The latest time an action may be scheduled at: 24 hours.
pub const MAX_ACTION_TIME: Time = Time(24 * 3_600 * 1_000_000);

/// A complete, replayable session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Format version; must be [`SESSION_VERSION`].
    pub version: u32,
    /// The world's configuration.
    pub config: WorldConfig,
    /// The world's seed.
    pub seed: u64,
    /// User actions in time order.
    pub actions: Vec<TimedAction>,
    /// The step the viewer was at, if saved.
    #[serde(default)]
    pub cursor: Option<u64>,
    /// The lesson open when the session was shared, and its caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<LessonRef>,
    /// The other branches of the same run (same configuration and seed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<BranchRecord>,
}

/// Another branch of a run: what started it, its actions and its step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchRecord {
    /// What started it, in words (at most [`MAX_LABEL`] bytes).
    pub label: String,
    /// The step it split from its parent at.
    pub diverged_at: Option<u64>,
    /// Its actions, in time order.
    pub actions: Vec<TimedAction>,
    /// Where it was left.
    pub cursor: Option<u64>,
}

/// The most branches a session carries besides its own.
pub const MAX_OTHER_BRANCHES: usize = 7;
/// The longest branch label.
pub const MAX_LABEL: usize = 200;

/// A lesson by its slug, at a caption (from 0).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonRef {
    /// The lesson's short name, e.g. `first-election`.
    pub slug: String,
    /// The caption shown.
    pub caption: usize,
}

/// Why a session could not be read. Nothing is changed by a failed read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionError {
    /// The text is larger than [`MAX_SESSION_BYTES`].
    TooLarge { bytes: usize },
    /// The text is not valid JSON for a session (truncated, wrong types,
    /// unknown fields, negative numbers).
    Malformed(String),
    /// The format version is not one this build reads.
    WrongVersion { found: String },
    /// The configuration is invalid.
    Config(WorldError),
    /// More than [`MAX_ACTIONS`] actions.
    TooManyActions { count: usize },
    /// An action is scheduled after [`MAX_ACTION_TIME`].
    TimeOutOfRange { index: usize, at: Time },
    /// Actions must be in time order.
    OutOfOrder { index: usize },
    /// An action names a node the world does not have.
    UnknownNode { index: usize, node: NodeId },
    /// An action's settings are invalid.
    InvalidAction { index: usize, reason: String },
    /// The cursor is further into the run than a page may replay on opening.
    CursorTooFar { cursor: u64 },
    /// More branches than a session may carry.
    TooManyBranches { count: usize },
    /// A branch's label is too long.
    LabelTooLong { branch: usize },
    /// Something in one of the other branches (numbered from 1).
    InBranch {
        branch: usize,
        error: Box<SessionError>,
    },
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::TooLarge { bytes } => write!(f, "the session is {bytes} bytes; the limit is {MAX_SESSION_BYTES}"),
            SessionError::Malformed(why) => write!(f, "the session is not valid: {why}"),
            SessionError::WrongVersion { found } => write!(f, "the session has format version {found}; this Raftlab reads version {SESSION_VERSION}"),
            SessionError::Config(e) => write!(f, "the session's settings are invalid: {e}"),
            SessionError::TooManyActions { count } => write!(f, "the session has {count} actions; the limit is {MAX_ACTIONS}"),
            SessionError::CursorTooFar { cursor } => write!(f, "the session opens at step {cursor}; the limit is {MAX_CURSOR}"),
            SessionError::TooManyBranches { count } => write!(f, "the session has {count} other branches; the limit is {MAX_OTHER_BRANCHES}"),
            SessionError::LabelTooLong { branch } => write!(f, "branch {branch}'s label is longer than {MAX_LABEL} bytes"),
            SessionError::InBranch { branch, error } => write!(f, "in branch {branch}: {error}"),
            SessionError::TimeOutOfRange { index, at } => write!(f, "action {} is at {at}, later than the 24-hour limit", index + 1),
            SessionError::OutOfOrder { index } => write!(f, "action {} is earlier than the one before it", index + 1),
            SessionError::UnknownNode { index, node } => write!(f, "action {} names {node}, which this cluster does not have", index + 1),
            SessionError::InvalidAction { index, reason } => write!(f, "action {} is invalid: {reason}", index + 1),
        }
    }
}

impl std::error::Error for SessionError {}

impl Session {
    /// A session with no actions yet.
    pub fn new(config: WorldConfig, seed: u64) -> Session {
        Session {
            version: SESSION_VERSION,
            config,
            seed,
            actions: Vec::new(),
            cursor: None,
            lesson: None,
            branches: Vec::new(),
        }
    }

    /// Reads a session from JSON, checking everything before returning it.
    pub fn from_json(text: &str) -> Result<Session, SessionError> {
        if text.len() > MAX_SESSION_BYTES {
            return Err(SessionError::TooLarge { bytes: text.len() });
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SessionError::Malformed(e.to_string()))?;
        match value.get("version") {
            Some(v) if v.as_u64() == Some(u64::from(SESSION_VERSION)) => {}
            Some(v) => {
                return Err(SessionError::WrongVersion {
                    found: v.to_string(),
                })
            }
            None => return Err(SessionError::Malformed("missing field `version`".into())),
        }
        if let Some(count) = value
            .get("actions")
            .and_then(|a| a.as_array())
            .map(|a| a.len())
        {
            if count > MAX_ACTIONS {
                return Err(SessionError::TooManyActions { count });
            }
        }
        let session: Session =
            serde_json::from_value(value).map_err(|e| SessionError::Malformed(e.to_string()))?;
        session.validate()?;
        Ok(session)
    }

    /// The session without its actions and branches (for checking a branch).
    fn clone_head(&self) -> Session {
        Session {
            version: self.version,
            config: self.config.clone(),
            seed: self.seed,
            actions: Vec::new(),
            cursor: None,
            lesson: None,
            branches: Vec::new(),
        }
    }

    /// Brings a session made in this tab within what a link or file may
    /// open: cursors past [`MAX_CURSOR`] move back to it (the run is the
    /// same; it opens earlier), and branch labels are cut to [`MAX_LABEL`]
    /// bytes. Whether the cursor of the session itself moved.
    pub fn clamp_to_limits(&mut self) -> bool {
        let moved = self.cursor.is_some_and(|c| c > MAX_CURSOR);
        self.cursor = self.cursor.map(|c| c.min(MAX_CURSOR));
        for b in &mut self.branches {
            b.cursor = b.cursor.map(|c| c.min(MAX_CURSOR));
            if b.label.len() > MAX_LABEL {
                let mut end = MAX_LABEL - '…'.len_utf8();
                while !b.label.is_char_boundary(end) {
                    end -= 1;
                }
                b.label.truncate(end);
                b.label.push('…');
            }
        }
        moved
    }

    /// Why a link or file holding `json` (this session's
    /// [`Session::to_json`]) would not open, if it would not: what
    /// [`Session::validate`] refuses, or JSON over [`MAX_SESSION_BYTES`]. A
    /// run made in this tab can outgrow the limits in ways
    /// [`Session::clamp_to_limits`] cannot bring back (too many actions,
    /// an action too late).
    pub fn share_problem(&self, json: &str) -> Option<SessionError> {
        if let Err(e) = self.validate() {
            return Some(e);
        }
        (json.len() > MAX_SESSION_BYTES).then_some(SessionError::TooLarge { bytes: json.len() })
    }

    /// The session as compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| unreachable!("a session always serializes"))
    }

    /// Checks the configuration and every action against it.
    pub fn validate(&self) -> Result<(), SessionError> {
        self.config.validate().map_err(SessionError::Config)?;
        if self.branches.len() > MAX_OTHER_BRANCHES {
            return Err(SessionError::TooManyBranches {
                count: self.branches.len(),
            });
        }
        for (i, b) in self.branches.iter().enumerate() {
            if b.label.len() > MAX_LABEL {
                return Err(SessionError::LabelTooLong { branch: i + 1 });
            }
            let alone = Session {
                actions: b.actions.clone(),
                cursor: b.cursor,
                lesson: None,
                branches: Vec::new(),
                ..self.clone_head()
            };
            alone.validate().map_err(|e| SessionError::InBranch {
                branch: i + 1,
                error: Box::new(e),
            })?;
        }
        if let Some(cursor) = self.cursor.filter(|c| *c > MAX_CURSOR) {
            return Err(SessionError::CursorTooFar { cursor });
        }
        if self.actions.len() > MAX_ACTIONS {
            return Err(SessionError::TooManyActions {
                count: self.actions.len(),
            });
        }
        let nodes = self.config.nodes;
        let mut last = Time::ZERO;
        for (index, timed) in self.actions.iter().enumerate() {
            if timed.at > MAX_ACTION_TIME {
                return Err(SessionError::TimeOutOfRange {
                    index,
                    at: timed.at,
                });
            }
            if timed.at < last {
                return Err(SessionError::OutOfOrder { index });
            }
            last = timed.at;
            for node in nodes_named(&timed.action) {
                if node.0 == 0 || node.0 > nodes {
                    return Err(SessionError::UnknownNode { index, node });
                }
            }
            let invalid = |reason: String| SessionError::InvalidAction { index, reason };
            match &timed.action {
                Action::SetRaftConfig(c) => c.validate().map_err(|e| invalid(e.to_string()))?,
                Action::SetNetwork(n) => n.validate().map_err(|e| invalid(e.to_string()))?,
                Action::SetWorkload(Some(w)) => w.validate().map_err(|e| invalid(e.to_string()))?,
                Action::SetClockDrift { drift_ppm, .. }
                    if !(-MAX_DRIFT_PPM..=MAX_DRIFT_PPM).contains(drift_ppm) =>
                {
                    return Err(invalid(format!(
                        "clock drift {drift_ppm} ppm is beyond ±{MAX_DRIFT_PPM}"
                    )));
                }
                Action::SetLinkLatency {
                    range: Some((lo, hi)),
                    ..
                } if *lo == 0 || lo > hi || *hi > 10_000_000 => {
                    return Err(invalid(format!("a link latency range must be 1 to 10,000,000 µs with min ≤ max, not {lo}–{hi}")));
                }
                Action::Read { key, .. } if !is_valid_key(key) => {
                    return Err(invalid(KEY_RULE.into()))
                }
                Action::Write { op, .. } if !is_valid_key(op.key()) => {
                    return Err(invalid(KEY_RULE.into()))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Every node id an action mentions.
fn nodes_named(action: &Action) -> Vec<NodeId> {
    match action {
        Action::Crash { node }
        | Action::Restart { node }
        | Action::RestartBlank { node }
        | Action::ForceTimeout { node }
        | Action::Isolate { node }
        | Action::SetClockDrift { node, .. }
        | Action::Write { node, .. }
        | Action::Read { node, .. } => vec![*node],
        Action::Partition { groups } => groups.iter().flatten().copied().collect(),
        Action::CutLink { from, to }
        | Action::RestoreLink { from, to }
        | Action::SetLinkLatency { from, to, .. } => vec![*from, *to],
        Action::TransferLeadership { target } => vec![*target],
        Action::ChangeMembership { change } => change.nodes(),
        Action::Heal
        | Action::SetNetwork(_)
        | Action::DropMessage { .. }
        | Action::SetRaftConfig(_)
        | Action::SetWorkload(_) => vec![],
    }
}
