#!/usr/bin/env bash
# tests/chaos/run.sh [--seed N] [--minutes M | --seconds S] [--agent PATH --ctl PATH] [--no-stop-hook]
# Three agents (fe1 150, fe2 120, fe3 100) share a VIP in their own namespace
# lab; tests/chaos/chaos.py runs a seeded random sequence of kill -9 (then the
# unit's stop hook), SIGSTOP/SIGCONT, partition/heal, restart and maintenance,
# and checks the invariants listed there continuously. The bounds come from
# the protocol (tests/lab/agents.sh `bound`, i.e. `hafrontctl vip-timers`).
# Prints the seed and the counts; the same seed replays the same faults.
# --no-stop-hook checks the observer itself: kill -9 without the unit's
# cleanup leaves the VIP behind, which must be reported (the run fails).
# Needs root (namespaces, raw sockets): exits 77 (CTest SKIP) otherwise.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seed=$RANDOM seconds=120 extra=()
agent=$here/../../build/agent/hafront-agent
ctl=$here/../../build/console/hafrontctl
while (( $# )); do
  case $1 in
    --seed) seed=$2; shift 2 ;;
    --minutes) seconds=$(( $2 * 60 )); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --agent) agent=$2; shift 2 ;;
    --ctl) ctl=$2; shift 2 ;;
    --no-stop-hook) extra+=(--no-stop-hook); shift ;;
    *) echo "usage: tests/chaos/run.sh [--seed N] [--minutes M | --seconds S] [--agent PATH --ctl PATH] [--no-stop-hook]" >&2
       exit 2 ;;
  esac
done
if ! [[ $seed =~ ^[0-9]+$ && $seconds =~ ^[1-9][0-9]*$ ]]; then echo "chaos: bad --seed or duration" >&2; exit 2; fi
if [[ $EUID -ne 0 ]]; then echo "SKIP: needs root for network namespaces and raw sockets"; exit 77; fi
command -v protoc >/dev/null || { echo "SKIP: protoc is needed to parse the state files"; exit 77; }
source "$here/../lab/lab.sh"
source "$here/../lab/agents.sh"
lab_begin hfch$$
echo "chaos: seed $seed, $seconds s, lab $lab"

cat > "$work/cluster.conf" <<EOC
name: "chaos-lab"
node { name: "fe1" address: "192.0.2.11" control_socket: "$work/fe1.sock" workers: 1 }
node { name: "fe2" address: "192.0.2.12" control_socket: "$work/fe2.sock" workers: 1 }
node { name: "fe3" address: "192.0.2.13" control_socket: "$work/fe3.sock" workers: 1 }
vip {
  name: "www" vrid: 59 interface: "eth0" address: "$lab_vip"
  advert_interval_ms: 100
  priority { node: "fe1" value: 150 }
  priority { node: "fe2" value: 120 }
  priority { node: "fe3" value: 100 }
  self_track { enabled: false }
}
EOC

lab_up "$lab" fe1=192.0.2.11 fe2=192.0.2.12 fe3=192.0.2.13
# The worst crash bound is the lowest priority's (the longest Master_Down_Interval).
crash=0
for n in fe1 fe2 fe3; do b=$(bound crash www $n); (( b > crash )) && crash=$b; done
heal=$(bound heal www fe1)
python3 "$here/chaos.py" --seed "$seed" --seconds "$seconds" --lab "$lab" --work "$work" --agent "$agent" \
  --ctl "$ctl" --proto-dir "$here/../../common/proto" --vip "$lab_vip" --heal-ms "$heal" --crash-ms "$crash" "${extra[@]}"
rc=$?
# chaos.py's agents and monitors: lab_end kills what runs in the namespaces.
while read -r p; do pids+=("$p"); done < <(cat "$work/pids" 2>/dev/null)
if (( rc != 0 )); then
  keep=${TMPDIR:-/tmp}/hafront-chaos-logs; mkdir -p "$keep"; cp "$work"/*.log "$keep"/ 2>/dev/null
  echo "chaos: FAILED (seed $seed); logs kept in $keep"
  exit 1
fi
echo "chaos: passed (seed $seed)"
