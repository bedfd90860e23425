//! Tests compiled to wasm32 and run by `wasm-bindgen-test-runner` (in Node).
//! Natively this file compiles to an empty test binary.
#![cfg(target_arch = "wasm32")]

use raftlab::sim::reference;
use wasm_bindgen_test::wasm_bindgen_test;

/// The same seeds give the same traces in the browser build as natively:
/// both compare against the hashes recorded by the native test suite.
#[wasm_bindgen_test]
fn traces_in_wasm_match_the_native_recorded_hashes() {
    let recorded: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("data/trace_hashes.json")).expect("valid reference file");
    assert_eq!(recorded.len(), reference::SEEDS.len());
    assert_eq!(reference::table(), recorded);
}

#[wasm_bindgen_test]
fn time_display_matches_native() {
    let t = raftlab::raft::Time::from_millis(1234).plus(567);
    assert_eq!(t.to_string(), "1234.567 ms");
}
