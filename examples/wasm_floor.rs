//! The model with nothing drawn, for the benchmark's page-weight figures
//! (`scripts/bench.sh`, `scripts/wasm-size.mjs`): the simulation with time
//! travel, every checker, the lessons and the session link, built for
//! wasm32 as a bare module (no wasm-bindgen, no browser API). Whatever draws
//! the app adds to this, so its gzip size is the least the first load can
//! be while the page runs the whole model itself.
//!
//! Build: cargo build --release --target wasm32-unknown-unknown
//!        --no-default-features --example wasm_floor
//! (`crate-type = ["cdylib"]` in Cargo.toml: a library whose functions
//! are the module's exports.) Natively it builds too, and is never run.

use raftlab::check::throughput::steady_run;
use raftlab::scenario::{from_fragment, lessons, to_fragment};
use raftlab::sim::{Timeline, WorldConfig};

/// Runs a cluster for `seconds` with every checker on; 1 if all passed.
#[no_mangle]
pub extern "C" fn run_checked(seconds: u64, seed: u64) -> u32 {
    steady_run(5, seconds, seed).verdict.is_ok() as u32
}

/// Builds `steps` steps of history, seeks to `to` and steps back once;
/// returns the step reached.
#[no_mangle]
pub extern "C" fn travel(steps: u64, to: u64, seed: u64) -> u64 {
    let Ok(mut timeline) = Timeline::fresh(WorldConfig::default(), seed, ()) else {
        return u64::MAX;
    };
    for _ in 0..steps {
        timeline.step();
    }
    timeline.seek(to);
    timeline.step_back();
    timeline.cursor()
}

/// Decodes the session link in `len` bytes at `text` and encodes it again;
/// returns the new link's length, or 0 when the link is refused.
///
/// # Safety
/// `text` must point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn relink(text: *const u8, len: usize) -> usize {
    // SAFETY: the caller passes `len` readable bytes at `text`.
    let bytes = unsafe { std::slice::from_raw_parts(text, len) };
    let Ok(fragment) = std::str::from_utf8(bytes) else {
        return 0;
    };
    from_fragment(fragment).map_or(0, |session| to_fragment(&session).len())
}

/// Opens lesson `index`: its run's link and every caption's text, in bytes.
#[no_mangle]
pub extern "C" fn lesson_bytes(index: usize) -> usize {
    lessons::all().get(index).map_or(0, |lesson| {
        to_fragment(&lesson.session).len()
            + lesson.intro.len()
            + lesson.captions.iter().map(|c| c.text.len()).sum::<usize>()
    })
}
