//! The swimlane diagram of the window in view: one lane per node and one
//! for the client. A click goes there, a drag pans, the wheel or a pinch
//! zooms, and dragging the playhead scrubs ([`Pointers`]).

use super::{Lab, TimelineState};
use crate::ui::frame_loop;
use crate::ui::on_screen::on_screen;
use crate::view::{
    self, CursorLayer, Frame, LaneWindow, Move, Pointers, WheelBatch, LANES_LAYER, PLAYHEAD_LAYER,
};
use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

/// What the drawing of a window depends on besides the playhead: the
/// frame, the heartbeats switch, the pixel columns, and which history and
/// how much of it is known ([`Lab::history_number`], [`Lab::live_number`]).
type BaseKey = (Frame, bool, usize, u64, u64);

/// Puts `markup` in the group of class `class` inside `drawing`.
fn fill_group(drawing: &web_sys::Element, class: &str, markup: &str) {
    if let Ok(Some(group)) = drawing.query_selector(&format!("g.{class}")) {
        group.set_inner_html(markup);
    }
}

/// The pointer's x in the drawing's own units (`width` wide): on a box
/// narrower than the drawing's least width the SVG is scaled down to fit.
pub(super) fn local_x(ev: &web_sys::PointerEvent, width: f64) -> f64 {
    let drawing = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.first_element_child().unwrap_or(el));
    let Some(rect) = drawing.map(|el| el.get_bounding_client_rect()) else {
        return f64::from(ev.client_x());
    };
    let scale = if rect.width() > 0.0 {
        width / rect.width()
    } else {
        1.0
    };
    (f64::from(ev.client_x()) - rect.left()) * scale
}

/// The lanes, drawn whenever what they show changes.
#[component]
pub(super) fn SwimlaneView(state: TimelineState) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let viewport = state.viewport;
    let lanes_box = NodeRef::<html::Div>::new();

    // Keep the drawing as wide as its box.
    let measure = move || {
        if let Some(el) = lanes_box.get_untracked() {
            let w = f64::from(el.client_width()).max(320.0);
            if (w - viewport.get_untracked().width).abs() > 0.5 {
                viewport.update(|v| v.width = w);
            }
        }
    };
    let on_resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || on_resize.remove());
    Effect::new(move |_| {
        lanes_box.track();
        measure();
    });

    // The window is drawn once (`swimlane_base`) and again only when what
    // it shows changes; a step or a seek inside it changes the cursor layer
    // alone, a handful of elements.
    // Out of view (scrolled away), nothing is drawn: the effect then
    // follows nothing but the view, and draws the present when it returns.
    let base = StoredValue::new(None::<(BaseKey, LaneWindow)>);
    let layer = StoredValue::new(CursorLayer::default());
    let seen = on_screen(lanes_box);
    Effect::new(move |_| {
        if !seen.get() {
            return;
        }
        let f = state.frame(lab);
        let now = lab.panels_now.get();
        let beats = state.heartbeats.get();
        let columns = viewport.with(|v| v.columns());
        let key = (
            f.clone(),
            beats,
            columns,
            lab.history_number.get(),
            lab.live_number.get(),
        );
        let Some(el) = lanes_box.get() else {
            return;
        };
        if base.with_value(|b| b.as_ref().is_none_or(|(k, _)| *k != key)) {
            let window = lab.with_lanes(|l| l.window(f.from, f.to, columns, beats));
            el.set_inner_html(&view::swimlane_base(&window, &f));
            base.set_value(Some((key, window)));
            layer.set_value(CursorLayer::default());
        }
        let Some(next) = base.with_value(|b| {
            b.as_ref()
                .map(|(_, window)| CursorLayer::at(window, &f, now))
        }) else {
            return;
        };
        layer.update_value(|drawn| {
            if drawn.lanes != next.lanes {
                fill_group(&el, LANES_LAYER, &next.lanes);
            }
            if drawn.playhead != next.playhead {
                fill_group(&el, PLAYHEAD_LAYER, &next.playhead);
            }
            *drawn = next;
        });
    });

    // What a pointer or the wheel means is the viewport's business; this
    // only carries it out.
    let carry_out = move |m: Move| match m {
        Move::None => {}
        Move::Pan(start) => viewport.update(|v| v.pan_to(start)),
        Move::Seek { to, hold } => {
            if let Some(start) = hold {
                viewport.update(|v| v.pan_to(start));
            }
            lab.run(|a| a.seek_time(to));
        }
        Move::Zoom { factor, anchor } => {
            let (now, end) = (lab.now.get_untracked(), lab.live_time());
            viewport.update(|v| v.zoom(factor, anchor, now, end));
        }
    };
    let pointers = StoredValue::new(Pointers::default());
    let frame = move || untrack(|| state.frame(lab));
    let x_of = move |ev: &web_sys::PointerEvent| local_x(ev, viewport.get_untracked().width);
    let on_down = move |ev: web_sys::PointerEvent| {
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        let (x, f, playhead) = (x_of(&ev), frame(), lab.now.get_untracked());
        pointers.update_value(|p| p.down(ev.pointer_id(), x, &f, playhead));
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let (x, f) = (x_of(&ev), frame());
        let mut m = Move::None;
        pointers.update_value(|p| m = p.moved(ev.pointer_id(), x, &f));
        carry_out(m);
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        let (x, f) = (x_of(&ev), frame());
        let mut m = Move::None;
        pointers.update_value(|p| m = p.up(ev.pointer_id(), x, &f));
        carry_out(m);
    };
    let on_cancel = move |ev: web_sys::PointerEvent| {
        pointers.update_value(|p| p.cancel(ev.pointer_id()));
    };
    // Wheel events wait for the next animation frame and move the view
    // once, however many arrived.
    let wheel = StoredValue::new(WheelBatch::default());
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let left = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map_or(0.0, |el| el.get_bounding_client_rect().left());
        let x = f64::from(ev.client_x()) - left;
        let mut first = false;
        wheel.update_value(|b| first = b.add(ev.delta_x(), ev.delta_y(), ev.shift_key(), x));
        if first {
            frame_loop::start_while(move || {
                let f = frame();
                let mut m = Move::None;
                wheel.update_value(|b| m = b.take(&f));
                carry_out(m);
                false
            });
        }
    };
    view! {
        <div class="swimlane-defs-box" inner_html=view::SWIMLANE_DEFS></div>
        <div
            class="lanes-box"
            node_ref=lanes_box
            tabindex="0"
            role="img"
            aria-label=move || {
                let (from, to) = viewport.get().window(lab.panels_now.get());
                format!("Swimlane diagram from {from} to {to}: one lane per node and one for the client; use the event log below for the same events in words")
            }
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_cancel
            on:wheel=on_wheel
            on:keydown=move |ev| {
                state.key(lab, &ev);
            }
        ></div>
    }
}
