#!/usr/bin/env bash
# Failover benchmark: a hafront pair and a keepalived pair on the same lab, in
# the same run, advert 1 s and 100 ms; kill -9 of the master, SIGTERM of the
# master, planned handover. Measures the time from the event to the VIP on the
# new master (`ip -ts monitor address` in its namespace) and to the first TCP
# handshake from the client namespace to VIP:80 (probe.py, a connect every 2 ms).
#
#   tests/bench/failover/run.sh [AGENT] [CTL]      (REPS=3 by default)
#   FAMILY=6 tests/bench/failover/run.sh          the same on 2001:db8::/64 (VRRP for IPv6, NA)
#   ADVERTS=1000 KINDS=kill9 REPS=24 ...          only some cases, more repetitions: a kill -9
#                                                 lands at a random phase of the advert interval
#                                                 (+-0.5 s at 1 s adverts), so a median needs many
#
# Not part of ctest. Needs root, keepalived, python3. Prints a table of medians.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
agent=${1:-$root/build/agent/hafront-agent}
ctl=${2:-$root/build/console/hafrontctl}
reps=${REPS:-3}
keepalived=$(command -v keepalived || echo /usr/sbin/keepalived)
[[ $EUID -eq 0 ]] || { echo "run.sh: needs root (namespaces, raw sockets); run it as root" >&2; exit 1; }
[[ -x $keepalived && -x $agent && -x $ctl ]] || { echo "needs keepalived, $agent and $ctl"; exit 77; }
source "$root/tests/lab/lab.sh"

lab=hfb$$
work=$(mktemp -d)
pids=()
cleanup() {
  exec 2>/dev/null
  for p in "${pids[@]}"; do kill -9 "$p"; done
  lab_down "$lab"
  if [[ -n ${KEEP:-} ]]; then echo "raw data kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
exec 2>>"$work/stderr.log"   # job notices of killed daemons; kept with KEEP=1
started=$SECONDS

family=${FAMILY:-4}
if [[ $family == 6 ]]; then
  HF_VIP=2001:db8::100 KA_VIP=2001:db8::101 LEN=64
  declare -A addr=([hf1]=192.0.2.11,2001:db8::11 [hf2]=192.0.2.12,2001:db8::12 [ka1]=192.0.2.13,2001:db8::13
                   [ka2]=192.0.2.14,2001:db8::14)
  client=192.0.2.50,2001:db8::50
else
  HF_VIP=192.0.2.100 KA_VIP=192.0.2.101 LEN=24
  declare -A addr=([hf1]=192.0.2.11 [hf2]=192.0.2.12 [ka1]=192.0.2.13 [ka2]=192.0.2.14)
  client=192.0.2.50
fi
declare -A vip_of=([hf1]=$HF_VIP [hf2]=$HF_VIP [ka1]=$KA_VIP [ka2]=$KA_VIP)
declare -A prio=([hf1]=150 [hf2]=100 [ka1]=150 [ka2]=100)
declare -A daemon listener

lab_up "$lab" hf1=${addr[hf1]} hf2=${addr[hf2]} ka1=${addr[ka1]} ka2=${addr[ka2]} client=$client
for h in hf1 hf2 ka1 ka2; do
  TZ=UTC ip -n "$lab-$h" -ts monitor address dev eth0 > "$work/$h.mon" &
  pids+=($!)
done
for v in $HF_VIP $KA_VIP; do
  ip netns exec "$lab-client" python3 "$here/probe.py" "$v" 80 "$work/probe-$v.txt" 2 &
  pids+=($!)
done

has_vip() { ip -n "$lab-$1" -br addr show eth0 2>/dev/null | grep -q " ${vip_of[$1]}/$LEN"; }
wait_until() {   # limit_s, command...: polls every 10 ms
  local limit=$1; shift
  local end=$((SECONDS + limit))
  while (( SECONDS <= end )); do "$@" && return 0; sleep 0.01; done
  return 1
}
only() { has_vip "$1" && ! has_vip "$2"; }

start_listener() {
  ip netns exec "$lab-$1" python3 "$here/listen.py" "${vip_of[$1]}" 80 &
  listener[$1]=$!; pids+=($!)
}
write_configs() {   # advert interval in ms
  cat > "$work/cluster.conf" <<EOF
name: "failover-bench"
node { name: "hf1" address: "${addr[hf1]%%,*}" control_socket: "$work/hf1.sock" }
node { name: "hf2" address: "${addr[hf2]%%,*}" control_socket: "$work/hf2.sock" }
vip {
  name: "www" vrid: 51 interface: "eth0" address: "$HF_VIP/$LEN"
  advert_interval_ms: $1
  priority { node: "hf1" value: ${prio[hf1]} }
  priority { node: "hf2" value: ${prio[hf2]} }
  self_track { enabled: false }
}
EOF
  local h
  for h in ka1 ka2; do
    echo 0 > "$work/drain-$h"
    cat > "$work/$h.conf" <<EOF
global_defs {
  vrrp_version 3
  router_id $h
}
# Planned handover: a non-zero value puts the instance in FAULT, which sends a
# priority-0 advert and removes the VIP (weight 0 = fault, not a priority change).
track_file drain {
  file "$work/drain-$h"
  weight 0
}
vrrp_instance www {
  state BACKUP
  interface eth0
  virtual_router_id 52
  priority ${prio[$h]}
  advert_int $(awk "BEGIN{print $1/1000}")
  track_file {
    drain
  }
  virtual_ipaddress {
    $KA_VIP/$LEN
  }
}
EOF
  done
}
start_daemon() {
  case $1 in
    hf*) mkdir -p "$work/state-$1"
         ip netns exec "$lab-$1" "$agent" --config "$work/cluster.conf" --node "$1" --state-dir "$work/state-$1" \
           >>"$work/$1.log" 2>&1 & ;;
    ka*) rm -f "$work/$1.pid" "$work/$1-vrrp.pid"   # a killed run's pids may still be zombies
         ip netns exec "$lab-$1" "$keepalived" -n -l -D -f "$work/$1.conf" \
           -p "$work/$1.pid" -r "$work/$1-vrrp.pid" >>"$work/$1.log" 2>&1 & ;;
  esac
  daemon[$1]=$!; pids+=($!)
}
kill9() {   # the node's VRRP process dies silently and the node drops off the bridge
  case $1 in
    hf*) kill -9 "${daemon[$1]}" ;;
    # keepalived's VRRP child stops gracefully when its parent dies: stop the
    # parent, kill the child, then the parent.
    ka*) kill -STOP "${daemon[$1]}"; kill -9 "$(cat "$work/$1-vrrp.pid")"; kill -9 "${daemon[$1]}" ;;
  esac
  # With its kernel still on the wire, the dead node's stale VIP would answer
  # ARP (and its RSTs re-teach clients its MAC) until something removes it; a
  # crashed node is gone from the wire, so its port is cut.
  lab_link "$lab" "$1" down
  kill -9 "${listener[$1]}"
  gone_at=$EPOCHREALTIME   # from here no connect can land on the old node
  wait "${daemon[$1]}" "${listener[$1]}" 2>/dev/null
}
planned() {
  case $1 in
    hf*) "$ctl" --cluster "$work/cluster.conf" --node "$1" vip maintenance www on >/dev/null ;;
    ka*) echo 1 > "$work/drain-$1" ;;
  esac
}
restore() {   # bring the old master back the way the event took it away
  case $2 in
    kill9) lab_link "$lab" "$1" up; start_daemon "$1"; start_listener "$1" ;;
    sigterm) wait "${daemon[$1]}" 2>/dev/null; start_daemon "$1" ;;
    planned) case $1 in
               hf*) "$ctl" --cluster "$work/cluster.conf" --node "$1" vip maintenance www off >/dev/null ;;
               ka*) echo 0 > "$work/drain-$1" ;;
             esac ;;
  esac
}

# One event on one pair; the event time is taken with $EPOCHREALTIME (no fork).
# A kill -9 waits a random part of an advert interval first: the downtime is
# the master-down interval minus the time since the dead master's last advert,
# and the loop's fixed sleeps otherwise land every kill of one pair at the same
# phase (24 reps at 1 s adverts spread over only +-40 ms, hafront's around
# 3.24 s and keepalived's around 3.05 s: the script's phase, not theirs).
event() {   # case old new advert rep
  local kind=$1 old=$2 new=$3 t
  gone_at=-
  [[ $kind == kill9 ]] && sleep "$(awk -v a="$4" -v r="$RANDOM" 'BEGIN {printf "%.3f", r / 32768 * a / 1000}')"
  t=$EPOCHREALTIME
  case $kind in
    kill9) kill9 "$old" ;;
    sigterm) kill -TERM "${daemon[$old]}" ;;
    planned) planned "$old" ;;
  esac
  echo "${old%?} $4 $kind $5 $t $old $new ${vip_of[$old]} $gone_at" >> "$work/events.txt"
  wait_until 8 has_vip "$new" || echo "  warning: $kind on $old: no VIP on $new within 8 s"
}

for advert in ${ADVERTS:-1000 100}; do
  write_configs "$advert"
  for h in hf1 ka1; do start_daemon $h; start_listener $h; done
  wait_until 10 has_vip hf1; wait_until 10 has_vip ka1
  for h in hf2 ka2; do start_daemon $h; start_listener $h; done
  sleep 1.5
  for kind in ${KINDS:-kill9 sigterm planned}; do
    for rep in $(seq "$reps"); do
      if ! wait_until 15 only hf1 hf2 || ! wait_until 15 only ka1 ka2; then
        echo "  warning: masters not back before $kind #$rep"
      fi
      sleep $(( advert >= 1000 ? 1 : 0 )).3   # a few adverts in the steady state
      echo "advert ${advert} ms: $kind #$rep"
      # A second after each takeover before anything else moves: the client's
      # first handshake must not race the old master coming back (its link up,
      # its stale VIP) or the other pair's event.
      event "$kind" hf1 hf2 "$advert" "$rep"
      sleep 1
      event "$kind" ka1 ka2 "$advert" "$rep"
      sleep 1
      restore hf1 "$kind"; restore ka1 "$kind"
    done
  done
  wait_until 15 only hf1 hf2; wait_until 15 only ka1 ka2
  # The successor's own takeover path: VIP added -> MASTER event, agent clock.
  "$ctl" --cluster "$work/cluster.conf" --node hf2 events --last 500 --json > "$work/hf2-events-$advert.json" 2>/dev/null
  for h in hf1 hf2 ka1 ka2; do kill -TERM "${daemon[$h]}" "${listener[$h]}"; done
  for h in hf1 hf2 ka1 ka2; do wait "${daemon[$h]}" 2>/dev/null; done
  sleep 0.5
done

echo
python3 "$here/report.py" "$work" "$lab"
python3 - "$work"/hf2-events-*.json <<'PY'
import json, statistics, sys
gaps = []
for path in sys.argv[1:]:
    added = None
    for e in (json.loads(l) for l in open(path) if l.strip()):
        if e.get("message", "").startswith("added "):
            added = int(e["mono_time_us"])
        elif "BACKUP -> MASTER" in e.get("message", "") and added is not None:
            gaps.append(int(e["mono_time_us"]) - added)
            added = None
if gaps:
    print(f"hf2 takeover path, VIP added -> MASTER event: median {statistics.median(gaps):.0f} us, "
          f"max {max(gaps)} us over {len(gaps)} takeovers (a socket per GARP made it ~36,000 us)")
PY
echo "($((SECONDS - started)) s; $reps repetitions per case)"
