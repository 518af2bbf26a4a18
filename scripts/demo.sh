#!/usr/bin/env bash
# README command 1: install what is needed, build, and run the demo.
# (Until the demo cluster lands this starts one agent on loopback with the
# minimal example and shows that it runs.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=build scripts/build.sh
cfg=resources/examples/minimal.conf
build/agent/hafront-agent --check-config "$cfg"
state=$(mktemp -d)
build/agent/hafront-agent --config "$cfg" --node solo --state-dir "$state" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$state"' EXIT
sleep "${DEMO_SECONDS:-2}"
kill -0 "$pid" && echo "demo: hafront-agent pid $pid is running on loopback"
