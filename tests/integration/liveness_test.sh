#!/usr/bin/env bash
# A stuck proxy worker, end to end in the namespace lab: fe1 (150) and fe2
# (100) share the VIP; fe1 runs under a stand-in for systemd's watchdog
# (tests/lab/watchdog.py, WatchdogSec 4 s). A request to the test-only stall
# path hangs one of fe1's workers for good. Expected: a stall event after
# stall_timeout_ms, self-tracking fails on fe1 so fe2 takes the VIP, the
# watchdog pings stop so fe1 is restarted, and then fe1 serves again. Also:
# SIGTERM ends an agent with a stuck worker within drain_timeout_ms + 1 s.
# Needs root (namespaces, raw sockets): exits 77 (CTest SKIP) otherwise.
set -uo pipefail
agent=$1 ctl=$2
here=$(cd "$(dirname "$0")" && pwd)
if [[ $EUID -ne 0 ]]; then echo "SKIP: needs root for network namespaces and raw sockets"; exit 77; fi
source "$here/../lab/lab.sh"
source "$here/../lab/agents.sh"
lab_begin hfl$$
ulimit -c 0   # the watchdog's SIGABRT must not leave cores behind

cat > "$work/cluster.conf" <<EOC
name: "liveness-lab"
settings { stall_timeout_ms: 2000 drain_timeout_ms: 1000 }
node { name: "fe1" address: "192.0.2.11" control_socket: "$work/fe1.sock" workers: 2 }
node { name: "fe2" address: "192.0.2.12" control_socket: "$work/fe2.sock" workers: 2 }
vip {
  name: "www" vrid: 53 interface: "eth0" address: "192.0.2.100/24"
  advert_interval_ms: 100
  priority { node: "fe1" value: 150 }
  priority { node: "fe2" value: 100 }
}
pool { name: "app" backend { name: "app1" address: "192.0.2.21:8080" }
  health { http { path: "/" expect_status: 200 } interval_ms: 300 rise: 1 fall: 2 } }
listener { name: "web" bind: "192.0.2.100:80" route { path_prefix: "/" pool: "app" } }
EOC

lab_up "$lab" fe1=192.0.2.11 fe2=192.0.2.12 app1=192.0.2.21 client=192.0.2.50
mkdir -p "$work/www" && echo app1 > "$work/www/index.html"
ip netns exec "$lab-app1" python3 -m http.server 8080 --bind 192.0.2.21 --directory "$work/www" >/dev/null 2>&1 &
pids+=($!)
mkdir -p "$work/state-fe1"
ip netns exec "$lab-fe1" env HAFRONT_TEST_STALL_PATH=/__stall python3 "$here/../lab/watchdog.py" \
  --usec 4000000 --log "$work/watchdog.log" --restarts 2 -- \
  "$agent" --config "$work/cluster.conf" --node fe1 --state-dir "$work/state-fe1" >>"$work/fe1.log" 2>&1 &
supervisor=$!
pids+=($supervisor)
start_agent fe2
ms=$(wait_vip fe1 5000); check "fe1_master_at_start" $? "(${ms} ms)"
for _ in $(seq 50); do grep -q "ready pid=" "$work/watchdog.log" 2>/dev/null && break; sleep 0.1; done
grep -q "ready pid=" "$work/watchdog.log"; check "fe1_notified_ready_to_the_watchdog" $?
sleep 1
code=$(lab_exec "$lab" client curl -s -m 3 -o /dev/null -w '%{http_code}' http://192.0.2.100/)
[[ $code == 200 ]]; check "vip_serves_before_the_stall" $? "(HTTP $code)"

# Hang one of fe1's workers (the request never gets an answer).
mark "stall fe1"
lab_exec "$lab" client curl -s -m 1 -o /dev/null http://192.0.2.100/__stall
# Protocol bound for the move: stall_timeout_ms + the 250 ms liveness check +
# the self tracker's 500 ms poll, then fe2's Master_Down_Interval (fe1 keeps
# advertising its lowered priority, which fe2 ignores) plus an advert + slack.
limit=$(( 2000 + 250 + 500 + $(bound crash www fe2) ))
ms=$(wait_vip fe2 $((limit + 5000))); rc=$?
g=$(gap "$work/test.log" 'stall fe1' "$work/fe2.log" 'BACKUP -> MASTER')
[[ $rc -eq 0 ]] && within "$g" "$limit"
check "stuck_worker_moves_the_vip_to_fe2" $? "(${g} ms after the stall; bound ${limit} ms)"
"$here/../lab/logfields.py" "$work/fe1.log" agent thread~hf-proxy- state=stalled silent_s
check "stall_is_an_event_naming_the_thread" $? "($(grep -oE 'thread hf-proxy-[01] made no progress[^:]*' "$work/fe1.log" | head -1))"
"$here/../lab/logfields.py" "$work/fe1.log" tracker tracker=self ok=false
check "self_tracking_failed_on_fe1" $?
stalled=$(ctlc --node fe1 status --json 2>/dev/null | python3 -c '
import json, sys
print(" ".join(t["name"] for t in json.load(sys.stdin)[0].get("threads", []) if t.get("stalled")))' 2>/dev/null)
[[ $stalled == hf-proxy-* ]]; check "status_names_the_stalled_thread" $? "(${stalled:-none})"
# The pings stopped: the watchdog (4 s) aborts fe1 and starts it again.
for _ in $(seq 150); do grep -q "ready pid=" <(grep -A99 'restart 1' "$work/watchdog.log") 2>/dev/null && break; sleep 0.1; done
grep -q 'watchdog timeout' "$work/watchdog.log" && grep -A99 'restart 1' "$work/watchdog.log" | grep -q 'ready pid='
check "watchdog_restarts_the_stuck_agent" $? "($(grep -E 'watchdog timeout|restart' "$work/watchdog.log" | head -2 | cut -c28- | tr '\n' ';'))"
ms=$(wait_vip fe1 10000); check "restarted_fe1_takes_the_vip_back" $? "(${ms} ms)"
code=$(lab_exec "$lab" client curl -s -m 3 -o /dev/null -w '%{http_code}' http://192.0.2.100/)
[[ $code == 200 ]]; check "vip_serves_after_the_restart" $? "(HTTP $code)"

# SIGTERM with a stuck worker: ends within drain_timeout_ms (1 s) + 1 s.
kill -TERM "$supervisor"; wait "$supervisor" 2>/dev/null
ms=$(wait_vip fe1 5000 not); check "watchdog_stop_stops_fe1_gracefully" $? "(${ms} ms)"
grep -q 'exited pid=.* code=0' "$work/watchdog.log"; check "fe1_exited_0_under_the_watchdog" $?
start_agent fe1 env HAFRONT_TEST_STALL_PATH=/__stall
ms=$(wait_vip fe1 5000); check "fe1_master_again" $? "(${ms} ms)"
lab_exec "$lab" client curl -s -m 1 -o /dev/null http://192.0.2.100/__stall
sleep 0.5
t0=$(now_ms)
kill -TERM "${agent_pid[fe1]}"
for _ in $(seq 100); do kill -0 "${agent_pid[fe1]}" 2>/dev/null || break; sleep 0.05; done
took=$(( $(now_ms) - t0 ))
! kill -0 "${agent_pid[fe1]}" 2>/dev/null && within "$took" $((1000 + 1000 + lab_slack_ms))
check "sigterm_ends_an_agent_with_a_stuck_worker" $? "(${took} ms; drain_timeout_ms 1000 + 1 s + slack)"
grep -q 'stop did not finish within drain_timeout_ms + 1 s' "$work/fe1.log"
check "forced_stop_is_logged" $?
! has_vip fe1; check "forced_stop_released_the_vip_first" $?

echo
if (( failures )); then lab_keep_logs liveness-test; tail -n 20 "$work/fe1.log" "$work/watchdog.log"; exit 1; fi
echo "all liveness checks passed"
