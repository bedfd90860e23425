//! What the swimlane drawing shows about the playhead: the veil over the
//! known future, a dot on every message in the air at the playhead, and the
//! playhead itself. The page draws the rest of the window once
//! ([`swimlane_base`](super::swimlane::swimlane_base)) and puts only this
//! layer in again at each step, so stepping and seeking inside a window
//! cost the browser a handful of elements.

use super::swimlane::{family, Frame, GUTTER, RULER};
use crate::raft::Time;
use crate::view::fixed;
use crate::view::history::lane_window::{LaneWindow, Traffic};
use std::fmt::Write;

/// The class of the group, inside the lanes' clipped part, that holds the
/// veil and the dots.
pub const LANES_LAYER: &str = "cursor-layer";
/// The class of the group, over the whole drawing, that holds the playhead.
pub const PLAYHEAD_LAYER: &str = "playhead-layer";

/// The markup of the two groups that depend on the playhead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CursorLayer {
    /// The veil after the playhead and the messages in the air (drawn over
    /// the lanes, clipped to them).
    pub lanes: String,
    /// The playhead's line and grip (over the ruler too).
    pub playhead: String,
}

impl CursorLayer {
    /// The layer for the playhead at `cursor` over the drawing of `window`.
    pub fn at(window: &LaneWindow, frame: &Frame, cursor: Time) -> Self {
        let (w, h) = (frame.width, frame.height());
        let px = frame.x(cursor);
        let mut lanes = String::new();
        // What the history holds after the playhead is the known future:
        // it happened in this history but not yet at the cursor.
        let (from, to) = (px.max(GUTTER), frame.x(window.known_until).min(w));
        if window.known_until > cursor && to > from {
            let _ = write!(
                lanes,
                r#"<rect class="future-veil" x="{from}" y="{RULER}" width="{}" height="{}"/>"#,
                fixed(to - from, 1),
                fixed(h - RULER, 1),
                from = fixed(from, 1)
            );
        }
        if let Traffic::Arrows(arrows) = &window.traffic {
            for a in arrows.iter().filter(|a| a.in_flight_at(cursor)) {
                // Where it is at the cursor, on the straight line of its flight.
                let f = if a.end > a.sent {
                    (cursor.since(a.sent) as f64 / a.end.since(a.sent) as f64).min(1.0)
                } else {
                    1.0
                };
                let (x1, y1) = (frame.x(a.sent), frame.lane_y(a.from));
                let (x2, y2) = (frame.x(a.end), frame.lane_y(a.to));
                let _ = write!(
                    lanes,
                    r#"<circle class="in-air {}" cx="{}" cy="{}" r="3.5"><title>{} {} → {}, sent {}, in the air</title></circle>"#,
                    family(a.kind),
                    fixed(x1 + (x2 - x1) * f, 1),
                    fixed(y1 + (y2 - y1) * f, 1),
                    a.kind.label(),
                    a.from,
                    a.to,
                    a.sent
                );
            }
        }
        let mut playhead = String::new();
        if (GUTTER..=w).contains(&px) {
            let _ = write!(
                playhead,
                r#"<line class="playhead" x1="{px}" y1="0" x2="{px}" y2="{h}"/><path class="playhead-grip" d="M{} 0 h12 l-6 8 z"/>"#,
                fixed(px - 6.0, 1),
                px = fixed(px, 1),
                h = fixed(h, 0)
            );
        }
        CursorLayer { lanes, playhead }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Timeline, WorldConfig};
    use crate::view::testing::{lane_frame, leader_of, settle};
    use crate::view::{swimlane_base, swimlane_svg, Recorder};

    #[test]
    fn after_a_step_back_the_future_is_veiled_and_messages_in_the_air_are_marked() {
        let mut t = Timeline::fresh(WorldConfig::default(), 3, Recorder::new()).unwrap();
        leader_of(&mut t);
        settle(&mut t, 300);
        let lanes = t.observer().lanes().clone();
        let end = lanes.end();
        let cursor = Time(end.0 - 150_000);
        let f = lane_frame(&lanes, 1_000.0, Time::ZERO, end);
        let window = lanes.window(Time::ZERO, end, 944, true);
        let layer = CursorLayer::at(&window, &f, cursor);
        let px = f.x(cursor);
        assert!(layer.lanes.starts_with(&format!(
            r#"<rect class="future-veil" x="{px}""#,
            px = fixed(px, 1)
        )));
        let Traffic::Arrows(arrows) = &window.traffic else {
            panic!("300 ms fit as arrows");
        };
        let flying = arrows.iter().filter(|a| a.in_flight_at(cursor)).count();
        assert!(flying > 0, "a heartbeat is in the air at any moment");
        assert_eq!(
            layer.lanes.matches("<circle class=\"in-air").count(),
            flying
        );
        assert!(layer.playhead.starts_with(&format!(
            r#"<line class="playhead" x1="{px}""#,
            px = fixed(px, 1)
        )));

        // The rest of the drawing does not depend on the playhead: the
        // whole drawing is the base with this layer in its two groups.
        let base = swimlane_base(&window, &f);
        assert!(base.contains(r#"<g class="cursor-layer"></g>"#));
        let whole = swimlane_svg(&window, &f, cursor);
        assert_eq!(
            whole,
            base.replace(
                r#"<g class="cursor-layer"></g>"#,
                &format!(r#"<g class="cursor-layer">{}</g>"#, layer.lanes)
            )
            .replace(
                r#"<g class="playhead-layer"></g>"#,
                &format!(r#"<g class="playhead-layer">{}</g>"#, layer.playhead)
            )
        );
    }

    #[test]
    fn at_the_end_of_the_history_nothing_is_veiled_and_a_playhead_outside_is_not_drawn() {
        // (The window reaches past the end, as a followed one does.)
        let mut t = Timeline::fresh(WorldConfig::default(), 3, Recorder::new()).unwrap();
        leader_of(&mut t);
        let lanes = t.observer().lanes().clone();
        let end = lanes.end();
        let f = lane_frame(&lanes, 800.0, Time::ZERO, Time(end.0 * 3 / 2));
        let window = lanes.window(Time::ZERO, f.to, 744, true);
        let layer = CursorLayer::at(&window, &f, end);
        assert!(!layer.lanes.contains("future-veil"));
        assert!(layer.playhead.contains("playhead"));
        let earlier = CursorLayer::at(&window, &f, Time(end.0 / 2));
        assert!(
            earlier.lanes.contains(&format!(
                r#"width="{}""#,
                fixed(f.x(end) - f.x(Time(end.0 / 2)), 1)
            )),
            "the veil ends where the history does: {}",
            earlier.lanes
        );
        let later = CursorLayer::at(&window, &f, Time(end.0 * 2));
        assert!(
            later.playhead.is_empty(),
            "the playhead is out of the window"
        );
    }
}
