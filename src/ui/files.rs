//! Saving a file from the page: one download of text the app made (a
//! session, the event log, an image of the timeline); and the browser's
//! local storage, where the session and the theme are kept between visits.

use wasm_bindgen::{JsCast, JsValue};

/// The page's local storage; `None` where the browser refuses it (some
/// private windows).
pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The file chosen in a file input's `change` event, if any; the input is
/// emptied, so that choosing the same file again opens it again.
pub fn take_chosen(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = leptos::prelude::event_target(ev);
    let file = input.files().and_then(|f| f.get(0));
    input.set_value("");
    file
}

/// Opens the file picker behind `picker` (a hidden file input), as a
/// visible button's click.
pub fn open_picker(picker: leptos::prelude::NodeRef<leptos::html::Input>) {
    use leptos::prelude::GetUntracked;
    if let Some(input) = picker.get_untracked() {
        input.click();
    }
}

/// Offers `text` as a download named `name` of type `mime`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)
}

/// The page's CSS rules whose selector starts with one of `prefixes`, plus
/// the colour variables, as one stylesheet: what a saved SVG needs to look
/// as it does on screen.
pub fn css_rules(prefixes: &[&str]) -> String {
    let mut css = String::new();
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return css;
    };
    let sheets = document.style_sheets();
    for i in 0..sheets.length() {
        let Some(sheet) = sheets
            .item(i)
            .and_then(|s| s.dyn_into::<web_sys::CssStyleSheet>().ok())
        else {
            continue;
        };
        let Ok(rules) = sheet.css_rules() else {
            continue;
        };
        for k in 0..rules.length() {
            let Some(rule) = rules.item(k) else { continue };
            let text = rule.css_text();
            let keep = text.starts_with(":root") || prefixes.iter().any(|p| text.starts_with(p));
            if keep {
                css.push_str(&text);
                css.push('\n');
            }
        }
    }
    css
}
