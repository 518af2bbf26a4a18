#!/usr/bin/env bash
# Benchmark: TLS termination, hafront vs nginx vs HAProxy, the same ECDSA P-256
# certificate and the same two nginx backends on loopback, 2 workers each,
# interleaved rounds:
#   keepalive  wrk over HTTPS, keep-alive (small body)
#   full       new TLS connections, full handshakes: openssl s_time -new
#   resumed    resumed handshakes (session tickets): openssl s_time -reuse
# A fourth line, "relay", is the floor (tests/bench/relay/relay.cpp): the same
# TLS termination and sockets with no HTTP at all, each client connection
# relayed byte for byte to its own backend connection. Its keep-alive CPU per
# request is what any proxy pays on this box before doing its own work.
# Prints req/s (or handshakes/s), the ratio to nginx and each proxy's CPU time
# per request / per handshake (user + system of all its processes and threads:
# on this client-bound 2-core box that is the figure that carries over).
# Usage: tests/bench/tls/run.sh [--agent PATH] [--rounds N] [--duration S]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
source "$HERE/../lib.sh"
AGENT=${AGENT:-$ROOT/build/agent/hafront-agent}
ROUNDS=3
DURATION=5
CONNS=64
while [ $# -gt 0 ]; do
  case "$1" in
    --agent) AGENT=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$ROUNDS" -le 20 ] && [ "$DURATION" -le 60 ] || { echo "rounds <= 20, duration <= 60" >&2; exit 2; }
bench_need wrk nginx haproxy openssl c++ "$AGENT"

BASE=$((13000 + ($$ % 300) * 10))   # below the ephemeral ports (32768-60999): a client socket there blocks bind
B1=$((BASE)) B2=$((BASE + 1)) P_HF=$((BASE + 2)) P_NG=$((BASE + 3)) P_HA=$((BASE + 4)) P_RL=$((BASE + 5))
bench_workdir hftlsbench
mkdir -p "$WORK/tls"
# One ECDSA P-256 certificate for all three (self-signed; clients do not verify).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/tls/key.pem" \
  -out "$WORK/tls/cert.pem" -days 2 -subj /CN=bench.test -addext subjectAltName=DNS:bench.test 2>/dev/null
cat "$WORK/tls/cert.pem" "$WORK/tls/key.pem" > "$WORK/tls/haproxy.pem"
head -c 48 /dev/urandom > "$WORK/tls/ticket.secret"

c++ -std=c++20 -O2 -o "$WORK/relay" "$ROOT/tests/bench/relay/relay.cpp" -lssl -lcrypto -lpthread

bench_backends "$B1" "$B2"
# nginx: its defaults for tickets (a random key per worker set) and no session cache.
cat > "$WORK/nginx.conf" <<CONF
daemon off; worker_processes 2; pid $WORK/nginx.pid; error_log $WORK/logs/nginx.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream app { server 127.0.0.1:$B1; server 127.0.0.1:$B2; keepalive 64; }
  server { listen 127.0.0.1:$P_NG ssl reuseport;
    ssl_certificate $WORK/tls/cert.pem; ssl_certificate_key $WORK/tls/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
                 proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$remote_addr;
                 proxy_set_header X-Forwarded-Proto https; } } }
CONF
cat > "$WORK/haproxy.cfg" <<CONF
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
  bind 127.0.0.1:$P_HA ssl crt $WORK/tls/haproxy.pem alpn http/1.1
  http-request set-header X-Forwarded-Proto https
  default_backend be
backend be
  balance roundrobin
  server b1 127.0.0.1:$B1
  server b2 127.0.0.1:$B2
CONF
cat > "$WORK/hafront.conf" <<CONF
name: "bench"
node { name: "b" address: "127.0.0.1" workers: 2 }
pool { name: "app"
  backend { name: "b1" address: "127.0.0.1:$B1" }
  backend { name: "b2" address: "127.0.0.1:$B2" }
  health { http { path: "/small" } interval_ms: 1000 } }
listener { name: "web" bind: "127.0.0.1:$P_HF"
  tls { certificate { cert_file: "$WORK/tls/cert.pem" key_file: "$WORK/tls/key.pem" }
        session_ticket_secret_file: "$WORK/tls/ticket.secret" }
  route { path_prefix: "/" pool: "app" } }
CONF

nginx -c "$WORK/nginx.conf" -p "$WORK" & PIDS+=($!); PID_NG=$!
haproxy -f "$WORK/haproxy.cfg" > "$WORK/logs/haproxy.log" 2>&1 & PIDS+=($!); PID_HA=$!
"$AGENT" --config "$WORK/hafront.conf" --node b --state-dir "$WORK" --socket "$WORK/agent.sock" \
  > "$WORK/logs/agent.log" 2>&1 & PIDS+=($!); PID_HF=$!
"$WORK/relay" --listen "$P_RL" --backend "$B1" --backend "$B2" --threads 2 \
  --cert "$WORK/tls/cert.pem" --key "$WORK/tls/key.pem" --max-seconds $((ROUNDS * DURATION * 16 + 120)) \
  > "$WORK/logs/relay.log" 2>&1 & PIDS+=($!); PID_RL=$!

wait_port() {
  for _ in $(seq 1 50); do
    curl -kfsS -o /dev/null "$1://127.0.0.1:$2/small" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $2 never answered" >&2; exit 1
}
wait_port http "$B1"; wait_port http "$B2"
for p in $P_HF $P_NG $P_HA $P_RL; do wait_port https "$p"; done
sleep 1.2


# -> "rate errors cpu_us_per_unit sys_us_per_unit"
run_keepalive() {
  local pid=$1 port=$2 out t0 t1 s0 s1 total rps err non2xx
  t0=$(cpu_ticks "$pid") s0=$(sys_ticks "$pid")
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 5s "https://127.0.0.1:$port/small" 2>&1)
  t1=$(cpu_ticks "$pid") s1=$(sys_ticks "$pid")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  err=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "${rps:-0} $(( ${err:-0} + ${non2xx:-0} )) $(cpu_per $((t1 - t0)) "${total:-0}") $(cpu_per $((s1 - s0)) "${total:-0}")"
}
# Two s_time clients at once (one per core); connections made in DURATION.
# s_time sends "GET <path> HTTP/1.0" and no Host, which an HTTP/1.1 backend
# refuses with 400 and a close (nginx as the proxy forwards it so; the bench
# then measured 400s and a new backend connection per handshake): the path
# smuggles a Host line in, the request's version ends up in a dummy field.
STIME_REQUEST=$'/small HTTP/1.0\r\nHost: bench.test\r\nX-Bench: s_time'
run_handshakes() {
  local pid=$1 port=$2 mode=$3 t0 t1 s0 s1 n=0 c bytes
  t0=$(cpu_ticks "$pid") s0=$(sys_ticks "$pid")
  for i in 1 2; do
    openssl s_time -connect "127.0.0.1:$port" "$mode" -www "$STIME_REQUEST" -time "$DURATION" \
      -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -tls1_2 > "$WORK/stime.$i" 2>&1 &
  done
  wait
  t1=$(cpu_ticks "$pid") s1=$(sys_ticks "$pid")
  for i in 1 2; do
    c=$(awk '/connections in [0-9.]+s;/ {print $1; exit}' "$WORK/stime.$i")
    n=$((n + ${c:-0}))
  done
  # Every proxy must have answered the same 200 (its bytes per connection).
  bytes=$(awk '/bytes read per connection/ {print $(NF-4); exit}' "$WORK/stime.1")
  echo "port $port $mode: ${bytes:-?} bytes read per connection" >&2
  echo "$(awk -v n="$n" -v d="$DURATION" 'BEGIN {printf "%.1f", n / d}') 0 $(cpu_per $((t1 - t0)) "$n") $(cpu_per $((s1 - s0)) "$n")"
}

declare -A RESULTS FLOOR
for round in $(seq 1 "$ROUNDS"); do
  for sc in keepalive full resumed; do
    order=(hafront nginx haproxy relay)
    for ((i = 0; i < round - 1; i++)); do order=("${order[@]:1}" "${order[0]}"); done
    for px in "${order[@]}"; do
      case $px in hafront) port=$P_HF pid=$PID_HF ;; nginx) port=$P_NG pid=$PID_NG ;; haproxy) port=$P_HA pid=$PID_HA ;; relay) port=$P_RL pid=$PID_RL ;; esac
      case $sc in
        keepalive) RESULTS[$sc.$px.$round]=$(run_keepalive "$pid" "$port") ;;
        full) RESULTS[$sc.$px.$round]=$(run_handshakes "$pid" "$port" -new) ;;
        resumed) RESULTS[$sc.$px.$round]=$(run_handshakes "$pid" "$port" -reuse) ;;
      esac
      bench_alive "$pid" "$px"
      echo "round $round $sc $px: ${RESULTS[$sc.$px.$round]}" >&2
    done
  done
done

printf '\n%-10s %-8s %12s %7s %9s %12s %12s %12s\n' scenario proxy "rate/s" errors "rate/ngx" "cpu us/unit" "cpu/ngx" "sys us/unit"
for sc in keepalive full resumed; do
  declare -A M=()
  for px in hafront nginx haproxy relay; do
    for k in 1 3 4; do
      M[$px.$k]=$(for r in $(seq 1 "$ROUNDS"); do echo "${RESULTS[$sc.$px.$r]}" | cut -d' ' -f$k; done | median)
    done
    M[$px.2]=$(for r in $(seq 1 "$ROUNDS"); do echo "${RESULTS[$sc.$px.$r]}" | cut -d' ' -f2; done | awk '{s+=$1} END {print s}')
  done
  for px in hafront nginx haproxy relay; do
    printf '%-10s %-8s %12.0f %7d %9.3f %12.1f %12.3f %12.1f\n' "$sc" "$px" "${M[$px.1]}" "${M[$px.2]}" \
      "$(awk -v a="${M[$px.1]}" -v b="${M[nginx.1]}" 'BEGIN {print (b > 0 ? a / b : 0)}')" "${M[$px.3]}" \
      "$(awk -v a="${M[$px.3]}" -v b="${M[nginx.3]}" 'BEGIN {print (b > 0 ? a / b : 0)}')" "${M[$px.4]}"
  done
  FLOOR[$sc]=$(awk -v a="${M[hafront.4]}" -v b="${M[nginx.3]}" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
done
# The kernel part alone, against nginx's whole CPU: the lowest CPU ratio any
# user-space work could reach with these sockets.
echo "hafront's kernel time alone / nginx's whole CPU: keepalive ${FLOOR[keepalive]}, full ${FLOOR[full]}, resumed ${FLOOR[resumed]}"
echo "relay = the floor: TLS and byte relay only, one backend connection per client connection (so for"
echo " full/resumed it also pays a backend connect per handshake, which the proxies' pools do not)"
echo "(median of $ROUNDS rounds, ${DURATION}s each; keepalive: wrk -t2 -c$CONNS over HTTPS, unit = request;"
echo " full/resumed: two openssl s_time clients, TLS 1.2 ECDHE-ECDSA-AES128-GCM, unit = handshake + one GET;"
echo " cpu = the proxy's user+system CPU time, all its processes and threads; sys = its system part)"
