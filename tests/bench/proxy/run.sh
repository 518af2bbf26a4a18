#!/usr/bin/env bash
# Benchmark: hafront vs nginx vs HAProxy as reverse proxies in front of the same
# two nginx backends on loopback, 2 workers each, measured by wrk in interleaved
# rounds. Runs: keep-alive (small body), keep-alive off, 1 MiB body.
# Usage: tests/bench/proxy/run.sh [--agent PATH] [--rounds N] [--duration S] [--perf]
#                                 [--connections N] [--threads N]
# Prints a table: req/s, p50, p99, errors, the ratio to nginx (median of rounds)
# and each proxy's CPU time per request.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
source "$HERE/../lib.sh"
AGENT=${AGENT:-$ROOT/build/agent/hafront-agent}
ROUNDS=3
DURATION=5
CONNS=64
THREADS=2
PERF=0
while [ $# -gt 0 ]; do
  case "$1" in
    --agent) AGENT=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --perf) PERF=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$ROUNDS" -le 20 ] && [ "$DURATION" -le 60 ] || { echo "rounds <= 20, duration <= 60" >&2; exit 2; }
bench_need wrk nginx haproxy "$AGENT"

BASE=$((26000 + ($$ % 300) * 10))   # below the ephemeral ports (32768-60999)
B1=$((BASE)) B2=$((BASE + 1)) P_HF=$((BASE + 2)) P_NG=$((BASE + 3)) P_HA=$((BASE + 4)) P_HY=$((BASE + 5))
bench_workdir hfbench
head -c 1048576 /dev/zero | tr '\0' 'x' > "$WORK/www/1m"

bench_backends "$B1" "$B2"

cat > "$WORK/nginx.conf" <<EOF
daemon off; worker_processes 2; pid $WORK/nginx.pid; error_log $WORK/logs/nginx.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream app { server 127.0.0.1:$B1; server 127.0.0.1:$B2; keepalive 64; }
  server { listen 127.0.0.1:$P_NG reuseport;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
                 proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$remote_addr; } } }
EOF

cat > "$WORK/haproxy.cfg" <<EOF
global
  nbthread 2
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
  option forwardfor
  http-reuse always
frontend fe
  bind 127.0.0.1:$P_HA
  default_backend be
backend be
  balance roundrobin
  server b1 127.0.0.1:$B1
  server b2 127.0.0.1:$B2
EOF

cat > "$WORK/hafront.conf" <<EOF
name: "bench"
node { name: "b" address: "127.0.0.1" workers: 2 }
pool { name: "app"
  backend { name: "b1" address: "127.0.0.1:$B1" }
  backend { name: "b2" address: "127.0.0.1:$B2" }
  health { http { path: "/small" } interval_ms: 1000 } }
listener { name: "web" bind: "127.0.0.1:$P_HF" route { path_prefix: "/" pool: "app" } }
EOF

nginx -c "$WORK/nginx.conf" -p "$WORK" & PIDS+=($!); PID_NG=$!
haproxy -f "$WORK/haproxy.cfg" > "$WORK/logs/haproxy.log" 2>&1 & PIDS+=($!); PID_HA=$!
"$AGENT" --config "$WORK/hafront.conf" --node b --state-dir "$WORK" --socket "$WORK/agent.sock" \
  > "$WORK/logs/agent.log" 2>&1 & PIDS+=($!); PID_HF=$!
# The same agent with settings { yield_when_busy: true } (off by default: it
# trades p99 below saturation for throughput on shared cores), as its own row.
mkdir -p "$WORK/hy"
sed "s/:$P_HF\"/:$P_HY\"/" "$WORK/hafront.conf" > "$WORK/hy/hafront.conf"
echo 'settings { yield_when_busy: true }' >> "$WORK/hy/hafront.conf"
"$AGENT" --config "$WORK/hy/hafront.conf" --node b --state-dir "$WORK/hy" --socket "$WORK/hy/agent.sock" \
  > "$WORK/logs/agent-yield.log" 2>&1 & PIDS+=($!); PID_HY=$!

wait_port() {
  for _ in $(seq 1 50); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/small" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 never answered" >&2; exit 1
}
for p in $B1 $B2 $P_HF $P_NG $P_HA $P_HY; do wait_port "$p"; done
sleep 1.2   # hafront: first health checks marked both backends up


# One wrk run -> "reqs p50_ms p99_ms errors cpu_us_per_request"
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f", v}'; }
run_wrk() {  # pid port path extra-args...
  local pid=$1 port=$2 path=$3; shift 3
  local out t0 t1 total perfpid=
  t0=$(cpu_ticks "$pid")
  if [ "$PERF" = 1 ]; then
    perf stat -x, -e raw_syscalls:sys_enter,context-switches,cpu-migrations \
      -p "$(echo "$pid" $(pgrep -P "$pid") | tr ' ' ,)" -o "$WORK/perf.$port" -- sleep "$DURATION" &
    perfpid=$!
  fi
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 5s --latency "$@" "http://127.0.0.1:$port$path" 2>&1)
  local rps p50 p99 err non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
  p99=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
  err=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  t1=$(cpu_ticks "$pid")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  if [ -n "$perfpid" ]; then
    wait "$perfpid" || true
    # per request: syscalls, context switches, migrations of the proxy's threads
    awk -F, -v n="${total:-0}" '$3 ~ /sys_enter|context-switches|cpu-migrations/ && n > 0 {
        printf "  %s/req %.2f", $3, $1 / n } END {print ""}' "$WORK/perf.$port" >&2
  fi
  echo "${rps:-0} ${p50:-0} ${p99:-0} $(( ${err:-0} + ${non2xx:-0} ))" \
    "$(cpu_per $((t1 - t0)) "${total:-0}")"
}

declare -A RESULTS
for round in $(seq 1 "$ROUNDS"); do
  for sc in "keepalive" "close" "1MiB"; do
    case $sc in
      keepalive) path=/small; extra=() ;;
      close) path=/small; extra=(-H "Connection: close") ;;
      1MiB) path=/1m; extra=() ;;
    esac
    # rotate the order each round so no proxy always runs first
    order=(hafront nginx haproxy hf-yield)
    for ((i = 0; i < round - 1; i++)); do order=("${order[@]:1}" "${order[0]}"); done
    for px in "${order[@]}"; do
      case $px in hafront) port=$P_HF pid=$PID_HF ;; hf-yield) port=$P_HY pid=$PID_HY ;; nginx) port=$P_NG pid=$PID_NG ;; haproxy) port=$P_HA pid=$PID_HA ;; esac
      RESULTS[$sc.$px.$round]=$(run_wrk "$pid" "$port" "$path" "${extra[@]}")
      echo "round $round $sc $px: ${RESULTS[$sc.$px.$round]}" >&2
    done
  done
done

printf '\n%-10s %-8s %10s %9s %9s %7s %9s %9s %11s\n' scenario proxy "req/s" "p50 ms" "p99 ms" errors "rps/ngx" "p99/ngx" "cpu us/req"
for sc in keepalive close 1MiB; do
  declare -A M=()
  for px in hafront nginx haproxy hf-yield; do
    for k in 1 2 3 4 5; do
      M[$px.$k]=$(for r in $(seq 1 "$ROUNDS"); do echo "${RESULTS[$sc.$px.$r]}" | cut -d' ' -f$k; done | median)
    done
    M[$px.4]=$(for r in $(seq 1 "$ROUNDS"); do echo "${RESULTS[$sc.$px.$r]}" | cut -d' ' -f4; done | awk '{s+=$1} END {print s}')
  done
  for px in hafront nginx haproxy hf-yield; do
    printf '%-10s %-8s %10.0f %9.3f %9.3f %7d %9.3f %9.3f %11.1f\n' "$sc" "$px" "${M[$px.1]}" "${M[$px.2]}" "${M[$px.3]}" \
      "${M[$px.4]}" "$(awk -v a="${M[$px.1]}" -v b="${M[nginx.1]}" 'BEGIN {print (b > 0 ? a / b : 0)}')" \
      "$(awk -v a="${M[$px.3]}" -v b="${M[nginx.3]}" 'BEGIN {print (b > 0 ? a / b : 0)}')" "${M[$px.5]}"
  done
done
echo "(median of $ROUNDS rounds, ${DURATION}s each, wrk -t$THREADS -c$CONNS; errors = socket errors + non-2xx, summed;"
echo " cpu us/req = the proxy's user+system CPU time per request, all its processes and threads)"
