//! `Open a trace` on the Share panel, and the trace viewer it loads.
//!
//! The viewer ([`super::trace`]: reading, checking and drawing a trace from
//! another Raft implementation) is not in the page's wasm: it is built as
//! its own, `raftlab-trace-viewer` (`src/bin/raftlab-trace-viewer.rs`), and
//! fetched the first time a trace is opened, so the first load stays small
//! for everyone who never opens one. The two wasm modules share nothing but
//! the page: this side hands the viewer the file, the element to draw into
//! (`#trace-host`) and a function for its [`ViewerReport`]s, and hides the
//! lab while the viewer says a trace is shown.

use crate::ui::files::{open_picker, take_chosen};
use crate::ui::status_line::StatusLine;
use leptos::{html, prelude::*, task::spawn_local};
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::JsFuture;

/// The viewer's JavaScript module (Trunk builds it beside the page's,
/// unhashed: `data-type="worker"` in `index.html`).
const VIEWER_MODULE: &str = "raftlab-trace-viewer.js";

/// The id of the element the viewer draws into.
pub const TRACE_HOST_ID: &str = "trace-host";

#[wasm_bindgen(inline_js = r#"
export function import_trace_viewer(name) {
  return import(new URL(name, document.baseURI).href).then(async (m) => {
    await m.default();
    return m;
  });
}"#)]
extern "C" {
    /// Imports the module `name` (relative to the page) and starts its
    /// wasm; resolves to the module.
    fn import_trace_viewer(name: &str) -> js_sys::Promise;
}

/// What the viewer tells the page, as two strings (its kind and its text)
/// through the function the page handed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewerReport {
    /// A line for the status under `Open a trace` (progress, a refusal,
    /// what was opened).
    Status(String),
    /// A trace is on screen: the lab hides and pauses.
    Shown,
    /// The trace was closed: the lab comes back as it was.
    Closed,
}

impl ViewerReport {
    /// The report as `(kind, text)`.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            ViewerReport::Status(text) => ("status", text),
            ViewerReport::Shown => ("shown", ""),
            ViewerReport::Closed => ("closed", ""),
        }
    }

    /// The report from `(kind, text)`; `None` for a kind it does not know.
    pub fn from_parts(kind: &str, text: String) -> Option<ViewerReport> {
        match kind {
            "status" => Some(ViewerReport::Status(text)),
            "shown" => Some(ViewerReport::Shown),
            "closed" => Some(ViewerReport::Closed),
            _ => None,
        }
    }
}

/// The function the viewer reports through: `(kind, text)`.
type ReportFn = Closure<dyn Fn(String, String)>;

/// The page's side of the trace viewer. `Copy`: every field is a handle.
#[derive(Clone, Copy)]
pub struct TraceViewer {
    /// Whether a trace is shown (in place of the lab).
    pub shown: RwSignal<bool>,
    /// What the last opening said, under `Open a trace`.
    pub status: RwSignal<String>,
    /// The viewer's module, once loaded.
    module: StoredValue<Option<JsValue>, LocalStorage>,
    /// The function the viewer reports through (made once, kept for the
    /// page's life).
    reports: StoredValue<Option<ReportFn>, LocalStorage>,
}

impl TraceViewer {
    pub fn new() -> TraceViewer {
        let viewer = TraceViewer {
            shown: RwSignal::new(false),
            status: RwSignal::new(String::new()),
            module: StoredValue::new_local(None),
            reports: StoredValue::new_local(None),
        };
        let reports =
            ReportFn::new(
                move |kind: String, text| match ViewerReport::from_parts(&kind, text) {
                    Some(ViewerReport::Status(text)) => viewer.status.set(text),
                    Some(ViewerReport::Shown) => viewer.shown.set(true),
                    Some(ViewerReport::Closed) => viewer.shown.set(false),
                    None => web_sys::console::warn_1(
                        &format!("Raftlab: the trace viewer sent an unknown report “{kind}”")
                            .into(),
                    ),
                },
            );
        viewer.reports.set_value(Some(reports));
        viewer
    }

    /// Opens `file` as a trace: loads the viewer the first time, then hands
    /// it the file. What happens is said in [`TraceViewer::status`].
    pub fn open(&self, file: web_sys::File) {
        let viewer = *self;
        spawn_local(async move {
            let module = match viewer.module.get_value() {
                Some(module) => module,
                None => {
                    viewer.status.set("Loading the trace viewer…".to_string());
                    match JsFuture::from(import_trace_viewer(VIEWER_MODULE)).await {
                        Ok(module) => {
                            viewer.module.set_value(Some(module.clone()));
                            module
                        }
                        Err(e) => {
                            viewer.status.set(format!(
                                "The trace viewer could not be loaded ({}). Nothing was changed.",
                                js_error_words(&e)
                            ));
                            return;
                        }
                    }
                }
            };
            if let Err(e) = viewer.hand_over(&module, &file) {
                viewer.status.set(format!(
                    "The trace viewer could not open “{}” ({}). Nothing was changed.",
                    file.name(),
                    js_error_words(&e)
                ));
            }
        });
    }

    /// Calls the viewer's `open_trace(file, host, reports)`.
    fn hand_over(&self, module: &JsValue, file: &web_sys::File) -> Result<(), JsValue> {
        let open = js_sys::Reflect::get(module, &"open_trace".into())?
            .dyn_into::<js_sys::Function>()
            .map_err(|_| JsValue::from_str("it has no open_trace"))?;
        let host = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(TRACE_HOST_ID))
            .ok_or_else(|| JsValue::from_str("the page has no place for it"))?;
        let reports = self
            .reports
            .with_value(|r| r.as_ref().map(|r| r.as_ref().clone()))
            .ok_or_else(|| JsValue::from_str("the page is closing"))?;
        open.call3(&JsValue::NULL, file, &host, &reports)?;
        Ok(())
    }
}

/// A JavaScript error's message, or the value in words.
fn js_error_words(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The `Open a trace` button, its file picker and its status line (the
/// Share panel also hands it trace files dropped on it).
#[component]
pub fn TraceOpener() -> impl IntoView {
    let viewer = expect_context::<TraceViewer>();
    let picker = NodeRef::<html::Input>::new();
    let pick = move |_| open_picker(picker);
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = take_chosen(&ev) {
            viewer.open(file);
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
            <StatusLine text=viewer.status testid="trace-status"/>
        </div>
    }
}
