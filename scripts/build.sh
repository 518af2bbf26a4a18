#!/usr/bin/env bash
# Configures and builds hafront into BUILD_DIR (default: build/).
# HAFRONT_SANITIZE=ON builds with ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
sanitize=${HAFRONT_SANITIZE:-OFF}
if [[ ! -f "$build_dir/build.ninja" ]] || ! grep -q "HAFRONT_SANITIZE:BOOL=$sanitize" "$build_dir/CMakeCache.txt" 2>/dev/null; then
  cmake -S . -B "$build_dir" -G Ninja -DHAFRONT_SANITIZE="$sanitize" ${CMAKE_ARGS:-} >/dev/null
fi
ninja -C "$build_dir" ${NINJA_TARGETS:-}
