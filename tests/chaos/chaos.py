"""The chaos driver and its observer (run by tests/chaos/run.sh, which builds
the lab and passes the bounds). A seeded sequence of faults on three agents —
kill -9 (then the unit's stop hook, `hafront-agent --cleanup`), SIGSTOP then
SIGCONT, partition then heal (the node's bridge port down/up), restart
(SIGTERM, start) and VIP maintenance on then off — while an observer checks:

  dual_holder: two nodes hold the VIP no longer than the heal bound after the
      end of the last partition or SIGSTOP (during one, a split is expected);
  no_holder:   in every part of the network with an eligible node (running,
      not stopped, not in maintenance), someone there holds the VIP within the
      crash bound (Master_Down_Interval + an advert + slack) of the moment that
      part lost its holder or gained its first eligible node;
  stale_vip:   a node whose agent is stopped (exited, or killed and cleaned up)
      holds no VIP;
  state_file:  every node's state.txtpb parses as hafront.v1.RuntimeState;
  agreement:   `hafrontctl status` says MASTER exactly when `ip addr` shows
      the VIP, give or take 100 ms.

Holders come from `ip -ts monitor address` in each host (every change, with
the time ip received it); statuses from one hafrontctl poller per node.

  chaos.py --seed N --seconds S --lab PREFIX --work DIR --agent PATH --ctl PATH
           --proto-dir DIR --vip A.B.C.D/NN --heal-ms N --crash-ms N [--no-stop-hook]"""
import argparse
import calendar
import json
import os
import random
import signal
import subprocess
import threading
import time

p = argparse.ArgumentParser()
for name in ("seed", "seconds", "heal-ms", "crash-ms"):
    p.add_argument("--" + name, type=int, required=True)
for name in ("lab", "work", "agent", "ctl", "proto-dir", "vip"):
    p.add_argument("--" + name, required=True)
p.add_argument("--no-stop-hook", action="store_true",
               help="self-check of the observer: skip the cleanup after kill -9, which must show as violations")
args = p.parse_args()
NODES = ["fe1", "fe2", "fe3"]
AGREE_MS = 100
lock = threading.Lock()
t_begin = time.monotonic()
WALL_MINUS_MONO = time.time() - time.monotonic()


def now():
    return time.monotonic()


def rel(t):
    return "%.3f s" % (t - t_begin)


log = open(os.path.join(args.work, "chaos.log"), "w", buffering=1)


def note(text):
    log.write("%9.3f %s\n" % (now() - t_begin, text))


# ---- what the driver did: per node, the intervals of each condition ----
class Node:
    def __init__(self, name):
        self.name = name
        self.ns = "%s-%s" % (args.lab, name)
        self.proc = None
        self.running = False      # an agent process exists (maybe stopped)
        self.stopped_sig = False  # SIGSTOPped
        self.partitioned = False
        self.maintenance = False
        self.up_since = None      # answered status since its (re)start
        self.down_clean = True    # no agent, and its VIP cleanup is done
        self.holds = False        # from ip monitor
        self.hold_changes = [(t_begin, False)]


nodes = {n: Node(n) for n in NODES}
# Every change of a condition that matters to the invariants, in time order:
# (t, node, field, value). The checks replay it.
timeline = []
violations = []
counts = {"kill9": 0, "stop_cont": 0, "partition": 0, "restart": 0, "maintenance": 0,
          "status_samples": 0, "state_file_checks": 0}


def change(node, field, value, t=None):
    with lock:
        t = now() if t is None else t
        setattr(nodes[node], field, value)
        timeline.append((t, node, field, value))


def violate(kind, text):
    with lock:
        violations.append((kind, text))
    note("VIOLATION %s: %s" % (kind, text))


# ---- agents ----
def start(name):
    n = nodes[name]
    out = open(os.path.join(args.work, name + ".log"), "a")
    n.proc = subprocess.Popen(["ip", "netns", "exec", n.ns, args.agent, "--config", args.work + "/cluster.conf",
                               "--node", name, "--state-dir", "%s/state-%s" % (args.work, name)],
                              stdout=out, stderr=subprocess.STDOUT)
    with open(os.path.join(args.work, "pids"), "a") as f:
        f.write("%d\n" % n.proc.pid)
    # running first: down_clean cleared before it would look like a crashed
    # agent's pending stop hook for a moment, and its end like a heal
    change(name, "up_since", None)
    change(name, "running", True)
    change(name, "down_clean", False)


def cleanup(name):
    subprocess.run(["ip", "netns", "exec", nodes[name].ns, args.agent, "--cleanup", "--config",
                    args.work + "/cluster.conf", "--node", name], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=10)


def kill9(name):
    n = nodes[name]
    n.proc.send_signal(signal.SIGKILL)
    n.proc.wait()
    change(name, "running", False)
    change(name, "stopped_sig", False)
    if not args.no_stop_hook:
        cleanup(name)   # systemd's ExecStopPost
    change(name, "down_clean", True)


def terminate(name):
    n = nodes[name]
    n.proc.send_signal(signal.SIGTERM)
    try:
        n.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        violate("stop", "%s did not end 10 s after SIGTERM" % name)
        n.proc.kill()
        n.proc.wait()
    change(name, "running", False)
    change(name, "down_clean", True)


def link(name, state):
    port = subprocess.run(["ip", "-n", args.lab + "-br", "-o", "link", "show"], capture_output=True,
                          text=True).stdout
    for line in port.splitlines():
        dev = line.split(": ")[1].split("@")[0]
        if dev.endswith("-" + name):
            subprocess.run(["ip", "-n", args.lab + "-br", "link", "set", dev, state], check=True)


def ctl(name, *words, timeout=3):
    return subprocess.run([args.ctl, "--cluster", args.work + "/cluster.conf", "--node", name] + list(words),
                          capture_output=True, text=True, timeout=timeout)


# ---- observer 1: who holds the VIP, from ip monitor ----
def watch_addresses(name):
    n = nodes[name]
    # -ts: ip stamps each change as it receives it; this thread may read the
    # pipe later on a starved box (a 10-minute run saw "status MASTER, no VIP
    # for 103 ms" that was this thread's lag: the agent adds the VIP first).
    mon = subprocess.Popen(["ip", "-n", n.ns, "-ts", "monitor", "address", "dev", "eth0"],
                           stdout=subprocess.PIPE, text=True, bufsize=1, env=dict(os.environ, TZ="UTC"))
    with open(os.path.join(args.work, "pids"), "a") as f:
        f.write("%d\n" % mon.pid)
    monitors.append(mon)
    address = " " + args.vip + " "
    for line in mon.stdout:
        if " inet " not in line or address not in line + " ":
            continue
        stamp, _, rest = line.partition("] ")
        holds = not rest.startswith("Deleted")
        try:
            wall = calendar.timegm(time.strptime(stamp.lstrip("[")[:19], "%Y-%m-%dT%H:%M:%S")) + \
                float("0." + stamp.split(".")[1])
            t = wall - WALL_MINUS_MONO
        except (ValueError, IndexError):
            t = now()
        with lock:
            n.holds = holds
            n.hold_changes.append((t, holds))
            timeline.append((t, name, "holds", holds))


monitors = []


# ---- observer 2: status against ip addr, and the state files ----
def holds_at(n, t):
    h = False
    for tc, v in n.hold_changes:
        if tc > t:
            break
        h = v
    return h


agreement_samples = []   # (name, before, after, status_master)


def poll_status(name):
    n = nodes[name]
    while not stop_observers.is_set():
        if not n.running or n.stopped_sig:
            time.sleep(0.02)
            continue
        before = now()
        try:
            r = ctl(name, "status", "--json", timeout=2)
        except subprocess.TimeoutExpired:
            continue
        after = now()
        if r.returncode != 0 or not n.running or n.stopped_sig:
            continue
        try:
            vip = json.loads(r.stdout)[0]["vips"][0]
        except (ValueError, IndexError, KeyError):
            violate("status", "%s: status did not parse: %r" % (name, r.stdout[:80]))
            continue
        if n.up_since is None:
            change(name, "up_since", after)
        with lock:
            agreement_samples.append((name, before, after, vip.get("state") == "MASTER"))
            counts["status_samples"] += 1
        time.sleep(0.05)   # three pollers must not eat the CI box


def check_state_files():
    while not stop_observers.is_set():
        for name in NODES:
            path = "%s/state-%s/state.txtpb" % (args.work, name)
            try:
                data = open(path, "rb").read()
            except FileNotFoundError:
                continue
            r = subprocess.run(["protoc", "-I", args.proto_dir, "--encode=hafront.v1.RuntimeState",
                                "hafront/v1/state.proto"], input=data, capture_output=True)
            counts["state_file_checks"] += 1
            if r.returncode != 0:
                violate("state_file", "%s: %s does not parse: %s" % (name, path, r.stderr.decode()[:200]))
        time.sleep(0.5)


stop_observers = threading.Event()

# ---- the driver: a seeded sequence of faults, each undone later ----
rng = random.Random(args.seed)
pending = []   # (due, action, node)


def disrupted():
    busy = {n for _, _, n in pending}
    return busy


def act():
    """One new fault on a node that has none pending; at most two at once."""
    busy = disrupted()
    free = [n for n in NODES if n not in busy]
    if len(busy) >= 2 or not free:
        return
    name = rng.choice(free)
    kind = rng.choice(["kill9", "stop_cont", "partition", "restart", "maintenance"])
    hold = rng.uniform(0.3, 3.0)
    t = now()
    note("%s %s (undone after %.2f s)" % (kind, name, hold))
    counts[kind] += 1
    if kind == "kill9":
        kill9(name)
        pending.append((t + hold, "start", name))
    elif kind == "stop_cont":
        nodes[name].proc.send_signal(signal.SIGSTOP)
        change(name, "stopped_sig", True)
        pending.append((t + hold, "cont", name))
    elif kind == "partition":
        link(name, "down")
        change(name, "partitioned", True)
        pending.append((t + hold, "heal", name))
    elif kind == "restart":
        terminate(name)
        time.sleep(0.3)   # long enough to see a VIP the stop left behind
        start(name)
    elif kind == "maintenance":
        ctl(name, "vip", "maintenance", "www", "on")
        change(name, "maintenance", True)
        pending.append((t + hold, "maintenance_off", name))


def undo(action, name):
    note("%s %s" % (action, name))
    if action == "start":
        start(name)
    elif action == "cont":
        nodes[name].proc.send_signal(signal.SIGCONT)
        change(name, "stopped_sig", False)
    elif action == "heal":
        link(name, "up")
        change(name, "partitioned", False)
    elif action == "maintenance_off":
        ctl(name, "vip", "maintenance", "www", "off")
        change(name, "maintenance", False)


for name in NODES:
    threading.Thread(target=watch_addresses, args=(name,), daemon=True).start()
time.sleep(0.3)
for name in NODES:
    start(name)
for name in NODES:
    threading.Thread(target=poll_status, args=(name,), daemon=True).start()
threading.Thread(target=check_state_files, daemon=True).start()
time.sleep(2.0)   # the first election

end = now() + args.seconds
next_fault = now() + rng.uniform(0.5, 2.5)
while now() < end:
    t = now()
    for item in sorted(pending):
        if item[0] <= t:
            pending.remove(item)
            undo(item[1], item[2])
    if t >= next_fault:
        act()
        next_fault = t + rng.uniform(0.5, 2.5)
    time.sleep(0.01)
for _, action, name in sorted(pending):
    undo(action, name)
pending.clear()
time.sleep(args.crash_ms / 1000.0 + 1.0)   # the last fault's effects settle under observation
t_end = now()
stop_observers.set()
time.sleep(0.1)

# ---- the checks, replayed over the timeline ----
with lock:
    events = sorted(timeline, key=lambda e: e[0])
state = {n: {"running": False, "stopped_sig": False, "partitioned": False, "maintenance": False,
             "up_since": None, "down_clean": True, "holds": False} for n in NODES}


def components():
    """Parts of the network: each partitioned node alone, the rest together."""
    alone = [[n] for n in NODES if state[n]["partitioned"]]
    rest = [n for n in NODES if not state[n]["partitioned"]]
    return alone + ([rest] if rest else [])


def functional(n):
    s = state[n]
    return s["holds"] and s["running"] and not s["stopped_sig"]


def eligible(n):
    s = state[n]
    return s["running"] and not s["stopped_sig"] and not s["maintenance"] and s["up_since"] is not None


dual_since = None        # two or more hold
last_heal = t_begin      # the end of the last partition or SIGSTOP
no_holder_since = {}     # frozenset(component) -> since when it has none while eligible
worst = {"dual_ms": 0.0, "no_holder_ms": 0.0}
episodes = {"dual": 0, "no_holder": 0}


def split_active():
    """A partition, a SIGSTOP, or a killed agent whose stop hook has not run yet."""
    return any(state[n]["partitioned"] or state[n]["stopped_sig"] or not (state[n]["running"] or state[n]["down_clean"])
               for n in NODES)


def evaluate(t):
    """Called after each change at time t: closes and opens episodes."""
    global dual_since, last_heal
    holders = [n for n in NODES if state[n]["holds"]]
    # dual holder, measured from the later of its start and the last heal
    if len(holders) >= 2:
        if dual_since is None:
            dual_since = t
    elif dual_since is not None:
        if not split_active():
            excess = (t - max(dual_since, last_heal)) * 1000
            worst["dual_ms"] = max(worst["dual_ms"], excess)
            episodes["dual"] += 1
            if excess > args.heal_ms:
                violate("dual_holder", "%s: two holders for %.0f ms after the last heal (bound %d ms)" % (
                    rel(t), excess, args.heal_ms))
        dual_since = None
    # no holder, per part of the network
    seen = set()
    for comp in components():
        key = frozenset(comp)
        seen.add(key)
        has = any(functional(n) for n in comp)
        can = [state[n]["up_since"] for n in comp if eligible(n)]
        if has or not can:
            if key in no_holder_since:   # judged when it ends: a holder came, or nobody is eligible
                gap = (t - no_holder_since.pop(key)) * 1000
                worst["no_holder_ms"] = max(worst["no_holder_ms"], gap)
                episodes["no_holder"] += 1
                if gap > args.crash_ms:
                    violate("no_holder", "%s: %s had no holder for %.0f ms with an eligible node (bound %d ms)" % (
                        rel(t), "+".join(comp), gap, args.crash_ms))
        elif key not in no_holder_since:
            no_holder_since[key] = t
    for key in list(no_holder_since):
        if key not in seen:   # the part changed shape: judged as the new part from now
            del no_holder_since[key]
    # stale VIP on a node whose agent is gone and cleaned up; the monitor may
    # report a removal made just before the exit a little after it
    for n in NODES:
        stale = state[n]["down_clean"] and state[n]["holds"]
        if stale and n not in stale_since:
            stale_since[n] = t
        elif not stale and n in stale_since:
            ms = (t - stale_since.pop(n)) * 1000
            if ms > STALE_MS:
                violate("stale_vip", "%s: %s held the VIP for %.0f ms with no agent running" % (rel(t), n, ms))


stale_since = {}
STALE_MS = 100


for t, n, field, value in events:
    was_split = split_active()
    state[n][field] = value
    if was_split and not split_active():
        last_heal = t
    evaluate(t)
# Episodes still open at the end are judged at the end.
for t in (t_end,):
    if dual_since is not None and not split_active() and (t - max(dual_since, last_heal)) * 1000 > args.heal_ms:
        violate("dual_holder", "%s: two holders since %s (bound %d ms)" % (rel(t), rel(dual_since), args.heal_ms))
    for n, since in stale_since.items():
        if (t - since) * 1000 > STALE_MS:
            violate("stale_vip", "%s: %s holds the VIP with no agent running since %s" % (rel(t), n, rel(since)))
    for key, since in no_holder_since.items():
        if (t - since) * 1000 > args.crash_ms:
            violate("no_holder", "%s: %s without a holder since %s (bound %d ms)" % (
                rel(t), "+".join(sorted(key)), rel(since), args.crash_ms))

# status against ip addr: a sample disagrees for sure when the address did
# not change during the call; then either the status lags the last address
# change or the address lags the status until the next one; the smaller of
# the two is the least the disagreement lasted.
agree_worst = 0.0
disagreements = 0
for name, before, after, master in agreement_samples:
    n = nodes[name]
    changes = [tc for tc, _ in n.hold_changes[1:]]
    if any(before <= tc <= after for tc in changes):
        continue
    if holds_at(n, after) == master:
        continue
    disagreements += 1
    prev = max([tc for tc in changes if tc < before], default=t_begin)
    nxt = min([tc for tc in changes if tc > after], default=float("inf"))
    lag = min(before - prev, nxt - after) * 1000
    agree_worst = max(agree_worst, lag)
    if lag > AGREE_MS:
        violate("agreement", "%s: %s status %s but ip addr %s for at least %.0f ms" % (
            rel(before), name, "MASTER" if master else "not MASTER", "has the VIP" if not master else "no VIP", lag))

for m in monitors:
    m.terminate()
kinds = {}
for k, _ in violations:
    kinds[k] = kinds.get(k, 0) + 1
print("chaos: seed %d, %d s: %d kill -9, %d SIGSTOP/SIGCONT, %d partitions, %d restarts, %d maintenance" % (
    args.seed, args.seconds, counts["kill9"], counts["stop_cont"], counts["partition"], counts["restart"],
    counts["maintenance"]))
print("observed: %d VIP changes, %d dual-holder episodes (worst %.0f ms after a heal, bound %d), "
      "%d no-holder episodes (worst %.0f ms, bound %d), %d status samples (%d disagreeing, worst %.0f ms, "
      "bound %d), %d state-file parses" % (
          sum(len(n.hold_changes) - 1 for n in nodes.values()), episodes["dual"], worst["dual_ms"], args.heal_ms,
          episodes["no_holder"], worst["no_holder_ms"], args.crash_ms, counts["status_samples"], disagreements,
          agree_worst, AGREE_MS, counts["state_file_checks"]))
for k, text in violations[:30]:
    print("VIOLATION " + text if text.startswith(k) else "VIOLATION %s: %s" % (k, text))
print("violations: %s" % (", ".join("%s %d" % kv for kv in sorted(kinds.items())) or "none"))
print("reproduce: tests/chaos/run.sh --seed %d --minutes ..." % args.seed if violations else "")
os._exit(1 if violations else 0)
