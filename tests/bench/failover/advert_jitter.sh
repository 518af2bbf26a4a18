#!/usr/bin/env bash
# Advert jitter of a hafront master while its proxy is under full load: fe1
# (master, 100 ms adverts) serves a static file on VIP:80, wrk in the client
# namespace loads it; tcpdump on the backup fe2 stamps every advert from fe1.
# Jitter = |gap between consecutive adverts - 100 ms|, idle and under load.
#   tests/bench/failover/advert_jitter.sh [AGENT] [SECONDS]   (default 15 s each)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
agent=${1:-$root/build/agent/hafront-agent}
secs=${2:-15}
[[ $EUID -eq 0 ]] || { echo "advert_jitter.sh: needs root (namespaces, raw sockets); run it as root" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk"; exit 77; }
(( secs <= 60 )) || { echo "at most 60 s per phase"; exit 2; }
source "$root/tests/lab/lab.sh"

lab=hfj$$
work=$(mktemp -d)
pids=()
cleanup() {
  exec 2>/dev/null
  for p in "${pids[@]}"; do kill -9 "$p"; done
  lab_down "$lab"
  rm -rf "$work"
}
trap cleanup EXIT
exec 2>>"$work/stderr.log"

mkdir -p "$work/www" && head -c 2048 /dev/urandom | base64 > "$work/www/index.html"
cat > "$work/cluster.conf" <<EOF
name: "jitter-bench"
node { name: "fe1" address: "192.0.2.11" control_socket: "$work/fe1.sock" }
node { name: "fe2" address: "192.0.2.12" control_socket: "$work/fe2.sock" }
vip {
  name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/24"
  advert_interval_ms: 100
  priority { node: "fe1" value: 150 }
  priority { node: "fe2" value: 100 }
  self_track { enabled: false }
}
listener { name: "web" bind: "192.0.2.100:80" route { path_prefix: "/" static_root: "$work/www" } }
EOF
lab_up "$lab" fe1=192.0.2.11 fe2=192.0.2.12 client=192.0.2.50
for n in fe1 fe2; do
  mkdir -p "$work/state-$n"
  ip netns exec "$lab-$n" "$agent" --config "$work/cluster.conf" --node $n --state-dir "$work/state-$n" >"$work/$n.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 100); do ip -n "$lab-fe1" -br addr show eth0 | grep -q 192.0.2.100/ && break; sleep 0.05; done
sleep 1
ip netns exec "$lab-fe2" tcpdump -i eth0 -nn -l -tt 'ip proto 112 and src 192.0.2.11' > "$work/adverts.txt" 2>/dev/null &
pids+=($!)
sleep 0.5
echo "idle ${secs} s"
t_idle=$EPOCHREALTIME; sleep "$secs"
echo "wrk -t2 -c64 ${secs} s against the master's proxy"
t_load=$EPOCHREALTIME
lab_exec "$lab" client wrk -t2 -c64 -d"${secs}s" http://192.0.2.100/index.html > "$work/wrk.txt" 2>&1
t_end=$EPOCHREALTIME
sleep 0.3
grep -E 'Requests/sec|Non-2xx|Socket errors' "$work/wrk.txt"
python3 - "$work/adverts.txt" "$t_idle" "$t_load" "$t_end" <<'PY'
import sys
stamps = [float(l.split()[0]) for l in open(sys.argv[1]) if "prio" in l]
t_idle, t_load, t_end = map(float, sys.argv[2:5])
def report(name, lo, hi):
    ts = [t for t in stamps if lo <= t <= hi]
    gaps = [(b - a) * 1000 for a, b in zip(ts, ts[1:])]
    if not gaps:
        print(f"{name}: no adverts"); return
    jit = sorted(abs(g - 100) for g in gaps)
    pick = lambda q: jit[min(len(jit) - 1, int(q * len(jit)))]
    print(f"{name:5} adverts={len(ts):4} gap min/max {min(gaps):6.1f}/{max(gaps):6.1f} ms  "
          f"jitter p50 {pick(0.5):5.2f}  p99 {pick(0.99):5.2f}  max {jit[-1]:5.2f} ms")
report("idle", t_idle, t_load)
report("load", t_load, t_end)
PY
