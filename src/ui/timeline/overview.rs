//! The overview strip: the whole history in one line (who led in which
//! term, elections, actions, broken rules), with the window in view marked.

use super::{show, Lab, TimelineState};
use crate::ui::frame_loop;
use crate::view;
use leptos::{html, prelude::*};

/// While playing, the overview strip redraws at most this often (wall-clock
/// milliseconds): it shows the whole history, so a frame moves it by a pixel
/// or less, and redrawing it with the lanes cost as much as they did.
/// Pausing (or any seek, zoom or step) draws it at once.
const OVERVIEW_EVERY_MS: f64 = 250.0;

/// The overview strip; a click there goes to that time.
#[component]
pub(super) fn OverviewStrip(state: TimelineState) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let overview_box = NodeRef::<html::Div>::new();
    let drawn = StoredValue::new(String::new());
    let drawn_at = StoredValue::new(f64::NEG_INFINITY);
    Effect::new(move |_| {
        let f = state.frame(lab);
        let now = lab.panels_now.get();
        let wall = frame_loop::wall_ms();
        if lab.playing.get() && wall - drawn_at.get_value() < OVERVIEW_EVERY_MS {
            return;
        }
        drawn_at.set_value(wall);
        let svg = lab.with_lanes(|l| {
            let o = l.overview(f.width as usize);
            view::overview_svg(&o, (f.from, f.to), now, f.width)
        });
        show(overview_box, &svg, drawn);
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
