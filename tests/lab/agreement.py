#!/usr/bin/env python3
"""Do two outage meters agree? The drill's report (JSON with --json-probes) and
the independent connect prober each measure the longest gap between successful
probes by send time. Each end of that gap is known only to within the meter's
own gap between two sends, which is its probe interval on an idle machine and
longer when the machine starves it. So the two may differ by up to twice the
sum of their longest send gaps; a real disagreement (a drill that measured the
wrong thing) is larger.

usage: agreement.py DRILL.json PROBE.json   prints one line; exit 0 if they agree
"""
import json
import sys


def drill_send_gap_ms(report):
    sends = sorted(p[0] for p in report.get("probes", []))
    return max((b - a for a, b in zip(sends, sends[1:])), default=0.0)


def main():
    drill = json.load(open(sys.argv[1]))
    probe = json.load(open(sys.argv[2]))
    d, p = drill["downtime_ms"], probe["downtime_ms"]
    gd, gp = drill_send_gap_ms(drill), probe["max_send_gap_ms"]
    tolerance = 2 * (gd + gp)
    diff = abs(d - p)
    ok = diff <= tolerance and gd > 0 and gp > 0
    print(f"drill {d} ms, independent {p} ms, |diff| {diff:.1f} ms <= 2 x (send gaps {gd:.1f} + {gp:.1f}) = "
          f"{tolerance:.1f} ms: {'agree' if ok else 'DISAGREE'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
