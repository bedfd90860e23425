//! Playback controls: play/pause, speed and the simulated-time readout.

use crate::raft::Time;
use leptos::prelude::*;

/// Playback speeds offered, in simulated seconds per wall-clock second.
const SPEEDS: [(f64, &str); 6] = [
    (0.02, "0.02× (1 s in 50 s)"),
    (0.05, "0.05× (1 s in 20 s)"),
    (0.1, "0.1× (1 s in 10 s)"),
    (0.25, "0.25× (1 s in 4 s)"),
    (0.5, "0.5× (1 s in 2 s)"),
    (1.0, "1× (real time)"),
];

/// A toolbar with the play/pause button, the speed menu and the clock.
#[component]
pub fn Controls(
    /// Whether simulated time is advancing.
    playing: RwSignal<bool>,
    /// Simulated seconds per wall-clock second.
    speed: RwSignal<f64>,
    /// Global simulated time, shown as a readout.
    #[prop(into)]
    now: Signal<Time>,
) -> impl IntoView {
    let toggle = move |_| playing.update(|p| *p = !*p);
    let on_speed = move |ev| {
        if let Ok(value) = event_target_value(&ev).parse::<f64>() {
            speed.set(value);
        }
    };
    view! {
        <section class="controls" aria-label="Playback">
            <button
                type="button"
                class="play-pause"
                data-testid="play-pause"
                aria-label=move || if playing.get() { "Pause" } else { "Play" }
                on:click=toggle
            >
                {move || {
                    if playing.get() {
                        view! {
                            <svg class="icon" viewBox="0 0 16 16" aria-hidden="true">
                                <rect x="3" y="2" width="3.5" height="12" rx="0.5" />
                                <rect x="9.5" y="2" width="3.5" height="12" rx="0.5" />
                            </svg>
                        }
                            .into_any()
                    } else {
                        view! {
                            <svg class="icon" viewBox="0 0 16 16" aria-hidden="true">
                                <path d="M4 2 L14 8 L4 14 Z" />
                            </svg>
                        }
                            .into_any()
                    }
                }}
                <span class="button-text">{move || if playing.get() { "Pause" } else { "Play" }}</span>
            </button>
            <label class="speed">
                "Speed "
                <select data-testid="speed" on:change=on_speed>
                    {SPEEDS
                        .into_iter()
                        .map(|(value, words)| {
                            view! {
                                <option value=value.to_string() selected=move || speed.get() == value>
                                    {words}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <p class="clock">
                "Simulated time "
                <output data-testid="sim-time" role="timer" aria-label="Simulated time">
                    {move || now.get().to_string()}
                </output>
            </p>
        </section>
    }
}
