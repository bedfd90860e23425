//! The browser app: Leptos components drawing the simulated cluster.
//!
//! Compiled for `wasm32` only. The model (a [`Timeline`](crate::sim::Timeline)
//! whose observer runs the checkers) lives in one `StoredValue` inside
//! [`lab::Lab`]; what the screen shows is computed by [`crate::view`] and
//! copied into fine-grained signals, each set only when its data changed.

mod app;
mod branches;
mod branches_panel;
mod client_panel;
mod cluster_view;
mod controls;
mod event_log_panel;
mod files;
mod frame_loop;
mod inspector;
mod lab;
mod lessons_panel;
mod logs_panel;
mod membership_panel;
mod network_panel;
mod panic_banner;
mod settings_panel;
mod share_panel;
mod status_line;
mod theme;
mod timeline_panel;

pub use app::App;

use std::time::Duration;

/// Installs the panic banner, mounts [`App`] into `<body>`, and runs the
/// self-test named by the URL query, if any (`?selftest=panic` panics on
/// purpose shortly after mounting, so the end-to-end suite can prove the
/// banner works on a real panic).
pub fn mount() {
    panic_banner::install();
    leptos::mount::mount_to_body(App);
    if selftest().as_deref() == Some("panic") {
        frame_loop::after(Duration::from_millis(200), || {
            panic!("selftest: a deliberate panic to check the error banner");
        });
    }
}

/// The value of `selftest` in the page's query string, if present.
fn selftest() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("selftest="))
        .map(str::to_owned)
}
