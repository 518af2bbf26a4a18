#!/usr/bin/env bash
# Interop with keepalived 2.2 (vrrp_version 3) in one vrid, in network
# namespaces: one hafront agent on fe1 (192.0.2.11), one keepalived on ka
# (192.0.2.12), VIP 192.0.2.100, adverts every 100 ms.
#   (a) hafront 150 master, keepalived 100 backup: kill -9, restart (preempt
#       back), SIGTERM (priority-0 advert).
#   (b) keepalived 150 master, hafront 100 backup: SIGTERM, kill -9.
# Handover times come from timestamps, not from polling: the agent's log lines,
# `ip -ts monitor address` in each namespace (keepalived logs whole seconds) and
# a tcpdump of the adverts (the priority-0 advert's time on the wire).
# A kill -9 of keepalived means its VRRP child: killing only the parent makes
# the child stop gracefully (parent-death signal) and send priority 0.
# Needs root and keepalived: exits 77 (CTest SKIP) otherwise.
set -uo pipefail
agent=$1 ctl=$2
here=$(cd "$(dirname "$0")" && pwd)
if [[ $EUID -ne 0 ]]; then echo "SKIP: needs root for network namespaces and raw sockets"; exit 77; fi
if ! ip netns list >/dev/null 2>&1; then echo "SKIP: ip netns not usable here"; exit 77; fi
keepalived=$(command -v keepalived || ls /usr/sbin/keepalived 2>/dev/null)
if [[ -z "$keepalived" ]]; then echo "SKIP: keepalived not installed (scripts/install-deps.sh)"; exit 77; fi
source "$here/../lab/lab.sh"
source "$here/../lab/agents.sh"
lab_begin hfk$$

VIP_ADDED='^\[[^]]*\] [0-9]+: eth0 +inet 192\.0\.2\.100/24'
VIP_DELETED='^\[[^]]*\] Deleted [0-9]+: eth0 +inet 192\.0\.2\.100/24'

lab_up "$lab" fe1=192.0.2.11 ka=192.0.2.12
for h in fe1 ka; do
  TZ=UTC ip -n "$lab-$h" -ts monitor address dev eth0 > "$work/$h.mon" 2>&1 &
  pids+=($!)
done
ip netns exec "$lab-fe1" tcpdump -i eth0 -nn -l -tt ip proto 112 > "$work/adverts.txt" 2>/dev/null &
pids+=($!)
sleep 0.3   # monitors and capture running

# The bounds for both routers come from a config that describes both
# (tests/lab/agents.sh): keepalived follows the same RFC 5798 timers.
write_timing() {   # hafront priority, keepalived priority
  cat > "$work/timing.conf" <<EOF
name: "keepalived-interop-timing"
node { name: "fe1" address: "192.0.2.11" }
node { name: "ka" address: "192.0.2.12" }
vip { name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/24" advert_interval_ms: 100
  priority { node: "fe1" value: $1 } priority { node: "ka" value: $2 } }
EOF
}
write_cluster() {   # hafront priority
  cat > "$work/cluster.conf" <<EOF
name: "keepalived-interop"
node { name: "fe1" address: "192.0.2.11" control_socket: "$work/fe1.sock" }
vip {
  name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/24"
  advert_interval_ms: 100
  priority { node: "fe1" value: $1 }
  self_track { enabled: false }
}
EOF
}
write_keepalived() {   # priority
  cat > "$work/keepalived.conf" <<EOF
global_defs {
  vrrp_version 3
  router_id ka
  enable_script_security
}
vrrp_instance www {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority $1
  advert_int 0.1
  virtual_ipaddress {
    192.0.2.100/24
  }
}
EOF
}
ka_pid=
start_keepalived() {
  # Foreground, console log, pid files of its own: nothing system-wide touched.
  ip netns exec "$lab-ka" "$keepalived" -n -l -D -f "$work/keepalived.conf" \
    -p "$work/keepalived.pid" -r "$work/keepalived-vrrp.pid" >>"$work/ka.log" 2>&1 &
  ka_pid=$!; pids+=($!)
}
kill9_keepalived() {   # the VRRP child dies silently; the stopped parent cannot respawn it
  local child; child=$(cat "$work/keepalived-vrrp.pid")
  kill -STOP "$ka_pid"; kill -9 "$child"; kill -9 "$ka_pid"
  wait "$ka_pid" 2>/dev/null
}
vip_status() {   # -> "STATE MASTER_ADDRESS"
  "$ctl" --cluster "$work/cluster.conf" --node fe1 status --json 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)[0]["vips"][0]
print(v.get("state"), v.get("master_address"))' 2>/dev/null
}

# ---- (a) hafront master (150), keepalived backup (100) ----
write_cluster 150
write_keepalived 100
write_timing 150 100
start_agent fe1
ms=$(wait_vip fe1 5000); check "a_hafront_150_becomes_master" $? "(${ms} ms)"
start_keepalived
sleep 1
only_holder fe1 ka; check "a_vip_only_on_hafront_node" $?
grep -q 'Entering BACKUP STATE' "$work/ka.log" && ! grep -q 'Entering MASTER STATE' "$work/ka.log"
check "a_keepalived_stays_backup" $?

mark "kill -9 hafront"
kill -9 "${agent_pid[fe1]}"; wait "${agent_pid[fe1]}" 2>/dev/null
ms=$(wait_vip ka 5000); rc=$?
g=$(gap "$work/test.log" 'kill -9 hafront' "$work/ka.mon" "$VIP_ADDED")
limit=$(bound crash www ka "$work/timing.conf")
[[ $rc -eq 0 ]] && within "$g" "$limit"
check "a_kill9_keepalived_takes_over" $? "(${g} ms from the kill to the VIP on ka; master down $(vip_timer www ka master_down_ms "$work/timing.conf") + advert + slack = ${limit} ms)"

mark "restart hafront"
start_agent fe1
ms=$(wait_vip ka 5000 not); rc=$?
has_vip fe1; rc2=$?
g=$(gap "$work/test.log" 'restart hafront' "$work/ka.mon" "$VIP_DELETED")
[[ $rc -eq 0 && $rc2 -eq 0 ]]
check "a_restarted_hafront_preempts_keepalived_removes_vip" $? "(${g} ms from the restart to the VIP leaving ka)"
grep -q 'left on eth0 by an earlier run' "$work/fe1.log"; check "a_restart_removed_stale_vip_first" $?
sleep 0.5
only_holder fe1 ka; check "a_vip_only_on_hafront_after_preempt" $?

kill -TERM "${agent_pid[fe1]}"; wait "${agent_pid[fe1]}" 2>/dev/null
ms=$(wait_vip ka 5000); rc=$?
g=$(gap "$work/adverts.txt" '192\.0\.2\.11 > .*prio 0,' "$work/ka.mon" "$VIP_ADDED")
# Keepalived waits Skew_Time after the priority-0 advert.
limit=$(bound skew www ka "$work/timing.conf")
[[ $rc -eq 0 ]] && within "$g" "$limit"
check "a_sigterm_keepalived_takes_over_on_priority_0" $? "(${g} ms from hafront's priority-0 advert to the VIP on ka; Skew_Time + slack = ${limit} ms)"
grep -q 'Backup received priority 0 advertisement' "$work/ka.log"; check "a_keepalived_logged_priority_0" $?
! has_vip fe1; check "a_sigterm_removed_vip_from_hafront" $?
kill -TERM "$ka_pid"; wait "$ka_pid" 2>/dev/null
wait_vip ka 5000 not >/dev/null

# ---- (b) keepalived master (150), hafront backup (100) ----
rm -rf "$work/state-fe1"
write_cluster 100
write_keepalived 150
write_timing 100 150
start_keepalived
ms=$(wait_vip ka 5000); check "b_keepalived_150_becomes_master" $? "(${ms} ms)"
lines_before=$(wc -l < "$work/fe1.log")
start_agent fe1
t0=$(now_ms); st=""
while (( $(now_ms) - t0 < 5000 )); do
  st=$(vip_status); [[ $st == "BACKUP 192.0.2.12" ]] && break; sleep 0.1
done
[[ $st == "BACKUP 192.0.2.12" ]]; check "b_hafront_reports_backup_master_keepalived" $? "($st)"
sleep 1
only_holder ka fe1; check "b_vip_only_on_keepalived_node" $?
! "$here/../lab/logfields.py" --from $((lines_before + 1)) "$work/fe1.log" vip_state from=BACKUP to=MASTER && [[ $(vip_status) == "BACKUP 192.0.2.12" ]]
check "b_hafront_stays_backup" $?

mark "SIGTERM keepalived"
kill -TERM "$ka_pid"
ms=$(wait_vip fe1 5000); rc=$?
wait "$ka_pid" 2>/dev/null
g=$(gap "$work/adverts.txt" '192\.0\.2\.12 > .*prio 0,' "$work/fe1.log" 'BACKUP -> MASTER')
# hafront, not keepalived's designated successor, waits Skew_Time after the
# priority-0 advert (master down would be three adverts more).
limit=$(bound skew www fe1 "$work/timing.conf")
[[ $rc -eq 0 ]] && within "$g" "$limit"
check "b_sigterm_hafront_takes_over_on_priority_0" $? "(${g} ms from keepalived's priority-0 advert to hafront master; Skew_Time + slack = ${limit} ms)"
! has_vip ka; check "b_keepalived_removed_vip_on_stop" $?

mark "restart keepalived"
start_keepalived
ms=$(wait_vip fe1 5000 not); rc=$?
g=$(gap "$work/test.log" 'restart keepalived' "$work/fe1.log" 'MASTER -> BACKUP: higher priority 150 from 192\.0\.2\.12')
[[ $rc -eq 0 ]] && has_vip ka; check "b_restarted_keepalived_preempts_hafront_yields" $? "(${g} ms from the restart to hafront backup)"
sleep 0.5
only_holder ka fe1; check "b_vip_only_on_keepalived_after_preempt" $?

mark "kill -9 keepalived"
kill9_keepalived
ms=$(wait_vip fe1 5000); rc=$?
g=$(gap "$work/test.log" 'kill -9 keepalived' "$work/fe1.log" 'BACKUP -> MASTER: master down timer expired')
limit=$(bound crash www fe1 "$work/timing.conf")
[[ $rc -eq 0 ]] && within "$g" "$limit"
check "b_kill9_hafront_takes_over_within_master_down" $? "(${g} ms from the kill to hafront master; master down $(vip_timer www fe1 master_down_ms "$work/timing.conf") + advert + slack = ${limit} ms)"
[[ $(vip_status) == MASTER* ]]; check "b_hafront_reports_master" $? "($(vip_status))"
[[ $(gap "$work/test.log" 'kill -9 keepalived' "$work/adverts.txt" '192\.0\.2\.12 > .*prio 0,') == missing ]]; check "b_kill9_keepalived_sent_no_priority_0" $?

echo
if (( failures )); then
  lab_keep_logs keepalived-test; tail -n 15 "$work/fe1.log" "$work/ka.log"; exit 1
fi
echo "all keepalived interop checks passed"
