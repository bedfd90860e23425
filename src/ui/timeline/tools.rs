//! The timeline's tools: zoom, the whole history, saving the view as SVG,
//! following playback, and showing heartbeats.

use super::{Lab, TimelineState};
use crate::ui::files;
use crate::ui::lab::done_text;
use crate::view::{self, ZOOM_STEP};
use leptos::prelude::*;

/// The row of view controls above the lanes.
#[component]
pub(super) fn TimelineTools(
    state: TimelineState,
    /// Where saving the SVG reports.
    saved: RwSignal<String>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let viewport = state.viewport;
    let show_all = move |_| {
        let end = lab.live_time();
        viewport.update(|v| v.show_all(end));
    };
    let save_svg = move |_| {
        let f = untrack(|| state.frame(lab));
        let now = lab.now.get_untracked();
        let columns = viewport.get_untracked().columns();
        let beats = state.heartbeats.get_untracked();
        let svg = lab
            .with_lanes(|l| view::swimlane_svg(&l.window(f.from, f.to, columns, beats), &f, now));
        // The page's stylesheet, inside the file, so it looks as on screen.
        let svg = view::swimlane_file(&svg, &files::css_rules(&[".swimlanes"]));
        let name = format!(
            "raftlab-timeline-{}-to-{}.svg",
            view::short_time(f.from.0),
            view::short_time(f.to.0)
        )
        .replace(' ', "");
        saved.set(match files::download(&name, "image/svg+xml", &svg) {
            Ok(()) => done_text(&format!("Saved {name}")),
            Err(_) => "The browser refused to save the file".to_string(),
        });
    };
    view! {
        <div class="timeline-tools" role="group" aria-label="Timeline view">
            <button type="button" on:click=move |_| state.zoom_step(lab, 1.0 / ZOOM_STEP)>"Zoom in"</button>
            <button type="button" on:click=move |_| state.zoom_step(lab, ZOOM_STEP)>"Zoom out"</button>
            <button type="button" on:click=show_all>"Whole history"</button>
            <button type="button" on:click=save_svg>"Save as SVG"</button>
            <label class="check">
                <input type="checkbox" prop:checked=move || viewport.with(|v| v.follow) on:change=move |ev| viewport.update(|v| v.follow = event_target_checked(&ev)) />
                "Follow playback"
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || state.heartbeats.get() on:change=move |ev| state.heartbeats.set(event_target_checked(&ev)) />
                "Heartbeats"
            </label>
            <span class="hint">"Click to go there, drag to pan, wheel or pinch to zoom, drag the playhead to scrub; ← → step when focused."</span>
        </div>
    }
}
