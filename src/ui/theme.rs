//! Light and dark themes. The page follows the system's colour scheme until
//! the person picks one with the `Theme` switch; the choice is kept between
//! visits. The stylesheet reads `data-theme` on `<html>`; a two-line script
//! in `index.html` sets it before the first paint, so a dark system never
//! flashes a white page while the wasm loads.

use super::{files::storage, frame_loop};
use leptos::prelude::*;

/// Where the choice is kept (the same key the script in `index.html` reads).
const THEME_KEY: &str = "raftlab.theme";

/// What the person chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ThemeChoice {
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    /// The stored and `<option>` value.
    fn value(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    /// The option's words.
    fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "Like the system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }

    fn parse(value: &str) -> ThemeChoice {
        Self::ALL
            .into_iter()
            .find(|c| c.value() == value)
            .unwrap_or(ThemeChoice::System)
    }
}

/// Sets `data-theme` on `<html>` to `light` or `dark`.
fn apply(dark: bool) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
}

/// The `Theme` switch, for the page header.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let system_dark = frame_loop::media_query("(prefers-color-scheme: dark)");
    let stored = storage()
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .map_or(ThemeChoice::System, |v| ThemeChoice::parse(&v));
    let choice = RwSignal::new(stored);
    Effect::new(move || {
        let dark = match choice.get() {
            ThemeChoice::System => system_dark.get(),
            ThemeChoice::Light => false,
            ThemeChoice::Dark => true,
        };
        apply(dark);
    });
    let on_change = move |ev| {
        let picked = ThemeChoice::parse(&event_target_value(&ev));
        choice.set(picked);
        if let Some(s) = storage() {
            // Private windows may refuse storage; the choice then lasts the visit.
            let _ = match picked {
                ThemeChoice::System => s.remove_item(THEME_KEY),
                _ => s.set_item(THEME_KEY, picked.value()),
            };
        }
    };
    view! {
        <label class="theme-switch">
            "Theme "
            <select aria-label="Theme" on:change=on_change data-testid="theme">
                {ThemeChoice::ALL
                    .into_iter()
                    .map(|c| {
                        view! {
                            <option value=c.value() selected=move || choice.get() == c>
                                {c.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
