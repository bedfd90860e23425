#!/usr/bin/env bash
# Sets up everything (see scripts/setup.sh), then runs every check in order
# and stops at the first failure:
#   formatting, lints (native and wasm32), native tests, wasm tests, the
#   release build (with its file sizes), the browser end-to-end suite, the
#   check that serving and testing side by side do not interfere, and every
#   command the README and docs/ show.
# It builds the app into target/test-dist/, never dist/: that is what
# ./scripts/serve.sh serves, and it may be serving while this runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS

echo "==> setup"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

total_steps=9
# The release build the browser suite tests (not dist/, which serve.sh owns).
test_dist="target/test-dist"
step_no=0
step() {
  local name="$1" t0=$SECONDS
  shift
  step_no=$((step_no + 1))
  printf '\n==> [%d/%d] %s\n' "$step_no" "$total_steps" "$name"
  if ! "$@"; then
    printf '\ntest: FAILED at step %d/%d: %s\n' "$step_no" "$total_steps" "$name" >&2
    exit 1
  fi
  printf '==> [%d/%d] %s: ok (%d s)\n' "$step_no" "$total_steps" "$name" $((SECONDS - t0))
}

# Prints every file of the release build with its size and gzip -9 size, and
# the totals: the page's own code, and the trace viewer's, which the page
# fetches only when a trace is opened.
dist_sizes() {
  local file bytes gz all=0 all_gz=0 code=0 code_gz=0 viewer_gz=0
  printf '%-48s %10s %10s\n' "$test_dist/" "bytes" "gzip -9"
  while IFS= read -r file; do
    bytes=$(wc -c <"$test_dist/$file")
    gz=$(gzip -9c "$test_dist/$file" | wc -c)
    printf '%-48s %10d %10d\n' "$file" "$bytes" "$gz"
    all=$((all + bytes))
    all_gz=$((all_gz + gz))
    case "$file" in
      raftlab-trace-viewer*) viewer_gz=$((viewer_gz + gz)) ;;
      *.html | *.css | *.js | *.wasm) code=$((code + bytes)); code_gz=$((code_gz + gz)) ;;
    esac
  done < <(cd "$test_dist" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
  printf '%-48s %10d %10d\n' "total" "$all" "$all_gz"
  awk -v a="$all_gz" -v c="$code" -v cg="$code_gz" -v v="$viewer_gz" 'BEGIN {
    printf "release build gzip total: %d bytes (%.1f KiB); the page itself (html, css, js, wasm): %d bytes, %d bytes gzip (%.1f KiB); the trace viewer, fetched when a trace is opened: %d bytes gzip\n", a, a / 1024, c, cg, cg / 1024, v
  }'
}

# Linting only type-checks the web crates, but it builds their proc macros and
# build scripts; build those unoptimised and without debug info, as the wasm
# tests do, which costs less CPU.
wasm_clippy() {
  CARGO_PROFILE_DEV_DEBUG=0 cargo clippy --config 'profile.dev.package."*".opt-level=0' \
    --target wasm32-unknown-unknown --lib --bins -- -D warnings
}

release_build() {
  trunk build --release --offline --dist "$test_dist" && dist_sizes
}

end_to_end() {
  local files=(tests/e2e/*.test.mjs)
  RAFTLAB_DIST="$test_dist" node --test "${files[@]}"
}

step "cargo fmt --check" cargo fmt --check
step "cargo clippy (native, all targets, warnings are errors)" \
  cargo clippy --all-targets -- -D warnings
step "cargo clippy (wasm32: lib and bins, so the ui module is linted)" wasm_clippy
step "cargo test (native)" cargo test
# The wasm tests check the simulation, not the screen: without the `ui`
# feature they do not compile Leptos. Without debug info and with the
# dependencies unoptimised (raftlab itself keeps the test profile's
# opt-level) the build is a fraction of the app's.
wasm_tests() {
  CARGO_PROFILE_TEST_DEBUG=0 cargo test --config 'profile.test.package."*".opt-level=0' \
    --target wasm32-unknown-unknown --no-default-features --test wasm
}

step "cargo test (wasm32, tests/wasm.rs under wasm-bindgen-test-runner)" wasm_tests
step "trunk build --release --offline into $test_dist/, and its size" release_build
step "browser end-to-end suite (tests/e2e, Playwright + Chromium)" end_to_end
step "serve and test side by side (scripts/serve-alongside.mjs)" node scripts/serve-alongside.mjs
step "every command in the README and docs/ (scripts/check-docs.mjs)" node scripts/check-docs.mjs

printf '\ntest: all %d steps passed in %d s\n' "$total_steps" $((SECONDS - started))
