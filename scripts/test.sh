#!/usr/bin/env bash
# README command 2: install what is needed, build, and run every test with CTest;
# then the unit tests again in an ASan+UBSan build, then every libFuzzer target
# briefly (tests/fuzz/run.sh; HAFRONT_FUZZ_SECONDS per target, default 15).
# Needs root (packages, network namespaces, raw sockets): re-runs itself with
# sudo when there is sudo, else says so and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/needroot.sh
need_root "packages, network namespaces, raw sockets" "$0" "$@"
export QT_QPA_PLATFORM=offscreen
start=$(date +%s)

scripts/install-deps.sh
BUILD_DIR=build scripts/build.sh
(cd build && ctest --output-on-failure --timeout 600 ${CTEST_ARGS:-})

if [[ "${HAFRONT_SKIP_ASAN:-0}" != 1 ]]; then
  echo "== unit tests under ASan+UBSan =="
  # Only the unit-test executables: the sanitizer pass is about our logic, and
  # building the whole tree twice would double CI time.
  unit_targets=$(cd build && ctest -N -L unit | awk '/Test +#[0-9]+:/ {print $3}' | tr '\n' ' ')
  BUILD_DIR=build-asan HAFRONT_SANITIZE=ON NINJA_TARGETS="$unit_targets" scripts/build.sh
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -L unit)
fi
if [[ "${HAFRONT_SKIP_FUZZ:-0}" != 1 ]]; then
  echo "== fuzz targets, ${HAFRONT_FUZZ_SECONDS:-15} s each =="
  # Its own clang build in build-fuzz/; about 5 minutes on 2 cores from clean.
  fuzz_start=$(date +%s)
  tests/fuzz/run.sh "${HAFRONT_FUZZ_SECONDS:-15}"
  echo "fuzz: done in $(( $(date +%s) - fuzz_start )) s"
fi
echo "test.sh: done in $(( $(date +%s) - start )) s"
