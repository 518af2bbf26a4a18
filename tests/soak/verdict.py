"""The soak's verdict from what run.sh left in WORK: samples.jsonl (fe1's RSS,
fds and worker gaps each second: sampler.py), churn.log (kills, restarts, maintenance), failures.log and
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


def info(name, ok, detail):
    print("INFO %s %s %s" % (name, "within" if ok else "outside", detail))


# ---- resources ----
# RSS: the level at the end within 5% of the level after the warm-up (a
# quarter of the run, at most 60 s: pools fill, the allocator's arenas reach
# their working size). A level is the median of a fifth of the samples after
# the warm-up (the first fifth, the last fifth). Open fds under load follow
# the connections of the moment (a kill closes a backend's pooled connections,
# pools refill up to `keepalive` per worker, the close client comes and goes)
# and swing by 15% between seconds at about 40 fds, so their levels are only
# shown; the fd leak check is the quiet count below.
records = [json.loads(l) for l in open(work + "/samples.jsonl") if l.strip()]
samples = [(r["t"], r["rss_kib"], r["fds"]) for r in records]
t_start = samples[0][0] if samples else 0
warm = min(60, seconds // 4)
after = [s for s in samples if s[0] >= t_start + warm]
fifth = max(1, len(after) // 5)
for index, name in ((1, "rss_kib"), (2, "open_fds")):
    if len(after) < 10:
        verdict(name + "_level_stays_within_5_percent", False, "(only %d samples after the warm-up)" % len(after))
        continue
    values = [s[index] for s in after]
    first = statistics.median(values[:fifth])
    last = statistics.median(values[-fifth:])
    drift = 100.0 * (last - first) / first
    (verdict if index == 1 else info)(name + "_level_stays_within_5_percent", abs(drift) <= 5.0,
            "(at start %d; level after %d s warm-up %g, at the end %g: %+.1f%%; samples %d..%d over %d s)" % (
                samples[0][index], warm, first, last, drift, min(values), max(values), len(values)))

# Open fds under load are shown above; the leak check compares the quiet
# counts (no client, pools emptied by restarting the backends) before and after.
try:
    quiet_before, quiet_after = (int(v) for v in open(work + "/quiet_fds").read().split())
    verdict("quiet_open_fds_stay_within_5_percent", abs(quiet_after - quiet_before) <= 0.05 * quiet_before,
            "(no client, empty pools: %d before the run, %d after)" % (quiet_before, quiet_after))
except (OSError, ValueError):
    verdict("quiet_open_fds_stay_within_5_percent", False, "(no quiet counts)")

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

def explain(f):
    """The reason a failed request is explained, or None."""
    r = access.get(f["target"])
    if not r:
        return None
    backend, t = r.get("backend") or "", f["t"]
    if any(k - slack <= t <= s + slack for k, s in down.get(backend, [])):
        return "client got %s; access log: %s from %s, killed then" % (f["error"].split(":")[0], r.get("status"), backend)
    return None


by_target = {f["target"]: f for f in fails}
unexplained = []
reasons = collections.Counter()
for f in fails:
    why = explain(f)
    if why is None and f["error"].startswith("the proxy closed after"):
        # pipelined requests behind a failed one on a connection the proxy closed
        first = by_target.get(f["error"].rsplit(" ", 1)[-1])
        why = first and explain(first) and "behind a request explained by a kill, on the connection the proxy closed"
    if why:
        reasons[why] += 1
        continue
    r = access.get(f["target"])
    unexplained.append("%s %s: %s; %s" % (f["kind"], f["target"], f["error"], "access log: status %s backend %s, not killed then" % (
        r.get("status"), r.get("backend") or "-") if r else "not in the access log"))
for reason, n in reasons.most_common():
    print("  explained: %d x %s" % (n, reason))
for u in unexplained[:20]:
    print("  unexplained: " + u)
verdict("every_failed_request_is_explained_by_a_backend_kill", not unexplained,
        "(%d failed, %d explained, %d unexplained; %d kills)" % (
            len(fails), len(fails) - len(unexplained), len(unexplained), sum(len(v) for v in down.values())))

# ---- no proxy worker paused more than 100 ms, unless it waited for a CPU ----
# A worker's epoll_wait returns at least every 20 ms, so a gap over 100 ms is
# its own code, a blocking call, or the machine (2 shared cores) not running
# it. A gap is the machine's when, over the second it ended in and the one
# before, the worker waited runnable for a CPU at least its excess over
# 100 ms, or the sampler's probe (another process) overslept that much too.
# Its length is the rise of max_gap_ms; when the maximum did not rise, only
# long_gaps tells that one happened, so the probe must have overslept 100 ms.
try:
    threads = json.load(open(work + "/status.json"))[0].get("threads", [])
except (OSError, ValueError, IndexError):
    threads = []
workers = [t for t in threads if t["name"].startswith("hf-proxy-")]
for t in threads:
    print("  thread %s: longest gap %s ms, %s gaps over 100 ms, stalled %s" % (
        t["name"], t.get("max_gap_ms", 0), t.get("long_gaps", 0), t.get("stalled", False)))
stalls, starved = [], []
for i in range(1, len(records)):
    prev, cur = records[i - 1], records[i]
    back = records[max(0, i - 2)]
    for name, (gap, long_gaps) in cur["max_gap_ms"].items():
        if not name.startswith("hf-proxy-") or name not in prev["max_gap_ms"]:
            continue
        prev_gap, prev_long = prev["max_gap_ms"][name]
        if long_gaps == prev_long:
            continue
        waited = cur["runqueue_ms"].get(name, 0) - back["runqueue_ms"].get(name, 0)
        probe = max(prev.get("probe_oversleep_ms", 0), cur.get("probe_oversleep_ms", 0))
        excess = gap - 100 if gap > prev_gap else 0   # unknown length: over 100 ms
        what = "%s at %.0f s: gap %s%d ms, waited %.0f ms for a CPU, probe overslept %.0f ms" % (
            name, cur["t"] - records[0]["t"], "" if gap > prev_gap else "<= ", gap, waited, probe)
        machine = (gap > prev_gap and waited >= excess) or probe >= max(excess, 100)
        (starved if machine else stalls).append(what)
for w in starved:
    print("  machine: " + w)
for w in stalls:
    print("  STALL: " + w)
longest = max((int(t.get("max_gap_ms", 0)) for t in workers), default=None)
verdict("no_worker_paused_over_100_ms", bool(workers) and not stalls and not any(t.get("stalled") for t in workers),
        "(longest proxy worker gap %s ms; %d gaps over 100 ms, %d of them the machine's)" % (
            longest, len(stalls) + len(starved), len(starved)))
sys.exit(1 if failed else 0)
