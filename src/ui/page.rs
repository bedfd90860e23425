//! The top-level component: owns the [`Lab`] (the app and its signals),
//! hands it every animation frame, maps the keyboard shortcuts to the app's
//! intents, and lays out the screen for a lecture-room projector: the top
//! bar; the cluster with the logs under it on the left; the inspector and
//! the control groups on the right.

use super::{
    branches_panel::BranchesPanel,
    client_panel::ClientPanel,
    cluster_view::ClusterView,
    controls::Controls,
    event_log::EventLogPanel,
    frame_loop,
    inspector::Inspector,
    lab::Lab,
    lessons_panel::{LessonPlayer, LessonsMenu},
    logs_panel::LogsPanel,
    membership_panel::MembershipPanel,
    network_panel::NetworkPanel,
    present::PresentSwitch,
    settings_panel::SettingsPanel,
    share_panel::{open_from_address, saved_session, SharePanel},
    theme::ThemeSwitch,
    timeline::TimelinePanel,
    trace_opener::{TraceViewer, TRACE_HOST_ID},
};
use crate::app::{App, SessionSettings};
use crate::view;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The seed of the first screen's world.
const SEED: u64 = 1;

/// Simulated seconds per wall-clock second when the page opens: one simulated
/// second takes ten seconds to watch, so messages visibly fly, and the first
/// election (about half a simulated second) is over within a few seconds.
pub const DEFAULT_SPEED: f64 = 0.1;

/// What the page's query string asks for (`?speed=1&seed=4&size=3`).
fn page_query() -> view::PageQuery {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    view::page_query(&search)
}

/// Whether a key press belongs to the element that has focus (typing in a
/// field, or Space on a button), so the page's shortcuts leave it alone.
pub(super) fn typing_target(ev: &web_sys::KeyboardEvent, space: bool) -> bool {
    let Some(el) = target_element(ev) else {
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

/// The element a key event was sent to.
fn target_element(ev: &web_sys::KeyboardEvent) -> Option<web_sys::Element> {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
}

/// Whether a presenter's clicker key (Page Down / Page Up, or → / ←) is
/// free to move between captions: never in a field, and an arrow only when
/// it would not scroll something focused (a log's entries, the event list)
/// or move a control.
fn clicker_key_is_free(ev: &web_sys::KeyboardEvent) -> bool {
    if typing_target(ev, false) {
        return false;
    }
    if ev.key().starts_with("Page") {
        return true;
    }
    target_element(ev).is_none_or(|el| {
        matches!(
            el.tag_name().to_ascii_lowercase().as_str(),
            "body" | "html" | "button"
        ) || el.get_attribute("role").as_deref() == Some("button")
    })
}

/// Raftlab's whole screen.
#[component]
pub fn Page() -> impl IntoView {
    let query = page_query();
    let speed = query.speed.unwrap_or(DEFAULT_SPEED);
    let seed = query.seed.unwrap_or(SEED);
    let size = query.size.unwrap_or(5);
    let lab = Lab::new(SessionSettings { size, seed }, speed);
    provide_context(lab);
    // A trace from another implementation, shown in place of the lab
    // (which waits, paused and untouched, until the trace is closed) by
    // the trace viewer, loaded when a trace is first opened.
    let trace = TraceViewer::new();
    provide_context(trace);
    // Read the last visit's session before this one saves over it.
    let saved = saved_session();
    let opened = open_from_address(lab);
    // A run opened from the link replaces the offer; a refused link does
    // not, or the last visit's work would be lost to a mistyped address.
    let link_opened = matches!(opened, Some(Ok(_)));
    let saved = saved.filter(|_| !link_opened);
    // What the address asked for that could not be done, then what became
    // of the link, under the Share panel where links are made.
    let opened = opened.map(|(Ok(words) | Err(words))| words);
    let opened = Some(
        query
            .sentences(link_opened)
            .into_iter()
            .chain(opened)
            .collect::<Vec<_>>()
            .join(" "),
    )
    .filter(|words| !words.is_empty());
    // `?history=MINUTES` builds that much history with the workload on
    // before handing over (for demonstrations and the timeline benchmark).
    if let Some(minutes) = query.history_minutes {
        lab.run(|a| a.build_history(minutes));
    }
    let reduced_motion = frame_loop::prefers_reduced_motion();
    frame_loop::start(move |elapsed_ms, frame_ms| {
        if !trace.shown.get_untracked() {
            lab.frame(elapsed_ms, frame_ms);
        }
    });

    let in_lesson = move || lab.lesson.with_untracked(Option::is_some);
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        // While a trace is shown, the keys are the trace viewer's.
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || trace.shown.get_untracked() {
            return;
        }
        match ev.key().as_str() {
            " " if !typing_target(&ev, true) => {
                ev.prevent_default();
                lab.run(App::toggle_play);
            }
            "." if !typing_target(&ev, false) => {
                ev.prevent_default();
                lab.run(App::step_forward);
            }
            "," if !typing_target(&ev, false) => {
                ev.prevent_default();
                lab.run(App::step_back);
            }
            // A presenter's clicker sends Page Down / Page Up (or → / ←):
            // during a lesson they move between captions. (The timeline, a
            // log's entries and other focused scrollers keep their arrows.)
            "PageDown" | "ArrowRight" if in_lesson() && clicker_key_is_free(&ev) => {
                ev.prevent_default();
                lab.run(App::next_caption);
            }
            "PageUp" | "ArrowLeft" if in_lesson() && clicker_key_is_free(&ev) => {
                ev.prevent_default();
                lab.run(App::previous_caption);
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
            <PresentSwitch asked=query.present />
            <ThemeSwitch />
        </header>
        // Key events ("N3 is leader for term 4") for screen readers.
        <p class="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
            {move || lab.announcement.get()}
        </p>
        // The trace viewer draws here (its own wasm and Leptos runtime).
        <div id=TRACE_HOST_ID class="trace-host"></div>
        <div class="lab-screen" hidden=move || trace.shown.get()>
        <div class="sticky-top">
            <Controls />
            <Show when=move || lab.building.get().is_some()>
                <p class="building" role="status" data-testid="building">
                    {move || lab.building.get().map(|t| format!("Building {} of history with a steady workload: {}%…", t, lab.now.get().0 * 100 / t.0.max(1))).unwrap_or_default()}
                </p>
            </Show>
        </div>
        <main class="lab">
            <div class="stage">
                {move || {
                    lab.session_number.track();
                    view! { <ClusterView reduced_motion=reduced_motion /> }
                }}
                <TimelinePanel />
                <EventLogPanel />
                {move || {
                    lab.session_number.track();
                    view! { <LogsPanel /> }
                }}
            </div>
            <div class="side">
                <LessonPlayer />
                <ViolationAlert />
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
        </div>
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
