#!/usr/bin/env bash
# README command 2: install what is needed, build, and run every test with CTest;
# then the unit tests again in the sanitized clang build (ASan+UBSan), then
# every libFuzzer target briefly (tests/fuzz/run.sh; HAFRONT_FUZZ_SECONDS per
# target, default 15).
# Needs root (packages, network namespaces, raw sockets): re-runs itself with
# sudo when there is sudo, else says so and exits 1.
#
# Time: the sanitized build (build-fuzz/: unit tests and fuzz targets, every
# library compiled once) runs at the lowest CPU priority on one core while
# CTest runs, so the suite itself is the load test the CI issue asks for: its
# checks are bounds derived from the protocols, not idle-machine figures.
# HAFRONT_SERIAL=1 builds it after CTest instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/needroot.sh
need_root "packages, network namespaces, raw sockets" "$0" "$@"
export QT_QPA_PLATFORM=offscreen
start=$(date +%s)
phase() { echo "== $1 ($(( $(date +%s) - start )) s) =="; }

scripts/install-deps.sh
phase "format (scripts/format.sh --check: every tracked .cpp/.h as .clang-format writes it)"
scripts/format.sh --check
phase "build"
# Line tables only (-g1): backtraces keep file:line, the build is a fifth faster.
BUILD_DIR=build CMAKE_ARGS="-DHAFRONT_LINE_TABLES=ON ${CMAKE_ARGS:-}" scripts/build.sh

sanitized=0
[[ "${HAFRONT_SKIP_ASAN:-0}" != 1 || "${HAFRONT_SKIP_FUZZ:-0}" != 1 ]] && sanitized=1
# Only the unit-test executables besides the fuzz targets: the sanitizer pass
# is about our logic, the integration tests run the normal build.
unit_targets=$(cd build && ctest -N -L unit | awk '/Test +#[0-9]+:/ {print $3}' | tr '\n' ' ')
sanitized_log=build/sanitized-build.log
sanitized_pid=
stop_sanitized_build() {
  if [[ -n "$sanitized_pid" ]] && kill -0 "$sanitized_pid" 2>/dev/null; then
    pkill -TERM -P "$sanitized_pid" 2>/dev/null || true
    kill "$sanitized_pid" 2>/dev/null || true
  fi
}
trap stop_sanitized_build EXIT
if [[ $sanitized == 1 && "${HAFRONT_SERIAL:-0}" != 1 ]]; then
  phase "sanitized build in the background (nice 19, one core): $sanitized_log"
  NINJA_JOBS=1 nice -n 19 tests/fuzz/run.sh --build $unit_targets >"$sanitized_log" 2>&1 &
  sanitized_pid=$!
fi

phase "CTest"
ctest_rc=0
(cd build && ctest --output-on-failure --timeout 600 ${CTEST_ARGS:-}) || ctest_rc=$?
if [[ $ctest_rc != 0 ]]; then
  echo "test.sh: CTest failed (status $ctest_rc)"
  exit "$ctest_rc"
fi

if [[ $sanitized == 1 ]]; then
  if [[ -n "$sanitized_pid" ]]; then
    phase "waiting for the sanitized build"
    build_rc=0
    wait "$sanitized_pid" || build_rc=$?
    sanitized_pid=
    if [[ $build_rc != 0 ]]; then
      cat "$sanitized_log"
      echo "test.sh: the sanitized build failed"
      exit 1
    fi
  else
    phase "sanitized build"
    tests/fuzz/run.sh --build $unit_targets
  fi
fi
if [[ "${HAFRONT_SKIP_ASAN:-0}" != 1 ]]; then
  phase "unit tests under ASan+UBSan (clang, build-fuzz/)"
  (cd build-fuzz && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -L unit -j "$(nproc)")
fi
if [[ "${HAFRONT_SKIP_FUZZ:-0}" != 1 ]]; then
  phase "fuzz targets, ${HAFRONT_FUZZ_SECONDS:-15} s each, $(nproc) at a time"
  fuzz_start=$(date +%s)
  tests/fuzz/run.sh "${HAFRONT_FUZZ_SECONDS:-15}"
  echo "fuzz: done in $(( $(date +%s) - fuzz_start )) s"
fi
echo "test.sh: done in $(( $(date +%s) - start )) s"
