//! The browser app: Leptos components drawing the simulated cluster.
//!
//! Compiled for `wasm32` only. The application ([`crate::app::App`]) lives in
//! one `StoredValue` inside [`lab::Lab`]; components call its intents through
//! `Lab::run`, and what the screen shows (computed by [`crate::view`]) is
//! copied into fine-grained signals, each set only when its data changed.

mod branches_panel;
mod client_panel;
mod cluster_view;
mod controls;
mod event_log;
mod files;
mod frame_loop;
mod inspector;
mod lab;
mod lessons_panel;
mod logs_panel;
mod membership_panel;
mod network_panel;
mod on_screen;
mod page;
mod panic_banner;
mod present;
mod relay;
mod settings_panel;
mod share_panel;
mod status_line;
mod theme;
mod timeline;
pub mod trace;
mod trace_opener;

pub use page::Page;

use crate::view::fixed;
use std::time::Duration;

/// Installs the panic banner, mounts [`Page`] into `<body>`, and runs the
/// self-test named by the URL query, if any:
/// - `?selftest=panic` panics on purpose shortly after mounting, so the
///   end-to-end suite can prove the banner works on a real panic;
/// - `?selftest=speed` measures the simulation in wasm for the benchmark
///   (`scripts/bench.sh`): the same steady run as the native
///   `examples/sim_speed.rs`, timed with `performance.now()`, its figures
///   left in `window.raftlabSpeed`.
pub fn mount() {
    panic_banner::install();
    // The wasm memory, for the benchmark's memory figure (scripts/bench.mjs).
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"raftlabMemory".into(), &wasm_bindgen::memory());
    }
    leptos::mount::mount_to_body(Page);
    match selftest().as_deref() {
        Some("panic") => frame_loop::after(Duration::from_millis(200), || {
            panic!("selftest: a deliberate panic to check the error banner");
        }),
        Some("speed") => frame_loop::after(Duration::from_millis(200), measure_speed),
        _ => {}
    }
}

/// Simulated seconds in each measured run of `?selftest=speed` (as the
/// native example), after a short unmeasured run that warms up the engine.
const SPEED_SIM_SECONDS: u64 = 600;

/// Runs the steady workload with every checker for 5 and for 9 nodes and
/// stores one `key=value` line per run in `window.raftlabSpeed`.
fn measure_speed() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(performance) = window.performance() else {
        return;
    };
    crate::check::throughput::steady_run(5, 20, 2);
    let lines: Vec<String> = [5u8, 9]
        .into_iter()
        .map(|nodes| {
            let started = performance.now();
            let run = crate::check::throughput::steady_run(nodes, SPEED_SIM_SECONDS, 1);
            let wall = (performance.now() - started) / 1000.0;
            let checks = if run.verdict.is_ok() { "passed" } else { "FAILED" };
            format!(
                "nodes={nodes} sim_seconds={} steps={} wall_seconds={} sim_per_wall={} checks={checks}",
                fixed(run.sim_time.0 as f64 / 1e6, 1),
                run.steps,
                fixed(wall, 3),
                fixed(run.speed(wall), 0),
            )
        })
        .collect();
    let _ = js_sys::Reflect::set(&window, &"raftlabSpeed".into(), &lines.join("\n").into());
}

/// The value of `selftest` in the page's query string, if present.
fn selftest() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    crate::view::query_value(&search, "selftest").map(str::to_owned)
}
