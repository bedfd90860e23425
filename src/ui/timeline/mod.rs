//! The `Timeline` region: the overview strip of the whole history, the
//! swimlane diagram of the part in view, the `Playhead` slider, zoom and
//! pan, and the announcement of the next event while paused.
//!
//! The drawing itself is SVG markup made by [`crate::view::swimlane_svg`]
//! and [`crate::view::overview_svg`] from a window query; this component
//! only keeps the view (where it starts, how wide, whether it follows the
//! playhead) and turns pointer, wheel and key input into seeks and zooms.

use super::files;
use super::frame_loop;
use super::lab::{done_text, Lab};
use super::status_line::StatusLine;
use crate::raft::Time;
use crate::view::{self, Frame};
use leptos::{html, prelude::*};
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;

/// Narrowest window: a fifth of a millisecond.
const MIN_SPAN: u64 = 200;
/// Window when the page opens: long enough for an election.
const DEFAULT_SPAN: u64 = 1_000_000;
/// While following, the playhead sits this far across the window.
const FOLLOW_AT: f64 = 0.85;
/// Each zoom step (button or wheel notch) scales the window by this.
const ZOOM_STEP: f64 = 1.5;
/// While playing, the overview strip redraws at most this often (wall-clock
/// milliseconds).
const OVERVIEW_EVERY_MS: f64 = 250.0;

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

/// Where the lanes look: a window of `span` µs starting at `start`, or
/// following the playhead.
#[derive(Clone, Copy)]
struct ViewState {
    start: RwSignal<u64>,
    span: RwSignal<u64>,
    follow: RwSignal<bool>,
    width: RwSignal<f64>,
}

impl ViewState {
    /// The window in view for a playhead at `now`.
    fn window(&self, now: Time) -> (Time, Time) {
        let span = self.span.get().max(MIN_SPAN);
        let start = if self.follow.get() {
            now.0.saturating_sub((span as f64 * FOLLOW_AT) as u64)
        } else {
            self.start.get()
        };
        (Time(start), Time(start + span))
    }

    fn window_untracked(&self, now: Time) -> (Time, Time) {
        untrack(|| self.window(now))
    }

    /// Zooms by `factor` (>1 zooms out) keeping the time at `anchor` fixed.
    fn zoom(&self, factor: f64, anchor: Time, now: Time, end: Time) {
        let (from, to) = self.window_untracked(now);
        let longest = end.0.max(DEFAULT_SPAN) + end.0 / 10;
        let span = ((to.since(from) as f64 * factor) as u64).clamp(MIN_SPAN, longest);
        let f = anchor.since(from) as f64 / to.since(from).max(1) as f64;
        let start = (anchor.0 as f64 - f * span as f64).max(0.0) as u64;
        self.span.set(span);
        if !self.follow.get_untracked() {
            self.start.set(start);
        }
    }

    /// Stops following and shows the window starting at `start`.
    fn pan_to(&self, start: u64) {
        self.follow.set(false);
        self.start.set(start);
    }
}

/// Puts `markup` in `target` unless it is what `drawn` says is there: a
/// step moves the playhead by less than the drawing's precision in a long
/// view, and the browser then has nothing to parse, lay out or paint.
fn show(target: NodeRef<html::Div>, markup: &str, drawn: StoredValue<String>) {
    let Some(el) = target.get() else {
        return;
    };
    if drawn.with_value(|d| d != markup) {
        el.set_inner_html(markup);
        drawn.set_value(markup.to_string());
    }
}

/// The swimlane timeline with its overview, playhead and zoom controls.
#[component]
pub fn TimelinePanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let state = ViewState {
        start: RwSignal::new(0),
        span: RwSignal::new(DEFAULT_SPAN),
        follow: RwSignal::new(true),
        width: RwSignal::new(900.0),
    };
    let heartbeats = RwSignal::new(true);
    let lanes_box = NodeRef::<html::Div>::new();
    let overview_box = NodeRef::<html::Div>::new();

    // Follow again whenever playback starts.
    Effect::new(move |_| {
        if lab.playing.get() {
            state.follow.set(true);
        }
        lab.announce_next();
    });

    // Keep the drawing as wide as its box.
    let measure = move || {
        if let Some(el) = lanes_box.get_untracked() {
            let w = f64::from(el.client_width()).max(320.0);
            if (w - state.width.get_untracked()).abs() > 0.5 {
                state.width.set(w);
            }
        }
    };
    let on_resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || on_resize.remove());
    Effect::new(move |_| {
        lanes_box.track();
        measure();
    });

    let frame = move || {
        let (from, to) = state.window(lab.panels_now.get());
        Frame {
            width: state.width.get(),
            from,
            to,
            nodes: lab.with_lanes(|l| l.nodes().to_vec()),
            focus: lab.focus().into_iter().find_map(|f| match f {
                crate::scenario::Focus::Span { from, to } => Some((from, to)),
                _ => None,
            }),
        }
    };

    // Draw the lanes whenever what they show changes.
    let drawn_lanes = StoredValue::new(String::new());
    let drawn_overview = StoredValue::new(String::new());
    Effect::new(move |_| {
        lab.history_version.track();
        let f = frame();
        let now = lab.panels_now.get();
        let beats = heartbeats.get();
        let columns = (f.width - view::GUTTER).max(1.0) as usize;
        let svg = lab.with_lanes(|l| {
            let window = l.window(f.from, f.to, columns, beats);
            view::swimlane_svg(&window, &f, now)
        });
        show(lanes_box, &svg, drawn_lanes);
    });

    // Draw the overview likewise, but while playing at most every
    // OVERVIEW_EVERY_MS: it shows the whole history, so a frame moves it by
    // a pixel or less, and redrawing it with the lanes cost as much as they
    // did. Pausing (or any seek, zoom or step) draws it at once.
    let overview_at = StoredValue::new(f64::NEG_INFINITY);
    Effect::new(move |_| {
        lab.history_version.track();
        let f = frame();
        let now = lab.panels_now.get();
        let wall = frame_loop::wall_ms();
        if lab.playing.get() && wall - overview_at.get_value() < OVERVIEW_EVERY_MS {
            return;
        }
        overview_at.set_value(wall);
        let svg = lab.with_lanes(|l| {
            let o = l.overview(f.width as usize);
            view::overview_svg(&o, (f.from, f.to), now, f.width)
        });
        show(overview_box, &svg, drawn_overview);
    });

    let end = move || lab.live_time.get_untracked();
    let frame_untracked = move || untrack(frame);
    // The pointer's x in the drawing's own units: on a box narrower than
    // the drawing's least width the SVG is scaled down to fit.
    let local_x = move |ev: &web_sys::PointerEvent| -> f64 {
        let drawing = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| el.first_element_child().unwrap_or(el));
        let Some(rect) = drawing.map(|el| el.get_bounding_client_rect()) else {
            return f64::from(ev.client_x());
        };
        let scale = if rect.width() > 0.0 {
            state.width.get_untracked() / rect.width()
        } else {
            1.0
        };
        (f64::from(ev.client_x()) - rect.left()) * scale
    };

    // Pointers on the lanes: click seeks, drag pans, dragging the playhead
    // scrubs, two fingers pinch.
    let gesture = StoredValue::new(None::<Gesture>);
    let fingers = StoredValue::new(BTreeMap::<i32, f64>::new());
    let on_down = move |ev: web_sys::PointerEvent| {
        let x = local_x(&ev);
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        fingers.update_value(|f| {
            f.insert(ev.pointer_id(), x);
        });
        let f = frame_untracked();
        let two = fingers.with_value(|f| f.len() == 2);
        let next = if two {
            let d = fingers.with_value(|f| {
                let xs: Vec<f64> = f.values().copied().collect();
                (xs[0] - xs[1]).abs().max(1.0)
            });
            Gesture::Pinching {
                distance: d,
                span: f.to.since(f.from),
            }
        } else if (x - f.x(lab.now.get_untracked())).abs() <= 8.0 {
            Gesture::Scrubbing { held: false }
        } else {
            Gesture::Pressed { x, start: f.from.0 }
        };
        gesture.set_value(Some(next));
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let x = local_x(&ev);
        fingers.update_value(|f| {
            if let Some(v) = f.get_mut(&ev.pointer_id()) {
                *v = x;
            }
        });
        let f = frame_untracked();
        let per_px = f.to.since(f.from) as f64 / (f.width - view::GUTTER).max(1.0);
        match gesture.get_value() {
            Some(Gesture::Pressed { x: x0, start }) if (x - x0).abs() > 4.0 => {
                gesture.set_value(Some(Gesture::Panning { x: x0, start }));
                state.pan_to((start as f64 - (x - x0) * per_px).max(0.0) as u64);
            }
            Some(Gesture::Panning { x: x0, start }) => {
                state.pan_to((start as f64 - (x - x0) * per_px).max(0.0) as u64);
            }
            Some(Gesture::Scrubbing { held }) => {
                if !held {
                    // Hold the window still while scrubbing: a window
                    // following the playhead would move under the pointer
                    // with every seek.
                    state.pan_to(f.from.0);
                    gesture.set_value(Some(Gesture::Scrubbing { held: true }));
                }
                lab.seek_time(f.time_at(x));
            }
            Some(Gesture::Pinching { distance, span }) => {
                let d = fingers.with_value(|f| {
                    let xs: Vec<f64> = f.values().copied().collect();
                    xs.get(1).map_or(distance, |b| (xs[0] - b).abs().max(1.0))
                });
                let now = lab.now.get_untracked();
                let factor = span as f64 * distance / d / f.to.since(f.from).max(1) as f64;
                state.zoom(factor, f.time_at(x), now, end());
            }
            _ => {}
        }
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        let x = local_x(&ev);
        fingers.update_value(|f| {
            f.remove(&ev.pointer_id());
        });
        if let Some(Gesture::Pressed { .. }) = gesture.get_value() {
            lab.seek_time(frame_untracked().time_at(x));
        }
        gesture.set_value(None);
    };
    // The browser took the pointer (a scroll, a system gesture): forget the
    // press rather than treat it as a click.
    let on_cancel = move |ev: web_sys::PointerEvent| {
        fingers.update_value(|f| {
            f.remove(&ev.pointer_id());
        });
        gesture.set_value(None);
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let f = frame_untracked();
        let (dx, dy) = (ev.delta_x(), ev.delta_y());
        if ev.shift_key() || dx.abs() > dy.abs() {
            let per_px = f.to.since(f.from) as f64 / (f.width - view::GUTTER).max(1.0);
            let d = if dx.abs() > dy.abs() { dx } else { dy };
            state.pan_to((f.from.0 as f64 + d * per_px).max(0.0) as u64);
        } else if dy != 0.0 {
            let target = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let left = target.map_or(0.0, |el| el.get_bounding_client_rect().left());
            let x = f64::from(ev.client_x()) - left;
            let factor = ZOOM_STEP.powf((dy / 120.0).clamp(-2.0, 2.0));
            state.zoom(factor, f.time_at(x), lab.now.get_untracked(), end());
        }
    };
    let on_overview = move |ev: web_sys::PointerEvent| {
        let x = local_x(&ev);
        let w = state.width.get_untracked().max(1.0);
        let t = Time(((x / w).clamp(0.0, 1.0) * end().0 as f64) as u64);
        let span = state.span.get_untracked();
        state.pan_to(t.0.saturating_sub(span / 2));
        lab.seek_time(t);
    };

    let zoom_button = move |factor: f64| {
        let now = lab.now.get_untracked();
        let anchor = if state.follow.get_untracked() {
            now
        } else {
            let (from, to) = state.window_untracked(now);
            if now >= from && now <= to {
                now
            } else {
                Time(from.0 + to.since(from) / 2)
            }
        };
        state.zoom(factor, anchor, now, end());
    };
    let show_all = move |_| {
        state.follow.set(false);
        state.start.set(0);
        state.span.set(end().0.max(MIN_SPAN) + end().0 / 50);
    };
    let saved = RwSignal::new(String::new());
    let save_svg = move |_| {
        let f = frame_untracked();
        let now = lab.now.get_untracked();
        let columns = (f.width - view::GUTTER).max(1.0) as usize;
        let beats = heartbeats.get_untracked();
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
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let handled = match ev.key().as_str() {
            "ArrowLeft" => {
                lab.step_back();
                true
            }
            "ArrowRight" => {
                lab.playing.set(false);
                lab.step_forward();
                true
            }
            "Home" => {
                lab.seek(0);
                true
            }
            "End" => {
                lab.seek(lab.furthest.get_untracked());
                true
            }
            "PageUp" => {
                if let Some(s) = lab.previous_key_event() {
                    lab.seek(s);
                }
                true
            }
            "PageDown" => {
                if let Some(s) = lab.next_key_event() {
                    lab.seek(s);
                }
                true
            }
            "+" | "=" => {
                zoom_button(1.0 / ZOOM_STEP);
                true
            }
            "-" => {
                zoom_button(ZOOM_STEP);
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
            ev.stop_propagation();
        }
    };

    let value_text = move || lab.panels_now.get().to_string();
    view! {
        <section class="panel timeline" role="region" aria-label="Timeline">
            <div class="timeline-head">
                <h2>"Timeline"</h2>
                <p class="next-event" role="status" data-testid="next-event">
                    {move || lab.next_event.get().unwrap_or_else(|| if lab.playing.get() { "Playing: press Pause or Space to stop and step.".to_string() } else { String::new() })}
                </p>
            </div>
            <div class="timeline-tools" role="group" aria-label="Timeline view">
                <button type="button" on:click=move |_| zoom_button(1.0 / ZOOM_STEP)>"Zoom in"</button>
                <button type="button" on:click=move |_| zoom_button(ZOOM_STEP)>"Zoom out"</button>
                <button type="button" on:click=show_all>"Whole history"</button>
                <button type="button" on:click=save_svg>"Save as SVG"</button>
                <label class="check">
                    <input type="checkbox" prop:checked=move || state.follow.get() on:change=move |ev| state.follow.set(event_target_checked(&ev)) />
                    "Follow playback"
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || heartbeats.get() on:change=move |ev| heartbeats.set(event_target_checked(&ev)) />
                    "Heartbeats"
                </label>
                <span class="hint">"Click to go there, drag to pan, wheel or pinch to zoom, drag the playhead to scrub; ← → step when focused."</span>
            </div>
            <div
                class="overview-box"
                node_ref=overview_box
                title="The whole history: who led in which term, elections (no leader), your actions and broken rules. Click to go there."
                on:pointerdown=on_overview
            ></div>
            <input
                class="playhead-slider"
                type="range"
                aria-label="Playhead"
                min="0"
                step="any"
                // Follows the panels' clock: a max moving every frame would
                // repaint the page every frame.
                prop:max=move || {
                    lab.panels_now.track();
                    lab.live_time.get_untracked().0.to_string()
                }
                prop:value=move || lab.panels_now.get().0.to_string()
                aria-valuetext=value_text
                on:input=move |ev| {
                    if let Some(v) = view::decimal(&event_target_value(&ev)) {
                        lab.seek_time(Time(v.max(0.0) as u64));
                    }
                }
                on:keydown=on_key
            />
            <div class="swimlane-defs-box" inner_html=view::SWIMLANE_DEFS></div>
            <div
                class="lanes-box"
                node_ref=lanes_box
                tabindex="0"
                role="img"
                aria-label=move || {
                    let (from, to) = state.window(lab.panels_now.get());
                    format!("Swimlane diagram from {from} to {to}: one lane per node and one for the client; use the event log below for the same events in words")
                }
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=on_cancel
                on:wheel=on_wheel
                on:keydown=on_key
            ></div>
            <StatusLine text=saved testid="timeline-status"/>
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
                <li>"✕ at an arrow's end: lost · dashed: in flight · faded: after the playhead"</li>
                <li><span class="key-op stale"></span>" stale read, dashed line to the write it missed"</li>
            </ul>
        </section>
    }
}
