#!/usr/bin/env python3
"""Steady, bounded client load for the demo cluster (scripts/demo.sh).

  loadgen.py --vip 192.0.2.100 --rate 30 --seconds 60 [--summary FILE]

Sends --rate HTTP requests per second through the VIP (mostly dynamic
paths, some static) plus one RPC call per 5 requests on port 20880, each on
a new connection, for --seconds, then stops by itself (also when the process
that started it goes away). Every 5 s and at the end it writes one line
`loadgen: ok=N failed=M http=... rpc=... served_by=fe1:N,fe2:M` to stdout
and, if given, to --summary (overwritten).
"""
import argparse
import collections
import os
import socket
import sys
import threading
import time


def http_get(vip, path, timeout):
    """One request on a new connection; the answer ends at Content-Length (as
    in a browser), so a server that keeps the connection open is not a failure."""
    with socket.create_connection((vip, 80), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the response head")
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode(errors="replace").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("closed inside the body")
            body += chunk
    return int(lines[0].split()[1]), headers.get("x-served-by")


def rpc_call(vip, n, timeout):
    with socket.create_connection((vip, 20880), timeout=timeout) as s:
        s.sendall(f"order {n}\n".encode())
        reply = s.recv(4096)
        return reply.endswith(f"order {n}\n".encode())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vip", default="192.0.2.100")
    p.add_argument("--rate", type=float, default=30)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--summary")
    a = p.parse_args()

    parent = os.getppid()
    lock = threading.Lock()
    count = collections.Counter()
    served = collections.Counter()
    errors = collections.Counter()

    def one(n):
        kind = "rpc" if n % 5 == 4 else "http"
        try:
            if kind == "rpc":
                ok = rpc_call(a.vip, n, 2)
                node = None
            else:
                path = "/static/index.html" if n % 10 == 3 else f"/orders/{n}"
                status, node = http_get(a.vip, path, 2)
                ok = status == 200
        except (OSError, ValueError, IndexError) as e:
            ok, node = False, None
            with lock:
                errors[f"{kind}:{type(e).__name__}"] += 1
        with lock:
            count["ok" if ok else "failed"] += 1
            count[kind] += 1
            if node:
                served[node] += 1

    def report(final=False):
        with lock:
            line = (f"loadgen: ok={count['ok']} failed={count['failed']} http={count['http']} rpc={count['rpc']} "
                    f"served_by={','.join(f'{k}:{v}' for k, v in sorted(served.items())) or '-'}"
                    + (f" errors={','.join(f'{k}:{v}' for k, v in sorted(errors.items()))}" if errors else "")
                    + (" (finished)" if final else ""))
        print(line, flush=True)
        if a.summary:
            tmp = a.summary + ".tmp"
            with open(tmp, "w") as f:
                f.write(line + "\n")
            os.replace(tmp, a.summary)

    start = time.monotonic()
    n = 0
    next_report = start + 5
    while time.monotonic() - start < a.seconds and os.getppid() == parent:
        due = start + n / a.rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        threading.Thread(target=one, args=(n,), daemon=True).start()
        n += 1
        if time.monotonic() >= next_report:
            report()
            next_report += 5
    time.sleep(2.5)   # let the last requests finish
    report(final=True)


if __name__ == "__main__":
    sys.exit(main())
