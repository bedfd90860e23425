//! A lesson being played: its captions, each stopping at a step of the
//! lesson's run, and which one is shown.

use crate::scenario::{Focus, Lesson, LessonError, Stop};

/// A lesson being played: where each caption stops, and which is shown.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonPlay {
    /// Its short name, for links.
    pub slug: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Its introduction.
    pub intro: &'static str,
    /// Each caption's step and text.
    pub stops: Vec<Stop>,
    /// The caption shown.
    pub at: usize,
}

impl LessonPlay {
    /// `lesson` at its first caption (replays its run to find its stops).
    pub fn start(lesson: &Lesson) -> Result<LessonPlay, LessonError> {
        Ok(LessonPlay {
            slug: lesson.slug,
            title: lesson.title,
            intro: lesson.intro,
            stops: lesson.stops()?,
            at: 0,
        })
    }

    /// The caption shown.
    pub fn caption(&self) -> Option<&Stop> {
        self.stops.get(self.at)
    }

    /// Whether the caption shown is the last.
    pub fn at_last(&self) -> bool {
        self.at + 1 >= self.stops.len()
    }

    /// What the caption on screen points at, while the cursor is at its
    /// step `cursor`; nothing once the cursor has moved away.
    pub fn focus_at(&self, cursor: u64) -> &[Focus] {
        self.caption()
            .filter(|s| s.step == cursor)
            .map_or(&[], |s| s.focus.as_slice())
    }

    /// Why closing it at the caption shown because a person acted: their
    /// action changed the run its captions describe.
    pub fn closed_by_action(&self) -> String {
        format!(
            "Your action changed the run, so “{}” closed at caption {}: its captions describe the run without it. Pick the lesson again to start over.",
            self.title,
            self.at + 1
        )
    }
}
