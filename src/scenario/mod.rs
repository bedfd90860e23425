//! Sharing and scripting sessions. A session (configuration, seed, timed
//! actions, cursor; see [`crate::sim::Session`]) travels in a URL fragment
//! ([`link`]) or a JSON file ([`crate::sim::Session::from_json`]). Lessons
//! ([`lesson`], [`lessons`]) are sessions with captions.

pub mod lesson;
pub mod lessons;
pub mod link;

#[cfg(test)]
mod decoder_fuzz;

pub use lesson::{Caption, Cue, Focus, Lesson, LessonError, Stop, Watch};
pub use link::{from_fragment, json_fragment, to_fragment, LinkError};
