#!/usr/bin/env bash
# The namespace lab: a bridge in its own namespace and one namespace per host,
# each joined to the bridge by a veth pair, addresses from 192.0.2.0/24
# (TEST-NET-1) and, when given after a comma, from 2001:db8::/32 (the IPv6
# documentation prefix). Nothing is added to the root namespace.
#
#   source tests/lab/lab.sh
#   lab_up hf1 fe1=192.0.2.11 fe2=192.0.2.12 app1=192.0.2.21 client=192.0.2.50
#   lab_up hf6 fe1=192.0.2.11,2001:db8::11 ...   # dual-stack host (/24 and /64)
#   lab_exec hf1 fe1 ip addr          # run in host fe1's namespace
#   lab_link hf1 fe1 down|up          # cut/heal fe1's port on the bridge
#   lab_down hf1                      # removes every namespace of the lab
#
# Namespaces are named PREFIX-br and PREFIX-HOST; each host's interface is eth0.
# Callers set `trap 'lab_down PREFIX' EXIT` right after choosing the prefix.

lab_ns() { echo "$1-$2"; }

lab_up() {
  local prefix=$1; shift
  lab_down "$prefix"
  ip netns add "$prefix-br"
  ip -n "$prefix-br" link add br0 type bridge
  ip -n "$prefix-br" link set br0 up
  ip -n "$prefix-br" link set lo up
  local i=0 spec host addr
  for spec in "$@"; do
    host=${spec%%=*}; addr=${spec#*=}
    local addr6=
    if [[ $addr == *,* ]]; then addr6=${addr#*,}; addr=${addr%%,*}; fi
    i=$((i + 1))
    ip netns add "$prefix-$host"
    ip -n "$prefix-$host" link set lo up
    # veth created inside the host's namespace, peer moved to the bridge namespace.
    ip -n "$prefix-$host" link add eth0 type veth peer name "p$i-$host" netns "$prefix-br"
    ip -n "$prefix-br" link set "p$i-$host" master br0 up
    ip -n "$prefix-$host" addr add "$addr/24" dev eth0
    if [[ -n $addr6 ]]; then
      # No duplicate address detection in the lab: the link-local address (the
      # source of IPv6 VRRP) and the global one are usable the moment the link is up.
      ip netns exec "$prefix-$host" sysctl -qw net.ipv6.conf.eth0.accept_dad=0
      ip -n "$prefix-$host" addr add "$addr6/64" dev eth0 nodad
    fi
    ip -n "$prefix-$host" link set eth0 up
    # Multicast for VRRP goes out of eth0 (no default route in the lab).
    ip -n "$prefix-$host" route add 224.0.0.0/4 dev eth0 2>/dev/null || true
  done
}

lab_exec() { local prefix=$1 host=$2; shift 2; ip netns exec "$prefix-$host" "$@"; }

# Cut (down) or heal (up) a host's port on the bridge: a network partition.
lab_link() {
  local prefix=$1 host=$2 state=$3 port
  port=$(ip -n "$prefix-br" -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -- "-$host\$" | head -1)
  [[ -n "$port" ]] && ip -n "$prefix-br" link set "$port" "$state"
}

# Kills what still runs inside the lab's namespaces (only processes whose
# network namespace is one of ours), then deletes the namespaces.
lab_down() {
  local prefix=$1 ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -- "^$prefix-" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null || true
  done
}
