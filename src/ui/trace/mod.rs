//! The trace viewer: a trace from another Raft implementation, opened as a
//! read-only recorded history (issue 26). [`TraceShell`] keeps the trace
//! read (a [`Recorded`]) and the cursor into it; `open` reads a file in
//! pieces with a progress line; `screen` draws it with the same parts as
//! the lab: the top bar's stepping, the cluster, the swimlane, the event
//! log, the logs, the checks and an inspector whose actions say why they
//! are unavailable.
//!
//! This module is not part of the page's wasm: only the viewer's own,
//! `raftlab-trace-viewer` (`src/bin/raftlab-trace-viewer.rs`), calls
//! [`open`], so the page's build leaves all of it out and loads it when a
//! trace is first opened (`super::trace_opener`). The viewer has its own
//! Leptos runtime, mounted into the page's `#trace-host`, and tells the
//! page what happens through [`ViewerReport`]s: while a trace is shown, the
//! lab's own session is hidden and paused, and untouched: closing the trace
//! brings it back as it was.

mod open;
mod screen;

use crate::trace::Recorded;
use crate::ui::frame_loop;
use crate::ui::trace_opener::ViewerReport;
use leptos::prelude::*;
use std::cell::OnceCell;
use wasm_bindgen::JsValue;

thread_local! {
    /// The viewer, once mounted (the first trace opened mounts it).
    static SHELL: OnceCell<TraceShell> = const { OnceCell::new() };
}

/// Opens `file` as a trace, drawn into `host`, telling the page what
/// happens through `reports(kind, text)` (see [`ViewerReport`]). The
/// viewer is mounted on the first call; a later call replaces the trace
/// shown (once the new one is read: a file that is not a trace changes
/// nothing).
pub fn open(file: web_sys::File, host: web_sys::HtmlElement, reports: js_sys::Function) {
    let shell = SHELL.with(|cell| {
        *cell.get_or_init(|| {
            super::panic_banner::install();
            let shell = TraceShell::new();
            leptos::mount::mount_to(host, move || {
                provide_context(shell);
                listen_to_keys(shell);
                view! {
                    <Show when=move || shell.shown.get()>
                        <screen::TraceLab />
                    </Show>
                }
            })
            .forget();
            shell
        })
    });
    shell.reports.set_value(Some(reports));
    open::open_trace(shell, file);
}

/// Space plays or pauses, `.` and `,` step, while a trace is shown (the
/// page's own keys stand aside meanwhile).
fn listen_to_keys(shell: TraceShell) {
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        if !shell.shown.get_untracked() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            " " if !super::page::typing_target(&ev, true) => shell.toggle_play(),
            "." if !super::page::typing_target(&ev, false) => shell.step_forward(),
            "," if !super::page::typing_target(&ev, false) => shell.step_back(),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || on_key.remove());
}

/// Events per wall-clock second while a trace plays.
const EVENTS_PER_SECOND: f64 = 8.0;

/// The trace on screen and where its cursor is. `Copy`: every field is a
/// handle.
#[derive(Clone, Copy)]
pub struct TraceShell {
    trace: StoredValue<Option<Recorded>, LocalStorage>,
    /// Whether a trace is shown (over the lab).
    pub shown: RwSignal<bool>,
    /// A new trace was opened: components that depend on its nodes rebuild.
    pub number: RwSignal<u64>,
    /// Events happened so far (0 to the number of events).
    pub cursor: RwSignal<usize>,
    /// The number of events.
    pub len: RwSignal<usize>,
    /// Whether the cursor advances by itself.
    pub playing: RwSignal<bool>,
    /// The node in the inspector, by its number.
    pub selected: RwSignal<Option<usize>>,
    /// What was imported, in words.
    pub status: RwSignal<String>,
    /// Fractions of an event carried between frames while playing.
    carry: StoredValue<f64>,
    /// Whether the frame loop that plays the trace is running.
    looping: StoredValue<bool>,
    /// The page's function for [`ViewerReport`]s.
    reports: StoredValue<Option<js_sys::Function>, LocalStorage>,
}

impl TraceShell {
    fn new() -> TraceShell {
        TraceShell {
            trace: StoredValue::new_local(None),
            shown: RwSignal::new(false),
            number: RwSignal::new(0),
            cursor: RwSignal::new(0),
            len: RwSignal::new(0),
            playing: RwSignal::new(false),
            selected: RwSignal::new(None),
            status: RwSignal::new(String::new()),
            carry: StoredValue::new(0.0),
            looping: StoredValue::new(false),
            reports: StoredValue::new_local(None),
        }
    }

    /// Tells the page `report`.
    fn report(&self, report: ViewerReport) {
        let (kind, text) = report.parts();
        self.reports.with_value(|f| {
            if let Some(f) = f {
                if let Err(e) = f.call2(&JsValue::NULL, &kind.into(), &text.into()) {
                    web_sys::console::error_2(&"Raftlab: the page refused a report".into(), &e);
                }
            }
        });
    }

    /// Reads the trace on screen, if there is one.
    pub fn with<R>(&self, f: impl FnOnce(&Recorded) -> R) -> Option<R> {
        self.trace.try_with_value(|t| t.as_ref().map(f)).flatten()
    }

    /// Shows `trace`, read from the file `file`, at its start, paused.
    pub fn show(&self, trace: Recorded, file: &str) {
        self.status
            .set(crate::trace::screen::status_words(&trace, file));
        self.len.set(trace.len());
        self.trace.set_value(Some(trace));
        self.cursor.set(0);
        self.playing.set(false);
        self.selected.set(None);
        self.number.update(|n| *n += 1);
        self.shown.set(true);
        self.report(ViewerReport::Shown);
    }

    /// Closes the trace: the lab's session is shown again as it was.
    pub fn close(&self) {
        self.shown.set(false);
        self.playing.set(false);
        self.trace.set_value(None);
        self.report(ViewerReport::Closed);
    }

    /// Moves the cursor to `to` (clamped to the trace).
    pub fn seek(&self, to: usize) {
        let to = to.min(self.len.get_untracked());
        if self.cursor.get_untracked() != to {
            self.cursor.set(to);
        }
    }

    /// One event forward (pausing).
    pub fn step_forward(&self) {
        self.playing.set(false);
        self.seek(self.cursor.get_untracked() + 1);
    }

    /// One event back (pausing).
    pub fn step_back(&self) {
        self.playing.set(false);
        self.seek(self.cursor.get_untracked().saturating_sub(1));
    }

    /// To just after the next key event (or the end).
    pub fn next_key(&self) {
        self.playing.set(false);
        let at = self.cursor.get_untracked();
        let to = self.with(|t| t.next_key(at).unwrap_or(t.len()));
        self.seek(to.unwrap_or(at));
    }

    /// To just after the previous key event (or the start).
    pub fn previous_key(&self) {
        self.playing.set(false);
        let at = self.cursor.get_untracked();
        let to = self.with(|t| t.previous_key(at).unwrap_or(0));
        self.seek(to.unwrap_or(at));
    }

    /// To the event read from `line`, just after it.
    pub fn seek_line(&self, line: u64) {
        self.playing.set(false);
        if let Some(at) = self.with(|t| t.event_at_line(line)) {
            self.seek(at + 1);
        }
    }

    /// Plays or pauses; playing at the end starts over.
    pub fn toggle_play(&self) {
        let playing = !self.playing.get_untracked();
        if playing && self.cursor.get_untracked() >= self.len.get_untracked() {
            self.seek(0);
        }
        self.carry.set_value(0.0);
        self.playing.set(playing);
        if playing && !self.looping.get_value() {
            self.play_loop();
        }
    }

    /// Runs a frame loop that plays the trace until it is paused or
    /// closed (one loop at most: pausing and playing again within a frame
    /// keeps the one running).
    fn play_loop(&self) {
        let shell = *self;
        shell.looping.set_value(true);
        let mut last = frame_loop::wall_ms();
        frame_loop::start_while(move || {
            let keep_going = shell.playing.get_untracked() && shell.shown.get_untracked();
            if keep_going {
                let now = frame_loop::wall_ms();
                shell.frame((now - last).clamp(0.0, frame_loop::MAX_FRAME_MS));
                last = now;
            } else {
                shell.looping.set_value(false);
            }
            keep_going
        });
    }

    /// One animation frame: while playing, the events due in `elapsed_ms`.
    fn frame(&self, elapsed_ms: f64) {
        if !self.playing.get_untracked() {
            return;
        }
        let due = self.carry.get_value() + elapsed_ms * EVENTS_PER_SECOND / 1000.0;
        let whole = due.floor();
        self.carry.set_value(due - whole);
        if whole >= 1.0 {
            let to = self.cursor.get_untracked() + whole as usize;
            self.seek(to);
            if to >= self.len.get_untracked() {
                self.playing.set(false);
            }
        }
    }
}
