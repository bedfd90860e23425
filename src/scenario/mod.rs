//! Sharing and scripting sessions. A session (configuration, seed, timed
//! actions, cursor; see [`crate::sim::Session`]) travels in a URL fragment
//! ([`link`]) or a JSON file ([`crate::sim::Session::from_json`]).

pub mod link;

pub use link::{from_fragment, to_fragment, LinkError};
