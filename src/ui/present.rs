//! The presentation layout, for a projector in a lecture hall: the caption,
//! the whole cluster, the logs and any alert on one screen with no
//! scrolling, in type sized to the screen's height so it reads from the back
//! row (and at any browser zoom). The `Present` switch turns it on and off;
//! `?present` in the address does too; the choice is kept between visits.
//! The stylesheet reads `data-layout="present"` on `<html>`.

use super::files::storage;
use leptos::prelude::*;

/// Where the choice is kept.
const PRESENT_KEY: &str = "raftlab.present";

/// Sets or clears `data-layout="present"` on `<html>`.
fn apply(on: bool) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = if on {
            root.set_attribute("data-layout", "present")
        } else {
            root.remove_attribute("data-layout")
        };
    }
}

/// Keeps the choice for the next visit (a private window may refuse: then
/// it lasts this visit).
fn remember(on: bool) {
    if let Some(s) = storage() {
        let _ = if on {
            s.set_item(PRESENT_KEY, "1")
        } else {
            s.remove_item(PRESENT_KEY)
        };
    }
}

/// The `Present` switch, for the page header. `asked` is what the address
/// says (`?present`, `?present=0`); without it, the last visit's choice.
#[component]
pub fn PresentSwitch(asked: Option<bool>) -> impl IntoView {
    let stored = storage()
        .and_then(|s| s.get_item(PRESENT_KEY).ok().flatten())
        .is_some_and(|v| v == "1");
    let on = RwSignal::new(asked.unwrap_or(stored));
    if let Some(asked) = asked {
        remember(asked);
    }
    Effect::new(move || apply(on.get()));
    let toggle = move |_| {
        let now = !on.get_untracked();
        on.set(now);
        remember(now);
    };
    view! {
        <button
            type="button"
            class="present-switch"
            aria-pressed=move || on.get().to_string()
            title="A layout for a projector: the caption, the cluster, the logs and any alert on one screen, in large type (also ?present in the address)"
            on:click=toggle
        >
            <span class="switch-mark" aria-hidden="true">{move || if on.get() { "■" } else { "□" }}</span>
            " Present"
        </button>
    }
}
