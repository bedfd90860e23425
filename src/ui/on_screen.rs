//! Whether an element is on screen, from the browser's
//! `IntersectionObserver`: a drawing nobody can see waits until it is
//! scrolled into view, then catches up at once.
//!
//! Only for drawings that are hidden from screen readers (the swimlane is
//! `aria-hidden` behind its label): text panels stay up to date wherever
//! they are, since a screen reader reads them without scrolling.

use leptos::{html, prelude::*};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

/// An observer and the callback it calls, kept alive together.
type Watcher = (IntersectionObserver, Closure<dyn FnMut(js_sys::Array)>);

/// How far outside the window an element still counts as on screen: not at
/// all, so that a drawing just below the fold (the swimlane, at 1920×1080)
/// waits too. Scrolled in, it shows its last drawing for the one frame
/// before the browser reports it in view.
const MARGIN: &str = "0px";

/// Whether `target` is within [`MARGIN`] of the window; true until the
/// browser first says otherwise (and where it cannot say).
pub fn on_screen(target: NodeRef<html::Div>) -> ReadSignal<bool> {
    let (seen, set_seen) = signal(true);
    let watcher = StoredValue::new_local(None::<Watcher>);
    Effect::new(move |_| {
        let Some(el) = target.get() else {
            return;
        };
        let on_change = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // The last entry is the newest state.
            if let Some(entry) = entries
                .iter()
                .rev()
                .find_map(|e| e.dyn_into::<IntersectionObserverEntry>().ok())
            {
                set_seen.set(entry.is_intersecting());
            }
        });
        let init = IntersectionObserverInit::new();
        init.set_root_margin(MARGIN);
        watcher.with_value(stop);
        if let Ok(observer) =
            IntersectionObserver::new_with_options(on_change.as_ref().unchecked_ref(), &init)
        {
            observer.observe(&el);
            watcher.set_value(Some((observer, on_change)));
        }
    });
    on_cleanup(move || {
        let _ = watcher.try_with_value(stop);
    });
    seen
}

/// Stops the observer in `watcher`, if there is one.
fn stop(watcher: &Option<Watcher>) {
    if let Some((observer, _)) = watcher {
        observer.disconnect();
    }
}
