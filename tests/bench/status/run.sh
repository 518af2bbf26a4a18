#!/bin/bash
# Control-plane benchmark (not in ctest): a real hafront-agent with 200
# backends (closed loopback ports, no health checks) and status every 250 ms.
#  1. set-weight by command -> matching event at a subscriber: p50/p99 over
#     1,000 changes over the unix socket (plus 100 changes -> NodeStatus).
#  2. the agent's CPU (utime+stime from /proc) with 0 and with 20 subscribers
#     at 4 Hz; the difference is what the subscribers cost.
#  3. as root with sshd installed: the same latency with hafrontctl as the
#     subscriber, over the unix socket and over SSH (a real sshd on 127.0.0.1,
#     tests/lab/sshlab.sh), streamlocal and exec fallback.
# Targets: p99 <= 20 ms local, <= 50 ms over SSH; 20 subscribers < 5% of one core.
# Usage: [TMPDIR=DIR] [HF_BENCH_NO_SSH=1] tests/bench/status/run.sh [BUILD_DIR] [CPU_SECONDS]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
SSH_PART=""
if [[ $EUID -eq 0 && -x /usr/sbin/sshd && -z ${HF_BENCH_NO_SSH:-} ]]; then
  source "$SRC/tests/lab/sshlab.sh"
  sshlab_enter "$0" "$@"   # re-runs this script in a private mount namespace
  SSH_PART=1
fi
BUILD=$(realpath "${1:-$SRC/build}")
SECONDS_CPU=${2:-30}
HERE=$SRC/tests/bench/status
ninja -C "$BUILD" hafront-agent hafrontctl >/dev/null
CTL=$BUILD/console/hafrontctl
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hfstatus.XXXXXX")   # the state dir: audit log and state file fsyncs land here
PORT=$((30000 + $$ % 2000))
{
  echo 'name: "bench" settings { status_period_ms: 250 }'
  echo 'node { name: "n1" address: "127.0.0.1" }'
  echo 'pool { name: "app" balance: ROUND_ROBIN'
  for i in $(seq 0 199); do echo "  backend { name: \"b$i\" address: \"127.0.0.1:$((40000 + i))\" weight: 1 }"; done
  echo '}'
  echo "listener { name: \"web\" bind: \"127.0.0.1:$PORT\" route { path_prefix: \"/\" pool: \"app\" } }"
} >"$TMP/bench.conf"
"$BUILD/agent/hafront-agent" --config "$TMP/bench.conf" --node n1 --state-dir "$TMP" --socket "$TMP/ctl.sock" \
  2>"$TMP/agent.log" &
AGENT=$!
trap '[[ -n $SSH_PART ]] && sshlab_stop_sshd; kill $AGENT 2>/dev/null; wait $AGENT 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -S "$TMP/ctl.sock" ] && break; sleep 0.1; done
echo "hafront $(git -C "$SRC" rev-parse --short HEAD), $(nproc) cores, $(uname -r), 200 backends, period 250 ms"
rc=0
python3 "$HERE/statusbench.py" latency --socket "$TMP/ctl.sock" --changes 1000 --status-changes 100 || rc=$?
if [[ -n $SSH_PART ]]; then
  mkdir -p "$TMP/ssh"
  sshlab_setup "$TMP/ssh" "$CTL"
  chmod 755 "$TMP"
  sshlab_start_sshd yes
  sshctl="env -u SSH_AUTH_SOCK HOME=$TMP/ssh/client $CTL --ssh $sshlab_target --socket $TMP/ctl.sock"
  $sshctl --accept-new-host-key status >/dev/null
  python3 "$HERE/statusbench.py" latency --socket "$TMP/ctl.sock" --changes 1000 --target-ms 20 \
    --label "hafrontctl over the unix socket" --subscriber-cmd "$CTL --socket $TMP/ctl.sock events --follow --json" || rc=$?
  python3 "$HERE/statusbench.py" latency --socket "$TMP/ctl.sock" --changes 1000 --target-ms 50 \
    --label "hafrontctl over SSH (streamlocal)" --subscriber-cmd "$sshctl events --follow --json" || rc=$?
  sshlab_stop_sshd
  sshlab_start_sshd no
  python3 "$HERE/statusbench.py" latency --socket "$TMP/ctl.sock" --changes 1000 --target-ms 50 \
    --label "hafrontctl over SSH (exec dial-stdio)" --subscriber-cmd "$sshctl events --follow --json" || rc=$?
else
  echo "SSH latency skipped: needs root and /usr/sbin/sshd (or HF_BENCH_NO_SSH is set)"
fi
python3 "$HERE/statusbench.py" cpu --socket "$TMP/ctl.sock" --pid $AGENT --subscribers 0 --seconds "$SECONDS_CPU" \
  | tee "$TMP/idle"
python3 "$HERE/statusbench.py" cpu --socket "$TMP/ctl.sock" --pid $AGENT --subscribers 20 --period-ms 250 \
  --seconds "$SECONDS_CPU" | tee "$TMP/busy"
idle=$(sed -E 's/.*: ([0-9.]+)% of one core.*/\1/' "$TMP/idle")
busy=$(sed -E 's/.*: ([0-9.]+)% of one core.*/\1/' "$TMP/busy")
python3 - "$idle" "$busy" <<'PY' || rc=$?
import sys
idle, busy = float(sys.argv[1]), float(sys.argv[2])
cost = busy - idle
print(f"20 subscribers at 4 Hz cost {cost:.2f}% of one core (agent {busy:.2f}% with them, {idle:.2f}% without); "
      f"target < 5%: {'MET' if busy < 5 else 'MISSED'} (even counting the whole agent)"
      if busy < 5 else f"20 subscribers cost {cost:.2f}% of one core; target < 5%: {'MET' if cost < 5 else 'MISSED'}")
sys.exit(0 if cost < 5 else 2)
PY
exit $rc
