#!/usr/bin/env python3
"""Control-plane benchmark client speaking hafront's framing over the unix
socket (4-byte big-endian length + protobuf, encoded and decoded by hand so it
needs no protobuf module).

  latency  --socket S --changes N   set-weight by command -> matching event at a
                                     subscriber (and -> matching NodeStatus for
                                     --status-changes of them); prints p50/p99
           --subscriber-cmd CMD       the subscriber is a program instead (e.g.
                                     hafrontctl --ssh ... events --follow --json):
                                     an event counts when its line arrives
  cpu      --socket S --pid P --subscribers K --seconds T --period-ms M
                                     agent utime+stime over T s with K reading
                                     subscribers at period M
"""
import argparse
import os
import random
import select
import socket
import struct
import sys
import threading
import time


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(num, payload):  # length-delimited
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def field_varint(num, n):
    return varint(num << 3) + varint(n)


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


HELLO = frame(field(1, field_varint(1, 1) + field(3, b"statusbench")))


def subscribe(period_ms, events=True):
    return frame(field(2, field_varint(1, period_ms) + field_varint(2, 1 if events else 0)))


def set_weight(cid, pool, backend, weight):
    sw = field(1, pool.encode()) + field(2, backend.encode()) + field_varint(3, weight)
    return frame(field(3, field_varint(1, cid) + field(2, sw)))


def read_varint(b, i):
    n = shift = 0
    while True:
        c = b[i]
        i += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return n, i


def fields(b):
    """Yields (number, wire type, value) of one message; value is bytes or int."""
    i = 0
    while i < len(b):
        key, i = read_varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = read_varint(b, i)
        elif wt == 2:
            n, i = read_varint(b, i)
            v, i = b[i:i + n], i + n
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wt)
        yield num, wt, v


def weights_in_status(status):
    """{(pool, backend): weight} from a NodeStatus."""
    out = {}
    for num, _, pool in fields(status):
        if num != 11:
            continue
        pname, backends = b"", []
        for pn, _, pv in fields(pool):
            if pn == 1:
                pname = pv
            elif pn == 4:
                backends.append(pv)
        for bk in backends:
            name, weight = b"", 0
            for bn, _, bv in fields(bk):
                if bn == 1:
                    name = bv
                elif bn == 3:
                    weight = bv
            out[(pname.decode(), name.decode())] = weight
    return out


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def frames(self):
        """Blocks for at least one read; returns every whole AgentMessage (field, body) it completes."""
        chunk = self.s.recv(1 << 20)
        if not chunk:
            raise EOFError("agent closed the connection")
        self.buf += chunk
        out = []
        while len(self.buf) >= 4:
            n = struct.unpack(">I", self.buf[:4])[0]
            if len(self.buf) < 4 + n:
                break
            msg, self.buf = self.buf[4:4 + n], self.buf[4 + n:]
            for num, _, v in fields(msg):
                out.append((num, v))
        return out


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def set_weight_confirmed(ctl, cid, backend, weight):
    """Sends SetWeight on the control connection and waits for its result; False (said why) if refused."""
    ctl.send(set_weight(cid, "app", backend, weight))
    result = None
    while result is None:
        for num, body in ctl.frames():
            if num == 4:
                result = body
    if not any(n == 2 and v == 1 for n, _, v in fields(result)):
        print("refused:", result, file=sys.stderr)
        return False
    return True


def cmd_latency(a):
    if a.subscriber_cmd:
        return cmd_latency_via(a)
    sub = Conn(a.socket)
    sub.send(HELLO + subscribe(a.period_ms))
    ctl = Conn(a.socket)
    ctl.send(HELLO)
    while not any(n == 1 for n, _ in ctl.frames()):
        pass
    seen = {"event": None, "status": None}
    want = {}
    lock = threading.Condition()

    def reader():
        try:
            while True:
                for num, body in sub.frames():
                    now = time.perf_counter()
                    with lock:
                        if not want:
                            continue
                        if num == 3 and seen["event"] is None and want["needle"] in body:
                            seen["event"] = now
                            lock.notify_all()
                        elif num == 2 and want["status"] and seen["status"] is None:
                            if weights_in_status(body).get(("app", want["backend"])) == want["weight"]:
                                seen["status"] = now
                                lock.notify_all()
        except (EOFError, OSError):
            pass

    threading.Thread(target=reader, daemon=True).start()
    ev, st = [], []
    for i in range(a.changes + a.status_changes):
        backend = "b%d" % (i % a.backends)
        weight = 2 + (i // a.backends) % 900 + (i % 7)  # never the weight the backend has now
        with_status = i >= a.changes
        with lock:
            want.clear()
            want.update(needle=("backend=%s weight=%d " % (backend, weight)).encode(), backend=backend,
                        weight=weight, status=with_status)
            seen["event"] = seen["status"] = None
        if with_status:
            time.sleep(random.uniform(0, a.period_ms / 1000.0))  # de-phase from the status ticks
        t0 = time.perf_counter()
        if not set_weight_confirmed(ctl, i + 1, backend, weight):
            return 1
        with lock:
            deadline = time.perf_counter() + 5
            while (seen["event"] is None or (with_status and seen["status"] is None)) and time.perf_counter() < deadline:
                lock.wait(0.5)
            if seen["event"] is None or (with_status and seen["status"] is None):
                print("timed out waiting for change %d" % i, file=sys.stderr)
                return 1
            if with_status:
                st.append((seen["status"] - t0) * 1000)
            else:
                ev.append((seen["event"] - t0) * 1000)
    print("command -> event at subscriber, %d changes: p50 %.2f ms  p99 %.2f ms  max %.2f ms"
          % (len(ev), pct(ev, 50), pct(ev, 99), max(ev)))
    if st:
        print("command -> NodeStatus showing it (period %d ms), %d changes: p50 %.1f ms  p99 %.1f ms  max %.1f ms"
              % (a.period_ms, len(st), pct(st, 50), pct(st, 99), max(st)))
    target = 20.0
    print("target p99 <= %.0f ms local: %s" % (target, "MET" if pct(ev, 99) <= target else "MISSED"))
    return 0 if pct(ev, 99) <= target else 2


def cmd_latency_via(a):
    """Subscriber = a program printing one line per event (hafrontctl events --follow)."""
    import shlex
    import subprocess
    sub = subprocess.Popen(shlex.split(a.subscriber_cmd), stdout=subprocess.PIPE, stderr=sys.stderr, bufsize=0)
    ctl = Conn(a.socket)
    ctl.send(HELLO)
    while not any(n == 1 for n, _ in ctl.frames()):
        pass
    lines = []
    cond = threading.Condition()

    def reader():
        buf = b""
        while True:
            chunk = sub.stdout.read1(1 << 16) if hasattr(sub.stdout, "read1") else os.read(sub.stdout.fileno(), 1 << 16)
            if not chunk:
                return
            now = time.perf_counter()
            buf += chunk
            *done, buf = buf.split(b"\n")
            with cond:
                lines.extend((now, l) for l in done)
                cond.notify_all()

    threading.Thread(target=reader, daemon=True).start()
    # Wait until the subscriber is live: a first change must show up.
    ready_deadline = time.perf_counter() + 15
    ev = []
    try:
        for i in range(-1, a.changes):
            backend = "b%d" % (max(i, 0) % a.backends)
            weight = 2 + (max(i, 0) // a.backends) % 900 + (max(i, 0) % 7) + (500 if i < 0 else 0)
            needle = ("backend=%s weight=%d " % (backend, weight)).encode()
            with cond:
                lines.clear()
            t0 = time.perf_counter()
            if not set_weight_confirmed(ctl, i + 2, backend, weight):
                return 1
            seen = None
            deadline = ready_deadline if i < 0 else time.perf_counter() + 5
            with cond:
                while seen is None and time.perf_counter() < deadline:
                    seen = next((t for t, l in lines if needle in l), None)
                    if seen is None:
                        cond.wait(0.5)
            if seen is None:
                print("timed out waiting for change %d at the subscriber (%d lines since: %r)" % (i, len(lines), lines[-3:]), file=sys.stderr)
                return 1
            if i >= 0:
                ev.append((seen - t0) * 1000)
    finally:
        sub.terminate()
        sub.wait()
    print("command -> event at %s, %d changes: p50 %.2f ms  p99 %.2f ms  max %.2f ms"
          % (a.label, len(ev), pct(ev, 50), pct(ev, 99), max(ev)))
    target = a.target_ms
    print("target p99 <= %.0f ms %s: %s" % (target, a.label, "MET" if pct(ev, 99) <= target else "MISSED"))
    return 0 if pct(ev, 99) <= target else 2


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])  # utime, stime (fields 14, 15)


def cmd_cpu(a):
    conns = []
    for _ in range(a.subscribers):
        c = Conn(a.socket)
        c.send(HELLO + subscribe(a.period_ms))
        conns.append(c)
    hz = os.sysconf("SC_CLK_TCK")
    received = [0] * len(conns)
    time.sleep(1.0)  # past the snapshots
    t0, c0 = time.monotonic(), cpu_ticks(a.pid)
    socks = {c.s: i for i, c in enumerate(conns)}
    while time.monotonic() - t0 < a.seconds:
        r, _, _ = select.select(list(socks), [], [], 0.5)
        for s in r:
            i = socks[s]
            received[i] += sum(1 for n, _ in conns[i].frames() if n == 2)
    t1, c1 = time.monotonic(), cpu_ticks(a.pid)
    share = (c1 - c0) / hz / (t1 - t0) * 100
    rates = [n / (t1 - t0) for n in received]
    print("agent CPU with %d subscribers at %d ms over %.0f s: %.2f%% of one core (%d ticks); "
          "status/s per subscriber min %.2f max %.2f"
          % (a.subscribers, a.period_ms, t1 - t0, share, c1 - c0, min(rates) if rates else 0,
             max(rates) if rates else 0))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["latency", "cpu"])
    ap.add_argument("--socket", required=True)
    ap.add_argument("--changes", type=int, default=1000)
    ap.add_argument("--status-changes", type=int, default=100)
    ap.add_argument("--backends", type=int, default=200)
    ap.add_argument("--period-ms", type=int, default=250)
    ap.add_argument("--pid", type=int)
    ap.add_argument("--subscribers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--subscriber-cmd", default="")
    ap.add_argument("--label", default="subscriber")
    ap.add_argument("--target-ms", type=float, default=20.0)
    a = ap.parse_args()
    return cmd_latency(a) if a.mode == "latency" else cmd_cpu(a)


if __name__ == "__main__":
    sys.exit(main())
