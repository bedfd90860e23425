//! The swimlane diagram of the window in view: one lane per node and one
//! for the client. A click goes there, a drag pans, the wheel or a pinch
//! zooms, and dragging the playhead scrubs ([`Pointers`]).

use super::{show, Lab, TimelineState};
use crate::view::{self, Move, Pointers};
use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

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

    let drawn = StoredValue::new(String::new());
    Effect::new(move |_| {
        let f = state.frame(lab);
        let now = lab.panels_now.get();
        let beats = state.heartbeats.get();
        let columns = viewport.with(|v| v.columns());
        let svg = lab.with_lanes(|l| {
            let window = l.window(f.from, f.to, columns, beats);
            view::swimlane_svg(&window, &f, now)
        });
        show(lanes_box, &svg, drawn);
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
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let left = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map_or(0.0, |el| el.get_bounding_client_rect().left());
        let x = f64::from(ev.client_x()) - left;
        carry_out(view::wheel(
            &frame(),
            ev.delta_x(),
            ev.delta_y(),
            ev.shift_key(),
            x,
        ));
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
