#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS — builds the libFuzzer targets (clang, ASan+UBSan)
# in their own build directory and runs each for SECONDS on a scratch copy of
# its seeds, so tests/fuzz/corpus is never written to. One line per target:
#   fuzz_NAME: N execs in S s, no crash
# or, on a crash, timeout, leak or out-of-memory, the saved input and the
# command that reproduces it; then the exit status is 1. Targets run
# FUZZ_JOBS at a time (default: one per core), each on one core.
#
# tests/fuzz/run.sh --build [TARGET...] only configures and builds: fuzz_all
# and the TARGETs (scripts/test.sh builds the sanitized unit tests here too).
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_TARGETS (names to
# run, default every tests/fuzz/fuzz_*.cpp), FUZZ_TIMEOUT (seconds one input
# may take, default 5), FUZZ_RSS_MB (default 2048), FUZZ_JOBS, NINJA_JOBS
# (ninja -j for the build, default ninja's).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

build_only=0
seconds=${1:-}
if [[ "$seconds" == --build ]]; then
    build_only=1
    shift
    extra_targets=("$@")
elif ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: tests/fuzz/run.sh SECONDS   (seconds per target) | tests/fuzz/run.sh --build [TARGET...]" >&2
    exit 2
fi
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
per_input=${FUZZ_TIMEOUT:-5}
rss_mb=${FUZZ_RSS_MB:-2048}
crash_dir=$root/$build_dir/crashes

# On tmpfs when there is one: fuzz_statefile fsyncs on every input.
scratch_base=${TMPDIR:-/tmp}
[[ -z "${TMPDIR:-}" && -d /dev/shm && -w /dev/shm ]] && scratch_base=/dev/shm
scratch=$(mktemp -d "$scratch_base/hafront-fuzz.XXXXXX")
fuzzer_pids=()
cleanup() {
    local pid
    for pid in "${fuzzer_pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            pkill -TERM -P "$pid" 2>/dev/null || true   # the fuzzer under timeout, then its shell
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build (its own directory: clang and instrumentation throughout) ----
if ! grep -q '^HAFRONT_FUZZ:BOOL=ON' "$build_dir/CMakeCache.txt" 2>/dev/null ||
   ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++' "$build_dir/CMakeCache.txt" 2>/dev/null; then
    rm -rf "$build_dir"   # a cache made with another compiler cannot be switched
    CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DHAFRONT_FUZZ=ON -DHAFRONT_LINE_TABLES=ON \
        >"$scratch/configure.log" 2>&1 || { cat "$scratch/configure.log" >&2; exit 1; }
elif grep -q '^HAFRONT_BUILD_CONSOLE:BOOL=OFF' "$build_dir/CMakeCache.txt"; then
    # An older build-fuzz/ left the console out; the unit tests need it.
    cmake -S . -B "$build_dir" -DHAFRONT_BUILD_CONSOLE=ON >"$scratch/configure.log" 2>&1 ||
        { cat "$scratch/configure.log" >&2; exit 1; }
fi
if ! ninja -C "$build_dir" ${NINJA_JOBS:+-j "$NINJA_JOBS"} fuzz_all ${extra_targets[@]+"${extra_targets[@]}"} \
        >"$scratch/build.log" 2>&1; then
    tail -40 "$scratch/build.log" >&2
    echo "fuzz: build failed" >&2
    exit 1
fi
[[ $build_only == 1 ]] && exit 0

targets=${FUZZ_TARGETS:-$(cd tests/fuzz && ls fuzz_*.cpp | sed 's/^fuzz_//; s/\.cpp$//')}
# Sanitizer reports end the input; leaks are reported by libFuzzer itself.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One target: its result line in $scratch/NAME/result; exit 1 if it failed.
fuzz_one() {
    local name=$1
    local bin=$root/$build_dir/tests/fuzz/fuzz_$name
    local work=$scratch/$name
    mkdir -p "$work/corpus" "$work/artifacts"
    [[ -d tests/fuzz/corpus/$name ]] && cp -R "tests/fuzz/corpus/$name/." "$work/corpus/"
    local args=(-max_total_time="$seconds" -timeout="$per_input" -rss_limit_mb="$rss_mb" -print_final_stats=1
                -artifact_prefix="$work/artifacts/")
    [[ -f tests/fuzz/dict/$name.dict ]] && args+=(-dict="$root/tests/fuzz/dict/$name.dict")

    local start rc=0
    start=$(date +%s)
    # TMPDIR: targets that write files (fuzz_statefile) stay inside the scratch folder.
    # The outer bound catches a fuzzer that does not stop by itself.
    TMPDIR=$work timeout -k 10 $((seconds + per_input + 60)) "$bin" "${args[@]}" "$work/corpus" \
        >"$work/log" 2>&1 || rc=$?
    local took=$(( $(date +%s) - start ))
    local execs
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
    [[ -n "$execs" ]] || execs=$(grep -oE '^#[0-9]+' "$work/log" | tail -1 | tr -d '#' || true)
    execs=${execs:-0}

    local artifact
    artifact=$(ls "$work/artifacts" 2>/dev/null | head -1)
    if [[ $rc -eq 0 && -z "$artifact" ]]; then
        echo "fuzz_$name: $execs execs in $took s, no crash" >"$work/result"
        return 0
    fi
    mkdir -p "$crash_dir/$name"
    cp "$work/log" "$crash_dir/fuzz_$name.log"
    if [[ -n "$artifact" ]]; then
        cp "$work/artifacts/$artifact" "$crash_dir/$name/"
        local kind=${artifact%%-*}   # crash, timeout, leak, oom, slow-unit
        echo "fuzz_$name: ${kind^^} after $execs execs in $took s: $build_dir/crashes/$name/$artifact" \
             "(log $build_dir/crashes/fuzz_$name.log); reproduce: $build_dir/tests/fuzz/fuzz_$name $build_dir/crashes/$name/$artifact"
    elif [[ $rc -eq 124 || $rc -eq 137 ]]; then
        echo "fuzz_$name: DID NOT STOP within $((seconds + per_input + 60)) s after $execs execs (log $build_dir/crashes/fuzz_$name.log)"
    else
        echo "fuzz_$name: FAILED with status $rc after $execs execs in $took s, no input saved (log $build_dir/crashes/fuzz_$name.log)"
    fi >"$work/result"
    return 1
}

jobs_max=${FUZZ_JOBS:-$(nproc)}
[[ "$jobs_max" =~ ^[1-9][0-9]*$ ]] || jobs_max=1
failed=0
running=0
for name in $targets; do
    if (( running >= jobs_max )); then
        wait -n || failed=1
        running=$((running - 1))
    fi
    fuzz_one "$name" &
    fuzzer_pids+=("$!")
    running=$((running + 1))
done
while (( running > 0 )); do
    wait -n || failed=1
    running=$((running - 1))
done
fuzzer_pids=()
for name in $targets; do
    cat "$scratch/$name/result" 2>/dev/null || { echo "fuzz_$name: no result"; failed=1; }
done
exit "$failed"
