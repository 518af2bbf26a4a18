#!/bin/bash
# Console benchmark: ClusterModel fed synthetic NodeStatus for 20 nodes × 200
# backends at 4 Hz with the real MainWindow shown offscreen; prints the UI
# thread's busy fraction and the topology's frame times against the targets
# (UI thread < 30% busy, no frame over 50 ms). Exit 0 when both are met.
# Usage: tests/bench/console/run.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=$(realpath "${1:-$SRC/build-console}")
ninja -C "$BUILD" bench_console >/dev/null
QT_QPA_PLATFORM=offscreen "$BUILD/console/views/bench_console" --seconds "${2:-60}"
