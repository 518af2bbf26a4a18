#!/usr/bin/env python3
"""Integration test of hafront's control plane on loopback: a real hafront-agent
with a unix control socket. Status once and as a stream to 20 subscribers while
one more subscriber never reads (the others and the data plane unaffected);
every command through hafrontctl with its exit code and audit line; a change
that cannot be saved is rolled back; SIGHUP with a broken config keeps serving;
kill -9 and restart re-applies the operator's overrides. Exits 1 when any case fails."""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import check, exchange, summary, wait_until  # noqa: E402
from testbackends import RecordingBackend  # noqa: E402

BASE = 29000 + (os.getpid() % 400) * 10
P_WEB, P_A, P_B = BASE, BASE + 1, BASE + 2
PERIOD_MS = 200
SUBSCRIBERS = 20


def config():
    return f"""
name: "ctltest"
settings {{ status_period_ms: {PERIOD_MS} }}
node {{ name: "n1" address: "127.0.0.1" }}
pool {{ name: "app" balance: ROUND_ROBIN
  backend {{ name: "a" address: "127.0.0.1:{P_A}" weight: 3 }}
  backend {{ name: "b" address: "127.0.0.1:{P_B}" weight: 1 }} }}
listener {{ name: "web" bind: "127.0.0.1:{P_WEB}" route {{ path_prefix: "/" pool: "app" }} }}
"""


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


# Hand-encoded ClientMessages (no protobuf module needed):
# hello{protocol_version: 1}; subscribe{period_ms: 20, events: true}.
HELLO = frame(b"\x0a\x02\x08\x01")
SUBSCRIBE_FAST = frame(b"\x12\x04\x08\x14\x10\x01")


def http_ok():
    try:
        c = http.client.HTTPConnection("127.0.0.1", P_WEB, timeout=3)
        c.request("GET", "/x")
        r = c.getresponse()
        r.read()
        c.close()
        return r.status == 200
    except OSError:
        return False


def wait_ready(sock, deadline=10.0):
    return wait_until(lambda: os.path.exists(sock) and http_ok(), deadline)


def status(ctl):
    p = subprocess.run(ctl + ["status", "--json"], capture_output=True, text=True, timeout=10)
    return p.returncode, (json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else None), p.stderr


def backend(st, pool, name):
    for p in st.get("pools", []):
        if p.get("name") == pool:
            for b in p.get("backends", []):
                if b.get("name") == name:
                    return b
    return {}


def test_status_once(ctl):
    rc, st, err = status(ctl)
    check("status_json_exit_0", rc == 0, err)
    check("status_json_names_node_and_backends",
          st is not None and st.get("node") == "n1" and backend(st, "app", "a").get("weight") == 3, st)


def test_subscribers(ctl, sock):
    count = 15  # about 3 s at 200 ms
    procs, arrivals = [], [[] for _ in range(SUBSCRIBERS)]
    stamps = [[] for _ in range(SUBSCRIBERS)]  # the agent's wall_time_us in each status

    def reader(i, p):
        for line in p.stdout:
            if line.strip().startswith("{"):
                arrivals[i].append(time.monotonic())
                stamps[i].append(int(json.loads(line).get("wall_time_us", 0)))

    # The one that never reads: asks for 20 ms status and events, then sleeps.
    stuck = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.connect(sock)
    stuck.sendall(HELLO + SUBSCRIBE_FAST)
    time.sleep(1.0)  # let its buffers fill before the others start
    threads = []
    for i in range(SUBSCRIBERS):
        # Line-buffered so that arrival times are real, not pipe-buffer bursts.
        p = subprocess.Popen(["stdbuf", "-oL"] + ctl + ["status", "--watch", "--count", str(count), "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(p)
        t = threading.Thread(target=reader, args=(i, p), daemon=True)
        t.start()
        threads.append(t)
    http_fail, http_total = 0, 0
    # Meanwhile the data plane answers and weights change (events flow to the stuck one).
    end = time.time() + 30
    flip = 0
    while time.time() < end and any(p.poll() is None for p in procs):
        http_total += 1
        http_fail += 0 if http_ok() else 1
        if http_total % 10 == 0:
            flip += 1
            subprocess.run(ctl + ["set-weight", "app", "b", str(1 + flip % 2)], capture_output=True, timeout=10)
        time.sleep(0.02)
    for p in procs:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    for t in threads:
        t.join(timeout=2)
    codes = [p.returncode for p in procs]
    check(f"{SUBSCRIBERS}_subscribers_each_get_{count}_statuses",
          all(c == 0 for c in codes) and all(len(a) >= count for a in arrivals),
          f"exit codes {codes}, counts {[len(a) for a in arrivals]}")
    gaps = [(b - a) * 1000 for arr in arrivals for a, b in zip(arr[1:], arr[2:])]  # skip the snapshot
    if gaps:
        med, worst = statistics.median(gaps), max(gaps)
        print(f"  status gaps over {len(gaps)}: median {med:.0f} ms, max {worst:.0f} ms (period {PERIOD_MS})")
        check("subscribers_keep_the_configured_period",
              PERIOD_MS * 0.8 <= med <= PERIOD_MS * 1.25 and worst < PERIOD_MS * 4, f"median {med}, max {worst}")
    else:
        check("subscribers_keep_the_configured_period", False, "no gaps measured")
    sent = [(b - a) / 1000 for st in stamps for a, b in zip(st[1:], st[2:])]
    if sent:
        check("agent_stamps_statuses_at_the_period",
              PERIOD_MS * 0.8 <= statistics.median(sent) <= PERIOD_MS * 1.25,
              f"median {statistics.median(sent)} ms between wall_time_us stamps")
    check("proxy_answers_while_a_subscriber_is_stuck", http_total > 20 and http_fail == 0,
          f"{http_fail}/{http_total} failed")
    rc, st, err = status(ctl)
    check("agent_answers_after_the_stuck_subscriber", rc == 0, err)
    stuck.close()


def audit_lines(state_dir):
    path = os.path.join(state_dir, "audit.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def test_commands(ctl, state_dir):
    # (name, args, exit code, audited ok: True/False, or None = refused before reaching the agent)
    cases = [
        ("set_weight_done", ["set-weight", "app", "a", "7"], 0, True),
        ("set_state_drain_done", ["set-state", "app", "b", "drain"], 0, True),
        ("set_state_ready_done", ["set-state", "app", "b", "ready"], 0, True),
        ("set_weight_unknown_backend_refused", ["set-weight", "app", "nosuch", "5"], 1, False),
        ("set_weight_unknown_pool_refused", ["set-weight", "nopool", "a", "5"], 1, False),
        ("set_weight_over_1000_refused", ["set-weight", "app", "a", "5000"], 1, False),
        ("set_state_unknown_backend_refused", ["set-state", "app", "nosuch", "maint"], 1, False),
        ("vip_maintenance_unknown_vip_refused", ["vip", "maintenance", "nosuch", "on"], 1, False),
        ("vip_force_master_unknown_vip_refused", ["vip", "force-master", "nosuch"], 1, False),
        ("vip_release_unknown_vip_refused", ["vip", "release", "nosuch"], 1, False),
        ("set_weight_not_a_number_usage", ["set-weight", "app", "a", "lots"], 2, None),
        ("set_state_bad_state_usage", ["set-state", "app", "a", "sleepy"], 2, None),
        ("set_weight_missing_arg_usage", ["set-weight", "app", "a"], 2, None),
        ("unknown_command_usage", ["frobnicate"], 2, None),
        ("vip_maintenance_bad_word_usage", ["vip", "maintenance", "www", "maybe"], 2, None),
    ]
    for name, args, want, audited in cases:
        before = audit_lines(state_dir)
        p = subprocess.run(ctl + args, capture_output=True, text=True, timeout=10)
        after = audit_lines(state_dir)
        ok = p.returncode == want
        detail = f"exit {p.returncode} (want {want}) stderr={p.stderr.strip()!r}"
        if want == 1:
            ok = ok and p.stderr.strip() != ""
        if audited is None:
            ok = ok and len(after) == len(before)
            detail += f"; audit grew by {len(after) - len(before)} (want 0)"
        else:
            new = after[len(before):]
            last = new[-1] if new else {}
            ok = ok and len(new) == 1 and last.get("ok") is audited and last.get("user") == "root" \
                and last.get("pid", 0) > 0 and "time" in last and last.get("command") and last.get("result")
            detail += f"; new audit lines {new}"
        check("command_" + name, ok, detail)
    # Unreachable: nothing listens there.
    p = subprocess.run(ctl[:1] + ["--socket", "/nonexistent/hafront.sock", "set-weight", "app", "a", "1"],
                       capture_output=True, text=True, timeout=15)
    check("command_unreachable_exit_3", p.returncode == 3, f"exit {p.returncode} {p.stderr.strip()!r}")
    p = subprocess.run(ctl[:1] + ["--socket", "/nonexistent/hafront.sock", "status"],
                       capture_output=True, text=True, timeout=15)
    check("status_unreachable_exit_3", p.returncode == 3, f"exit {p.returncode} {p.stderr.strip()!r}")


def weight_of(ctl, backend):
    rc, st, _ = status(ctl)
    for p in (st or {}).get("pools", []):
        for b in p.get("backends", []):
            if b.get("name") == backend:
                return b.get("weight")
    return None


def test_unsaveable_change_rolled_back(ctl, state_dir):
    """The state dir refuses new files (chattr +i): a change is applied, cannot
    be made durable, and is rolled back: exit 1, the old weight, an event and
    an audit line that say so."""
    if subprocess.run(["chattr", "+i", state_dir], capture_output=True).returncode != 0:
        print("SKIP unsaveable_change_rolled_back: chattr +i is not supported on this file system")
        return
    try:
        before = weight_of(ctl, "a")
        p = subprocess.run(ctl + ["set-weight", "app", "a", "9"], capture_output=True, text=True, timeout=10)
        check("unsaveable_change_refused_exit_1", p.returncode == 1 and "not applied" in p.stderr,
              f"exit {p.returncode} {p.stderr.strip()!r}")
        check("unsaveable_change_rolled_back_to_old_weight", weight_of(ctl, "a") == before,
              f"weight {weight_of(ctl, 'a')} (want {before})")
        ev = subprocess.run(ctl + ["events", "--last", "5"], capture_output=True, text=True, timeout=10).stdout
        check("unsaveable_change_rollback_event", "rolled back" in ev, ev[-400:])
        last = audit_lines(state_dir)[-1]
        check("unsaveable_change_audited_as_refused", last.get("ok") is False and "not applied" in last.get("result", ""),
              str(last))
    finally:
        subprocess.run(["chattr", "-i", state_dir])


def test_broken_reload_keeps_serving(ctl, conf, proc):
    """SIGHUP with a broken config: refused with FILE:LINE:COL, the running
    config stays, the proxy and the control socket keep answering."""
    with open(conf) as f:
        good = f.read()
    try:
        with open(conf, "w") as f:
            f.write(good + "\npool { name: \"app\" balance: NO_SUCH_POLICY }\n")
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        ev = subprocess.run(ctl + ["events", "--last", "5"], capture_output=True, text=True, timeout=10).stdout
        check("broken_reload_refused_with_file_line_col", re.search(re.escape(conf) + r":\d+:\d+", ev) is not None,
              ev[-500:])
        check("broken_reload_agent_still_running", proc.poll() is None)
        check("broken_reload_proxy_still_serves", sum(http_ok() for _ in range(10)) == 10)
        rc, st, err = status(ctl)
        check("broken_reload_running_config_kept", rc == 0 and backend(st, "app", "a") != {}, err)
    finally:
        with open(conf, "w") as f:
            f.write(good)


def start_agent(agent, conf, state_dir, sock):
    return subprocess.Popen([agent, "--config", conf, "--node", "n1", "--state-dir", state_dir, "--socket", sock],
                            stderr=open(os.path.join(state_dir, "agent.log"), "a"))


def test_restart(args, ctl, conf, state_dir, sock, proc):
    subprocess.run(ctl + ["set-weight", "app", "a", "9"], capture_output=True, timeout=10)
    subprocess.run(ctl + ["set-state", "app", "b", "drain"], capture_output=True, timeout=10)
    rc, st, _ = status(ctl)
    check("override_in_force_before_kill", rc == 0 and backend(st, "app", "a").get("weight") == 9, st)
    proc.kill()  # SIGKILL: no chance to save anything at exit
    proc.wait()
    proc = start_agent(args.agent, conf, state_dir, sock)
    ready = wait_ready(sock)
    rc, st, err = status(ctl) if ready else (None, None, "agent not ready")
    b = backend(st or {}, "app", "b")
    check("weight_reapplied_after_kill_9",
          rc == 0 and backend(st, "app", "a").get("weight") == 9 and backend(st, "app", "a").get("configured_weight") == 3,
          st or err)
    check("drain_reapplied_after_kill_9", b.get("state") == "DRAIN", b)
    return proc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", required=True)
    ap.add_argument("--ctl", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="hfctl")
    conf = os.path.join(tmp, "ctltest.conf")
    with open(conf, "w") as f:
        f.write(config())
    sock = os.path.join(tmp, "ctl.sock")
    backends = [RecordingBackend("a", P_A).start(), RecordingBackend("b", P_B).start()]
    agent = start_agent(args.agent, conf, tmp, sock)
    ctl = [args.ctl, "--socket", sock]
    try:
        if not wait_ready(sock):
            check("agent_ready", False, "listener never answered 200")
            return 1
        test_status_once(ctl)
        test_subscribers(ctl, sock)
        test_commands(ctl, tmp)
        test_unsaveable_change_rolled_back(ctl, tmp)
        test_broken_reload_keeps_serving(ctl, conf, agent)
        agent = test_restart(args, ctl, conf, tmp, sock, agent)
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait()
        for b in backends:
            b.stop()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
