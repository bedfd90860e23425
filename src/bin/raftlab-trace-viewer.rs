//! The trace viewer as its own wasm, loaded by the page when a trace is
//! first opened (`src/ui/trace_opener.rs`), so that reading, checking and
//! drawing traces from other Raft implementations cost nothing to the
//! visitors who never open one. Trunk builds it beside the page
//! (`data-type="worker"` in `index.html`: built, not loaded by the page).
//!
//! A native build has nothing to do: the viewer is `raftlab::ui::trace`,
//! which is compiled for the browser only; `raftlab-trace check` is the
//! native way to read a trace.

#[cfg(all(target_arch = "wasm32", feature = "ui"))]
use wasm_bindgen::prelude::wasm_bindgen;

/// Opens `file` as a trace, drawn into `host`; the viewer tells the page
/// what happens through `reports(kind, text)`.
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
#[wasm_bindgen]
pub fn open_trace(file: web_sys::File, host: web_sys::HtmlElement, reports: js_sys::Function) {
    raftlab::ui::trace::open(file, host, reports);
}

fn main() {
    #[cfg(not(all(target_arch = "wasm32", feature = "ui")))]
    println!(
        "The trace viewer runs in the browser; to check a trace here, run raftlab-trace check FILE"
    );
}
