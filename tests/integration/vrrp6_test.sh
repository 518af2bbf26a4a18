#!/usr/bin/env bash
# IPv6 VIP failover end to end (issue 19), in network namespaces on
# 2001:db8::/64 beside 192.0.2.0/24: two agents (fe1 150, fe2 100) share
# 2001:db8::100/64 over VRRPv3 for IPv6 (ff02::12, link-local sources) and
# 192.0.2.100/24 on the same vrid (a separate virtual router). A client
# reaches an IPv6 backend through [VIP]:80 with its address in
# X-Forwarded-For; kill -9 and SIGTERM move the VIP, and the client's
# neighbour cache follows from the unsolicited NA alone; a partition and its
# heal leave one master; a restart removes the stale VIP first. Bounds come
# from the config (tests/lab/agents.sh `bound`).
# Needs root (namespaces, raw sockets): exits 77 (CTest SKIP) otherwise.
set -uo pipefail
agent=$1 ctl=$2
here=$(cd "$(dirname "$0")" && pwd)
if [[ $EUID -ne 0 ]]; then echo "SKIP: needs root for network namespaces and raw sockets"; exit 77; fi
if ! ip netns list >/dev/null 2>&1; then echo "SKIP: ip netns not usable here"; exit 77; fi
source "$here/../lab/lab.sh"
lab_vip=2001:db8::100/64
source "$here/../lab/agents.sh"
lab_begin hf6v$$

cat > "$work/cluster.conf" <<EOF
name: "vrrp6-lab"
node { name: "fe1" address: "192.0.2.11" address6: "2001:db8::11" control_socket: "$work/fe1.sock" }
node { name: "fe2" address: "192.0.2.12" address6: "2001:db8::12" control_socket: "$work/fe2.sock" }
vip {
  name: "www6" vrid: 51 interface: "eth0" address: "2001:db8::100/64"
  advert_interval_ms: 100
  priority { node: "fe1" value: 150 }
  priority { node: "fe2" value: 100 }
  self_track { enabled: false }
}
vip {
  name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/24"
  advert_interval_ms: 100
  priority { node: "fe1" value: 150 }
  priority { node: "fe2" value: 100 }
  self_track { enabled: false }
}
pool {
  name: "app6"
  backend { name: "app1" address: "[2001:db8::21]:8080" }
  health { http { path: "/" expect_status: 200 } interval_ms: 200 rise: 1 fall: 2 }
}
listener { name: "web6" bind: "[2001:db8::100]:80" route { path_prefix: "/" pool: "app6" } }
listener { name: "web" bind: "192.0.2.100:80" route { path_prefix: "/" pool: "app6" } }
EOF

lab_up "$lab" fe1=192.0.2.11,2001:db8::11 fe2=192.0.2.12,2001:db8::12 app1=192.0.2.21,2001:db8::21 \
  client=192.0.2.50,2001:db8::50
ip netns exec "$lab-app1" python3 "$here/echo_headers.py" app1 2001:db8::21 8080 >/dev/null 2>&1 &
pids+=($!)
ip netns exec "$lab-client" tcpdump -i eth0 -nn -l -tt -v 'ip6 proto 112 or icmp6' > "$work/wire.out" 2>/dev/null &
pids+=($!)
sleep 0.3
mac_of() { ip -n "$lab-$1" link show eth0 | awk '/link\/ether/ {print $2}'; }
client_neigh_mac() { ip -n "$lab-client" -6 neigh show 2001:db8::100 dev eth0 | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}'; }
get() { lab_exec "$lab" client curl -s -m 2 "http://[2001:db8::100]/"; }
v6_json() {   # node -> "STATE PRIORITY MASTER" of the IPv6 VIP
  ctlc --node "$1" status --json 2>/dev/null | python3 -c '
import json, sys
v = next(v for v in json.load(sys.stdin)[0]["vips"] if v["name"] == "www6")
print(v.get("state"), v.get("effective_priority"), v.get("master_address"))' 2>/dev/null
}

start_agent fe1
start_agent fe2
ms=$(wait_vip fe1 5000); check "fe1_becomes_master_of_the_ipv6_vip" $? "(${ms} ms)"
sleep 0.5
only_holder fe1 fe2; check "only_fe1_holds_the_ipv6_vip" $?
lab_vip=192.0.2.100/24 only_holder fe1 fe2; check "fe1_also_holds_the_ipv4_vip_on_the_same_vrid" $?
line=$(ip -n "$lab-fe1" -6 addr show dev eth0 | grep -F '2001:db8::100/64')
[[ -n $line && $line != *tentative* ]]; check "ipv6_vip_added_without_dad" $? "($line)"
st=""
for _ in $(seq 30); do st=$(v6_json fe2); [[ $st == "BACKUP 100 fe80::"* ]] && break; sleep 0.1; done
[[ $st == "BACKUP 100 fe80::"* ]]; check "fe2_backup_hears_fe1_from_its_link_local" $? "($st)"
first=$(grep -m1 -E '> ff02::12: .*vrid 51' "$work/wire.out")
[[ $first == *"hlim 255,"* && $first == *" fe80::"* && $first == *"VRRPv3, Advertisement"* ]]
check "adverts_go_from_link_local_to_ff02_12_with_hop_limit_255" $? "(${first:0:160})"
out=""
for _ in $(seq 20); do out=$(get); [[ $out == app1* ]] && break; sleep 0.2; done
[[ $out == *"xff=2001:db8::50"* && $out == *"xrip=2001:db8::50"* ]]
check "client_reaches_ipv6_backend_through_the_vip_with_its_address_forwarded" $? "($(echo $out | tr '\n' ' '))"
[[ $(client_neigh_mac) == "$(mac_of fe1)" ]]; check "client_neighbour_entry_points_at_fe1" $? "($(client_neigh_mac))"

# kill -9: fe2 takes over after Master_Down_Interval; the client's neighbour
# cache is updated by fe2's unsolicited NA (no solicitation needed).
mark "kill -9 fe1"
kill -9 "${agent_pid[fe1]}"; wait "${agent_pid[fe1]}" 2>/dev/null
ms=$(wait_vip fe2 5000); rc=$?
g=$(gap "$work/test.log" 'kill -9 fe1' "$work/fe2.log" 'BACKUP -> MASTER: master down timer expired')
limit=$(bound crash www6 fe2)
[[ $rc -eq 0 ]] && within "$g" "$limit"
check "kill9_fe2_takes_the_ipv6_vip_within_master_down" $? "(${g} ms; bound ${limit} ms)"
sleep 0.2
na=$(awk -v t0="$(date -d "$(head -1 "$work/test.log" | cut -d' ' -f1)" +%s.%N)" '$1 > t0' "$work/wire.out" |
  grep -cE "hlim 255, .*2001:db8::100 > ff02::1: .*neighbor advertisement, .*tgt is 2001:db8::100, Flags \[override\]")
(( na >= 3 )); check "fe2_sends_unsolicited_na_burst_with_override" $? "($na NAs after the kill, burst of 3 first)"
[[ $(client_neigh_mac) == "$(mac_of fe2)" ]]; check "client_neighbour_entry_follows_to_fe2" $? "($(client_neigh_mac) = fe2 $(mac_of fe2))"
out=$(get); [[ $out == app1* ]]; check "traffic_follows_to_fe2" $?
has_vip fe1; check "kill9_leaves_the_stale_vip_on_fe1" $? "(as keepalived does; the restart removes it)"

mark "restart fe1"
start_agent fe1
ms=$(wait_vip fe2 5000 not); rc=$?
grep -q 'removed 2001:db8::100/64 .* left on eth0 by an earlier run' "$work/fe1.log"; check "restart_removed_stale_ipv6_vip_first" $?
ms=$(wait_vip fe1 5000); [[ $rc -eq 0 ]]; check "restarted_fe1_preempts_back" $? "(${ms} ms)"
sleep 0.5
only_holder fe1 fe2; check "one_holder_after_preempt" $?

# Partition and heal: both masters for a while, then the lower yields.
lab_link "$lab" fe2 down
ms=$(wait_vip fe2 5000); check "partition_both_take_the_vip" $? "(${ms} ms)"
mark "heal"
lab_link "$lab" fe2 up
ms=$(wait_vip fe2 5000 not); rc=$?
limit=$(bound heal www6 fe2)
g=$(gap "$work/test.log" 'heal' "$work/fe2.log" 'MASTER -> BACKUP: higher priority 150 from fe80::')
[[ $rc -eq 0 ]] && within "$g" "$limit"
check "heal_lower_master_yields" $? "(${g} ms; bound ${limit} ms)"
only_holder fe1 fe2; check "one_holder_after_heal" $?

# SIGTERM: a priority-0 advert; fe2 succeeds every other node, so it takes over
# without Skew_Time although it cannot know fe1's link-local address in advance.
kill -TERM "${agent_pid[fe1]}"
ms=$(wait_vip fe2 5000); rc=$?
wait "${agent_pid[fe1]}" 2>/dev/null
g=$(log_gap "$work/fe1.log" 'MASTER -> INITIALIZE: shutdown' "$work/fe2.log" 'BACKUP -> MASTER: received priority 0.*planned handover')
limit=$(bound planned www6 fe2)
[[ $rc -eq 0 ]] && within "$g" "$limit"
check "sigterm_planned_handover_to_fe2_without_skew" $? "(${g} ms, below Skew_Time ${limit} ms)"
! has_vip fe1; check "sigterm_removed_the_vip_from_fe1" $?
# fe2's own health check of app1 may still be failing from the partition
# (interval 200 ms, fall 2): wait until fe2 counts it up (a deadline, not the
# check), then the request through the VIP must reach it.
backend_up() {   # node -> 0 when its pool app6 has app1 up
  ctlc --node "$1" status --json 2>/dev/null | python3 -c '
import json, sys
p = next(p for p in json.load(sys.stdin)[0]["pools"] if p["name"] == "app6")
sys.exit(0 if any(b["name"] == "app1" and b.get("health") == "UP" for b in p["backends"]) else 1)' 2>/dev/null
}
for _ in $(seq 1 50); do backend_up fe2 && break; sleep 0.1; done
out=$(get); [[ $out == app1* ]]; check "traffic_follows_after_sigterm" $? "(${out:0:40})"

echo
if (( failures )); then
  lab_keep_logs vrrp6-test; tail -n 20 "$work/fe1.log" "$work/fe2.log"; exit 1
fi
echo "all IPv6 VRRP checks passed"
