#!/usr/bin/env bash
# The DEBs under a real systemd: boots Debian 12 (debootstrap, cached) with
# systemd as PID 1 in systemd-nspawn, installs hafront-agent and
# hafront-console there with dpkg (their Depends from the Debian archive), and
# checks what docs/operations.md promises of the unit: start waits for READY
# (Type=notify), the watchdog is pinged, `systemctl reload` swaps a good config
# and refuses a broken one while the agent keeps serving, a SIGKILL and a
# wedged (SIGSTOPped) agent are restarted, hafrontctl reaches the socket as
# root and as a member of group hafront, a package upgrade restarts the agent
# and removal stops it and leaves no VIP.
#
#   tests/packaging/systemd_boot_check.sh [--build DIR | --debs DIR] [--cache DIR] [--keep]
#
#   --build DIR   cpack the DEBs from this built tree (default: build/)
#   --debs DIR    use hafront-agent_*.deb and hafront-console_*.deb from DIR
#   --cache DIR   the debootstrapped rootfs and the apt caches, kept for the
#                 next run (default: /var/tmp/hafront-systemd-check)
#   --keep        keep this run's rootfs and logs (the machine is stopped anyway)
#
# Not part of ctest or CI: the first run downloads ~200 MB from the Debian
# mirror and takes minutes. Needs root, debootstrap and systemd-container.
# The agent's node runs in a namespace lab (hfsysd-*: fe1 holds the machine,
# app1 a backend, client the probe), so nothing reaches beyond loopback, those
# namespaces and the mirror. Everything started here is stopped on exit.
# Exit 0 all checks passed, 1 a check failed, 77 cannot run here.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)

build=$src/build debs="" cache=/var/tmp/hafront-systemd-check keep=0
while (($#)); do
  case $1 in
    --build) build=${2:?--build needs a directory}; shift ;;
    --debs) debs=${2:?--debs needs a directory}; shift ;;
    --cache) cache=${2:?--cache needs a directory}; shift ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $EUID -eq 0 ]] || { echo "SKIP: needs root (debootstrap, systemd-nspawn, namespaces)"; exit 77; }
for tool in debootstrap systemd-nspawn nsenter ip curl python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (apt-get install debootstrap systemd-container)"; exit 77; }
done

lab=hfsysd
mirror=${HAFRONT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$cache"
exec 9>"$cache/lock"
flock -n 9 || { echo "FAIL: another systemd_boot_check.sh holds $cache/lock"; exit 1; }
work=$(mktemp -d "$cache/run.XXXXXX")
rootfs=$work/rootfs
source "$src/tests/lab/lab.sh"

now_ms() { date +%s%3N; }
t_start=$(now_ms)
log() { printf '[%6.1fs] %s\n' "$(( $(now_ms) - t_start ))e-3" "$*"; }
passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
# need: a check the rest depends on; on failure the run stops (and tears down).
need() { check "$@" || { echo "$failed failed: stopping here (logs: $work, kept)"; keep=1; exit 1; }; }
figures=()
figure() { figures+=("$1=$2"); log "measured $1=$2"; }

# --- teardown: the machine, the backend, the namespaces, the mounts -------------
nspawn_pid="" backend_pid=""
teardown() {
  trap - EXIT INT TERM
  log "teardown"
  if [[ -n $nspawn_pid ]] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid" 2>/dev/null   # nspawn asks the container's systemd to power off
    for _ in $(seq 100); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
    kill -TERM "$nspawn_pid" 2>/dev/null   # a second TERM: immediate termination
    for _ in $(seq 25); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$nspawn_pid" 2>/dev/null
    wait "$nspawn_pid" 2>/dev/null
  fi
  [[ -n $backend_pid ]] && { kill "$backend_pid" 2>/dev/null; wait "$backend_pid" 2>/dev/null; }
  lab_down "$lab"
  local m
  for m in $(findmnt -R -n -l -o TARGET "$rootfs" 2>/dev/null | sort -r); do umount -l "$m" 2>/dev/null; done
  if ((keep)); then echo "kept: $work"; else rm -rf --one-file-system "$work"; fi
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A crashed earlier run may have left its namespaces (the lock says none runs).
lab_down "$lab"

# --- the packages -----------------------------------------------------------------
if [[ -z $debs ]]; then
  [[ -f $build/CPackConfig.cmake ]] || { echo "FAIL: $build is not a configured tree (scripts/build.sh)"; exit 1; }
  debs=$work/debs
  log "cpack in $build"
  (cd "$build" && timeout 300 cpack -G DEB -B "$debs" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; echo "FAIL: cpack"; exit 1; }
fi
agent_deb=$(ls "$debs"/hafront-agent_*.deb 2>/dev/null | head -1)
console_deb=$(ls "$debs"/hafront-console_*.deb 2>/dev/null | head -1)
[[ -n $agent_deb && -n $console_deb ]] || { echo "FAIL: no hafront-agent/hafront-console DEB in $debs"; exit 1; }
log "packages: $(basename "$agent_deb") $(basename "$console_deb")"

# --- Debian 12 rootfs, debootstrapped once ------------------------------------------
base=$cache/bookworm-base
if [[ ! -x $base/lib/systemd/systemd ]]; then
  log "debootstrap bookworm into $base (once; ~5 min)"
  rm -rf "$base.tmp"
  t0=$(now_ms)
  if ! timeout 1200 debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,iproute2,procps \
    bookworm "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1; then
    tail -5 "$cache/debootstrap.log"; echo "FAIL: debootstrap (log: $cache/debootstrap.log)"; exit 1
  fi
  mv "$base.tmp" "$base"
  figure debootstrap_s $(( ($(now_ms) - t0) / 1000 ))
fi
t0=$(now_ms)
cp -a "$base" "$rootfs"
figure rootfs_copy_ms $(( $(now_ms) - t0 ))
echo fe1 >"$rootfs/etc/hostname"
mkdir -p "$rootfs/etc/hafront" "$rootfs/root/debs" "$cache/apt-archives/partial" "$cache/apt-lists/partial"
cp "$agent_deb" "$console_deb" "$rootfs/root/debs/"
echo fe1 >"$rootfs/etc/hafront/node"

# The packages' Depends from the mirror, in the stopped rootfs (host network).
nspawn_run() {
  timeout 900 systemd-nspawn -q --register=no --keep-unit -D "$rootfs" \
    --bind="$cache/apt-archives:/var/cache/apt/archives" --bind="$cache/apt-lists:/var/lib/apt/lists" \
    -E DEBIAN_FRONTEND=noninteractive "$@"
}
depends="$(dpkg-deb -f "$agent_deb" Depends), $(dpkg-deb -f "$console_deb" Depends)"
log "apt-get satisfy the Depends: $depends"
t0=$(now_ms)
if ! nspawn_run /bin/sh -c "apt-get -q update && apt-get -q -y --no-install-recommends satisfy '$depends'" \
  >"$work/apt.log" 2>&1; then
  tail -20 "$work/apt.log"; echo "FAIL: apt-get satisfy in the rootfs"; exit 1
fi
figure apt_depends_s $(( ($(now_ms) - t0) / 1000 ))
grep -E '^(Need to get|[0-9]+ upgraded)' "$work/apt.log" | sed 's/^/  /'

# --- network: fe1 (the machine), app1 (backend), client --------------------------------
lab_up "$lab" fe1=192.0.2.11 app1=192.0.2.21 client=192.0.2.50
ip netns exec "$lab-app1" python3 "$src/resources/demo/demobackends.py" http app1 192.0.2.21 8080 5 \
  >"$work/app1.log" 2>&1 &
backend_pid=$!

prop() { inside systemctl show -p "$1" --value hafront-agent.service; }
show() { inside systemctl show -p ActiveState,SubState,MainPID,NRestarts hafront-agent.service | tr '\n' ' '; }
# wait_for SECONDS COMMAND...: polls every 0.1 s.
wait_for() { local limit=$(( $(now_ms) + $1 * 1000 )); shift; until "$@"; do (( $(now_ms) < limit )) || return 1; sleep 0.1; done; }
journal() { inside journalctl -u hafront-agent.service --no-pager -o cat; }
# Here-strings, not pipes: grep -q stops reading early, and with pipefail the
# writer's SIGPIPE would turn a match into a failure.
journal_has() { grep -qiE -- "$1" <<<"$(journal)"; }
client_get() { ip netns exec "$lab-client" curl -s -m 1 -D - -o /dev/null "http://192.0.2.100$1" 2>/dev/null; }
vip_serves() { grep -qi '^X-Served-By: fe1' <<<"$(client_get /hello)"; }
vip_on_fe1() { grep -q ' 192\.0\.2\.100/' <<<"$(ip -n "$lab-fe1" -br addr show dev eth0)"; }
vip_absent() { ! vip_on_fe1; }

# --- boot --------------------------------------------------------------------------
log "booting the rootfs: systemd-nspawn -b (network namespace $lab-fe1)"
t0=$(now_ms)
systemd-nspawn -q --register=no --keep-unit -b -D "$rootfs" --machine=fe1 --console=passive \
  --network-namespace-path="/run/netns/$lab-fe1" --capability=CAP_NET_ADMIN >"$work/boot.log" 2>&1 &
nspawn_pid=$!
leader=""
for _ in $(seq 100); do
  leader=$(pgrep -P "$nspawn_pid" | head -1)
  [[ -n $leader ]] && [[ $(cat "/proc/$leader/comm" 2>/dev/null) == systemd ]] && break
  leader=""; sleep 0.1
done
[[ -n $leader ]] || { cat "$work/boot.log"; echo "FAIL: no systemd in the container"; exit 1; }
inside() { timeout 60 nsenter -t "$leader" -a -r -w /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# Until PID 1 answers on its private socket, then until boot has finished.
wait_for 30 bash -c "[[ -S /proc/$leader/root/run/systemd/private ]]"
state=$(inside systemctl is-system-running --wait)
figure boot_to_running_ms $(( $(now_ms) - t0 ))
need "systemd booted as PID 1 of the machine (is-system-running: $state)" test "$state" = running
log "$(inside systemctl --version | head -1)"

# --- install under the running systemd ------------------------------------------------
log "dpkg -i both packages"
inside dpkg -i /root/debs/"$(basename "$agent_deb")" /root/debs/"$(basename "$console_deb")" >"$work/dpkg-install.log" 2>&1
need "dpkg -i hafront-agent hafront-console (Depends already satisfied)" test $? -eq 0
sed 's/^/  /' "$work/dpkg-install.log"
check "postinst created user and group hafront" inside getent passwd hafront
check "postinst enabled the unit" test "$(inside systemctl is-enabled hafront-agent.service)" = enabled
for bin in /usr/sbin/hafront-agent /usr/bin/hafrontctl /usr/bin/hafront-console; do
  missing=$(inside ldd "$bin" | grep 'not found')
  check "$bin finds all its libraries in Debian 12" test -z "$missing"
done
check "without /etc/hafront/cluster.conf the unit stays inactive (condition unmet)" \
  test "$(prop ActiveState)/$(prop ConditionResult)" = inactive/no

# --- config, start --------------------------------------------------------------------
cat >"$rootfs/etc/hafront/cluster.conf" <<'EOF'
# systemd_boot_check.sh: one node, one VIP, one backend, on port 80.
name: "systemd-check"
node { name: "fe1" address: "192.0.2.11" workers: 1 }
vip {
  name: "www"  vrid: 61  interface: "eth0"  address: "192.0.2.100/24"
  advert_interval_ms: 100
  priority { node: "fe1" value: 150 }
}
pool {
  name: "app"  protocol: HTTP
  backend { name: "app1" address: "192.0.2.21:8080" }
  health { http { path: "/healthz" } interval_ms: 500 rise: 1 fall: 2 }
}
listener {
  name: "web"  bind: "192.0.2.100:80"  protocol: HTTP  served_by_header: true
  route { path_prefix: "/" pool: "app" }
}
EOF
cp "$rootfs/etc/hafront/cluster.conf" "$work/good.conf"
log "$(inside hafront-agent --check-config /etc/hafront/cluster.conf 2>&1)"

log "systemctl start hafront-agent"
t0=$(now_ms)
inside systemctl start hafront-agent.service
rc=$?
t_started=$(now_ms)
figure systemctl_start_ms $(( t_started - t0 ))
need "systemctl start returns 0 (Type=notify: after READY=1)" test $rc -eq 0
props=$(inside systemctl show -p Type,ActiveState,SubState,NotifyAccess,WatchdogUSec,Restart,User,MainPID hafront-agent.service)
echo "$props" | sed 's/^/  /'
has_props() { local p; for p in "$@"; do grep -qx -- "$p" <<<"$props" || return 1; done; }
check "active/running, Type=notify, NotifyAccess=main, WatchdogUSec=10s" \
  has_props ActiveState=active SubState=running Type=notify NotifyAccess=main WatchdogUSec=10s
exec_start=$(prop ExecMainStartTimestampMonotonic) active_enter=$(prop ActiveEnterTimestampMonotonic)
figure exec_to_ready_ms $(( (active_enter - exec_start) / 1000 ))
pid=$(prop MainPID)
need "MainPID is known ($pid)" test "$pid" -gt 1
check "agent runs as user hafront" test "$(inside ps -o user= -p "$pid")" = hafront
capeff=$(inside grep CapEff "/proc/$pid/status" | awk '{print $2}')
check "agent's effective capabilities are NET_BIND_SERVICE|NET_ADMIN|NET_RAW only (CapEff=$capeff)" \
  test "$capeff" = 0000000000003400
sock=$(inside stat -c '%a %U:%G' /run/hafront/agent.sock)
check "control socket /run/hafront/agent.sock is 660 hafront:hafront ($sock)" test "$sock" = "660 hafront:hafront"

wait_for 15 vip_serves
check "VIP 192.0.2.100:80 answers the client namespace through the agent (X-Served-By: fe1)" test $? -eq 0
figure start_to_vip_serving_ms $(( $(now_ms) - t_started ))
inside hafrontctl status >"$work/status.txt" 2>&1
check "hafrontctl status as root over /run/hafront/agent.sock" test $? -eq 0
sed 's/^/  /' "$work/status.txt"
check "status shows fe1 MASTER of www and app1 up" \
  bash -c "grep -q '^www .*MASTER' '$work/status.txt' && grep -q '^app/app1 .* up ' '$work/status.txt'"
inside useradd --no-create-home --groups hafront ops && inside useradd --no-create-home outsider
check "hafrontctl status as a member of group hafront" \
  inside setpriv --reuid ops --regid ops --init-groups hafrontctl status >/dev/null
outsider_refused() { ! inside setpriv --reuid outsider --regid outsider --init-groups hafrontctl status >/dev/null 2>&1; }
check "hafrontctl status refused to a user outside group hafront" outsider_refused

# --- watchdog pings ---------------------------------------------------------------------
# WatchdogTimestamp is the time of the last WATCHDOG=1; sampled for 11 s it
# shows the ping period (WatchdogSec/2 = 5 s).
pings=()
limit=$(( $(now_ms) + 11000 ))
while (( $(now_ms) < limit )); do
  w=$(prop WatchdogTimestampMonotonic)
  [[ ${#pings[@]} -eq 0 || ${pings[-1]} != "$w" ]] && pings+=("$w")
  sleep 0.25
done
check "watchdog pinged: WatchdogTimestamp moved ${#pings[@]} times in 11 s" test ${#pings[@]} -ge 3
(( ${#pings[@]} >= 2 )) && figure watchdog_ping_period_ms $(( (pings[-1] - pings[-2]) / 1000 ))

# --- reload ---------------------------------------------------------------------------------
sed -i 's/interval_ms: 500 rise: 1/interval_ms: 400 rise: 1/' "$rootfs/etc/hafront/cluster.conf"
t0=$(now_ms)
inside systemctl reload hafront-agent.service
rc=$?
figure reload_good_ms $(( $(now_ms) - t0 ))
wait_for 5 journal_has reloaded
reloaded_in_place() { [[ $rc -eq 0 && $(prop MainPID) -eq $pid ]] && journal_has reloaded; }
check "systemctl reload with a good config: rc=$rc, 'reloaded' logged, same MainPID" reloaded_in_place
printf 'name: "systemd-check"\nnode { name: "fe1" address: "192.0.2.11" \npool { nam: "app" }\n' \
  >"$rootfs/etc/hafront/cluster.conf"
t0=$(now_ms)
inside systemctl reload hafront-agent.service >"$work/reload-broken.txt" 2>&1
rc=$?
figure reload_broken_ms $(( $(now_ms) - t0 ))
sed 's/^/  systemctl: /' "$work/reload-broken.txt"
check "broken config: systemctl reload fails (rc=$rc)" test $rc -ne 0
refused=$(journal | grep -E 'cluster.conf:[0-9]+:[0-9]+|reload refused|control process' | tail -3)
echo "$refused" | sed 's/^/  journal: /'
check "broken config: the error with FILE:LINE:COL is in the journal" grep -q 'cluster.conf:[0-9]*:[0-9]*' <<<"$refused"
check "broken config: still active/running with the same MainPID ($(show))" \
  test "$(prop ActiveState)/$(prop SubState)/$(prop MainPID)" = "active/running/$pid"
check "broken config: the VIP keeps serving" vip_serves
cp "$work/good.conf" "$rootfs/etc/hafront/cluster.conf"
inside systemctl reload hafront-agent.service

# --- crash: SIGKILL -> Restart=on-failure -----------------------------------------------------
restarts0=$(prop NRestarts)
check "before SIGKILL: the VIP is on fe1's eth0" vip_on_fe1
t0=$(now_ms)
inside kill -KILL -- "$pid"
wait_for 3 vip_absent
check "SIGKILL: ExecStopPost (--cleanup) took the VIP off eth0 before the restart" test $? -eq 0
restarted() { local p; p=$(prop MainPID); [[ $p -ne 0 && $p -ne $pid && $(prop ActiveState) == active ]]; }
wait_for 20 restarted
need "SIGKILL: systemd restarted the agent ($(show))" test $? -eq 0
figure sigkill_to_active_ms $(( $(now_ms) - t0 ))
check "SIGKILL: NRestarts went up by one" test "$(prop NRestarts)" -eq $((restarts0 + 1))
check "SIGKILL: the journal says killed, status=9/KILL" journal_has 'status=9/KILL'
wait_for 15 vip_serves
check "SIGKILL: the VIP serves again" test $? -eq 0
figure sigkill_to_vip_serving_ms $(( $(now_ms) - t0 ))
pid=$(prop MainPID)

# --- wedged: SIGSTOP -> watchdog timeout -> restart ----------------------------------------------
restarts0=$(prop NRestarts)
t0=$(now_ms)
need "MainPID is known ($pid)" test "$pid" -gt 1
inside kill -STOP -- "$pid"
wait_for 60 restarted
check "SIGSTOP: the watchdog got the agent killed and restarted ($(show))" test $? -eq 0
figure sigstop_to_active_ms $(( $(now_ms) - t0 ))
journal | grep -iE 'watchdog|abort|Main process exited' | tail -4 | sed 's/^/  journal: /'
check "SIGSTOP: the journal says watchdog timeout" journal_has 'watchdog timeout'
wait_for 15 vip_serves
check "SIGSTOP: the VIP serves again" test $? -eq 0
pid=$(prop MainPID)

# --- upgrade, remove, purge ---------------------------------------------------------------------
t0=$(now_ms)
inside dpkg -i /root/debs/"$(basename "$agent_deb")" >"$work/dpkg-upgrade.log" 2>&1
check "dpkg -i again (upgrade path): rc 0" test $? -eq 0
figure dpkg_upgrade_ms $(( $(now_ms) - t0 ))
check "upgrade restarted the agent (postinst): new MainPID, active ($(show))" restarted
wait_for 15 vip_serves
check "after the upgrade the VIP serves" test $? -eq 0
inside dpkg -r hafront-agent >"$work/dpkg-remove.log" 2>&1
check "dpkg -r hafront-agent: rc 0" test $? -eq 0
check "removal stopped the agent (unit gone or inactive: $(prop ActiveState))" test "$(prop ActiveState)" != active
check "removal left no VIP on fe1's eth0" vip_absent
inside dpkg --purge hafront-agent >"$work/dpkg-purge.log" 2>&1
rc=$?
check "dpkg --purge hafront-agent: rc $rc, /var/lib/hafront gone" bash -c "[[ $rc -eq 0 && ! -e '$rootfs/var/lib/hafront' ]]"
check "no failed units in the machine" test -z "$(inside systemctl --failed --no-legend --plain)"

inside journalctl -u hafront-agent.service --no-pager -o short-monotonic >"$work/agent-journal.txt" 2>&1

echo
echo "figures: ${figures[*]}"
echo "$passed passed, $failed failed"
((failed == 0))
