//! Guided lessons: a real run of the real cluster that pauses at captions.
//!
//! A lesson is data: a title, a one-paragraph introduction, a session (world
//! configuration, seed and timed actions) and captions. Each caption waits
//! for a cue, a moment in simulated time or the next step after the previous
//! caption in which something happens ("a node becomes candidate"), and its
//! text may name the node and term that step was about, so what it says is
//! always what the run shows. [`Lesson::stops`] runs the world and finds the
//! step each caption stops at; a player seeks there (going back is time
//! travel, so it restores the exact earlier state).

use crate::raft::{Event, NodeId, Rule, Term, Time};
use crate::sim::{Session, What, World, WorldError};
use std::fmt;

/// Something a caption waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Watch {
    /// A node's election timer fires on its own (not forced).
    ElectionTimeout,
    /// A node becomes a candidate.
    BecameCandidate,
    /// A node grants its vote (not a pre-vote).
    VoteGranted,
    /// A node refuses its vote (not a pre-vote).
    VoteRefused,
    /// A node wins an election.
    BecameLeader,
    /// A leader commits an entry by counting replicas.
    LeaderCommitted,
    /// A node starts using a new configuration.
    ConfigChanged,
    /// A node starts using a configuration one voter larger or smaller
    /// (thesis §4.1): a promotion or a removal.
    VoterChanged,
    /// A node removes conflicting entries from its log.
    LogTruncated,
    /// A follower refuses AppendEntries that do not match its log (§5.3).
    AppendRejected,
    /// A node compacts its log into a snapshot (§7).
    SnapshotTaken,
    /// A leader sends its snapshot to a follower (§7).
    SnapshotSent,
    /// A follower installs a leader's snapshot (§7).
    SnapshotInstalled,
    /// A user action takes effect (a crash, a partition, a setting).
    Action,
}

impl Watch {
    /// The node and term of the first match among one step's events, if any.
    fn find(
        self,
        what: &What,
        events: &[(NodeId, Event)],
    ) -> Option<(Option<NodeId>, Option<Term>)> {
        if self == Watch::Action {
            return matches!(what, What::Action { result: Ok(()), .. }).then_some((None, None));
        }
        events.iter().find_map(|(node, e)| {
            let term = match (self, e) {
                (
                    Watch::ElectionTimeout,
                    Event::ElectionTimeout {
                        term,
                        forced: false,
                    },
                ) => *term,
                (Watch::BecameCandidate, Event::BecameCandidate { term, .. }) => *term,
                (
                    Watch::VoteGranted,
                    Event::VoteGranted {
                        term,
                        pre_vote: false,
                        ..
                    },
                ) => *term,
                (
                    Watch::VoteRefused,
                    Event::VoteRefused {
                        term,
                        pre_vote: false,
                        ..
                    },
                ) => *term,
                (Watch::BecameLeader, Event::BecameLeader { term, .. }) => *term,
                (Watch::LeaderCommitted, Event::Committed { term, quorum, .. })
                    if !quorum.is_empty() =>
                {
                    *term
                }
                (Watch::ConfigChanged, Event::ConfigChanged { .. })
                | (Watch::LogTruncated, Event::LogTruncated { .. })
                | (Watch::AppendRejected, Event::AppendRejected { .. })
                | (Watch::SnapshotTaken, Event::SnapshotTaken { .. })
                | (Watch::SnapshotSent, Event::SnapshotSent { .. }) => 0,
                (Watch::SnapshotInstalled, Event::SnapshotInstalled { last_term, .. }) => {
                    *last_term
                }
                (
                    Watch::VoterChanged,
                    Event::ConfigChanged {
                        rule: Rule::SingleServerChange,
                        ..
                    },
                ) => 0,
                _ => return None,
            };
            Some((Some(*node), Some(term)))
        })
    }
}

/// When a caption shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    /// Before the first step.
    Start,
    /// The last step at or before this simulated time.
    At(Time),
    /// The first step after the previous caption's in which this happens.
    Next(Watch),
}

/// One caption: its cue and its text. In the text, `{node}` and `{term}`
/// stand for the node and term the cue's step was about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caption {
    /// When it shows.
    pub cue: Cue,
    /// What it says.
    pub text: &'static str,
}

/// A guided lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// A short name for links, e.g. `first-election`.
    pub slug: &'static str,
    /// The title in the Lessons menu.
    pub title: &'static str,
    /// One paragraph that says what the lesson shows.
    pub intro: &'static str,
    /// The run: configuration, seed and timed actions.
    pub session: Session,
    /// The captions, in order.
    pub captions: Vec<Caption>,
}

/// Something a caption points at, for the player to highlight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Focus {
    /// A message the cue's step sent, still in flight when the caption shows.
    Message {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// Its kind.
        kind: crate::raft::MessageKind,
    },
    /// A log entry the cue's step committed or removed.
    Entry {
        /// The node whose log holds it.
        node: NodeId,
        /// Its index.
        index: crate::raft::LogIndex,
    },
    /// The stretch of the timeline since the previous caption.
    Span {
        /// Start (global).
        from: Time,
        /// End (global).
        to: Time,
    },
}

/// Where one caption stops the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// The step the player seeks to (0: before the first step).
    pub step: u64,
    /// Simulated time at that step.
    pub time: Time,
    /// The node the cue's step was about: the one to highlight.
    pub node: Option<NodeId>,
    /// The caption's text with `{node}` and `{term}` filled in.
    pub text: String,
    /// What else it points at: the messages and entries of the cue's step,
    /// and the timeline since the previous caption.
    pub focus: Vec<Focus>,
}

/// Why a lesson could not be played.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonError {
    /// The lesson's session is not a valid world.
    World(WorldError),
    /// The run ended, or passed its step limit, before this caption's cue.
    CueNeverHappened {
        /// The caption's position, from 0.
        caption: usize,
    },
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LessonError::World(e) => write!(f, "the lesson's cluster is invalid: {e}"),
            LessonError::CueNeverHappened { caption } => write!(
                f,
                "caption {} waits for something that never happens in this run",
                caption + 1
            ),
        }
    }
}

impl std::error::Error for LessonError {}

/// How many steps a lesson may run looking for a cue.
pub const MAX_LESSON_STEPS: u64 = 200_000;

impl Lesson {
    /// Runs the lesson's world and finds where each caption stops.
    pub fn stops(&self) -> Result<Vec<Stop>, LessonError> {
        let s = &self.session;
        let mut world = World::with_actions(s.config.clone(), s.seed, &s.actions)
            .map_err(LessonError::World)?;
        let mut stops: Vec<Stop> = Vec::with_capacity(self.captions.len());
        for (i, caption) in self.captions.iter().enumerate() {
            let mut focus = Vec::new();
            let found = match caption.cue {
                Cue::Start if world.steps() == 0 => Some((None, None)),
                Cue::Start => None,
                Cue::At(t) => {
                    while world.steps() < MAX_LESSON_STEPS && world.step_at_or_before(t).is_some() {
                    }
                    Some((None, None))
                }
                Cue::Next(watch) => loop {
                    if world.steps() >= MAX_LESSON_STEPS {
                        break None;
                    }
                    let Some(record) = world.step() else {
                        break None;
                    };
                    if let Some(hit) = watch.find(&record.what, &record.events) {
                        focus = step_focus(&record);
                        break Some(hit);
                    }
                },
            };
            let (node, term) = found.ok_or(LessonError::CueNeverHappened { caption: i })?;
            let text = caption
                .text
                .replace("{node}", &node.map_or(String::new(), |n| n.to_string()))
                .replace("{term}", &term.map_or(String::new(), |t| t.to_string()));
            let since = stops.last().map_or(Time::ZERO, |s| s.time);
            if world.now() > since {
                focus.push(Focus::Span {
                    from: since,
                    to: world.now(),
                });
            }
            stops.push(Stop {
                step: world.steps(),
                time: world.now(),
                node,
                text,
                focus,
            });
        }
        Ok(stops)
    }
}

/// The messages a step sent and the entries it committed or removed.
fn step_focus(record: &crate::sim::StepRecord) -> Vec<Focus> {
    let mut focus: Vec<Focus> = record
        .sent
        .iter()
        .filter(|m| m.deliver_at.is_some())
        .map(|m| Focus::Message {
            from: m.from,
            to: m.to,
            kind: m.kind,
        })
        .collect();
    for (node, event) in &record.events {
        match event {
            Event::Committed { index, .. } => focus.push(Focus::Entry {
                node: *node,
                index: *index,
            }),
            Event::LogTruncated { from_index, .. } => focus.push(Focus::Entry {
                node: *node,
                index: *from_index,
            }),
            _ => {}
        }
    }
    focus
}
