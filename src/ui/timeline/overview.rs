//! The overview strip: the whole history in one line (who led in which
//! term, elections, actions, broken rules), with the window in view marked.

use super::{Lab, TimelineState};
use crate::raft::Time;
use crate::ui::frame_loop;
use crate::view::{self, fixed, OverviewMarks};
use leptos::{html, prelude::*};

/// While playing, the overview strip redraws at most this often (wall-clock
/// milliseconds): it shows the whole history, so a frame moves it by a pixel
/// or less, and redrawing it with the lanes cost as much as they did.
/// Pausing draws it at once. Its bracket and playhead move at every frame
/// of the panels, by their attributes alone.
const OVERVIEW_EVERY_MS: f64 = 250.0;

/// The overview strip; a click there goes to that time.
#[component]
pub(super) fn OverviewStrip(state: TimelineState) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let overview_box = NodeRef::<html::Div>::new();
    // The strip as drawn: its width (bits), which history and how much of
    // it is known, and the end of the history it shows.
    let strip = StoredValue::new(None::<((u64, u64, u64), Time)>);
    let marks = StoredValue::new(None::<OverviewMarks>);
    let drawn_at = StoredValue::new(f64::NEG_INFINITY);
    Effect::new(move |_| {
        let f = state.frame(lab);
        let now = lab.panels_now.get();
        let key = (
            f.width.to_bits(),
            lab.history_number.get(),
            lab.live_number.get(),
        );
        let playing = lab.playing.get();
        let Some(el) = overview_box.get() else {
            return;
        };
        let wall = frame_loop::wall_ms();
        let drawn = strip.get_value();
        let due = !playing || wall - drawn_at.get_value() >= OVERVIEW_EVERY_MS;
        if drawn.is_none() || (drawn.is_some_and(|(k, _)| k != key) && due) {
            drawn_at.set_value(wall);
            let o = lab.with_lanes(|l| l.overview(f.width as usize));
            let at = OverviewMarks::at(o.end, (f.from, f.to), now, f.width);
            el.set_inner_html(&view::overview_svg(&o, at, f.width));
            strip.set_value(Some((key, o.end)));
            marks.set_value(Some(at));
            return;
        }
        let Some((_, end)) = drawn else {
            return;
        };
        let at = OverviewMarks::at(end, (f.from, f.to), now, f.width);
        if !marks.get_value().is_some_and(|drawn| at.same_place(&drawn)) {
            set_attributes(
                &el,
                ".ov-view",
                &[("x", at.view_x), ("width", at.view_width)],
            );
            set_attributes(
                &el,
                ".ov-playhead",
                &[("x1", at.playhead_x), ("x2", at.playhead_x)],
            );
            marks.set_value(Some(at));
        }
    });
    let on_click = move |ev: web_sys::PointerEvent| {
        let x = super::lanes::local_x(&ev, state.viewport.get_untracked().width);
        let end = lab.live_time();
        let mut to = None;
        state
            .viewport
            .update(|v| to = Some(v.centre_on_overview(x, end)));
        if let Some(t) = to {
            lab.run(|a| a.seek_time(t));
        }
    };
    view! {
        <div
            class="overview-box"
            node_ref=overview_box
            title="The whole history: who led in which term, elections (no leader), your actions and broken rules. Click to go there."
            on:pointerdown=on_click
        ></div>
    }
}

/// Sets the numeric `attributes` of the element `selector` finds in `root`.
fn set_attributes(root: &web_sys::Element, selector: &str, attributes: &[(&str, f64)]) {
    if let Ok(Some(el)) = root.query_selector(selector) {
        for (name, value) in attributes {
            let _ = el.set_attribute(name, &fixed(*value, 1).to_string());
        }
    }
}
