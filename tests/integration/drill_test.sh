#!/usr/bin/env bash
# Failover drill end to end in network namespaces: two agents share a VIP, a
# client namespace runs `hafrontctl drill` and, alongside it, an independent
# prober (its own process, a new TCP connect every millisecond). The drill's
# downtime must agree with the independent one within what the two meters can
# resolve (tests/lab/agreement.py), and stay within the protocol's bounds.
# Needs root (namespaces, raw sockets): exits 77 (CTest SKIP) otherwise.
set -uo pipefail
agent=$1 ctl=$2 dialog_test=${3:-} failover_test=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
if [[ $EUID -ne 0 ]]; then echo "SKIP: needs root for network namespaces and raw sockets"; exit 77; fi
source "$here/../lab/lab.sh"
source "$here/../lab/agents.sh"
lab_begin hfd$$

json_field() { python3 -c "import json,sys; print(json.load(open('$1'))$2)"; }

cat > "$work/cluster.conf" <<EOC
name: "drill-lab"
node { name: "fe1" address: "192.0.2.11" control_socket: "$work/fe1.sock" }
node { name: "fe2" address: "192.0.2.12" control_socket: "$work/fe2.sock" }
vip {
  name: "www" vrid: 52 interface: "eth0" address: "192.0.2.100/24"
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
drill() { ip netns exec "$lab-client" "$ctl" --cluster "$work/cluster.conf" drill www "$@"; }
start_agent fe1
start_agent fe2
for _ in $(seq 60); do has_vip fe1 && break; sleep 0.1; done
sleep 1   # first health checks
has_vip fe1; check "fe1_master_before_drills" $?

# One drill with the independent prober beside it; prints both downtimes.
run_drill() {   # mode
  ip netns exec "$lab-client" timeout 60 python3 "$here/connect_prober.py" 192.0.2.100 80 --duration 7.5 \
    >"$work/probe-$1.json" &
  local prober=$!
  pids+=($prober)
  sleep 0.5
  drill --mode "$1" --probe http://192.0.2.100/ --rate 200 --json-probes >"$work/drill-$1.json" 2>"$work/drill-$1.err"
  local rc=$?
  wait "$prober"
  return $rc
}

for mode in graceful crash; do
  run_drill "$mode"; rc=$?
  check "${mode}_drill_completes" $rc "(exit $rc $(tail -n 1 "$work/drill-$mode.err"))"
  agreement=$(python3 "$here/../lab/agreement.py" "$work/drill-$mode.json" "$work/probe-$mode.json" 2>&1)
  check "${mode}_downtime_agrees_with_independent_prober" $? "($agreement)"
  d=$(json_field "$work/drill-$mode.json" '["downtime_ms"]' 2>/dev/null || echo -1)
  d=${d%.*}
  if [[ $mode == graceful ]]; then
    # A planned handover needs neither the master-down timer nor Skew_Time:
    # the agents say why they moved, and the client saw less than Skew_Time
    # plus the slack (tests/lab/agents.sh) of interruption.
    grep -q 'planned handover' "$work/drill-$mode.json"
    check "graceful_drill_is_a_planned_handover" $? "(the successor's reason in the drill's timeline)"
    limit=$(bound skew www fe2)
    within "$d" "$limit"
    check "graceful_downtime_below_skew" $? "(${d} ms <= Skew_Time $(vip_timer www fe2 skew_ms) ms + slack = ${limit} ms; master down $(vip_timer www fe2 master_down_ms) ms)"
  else
    limit=$(bound crash www fe2)
    within "$d" "$limit"
    check "crash_downtime_within_master_down" $? "(${d} ms <= master down $(vip_timer www fe2 master_down_ms) + advert + slack = ${limit} ms)"
  fi
  [[ $(json_field "$work/drill-$mode.json" '["final_master"]') == fe1 ]] && has_vip fe1 && ! has_vip fe2
  check "${mode}_failback_restores_fe1" $?
done

# Abort mid-drill (SIGINT while failed over): the runner restores the original master.
ip netns exec "$lab-client" "$ctl" --cluster "$work/cluster.conf" drill www --mode graceful \
  --probe http://192.0.2.100/ --rate 100 --duration 10 >"$work/abort.out" 2>&1 &
drill_pid=$!
pids+=($drill_pid)
for _ in $(seq 100); do has_vip fe2 && break; sleep 0.05; done
has_vip fe2; check "abort_case_failed_over_first" $?
kill -INT "$drill_pid"
wait "$drill_pid"; rc=$?
restored=1
for _ in $(seq 60); do if has_vip fe1 && ! has_vip fe2; then restored=0; break; fi; sleep 0.05; done
check "abort_restores_original_master" $restored "(drill exit $rc)"
"$ctl" --cluster "$work/cluster.conf" --node fe1 status --json | grep -q '"maintenance": true'
[[ $? -ne 0 ]]; check "abort_leaves_no_override" $?

# The console's Drill button: the dialog runs a real drill from the client
# namespace (QtTest, offscreen) beside the independent prober.
if [[ -n $dialog_test ]]; then
  ip netns exec "$lab-client" timeout 60 python3 "$here/connect_prober.py" 192.0.2.100 80 --duration 9 \
    >"$work/probe-dialog.json" &
  prober=$!
  pids+=($prober)
  sleep 0.5
  ip netns exec "$lab-client" env QT_QPA_PLATFORM=offscreen HAFRONT_LAB_CLUSTER="$work/cluster.conf" \
    HAFRONT_LAB_OUT="$work" "$dialog_test" >"$work/dialog.out" 2>&1
  rc=$?
  wait "$prober"
  for _ in $(seq 60); do if has_vip fe1 && ! has_vip fe2; then break; fi; sleep 0.05; done
  check "console_drill_dialog_runs_a_real_drill" $rc "(exit $rc)"
  agreement=$(python3 "$here/../lab/agreement.py" "$work/drill-dialog.json" "$work/probe-dialog.json" 2>&1)
  check "console_drill_agrees_with_independent_prober" $? "($agreement)"
  cp "$work/drill-dialog-live.png" "${HAFRONT_BINARY_DIR:-${TMPDIR:-/tmp}}/drill-dialog-live.png" 2>/dev/null
fi

# The console's "Make fe2 master" then "Release": the owner change is seen in
# the window with its measured time (QtTest, offscreen, real agents).
if [[ -n $failover_test ]]; then
  env QT_QPA_PLATFORM=offscreen HAFRONT_LAB_CLUSTER="$work/cluster.conf" HAFRONT_LAB_OUT="$work" \
    "$failover_test" >"$work/console-failover.out" 2>&1
  rc=$?
  check "console_make_master_moves_vip_and_shows_time" $rc \
    "($(grep -o 'handover: .*' "$work/console-failover.out" | head -1))"
  has_vip fe1 && ! has_vip fe2; check "console_release_returns_vip_to_fe1" $?
  cp "$work/console-failover-live.png" "${HAFRONT_BINARY_DIR:-${TMPDIR:-/tmp}}/console-failover-live.png" 2>/dev/null
fi

# Pre-check refusals: each names its reason and changes nothing.
drill --successor fe1 --probe http://192.0.2.100/ >"$work/pc1.out" 2>&1; rc=$?
[[ $rc -ne 0 ]] && grep -q 'not an eligible backup' "$work/pc1.out"
check "precheck_refuses_master_as_successor" $? "(exit $rc)"
"$ctl" --cluster "$work/cluster.conf" --node fe2 vip maintenance www on >/dev/null
drill --probe http://192.0.2.100/ >"$work/pc2.out" 2>&1; rc=$?
[[ $rc -ne 0 ]] && grep -q 'already in maintenance on fe2\|no healthy backup is eligible' "$work/pc2.out"
check "precheck_refuses_backup_in_maintenance" $? "(exit $rc: $(grep -m1 -o 'VIP www is.*\|no healthy backup.*' "$work/pc2.out"))"
"$ctl" --cluster "$work/cluster.conf" --node fe2 vip maintenance www off >/dev/null
kill -TERM "${agent_pid[fe2]}"; wait "${agent_pid[fe2]}" 2>/dev/null
drill --probe http://192.0.2.100/ >"$work/pc3.out" 2>&1; rc=$?
[[ $rc -ne 0 ]] && grep -q 'node fe2 is unreachable' "$work/pc3.out"
check "precheck_refuses_unreachable_node" $? "(exit $rc)"
has_vip fe1; check "refusals_changed_nothing" $?

echo
if (( failures )); then lab_keep_logs drill-test; exit 1; fi
echo "all drill checks passed"
