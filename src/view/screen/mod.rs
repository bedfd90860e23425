//! What each part of the screen shows, as plain data: the two frames
//! (cluster and panels) and their parts, the inspector, the event log's
//! lines, the timeline's viewport, the next event and the announcements.

pub(in crate::view) mod announce;
pub(in crate::view) mod ballot;
pub(in crate::view) mod cadence;
pub(in crate::view) mod cluster;
pub(in crate::view) mod cluster_layout;
pub(in crate::view) mod event_log;
pub(in crate::view) mod frames;
pub(in crate::view) mod inspector;
pub(in crate::view) mod logs;
pub(in crate::view) mod network;
pub(in crate::view) mod nodes;
pub(in crate::view) mod results;
pub(in crate::view) mod upcoming;
pub(in crate::view) mod viewport;
