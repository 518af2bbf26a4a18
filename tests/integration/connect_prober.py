#!/usr/bin/env python3
"""Independent outage meter for the drill test: opens a new TCP connection to
HOST:PORT every millisecond (non-blocking, each with its own timeout) for a
bounded time and reports the longest gap between successful connects, by send
time, the same definition the drill uses, and its own resolution: the longest
gap between two sends (a loaded machine can starve it). Prints one JSON line.

usage: connect_prober.py HOST PORT --duration S [--rate N] [--timeout-ms T]
"""
import argparse, json, selectors, socket, time, errno

ap = argparse.ArgumentParser()
ap.add_argument("host"); ap.add_argument("port", type=int)
ap.add_argument("--duration", type=float, required=True)
ap.add_argument("--rate", type=int, default=1000)
ap.add_argument("--timeout-ms", type=float, default=200)   # below the 1 s SYN retry
a = ap.parse_args()
assert a.duration <= 120 and a.rate <= 2000, "bounded: duration <= 120 s, rate <= 2000/s"

sel = selectors.DefaultSelector()
period = 1.0 / a.rate
start = time.monotonic()
next_send = start
pending = {}          # sock -> send time
results = []          # (send time, ok)

def finish(sock, ok):
    sent = pending.pop(sock)
    sel.unregister(sock)
    sock.close()
    results.append((sent, ok))

while True:
    now = time.monotonic()
    if now - start < a.duration and now >= next_send:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        rc = s.connect_ex((a.host, a.port))
        pending[s] = now
        sel.register(s, selectors.EVENT_WRITE)
        if rc not in (0, errno.EINPROGRESS):
            finish(s, False)
        next_send += period
        continue
    if now - start >= a.duration and not pending:
        break
    for key, _ in sel.select(timeout=max(0.0, min(next_send - time.monotonic(), 0.01))):
        s = key.fileobj
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        finish(s, err == 0)
    limit = time.monotonic() - a.timeout_ms / 1000
    for s in [s for s, t in pending.items() if t < limit]:
        finish(s, False)

results.sort()
oks = [t for t, ok in results if ok]
gap, at = 0.0, None
for prev, cur in zip(oks, oks[1:]):
    if cur - prev > gap:
        gap, at = cur - prev, prev - start
sends = [t for t, _ in results]
send_gap = max((b - a for a, b in zip(sends, sends[1:])), default=0.0)
print(json.dumps({"probes": len(results), "failed": sum(1 for _, ok in results if not ok),
                  "downtime_ms": round(gap * 1000, 1), "at_s": round(at or 0, 3),
                  "max_send_gap_ms": round(send_gap * 1000, 1)}))
