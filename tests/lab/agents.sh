# Shared by the namespace integration tests (source after lab.sh): PASS/FAIL
# bookkeeping, a clock, who holds the VIP, agents started in lab hosts, and
# the failover bounds, which come from the cluster config through
# `hafrontctl vip-timers` (the RFC 5798 formulas of common/vrrp), never from
# an idle machine's milliseconds. The caller sets $lab, $work and $ctl (and
# $agent to start agents); lab_begin sets the first two and the cleanup trap.

failures=0
pids=()
declare -A agent_pid
lab_vip=${lab_vip:-192.0.2.100/24}

check() {   # name, condition exit status, detail
  if [[ $2 -eq 0 ]]; then echo "PASS $1 ${3:-}"; else echo "FAIL $1 ${3:-}"; failures=$((failures + 1)); fi
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
has_vip() { ip -n "$lab-$1" -br addr show eth0 2>/dev/null | grep -qF " $lab_vip"; }
only_holder() { has_vip "$1" && ! has_vip "$2"; }   # exactly host $1 holds the VIP

# lab_begin PREFIX: names the lab, makes $work, and removes both (and every
# process recorded in $pids) on exit, also when the test fails.
lab_begin() {
  lab=$1
  work=$(mktemp -d)
  trap lab_end EXIT
}
lab_end() {
  exec 2>/dev/null   # no "Killed" job notices
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  lab_down "$lab"
  rm -rf "$work"
}
# lab_keep_logs NAME: on failure, copies the logs where CI prints them from.
lab_keep_logs() {
  local keep=${TMPDIR:-/tmp}/hafront-$1-logs
  mkdir -p "$keep" && cp "$work"/*.log "$work"/*.json "$work"/*.out "$work"/*.err "$work"/*.mon "$keep"/ 2>/dev/null
  echo "$failures failure(s); logs kept in $keep"
}

# start_agent NODE [WRAPPER...]: hafront-agent for NODE of $work/cluster.conf
# in the lab host NODE, logging to $work/NODE.log. `ip netns exec` execs the
# wrapper or the agent, so $! is the agent's own PID.
start_agent() {
  local node=$1; shift
  mkdir -p "$work/state-$node"
  ip netns exec "$lab-$node" "$@" "$agent" --config "$work/cluster.conf" --node "$node" \
    --state-dir "$work/state-$node" >>"$work/$node.log" 2>&1 &
  agent_pid[$node]=$!
  pids+=($!)
}
ctlc() { "$ctl" --cluster "$work/cluster.conf" "$@"; }
vip_json() {   # node -> one line: state effective_priority dropped...
  ctlc --node "$1" status --json 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)[0]["vips"][0]
print(v.get("state"), v.get("effective_priority"), v.get("master_address"), " ".join(d["name"] + "=" + d["value"] for d in v.get("dropped", [])))' 2>/dev/null
}

# wait_vip HOST LIMIT_MS [has|not]: waits until HOST holds (or no longer
# holds) the VIP; prints the milliseconds waited. LIMIT is a deadline for a
# test that would otherwise hang, not the check: checks use the bounds below.
wait_vip() {
  local host=$1 limit=$2 mode=${3:-has} t0; t0=$(now_ms)
  while (( $(now_ms) - t0 < limit )); do
    if [[ $mode == has ]] && has_vip "$host"; then echo $(( $(now_ms) - t0 )); return 0; fi
    if [[ $mode == not ]] && ! has_vip "$host"; then echo $(( $(now_ms) - t0 )); return 0; fi
    sleep 0.005
  done
  echo "timeout(${limit}ms)"; return 1
}

mark() { date -u +"%Y-%m-%dT%H:%M:%S.%6NZ $1" >> "$work/test.log"; }
# gap FILE_A PATTERN_A FILE_B PATTERN_B: milliseconds from the last line of A
# matching PATTERN_A to the first line of B matching PATTERN_B after it.
# Agent logs and mark() start with 2026-...T..Z, `ip -ts monitor` lines with
# [2026-...T...] (UTC), tcpdump -tt lines with seconds since the epoch.
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
# log_gap FILE_A PATTERN_A FILE_B PATTERN_B: milliseconds from the last line
# of A matching PATTERN_A to the last of B matching PATTERN_B, negative when B
# came first (a successor can log its takeover before the leaving master logs
# its own transition: both follow the priority-0 advert).
log_gap() {
  python3 - "$@" <<'PY'
import datetime, re, sys
def last(path, pattern):
    t = None
    for line in open(path, errors="replace"):
        if re.search(pattern, line):
            t = datetime.datetime.strptime(line.split()[0], "%Y-%m-%dT%H:%M:%S.%fZ")
    return t
a, b = last(sys.argv[1], sys.argv[2]), last(sys.argv[3], sys.argv[4])
print(int((b - a).total_seconds() * 1000) if a and b else "missing")
PY
}
# event_gap_us NODE PATTERN_A PATTERN_B: microseconds between the node's last
# event whose message matches A and the first later one matching B, on the
# agent's monotonic clock (events carry it).
event_gap_us() {
  ctlc --node "$1" events --last 200 --json 2>/dev/null | python3 -c '
import json, re, sys
events = [json.loads(l) for l in sys.stdin if l.strip()]
a = [e for e in events if re.search(sys.argv[1], e.get("message", ""))]
b = [e for e in events if a and re.search(sys.argv[2], e.get("message", "")) and int(e["mono_time_us"]) >= int(a[-1]["mono_time_us"])]
print(int(b[0]["mono_time_us"]) - int(a[-1]["mono_time_us"]) if a and b else "missing")' "$2" "$3"
}

# ---- bounds from the protocol ----
# A loaded 2-core CI box can delay any process by tens of milliseconds; the
# slack covers that and the observers' resolution (ms log stamps, 5 ms polls).
lab_slack_ms=${lab_slack_ms:-150}
# vip_timer VIP NODE FIELD [CONFIG]: skew_ms | master_down_ms | successor |
# priority of NODE, or advert_interval_ms of the VIP (NODE ignored).
vip_timer() {
  "$ctl" vip-timers "${4:-$work/cluster.conf}" --json | python3 -c '
import json, sys
vip, node, field = sys.argv[1:4]
v = next(v for v in json.load(sys.stdin) if v["vip"] == vip)
if field == "advert_interval_ms":
    print(int(v[field]))
else:
    n = next(n for n in v["nodes"] if n["node"] == node)
    print(n[field] if field == "successor" else int(-(-n[field] // 1)))' "$1" "$2" "$3"
}
# bound KIND VIP NODE [CONFIG]: the most a move to NODE may take, in ms.
#   planned: NODE is the successor and must not have waited Skew_Time, so its
#            takeover comes before Skew_Time after the priority-0 advert.
#   crash:   Master_Down_Interval after the last advert, which left up to one
#            advert interval before the crash, plus the slack.
#   heal:    two masters hear each other within one advert interval and the
#            lower yields at once: two intervals plus the slack.
#   skew:    a backup that is not the successor waits Skew_Time: plus the slack.
bound() {
  local kind=$1 vip=$2 node=$3 config=${4:-$work/cluster.conf} advert
  advert=$(vip_timer "$vip" "$node" advert_interval_ms "$config")
  case $kind in
    planned) vip_timer "$vip" "$node" skew_ms "$config" ;;
    crash) echo $(( $(vip_timer "$vip" "$node" master_down_ms "$config") + advert + lab_slack_ms )) ;;
    heal) echo $(( 2 * advert + lab_slack_ms )) ;;
    skew) echo $(( $(vip_timer "$vip" "$node" skew_ms "$config") + lab_slack_ms )) ;;
  esac
}
within() { [[ $1 != missing && $1 =~ ^-?[0-9]+$ && $1 -le $2 ]]; }   # value, limit
