#!/usr/bin/env python3
"""Integration test of the agent's Prometheus endpoint on loopback: a real
hafront-agent with metrics_listen in front of two backends. /metrics answers
in text format 0.0.4 while traffic flows and while a client stalls; request,
response and latency counters grow with the traffic; bad requests get their
4xx and a closed connection; `promtool check metrics` accepts the text (when
promtool is installed, else the check is skipped with the reason); a metrics
address that cannot be bound stops the agent with an error naming it.
Exits 1 when any case fails."""
import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import check, exchange, summary, wait_until  # noqa: E402
from testbackends import RecordingBackend  # noqa: E402

BASE = 13000 + (os.getpid() % 400) * 10
P_WEB, P_METRICS, P_A, P_B, P_WEB2, P_TAKEN = BASE, BASE + 1, BASE + 2, BASE + 3, BASE + 4, BASE + 5
TRAFFIC = 300
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? '
                    r'(-?[0-9.e+-]+|\+Inf|-Inf|NaN)$')


def config(metrics_port, web_port):
    return f"""
name: "mettest"
node {{ name: "n1" address: "127.0.0.1" metrics_listen: "127.0.0.1:{metrics_port}" }}
pool {{ name: "app" balance: ROUND_ROBIN
  backend {{ name: "a" address: "127.0.0.1:{P_A}" weight: 1 }}
  backend {{ name: "b" address: "127.0.0.1:{P_B}" weight: 1 }}
  health {{ http {{ path: "/healthz" }} interval_ms: 200 timeout_ms: 500 rise: 1 fall: 2 }} }}
listener {{ name: "web" bind: "127.0.0.1:{web_port}" route {{ path_prefix: "/" pool: "app" }} }}
"""


def get(port, path, method="GET", timeout=5):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(method, path)
    r = c.getresponse()
    body = r.read()
    headers = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, headers, body


def raw(data, timeout=5.0):
    """Sends raw bytes to the metrics port; returns (response bytes, closed by the agent)."""
    return exchange(P_METRICS, data, timeout=timeout)


def parse(text):
    """{(name, labels-text): value} plus the problems found in the text."""
    samples, problems, typed = {}, [], {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            typed[name] = kind
        elif line.startswith("#"):
            continue
        else:
            m = SAMPLE.match(line)
            if not m:
                problems.append(line)
                continue
            samples[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return samples, problems, typed


def scrape():
    status, headers, body = get(P_METRICS, "/metrics")
    return status, headers, body.decode()


def value(samples, name, **labels):
    want = "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else ""
    return samples.get((name, want))


def backend_requests(samples):
    return sum(value(samples, "hafront_backend_requests_total", pool="app", backend=b) or 0 for b in ("a", "b"))


def latency_count(samples):
    return sum(value(samples, "hafront_backend_latency_seconds_count", pool="app", backend=b) or 0 for b in ("a", "b"))


def latency_sum(samples):
    return sum(value(samples, "hafront_backend_latency_seconds_sum", pool="app", backend=b) or 0 for b in ("a", "b"))


def wait_ready(deadline=10.0):
    return wait_until(lambda: get(P_WEB, "/x")[0] == 200 and get(P_METRICS, "/metrics")[0] == 200, deadline)


def test_format():
    status, headers, text = scrape()
    check("metrics_answer_200", status == 200, status)
    check("content_type_is_text_0_0_4", headers.get("content-type", "").startswith("text/plain; version=0.0.4"),
          headers.get("content-type"))
    samples, problems, typed = parse(text)
    check("every_line_is_help_type_or_a_valid_sample", not problems, problems[:5])
    for name, kind in [("hafront_backend_requests_total", "counter"), ("hafront_backend_latency_seconds", "histogram"),
                       ("hafront_backend_health", "gauge"), ("hafront_build_info", "gauge"),
                       ("hafront_agent_start_time_seconds", "gauge")]:
        check(f"family_{name}_is_a_{kind}", typed.get(name) == kind, typed.get(name))
    # VIP families (unit-tested) need VRRP on an interface; this node has no VIP, so they are left out.
    check("no_vip_families_without_vips", not any(n.startswith("hafront_vip_") for n in typed), sorted(typed))
    start = value(samples, "hafront_agent_start_time_seconds") or 0
    check("start_time_is_recent_unix_time", time.time() - 60 < start <= time.time(), start)
    check("backends_report_health_up",
          all(value(samples, "hafront_backend_health", pool="app", backend=b, health="up") == 1 for b in "ab"),
          [value(samples, "hafront_backend_health", pool="app", backend=b, health="up") for b in "ab"])
    threads = ["hf-health", "hf-proxy-0"]
    check("watched_threads_exported_and_running",
          all(value(samples, "hafront_thread_stalled", thread=t) == 0 for t in threads)
          and typed.get("hafront_thread_long_gaps_total") == "counter",
          [(t, value(samples, "hafront_thread_stalled", thread=t)) for t in threads])
    return samples


def test_counters_follow_traffic(before):
    stop = threading.Event()
    scrapes, scrape_errors = [], []

    def scraper():  # scrapes all along, as a fast Prometheus would
        while not stop.is_set():
            try:
                st, _, text = scrape()
                scrapes.append(st)
            except OSError as e:
                scrape_errors.append(repr(e))
            time.sleep(0.02)

    t = threading.Thread(target=scraper, daemon=True)
    t.start()
    c = http.client.HTTPConnection("127.0.0.1", P_WEB, timeout=5)
    ok = 0
    for _ in range(TRAFFIC):
        c.request("GET", "/traffic")
        r = c.getresponse()
        r.read()
        ok += r.status == 200
    c.close()
    stop.set()
    t.join(timeout=5)
    check(f"proxy_answers_{TRAFFIC}_requests_while_scraped", ok == TRAFFIC, f"{ok}/{TRAFFIC}")
    check("scrapes_during_traffic_all_200", scrapes and all(s == 200 for s in scrapes) and not scrape_errors,
          f"{len(scrapes)} scrapes, errors {scrape_errors[:3]}")
    _, _, text = scrape()
    after, _, _ = parse(text)
    grew = backend_requests(after) - backend_requests(before)
    check(f"backend_requests_total_grows_by_{TRAFFIC}", grew == TRAFFIC, f"grew by {grew}")
    check("each_backend_took_a_share",
          all((value(after, "hafront_backend_requests_total", pool="app", backend=b) or 0) >
              (value(before, "hafront_backend_requests_total", pool="app", backend=b) or 0) for b in "ab"))
    check("latency_count_grows_with_requests", latency_count(after) - latency_count(before) == grew,
          f"{latency_count(before)} -> {latency_count(after)}")
    # _sum: the mean of the new requests, loopback to a local backend, is well under a second.
    added = latency_sum(after) - latency_sum(before)
    mean = added / grew if grew else -1
    check("latency_sum_gives_a_plausible_mean", 0 < mean < 1.0, f"sum grew by {added} s over {grew} requests")
    two = sum(value(after, "hafront_backend_responses_total", pool="app", backend=b, code="2xx") or 0 for b in "ab")
    check("2xx_responses_count_the_traffic", two >= TRAFFIC, two)
    lreq = value(after, "hafront_listener_requests_total", listener="web") or 0
    check("listener_requests_count_the_traffic", lreq >= TRAFFIC, lreq)
    for b in "ab":
        buckets = sorted(((float(k[1].split('le="')[1].rstrip('"}').replace("+Inf", "inf")), v)
                          for k, v in after.items()
                          if k[0] == "hafront_backend_latency_seconds_bucket" and f'backend="{b}"' in k[1]))
        counts = [v for _, v in buckets]
        check(f"latency_buckets_of_{b}_cumulative_and_end_at_count",
              counts == sorted(counts) and counts and counts[-1] ==
              value(after, "hafront_backend_latency_seconds_count", pool="app", backend=b), buckets[-3:])
    return text


def test_bad_requests():
    cases = [
        ("garbage_gets_400", b"HELLO\r\n\r\n", 400),
        ("tls_hello_gets_400", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400),
        ("bare_lf_gets_400", b"GET /metrics HTTP/1.1\nHost: x\n\n", 400),
        ("missing_host_gets_400", b"GET /metrics HTTP/1.1\r\n\r\n", 400),
        ("post_gets_405", b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
        ("other_path_gets_404", b"GET /foo HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        ("long_request_line_gets_414", b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        ("long_head_gets_431", b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 431),
        ("http2_preface_gets_400", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
    ]
    for name, data, want in cases:
        out, closed = raw(data)
        got = int(out.split(b" ", 2)[1]) if out.startswith(b"HTTP/1.1 ") else 0
        check(name + "_and_connection_closed", got == want and closed, f"status {got}, closed {closed}: {out[:80]!r}")
    out, _ = raw(b"POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    check("405_names_allowed_methods", b"\r\nAllow: GET, HEAD\r\n" in out, out[:200])
    out, closed = raw(b"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    head, _, body = out.partition(b"\r\n\r\n")
    check("head_answers_200_without_body", head.startswith(b"HTTP/1.1 200") and body == b"" and closed, out[:200])


def test_stalled_client_does_not_block():
    stalled = socket.create_connection(("127.0.0.1", P_METRICS), timeout=5)
    stalled.sendall(b"GET /metrics HTTP/1.1\r\nHo")  # and nothing more
    t0 = time.monotonic()
    st, _, _ = scrape()
    web = get(P_WEB, "/while-stalled")[0]
    check("scrape_and_proxy_answer_beside_a_stalled_client", st == 200 and web == 200 and time.monotonic() - t0 < 2,
          f"metrics {st}, proxy {web}, {time.monotonic() - t0:.2f}s")
    stalled.close()


def test_promtool(text, tmp):
    promtool = shutil.which("promtool")
    if not promtool:
        print("SKIP promtool_check_metrics: promtool is not installed (Debian package 'prometheus'); "
              "the format was still checked line by line above", flush=True)
        return
    p = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    check("promtool_check_metrics_accepts_the_text", p.returncode == 0 and not p.stdout.strip() and not p.stderr.strip(),
          f"exit {p.returncode}: {(p.stdout + p.stderr).strip()[:500]}")
    with open(os.path.join(tmp, "metrics.txt"), "w") as f:
        f.write(text)
    print(f"  promtool ({promtool}) found no problem in {len(text.splitlines())} lines", flush=True)


def test_bind_failure(agent, tmp):
    taken = socket.socket()
    taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    taken.bind(("127.0.0.1", P_TAKEN))
    taken.listen(1)
    conf = os.path.join(tmp, "taken.conf")
    with open(conf, "w") as f:
        f.write(config(P_TAKEN, P_WEB2))
    state = os.path.join(tmp, "second")
    os.makedirs(state, exist_ok=True)
    p = subprocess.Popen([agent, "--config", conf, "--node", "n1", "--state-dir", state,
                          "--socket", os.path.join(state, "ctl.sock")], stderr=subprocess.PIPE, text=True)
    try:
        _, err = p.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    taken.close()
    check("taken_metrics_address_stops_the_agent_with_exit_1", p.returncode == 1, f"exit {p.returncode}")
    check("bind_error_names_the_address", f"127.0.0.1:{P_TAKEN}" in err and "metrics_listen" in err, err.strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="hfmet")
    conf = os.path.join(tmp, "mettest.conf")
    with open(conf, "w") as f:
        f.write(config(P_METRICS, P_WEB))
    backends = [RecordingBackend("a", P_A).start(), RecordingBackend("b", P_B).start()]
    agent = subprocess.Popen([args.agent, "--config", conf, "--node", "n1", "--state-dir", tmp,
                              "--socket", os.path.join(tmp, "ctl.sock")],
                             stderr=open(os.path.join(tmp, "agent.log"), "a"))
    try:
        if not wait_ready():
            check("agent_ready", False, "proxy or /metrics never answered 200; see " + tmp + "/agent.log")
            return 1
        time.sleep(0.5)  # a health round, so both backends are up
        before = test_format()
        text = test_counters_follow_traffic(before)
        test_bad_requests()
        test_stalled_client_does_not_block()
        test_promtool(text, tmp)
        check("agent_still_running", agent.poll() is None, agent.returncode)
        test_bind_failure(args.agent, tmp)
    finally:
        if agent.poll() is None:
            agent.terminate()
            try:
                agent.wait(timeout=15)
            except subprocess.TimeoutExpired:
                agent.kill()
                agent.wait()
        for b in backends:
            b.stop()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
