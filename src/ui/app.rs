//! The top-level component: owns the [`Lab`] (the timeline and its
//! signals), advances it once per animation frame, handles the keyboard
//! shortcuts, and lays out the screen for a lecture-room projector: the top
//! bar; the cluster with the logs under it on the left; the inspector and
//! the control groups on the right.

use super::{
    branches_panel::BranchesPanel,
    client_panel::ClientPanel,
    cluster_view::ClusterView,
    controls::Controls,
    event_log_panel::EventLogPanel,
    frame_loop,
    inspector::Inspector,
    lab::{Lab, SessionSettings},
    lessons_panel::{LessonPlayer, LessonsMenu},
    logs_panel::LogsPanel,
    membership_panel::MembershipPanel,
    network_panel::NetworkPanel,
    settings_panel::SettingsPanel,
    share_panel::{open_from_address, saved_session, SharePanel},
    theme::ThemeSwitch,
    timeline_panel::TimelinePanel,
};
use crate::raft::Time;
use crate::sim::{Action, Workload};
use crate::view;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The seed of the first screen's world.
const SEED: u64 = 1;

/// Simulated seconds per wall-clock second when the page opens: one simulated
/// second takes ten seconds to watch, so messages visibly fly, and the first
/// election (about half a simulated second) is over within a few seconds.
pub const DEFAULT_SPEED: f64 = 0.1;

/// A number from the page's query string (`?speed=1&seed=4&size=3`).
fn query_number(name: &str) -> Option<f64> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .and_then(view::decimal)
        .filter(|v| v.is_finite())
}

/// Whether a key press belongs to the element that has focus (typing in a
/// field, or Space on a button), so the page's shortcuts leave it alone.
fn typing_target(ev: &web_sys::KeyboardEvent, space: bool) -> bool {
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    if matches!(tag.as_str(), "input" | "textarea" | "select") {
        return true;
    }
    space
        && (matches!(tag.as_str(), "button" | "summary" | "a")
            || el.get_attribute("role").as_deref() == Some("button"))
}

/// Raftlab's whole screen.
#[component]
pub fn App() -> impl IntoView {
    let speed = query_number("speed")
        .filter(|s| (0.001..=10.0).contains(s))
        .unwrap_or(DEFAULT_SPEED);
    let seed = query_number("seed").map_or(SEED, |s| s as u64);
    let size = query_number("size")
        .map(|s| s as u8)
        .filter(|s| [3, 5, 7, 9].contains(s))
        .unwrap_or(5);
    let lab = Lab::new(SessionSettings { size, seed }, speed);
    provide_context(lab);
    // Read the last visit's session before this one saves over it.
    let saved = saved_session();
    let opened = open_from_address(lab);
    let saved = saved.filter(|_| opened.is_none());
    // `?history=MINUTES` builds that much history with the workload on
    // before handing over (for demonstrations and the timeline benchmark).
    if let Some(minutes) = query_number("history").filter(|m| (0.1..=120.0).contains(m)) {
        lab.playing.set(false);
        let _ = lab.act(Action::SetWorkload(Some(Workload::default())));
        lab.building
            .set(Some(Time((minutes * 60_000_000.0) as u64)));
    }
    let clock = frame_loop::wall_ms;
    let reduced_motion = frame_loop::prefers_reduced_motion();

    // Fractions of a microsecond carried over between frames, so slow speeds
    // do not lose time to rounding.
    let mut carry = 0.0_f64;
    frame_loop::start(move |elapsed_ms, frame_ms| {
        if lab.building.get_untracked().is_some() {
            lab.build_some(40.0, clock);
            return;
        }
        if !lab.playing.get_untracked() {
            carry = 0.0;
            lab.catch_up();
            return;
        }
        let micros = elapsed_ms * 1000.0 * lab.speed.get_untracked() + carry;
        let whole = micros.floor();
        carry = micros - whole;
        lab.advance(whole as u64, frame_ms);
    });

    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            " " if !typing_target(&ev, true) => {
                ev.prevent_default();
                lab.playing.update(|p| *p = !*p);
            }
            "." if !typing_target(&ev, false) => {
                ev.prevent_default();
                lab.playing.set(false);
                lab.step_forward();
            }
            "," if !typing_target(&ev, false) => {
                ev.prevent_default();
                lab.step_back();
            }
            _ => {}
        }
    });
    on_cleanup(move || on_key.remove());

    view! {
        <header class="site-header">
            <h1>"Raftlab"</h1>
            <p class="tagline">"An interactive lab for the Raft consensus protocol"</p>
            <p class="shortcuts">"Keys: Space play/pause · . one event forward · , one event back"</p>
            <ThemeSwitch />
        </header>
        // Key events ("N3 is leader for term 4") for screen readers.
        <p class="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
            {move || lab.announcement.get()}
        </p>
        <div class="sticky-top">
            <Controls />
            <Show when=move || lab.building.get().is_some()>
                <p class="building" role="status" data-testid="building">
                    {move || lab.building.get().map(|t| format!("Building {} of history with a steady workload: {}%…", t, lab.now.get().0 * 100 / t.0.max(1))).unwrap_or_default()}
                </p>
            </Show>
            <ViolationAlert />
        </div>
        <main class="lab">
            <div class="stage">
                <LessonPlayer />
                {move || {
                    lab.generation.track();
                    view! { <ClusterView reduced_motion=reduced_motion /> }
                }}
                <TimelinePanel />
                <EventLogPanel />
                {move || {
                    lab.generation.track();
                    view! { <LogsPanel /> }
                }}
            </div>
            <div class="side">
                <LessonsMenu />
                <Inspector />
                <SharePanel opened=opened saved=saved />
                <BranchesPanel />
                <ClientPanel />
                <NetworkPanel />
                <MembershipPanel />
                <SettingsPanel />
            </div>
        </main>
    }
}

/// The alert for a broken property: it names the property in words, says
/// where and when, and stays until a new session starts.
#[component]
fn ViolationAlert() -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <Show when=move || lab.violation.with(Option::is_some)>
            <div class="violation" role="alert" data-testid="violation">
                <strong>{move || lab.violation.with(|v| v.as_ref().map(|v| format!("{} broken", v.property)).unwrap_or_default())}</strong>
                <p>{move || lab.violation.with(|v| v.as_ref().map(|v| v.detail.clone()).unwrap_or_default())}</p>
                <ul class="also">
                    {move || lab.violation.with(|v| v.as_ref().map(|v| v.also.clone()).unwrap_or_default())
                        .into_iter()
                        .map(|line| view! { <li>"Also: " {line}</li> })
                        .collect_view()}
                </ul>
                <p class="hint">"Playback paused where the rule broke. The nodes and entries involved are outlined in red."</p>
            </div>
        </Show>
    }
}
