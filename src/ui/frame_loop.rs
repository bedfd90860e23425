//! The one place that talks to the browser's clocks: the animation-frame
//! loop (hand-written: `gloo-timers` has timeouts and intervals, not
//! animation frames), one-shot timers (`gloo-timers`), and the
//! reduced-motion preference.

use leptos::prelude::*;
use std::{cell::RefCell, rc::Rc, time::Duration};
use wasm_bindgen::{closure::Closure, JsCast};

/// The longest wall-clock step one frame may take, in milliseconds. A slow
/// frame on a busy machine still counts in full, but when a hidden tab comes
/// back the simulation resumes where it was instead of jumping ahead.
pub const MAX_FRAME_MS: f64 = 250.0;

/// The frame callback, kept in a slot it can reach to ask for the next frame.
type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `on_frame(elapsed_ms, frame_ms)` before every repaint for the rest
/// of the page's life, with the wall-clock milliseconds since the previous
/// frame (0 on the first, at most [`MAX_FRAME_MS`]) and the frame's own time
/// stamp (on the clock of [`wall_ms`]): frames are due by their stamps,
/// which tick evenly where the moment a callback runs does not.
pub fn start(mut on_frame: impl FnMut(f64, f64) + 'static) {
    let mut last: Option<f64> = None;
    run(move |stamp| {
        let elapsed = last.map_or(0.0, |prev| (stamp - prev).clamp(0.0, MAX_FRAME_MS));
        last = Some(stamp);
        on_frame(elapsed, stamp);
        true
    });
}

/// Calls `on_frame()` before every repaint until it returns false: for work
/// that comes and goes, so that no callback runs 60 times a second with
/// nothing to do.
pub fn start_while(mut on_frame: impl FnMut() -> bool + 'static) {
    run(move |_| on_frame());
}

/// The frame loop under both: `on_frame(frame_ms)` before every repaint
/// while it returns true.
fn run(mut on_frame: impl FnMut(f64) -> bool + 'static) {
    let slot: FrameCallback = Rc::new(RefCell::new(None));
    let again = Rc::clone(&slot);
    *slot.borrow_mut() = Some(Closure::new(move |stamp: f64| {
        if on_frame(stamp) {
            if let Some(next) = again.borrow().as_ref() {
                request(next);
            }
        } else {
            // The callback holds its own slot; empty it once this call has
            // returned, so that both are freed.
            let slot = Rc::clone(&again);
            after(Duration::ZERO, move || drop(slot.borrow_mut().take()));
        }
    }));
    if let Some(first) = slot.borrow().as_ref() {
        request(first);
    };
}

fn request(callback: &Closure<dyn FnMut(f64)>) {
    // Every supported browser has requestAnimationFrame; if a page somehow
    // lacks it, say so in the console rather than panic.
    if let Err(e) = window().request_animation_frame(callback.as_ref().unchecked_ref()) {
        web_sys::console::error_2(
            &"Raftlab: requestAnimationFrame failed; the simulation is paused".into(),
            &e,
        );
    }
}

/// Milliseconds since the page opened (`performance.now()`), or 0 where the
/// browser has no performance clock.
pub fn wall_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs `f` once after `delay` (a `gloo-timers` timeout, left to fire:
/// nothing the app waits for is ever called off).
pub fn after(delay: Duration, f: impl FnOnce() + 'static) {
    let ms = u32::try_from(delay.as_millis()).unwrap_or(u32::MAX);
    gloo_timers::callback::Timeout::new(ms, f).forget();
}

/// Resolves once the browser has had a turn (a zero timeout): long work
/// split into pieces awaits this between them, so the page can draw a
/// progress line and stay responsive.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        // Without a window there is no turn to wait for: go on at once.
        let waited = web_sys::window()
            .map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0));
        if !matches!(waited, Some(Ok(_))) {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Whether the user asked the system for reduced motion; follows changes.
pub fn prefers_reduced_motion() -> ReadSignal<bool> {
    media_query("(prefers-reduced-motion: reduce)")
}

/// Whether the CSS media `query` matches; follows changes.
pub fn media_query(query: &str) -> ReadSignal<bool> {
    let (matches, set_matches) = signal(false);
    if let Ok(Some(list)) = window().match_media(query) {
        set_matches.set(list.matches());
        let watched = list.clone();
        let on_change = Closure::<dyn FnMut()>::new(move || set_matches.set(watched.matches()));
        list.set_onchange(Some(on_change.as_ref().unchecked_ref()));
        // The listener lives as long as the page.
        on_change.forget();
    }
    matches
}
