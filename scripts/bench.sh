#!/usr/bin/env bash
# The benchmark, run on demand (never in CI, never a timed assertion):
#   ./scripts/bench.sh [HISTORY_MINUTES]      (default 60; takes about half an hour)
# Describes the machine, then prints every figure of the speed, size and
# memory targets as one table (see README, "Speed, size and memory"):
#   - the simulation natively (examples/sim_speed.rs, one core);
#   - a release build, then in headless Chromium (scripts/bench.mjs): what
#     the first load transfers (gzip), time to the first leader, the
#     simulation in wasm, main-thread busy % and frame times while playing,
#     seek and step-back latency, and memory after HISTORY_MINUTES of history.
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
native="target/bench-native.txt"
cargo run --quiet --profile native --example sim_speed -- 600 | tee "$native"

echo "== release build"
trunk build --release --offline >/dev/null

echo "== browser (headless Chromium, 1920x1080)"
BENCH_NATIVE="$native" node scripts/bench.mjs "$minutes"
