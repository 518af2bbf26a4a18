#!/usr/bin/env bash
# hafrontctl over SSH against a real agent, through a real OpenSSH sshd that
# this test starts on 127.0.0.1 at a free port with generated host and user
# keys. It runs in a private mount namespace: /run, /usr/local/bin and the
# account files (/etc/passwd, group, shadow, with an operator "hfop" added) are
# private copies, so nothing on the host changes (tests/lab/sshlab.sh).
#   known key works; unknown key refused with its SHA256 fingerprint, then
#   accepted with --accept-new-host-key; changed key refused even with it;
#   ssh-agent and identity-file authentication; a stranger's key refused; the
#   audit log names the SSH user; the exec fallback (hafrontctl dial-stdio)
#   works when sshd forbids streamlocal forwarding.
#   With TST_CONSOLESSH, the console too: the unknown-key dialog, accept,
#   backends shown, a weight set from the window audited as hfop; and a
#   changed key refused with a warning.
# usage: ssh_test.sh AGENT CTL [TST_CONSOLESH]   Needs root; exits 77 (CTest SKIP) without.
set -uo pipefail
agent_bin=$(realpath "$1")
ctl_bin=$(realpath "$2")
console_test=${3:+$(realpath "$3")}
here=$(cd "$(dirname "$0")" && pwd)

source "$here/../lab/sshlab.sh"
sshlab_enter "$0" "$@"
source "$here/../lab/agents.sh"
work=$(mktemp -d /tmp/hfssh.XXXXXX)
pids=()
cleanup() {
  sshlab_stop_sshd
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
sshlab_setup "$work" "$ctl_bin"
fingerprint=$sshlab_fingerprint
target=$sshlab_target
down_port=$(sshlab_free_port)
web_port=$(sshlab_free_port)
mkdir -p "$work/stranger/.ssh" "$work/agentuser/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$work/stranger/.ssh/id_ed25519" -C stranger

cat >"$work/cluster.conf" <<EOF
name: "sshtest"
settings { status_period_ms: 250 }
node { name: "n1" address: "127.0.0.1" }
pool { name: "app" balance: ROUND_ROBIN
  backend { name: "a" address: "127.0.0.1:$down_port" weight: 3 }
  backend { name: "b" address: "127.0.0.1:$down_port" weight: 1 } }
listener { name: "web" bind: "127.0.0.1:$web_port" route { path_prefix: "/" pool: "app" } }
EOF
# 200 more backends: a status of ~33 KB crosses several SSH packets.
{ echo 'pool { name: "bulk" balance: ROUND_ROBIN'
  for i in $(seq 0 199); do echo "  backend { name: \"k$i\" address: \"127.0.0.1:$down_port\" weight: 1 }"; done
  echo "}"; echo "listener { name: \"bulk\" bind: \"127.0.0.1:$(sshlab_free_port)\" route { path_prefix: \"/\" pool: \"bulk\" } }"
} >>"$work/cluster.conf"
"$agent_bin" --config "$work/cluster.conf" --node n1 --state-dir "$work/state" \
  --socket /run/hafront/agent.sock >"$work/agent.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -S /run/hafront/agent.sock ]] && break; sleep 0.1; done
[[ -S /run/hafront/agent.sock ]] || { echo "agent did not start:"; cat "$work/agent.log"; exit 1; }
sshlab_start_sshd yes || exit 1

# ctl HOME ARGS...: hafrontctl as a user whose ~/.ssh is $HOME/.ssh, without ssh-agent.
ctl() { local home=$1; shift; env -u SSH_AUTH_SOCK HOME="$home" timeout 30 "$ctl_bin" --ssh "$target" "$@"; }
last_audit() { tail -n 1 "$work/state/audit.jsonl"; }

# 1. Unknown host key: refused, with the fingerprint the host really has.
ctl "$work/client" status >"$work/out" 2>"$work/err"; rc=$?
check unknown_key_refused_exit_3 $([[ $rc -eq 3 ]]; echo $?) "rc=$rc"
grep -q "$fingerprint" "$work/err"; check unknown_key_shows_sha256_fingerprint $? "$(head -c 300 "$work/err")"
[[ ! -s "$work/client/.ssh/known_hosts" ]]; check unknown_key_not_recorded $?

# 2. Accepted with the flag: recorded, and the session works (streamlocal).
ctl "$work/client" --accept-new-host-key --verbose status >"$work/out" 2>"$work/err"; rc=$?
check accept_new_host_key_exit_0 $([[ $rc -eq 0 ]]; echo $?) "rc=$rc $(cat "$work/err")"
grep -q "n1" "$work/out"; check status_over_ssh_names_node $?
grep -q "\[127.0.0.1\]:$sshlab_port" "$work/client/.ssh/known_hosts"; check host_key_recorded_in_known_hosts $?
grep -q "over SSH (streamlocal), the agent sees user hfop" "$work/err"; check streamlocal_and_peer_is_ssh_user $? "$(cat "$work/err")"

# 3. Known key: commands work without the flag; the audit log names hfop.
ctl "$work/client" set-weight app a 7 >"$work/out" 2>"$work/err"; rc=$?
check set_weight_over_ssh_exit_0 $([[ $rc -eq 0 ]]; echo $?) "rc=$rc $(cat "$work/err")"
last_audit | grep -q '"user":"hfop"' && last_audit | grep -q 'set_weight\|SetWeight\|set-weight'
check audit_names_ssh_user $? "$(last_audit)"
ctl "$work/client" status --json >"$work/out" 2>"$work/err"
python3 - "$work/out" <<'EOF'; check weight_7_and_202_backends_seen_through_ssh $?
import json, sys
st = json.load(open(sys.argv[1]))
ws = {b["name"]: b.get("weight") for p in st.get("pools", []) for b in p.get("backends", [])}
sys.exit(0 if ws.get("a") == 7 and len(ws) == 202 else 1)
EOF
ctl "$work/client" set-weight app nosuch 3 >"$work/out" 2>"$work/err"; rc=$?
check refused_over_ssh_exit_1 $([[ $rc -eq 1 ]]; echo $?) "rc=$rc"
grep -q "nosuch" "$work/err"; check refusal_reason_over_ssh $? "$(cat "$work/err")"
ctl "$work/client" status --watch --count 3 >"$work/out" 2>"$work/err"; rc=$?
check watch_over_ssh $([[ $rc -eq 0 && $(grep -c '^---' "$work/out") -eq 3 ]]; echo $?) "rc=$rc $(cat "$work/err")"
ctl "$work/client" events --last 20 >"$work/out" 2>"$work/err"; rc=$?
check events_over_ssh $([[ $rc -eq 0 ]] && grep -qi "weight" "$work/out"; echo $?) "rc=$rc"

# 4. Authentication through ssh-agent, no identity files in ~/.ssh.
cp "$work/client/.ssh/known_hosts" "$work/agentuser/.ssh/"
eval "$(ssh-agent -s)" >/dev/null
pids+=("$SSH_AGENT_PID")
ssh-add -q "$work/client/.ssh/id_ed25519" 2>/dev/null
HOME="$work/agentuser" timeout 30 "$ctl_bin" --ssh "$target" status >"$work/out" 2>"$work/err"; rc=$?
check auth_by_ssh_agent $([[ $rc -eq 0 ]]; echo $?) "rc=$rc $(cat "$work/err")"
kill "$SSH_AGENT_PID"; unset SSH_AUTH_SOCK

# 5. A key the host does not authorize: refused, exit 3, says why.
cp "$work/client/.ssh/known_hosts" "$work/stranger/.ssh/"
ctl "$work/stranger" status >"$work/out" 2>"$work/err"; rc=$?
check stranger_key_refused $([[ $rc -eq 3 ]] && grep -q "authentication" "$work/err"; echo $?) "rc=$rc $(cat "$work/err")"

# 6. A socket that is not there: exit 3 with a reason.
ctl "$work/client" --socket /run/hafront/none.sock status >"$work/out" 2>"$work/err"; rc=$?
check missing_remote_socket_exit_3 $([[ $rc -eq 3 ]] && grep -q "none.sock" "$work/err"; echo $?) "rc=$rc $(cat "$work/err")"

# Runs the console test in one more mount namespace whose /run/hafront is
# empty, so the console finds no local socket and goes over SSH as it would
# on an operator's desktop.
console_case() {   # unknown|changed
  HOME="$work/consolehome" HAFRONT_SSH_CASE=$1 HAFRONT_SSH_CLUSTER="$work/console.conf" \
  HAFRONT_SSH_FINGERPRINT=$2 HAFRONT_SSH_AUDIT="$work/state/audit.jsonl" HAFRONT_SSH_OUT="$work/shots" \
  QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} \
    unshare --mount --propagation private sh -c 'mount -t tmpfs tmpfs /run/hafront && exec "$@"' sh \
    timeout 120 "$console_test" >"$work/console.out" 2>&1
}
if [[ -n $console_test ]]; then
  sed 's|node { name: "n1" address: "127.0.0.1" }|node { name: "n1" address: "127.0.0.1" control_socket: "/run/hafront/agent.sock" ssh { user: "hfop" port: '"$sshlab_port"' } }|' \
    "$work/cluster.conf" >"$work/console.conf"
  mkdir -p "$work/consolehome/.ssh" "$work/shots"
  cp "$work/client/.ssh/id_ed25519" "$work/consolehome/.ssh/"
  console_case unknown "$fingerprint"; rc=$?
  check console_unknown_key_dialog_accept_and_weight_over_ssh $rc "$(grep -E 'FAIL|PASS|Totals' "$work/console.out" | head -5)"
  [[ $rc -eq 0 ]] || cat "$work/console.out"
  if [[ -n ${HAFRONT_SCREENSHOT_DIR:-} ]]; then cp "$work"/shots/*.png "$HAFRONT_SCREENSHOT_DIR/" 2>/dev/null; fi
else
  echo "SKIP console over SSH: no tst_consolessh given (console not built)"
fi

# 7. sshd forbids streamlocal forwarding: the exec fallback carries it.
sshlab_stop_sshd; sshlab_start_sshd no || exit 1
ctl "$work/client" --verbose set-weight app a 5 >"$work/out" 2>"$work/err"; rc=$?
check exec_fallback_set_weight $([[ $rc -eq 0 ]]; echo $?) "rc=$rc $(cat "$work/err")"
grep -q "over SSH (exec), the agent sees user hfop" "$work/err"; check exec_fallback_used_peer_hfop $? "$(cat "$work/err")"
last_audit | grep -q '"user":"hfop"'; check exec_fallback_audited_as_hfop $? "$(last_audit)"
ctl "$work/client" status --watch --count 2 >"$work/out" 2>"$work/err"; rc=$?
check exec_fallback_watch $([[ $rc -eq 0 && $(grep -c '^---' "$work/out") -eq 2 ]]; echo $?) "rc=$rc $(cat "$work/err")"

# 8. The host key changes: refused, also with --accept-new-host-key; known_hosts untouched.
sshlab_stop_sshd
rm -f "$work/hostkey" "$work/hostkey.pub"
ssh-keygen -q -t ed25519 -N '' -f "$work/hostkey" -C host2
new_fingerprint=$(ssh-keygen -lf "$work/hostkey.pub" | awk '{print $2}')
sshlab_start_sshd yes || exit 1
before=$(md5sum <"$work/client/.ssh/known_hosts")
ctl "$work/client" status >"$work/out" 2>"$work/err"; rc=$?
check changed_key_refused $([[ $rc -eq 3 ]] && grep -q "CHANGED" "$work/err" && grep -q "$new_fingerprint" "$work/err"; echo $?) "rc=$rc $(cat "$work/err")"
ctl "$work/client" --accept-new-host-key status >"$work/out" 2>"$work/err"; rc=$?
check changed_key_refused_even_with_flag $([[ $rc -eq 3 ]] && grep -q "CHANGED" "$work/err"; echo $?) "rc=$rc"
[[ "$(md5sum <"$work/client/.ssh/known_hosts")" == "$before" ]]; check known_hosts_untouched_on_change $?

if [[ -n $console_test ]]; then
  console_case changed "$new_fingerprint"; rc=$?
  check console_changed_key_refused_with_warning $rc "$(grep -E 'FAIL|PASS|Totals' "$work/console.out" | head -5)"
  [[ $rc -eq 0 ]] || cat "$work/console.out"
fi

echo "ssh_test: $failures failure(s)"
[[ $failures -eq 0 ]]
