# Shared by the proxy benchmarks (tests/bench/{proxy,tls,h2}/run.sh): a work
# directory removed with every process started into PIDS, the two nginx
# backends, CPU time of a proxy, and medians. Source it; set -euo pipefail first.

# bench_workdir NAME: makes $WORK (with www/ and logs/) and the cleanup trap,
# which ends only the PIDs the script recorded in PIDS (KEEP=1 keeps $WORK).
bench_workdir() {
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  PIDS=()
  trap bench_cleanup EXIT INT TERM
  chmod 755 "$WORK"
  mkdir -p "$WORK/www" "$WORK/logs"
  printf 'hello from backend\n' > "$WORK/www/small"
}
bench_cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

# bench_need TOOL...: exits 2 naming the first one missing.
bench_need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
  done
}

# bench_backends PORT1 PORT2: one nginx master with one worker serving
# $WORK/www on both ports (keep-alive, static files), started into PIDS.
bench_backends() {
  cat > "$WORK/backend.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/backend.pid; error_log $WORK/logs/backend.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; sendfile on; tcp_nopush on;
  server { listen 127.0.0.1:$1 reuseport; root $WORK/www; }
  server { listen 127.0.0.1:$2 reuseport; root $WORK/www; } }
CONF
  nginx -c "$WORK/backend.conf" -p "$WORK" & PIDS+=($!)
}

# bench_alive PID NAME: a proxy that died mid-run makes its figures (and its
# CPU time, read from a /proc entry that is gone) meaningless: stop, keep logs.
bench_alive() {
  kill -0 "$1" 2>/dev/null && return 0
  echo "$2 (pid $1) is no longer running: its logs are kept in $WORK/logs" >&2
  KEEP=1
  exit 1
}

# cpu_ticks PID: user + system clock ticks of a process and its children
# (nginx's workers). Per request, it is what the proxy itself costs, which a
# busy shared machine disturbs far less than req/s.
cpu_ticks() {
  local total=0 p f
  for p in "$1" $(pgrep -P "$1"); do
    read -r -a f < "/proc/$p/stat" || continue
    total=$((total + f[13] + f[14]))
  done
  echo "$total"
}
# sys_ticks PID: the system (kernel) part of cpu_ticks alone. A proxy's
# kernel time per request is set by its sockets (segments, wakeups, syscalls),
# which no user-space work removes: the TLS bench prints it apart.
sys_ticks() {
  local total=0 p f
  for p in "$1" $(pgrep -P "$1"); do
    read -r -a f < "/proc/$p/stat" || continue
    total=$((total + f[14]))
  done
  echo "$total"
}
TICK_US=$((1000000 / $(getconf CLK_TCK)))
# cpu_per TICKS UNITS: microseconds of CPU per unit (request, handshake).
cpu_per() { awk -v t="$1" -v us="$TICK_US" -v n="$2" 'BEGIN {printf "%.1f", (n > 0 ? t * us / n : 0)}'; }

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
