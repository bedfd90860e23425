//! Where the memory of a long history goes (natively, with a counting
//! allocator): the timeline of the in-page `?history=` build, with the
//! safety checkers alone and with the app's recorder, then what one more
//! copy of the world and of the observer costs (each checkpoint and
//! waypoint holds one). A report for finding memory, run on demand.
//!
//! Usage: cargo run --release --example history_memory [MINUTES] [VOTERS]

use raftlab::raft::Time;
use raftlab::sim::{Action, Timeline, Workload, WorldConfig};
use raftlab::view::Recorder;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        LIVE.fetch_add(n, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn kb(b: usize) -> String {
    format!("{:.1} KB", b as f64 / 1e3)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let minutes: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let voters: u8 = args.next().and_then(|s| s.parse().ok()).unwrap_or(9);
    report(minutes, voters, raftlab::check::Invariants::new());
    let t = report(minutes, voters, Recorder::new());
    let before = LIVE.load(Ordering::Relaxed);
    let l = t.observer().lanes().clone();
    println!(
        "one recorder's lanes: {}",
        kb(LIVE.load(Ordering::Relaxed) - before)
    );
    drop(l);
}

fn report<O: raftlab::sim::Observer>(minutes: u64, voters: u8, observer: O) -> Timeline<O> {
    let config = WorldConfig {
        nodes: voters,
        voters,
        ..WorldConfig::default()
    };
    let mut t = Timeline::fresh(config, 1, observer).expect("valid");
    t.act(Action::SetWorkload(Some(Workload::default())));
    let base = LIVE.load(Ordering::Relaxed);
    let end = Time(minutes * 60_000_000);
    let started = std::time::Instant::now();
    while t.world().now() < end {
        let next = t.world().now().plus(500_000).min(end);
        t.run_until(next);
    }
    let total = LIVE.load(Ordering::Relaxed) - base;
    let (checkpoints, spacing) = t.checkpoint_stats();
    println!("== observer: {}", std::any::type_name::<O>());
    println!(
        "history: {minutes} min, {voters} voters, {} steps, {} ops, built in {:.1} s",
        t.world().steps(),
        t.world().history().len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "live: {} ({checkpoints} checkpoints, spacing {spacing})",
        kb(total)
    );
    let before = LIVE.load(Ordering::Relaxed);
    let w = t.world().clone();
    println!("one world: {}", kb(LIVE.load(Ordering::Relaxed) - before));
    drop(w);
    let before = LIVE.load(Ordering::Relaxed);
    let r = t.observer().clone();
    println!(
        "one recorder: {}",
        kb(LIVE.load(Ordering::Relaxed) - before)
    );
    drop(r);
    t
}
