//! Prints the time-travel figures for a one-hour history kept the way the
//! app keeps it (the view's `Recorder`: every checker plus a mark per step
//! for the event log and key-event jumps): how long it takes to build, how
//! many steps and checkpoints it has, the memory it holds, how long a seek
//! to a random step and one step back take, and how long the key-event and
//! time lookups behind the stepping buttons take.
//!
//! It also times the swimlane's window queries, a full-width window (1,600
//! pixel columns) at three zoom levels: the whole history, one minute and
//! one second, each at 50 random places.
//!
//! `cargo run --release --example timeline_report -- [MINUTES] [NODES]`
//! (default 60 minutes, 5 nodes; the browser benchmark uses 9)

use raftlab::raft::Time;
use raftlab::rng::Rng;
use raftlab::sim::{Session, Timeline, Workload, WorldConfig};
use raftlab::view::Recorder;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The system allocator, counting the bytes currently allocated, so the
/// report can say how much memory the history holds and what one clone of
/// the world or the recorder costs.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_mib() -> f64 {
    LIVE.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0)
}

/// Bytes allocated by making `f`'s result, in KiB.
fn cost_kib<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let before = LIVE.load(Ordering::Relaxed);
    let made = f();
    let after = LIVE.load(Ordering::Relaxed);
    (made, after.saturating_sub(before) as f64 / 1024.0)
}

/// Resident memory of this process, from /proc (Linux), in MiB.
fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let minutes: u64 = std::env::args()
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or(60);
    let nodes: u8 = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let config = WorldConfig {
        nodes,
        voters: nodes,
        workload: Some(Workload {
            interval_us: 100_000,
            ..Workload::default()
        }),
        raft: raftlab::raft::Config {
            snapshot_threshold: 1_000,
            ..Default::default()
        },
        ..WorldConfig::default()
    };
    let before = rss_mib();
    let live_before = live_mib();
    let started = Instant::now();
    let mut timeline =
        Timeline::new(Session::new(config, 1), Recorder::new()).expect("valid configuration");
    timeline.run_until(Time::from_millis(minutes * 60_000));
    let build = started.elapsed().as_secs_f64();
    let after = rss_mib();
    let steps = timeline.cursor();
    let (checkpoints, spacing) = timeline.checkpoint_stats();
    println!(
        "history: {minutes} simulated minutes of a {nodes}-node cluster with ~10 client operations/s"
    );
    println!(
        "steps={steps} client_ops={} violations={}",
        timeline.world().history().len(),
        timeline.observer().violations().len()
    );
    println!(
        "build_seconds={build:.2} steps_per_second={:.0} sim_seconds_per_wall_second={:.0}",
        steps as f64 / build,
        (minutes * 60) as f64 / build
    );
    println!("checkpoints={checkpoints} spacing_steps={spacing}");
    println!(
        "memory_mib={:.1} (allocated: world, recorder and checkpoints)",
        live_mib() - live_before
    );
    if let (Some(b), Some(a)) = (before, after) {
        println!("resident_mib={:.1} (growth of the process)", a - b);
    }
    let (world, world_kib) = cost_kib(|| timeline.world().clone());
    let (recorder, recorder_kib) = cost_kib(|| timeline.observer().clone());
    drop((world, recorder));
    println!("one_checkpoint_kib: world={world_kib:.0} recorder={recorder_kib:.0}");
    let mut rng = Rng::new(99);
    let mut times = Vec::new();
    for _ in 0..50 {
        let target = rng.range_inclusive(0, steps);
        let t = Instant::now();
        timeline.seek(target);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(timeline.cursor(), target);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: usize| times[((times.len() - 1) * p) / 100];
    println!(
        "seek_ms: p50={:.2} p95={:.2} max={:.2} (50 random targets)",
        pct(50),
        pct(95),
        pct(100)
    );
    timeline.seek(steps);
    let t = Instant::now();
    timeline.step_back();
    println!(
        "step_back_ms={:.2} (from the live edge)",
        t.elapsed().as_secs_f64() * 1000.0
    );
    timeline.seek(steps);
    let marks = timeline.observer().marks();
    let (own, shared) = marks.bytes();
    println!(
        "step_marks={} kib_shared={:.0} kib_per_clone={:.0}",
        marks.len(),
        shared as f64 / 1024.0,
        own as f64 / 1024.0
    );
    let t = Instant::now();
    let mut jumps = 0;
    let mut at = 0;
    while let Some(next) = marks.next_key(at) {
        at = next;
        jumps += 1;
    }
    let all = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let back = marks.previous_key(steps);
    let previous = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "key_events={jumps} next_key_ms_each={:.4} previous_key_from_live_ms={previous:.4} (found {})",
        all / jumps.max(1) as f64,
        back.is_some()
    );
    let lanes = timeline.observer().lanes();
    let end = lanes.end().0;
    for (name, span) in [
        ("whole history", end),
        ("one minute", 60_000_000.min(end)),
        ("one second", 1_000_000.min(end)),
    ] {
        let mut times = Vec::new();
        let mut drawn = (0, 0);
        for _ in 0..50 {
            let from = rng.range_inclusive(0, end - span);
            let t = Instant::now();
            let w = lanes.window(Time(from), Time(from + span), 1_600, true);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            drawn = match &w.traffic {
                raftlab::view::Traffic::Arrows(a) => (a.len(), 0),
                raftlab::view::Traffic::Density(d) => (0, d.len()),
            };
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let pct = |p: usize| times[((times.len() - 1) * p) / 100];
        println!(
            "window_query_ms[{name}]: p50={:.3} p95={:.3} max={:.3} (last: {} arrows or {} density columns)",
            pct(50),
            pct(95),
            pct(100),
            drawn.0,
            drawn.1
        );
    }
    let t = Instant::now();
    let o = lanes.overview(1_600);
    println!(
        "overview_ms={:.3} reigns={} leaderless={}",
        t.elapsed().as_secs_f64() * 1000.0,
        o.reigns.len(),
        o.leaderless.len()
    );
    println!(
        "lanes_kib_per_clone={:.0} (the rest of the swimlane record is shared)",
        lanes.unshared_bytes() as f64 / 1024.0
    );
    let t = Instant::now();
    let mut found = 0;
    for m in 0..minutes * 60 {
        found += marks.step_at_time(Time::from_millis(m * 1000)).min(1);
    }
    println!(
        "step_at_time_us_each={:.2} ({found} of {} whole seconds have a step at or before them)",
        t.elapsed().as_secs_f64() * 1e6 / (minutes * 60) as f64,
        minutes * 60
    );
}
