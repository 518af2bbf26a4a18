#!/usr/bin/env python3
"""The proxy on IPv6, on loopback (issue 19): a listener on [::]:PORT with
IPV6_V6ONLY (an IPv4 client is refused, whatever net.ipv6.bindv6only says),
an IPv6 backend [::1]:PORT with the client's IPv6 address in X-Forwarded-For
and X-Real-IP, a consistent-hash pool on client_ip, the access log's client
field, and /metrics served on [::1]. Exits 1 when any case fails."""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import check, summary, wait_until  # noqa: E402

BASE = 29000 + (os.getpid() % 300) * 10
P_WEB, P_HASH, P_METRICS, P_B1, P_B2, P_V4 = BASE, BASE + 1, BASE + 2, BASE + 5, BASE + 6, BASE + 7


def config(tmp):
    return f"""
name: "itest6"
node {{ name: "n1" address: "127.0.0.1" metrics_listen: "[::1]:{P_METRICS}" workers: 2 }}
pool {{ name: "app6" backend {{ name: "b1" address: "[::1]:{P_B1}" }}
  health {{ http {{ path: "/" }} interval_ms: 200 rise: 1 fall: 1 }} }}
pool {{ name: "hash6" balance: CONSISTENT_HASH hash_key: "client_ip"
  backend {{ name: "b1" address: "[::1]:{P_B1}" }} backend {{ name: "b2" address: "[::1]:{P_B2}" }}
  health {{ http {{ path: "/" }} interval_ms: 200 rise: 1 fall: 1 }} }}
listener {{ name: "web6" bind: "[::]:{P_WEB}"
  access_log {{ path: "{os.path.join(tmp, 'access.log')}" format: JSON }}
  route {{ path_prefix: "/" pool: "app6" }} }}
listener {{ name: "hash6" bind: "[::1]:{P_HASH}" route {{ path_prefix: "/" pool: "hash6" }} }}
listener {{ name: "web4" bind: "127.0.0.1:{P_V4}" route {{ path_prefix: "/" pool: "app6" }} }}
"""


def get(host, port, path="/"):
    conn = http.client.HTTPConnection(host, port, timeout=3)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode(errors="replace")
    except OSError as e:
        return None, str(e)
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="hfpx6")
    conf = os.path.join(tmp, "itest6.conf")
    with open(conf, "w") as f:
        f.write(config(tmp))
    backends = [subprocess.Popen([sys.executable, os.path.join(HERE, "echo_headers.py"), name, "::1", str(port)])
                for name, port in (("b1", P_B1), ("b2", P_B2))]
    agent = subprocess.Popen([args.agent, "--config", conf, "--node", "n1", "--state-dir", tmp,
                              "--socket", os.path.join(tmp, "ctl.sock")])
    try:
        ready = wait_until(lambda: get("::1", P_WEB)[0] == 200 and get("::1", P_HASH)[0] == 200, 10.0)
        check("agent_ready_on_ipv6", ready)
        status, body = get("::1", P_WEB)
        check("ipv6_client_through_ipv6_listener_to_ipv6_backend", status == 200 and body.startswith("b1"), body)
        check("x_forwarded_for_and_x_real_ip_carry_the_ipv6_client", "xff=::1\n" in body and "xrip=::1\n" in body,
              body)
        # IPV6_V6ONLY: [::]:PORT does not take IPv4 (no ::ffff:127.0.0.1 clients).
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        refused = s.connect_ex(("127.0.0.1", P_WEB)) != 0
        s.close()
        check("ipv6_any_listener_is_ipv6_only", refused)
        status, body = get("127.0.0.1", P_V4)
        check("ipv4_client_to_ipv6_backend", status == 200 and "xff=127.0.0.1\n" in body, body)
        picked = {get("::1", P_HASH)[1].split("\n")[0] for _ in range(20)}
        check("consistent_hash_on_the_ipv6_client_is_sticky", len(picked) == 1 and picked <= {"b1", "b2"}, picked)
        time.sleep(1.3)   # the access log is written in blocks, at least every second
        path = os.path.join(tmp, "access.log")
        lines = [json.loads(line) for line in open(path)] if os.path.exists(path) else []
        check("access_log_has_the_ipv6_client", any(line.get("client") == "::1" for line in lines),
              lines[:1])
        status, metrics = get("::1", P_METRICS, "/metrics")
        check("metrics_served_on_ipv6", status == 200 and 'listener="web6"' in metrics, status)
        check("metrics_label_the_ipv6_backend", 'backend="b1"' in metrics and 'pool="app6"' in metrics)
    finally:
        agent.terminate()
        try:
            agent.wait(timeout=5)
        except subprocess.TimeoutExpired:
            agent.kill()
            agent.wait()
        for b in backends:
            b.terminate()
            b.wait()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
