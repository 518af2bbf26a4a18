#!/usr/bin/env python3
"""Reads what run.sh recorded (events.txt, `ip -ts monitor` per node, probe
files per VIP) and prints the failover table. Usage: report.py WORKDIR"""
import datetime
import os
import re
import statistics
import sys

work = sys.argv[1]
MON = re.compile(r"^\[([^\]]+)\] (Deleted )?\d+: eth0\s+inet6? (\S+)/")


def monitor(node):
    out = []
    for line in open(os.path.join(work, node + ".mon"), errors="replace"):
        m = MON.match(line)
        if m:
            t = datetime.datetime.strptime(m[1], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
            out.append((t.timestamp(), "del" if m[2] else "add", m[3]))
    return out


def probes(vip):
    path = os.path.join(work, f"probe-{vip}.txt")
    return [tuple(map(float, line.split())) for line in open(path) if len(line.split()) == 2]


def skew_ms(priority, advert_ms):
    return (256 - priority) * advert_ms / 256


def target(kind, advert):
    return {"kill9": 3 * advert + skew_ms(100, advert) + 20, "sigterm": skew_ms(100, advert) + 20, "planned": 20}[kind]


mons, probe = {}, {}
rows = []
for line in open(os.path.join(work, "events.txt")):
    impl, advert, kind, rep, t, old, new, vip, gone_at = line.split()
    t, advert = float(t), int(advert)
    for n in (old, new):
        mons.setdefault(n, monitor(n))
    probe.setdefault(vip, probes(vip))
    # The interruption starts when the old node drops the VIP (SIGTERM, planned),
    # or after a kill -9 when run.sh had cut it off the wire (gone_at): connects
    # started earlier may still have landed on the old node.
    dels = [ts for ts, op, a in mons[old] if op == "del" and a == vip and t <= ts <= t + 10]
    gone = float(gone_at) if gone_at != "-" else (dels[0] if dels else t)
    t0 = gone if kind == "planned" else t
    adds = [ts for ts, op, a in mons[new] if op == "add" and a == vip and ts >= t - 1]
    adds = [ts for ts in adds if ts >= t] or adds[-1:]
    vip_ms = (adds[0] - t0) * 1000 if adds else None
    ok = [done for start, done in probe[vip] if start >= gone]
    tcp_ms = (min(ok) - t0) * 1000 if ok else None
    rows.append((impl, advert, kind, int(rep), vip_ms, tcp_ms))


def med(values):
    values = [max(0.0, v) for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v):
    return "-" if v is None else f"{v:.0f}"


names = {"kill9": "kill -9 master", "sigterm": "SIGTERM master", "planned": "planned handover"}
print("Per event (ms; VIP = on the new master's eth0, TCP = first handshake to VIP:80):")
for impl, advert, kind, rep, vip_ms, tcp_ms in rows:
    print(f"  {impl:2} advert {advert:4} {names[kind]:16} #{rep}: VIP {fmt(vip_ms):>5}  TCP {fmt(tcp_ms):>5}")
print()
head = f"{'case':17}| {'advert':6} | {'metric':6} | {'hafront':>7} | {'keepalived':>10} | {'ratio':>5} | {'target':>7} | met"
print(head)
print("-" * len(head))
for advert in (1000, 100):
    for kind in ("kill9", "sigterm", "planned"):
        for metric, col in (("VIP", 4), ("TCP", 5)):
            hf = med(r[col] for r in rows if r[0] == "hf" and r[1] == advert and r[2] == kind)
            ka = med(r[col] for r in rows if r[0] == "ka" and r[1] == advert and r[2] == kind)
            if hf is None and ka is None:
                continue
            ratio = f"{hf / ka:.2f}" if hf is not None and ka else "-"
            goal = target(kind, advert)
            met = "yes" if hf is not None and hf <= goal else "NO"
            print(f"{names[kind]:17}| {advert:4}ms | {metric:6} | {fmt(hf):>7} | {fmt(ka):>10} | {ratio:>5} | "
                  f"<={goal:5.0f} | {met}")
print("(medians in ms; ratio = hafront / keepalived; target from DESIGN.md, applied to hafront)")
