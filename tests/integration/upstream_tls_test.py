#!/usr/bin/env python3
"""Integration test of TLS to backends (pool { tls { } }) on loopback: one
agent in front of a python3 ssl-wrapped HTTP backend on 127.0.0.1 whose
certificate (made here with the openssl command) names app.test. A pool that
verifies app.test proxies with 200 and the backend's body, its HTTPS health
check marks the backend up, and a connection opened after the backend closed
the previous one resumes the TLS session; a pool whose server_name the
certificate does not cover answers 502 saying why and counts the error as
class "tls"; its health check marks the backend down with the same reason. A
backend that never answers the handshake times out within connect_timeout_ms
(504), a plain HTTP one behind a TLS pool fails with a tls reason (502) and,
in a pool with a TLS backend too, the request is retried there.
Exits 1 when a case fails."""
import argparse
import json
import os
import shutil
import ssl
import subprocess
import sys
import socket
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from harness import check, summary, wait_until  # noqa: E402
from testbackends import RecordingBackend  # noqa: E402

BASE = 32000 + (os.getpid() % 300) * 10
P_WEB, P_BACKEND, P_SILENT, P_PLAIN = BASE, BASE + 1, BASE + 2, BASE + 3
MISMATCH = "tls: certificate verify failed: hostname mismatch"


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(d):
    """A CA, and app.pem/app.key for app.test signed by it."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "30", "-subj", "/CN=hafront test CA", cwd=d)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "app.key", "-out",
            "app.csr", "-subj", "/CN=app.test", cwd=d)
    with open(os.path.join(d, "app.ext"), "w") as f:
        f.write("subjectAltName=DNS:app.test\n")
    openssl("x509", "-req", "-in", "app.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "20",
            "-extfile", "app.ext", "-out", "app.pem", cwd=d)


def config():
    backend = f'backend {{ name: "b" address: "127.0.0.1:{P_BACKEND}" }}'
    check_ = 'health { http { path: "/healthz" } interval_ms: 300 rise: 1 fall: 1 }'
    return f"""
name: "upstream-tls-itest"
node {{ name: "fe1" address: "127.0.0.1" workers: 1 }}
pool {{ name: "app" {backend} {check_}
  tls {{ ca_file: "ca.pem" server_name: "app.test" }} }}
pool {{ name: "wrongname" retries: 0 {backend}
  tls {{ ca_file: "ca.pem" server_name: "wrong.test" }} }}
pool {{ name: "badcheck" {backend} {check_}
  tls {{ ca_file: "ca.pem" server_name: "wrong.test" }} }}
pool {{ name: "silent" retries: 0 connect_timeout_ms: 300 backend {{ name: "s" address: "127.0.0.1:{P_SILENT}" }}
  tls {{ ca_file: "ca.pem" server_name: "app.test" }} }}
pool {{ name: "mixed" backend {{ name: "p" address: "127.0.0.1:{P_PLAIN}" }} {backend}
  tls {{ ca_file: "ca.pem" server_name: "app.test" }} }}
pool {{ name: "plain" retries: 0 backend {{ name: "p" address: "127.0.0.1:{P_PLAIN}" }}
  tls {{ ca_file: "ca.pem" server_name: "app.test" }} }}
listener {{ name: "web" bind: "127.0.0.1:{P_WEB}"
  route {{ path_prefix: "/wrong" pool: "wrongname" }}
  route {{ path_prefix: "/silent" pool: "silent" }}
  route {{ path_prefix: "/plain" pool: "plain" }}
  route {{ path_prefix: "/mixed" pool: "mixed" }}
  route {{ path_prefix: "/" pool: "app" }} }}
"""


def get(path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{P_WEB}{path}", timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def backend_status(ctl, pool, backend=None):
    """The pool's first backend (or the one named) in `hafrontctl status --json`."""
    p = subprocess.run(ctl + ["status", "--json"], capture_output=True, text=True, timeout=10)
    try:
        st = json.loads(p.stdout)
    except ValueError:   # not up yet
        return {}
    for pl in st.get("pools", []):
        for b in pl["backends"] if pl["name"] == pool else []:
            if backend in (None, b["name"]):
                return b
    return {}


def errors_of(b):
    return {c["name"]: int(c["value"]) for c in b.get("errors", [])}


def run_cases(ctl, backend):
    up = wait_until(lambda: backend_status(ctl, "app").get("health") == "UP", 10)
    check("an HTTPS health check marks the backend up", up, backend_status(ctl, "app"))
    hosts = {r[2].get("Host") for r in backend.requests if r[1] == "/healthz"}
    check("the health check asks for server_name as Host", hosts == {"app.test"}, hosts)
    status, body = get("/hello")
    check("a request through a TLS pool gets the backend's answer", status == 200 and body == b"tls\n",
          (status, body))
    # The backend closes after /close: the next request needs a new connection,
    # which resumes the session (one worker: one session slot).
    before = len(backend.resumed)
    statuses = [get("/close")[0] for _ in range(3)]
    resumed = [r for p, r in backend.resumed[before:] if p == "/close"]
    check("connections after the first resume the TLS session", statuses == [200] * 3 and resumed[1:] == [True, True],
          (statuses, resumed))

    b = backend_status(ctl, "app")
    check("status counts the handshakes and the resumed ones",
          int(b.get("tls_handshakes_total", 0)) >= 3 and int(b.get("tls_resumed_total", 0)) >= 2, b)
    text = subprocess.run(ctl + ["status"], capture_output=True, text=True, timeout=10).stdout
    check("hafrontctl status has a line per TLS pool", "TLS to pool app: " in text, text[-400:])

    status, body = get("/wrong")
    check("a backend whose certificate does not name server_name gets 502 saying why",
          status == 502 and MISMATCH.encode() in body, (status, body))
    check("the failure is counted as class tls",
          wait_until(lambda: errors_of(backend_status(ctl, "wrongname")).get("tls", 0) >= 1, 5),
          backend_status(ctl, "wrongname"))
    check("no request reached the backend through the refused pool",
          not any(r[1].startswith("/wrong") for r in backend.requests), [r[1] for r in backend.requests])
    # The TCP connect and the handshake share connect_timeout_ms (300 ms here;
    # the bound below only keeps a broken run from hanging).
    started = time.monotonic()
    status, body = get("/silent")
    check("a backend that accepts TCP and never answers the handshake times out (504)",
          status == 504 and b"tls: handshake timed out" in body and time.monotonic() - started < 4, (status, body))
    status, body = get("/plain")
    check("a plain HTTP backend behind a TLS pool gets 502 with a tls reason",
          status == 502 and b"upstream failed: tls: " in body, (status, body))
    # Round robin sends one of these to the plain backend first: its handshake
    # fails like a refused connect and the request goes on to the TLS one.
    mixed = [get("/mixed") for _ in range(2)]
    p = backend_status(ctl, "mixed", "p")
    check("a failed handshake is retried on another backend",
          mixed == [(200, b"tls\n")] * 2 and errors_of(p).get("tls", 0) >= 1, (mixed, p))
    down = wait_until(lambda: backend_status(ctl, "badcheck").get("health") == "DOWN", 10)
    b = backend_status(ctl, "badcheck")
    check("a health check over TLS with the wrong name marks the backend down, saying why",
          down and MISMATCH in b.get("last_check", ""), b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", required=True)
    ap.add_argument("--ctl", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="hafront-uptls-")
    make_pki(tmp)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(os.path.join(tmp, "app.pem"), os.path.join(tmp, "app.key"))
    backend = RecordingBackend("tls", P_BACKEND, ssl_context=server).start()
    plain = RecordingBackend("plain", P_PLAIN).start()
    silent = socket.socket()   # listens, never accepts: the kernel completes the TCP handshake
    silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    silent.bind(("127.0.0.1", P_SILENT))
    silent.listen(8)
    agent, sock, log = harness.start_agent(args.agent, tmp, config())
    ctl = [args.ctl] + sock
    try:
        ready = wait_until(lambda: backend_status(ctl, "app") != {}, 15)
        check("the agent starts with TLS pools", ready)
        if ready:
            run_cases(ctl, backend)
    finally:
        harness.stop_agent(agent)
        backend.stop()
        plain.stop()
        silent.close()
    with open(log) as f:
        text = f.read()
    check("the log says why the backend was refused", "upstream_tls_failed" in text and MISMATCH in text,
          text[-600:])
    if harness.failures:
        print("--- fe1 log (tail)\n" + "".join(text.splitlines(True)[-20:]))
        print(f"logs and certificates kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
