#!/usr/bin/env bash
# README command 1: installs what is needed, builds, and runs a whole hafront
# cluster in network namespaces (hfdemo-*, bridge in its own namespace,
# 192.0.2.0/24, nothing added to the root namespace):
#   fe1 192.0.2.11, fe2 192.0.2.12   hafront-agent, VIP 192.0.2.100 (VRRPv3)
#   app1..3 192.0.2.21-23            HTTP app servers, weights 1/2/3, 5/20/50 ms
#   rpc1..2 192.0.2.31-32            RPC providers (TCP echo) behind :20880
#   client  192.0.2.50               steady, bounded load through the VIP
# --dual-stack adds IPv6 at the front (resources/demo/cluster-dual-stack.conf):
# fe1/fe2/client also 2001:db8::11/12/50, VIP www6 2001:db8::100 (VRRPv3 for
# IPv6) with listener web6, checked from the client and drilled like www.
# With a display the console opens on the cluster; without one the demo prints
# the status, renders the console to a PNG, runs one graceful failover drill and
# watches the status until Ctrl-C or --duration S.
#
#   scripts/demo.sh [--duration S] [--screenshot FILE] [--dual-stack] [--down]
#
# Ctrl-C, a failure or --down removes every namespace and process it created;
# a new start first cleans what a crashed earlier run left behind.
# HAFRONT_DEMO_NO_BUILD=1 skips install-deps and build (BUILD_DIR, default
# build/, must hold a build); HAFRONT_DEMO_DEBUG=1 prints the load generator's
# 5-second progress lines at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit "${1:-0}"
}
duration="" down=0 dual=0
screenshot=${TMPDIR:-/tmp}/hafront-demo-console.png
while (($#)); do
  case $1 in
    --duration) duration=${2:?--duration needs seconds}; shift ;;
    --screenshot) screenshot=${2:?--screenshot needs a file}; shift ;;
    --down) down=1 ;;
    --dual-stack) dual=1 ;;
    -h | --help) usage 0 ;;
    *) echo "demo: unknown option $1" >&2; usage 2 >&2 ;;
  esac
  shift
done
[[ -z $duration || $duration =~ ^[0-9]+$ ]] || { echo "demo: --duration takes whole seconds" >&2; exit 2; }
source scripts/lib/needroot.sh
need_root "network namespaces, VRRP raw sockets" "$0" "$@"

lab=hfdemo
run=/run/hafront-demo          # control sockets and state; named in resources/demo/cluster.conf
cfg=$src/resources/demo/cluster.conf
((dual)) && cfg=$src/resources/demo/cluster-dual-stack.conf
vip=192.0.2.100 vip6=2001:db8::100
source "$src/tests/lab/lab.sh"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Processes started in the root namespace (console, status watch) are listed in
# $run/root-pids so a later run can end them if this one crashed; everything
# else runs inside the hfdemo-* namespaces and ends with them.
root_pids=()
track_root_pid() { root_pids+=("$1"); echo "$1" >>"$run/root-pids"; }
teardown() {
  local pid ns
  for pid in "${root_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${root_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -f $run/root-pids ]]; then
    while read -r pid; do
      # Only a process of ours: its command line names the demo config.
      { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -Eq 'resources/demo/cluster(-dual-stack)?\.conf' && kill "$pid" 2>/dev/null || true
    done <"$run/root-pids"
  fi
  # Agents first, gently: they send a priority-0 advert and remove the VIP.
  for ns in "$lab-fe1" "$lab-fe2"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  done
  for _ in $(seq 20); do
    [[ -z $(ip netns pids "$lab-fe1" 2>/dev/null)$(ip netns pids "$lab-fe2" 2>/dev/null) ]] && break
    sleep 0.1
  done
  lab_down "$lab"
  rm -rf "$run"
}

if ((down)); then
  teardown
  echo "demo: removed the hfdemo-* namespaces, their processes and $run"
  exit 0
fi

if [[ -z ${HAFRONT_DEMO_NO_BUILD:-} ]]; then
  scripts/install-deps.sh
  BUILD_DIR=${BUILD_DIR:-build} scripts/build.sh
fi
build=$(realpath "${BUILD_DIR:-build}")
agent=$build/agent/hafront-agent
ctl=$build/console/hafrontctl
console=$build/console/views/hafront-console
for b in "$agent" "$ctl" "$console"; do
  [[ -x $b ]] || { echo "demo: $b is missing; build first (scripts/build.sh)" >&2; exit 1; }
done

# A crashed earlier demo may have left namespaces, processes and sockets.
if ip netns list 2>/dev/null | grep -q "^$lab-" || [[ -d $run ]]; then
  echo "demo: cleaning up what an earlier demo left behind"
  teardown
fi

finish() {
  local rc=$?
  trap - EXIT INT TERM
  if ((rc != 0 && rc != 130 && rc != 143)) && [[ -d $run ]]; then
    local keep=${TMPDIR:-/tmp}/hafront-demo-logs
    mkdir -p "$keep" && cp "$run"/*.log "$keep"/ 2>/dev/null || true
    echo "demo: failed (exit $rc); logs kept in $keep" >&2
    tail -n 5 "$run"/fe1.log "$run"/fe2.log >&2 2>/dev/null || true
  fi
  say "tearing down"
  [[ -f $run/load.summary ]] && cat "$run/load.summary"
  [[ -n ${HAFRONT_DEMO_DEBUG:-} ]] && cat "$run/load.log"
  teardown
  echo "demo: removed the hfdemo-* namespaces and every process the demo started"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$run/state-fe1" "$run/state-fe2"
if ((dual)); then
  say "network: namespaces $lab-* on bridge $lab-br, 192.0.2.0/24 and 2001:db8::/64 at the front"
  lab_up "$lab" fe1=192.0.2.11,2001:db8::11 fe2=192.0.2.12,2001:db8::12 app1=192.0.2.21 app2=192.0.2.22 \
    app3=192.0.2.23 rpc1=192.0.2.31 rpc2=192.0.2.32 client=192.0.2.50,2001:db8::50
  echo "fe1 192.0.2.11 2001:db8::11  fe2 192.0.2.12 2001:db8::12  client 192.0.2.50 2001:db8::50"
else
  say "network: namespaces $lab-* on bridge $lab-br, 192.0.2.0/24"
  lab_up "$lab" fe1=192.0.2.11 fe2=192.0.2.12 app1=192.0.2.21 app2=192.0.2.22 app3=192.0.2.23 \
    rpc1=192.0.2.31 rpc2=192.0.2.32 client=192.0.2.50
  echo "fe1 192.0.2.11  fe2 192.0.2.12  client 192.0.2.50"
fi
echo "app1..3 192.0.2.21-23  rpc1..2 192.0.2.31-32"

say "backends: app1/app2/app3 (weights 1/2/3, latency 5/20/50 ms), rpc1/rpc2 (TCP echo)"
# Debian's own interpreter starts fastest (a pyenv shim takes seconds per start).
python=$(command -v /usr/bin/python3 || command -v python3)
backends=$src/resources/demo/demobackends.py
latency=(5 20 50)
for i in 1 2 3; do
  ip netns exec "$lab-app$i" "$python" "$backends" http "app$i" "192.0.2.2$i" 8080 "${latency[i - 1]}" \
    >"$run/app$i.log" 2>&1 &
  disown
done
for i in 1 2; do
  ip netns exec "$lab-rpc$i" "$python" "$backends" echo "rpc$i" "192.0.2.3$i" 20880 >"$run/rpc$i.log" 2>&1 &
  disown
done
# Until every backend listens (so the agents start with healthy pools).
listening() { ip netns exec "$lab-$1" ss -Hltn "src $2" | grep -q .; }
t0=$SECONDS
until listening app1 192.0.2.21:8080 && listening app2 192.0.2.22:8080 && listening app3 192.0.2.23:8080 &&
  listening rpc1 192.0.2.31:20880 && listening rpc2 192.0.2.32:20880; do
  ((SECONDS - t0 < 15)) || { echo "demo: the backends did not start within 15 s" >&2; exit 1; }
  sleep 0.1
done

say "front nodes: hafront-agent on fe1 (priority 150) and fe2 (priority 100), config $cfg"
for n in fe1 fe2; do
  ip netns exec "$lab-$n" "$agent" --config "$cfg" --node "$n" >"$run/$n.log" 2>&1 &
  disown
done
ctlc() { "$ctl" --cluster "$cfg" "$@"; }
client_get() { ip netns exec "$lab-client" curl -s -m 1 -o /dev/null -w '%{http_code}' "http://$1$2" || true; }
vips=("$vip")
((dual)) && vips+=("[$vip6]")
for v in "${vips[@]}"; do
  ready=0 t0=$SECONDS
  while ((SECONDS - t0 < 10)); do   # VIP elected, health checks risen
    if [[ $(client_get "$v" /) == 200 && $(client_get "$v" /static/index.html) == 200 ]]; then ready=1; break; fi
    sleep 0.1
  done
  ((ready)) || { echo "demo: the VIP $v did not answer within 10 s" >&2; exit 1; }
  echo "VIP $v answers from the client namespace"
done

# Bounded load: with --duration it stops shortly after the demo would; without,
# after an hour. It also stops when this script goes away.
has_display=0
[[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]] && has_display=1
if [[ -z $duration ]] && ! ((has_display)) && ! [[ -t 0 ]]; then
  duration=30   # no terminal to press Ctrl-C in (CI, a pipe): do not run forever
  echo "demo: no terminal on stdin and no --duration: the demo runs ${duration} s"
fi
load_seconds=$((duration ? duration + 45 : 3600))
say "client: ~30 requests/s through the VIP (4/5 HTTP, 1/5 RPC) for at most $load_seconds s"
ip netns exec "$lab-client" "$python" "$src/resources/demo/loadgen.py" --vip "$vip" --rate 30 \
  --seconds "$load_seconds" --summary "$run/load.summary" >"$run/load.log" 2>&1 &
disown
sleep 3   # a few status periods of traffic, so rates and latencies show

say "hafrontctl status"
ctlc status

# Waits until $1 ends, Ctrl-C, or --duration seconds have passed.
wait_for() {
  local pid=$1 t0=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    if [[ -n $duration ]] && ((SECONDS - t0 >= duration)); then kill "$pid" 2>/dev/null || true; break; fi
    sleep 0.5
  done
  wait "$pid" 2>/dev/null || true
}

if ((has_display)); then
  say "opening hafront-console (close it or press Ctrl-C to end the demo)"
  # A first start has no saved window geometry and would open at the bare size
  # hint (~560x640, every panel cramped); -qwindowgeometry is Qt's own option.
  "$console" --cluster "$cfg" -qwindowgeometry 1280x800 &
  track_root_pid $!
  wait_for $!
  exit 0
fi

say "console (offscreen render)"
QT_QPA_PLATFORM=offscreen "$console" --cluster "$cfg" --screenshot "$screenshot" >"$run/console.log" 2>&1 &
track_root_pid $!
console_pid=$!
wait "$console_pid" || { cat "$run/console.log" >&2; echo "demo: console render failed" >&2; exit 1; }
echo "console screenshot: $screenshot"

say "graceful failover drill: fe1 hands VIP www to fe2 and takes it back, probed from the client"
html=${screenshot%.png}-drill.html
# The probe must reach the VIP, so the drill runs in the client namespace; the
# control sockets are files and reachable from there too.
ip netns exec "$lab-client" "$ctl" --cluster "$cfg" drill www --mode graceful --probe "http://$vip/static/index.html" \
  --rate 100 --duration 6 --html "$html" 2>"$run/drill.log"
echo "drill report (HTML): $html"
if ((dual)); then
  say "the same drill on VIP www6 over IPv6"
  ip netns exec "$lab-client" "$ctl" --cluster "$cfg" drill www6 --mode graceful \
    --probe "http://[$vip6]/static/index.html" --rate 100 --duration 6 --html "${html%.html}6.html" 2>>"$run/drill.log"
  echo "drill report (HTML): ${html%.html}6.html"
fi

say "hafrontctl status --watch ($([[ -n $duration ]] && echo "for $duration s" || echo "Ctrl-C ends the demo"))"
"$ctl" --cluster "$cfg" status --watch &
track_root_pid $!
wait_for $!
