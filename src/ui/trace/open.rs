//! `Open a trace`: reads a trace file in pieces, saying how far it got, and
//! shows it, or says what is wrong with it (the line and why) and leaves
//! everything as it was.

use super::TraceShell;
use crate::trace::Recording;
use crate::ui::files::{open_picker, take_chosen};
use crate::ui::frame_loop::next_task;
use crate::ui::status_line::StatusLine;
use crate::view::fixed;
use leptos::{html, prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Bytes read between two redraws of the progress line.
const PIECE_BYTES: f64 = 2.0 * 1024.0 * 1024.0;
/// The largest trace the page opens (40 MiB, twice the 20 MB the page is
/// measured with; every event is kept, so a hostile file of long appends
/// could otherwise take hundreds of MB); `raftlab-trace check` streams any
/// size.
const MAX_TRACE_BYTES: f64 = 40.0 * 1024.0 * 1024.0;

/// Megabytes, one decimal.
fn mb(bytes: f64) -> String {
    format!("{} MB", fixed(bytes / 1_000_000.0, 1))
}

/// Reads `file` as a trace and shows it, reporting into `status`.
pub fn open_trace(shell: TraceShell, file: web_sys::File, status: RwSignal<String>) {
    let name = file.name();
    let size = file.size();
    if size > MAX_TRACE_BYTES {
        status.set(format!(
            "“{name}” is {}; the page opens traces up to {} (check a larger one with raftlab-trace check, which streams any size). Nothing was changed.",
            mb(size),
            mb(MAX_TRACE_BYTES)
        ));
        return;
    }
    spawn_local(async move {
        let mut recording = Recording::new(None);
        let mut at = 0.0;
        while at < size {
            let end = (at + PIECE_BYTES).min(size);
            if size > PIECE_BYTES {
                status.set(format!("Reading “{name}”: {} of {}…", mb(at), mb(size)));
                next_task().await;
            }
            let piece = match read_piece(&file, at, end).await {
                Some(piece) => piece,
                None => {
                    status.set(format!("“{name}” could not be read. Nothing was changed."));
                    return;
                }
            };
            if let Err(e) = recording.feed(&piece) {
                status.set(refusal(&name, &e.to_string()));
                return;
            }
            at = end;
        }
        match recording.finish() {
            Ok(trace) => {
                status.set(crate::ui::lab::done_text(&format!(
                    "Opened “{name}” ({}): close it to come back to your session",
                    mb(size)
                )));
                shell.show(trace, &name);
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
            Err(e) => status.set(refusal(&name, &e.to_string())),
        }
    });
}

/// Why a file is not a trace, in a sentence.
fn refusal(name: &str, why: &str) -> String {
    format!("“{name}” is not a trace Raftlab can open: {why}. Nothing was changed.")
}

/// The bytes of `file` from `start` to `end`.
async fn read_piece(file: &web_sys::File, start: f64, end: f64) -> Option<Vec<u8>> {
    let blob = file.slice_with_f64_and_f64(start, end).ok()?;
    let buffer = JsFuture::from(blob.array_buffer()).await.ok()?;
    let buffer = buffer.dyn_into::<js_sys::ArrayBuffer>().ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The `Open a trace` button, its file picker and its status line (the
/// Share panel also hands it trace files dropped on it).
#[component]
pub fn TraceOpener(
    /// What the last opening said.
    status: RwSignal<String>,
) -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    let picker = NodeRef::<html::Input>::new();
    let pick = move |_| open_picker(picker);
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = take_chosen(&ev) {
            open_trace(shell, file, status);
        }
    };
    view! {
        <div class="trace-opener">
            <button type="button" on:click=pick>"Open a trace"</button>
            <input
                type="file"
                accept=".ndjson,.jsonl,.log,.trace,.txt,application/x-ndjson"
                class="visually-hidden"
                tabindex="-1"
                aria-hidden="true"
                data-testid="trace-picker"
                node_ref=picker
                on:change=on_file
            />
            <p class="hint">"A trace from another Raft: etcd's trace ndjson or the Raftlab trace format (docs/TRACE-FORMAT.md). Opened read-only, to step through and check."</p>
            <StatusLine text=status testid="trace-status"/>
        </div>
    }
}
