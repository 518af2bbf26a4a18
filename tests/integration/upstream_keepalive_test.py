#!/usr/bin/env python3
"""Integration test of idle upstream connections beyond a pool's keepalive:
one agent (one worker) in front of a python HTTP backend on 127.0.0.1 that
counts the connections it accepts and holds open. The pool keeps 2 idle
connections (keepalive: 2). Eight requests at once (each waits 300 ms at the
backend, so they overlap) need eight backend connections; eight more right
after reuse those eight and open none (the six beyond keepalive linger for
5 s, as HAProxy keeps its surplus until pool-purge-delay, rather than being
closed at once and opened again at the next burst). Then the six are closed
and the pool's two stay open.
Exits 1 when a case fails."""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from harness import check, summary, wait_until  # noqa: E402
from testbackends import RecordingBackend  # noqa: E402

BASE = 17000 + (os.getpid() % 300) * 10   # below the ephemeral ports (32768-60999)
P_WEB, P_BACKEND = BASE, BASE + 1
BURST = 8
KEEPALIVE = 2
SURPLUS_IDLE_S = 5.0   # kSurplusIdleMicros in agent/proxy/worker.cpp


def config():
    return f"""
name: "upstream-keepalive-itest"
node {{ name: "fe1" address: "127.0.0.1" workers: 1 }}
pool {{ name: "app" keepalive: {KEEPALIVE} backend {{ name: "b" address: "127.0.0.1:{P_BACKEND}" }} }}
listener {{ name: "web" bind: "127.0.0.1:{P_WEB}" route {{ path_prefix: "/" pool: "app" }} }}
"""


def get(path):
    # The body is read whole: a client that leaves before it (the backend may
    # send it after the head) takes the unfinished backend connection with it.
    with urllib.request.urlopen(f"http://127.0.0.1:{P_WEB}{path}", timeout=10) as r:
        r.read()
        return r.status


def burst():
    """BURST requests at once, each held 300 ms by the backend: their statuses."""
    with concurrent.futures.ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(lambda _: get("/slow?ms=300"), range(BURST)))


def idle_connections(ctl):
    p = subprocess.run(ctl + ["status", "--json"], capture_output=True, text=True, timeout=10)
    try:
        st = json.loads(p.stdout)
    except ValueError:
        return -1
    for pl in st.get("pools", []):
        for b in pl["backends"]:
            return int(b.get("idle_connections", 0))
    return -1


def run_cases(ctl, backend):
    statuses = burst()
    check(f"{BURST} overlapping requests open {BURST} backend connections",
          statuses == [200] * BURST and backend.accepted == BURST, (statuses, backend.accepted))
    check(f"all {BURST} stay idle after the burst, {BURST - KEEPALIVE} of them beyond keepalive {KEEPALIVE}",
          wait_until(lambda: idle_connections(ctl) == BURST, 5), idle_connections(ctl))
    finished = time.monotonic()
    statuses = burst()
    check("the next burst reuses them and opens none",
          statuses == [200] * BURST and backend.accepted == BURST, (statuses, backend.accepted))
    # Closing early is the bug to catch here, so this looks before the linger
    # could have ended; a loaded machine only makes the agent later.
    if time.monotonic() - finished < SURPLUS_IDLE_S - 1:
        check("the surplus is still open before its linger ends", backend.open == BURST, backend.open)
    closed = wait_until(lambda: backend.open == KEEPALIVE, SURPLUS_IDLE_S + 15)
    check(f"then the surplus is closed and keepalive {KEEPALIVE} stay open",
          closed and idle_connections(ctl) == KEEPALIVE, (backend.open, idle_connections(ctl)))
    statuses = burst()
    check(f"a burst after that reuses the {KEEPALIVE} kept and opens {BURST - KEEPALIVE}",
          statuses == [200] * BURST and backend.accepted == 2 * BURST - KEEPALIVE, (statuses, backend.accepted))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", required=True)
    ap.add_argument("--ctl", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="hafront-upka-")
    backend = RecordingBackend("ka", P_BACKEND).start()
    agent, sock, log = harness.start_agent(args.agent, tmp, config())
    ctl = [args.ctl] + sock
    try:
        ready = wait_until(lambda: idle_connections(ctl) >= 0, 15)
        check("the agent starts", ready)
        if ready:
            run_cases(ctl, backend)
    finally:
        harness.stop_agent(agent)
        backend.stop()
    if harness.failures:
        with open(log) as f:
            print("--- fe1 log (tail)\n" + "".join(f.readlines()[-20:]))
        print(f"logs kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
