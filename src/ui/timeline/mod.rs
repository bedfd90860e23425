//! The `Timeline` region: the overview strip of the whole history, the
//! swimlane diagram of the part in view, the `Playhead` slider, zoom and
//! pan, and the announcement of the next event while paused.
//!
//! The drawing itself is SVG markup made by [`crate::view::swimlane_base`]
//! and [`crate::view::overview_svg`] from a window query, drawn once per
//! window (the window moves in pages); what depends on the playhead is a
//! small layer over it ([`crate::view::CursorLayer`],
//! [`crate::view::OverviewMarks`]) put in again at each step; where the lanes
//! look and what a pointer means is [`crate::view::Viewport`] and
//! [`crate::view::Pointers`]. These components keep one viewport, draw, and
//! turn input into the app's intents.

mod lanes;
mod overview;
mod playhead;
mod tools;

use super::lab::Lab;
use super::status_line::StatusLine;
use crate::app::App;
use crate::scenario::Focus;
use crate::view::{Frame, Viewport, ZOOM_STEP};
use lanes::SwimlaneView;
use leptos::prelude::*;
use overview::OverviewStrip;
use playhead::Playhead;
use tools::TimelineTools;

/// What the timeline components share: where the lanes look and whether
/// they show heartbeats.
#[derive(Clone, Copy)]
struct TimelineState {
    viewport: RwSignal<Viewport>,
    heartbeats: RwSignal<bool>,
}

impl TimelineState {
    /// The drawing's frame at the panels' time (reactive).
    fn frame(&self, lab: Lab) -> Frame {
        let viewport = self.viewport.get();
        let (from, to) = viewport.window(lab.panels_now.get());
        lab.live_number.track();
        Frame {
            width: viewport.width,
            from,
            to,
            nodes: lab.with_lanes(|l| l.nodes().to_vec()),
            focus: lab.focus().into_iter().find_map(|f| match f {
                Focus::Span { from, to } => Some((from, to)),
                _ => None,
            }),
        }
    }

    /// Zooms by `factor` about the playhead (or the window's middle).
    fn zoom_step(&self, lab: Lab, factor: f64) {
        let now = lab.now.get_untracked();
        let end = lab.live_time();
        self.viewport.update(|v| v.zoom_step(factor, now, end));
    }

    /// The keys of the lanes and the playhead: ← → one event, Home and End
    /// the start and the live edge, Page Up and Down the key events, + and
    /// − zoom. Says whether the key was one of them.
    fn key(&self, lab: Lab, ev: &web_sys::KeyboardEvent) -> bool {
        match ev.key().as_str() {
            "ArrowLeft" => lab.run(App::step_back),
            "ArrowRight" => lab.run(App::step_forward),
            "Home" => lab.run(App::go_to_start),
            "End" => lab.run(App::go_live),
            "PageUp" => {
                lab.run(App::previous_key_event);
            }
            "PageDown" => {
                lab.run(App::next_key_event);
            }
            "+" | "=" => self.zoom_step(lab, 1.0 / ZOOM_STEP),
            "-" => self.zoom_step(lab, ZOOM_STEP),
            _ => return false,
        }
        ev.prevent_default();
        ev.stop_propagation();
        true
    }
}

/// The swimlane timeline with its overview, playhead and zoom controls.
#[component]
pub fn TimelinePanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let state = TimelineState {
        viewport: RwSignal::new(Viewport::default()),
        heartbeats: RwSignal::new(true),
    };
    // Follow again whenever playback starts.
    Effect::new(move |_| {
        if lab.playing.get() {
            state.viewport.update(|v| v.follow = true);
        }
    });
    let saved = RwSignal::new(String::new());
    view! {
        <section class="panel timeline" role="region" aria-label="Timeline">
            <div class="timeline-head">
                <h2>"Timeline"</h2>
                <p class="next-event" role="status" data-testid="next-event">
                    {move || lab.next_event.get().unwrap_or_else(|| if lab.playing.get() { "Playing: press Pause or Space to stop and step.".to_string() } else { String::new() })}
                </p>
            </div>
            <TimelineTools state=state saved=saved />
            <OverviewStrip state=state />
            <Playhead state=state />
            <SwimlaneView state=state />
            <StatusLine text=saved testid="timeline-status"/>
            <TimelineLegend />
        </section>
    }
}

/// What each mark of the swimlanes means.
#[component]
fn TimelineLegend() -> impl IntoView {
    view! {
        <ul class="legend" aria-label="Timeline legend">
            <li><span class="key-role follower"></span>" follower (thin bar)"</li>
            <li><span class="key-role pre-candidate"></span>" pre-candidate (dotted)"</li>
            <li><span class="key-role candidate"></span>" candidate (hatched)"</li>
            <li><span class="key-role leader"></span>" leader (thick bar)"</li>
            <li>"T3: term · ✕ crash (gap after it)"</li>
            <li>"▲ election timer · ★ elected · ◆ configuration · ▼ your action · ! broken rule"</li>
            <li><span class="key-line append"></span>" AppendEntries, heartbeats"</li>
            <li><span class="key-line vote"></span>" votes"</li>
            <li><span class="key-line snapshot"></span>" snapshots"</li>
            <li>"✕ at an arrow's end: lost · ● on an arrow: in the air at the playhead · dashed: not arrived yet · faded: after the playhead"</li>
            <li><span class="key-op stale"></span>" stale read, dashed line to the write it missed"</li>
        </ul>
    }
}
