"""Samples fe1 once a second until it exits: RSS (KiB), open fds, and per
proxy worker its loop's longest gap (hafrontctl status) with the time it
spent runnable but waiting for a CPU (/proc/PID/task/TID/schedstat, field 2).
A gap that ends in a second where the worker waited for a CPU about as long,
or where an independent probe thread here overslept as well, is the
machine's doing, not the worker's; verdict.py tells them apart.
One JSON line per second.

  sampler.py PID CTL CLUSTER NODE OUT"""
import json
import os
import subprocess
import sys
import threading
import time

pid, ctl, cluster, node, out_path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
out = open(out_path, "w", buffering=1)


def workers():
    """thread name -> runqueue wait so far, in ms."""
    waits = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            name = open("/proc/%d/task/%s/comm" % (pid, tid)).read().strip()
            if name.startswith("hf-proxy-"):
                waits[name] = int(open("/proc/%d/task/%s/schedstat" % (pid, tid)).read().split()[1]) / 1e6
        except OSError:
            pass
    return waits


# An independent witness of the machine: a thread that sleeps 10 ms at a time
# and keeps its longest oversleep since the last sample. When it overslept
# too, the machine held everyone (the CI box's CPU pressure reached 99%).
oversleep = [0.0]


def probe():
    while True:
        t = time.monotonic()
        time.sleep(0.01)
        late = (time.monotonic() - t - 0.01) * 1000
        if late > oversleep[0]:
            oversleep[0] = late


threading.Thread(target=probe, daemon=True).start()
while os.path.exists("/proc/%d" % pid):
    t = time.time()
    try:
        rss = next(int(l.split()[1]) for l in open("/proc/%d/status" % pid) if l.startswith("VmRSS:"))
        fds = len(os.listdir("/proc/%d/fd" % pid))
        waits = workers()
    except (OSError, StopIteration):
        break
    gaps = {}
    try:
        r = subprocess.run([ctl, "--cluster", cluster, "--node", node, "status", "--json"], capture_output=True,
                           text=True, timeout=3)
        for th in json.loads(r.stdout)[0].get("threads", []):
            gaps[th["name"]] = [int(th.get("max_gap_ms", 0)), int(th.get("long_gaps", 0))]
    except (subprocess.TimeoutExpired, ValueError, IndexError, KeyError):
        pass
    late, oversleep[0] = oversleep[0], 0.0
    out.write(json.dumps({"t": t, "rss_kib": rss, "fds": fds, "max_gap_ms": gaps, "runqueue_ms": waits,
                          "probe_oversleep_ms": round(late, 1)}) + "\n")
    time.sleep(max(0.0, 1.0 - (time.time() - t)))
