//! Opening a trace: reads the file in pieces, saying how far it got, and
//! shows it, or says what is wrong with it (the line and why) and leaves
//! everything as it was. What it says goes to the page's status line under
//! `Open a trace`.

use super::TraceShell;
use crate::trace::Recording;
use crate::ui::frame_loop::next_task;
use crate::ui::trace_opener::ViewerReport;
use crate::view::fixed;
use leptos::task::spawn_local;
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

/// Reads `file` as a trace and shows it, saying how it went.
pub fn open_trace(shell: TraceShell, file: web_sys::File) {
    let status = move |text: String| shell.report(ViewerReport::Status(text));
    let name = file.name();
    let size = file.size();
    if size > MAX_TRACE_BYTES {
        status(format!(
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
                status(format!("Reading “{name}”: {} of {}…", mb(at), mb(size)));
                next_task().await;
            }
            let piece = match read_piece(&file, at, end).await {
                Some(piece) => piece,
                None => {
                    status(format!("“{name}” could not be read. Nothing was changed."));
                    return;
                }
            };
            if let Err(e) = recording.feed(&piece) {
                status(refusal(&name, &e.to_string()));
                return;
            }
            at = end;
        }
        match recording.finish() {
            Ok(trace) => {
                status(crate::ui::lab::done_text(&format!(
                    "Opened “{name}” ({}): close it to come back to your session",
                    mb(size)
                )));
                shell.show(trace, &name);
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
            Err(e) => status(refusal(&name, &e.to_string())),
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
