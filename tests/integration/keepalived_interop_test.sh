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

lab=hfk$$
work=$(mktemp -d)
pids=()
cleanup() {
  exec 2>/dev/null   # no "Killed" job notices
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  lab_down "$lab"
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
check() {   # name, condition exit status, detail
  if [[ $2 -eq 0 ]]; then echo "PASS $1 ${3:-}"; else echo "FAIL $1 ${3:-}"; failures=$((failures + 1)); fi
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
has_vip() { ip -n "$lab-$1" -br addr show eth0 2>/dev/null | grep -q ' 192\.0\.2\.100/24'; }
only_holder() { has_vip "$1" && ! has_vip "$2"; }
wait_vip() {   # host, limit ms, [has|not]: prints ms waited
  local host=$1 limit=$2 mode=${3:-has} t0; t0=$(now_ms)
  while (( $(now_ms) - t0 < limit )); do
    if [[ $mode == has ]] && has_vip "$host"; then echo $(( $(now_ms) - t0 )); return 0; fi
    if [[ $mode == not ]] && ! has_vip "$host"; then echo $(( $(now_ms) - t0 )); return 0; fi
    sleep 0.005
  done
  echo "timeout(${limit}ms)"; return 1
}
mark() { date -u +"%Y-%m-%dT%H:%M:%S.%6NZ $1" >> "$work/test.log"; }
# Milliseconds from the last line of file $1 matching $2 to the first line of
# file $3 matching $4 that comes after it. Agent logs start with
# 2026-...T..Z, `ip -ts monitor` lines with [2026-...T...] (UTC here), tcpdump
# -tt lines with seconds since the epoch.
gap() {
  python3 - "$@" <<'PY'
import datetime, re, sys
def stamp(token):
    if re.fullmatch(r"[0-9]+\.[0-9]+", token):
        return datetime.datetime.utcfromtimestamp(float(token))
    return datetime.datetime.strptime(token.strip("[]").rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f")
def stamps(path, pattern):
    return [stamp(line.split()[0]) for line in open(path, errors="replace") if re.search(pattern, line)]
a = stamps(sys.argv[1], sys.argv[2])
b = [t for t in stamps(sys.argv[3], sys.argv[4]) if a and t >= a[-1]]
print(int((b[0] - a[-1]).total_seconds() * 1000) if a and b else "missing")
PY
}
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
fe1_pid= ka_pid=
start_hafront() {
  mkdir -p "$work/state-fe1"
  ip netns exec "$lab-fe1" "$agent" --config "$work/cluster.conf" --node fe1 --state-dir "$work/state-fe1" \
    >>"$work/fe1.log" 2>&1 &
  fe1_pid=$!; pids+=($!)
}
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
start_hafront
ms=$(wait_vip fe1 3000); check "a_hafront_150_becomes_master" $? "(${ms} ms)"
start_keepalived
sleep 1
only_holder fe1 ka; check "a_vip_only_on_hafront_node" $?
grep -q 'Entering BACKUP STATE' "$work/ka.log" && ! grep -q 'Entering MASTER STATE' "$work/ka.log"
check "a_keepalived_stays_backup" $?

mark "kill -9 hafront"
kill -9 "$fe1_pid"; wait "$fe1_pid" 2>/dev/null
ms=$(wait_vip ka 2000); rc=$?
g=$(gap "$work/test.log" 'kill -9 hafront' "$work/ka.mon" "$VIP_ADDED")
# Master down for keepalived at 100: 3 x 100 + skew 61 = 361 ms after the last
# advert, which left up to 100 ms before the kill.
[[ $rc -eq 0 && $g != missing && $g -le 600 ]]
check "a_kill9_keepalived_takes_over" $? "(${g} ms from the kill to the VIP on ka; master down 361 ms)"

mark "restart hafront"
start_hafront
ms=$(wait_vip ka 3000 not); rc=$?
has_vip fe1; rc2=$?
g=$(gap "$work/test.log" 'restart hafront' "$work/ka.mon" "$VIP_DELETED")
[[ $rc -eq 0 && $rc2 -eq 0 ]]
check "a_restarted_hafront_preempts_keepalived_removes_vip" $? "(${g} ms from the restart to the VIP leaving ka)"
grep -q 'left on eth0 by an earlier run' "$work/fe1.log"; check "a_restart_removed_stale_vip_first" $?
sleep 0.5
only_holder fe1 ka; check "a_vip_only_on_hafront_after_preempt" $?

kill -TERM "$fe1_pid"; wait "$fe1_pid" 2>/dev/null
ms=$(wait_vip ka 1500); rc=$?
g=$(gap "$work/adverts.txt" '192\.0\.2\.11 > .*prio 0,' "$work/ka.mon" "$VIP_ADDED")
# Keepalived waits Skew_Time (61 ms at priority 100) after the priority-0 advert.
[[ $rc -eq 0 && $g != missing && $g -le 250 ]]
check "a_sigterm_keepalived_takes_over_on_priority_0" $? "(${g} ms from hafront's priority-0 advert to the VIP on ka; skew 61 ms)"
grep -q 'Backup received priority 0 advertisement' "$work/ka.log"; check "a_keepalived_logged_priority_0" $?
! has_vip fe1; check "a_sigterm_removed_vip_from_hafront" $?
kill -TERM "$ka_pid"; wait "$ka_pid" 2>/dev/null
wait_vip ka 2000 not >/dev/null

# ---- (b) keepalived master (150), hafront backup (100) ----
rm -rf "$work/state-fe1"
write_cluster 100
write_keepalived 150
start_keepalived
ms=$(wait_vip ka 5000); check "b_keepalived_150_becomes_master" $? "(${ms} ms)"
lines_before=$(wc -l < "$work/fe1.log")
start_hafront
t0=$(now_ms); st=""
while (( $(now_ms) - t0 < 5000 )); do
  st=$(vip_status); [[ $st == "BACKUP 192.0.2.12" ]] && break; sleep 0.1
done
[[ $st == "BACKUP 192.0.2.12" ]]; check "b_hafront_reports_backup_master_keepalived" $? "($st)"
sleep 1
only_holder ka fe1; check "b_vip_only_on_keepalived_node" $?
! tail -n +$((lines_before + 1)) "$work/fe1.log" | grep -q 'BACKUP -> MASTER' && [[ $(vip_status) == "BACKUP 192.0.2.12" ]]
check "b_hafront_stays_backup" $?

mark "SIGTERM keepalived"
kill -TERM "$ka_pid"
ms=$(wait_vip fe1 1500); rc=$?
wait "$ka_pid" 2>/dev/null
g=$(gap "$work/adverts.txt" '192\.0\.2\.12 > .*prio 0,' "$work/fe1.log" 'BACKUP -> MASTER')
# hafront at 100 waits Skew_Time (61 ms) after the priority-0 advert; master
# down would be 361 ms.
[[ $rc -eq 0 && $g != missing && $g -le 250 ]]
check "b_sigterm_hafront_takes_over_on_priority_0" $? "(${g} ms from keepalived's priority-0 advert to hafront master; skew 61 ms)"
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
ms=$(wait_vip fe1 2000); rc=$?
g=$(gap "$work/test.log" 'kill -9 keepalived' "$work/fe1.log" 'BACKUP -> MASTER: master down timer expired')
# hafront at 100: master down 3 x 100 + 61 = 361 ms after the last advert (<= 100 ms before the kill).
[[ $rc -eq 0 && $g != missing && $g -le 600 ]]
check "b_kill9_hafront_takes_over_within_master_down" $? "(${g} ms from the kill to hafront master; master down 361 ms)"
[[ $(vip_status) == MASTER* ]]; check "b_hafront_reports_master" $? "($(vip_status))"
[[ $(gap "$work/test.log" 'kill -9 keepalived' "$work/adverts.txt" '192\.0\.2\.12 > .*prio 0,') == missing ]]; check "b_kill9_keepalived_sent_no_priority_0" $?

echo
if (( failures )); then
  keep=${TMPDIR:-/tmp}/hafront-keepalived-test-logs; mkdir -p "$keep"; cp "$work"/*.log "$work"/*.mon "$keep"/
  echo "$failures failure(s); logs kept in $keep"; tail -n 15 "$work/fe1.log" "$work/ka.log"; exit 1
fi
echo "all keepalived interop checks passed"
