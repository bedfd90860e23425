//! Sharing a run: `Copy link` puts the whole session (settings, seed, every
//! action and the cursor) in the page's address and on the clipboard;
//! `Export session` saves it as a JSON file and `Import session` opens one
//! (the file picker, or a file dropped on the panel). A link or file that
//! cannot be opened says why here and leaves the current session as it was.
//! The session is also saved in the browser as it goes, and the next visit
//! offers "Restore last session".

use super::files::{download, open_picker, storage, take_chosen};
use super::lab::{done_text, Lab};
use super::status_line::StatusLine;
use super::trace_opener::{TraceOpener, TraceViewer};
use crate::app::{App, Shared};
use crate::sim::Session;
use crate::view::fixed;
use leptos::{html, prelude::*, task::spawn_local};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Where the last session is kept between visits.
const AUTOSAVE_KEY: &str = "raftlab.session";
/// While playing, save at most this often (wall-clock milliseconds).
const AUTOSAVE_EVERY_MS: f64 = 2_000.0;

/// The session saved by the last visit, read before this visit saves its
/// own: `(json, step)` if there is one worth offering (one that went
/// somewhere: past its first step or with actions).
pub fn saved_session() -> Option<(String, u64)> {
    let json = storage()?.get_item(AUTOSAVE_KEY).ok()??;
    let session = Session::from_json(&json).ok();
    match session {
        Some(s) if s.cursor.unwrap_or(0) > 0 || !s.actions.is_empty() => {
            Some((json, s.cursor.unwrap_or(0)))
        }
        Some(_) => None,
        // A corrupt save is offered anyway: opening it says what is wrong.
        None => Some((json, 0)),
    }
}

/// The largest file read: sessions are at most 1 MiB of JSON.
const MAX_FILE_BYTES: f64 = 1_048_576.0;

/// The page's address without its fragment.
fn page_address() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    Some(href.split('#').next().unwrap_or(&href).to_string())
}

/// Opens the session in the page's address, if it has one: what happened,
/// in words, as `Ok` if it opened and `Err` if the link was refused (the
/// cluster is then a fresh one). Called once when the page opens.
pub fn open_from_address(lab: Lab) -> Option<Result<String, String>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    if hash.len() <= 1 {
        return None;
    }
    let outcome = crate::scenario::from_fragment(&hash)
        .map_err(|e| e.to_string())
        .and_then(|s| lab.run(|a| a.open_shared(s)));
    match outcome {
        Ok(()) => Some(Ok(done_text(
            "Opened the shared run, paused at the moment it was shared",
        ))),
        Err(e) => Some(Err(format!(
            "This link could not be opened: {e}. The cluster below is a fresh one."
        ))),
    }
}

/// Reads `file` and opens the session in it, reporting into `status`.
fn import(lab: Lab, file: web_sys::File, status: RwSignal<String>) {
    let name = file.name();
    if file.size() > MAX_FILE_BYTES {
        status.set(format!(
            "“{name}” is {} KiB; a session file is at most 1,024 KiB. Nothing was changed.",
            fixed(file.size() / 1024.0, 0)
        ));
        return;
    }
    spawn_local(async move {
        let text = match JsFuture::from(file.text()).await {
            Ok(v) => v.as_string().unwrap_or_default(),
            Err(_) => {
                status.set(format!("“{name}” could not be read. Nothing was changed."));
                return;
            }
        };
        let outcome = Session::from_json(&text)
            .map_err(|e| e.to_string())
            .and_then(|s| lab.run(|a| a.open_shared(s)));
        status.set(match outcome {
            Ok(()) => done_text(&format!("Opened “{name}”, paused where it was saved")),
            Err(e) => {
                format!("“{name}” is not a session Raftlab can open: {e}. Nothing was changed.")
            }
        });
    });
}

/// Saves the session in the browser whenever the step changes while
/// paused, and every couple of seconds while playing.
fn autosave(lab: Lab) {
    let last_save = StoredValue::new(f64::NEG_INFINITY);
    Effect::new(move |_| {
        lab.cursor.track();
        let playing = lab.playing.get();
        let now = super::frame_loop::wall_ms();
        if playing && now - last_save.get_value() < AUTOSAVE_EVERY_MS {
            return;
        }
        last_save.set_value(now);
        let shared = lab.with_app(App::share);
        // A run no file could open would replace the last good autosave
        // with one that cannot be restored.
        if shared.problem.is_some() {
            return;
        }
        if let Some(s) = storage() {
            // A full or refused storage only loses the autosave.
            let _ = s.set_item(AUTOSAVE_KEY, &shared.json);
        }
    });
}

/// Puts a link to the session in the address bar and on the clipboard.
fn copy_link(lab: Lab, status: RwSignal<String>) {
    let shared = lab.with_app(App::share);
    if let Some(problem) = shared.problem {
        status.set(Shared::refusal(&problem));
        return;
    }
    let Some(base) = page_address() else { return };
    let link = format!("{base}#{}", shared.fragment());
    let opens = shared.opens_words();
    let Some(w) = web_sys::window() else { return };
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&link));
    }
    let clipboard = w.navigator().clipboard();
    // Absent outside secure contexts (a page on plain http from another
    // machine): calling it would throw.
    if clipboard.is_undefined() {
        status.set(format!("This browser offers no copying on this page (it does only over https or on this computer); the link is in the address bar instead ({opens})"));
        return;
    }
    spawn_local(async move {
        let done = JsFuture::from(clipboard.write_text(&link)).await;
        status.set(match done {
            Ok(_) => done_text(&format!("Link copied ({} characters): {opens}", link.len())),
            Err(_) => format!("The browser did not allow copying; the link is in the address bar instead ({opens})"),
        });
    });
}

/// Saves the session as a JSON file.
fn export_file(lab: Lab, status: RwSignal<String>) {
    let shared = lab.with_app(App::share);
    if let Some(problem) = shared.problem {
        status.set(Shared::refusal(&problem));
        return;
    }
    let settings = lab.settings.get_untracked();
    let name = format!("raftlab-seed{}-step{}.json", settings.seed, shared.opens_at);
    status.set(match download(&name, "application/json", &shared.json) {
        Ok(()) if shared.clamped => done_text(&format!("Saved {name}: {}", shared.opens_words())),
        Ok(()) => done_text(&format!("Saved {name}")),
        Err(_) => "The browser refused to save the file".to_string(),
    });
}

/// The offer to restore the last visit's session, until taken or declined.
#[component]
fn RestoreOffer(
    /// The last visit's session and its step, while offered.
    offer: RwSignal<Option<(String, u64)>>,
    status: RwSignal<String>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let restore = move |_| {
        let Some((json, _)) = offer.get_untracked() else {
            return;
        };
        offer.set(None);
        let outcome = Session::from_json(&json)
            .map_err(|e| e.to_string())
            .and_then(|s| lab.run(|a| a.open_shared(s)));
        status.set(match outcome {
            Ok(()) => done_text("Restored your last session, paused where you left it"),
            Err(e) => {
                format!("Your last session could not be restored: {e}. The cluster is a fresh one.")
            }
        });
    };
    view! {
        <Show when=move || offer.with(Option::is_some)>
            <p class="restore">
                <button type="button" class="primary" on:click=restore>"Restore last session"</button>
                {move || offer.with(|o| o.as_ref().map(|(_, step)| format!(" (saved at step {step})")).unwrap_or_default())}
                " "
                <button type="button" on:click=move |_| offer.set(None)>"No, thanks"</button>
            </p>
        </Show>
    }
}

/// The Share panel.
#[component]
pub fn SharePanel(
    /// What opening the page's address said, if it had a session.
    opened: Option<String>,
    /// The last visit's session, if any, to offer back.
    saved: Option<(String, u64)>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let trace = expect_context::<TraceViewer>();
    let status = RwSignal::new(opened.unwrap_or_default());
    let offer = RwSignal::new(saved);
    autosave(lab);
    let picker = NodeRef::<html::Input>::new();
    let dragging = RwSignal::new(false);
    let pick = move |_| open_picker(picker);
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = take_chosen(&ev) {
            import(lab, file, status);
        }
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let file = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0));
        match file {
            Some(file) if crate::trace::is_trace_file_name(&file.name()) => trace.open(file),
            Some(file) => import(lab, file, status),
            None => status.set(
                "Drop a session file (.json) or a trace (.ndjson) here to open it".to_string(),
            ),
        }
    };
    view! {
        <section
            class="panel share"
            class:dragging=move || dragging.get()
            aria-labelledby="share-title"
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <h2 id="share-title">"Share"</h2>
            <RestoreOffer offer=offer status=status />
            <div class="buttons">
                <button type="button" on:click=move |_| copy_link(lab, status)>"Copy link"</button>
                <button type="button" on:click=move |_| export_file(lab, status)>"Export session"</button>
                <button type="button" on:click=pick>"Import session"</button>
            </div>
            <input
                type="file"
                accept=".json,application/json"
                class="visually-hidden"
                tabindex="-1"
                aria-hidden="true"
                node_ref=picker
                on:change=on_file
            />
            <p class="hint">"A link or file holds the whole run: settings, seed, every action and the current step. Drop a session file (.json) or a trace (.ndjson) here to open it."</p>
            <StatusLine text=status testid="share-status"/>
            <TraceOpener />
        </section>
    }
}
