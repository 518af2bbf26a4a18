#!/usr/bin/env python3
"""Returning TLS clients across a VIP move, for tests/lab/tls_failover_test.sh
and tests/bench/tls/failover.sh (run inside the lab's client namespace).

Phase 1: each of --clients clients makes a full handshake to HOST:PORT, sends
one request (reading the response takes in the TLS 1.3 tickets) and keeps its
session; even-numbered clients speak TLS 1.3, odd ones TLS 1.2. Then the
script writes --ready and waits (at most --wait-s) for --go to exist: the
caller moves the VIP in between. Phase 2: every client reconnects offering its
session. Each response's X-Served-By header names the node that served it.
Writes one JSON object to --out:
  {"clients": N,
   "first":  {"ok": n, "full": n, "served_by": {"fe1": n}, "errors": [...]},
   "second": {"ok": n, "resumed": n, "served_by": {...}, "errors": [...],
              "resumed_by_version": {"TLSv1.3": n, "TLSv1.2": n}}}
Python's ssl module cannot serialise a session, hence one process for both
phases. Bounded: --clients <= 5000, every connection times out after 5 s.
"""
import argparse
import json
import os
import socket
import ssl
import sys
import time

VERSIONS = (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2)


def context(ca, version):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.minimum_version = version
    ctx.maximum_version = version
    return ctx


def exchange(host, port, name, ctx, session=None):
    """-> (session, reused, served_by); raises on any failure."""
    raw = socket.create_connection((host, port), timeout=5)
    s = ctx.wrap_socket(raw, server_hostname=name, session=session)
    try:
        s.sendall(f"GET / HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while len(data) < 1 << 20:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        if not head or not head[0].startswith("HTTP/1.1 200"):
            raise RuntimeError(f"status {head[0] if head else 'none'!r}")
        served = next((h.split(":", 1)[1].strip() for h in head[1:] if h.lower().startswith("x-served-by:")), "?")
        return s.session, s.session_reused, served
    finally:
        s.close()


def tally(counts, key):
    counts[key] = counts.get(key, 0) + 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, default=443)
    p.add_argument("--name", required=True, help="SNI and Host")
    p.add_argument("--ca", required=True)
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--ready", required=True)
    p.add_argument("--go", required=True)
    p.add_argument("--wait-s", type=float, default=60)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if not 0 < a.clients <= 5000:
        sys.exit("--clients: 1..5000")
    contexts = [context(a.ca, v) for v in VERSIONS]
    sessions = [None] * a.clients
    first = {"ok": 0, "full": 0, "served_by": {}, "errors": []}
    for i in range(a.clients):
        try:
            session, reused, served = exchange(a.host, a.port, a.name, contexts[i % 2])
            sessions[i] = session
            first["ok"] += 1
            first["full"] += not reused
            tally(first["served_by"], served)
        except (OSError, ssl.SSLError, RuntimeError) as e:
            first["errors"].append(f"client {i}: {e}")
    with open(a.ready, "w") as f:
        f.write("ready\n")
    deadline = time.monotonic() + a.wait_s
    while not os.path.exists(a.go):
        if time.monotonic() > deadline:
            sys.exit(f"no {a.go} within {a.wait_s} s")
        time.sleep(0.01)
    second = {"ok": 0, "resumed": 0, "served_by": {}, "errors": [], "resumed_by_version": {}}
    for i in range(a.clients):
        if sessions[i] is None:
            second["errors"].append(f"client {i}: no session from the first handshake")
            continue
        try:
            _, reused, served = exchange(a.host, a.port, a.name, contexts[i % 2], session=sessions[i])
            second["ok"] += 1
            second["resumed"] += reused
            tally(second["served_by"], served)
            if reused:
                tally(second["resumed_by_version"], VERSIONS[i % 2].name.replace("_", "."))
        except (OSError, ssl.SSLError, RuntimeError) as e:
            second["errors"].append(f"client {i}: {e}")
    for phase in (first, second):
        phase["errors"] = phase["errors"][:10]
    with open(a.out, "w") as f:
        json.dump({"clients": a.clients, "first": first, "second": second}, f)


if __name__ == "__main__":
    main()
