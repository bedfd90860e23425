//! Sharing: the session so far as a file or a link, and opening one.

use super::branches::{BranchInfo, Branches, Parked};
use super::{App, LiveEdge, SessionSettings};
use crate::scenario::{json_fragment, lessons};
use crate::sim::{BranchRecord, LessonRef, Session, Timeline};
use crate::view::{self, Recorder};

/// The session in shareable form (see [`App::share`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// For a file (and, encoded, for a link: [`Shared::fragment`]).
    pub json: String,
    /// The step it opens at.
    pub opens_at: u64,
    /// Whether that is earlier than the cursor, because a link or file opens
    /// at most at [`crate::sim::MAX_CURSOR`].
    pub clamped: bool,
    /// Why a link or file of it would not open, if it would not: then
    /// nothing is copied, saved or autosaved.
    pub problem: Option<String>,
}

impl Shared {
    /// For a link, after the `#`. Made only when asked: the autosave,
    /// which runs at every step while paused, needs the JSON alone.
    pub fn fragment(&self) -> String {
        json_fragment(&self.json)
    }

    /// Where a link or file of it opens, in words.
    pub fn opens_words(&self) -> String {
        if self.clamped {
            format!(
                "it opens this run paused at step {}, the furthest a link or file opens at; press Play there to go on",
                self.opens_at
            )
        } else {
            format!("it opens this run paused at step {}", self.opens_at)
        }
    }

    /// Why a run with `problem` is not put in a link or file, in words.
    pub fn refusal(problem: &str) -> String {
        format!("This run cannot be shared: {problem}, so no link or file of it would open. Nothing was copied or saved.")
    }
}

impl App {
    /// The session so far with its cursor, its other branches and the
    /// lesson caption on screen, as JSON (for a file) and as a URL fragment
    /// (for a link).
    pub fn share(&self) -> Shared {
        let lesson = self.lesson.as_ref().map(|l| LessonRef {
            slug: l.slug.to_string(),
            caption: l.at,
        });
        let branches = self
            .branches
            .parked()
            .iter()
            .map(|b| BranchRecord {
                label: b.info.label.clone(),
                diverged_at: b.info.diverged_at,
                actions: b.timeline.session().actions,
                cursor: Some(b.pending_cursor.unwrap_or_else(|| b.timeline.furthest())),
            })
            .collect();
        let mut session = Session {
            lesson,
            branches,
            ..self.timeline.session()
        };
        let clamped = session.clamp_to_limits();
        let json = session.to_json();
        Shared {
            problem: session.share_problem(&json).map(|e| e.to_string()),
            json,
            opens_at: session.cursor.unwrap_or(0),
            clamped,
        }
    }

    /// Opens a shared session (from a link or a file), paused at its
    /// cursor; a lesson's session opens at its caption. On error nothing
    /// changes.
    pub fn open_shared(&mut self, session: Session) -> Result<(), String> {
        if let Some(at) = &session.lesson {
            let lesson = lessons::by_slug(&at.slug).ok_or_else(|| {
                format!(
                    "The session names a lesson this Raftlab does not have (“{}”)",
                    at.slug
                )
            })?;
            if at.caption >= lesson.captions.len() {
                return Err(format!(
                    "The session opens caption {} of “{}”, which has {}",
                    at.caption + 1,
                    lesson.title,
                    lesson.captions.len()
                ));
            }
            self.open_lesson(&lesson)?;
            self.show_caption(at.caption);
            return Ok(());
        }
        let cursor = session.cursor.unwrap_or(0);
        let settings = SessionSettings {
            size: session.config.voters,
            seed: session.seed,
        };
        let head = Session {
            branches: Vec::new(),
            ..session.clone()
        };
        // Every branch is checked before anything on screen changes.
        let parked = parked_branches(&head, &session.branches)?;
        self.load(session)?;
        self.branches = Branches::new(
            BranchInfo {
                label: "The shared history".to_string(),
                ..BranchInfo::first()
            },
            parked,
        );
        self.settings = settings;
        self.timeline.seek(cursor);
        self.set_playing(false);
        self.settle();
        Ok(())
    }
}

/// The other branches of a shared session, parked to be replayed when first
/// shown.
fn parked_branches(head: &Session, others: &[BranchRecord]) -> Result<Vec<Parked>, String> {
    others
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let session = Session {
                actions: b.actions.clone(),
                cursor: None,
                ..head.clone()
            };
            let timeline = Timeline::new(session, Recorder::new())
                .map_err(|e| view::capitalised(&e.to_string()))?;
            Ok(Parked {
                info: BranchInfo {
                    id: i + 2,
                    label: b.label.clone(),
                    diverged_at: b.diverged_at,
                    steps: b.cursor.unwrap_or(0),
                },
                live: LiveEdge::of(&timeline),
                timeline,
                pending_cursor: b.cursor,
            })
        })
        .collect()
}
