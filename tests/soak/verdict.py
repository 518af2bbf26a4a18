"""The soak's verdict from what run.sh left in WORK: samples.log (fe1's RSS and
fds each second), churn.log (kills, restarts, maintenance), failures.log and
the counts (clients.py), access.log (fe1's JSON access log) and status.json.
Prints the figures and one PASS/FAIL line per criterion; exit 1 on a FAIL.

  verdict.py WORK SECONDS"""
import collections
import json
import statistics
import sys

work, seconds = sys.argv[1], int(sys.argv[2])
failed = 0


def verdict(name, ok, detail):
    global failed
    print("%s %s %s" % ("PASS" if ok else "FAIL", name, detail))
    failed += 0 if ok else 1


# ---- resources: a level just after the warm-up, every later sample within 5% ----
# Warm-up: a quarter of the run, at most 60 s (pools fill, the allocator's
# arenas reach their working size). The level is the median of the next 10 s.
samples = []
for line in open(work + "/samples.log"):
    parts = line.split()
    if len(parts) == 3 and parts[1].isdigit():
        samples.append((int(parts[0]), int(parts[1]), int(parts[2])))
t_start = samples[0][0] if samples else 0
warm = min(60, seconds // 4)
after = [s for s in samples if s[0] >= t_start + warm]
level = after[:10]
for index, name in ((1, "rss_kib"), (2, "open_fds")):
    if len(after) < 10:
        verdict(name + "_stays_within_5_percent", False, "(only %d samples after the warm-up)" % len(after))
        continue
    ref = statistics.median(s[index] for s in level)
    values = [s[index] for s in after]
    worst = max(values, key=lambda v: abs(v - ref))
    ok = all(abs(v - ref) <= 0.05 * ref for v in values)
    verdict(name + "_stays_within_5_percent", ok,
            "(start %d, after warm-up %d, end %d, min %d, max %d; worst %+.1f%%, %d samples after %d s warm-up)" % (
                samples[0][index], ref, values[-1], min(values), max(values), 100.0 * (worst - ref) / ref,
                len(values), warm))

# ---- failed requests: each one's access-log line names a backend that was down ----
# A backend is down from its kill until its restart; a request in flight at
# the kill may end a little later (the proxy notices the cut), and the health
# check brings it back after the restart: slack on both sides.
slack = 1.0
down = collections.defaultdict(list)   # backend -> [(killed, restarted)]
for t, what, *rest in (line.split() for line in open(work + "/churn.log")):
    if what == "kill":
        down[rest[0]].append([float(t), float("inf")])
    elif what == "start" and down[rest[0]]:
        down[rest[0]][-1][1] = float(t)
access = {}
for line in open(work + "/access.log", errors="replace"):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    access[r.get("target")] = r
lines = [json.loads(l) for l in open(work + "/failures.log") if l.strip()]
counts = next((l["counts"] for l in lines if "counts" in l), None)
fails = [l for l in lines if "target" in l]
if counts is None:
    verdict("clients_finished", False, "(no counts: the client mix did not end normally)")
    counts = {}
total_ok = sum(c["ok"] for c in counts.values())
total_failed = sum(c["failed"] for c in counts.values())
print("requests: %d ok, %d failed; %s" % (total_ok, total_failed, ", ".join(
    "%s %d/%d" % (k, c["ok"], c["ok"] + c["failed"]) for k, c in sorted(counts.items()))))
verdict("requests_were_served", total_ok > 0, "(%d ok)" % total_ok)

unexplained = []
reasons = collections.Counter()
for f in fails:
    r = access.get(f["target"])
    if not r:
        unexplained.append("%s %s: %s (not in the access log)" % (f["kind"], f["target"], f["error"]))
        continue
    backend, t = r.get("backend") or "", f["t"]
    hit = any(k - slack <= t <= s + slack for k, s in down.get(backend, []))
    if hit:
        reasons["%s -> HTTP %s, backend %s down" % (f["error"].split(":")[0], r.get("status"), backend)] += 1
    else:
        unexplained.append("%s %s: %s; access log: status %s backend %s, not killed then" % (
            f["kind"], f["target"], f["error"], r.get("status"), backend or "-"))
for reason, n in reasons.most_common():
    print("  explained: %d x %s" % (n, reason))
for u in unexplained[:20]:
    print("  unexplained: " + u)
verdict("every_failed_request_is_explained_by_a_backend_kill", not unexplained,
        "(%d failed, %d explained, %d unexplained; %d kills)" % (
            len(fails), len(fails) - len(unexplained), len(unexplained), sum(len(v) for v in down.values())))

# ---- no proxy worker paused more than 100 ms ----
try:
    threads = json.load(open(work + "/status.json"))[0].get("threads", [])
except (OSError, ValueError, IndexError):
    threads = []
workers = [t for t in threads if t["name"].startswith("hf-proxy-")]
for t in threads:
    print("  thread %s: longest gap %s ms, %s gaps over 100 ms, stalled %s" % (
        t["name"], t.get("max_gap_ms", 0), t.get("long_gaps", 0), t.get("stalled", False)))
longest = max((int(t.get("max_gap_ms", 0)) for t in workers), default=None)
verdict("no_worker_paused_over_100_ms", bool(workers) and longest <= 100 and not any(t.get("stalled") for t in workers),
        "(longest proxy worker gap %s ms)" % longest)
sys.exit(1 if failed else 0)
