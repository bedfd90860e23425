//! The top bar: play/pause, speed, stepping one event or one key event either
//! way, going to the start or the live edge, the simulated-time readout, a
//! marker that stays while any teaching fault is on, and the notice that an
//! action in the past discarded the old future.

use super::lab::Lab;
use crate::app::App;
use crate::raft::Fault;
use crate::view;
use leptos::prelude::*;

/// The playback toolbar.
#[component]
pub fn Controls() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let playing = lab.playing;
    let toggle = move |_| lab.run(App::toggle_play);
    let on_speed = move |ev| {
        if let Some(value) = view::decimal(&event_target_value(&ev)) {
            lab.run(|a| a.set_speed(value));
        }
    };
    let step = move |_| lab.run(App::step_forward);
    let back = move |_| lab.run(App::step_back);
    let to_start = move |_| lab.run(App::go_to_start);
    let to_live = move |_| lab.run(App::go_live);
    let next_key = move |_| {
        lab.run(App::next_key_event);
    };
    let previous_key = move |_| {
        lab.run(App::previous_key_event);
    };
    let at_start = move || lab.cursor.get() == 0;
    let live = move || lab.cursor.get() >= lab.furthest.get();
    let faults_on = move || {
        lab.raft.with(|c| {
            Fault::ALL
                .into_iter()
                .filter(|f| c.faults.has(*f))
                .map(|f| f.name())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="controls topbar" aria-label="Playback">
            <button
                type="button"
                class="play-pause primary"
                data-testid="play-pause"
                aria-label=move || if playing.get() { "Pause" } else { "Play" }
                aria-keyshortcuts="Space"
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
            <div class="stepping" role="group" aria-label="Stepping">
                <button type="button" class="step" aria-label="Go to start" on:click=to_start disabled=at_start>
                    <span class="step-icon" aria-hidden="true">"|◀"</span>
                    <span class="step-words">"Go to start"</span>
                </button>
                <button type="button" class="step" aria-label="Previous key event" on:click=previous_key disabled=at_start>
                    <span class="step-icon" aria-hidden="true">"◀◀"</span>
                    <span class="step-words">"Previous key event"</span>
                </button>
                <button type="button" class="step" aria-label="Step back" aria-keyshortcuts="," on:click=back disabled=at_start>
                    <span class="step-icon" aria-hidden="true">"◀"</span>
                    <span class="step-words">"Step back"</span>
                </button>
                <button type="button" class="step" aria-label="Step forward" aria-keyshortcuts="." on:click=step>
                    <span class="step-icon" aria-hidden="true">"▶"</span>
                    <span class="step-words">"Step forward"</span>
                </button>
                <button type="button" class="step" aria-label="Next key event" on:click=next_key title="At the live edge: play until the next key event">
                    <span class="step-icon" aria-hidden="true">"▶▶"</span>
                    <span class="step-words">"Next key event"</span>
                </button>
                <button type="button" class="step" aria-label="Go to live" on:click=to_live disabled=live>
                    <span class="step-icon" aria-hidden="true">"▶|"</span>
                    <span class="step-words">"Go to live"</span>
                </button>
            </div>
            <label class="speed">
                "Speed "
                <select data-testid="speed" on:change=on_speed>
                    {view::SPEEDS
                        .into_iter()
                        .map(|(value, words)| {
                            view! {
                                <option value=value.to_string() selected=move || lab.speed.get() == value>
                                    {words}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <div class="readouts">
                <p class="clock">
                    "Simulated time "
                    // At the panels' pace: a clock redrawn every frame made
                    // the browser lay the page out again every frame.
                    <output data-testid="sim-time" role="timer" aria-label="Simulated time">
                        {move || lab.panels_now.get().to_string()}
                    </output>
                </p>
                <p class="steps">
                    <span data-testid="steps">{move || format!("step {}", lab.cursor.get())}</span>
                    <Show when=move || { lab.cursor.get() < lab.furthest.get() }>
                        " "
                        <span class="past" data-testid="in-the-past">
                            {move || format!("in the past (live: step {})", lab.furthest.get())}
                        </span>
                    </Show>
                </p>
            </div>
            <Show when=move || !faults_on().is_empty()>
                <p class="fault-marker" data-testid="fault-marker" role="status">
                    {move || format!("⚠ Teaching fault on: {}", faults_on().join(", "))}
                </p>
            </Show>
            <Show when=move || lab.notice.with(Option::is_some)>
                <p class="fork-notice" data-testid="fork-notice" role="status">
                    {move || lab.notice.get().unwrap_or_default()}
                </p>
            </Show>
        </section>
    }
}
