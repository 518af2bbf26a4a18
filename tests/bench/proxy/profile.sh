#!/usr/bin/env bash
# Per-request cost of the proxy, repeatable on a busy machine: one hafront
# worker in front of one nginx backend on loopback, a bounded client
# (client.py) sends exactly N keep-alive requests, and the agent's work is
# counted only over those N requests (after a warm-up).
# Usage: tests/bench/proxy/profile.sh [--agent PATH] [--requests N] [--connections C]
#                                     [--close] [--mode callgrind|strace]
#   callgrind: instructions per request, malloc calls per request, top functions
#   strace:    syscalls per request by name
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
AGENT=${AGENT:-$ROOT/build/agent/hafront-agent}
N=5000
CONNS=8
MODE=callgrind
CLOSE=()
while [ $# -gt 0 ]; do
  case "$1" in
    --agent) AGENT=$2; shift 2 ;;
    --requests) N=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --close) CLOSE=(--close); shift ;;
    --mode) MODE=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$N" -le 200000 ] || { echo "requests <= 200000" >&2; exit 2; }
for tool in nginx valgrind strace python3 "$AGENT"; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

BASE=$((16000 + ($$ % 300) * 10))   # below the ephemeral ports (32768-60999)
B1=$BASE P_HF=$((BASE + 2))
WORK=$(mktemp -d /tmp/hfprofile.XXXXXX)
PIDS=()
cleanup() {
  exec 2>/dev/null   # no "Killed" job notices
  for p in "${PIDS[@]}"; do kill "$p" || true; done
  for _ in $(seq 1 30); do
    alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -9 "$p" || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

chmod 755 "$WORK"
mkdir -p "$WORK/www" "$WORK/logs"
printf 'hello from backend\n' > "$WORK/www/small"
cat > "$WORK/backend.conf" <<EOC
daemon off; worker_processes 1; pid $WORK/backend.pid; error_log $WORK/logs/backend.err warn;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$B1 reuseport; root $WORK/www; } }
EOC
cat > "$WORK/hafront.conf" <<EOC
name: "profile"
node { name: "p" address: "127.0.0.1" workers: 1 }
pool { name: "app"
  backend { name: "b1" address: "127.0.0.1:$B1" }
  health { http { path: "/small" } interval_ms: 1000 } }
listener { name: "web" bind: "127.0.0.1:$P_HF" route { path_prefix: "/" pool: "app" } }
EOC

nginx -c "$WORK/backend.conf" -p "$WORK" & PIDS+=($!)
AGENT_ARGS=(--config "$WORK/hafront.conf" --node p --state-dir "$WORK" --socket "$WORK/agent.sock")
if [ "$MODE" = callgrind ]; then
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$WORK/cg.out" "$AGENT" "${AGENT_ARGS[@]}" \
    > "$WORK/logs/agent.log" 2>&1 & PIDS+=($!)
else
  "$AGENT" "${AGENT_ARGS[@]}" > "$WORK/logs/agent.log" 2>&1 & PIDS+=($!)
fi
APID=${PIDS[-1]}
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$P_HF/small" 2>/dev/null && break
  sleep 0.1
done
python3 "$HERE/client.py" "$P_HF" /small 500 "$CONNS" "${CLOSE[@]}" >/dev/null   # warm-up: pools, idle upstreams

if [ "$MODE" = callgrind ]; then
  callgrind_control -z "$APID" >/dev/null
  python3 "$HERE/client.py" "$P_HF" /small "$N" "$CONNS" "${CLOSE[@]}"
  callgrind_control -d "$APID" >/dev/null
  sleep 0.5
  # One file per thread (--separate-threads): the worker's, and the sum of all.
  python3 - "$N" "$WORK"/cg.out.1-* > "$WORK/summary.txt" <<'EOP'
import re, sys
n, paths = int(sys.argv[1]), sys.argv[2:]
ALLOC = ("malloc", "calloc", "realloc", "aligned_alloc", "posix_memalign")
rows = []
for path in paths:
    names, total, allocs, cfn, worker = {}, 0, 0, None, False
    for line in open(path, errors="replace"):
        if line.startswith(("summary:", "totals:")):
            total = max(total, int(line.split()[1]))
        m = re.match(r"(c?)fn=\((\d+)\)(?: (.*))?", line)
        if m:
            if m.group(3):
                names[m.group(2)] = m.group(3).strip()
                worker |= "proxy::Worker::run()" in m.group(3)
            if m.group(1):
                cfn = names.get(m.group(2))
            continue
        if line.startswith("calls=") and cfn in ALLOC:
            allocs += int(line.split()[0][6:])
    rows.append((path, total, allocs, worker))
for path, total, allocs, worker in rows:
    if worker:
        print(f"worker thread: instructions/request={total / n:.0f} allocations/request={allocs / n:.3f}")
        print(f"worker dump: {path}")
print(f"whole process: instructions/request={sum(r[1] for r in rows) / n:.0f} "
      f"allocations/request={sum(r[2] for r in rows) / n:.3f} (health checks and status publishing included)")
EOP
  cat "$WORK/summary.txt"
  DUMP=$(awk '/^worker dump:/ {print $3}' "$WORK/summary.txt")
  echo "top functions of the worker thread, self instructions:"
  callgrind_annotate --threshold=100 --inclusive=no "$DUMP" 2>/dev/null | sed -n '/PROGRAM TOTALS/,$p' |
    grep -E '^ *[0-9,]+ +\(' | grep -v '(100.0%)' | head -25 |
    sed -E 's/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/std::string/g' | cut -c1-160 || true
else
  strace -f -qq -o "$WORK/strace.txt" -p "$APID" 2>/dev/null & SPID=$!
  sleep 1
  python3 "$HERE/client.py" "$P_HF" /small "$N" "$CONNS" "${CLOSE[@]}"
  sleep 0.3
  kill -INT "$SPID"; wait "$SPID" || true
  # The worker is the thread that reads sockets; the others (Qt main loop,
  # health checker) are listed apart.
  python3 - "$N" "$WORK/strace.txt" <<'EOP'
import collections, re, sys
n = int(sys.argv[1])
calls = collections.defaultdict(collections.Counter)
failed = collections.defaultdict(collections.Counter)
for line in open(sys.argv[2], errors="replace"):
    m = re.match(r"(\d+) +(\w+)\(", line)
    if not m:
        continue
    tid, name = m.groups()
    calls[tid][name] += 1
    if re.search(r"= -1 E", line):
        failed[tid][name] += 1
worker = max(calls, key=lambda t: calls[t]["recvfrom"] + calls[t]["accept4"])
print("worker thread, syscalls per request:")
for name, c in calls[worker].most_common():
    print(f"  {name:14s} {c / n:6.2f}  ({failed[worker][name] / n:.2f} failed)")
print(f"  {'all':14s} {sum(calls[worker].values()) / n:6.2f}")
others = sum(sum(c.values()) for t, c in calls.items() if t != worker)
print(f"other threads: {others / n:.2f} per request (Qt main loop, health checks; time-driven)")
EOP
fi
