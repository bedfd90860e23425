//! A panic hook that keeps a crash visible: it logs the panic to
//! `console.error` and puts a `role="alert"` banner with the message at the
//! top of the page, instead of leaving a page that silently stopped moving.
//!
//! It works on the DOM directly, not through Leptos, because a panic can
//! happen in the middle of a reactive update.

use std::panic::PanicHookInfo;
use wasm_bindgen::JsValue;

const BANNER_ID: &str = "raftlab-panic";

/// Replaces the default panic hook for the rest of the page's life.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = describe(info);
        web_sys::console::error_1(&JsValue::from_str(&format!("Raftlab panicked: {message}")));
        show_banner(&message);
    }));
}

/// The panic message and where it happened, in one line.
fn describe(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    match info.location() {
        Some(at) => format!("{what} (at {}:{}:{})", at.file(), at.line(), at.column()),
        None => what.to_owned(),
    }
}

/// Puts the banner at the top of `<body>`, or updates the one already there.
/// Never panics: inside a panic hook that would abort without a trace.
fn show_banner(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(existing) = document.get_element_by_id(BANNER_ID) {
        if let Some(detail) = existing.query_selector(".panic-detail").ok().flatten() {
            detail.set_text_content(Some(message));
        }
        return;
    }
    let Some(body) = document.body() else {
        return;
    };
    let make = |tag: &str, class: &str, text: &str| {
        let el = document.create_element(tag).ok()?;
        el.set_class_name(class);
        el.set_text_content(Some(text));
        Some(el)
    };
    let (Some(banner), Some(title), Some(detail), Some(hint)) = (
        make("div", "panic-banner", ""),
        make(
            "strong",
            "panic-title",
            "Raftlab stopped with an internal error.",
        ),
        make("code", "panic-detail", message),
        make(
            "p",
            "panic-hint",
            "Reload the page to start again. The details are in the browser console.",
        ),
    ) else {
        return;
    };
    banner.set_id(BANNER_ID);
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "panic-banner");
    let _ = banner.append_child(&title);
    let _ = banner.append_child(&detail);
    let _ = banner.append_child(&hint);
    let _ = body.prepend_with_node_1(&banner);
}
