#!/usr/bin/env bash
# Installs what building and testing Raftlab needs, skipping whatever is
# already there at the right version, and prints each thing it installs.
# Idempotent. Used by scripts/serve.sh and scripts/test.sh:
#
#   source scripts/setup.sh [--no-browser]   # also puts the tools on PATH
#   bash scripts/setup.sh [--no-browser]
#
# Needs rustup (with its cargo), Node.js >= 20 with npm, and apt-get (run as
# root, or with sudo) for Chromium. --no-browser skips Chromium, which only
# the test suite needs.

raftlab_setup() {
  local want_browser=1 arg
  for arg in "$@"; do
    case "$arg" in
      --no-browser) want_browser=0 ;;
      *) echo "setup: unknown option $arg" >&2; return 2 ;;
    esac
  done

  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

  say() { printf 'setup: %s\n' "$*"; }
  die() { printf 'setup: ERROR: %s\n' "$*" >&2; return 1; }

  # Tools installed by `cargo install` land here; put them first on PATH.
  local cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  local install_bin="${CARGO_INSTALL_ROOT:+$CARGO_INSTALL_ROOT/bin}"
  export PATH="${install_bin:+$install_bin:}$cargo_bin:$root/node_modules/.bin:$PATH"

  command -v rustup >/dev/null 2>&1 ||
    die "rustup is missing. Install Rust with rustup (https://rustup.rs), then run this again." || return 1
  command -v cargo >/dev/null 2>&1 ||
    die "cargo is missing, though rustup is here: run 'rustup default stable'." || return 1
  command -v node >/dev/null 2>&1 ||
    die "Node.js is missing. Install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm), then run this again." || return 1
  command -v npm >/dev/null 2>&1 ||
    die "npm is missing. Install npm (Debian: apt-get install npm), then run this again." || return 1
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$node_major" -ge 20 ] ||
    die "Node.js $(node --version) is too old: Raftlab's tools need Node.js 20 or newer." || return 1

  # 1. The wasm32 target of the current Rust toolchain.
  # (Lists are read into variables first: `cmd | grep -q` can fail under
  # pipefail when grep stops reading early.)
  local targets components
  targets="$(rustup target list --installed)" || die "rustup target list failed" || return 1
  components="$(rustup component list --installed)" || die "rustup component list failed" || return 1
  if grep -qx wasm32-unknown-unknown <<<"$targets"; then
    say "ok: Rust target wasm32-unknown-unknown"
  else
    say "installing: Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown || die "rustup target add wasm32-unknown-unknown failed" || return 1
  fi
  local component
  for component in rustfmt clippy; do
    if grep -q "^$component" <<<"$components"; then
      say "ok: Rust component $component"
    else
      say "installing: Rust component $component"
      rustup component add "$component" || die "rustup component add $component failed" || return 1
    fi
  done

  # 2. Trunk, pinned: 0.22 needs a newer rustc than this toolchain.
  local trunk_want="0.21.14" trunk_have
  trunk_have="$(trunk --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$trunk_have" = "$trunk_want" ]; then
    say "ok: trunk $trunk_want"
  else
    say "installing: trunk $trunk_want (found: ${trunk_have:-none}); this compiles for several minutes"
    cargo install trunk --version "$trunk_want" --locked ||
      die "cargo install trunk --version $trunk_want --locked failed" || return 1
  fi

  # 3. The wasm-bindgen CLI (and its test runner) at the version in Cargo.lock.
  #    Not --locked: its own lock file pins a crate release the registry no
  #    longer serves.
  local wbg_want wbg_have
  wbg_want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
  [ -n "$wbg_want" ] || die "cannot find the wasm-bindgen version in Cargo.lock" || return 1
  wbg_have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$wbg_have" = "$wbg_want" ] && command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
    say "ok: wasm-bindgen-cli $wbg_want"
  else
    say "installing: wasm-bindgen-cli $wbg_want (found: ${wbg_have:-none}); this compiles for a few minutes"
    cargo install wasm-bindgen-cli --version "$wbg_want" ||
      die "cargo install wasm-bindgen-cli --version $wbg_want failed" || return 1
  fi
  grep -q "wasm_bindgen = \"$wbg_want\"" "$root/Trunk.toml" ||
    die "Trunk.toml [tools] wasm_bindgen must be \"$wbg_want\", the version in Cargo.lock" || return 1

  # 4. npm packages from package-lock.json: binaryen@132 (wasm-opt for Trunk;
  #    not Debian's binaryen, whose output fails to load), playwright-core, and
  #    axe-core (the accessibility scan the end-to-end suite injects).
  if [ -f "$root/node_modules/.package-lock.json" ] &&
    [ ! "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ] &&
    [ -x "$root/node_modules/.bin/wasm-opt" ] &&
    [ -f "$root/node_modules/playwright-core/package.json" ] &&
    [ -f "$root/node_modules/axe-core/axe.min.js" ]; then
    say "ok: npm packages (node_modules is up to date with package-lock.json)"
  else
    say "installing: npm packages from package-lock.json (npm ci)"
    (cd "$root" && npm ci --no-audit --no-fund) || die "npm ci failed" || return 1
  fi
  local wasm_opt_have
  wasm_opt_have="$(wasm-opt --version 2>/dev/null || true)"
  case "$wasm_opt_have" in
    *"(version_132)"*) say "ok: wasm-opt version_132 (from npm binaryen)" ;;
    *) die "wasm-opt on PATH is '${wasm_opt_have:-missing}', not version_132 from node_modules/.bin" || return 1 ;;
  esac

  # 5. Chromium and ChromeDriver from Debian, for the browser tests.
  if [ "$want_browser" = 1 ]; then
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
      say "ok: chromium and chromedriver in /usr/bin"
    else
      local sudo=""
      if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 ||
          die "Chromium is missing and installing it needs root: run 'apt-get install chromium chromium-driver' as root" || return 1
        sudo="sudo"
      fi
      say "installing: chromium and chromium-driver (apt-get)"
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
        die "apt-get update failed" || return 1
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver ||
        die "apt-get install chromium chromium-driver failed" || return 1
    fi
  fi
  say "ready"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  raftlab_setup "$@"
else
  raftlab_setup "$@" || return 1
fi
