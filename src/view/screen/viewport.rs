//! Where the swimlane timeline looks, and what a pointer on it means: a
//! window of simulated time that follows the playhead or stays where it was
//! put, zoomed and panned by buttons, keys, the wheel and gestures.
//!
//! The timeline component keeps one [`Viewport`] and one [`Pointers`] and
//! does what they say; every sum is here, tested natively.

use crate::raft::Time;
use crate::sorted::SortedMap;
use crate::view::Frame;
use crate::view::GUTTER;

/// Narrowest window: a fifth of a millisecond.
pub const MIN_SPAN: u64 = 200;
/// Window when the page opens: long enough for an election.
pub const DEFAULT_SPAN: u64 = 1_000_000;
/// While following, the playhead sits at most this far across the window.
pub const FOLLOW_AT: f64 = 0.85;
/// While following, the window moves in pages of its span over this: the
/// playhead stays between 60 % and 85 % of the way across, and a step that
/// keeps it there leaves the window, and the drawing of it, as they were.
const PAGES: u64 = 4;
/// Each zoom step (button, key or wheel notch) scales the window by this.
pub const ZOOM_STEP: f64 = 1.5;
/// How near the playhead (pixels) a press grabs it instead of the lanes.
const GRAB_PX: f64 = 8.0;
/// How far a press moves (pixels) before it is a drag, not a click.
const DRAG_PX: f64 = 4.0;

/// Where the lanes look: a window of `span` µs starting at `start`, or
/// following the playhead; and how wide the drawing is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// Where the window starts when not following.
    pub start: u64,
    /// How long it is, in µs.
    pub span: u64,
    /// Whether it follows the playhead.
    pub follow: bool,
    /// The drawing's width in pixels.
    pub width: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            start: 0,
            span: DEFAULT_SPAN,
            follow: true,
            width: 900.0,
        }
    }
}

impl Viewport {
    /// The window in view for a playhead at `now`.
    pub fn window(&self, now: Time) -> (Time, Time) {
        let span = self.span.max(MIN_SPAN);
        let start = if self.follow {
            let page = (span / PAGES).max(1);
            let earliest = now.0.saturating_sub((span as f64 * FOLLOW_AT) as u64);
            earliest.div_ceil(page) * page
        } else {
            self.start
        };
        (Time(start), Time(start + span))
    }

    /// Pixel columns of the lanes (the drawing without its gutter).
    pub fn columns(&self) -> usize {
        (self.width - GUTTER).max(1.0) as usize
    }

    /// Zooms by `factor` (> 1 zooms out) keeping the time at `anchor` where
    /// it is, for a playhead at `now` and a history ending at `end`. The
    /// window is never narrower than [`MIN_SPAN`] nor much wider than the
    /// history.
    pub fn zoom(&mut self, factor: f64, anchor: Time, now: Time, end: Time) {
        let (from, to) = self.window(now);
        let longest = end.0.max(DEFAULT_SPAN) + end.0 / 10;
        let span = ((to.since(from) as f64 * factor) as u64).clamp(MIN_SPAN, longest);
        let f = anchor.since(from) as f64 / to.since(from).max(1) as f64;
        self.span = span;
        if !self.follow {
            self.start = (anchor.0 as f64 - f * span as f64).max(0.0) as u64;
        }
    }

    /// Zooms by `factor` about the playhead if it is in view (or followed),
    /// else about the middle of the window: the zoom buttons and keys.
    pub fn zoom_step(&mut self, factor: f64, now: Time, end: Time) {
        let (from, to) = self.window(now);
        let anchor = if self.follow || (now >= from && now <= to) {
            now
        } else {
            Time(from.0 + to.since(from) / 2)
        };
        self.zoom(factor, anchor, now, end);
    }

    /// Stops following and shows the window starting at `start`.
    pub fn pan_to(&mut self, start: u64) {
        self.follow = false;
        self.start = start;
    }

    /// Shows the whole history (ending at `end`), with a little room.
    pub fn show_all(&mut self, end: Time) {
        self.follow = false;
        self.start = 0;
        self.span = end.0.max(MIN_SPAN) + end.0 / 50;
    }

    /// The time at `x` on the overview strip of a history ending at `end`,
    /// and the window centred there: a click on the overview.
    pub fn centre_on_overview(&mut self, x: f64, end: Time) -> Time {
        let t = Time(((x / self.width.max(1.0)).clamp(0.0, 1.0) * end.0 as f64) as u64);
        self.pan_to(t.0.saturating_sub(self.span / 2));
        t
    }
}

/// What a pointer pressed on the lanes is doing.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Gesture {
    /// Pressed; a click (seek) unless it moves.
    Pressed { x: f64, start: u64 },
    /// Dragging the view sideways.
    Panning { x: f64, start: u64 },
    /// Dragging the playhead; `held` once the window stopped following it
    /// (at the first move, so a plain click leaves Follow as it was).
    Scrubbing { held: bool },
    /// Two fingers: zooming.
    Pinching { distance: f64, span: u64 },
}

/// What the timeline does about a pointer or the wheel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Move {
    /// Nothing.
    None,
    /// Stop following and show the window starting here ([`Viewport::pan_to`]).
    Pan(u64),
    /// Go to this time: a click, or the playhead dragged. `hold` stops the
    /// window following first, so it does not move under the pointer.
    Seek { to: Time, hold: Option<u64> },
    /// Zoom by `factor` about `anchor` ([`Viewport::zoom`]).
    Zoom { factor: f64, anchor: Time },
}

/// The pointers pressed on the lanes and what they are doing: a click
/// seeks, a drag pans, dragging the playhead scrubs, two fingers pinch.
#[derive(Clone, Debug, Default)]
pub struct Pointers {
    /// Each pressed pointer's x, by pointer id.
    fingers: SortedMap<i32, f64>,
    gesture: Option<Gesture>,
}

impl Pointers {
    /// Pointer `id` pressed at `x` on the lanes drawn as `frame`, with the
    /// playhead at `playhead`.
    pub fn down(&mut self, id: i32, x: f64, frame: &Frame, playhead: Time) {
        self.fingers.insert(id, x);
        self.gesture = Some(if let Some(distance) = self.pinch() {
            Gesture::Pinching {
                distance,
                span: frame.to.since(frame.from),
            }
        } else if (x - frame.x(playhead)).abs() <= GRAB_PX {
            Gesture::Scrubbing { held: false }
        } else {
            Gesture::Pressed {
                x,
                start: frame.from.0,
            }
        });
    }

    /// Pointer `id` moved to `x`.
    pub fn moved(&mut self, id: i32, x: f64, frame: &Frame) -> Move {
        if let Some(v) = self.fingers.get_mut(&id) {
            *v = x;
        }
        let per_px = frame.to.since(frame.from) as f64 / (frame.width - GUTTER).max(1.0);
        let dragged = |x0: f64, start: u64| (start as f64 - (x - x0) * per_px).max(0.0) as u64;
        match self.gesture {
            Some(Gesture::Pressed { x: x0, start }) if (x - x0).abs() > DRAG_PX => {
                self.gesture = Some(Gesture::Panning { x: x0, start });
                Move::Pan(dragged(x0, start))
            }
            Some(Gesture::Panning { x: x0, start }) => Move::Pan(dragged(x0, start)),
            Some(Gesture::Scrubbing { held }) => {
                self.gesture = Some(Gesture::Scrubbing { held: true });
                Move::Seek {
                    to: frame.time_at(x),
                    hold: (!held).then_some(frame.from.0),
                }
            }
            Some(Gesture::Pinching { distance, span }) => {
                let now = self.pinch().unwrap_or(distance);
                Move::Zoom {
                    factor: span as f64 * distance / now / frame.to.since(frame.from).max(1) as f64,
                    anchor: frame.time_at(x),
                }
            }
            _ => Move::None,
        }
    }

    /// Pointer `id` let go at `x`: a press that did not move is a click,
    /// which seeks there.
    pub fn up(&mut self, id: i32, x: f64, frame: &Frame) -> Move {
        self.fingers.remove(&id);
        match self.gesture.take() {
            Some(Gesture::Pressed { .. }) => Move::Seek {
                to: frame.time_at(x),
                hold: None,
            },
            _ => Move::None,
        }
    }

    /// The browser took pointer `id` (a scroll, a system gesture): the
    /// press is forgotten rather than treated as a click.
    pub fn cancel(&mut self, id: i32) {
        self.fingers.remove(&id);
        self.gesture = None;
    }

    /// The distance between two pressed fingers, if two are pressed.
    fn pinch(&self) -> Option<f64> {
        let mut xs = self.fingers.values();
        match (xs.next(), xs.next(), xs.next()) {
            (Some(a), Some(b), None) => Some((a - b).abs().max(1.0)),
            _ => None,
        }
    }
}

/// Wheel events over the lanes, gathered until the next animation frame:
/// sideways (or with Shift) pans, up and down zooms about the pointer, a
/// notch (120) at a time. A trackpad sends several per frame, and each one
/// redrawing the lanes made a zoom cost several drawings per frame. Panning
/// and zooming compose, so the batch moves the view as its events one by
/// one would.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WheelBatch {
    /// Sideways and up-and-down pixels.
    dx: f64,
    dy: f64,
    /// Zoom notches, each event's at most two either way (a trackpad's
    /// fling sends deltas of thousands).
    notches: f64,
    shift: bool,
    x: f64,
    events: u32,
}

impl WheelBatch {
    /// Adds an event at `x`; says whether it is the batch's first (the
    /// caller then asks for an animation frame).
    pub fn add(&mut self, dx: f64, dy: f64, shift: bool, x: f64) -> bool {
        let first = self.events == 0;
        self.dx += dx;
        self.dy += dy;
        self.notches += (dy / 120.0).clamp(-2.0, 2.0);
        self.shift |= shift;
        self.x = x;
        self.events += 1;
        first
    }

    /// What the batch does to the view of `frame`, emptying it: sideways
    /// (or with Shift) pans, up and down zooms about the pointer.
    pub fn take(&mut self, frame: &Frame) -> Move {
        let b = std::mem::take(self);
        if b.shift || b.dx.abs() > b.dy.abs() {
            let per_px = frame.to.since(frame.from) as f64 / (frame.width - GUTTER).max(1.0);
            let d = if b.dx.abs() > b.dy.abs() { b.dx } else { b.dy };
            Move::Pan((frame.from.0 as f64 + d * per_px).max(0.0) as u64)
        } else if b.notches != 0.0 {
            Move::Zoom {
                factor: ZOOM_STEP.powf(b.notches),
                anchor: frame.time_at(b.x),
            }
        } else {
            Move::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One wheel event at `x`, on its own.
    fn wheel(frame: &Frame, dx: f64, dy: f64, shift: bool, x: f64) -> Move {
        let mut one = WheelBatch::default();
        one.add(dx, dy, shift, x);
        one.take(frame)
    }
    use crate::raft::NodeId;

    fn frame(from: u64, to: u64) -> Frame {
        Frame {
            width: GUTTER + 1000.0,
            from: Time(from),
            to: Time(to),
            nodes: vec![NodeId(1)],
            focus: None,
        }
    }

    #[test]
    fn following_keeps_the_playhead_most_of_the_way_across_and_moves_in_pages() {
        let v = Viewport::default();
        assert_eq!(
            v.window(Time(2_000_000)),
            (Time(1_250_000), Time(2_250_000))
        );
        assert_eq!(v.window(Time(100)), (Time(0), Time(DEFAULT_SPAN)));
        // Every step of a quarter page leaves the window where it was…
        for now in (2_000_000..=2_100_000).step_by(1_000) {
            assert_eq!(v.window(Time(now)).0, Time(1_250_000), "at {now}");
        }
        // …until the playhead would pass 85 %: then it moves by a page.
        assert_eq!(v.window(Time(2_100_001)).0, Time(1_500_000));
        for now in (0..20_000_000).step_by(7_919) {
            let (from, to) = v.window(Time(now));
            let across = (now - from.0) as f64 / to.since(from) as f64;
            assert!(across <= FOLLOW_AT, "{now}: {across}");
            assert!(
                now < 850_000 || across > FOLLOW_AT - 0.25,
                "{now}: {across}"
            );
        }
    }

    #[test]
    fn zooming_keeps_the_anchor_in_place_and_stays_in_bounds() {
        let mut v = Viewport::default();
        v.pan_to(1_000_000);
        v.zoom(0.5, Time(1_500_000), Time(0), Time(10_000_000));
        assert_eq!(v.window(Time(0)), (Time(1_250_000), Time(1_750_000)));
        v.zoom(1e-9, Time(1_500_000), Time(0), Time(10_000_000));
        assert_eq!(v.span, MIN_SPAN);
        v.zoom(1e9, Time(1_500_000), Time(0), Time(10_000_000));
        assert_eq!(v.span, 11_000_000, "at most the history and a tenth");
    }

    #[test]
    fn a_zoom_step_centres_on_the_window_when_the_playhead_is_out_of_view() {
        let mut v = Viewport::default();
        v.pan_to(0);
        v.zoom_step(0.5, Time(5_000_000), Time(5_000_000));
        assert_eq!(v.window(Time(5_000_000)), (Time(250_000), Time(750_000)));
    }

    #[test]
    fn a_click_seeks_a_drag_pans_and_the_playhead_scrubs() {
        let f = frame(0, 1_000_000);
        let mut p = Pointers::default();
        p.down(1, GUTTER + 500.0, &f, Time(900_000));
        let up = p.up(1, GUTTER + 500.0, &f);
        assert_eq!(
            up,
            Move::Seek {
                to: Time(500_000),
                hold: None
            }
        );

        p.down(1, GUTTER + 500.0, &f, Time(900_000));
        assert_eq!(
            p.moved(1, GUTTER + 502.0, &f),
            Move::None,
            "a jitter is no drag"
        );
        assert_eq!(p.moved(1, GUTTER + 400.0, &f), Move::Pan(100_000));
        assert_eq!(
            p.up(1, GUTTER + 400.0, &f),
            Move::None,
            "a drag does not seek"
        );

        p.down(1, GUTTER + 899.0, &f, Time(900_000));
        assert_eq!(
            p.moved(1, GUTTER + 700.0, &f),
            Move::Seek {
                to: Time(700_000),
                hold: Some(0)
            }
        );
        assert_eq!(
            p.moved(1, GUTTER + 600.0, &f),
            Move::Seek {
                to: Time(600_000),
                hold: None
            }
        );
        p.cancel(1);
        assert_eq!(p.up(1, GUTTER + 600.0, &f), Move::None);
    }

    #[test]
    fn two_fingers_pinch_to_zoom() {
        let f = frame(0, 1_000_000);
        let mut p = Pointers::default();
        p.down(1, GUTTER + 400.0, &f, Time(0));
        p.down(2, GUTTER + 600.0, &f, Time(0));
        let Move::Zoom { factor, .. } = p.moved(2, GUTTER + 800.0, &f) else {
            panic!("a pinch zooms");
        };
        assert!(
            (factor - 0.5).abs() < 1e-9,
            "fingers twice as far apart: {factor}"
        );
    }

    #[test]
    fn the_wheel_zooms_and_shift_wheel_pans() {
        let f = frame(0, 1_000_000);
        assert_eq!(
            wheel(&f, 0.0, 120.0, false, GUTTER + 500.0),
            Move::Zoom {
                factor: ZOOM_STEP,
                anchor: Time(500_000)
            }
        );
        assert_eq!(wheel(&f, 0.0, 100.0, true, 0.0), Move::Pan(100_000));
        assert_eq!(wheel(&f, 0.0, 0.0, false, 0.0), Move::None);
    }

    #[test]
    fn wheel_events_in_one_frame_move_the_view_as_far_as_one_by_one() {
        let f = frame(1_000_000, 2_000_000);
        let mut batch = WheelBatch::default();
        assert!(
            batch.add(0.0, 40.0, false, 500.0),
            "the first asks for a frame"
        );
        assert!(!batch.add(0.0, 40.0, false, 500.0));
        assert!(!batch.add(0.0, 40.0, false, 500.0));
        let Move::Zoom { factor, anchor } = batch.take(&f) else {
            panic!("up and down zoom");
        };
        let one = match wheel(&f, 0.0, 40.0, false, 500.0) {
            Move::Zoom { factor, .. } => factor,
            m => panic!("{m:?}"),
        };
        assert!((factor - one.powi(3)).abs() < 1e-9, "{factor} vs {one}³");
        assert_eq!(anchor, f.time_at(500.0));
        assert_eq!(batch.take(&f), Move::None, "taken: empty");

        batch.add(30.0, 0.0, false, 10.0);
        batch.add(70.0, 0.0, false, 12.0);
        assert_eq!(batch.take(&f), wheel(&f, 100.0, 0.0, false, 12.0));
        assert_eq!(batch.take(&f), Move::None);
    }
}
