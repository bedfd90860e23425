//! Drawings made as SVG markup: the swimlane timeline and its overview.

pub(in crate::view) mod cursor_layer;
pub(in crate::view) mod overview;
pub(in crate::view) mod swimlane;
