#!/usr/bin/env bash
# Sets up what building needs (see scripts/setup.sh), then builds Raftlab and
# serves it on this machine with Trunk, rebuilding when a source changes.
#
#   ./scripts/serve.sh [PORT]      # default 8080, or $PORT
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh --no-browser

port="${1:-${PORT:-8080}}"
case "$port" in
  '' | *[!0-9]*) echo "serve: the port must be a number, got '$port'" >&2; exit 2 ;;
esac
# Trunk.toml tells trunk serve to ignore what the tests write; it refuses to
# start if one of those folders does not exist yet (a fresh clone).
mkdir -p target test-artifacts node_modules
echo
echo "serve: building; Raftlab will be at  http://127.0.0.1:$port/  (Ctrl+C stops the server)"
echo
exec trunk serve --release --offline --address 127.0.0.1 --port "$port"
