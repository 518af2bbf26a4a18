#!/usr/bin/env bash
# README command 1 in CI: scripts/demo.sh --duration 20, headless, on an
# existing build. Checks that the VIP answered the client namespace's load,
# the console was rendered, the drill reported, and nothing was left behind.
# Needs root (namespaces, raw sockets): exits 77 (CTest SKIP) otherwise.
set -uo pipefail
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
if [[ $EUID -ne 0 ]]; then echo "SKIP: needs root for network namespaces and raw sockets"; exit 77; fi
if ! ip netns list >/dev/null 2>&1; then echo "SKIP: ip netns not usable here"; exit 77; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
png=$work/console.png
source "$src/tests/lab/agents.sh"   # check()

t0=$SECONDS
env -u DISPLAY -u WAYLAND_DISPLAY HAFRONT_DEMO_NO_BUILD=1 BUILD_DIR="$build" \
  "$src/scripts/demo.sh" --duration 20 --screenshot "$png" </dev/null >"$work/out" 2>&1
rc=$?
sed 's/\x1b\[[0-9;]*m//g' "$work/out" >"$work/demo.txt"
check "demo_exits_0" $rc "(exit $rc after $((SECONDS - t0)) s)"

# loadgen: ok=N failed=M http=... rpc=... served_by=fe1:N,fe2:M
read -r ok failed < <(sed -n 's/^loadgen: ok=\([0-9]*\) failed=\([0-9]*\).*/\1 \2/p' "$work/demo.txt" | tail -1)
[[ ${ok:-0} -ge 100 ]]; check "vip_answered_the_client_load" $? "(ok=${ok:-none})"
[[ -n ${failed:-} && $((failed * 20)) -le ${ok:-0} ]]; check "load_failures_under_5_percent" $? "(failed=${failed:-none})"
grep -q '^loadgen:.*served_by=.*fe1:[1-9].*fe2:[1-9]' "$work/demo.txt"
check "load_served_by_both_nodes_around_the_drill" $?

size=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]) if d[:8]==b"\x89PNG\r\n\x1a\n" else "not-png")' "$png" 2>/dev/null)
[[ $size =~ ^([0-9]+)x([0-9]+)$ ]] && ((BASH_REMATCH[1] >= 800 && BASH_REMATCH[2] >= 500))
check "console_png_rendered" $? "($png: ${size:-missing})"
grep -q "^console screenshot: $png" "$work/demo.txt"; check "demo_says_where_the_png_is" $?

grep -q '^drill of VIP www (graceful)' "$work/demo.txt" && grep -q '^downtime_ms [0-9.]*' "$work/demo.txt" &&
  grep -q '^master fe1 -> fe2 -> fe1' "$work/demo.txt"
check "drill_report_printed" $? "($(grep -m1 '^downtime_ms' "$work/demo.txt"))"
grep -q '^node fe1 (192.0.2.11) cluster hafront-demo' "$work/demo.txt"; check "status_printed" $?

left=$(ip netns list 2>/dev/null | awk '{print $1}' | grep '^hfdemo-' | tr '\n' ' ')
[[ -z $left ]]; check "no_namespace_left" $? "${left:+($left)}"
procs=$(pgrep -af 'resources/demo/' | grep -v pgrep)
[[ -z $procs ]]; check "no_demo_process_left" $? "${procs:+($procs)}"
[[ ! -e /run/hafront-demo ]]; check "runtime_dir_removed" $?

if ((failures)); then echo; echo "--- demo output"; tail -n 80 "$work/demo.txt"; exit 1; fi
echo "demo: all checks passed"
