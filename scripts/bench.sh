#!/usr/bin/env bash
# The benchmark, run on demand (never in CI, never a timed assertion):
#   ./scripts/bench.sh [HISTORY_MINUTES]      (default 60; takes about half an hour)
# Describes the machine, then prints every figure of the speed, size and
# memory targets as one table (see docs/BENCHMARKS.md):
#   - the simulation natively (examples/sim_speed.rs, one core);
#   - a release build, what its wasm is made of and the model's own size
#     (scripts/wasm-size.mjs, examples/wasm_floor.rs);
#   - then in headless Chromium (scripts/bench.mjs): what
#     the first load transfers (gzip), time to the first leader, the
#     simulation in wasm, main-thread busy % and frame times while playing,
#     seek and step-back latency, and memory after HISTORY_MINUTES of history;
#   - traces (scripts/bench-trace.mjs): raftlab-trace check's MB/s and memory,
#     and how long the page takes to open etcd's example and a 20 MB trace.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
minutes="${1:-60}"

# (setup.sh reads its own options from the positional arguments.)
set --
# shellcheck source=scripts/setup.sh
source scripts/setup.sh >/dev/null

echo "== machine"
echo "cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) ($(nproc) cores)"
echo "memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "os: $( (. /etc/os-release && echo "$PRETTY_NAME") ), kernel $(uname -r)"
echo "rustc: $(rustc --version)"
echo "chromium: $(chromium --version 2>/dev/null || echo unknown)"
echo "node: $(node --version)"

echo "== simulation, native (one core)"
mkdir -p target
native="target/bench-native.txt"
cargo run --quiet --profile native --example sim_speed -- 600 | tee "$native"

echo "== release build (into target/bench-dist/: dist/ belongs to serve.sh)"
export RAFTLAB_DIST=target/bench-dist
trunk build --release --offline --dist "$RAFTLAB_DIST" >/dev/null

echo "== what the wasm is made of"
# The model alone (examples/wasm_floor.rs), optimised as the app is: the
# least any way of drawing it could add to.
cargo build --quiet --release --target wasm32-unknown-unknown --no-default-features --example wasm_floor
wasm-opt -Oz --strip-debug --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  target/wasm32-unknown-unknown/release/examples/wasm_floor.wasm -o target/wasm-floor.wasm
size="target/bench-size.txt"
node scripts/wasm-size.mjs target/wasm32-unknown-unknown/release/raftlab.wasm target/wasm-floor.wasm | tee "$size"

echo "== browser (headless Chromium, 1920x1080)"
BENCH_NATIVE="$native" BENCH_SIZE="$size" node scripts/bench.mjs "$minutes"

echo "== traces from other implementations (raftlab-trace natively, Open a trace in the page)"
cargo build --quiet --profile native --bin raftlab-trace
node scripts/bench-trace.mjs
