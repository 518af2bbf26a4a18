#!/usr/bin/env bash
# Benchmark (not a timed test): HTTP/2 to clients, hafront vs nginx vs HAProxy
# in front of the same two nginx backends (HTTP/1.1 keep-alive) on loopback,
# 2 workers each, measured by h2load -c 50 -m 10 in interleaved rounds.
# Cleartext with prior knowledge by default (hafront: http2 { enabled: true };
# nginx: listen ... http2; HAProxy: bind ... proto h2); with --tls, h2 over
# TLS 1.3 negotiated by ALPN, one ECDSA P-256 certificate for all three
# (hafront: tls { alpn: "h2" }; nginx: listen ... ssl http2; HAProxy: bind
# ... ssl alpn h2), each client connection doing one full handshake.
# Usage: tests/bench/h2/run.sh [--agent PATH] [--rounds N] [--duration S]
#                              [--clients N] [--streams N] [--threads N] [--tls]
# Prints req/s, p99 (from h2load's per-request log), failed streams, CPU time
# per request of each proxy, and the ratios to nginx (median of rounds).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
source "$HERE/../lib.sh"
AGENT=${AGENT:-$ROOT/build/agent/hafront-agent}
ROUNDS=3
DURATION=5
CLIENTS=50
STREAMS=10
THREADS=2
TLS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --agent) AGENT=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --streams) STREAMS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --tls) TLS=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$ROUNDS" -le 20 ] && [ "$DURATION" -le 60 ] || { echo "rounds <= 20, duration <= 60" >&2; exit 2; }
bench_need h2load nginx haproxy curl "$AGENT"

BASE=$((10000 + ($$ % 300) * 10))   # below the ephemeral ports (32768-60999): a client socket there blocks bind
B1=$((BASE)) B2=$((BASE + 1)) P_HF=$((BASE + 2)) P_NG=$((BASE + 3)) P_HA=$((BASE + 4))
bench_workdir hfh2bench

bench_backends "$B1" "$B2"

# Listener lines of each proxy, cleartext or TLS.
if [ "$TLS" = 1 ]; then
  mkdir -p "$WORK/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/tls/key.pem" \
    -out "$WORK/tls/cert.pem" -days 2 -subj /CN=bench.test -addext subjectAltName=DNS:bench.test 2>/dev/null
  cat "$WORK/tls/cert.pem" "$WORK/tls/key.pem" > "$WORK/tls/haproxy.pem"
  SCHEME=https CURL_H2=--http2
  NG_LISTEN="listen 127.0.0.1:$P_NG ssl reuseport http2;
    ssl_certificate $WORK/tls/cert.pem; ssl_certificate_key $WORK/tls/key.pem; ssl_protocols TLSv1.2 TLSv1.3;"
  HA_BIND="bind 127.0.0.1:$P_HA ssl crt $WORK/tls/haproxy.pem alpn h2,http/1.1"
  HF_LISTEN="tls { certificate { cert_file: \"$WORK/tls/cert.pem\" key_file: \"$WORK/tls/key.pem\" }
        alpn: \"h2\" alpn: \"http/1.1\" }"
else
  SCHEME=http CURL_H2=--http2-prior-knowledge
  NG_LISTEN="listen 127.0.0.1:$P_NG reuseport http2;"
  HA_BIND="bind 127.0.0.1:$P_HA proto h2"
  HF_LISTEN="http2 { enabled: true }"
fi

cat > "$WORK/nginx.conf" <<EOF
daemon off; worker_processes 2; pid $WORK/nginx.pid; error_log $WORK/logs/nginx.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream app { server 127.0.0.1:$B1; server 127.0.0.1:$B2; keepalive 64; }
  server { $NG_LISTEN
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
  $HA_BIND
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
  health { http { path: "/small" } interval_ms: 5000 timeout_ms: 5000 fall: 3 } }   # no flaps at saturation (nginx/HAProxy have no checks here)
listener { name: "web" bind: "127.0.0.1:$P_HF" $HF_LISTEN route { path_prefix: "/" pool: "app" } }
EOF

nginx -c "$WORK/nginx.conf" -p "$WORK" & PIDS+=($!); PID_NG=$!
haproxy -f "$WORK/haproxy.cfg" > "$WORK/logs/haproxy.log" 2>&1 & PIDS+=($!); PID_HA=$!
"$AGENT" --config "$WORK/hafront.conf" --node b --state-dir "$WORK" --socket "$WORK/agent.sock" \
  > "$WORK/logs/agent.log" 2>&1 & PIDS+=($!); PID_HF=$!

wait_port() {  # port [scheme curl-h2-option]
  for _ in $(seq 1 150); do
    curl -kfsS -o /dev/null ${3:-} "${2:-http}://127.0.0.1:$1/small" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 never answered" >&2; exit 1
}
wait_port "$B1"; wait_port "$B2"
for p in $P_HF $P_NG $P_HA; do wait_port "$p" "$SCHEME" "$CURL_H2"; done
sleep 1.2   # hafront: first health checks marked both backends up


# One h2load run -> "reqs_per_s p99_ms failed cpu_us_per_request"
run_h2load() {  # pid port
  local pid=$1 port=$2 out t0 t1 log=$WORK/h2load.$port.log
  rm -f "$log"
  t0=$(cpu_ticks "$pid")
  out=$(h2load -t"$THREADS" -c"$CLIENTS" -m"$STREAMS" -D"$DURATION" --log-file="$log" \
        "$SCHEME://127.0.0.1:$port/small" 2>&1)
  echo "$out" >> "$WORK/logs/h2load.$port.out"
  t1=$(cpu_ticks "$pid")
  local rps done_ failed errored timeout non2xx p99
  rps=$(awk '/^finished in/ {gsub(",", ""); print $4}' <<<"$out")
  read -r done_ failed errored timeout < <(awk '/^requests:/ {print $8, $12, $14, $16}' <<<"$out")
  non2xx=$(awk '/^status codes:/ {print $5 + $7 + $9}' <<<"$out")
  p99=$(awk -F'\t' '{print $3}' "$log" | sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.3f", a[int(NR*0.99)]/1000; else print 0}')
  echo "${rps:-0} ${p99:-0} $(( ${failed:-0} + ${errored:-0} + ${timeout:-0} + ${non2xx:-0} ))" \
    "$(cpu_per $((t1 - t0)) "${done_:-0}")"
}

declare -A RESULTS
for round in $(seq 1 "$ROUNDS"); do
  order=(hafront nginx haproxy)
  for ((i = 0; i < round - 1; i++)); do order=("${order[@]:1}" "${order[0]}"); done
  for px in "${order[@]}"; do
    case $px in hafront) port=$P_HF pid=$PID_HF ;; nginx) port=$P_NG pid=$PID_NG ;; haproxy) port=$P_HA pid=$PID_HA ;; esac
    RESULTS[$px.$round]=$(run_h2load "$pid" "$port")
    bench_alive "$pid" "$px"
    echo "round $round $px: ${RESULTS[$px.$round]}" >&2
  done
done

declare -A M=()
for px in hafront nginx haproxy; do
  for k in 1 2 4; do
    M[$px.$k]=$(for r in $(seq 1 "$ROUNDS"); do echo "${RESULTS[$px.$r]}" | cut -d' ' -f$k; done | median)
  done
  M[$px.3]=$(for r in $(seq 1 "$ROUNDS"); do echo "${RESULTS[$px.$r]}" | cut -d' ' -f3; done | awk '{s+=$1} END {print s}')
done
printf '\n%-8s %10s %9s %7s %11s %9s %9s %9s\n' proxy "req/s" "p99 ms" failed "cpu us/req" "rps/ngx" "p99/ngx" "cpu/ngx"
for px in hafront nginx haproxy; do
  printf '%-8s %10.0f %9.3f %7d %11.1f %9.3f %9.3f %9.3f\n' "$px" "${M[$px.1]}" "${M[$px.2]}" "${M[$px.3]}" "${M[$px.4]}" \
    "$(awk -v a="${M[$px.1]}" -v b="${M[nginx.1]}" 'BEGIN {print (b > 0 ? a / b : 0)}')" \
    "$(awk -v a="${M[$px.2]}" -v b="${M[nginx.2]}" 'BEGIN {print (b > 0 ? a / b : 0)}')" \
    "$(awk -v a="${M[$px.4]}" -v b="${M[nginx.4]}" 'BEGIN {print (b > 0 ? a / b : 0)}')"
done
if [ "$TLS" = 1 ]; then mode="h2 over TLS (ALPN), a full handshake per connection"; else mode="cleartext h2 with prior knowledge"; fi
echo "(median of $ROUNDS rounds, ${DURATION}s each, h2load -t$THREADS -c$CLIENTS -m$STREAMS, $mode;"
echo " failed = failed + errored + timed-out streams + non-2xx, summed; cpu us/req = the proxy's user+system CPU"
echo " time per request, all its processes and threads)"
