#!/usr/bin/env bash
# Benchmark (not a timed test): returning TLS clients after a VIP move,
# hafront vs nginx vs HAProxy in the namespace lab (issue 16). fe1 and fe2
# run hafront agents, which hold the VIP (VRRP) and serve TLS on VIP:443 with
# one session_ticket_secret_file; beside them on each node nginx (8443) and
# HAProxy (9443) with their defaults: each node its own random ticket key
# (nginx: ssl_session_tickets on, no session cache; HAProxy: tickets on, its
# in-process session cache). For reference also both with a key file copied to
# both nodes by hand (nginx ssl_session_ticket_key on 8444, HAProxy
# tls-ticket-keys on 9444). Per proxy: N clients (tests/lab/tls_clients.py,
# half TLS 1.3, half TLS 1.2) handshake with fe1 through the VIP, a planned
# handover moves the VIP to fe2 (`vip maintenance www on`), every client
# reconnects with its session; the VIP goes back before the next proxy.
# Prints a table: proxy, ticket keys, clients, reconnects ok, resumed, share.
# Usage (root): tests/bench/tls/failover.sh [--agent PATH] [--ctl PATH] [--clients N]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
agent=$root/build/agent/hafront-agent
ctl=$root/build/console/hafrontctl
clients=200
while [[ $# -gt 0 ]]; do
  case $1 in
    --agent) agent=$2; shift 2 ;;
    --ctl) ctl=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
(( clients > 0 && clients <= 2000 )) || { echo "--clients: 1..2000" >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "needs root (network namespaces)" >&2; exit 2; }
for tool in nginx haproxy openssl python3 "$agent" "$ctl"; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
source "$root/tests/lab/lab.sh"
source "$root/tests/lab/agents.sh"
lab_begin hftb$$   # trap: kills $pids and whatever runs in our namespaces, removes them and $work

pki=$work/pki
mkdir -p "$pki"
( cd "$pki" &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
    -subj "/CN=hafront bench CA" &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout www.key -out www.csr \
    -subj "/CN=www.example.test" &&
  echo "subjectAltName=DNS:www.example.test" > www.ext &&
  openssl x509 -req -in www.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile www.ext -out www.crt &&
  cat www.crt ca.pem > www.pem && cat www.pem www.key > haproxy.pem &&
  head -c 48 /dev/urandom > ticket.secret &&
  openssl rand 80 > nginx.ticketkey &&
  for _ in 1 2 3; do openssl rand -base64 48; done > haproxy.ticketkeys ) >/dev/null 2>&1 ||
  { echo "PKI: openssl failed" >&2; exit 1; }

cat > "$work/cluster.conf" <<EOC
name: "tls-failover-bench"
node { name: "fe1" address: "192.0.2.11" control_socket: "$work/fe1.sock" workers: 2 }
node { name: "fe2" address: "192.0.2.12" control_socket: "$work/fe2.sock" workers: 2 }
vip {
  name: "www" vrid: 58 interface: "eth0" address: "192.0.2.100/24"
  advert_interval_ms: 100
  priority { node: "fe1" value: 150 }
  priority { node: "fe2" value: 100 }
}
pool { name: "app" backend { name: "app1" address: "192.0.2.21:8080" } }
listener { name: "web-tls" bind: "192.0.2.100:443" served_by_header: true
  tls { certificate { cert_file: "$pki/www.pem" key_file: "$pki/www.key" }
        session_ticket_secret_file: "$pki/ticket.secret" }
  route { path_prefix: "/" pool: "app" } }
EOC

lab_up "$lab" fe1=192.0.2.11 fe2=192.0.2.12 app1=192.0.2.21 client=192.0.2.50
mkdir -p "$work/www" && echo app1 > "$work/www/index.html"
ip netns exec "$lab-app1" python3 -m http.server 8080 --bind 192.0.2.21 --directory "$work/www" >/dev/null 2>&1 &
pids+=($!)

for node in fe1 fe2; do
  mkdir -p "$work/$node"
  cat > "$work/$node/nginx.conf" <<CONF
daemon off; worker_processes 2; pid $work/$node/nginx.pid; error_log $work/$node/nginx.err warn;
events { worker_connections 1024; }
http { access_log off;
  server { listen 8443 ssl; ssl_certificate $pki/www.pem; ssl_certificate_key $pki/www.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { add_header X-Served-By $node always; return 200 "$node\n"; } }
  server { listen 8444 ssl; ssl_certificate $pki/www.pem; ssl_certificate_key $pki/www.key;
    ssl_protocols TLSv1.2 TLSv1.3; ssl_session_ticket_key $pki/nginx.ticketkey;
    location / { add_header X-Served-By $node always; return 200 "$node\n"; } } }
CONF
  cat > "$work/$node/haproxy.cfg" <<CONF
global
  nbthread 2
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend own
  bind :9443 ssl crt $pki/haproxy.pem alpn http/1.1
  http-request return status 200 content-type text/plain string "$node" hdr X-Served-By $node
frontend shared
  bind :9444 ssl crt $pki/haproxy.pem alpn http/1.1 tls-ticket-keys $pki/haproxy.ticketkeys
  http-request return status 200 content-type text/plain string "$node" hdr X-Served-By $node
CONF
  ip netns exec "$lab-$node" nginx -c "$work/$node/nginx.conf" -p "$work/$node" >"$work/$node/nginx.out" 2>&1 &
  pids+=($!)
  ip netns exec "$lab-$node" haproxy -f "$work/$node/haproxy.cfg" >"$work/$node/haproxy.out" 2>&1 &
  pids+=($!)
  start_agent "$node"
done
wait_vip fe1 5000 >/dev/null || { echo "fe1 never took the VIP" >&2; exit 1; }
sleep 1

# round LABEL KEYS PORT -> one table row
rows=()
round() {
  local label=$1 keys=$2 port=$3 name out client on_fe1 ok resumed on_fe2 ms mac
  name=${label// /-}-$port; out=$work/$name.json
  rm -f "$work/$name.ready" "$work/$name.go"
  ip netns exec "$lab-client" python3 "$root/tests/lab/tls_clients.py" --host 192.0.2.100 --port "$port" \
    --name www.example.test --ca "$pki/ca.pem" --clients "$clients" \
    --ready "$work/$name.ready" --go "$work/$name.go" --wait-s 60 --out "$out" 2>"$work/$name.err" &
  client=$!; pids+=($client)
  for _ in $(seq 2400); do [[ -f $work/$name.ready ]] && break; kill -0 "$client" 2>/dev/null || break; sleep 0.05; done
  ctlc --node fe1 vip maintenance www on >/dev/null
  ms=$(wait_vip fe2 5000) || echo "  $label: the VIP did not move ($ms)" >&2
  # Go once fe2's gratuitous ARP reached the client (a SYN to fe1's MAC would wait for a retransmit).
  mac=$(ip -n "$lab-fe2" -br link show eth0 | awk '{print $3}')
  for _ in $(seq 200); do ip -n "$lab-client" neigh show 192.0.2.100 dev eth0 | grep -qi "lladdr $mac" && break; sleep 0.005; done
  touch "$work/$name.go"
  wait "$client"
  ctlc --node fe1 vip maintenance www off >/dev/null
  wait_vip fe1 5000 >/dev/null || echo "  $label: the VIP did not come back" >&2
  sleep 0.3
  if [[ ! -f $out ]]; then rows+=("$label|$keys|$clients|failed: $(tail -n 1 "$work/$name.err")||"); return; fi
  read -r on_fe1 ok resumed on_fe2 < <(python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
print(v["first"]["served_by"].get("fe1", 0), v["second"]["ok"], v["second"]["resumed"],
      v["second"]["served_by"].get("fe2", 0))' "$out")
  rows+=("$label|$keys|$clients|$on_fe1 on fe1, $ok ok ($on_fe2 on fe2)|$resumed|$(python3 -c "print(f'{100 * $resumed / $clients:.1f} %')")")
}
round "hafront" "session_ticket_secret_file (same file on both)" 443
round "nginx 1.22" "default (random per node)" 8443
round "HAProxy 2.6" "default (random per node)" 9443
round "nginx 1.22" "ssl_session_ticket_key (file copied by hand)" 8444
round "HAProxy 2.6" "tls-ticket-keys (file copied by hand)" 9444

echo
echo "Returning TLS clients after a planned VIP move fe1 -> fe2 ($clients clients, half TLS 1.3, half TLS 1.2)"
echo
echo "| proxy | ticket keys | clients | first / reconnects | resumed after the move | share |"
echo "|---|---|---:|---|---:|---:|"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
