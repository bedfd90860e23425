//! Drawings made as SVG markup: the swimlane timeline and its overview.

pub(in crate::view) mod swimlane;
