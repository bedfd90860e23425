//! Raftlab: an interactive Raft consensus lab.
//!
//! Data flows one way: user action → [`app`] → [`sim`] world → [`raft`] nodes →
//! events → [`check`] checkers → [`view`] → back to the screen. `raft`, `sim`,
//! `check`, `scenario`, `view` and `app` never touch the DOM, the wall clock
//! or global randomness; they build and test natively.
//! Only `ui` is web-only, and it is compiled for `wasm32` alone.
//! `docs/ARCHITECTURE.md` has the layers and the path of one click.

pub mod app;
pub mod check;
pub mod chunked;
pub mod raft;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod sorted;
pub mod sorting;
pub mod trace;
pub mod view;

#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub mod ui;

/// Starts Raftlab. In a browser (wasm32) this mounts the app into the page;
/// a native build has no screen, so it says where the lab runs instead.
pub fn start() {
    #[cfg(all(target_arch = "wasm32", feature = "ui"))]
    ui::mount();
    #[cfg(not(all(target_arch = "wasm32", feature = "ui")))]
    println!("Raftlab runs in the browser: run ./scripts/serve.sh");
}
