#!/usr/bin/python3
"""Integration test of HTTP/2 to clients (issue 17) on loopback, cleartext with
prior knowledge (listener http2 { enabled: true }): a real hafront-agent in
front of backends this script starts. Real clients (curl --http2-prior-knowledge,
nghttp, h2load) for the features; raw frames (Debian's python3-h2 HPACK and
our own framing) for every published flood, each of which must end in a
GOAWAY with ENHANCE_YOUR_CALM (or be absorbed) while another client is still
served and the agent's memory stays bounded. Then a reweight under h2load
with zero failed streams, and a drain (SIGTERM) that sends GOAWAY and lets
the open stream finish. Exits 1 when any case fails."""
import argparse
import http.server
import os
import re
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import hpack

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import check, summary, wait_until  # noqa: E402

BASE = 29000 + (os.getpid() % 300) * 10
P_H2, P_TIGHT, P_H1, P_A, P_B = BASE, BASE + 1, BASE + 2, BASE + 5, BASE + 6
IDLE_MS = 1500          # the tight listener's http2.idle_timeout_ms
GRACE_MS = 1000         # Http2Session::terminate: a GOAWAY gets this long to leave
ENHANCE_YOUR_CALM, NO_ERROR, PROTOCOL_ERROR, REFUSED_STREAM = 0xB, 0x0, 0x1, 0x7


class Backend:
    """HTTP/1.1 keep-alive backend: answers its name; /slow?ms=N waits;
    /big?mb=N sends N MiB; /trailers-out answers chunked with a trailer
    section; records method, path, headers, body and trailers."""

    def __init__(self, name, port):
        self.name, self.requests, self.lock = name, [], threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self):
                body, trailers = b"", []
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            while True:
                                line = self.rfile.readline()
                                if line in (b"\r\n", b"\n", b""):
                                    break
                                trailers.append(line.decode().strip())
                            break
                        body += self.rfile.read(size)
                        self.rfile.readline()
                else:
                    length = int(self.headers.get("Content-Length") or 0)
                    while len(body) < length:
                        piece = self.rfile.read(min(1 << 20, length - len(body)))
                        if not piece:
                            break
                        body += piece
                url = urllib.parse.urlparse(self.path)
                q = urllib.parse.parse_qs(url.query)
                with outer.lock:
                    outer.requests.append((self.command, self.path, dict(self.headers), len(body), trailers))
                if url.path == "/slow":
                    time.sleep(int(q.get("ms", ["500"])[0]) / 1000.0)
                if url.path == "/big":
                    n = int(q.get("mb", ["1"])[0]) << 20
                    self.send_response(200)
                    self.send_header("Content-Length", str(n))
                    self.end_headers()
                    chunk = b"z" * 65536
                    try:
                        for _ in range(n // 65536):
                            self.wfile.write(chunk)
                    except OSError:
                        pass
                    return
                if url.path == "/trailers-out":   # one field RFC 9110 6.5.1 keeps out of trailers
                    self.send_response(200)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    self.wfile.write(b"5\r\nhello\r\n0\r\nGrpc-Status: 0\r\nContent-Length: 99\r\n"
                                     b"X-Checksum: 7\r\n\r\n")
                    return
                payload = (outer.name + " " + str(len(body)) + "\n").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_HEAD = _serve

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            request_queue_size = 1024
            allow_reuse_address = True

            def handle_error(self, request, client_address):
                pass   # clients cut on purpose here (resets, floods)

        self.server = Server(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, prefix="/"):
        with self.lock:
            return sum(1 for r in self.requests if r[1].startswith(prefix))

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def config():
    return f"""
name: "h2test"
node {{ name: "n1" address: "127.0.0.1" workers: 2 }}
pool {{ name: "app" balance: ROUND_ROBIN
  backend {{ name: "a" address: "127.0.0.1:{P_A}" weight: 3 }}
  backend {{ name: "b" address: "127.0.0.1:{P_B}" weight: 1 }} }}
listener {{ name: "h2" bind: "127.0.0.1:{P_H2}" max_body_bytes: 67108864 served_by_header: true
  http2 {{ enabled: true }}
  route {{ path_prefix: "/" pool: "app" }} }}
listener {{ name: "h1" bind: "127.0.0.1:{P_H1}"
  route {{ path_prefix: "/" pool: "app" }} }}
listener {{ name: "tight" bind: "127.0.0.1:{P_TIGHT}"
  http2 {{ enabled: true max_concurrent_streams: 8 max_header_list_bytes: 8192 idle_timeout_ms: {IDLE_MS} }}
  route {{ path_prefix: "/" pool: "app" }} }}
"""


# ---- raw frames ----

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def frame(ftype, flags, stream, payload=b""):
    n = len(payload)
    return struct.pack(">BHBBI", n >> 16, n & 0xFFFF, ftype, flags, stream & 0x7FFFFFFF) + payload


def settings(**kv):
    ids = {"window": 4, "table": 1}
    return frame(4, 0, 0, b"".join(struct.pack(">HI", ids[k], v) for k, v in kv.items()))


def get_fields(path, method="GET", extra=()):
    return [(":method", method), (":scheme", "http"), (":authority", "h2test"), (":path", path)] + list(extra)


class Raw:
    """One client connection speaking raw frames; reads frames back."""

    def __init__(self, port, window=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.enc = hpack.Encoder()
        self.dec = hpack.Decoder()
        self.dec.max_allowed_table_size = 65536
        self.buf = b""
        self.closed = False
        self.ack = True   # ACK the server's SETTINGS (off while another thread sends)
        self.frames = []
        self.statuses = {}
        self.blocks = {}   # stream -> the decoded fields of each header block
        self.send(PREFACE + (settings(window=window) if window is not None else settings()))

    def send(self, data):
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.closed = True
            return False

    def headers(self, stream, fields, end=True, end_headers=True):
        return frame(1, (1 if end else 0) | (4 if end_headers else 0), stream, self.enc.encode(fields))

    def read_until(self, done, deadline=5.0):
        """Reads frames until done(self) or the peer closes or the deadline."""
        end = time.monotonic() + deadline
        while not done(self) and not self.closed and time.monotonic() < end:
            self.sock.settimeout(max(0.05, end - time.monotonic()))
            try:
                chunk = self.sock.recv(1 << 20)
            except socket.timeout:
                break
            except OSError:
                self.closed = True
                break
            if not chunk:
                self.closed = True
                break
            self.buf += chunk
            while len(self.buf) >= 9:
                n = int.from_bytes(self.buf[0:3], "big")
                if len(self.buf) < 9 + n:
                    break
                ftype, flags, stream = self.buf[3], self.buf[4], int.from_bytes(self.buf[5:9], "big") & 0x7FFFFFFF
                payload = self.buf[9:9 + n]
                self.buf = self.buf[9 + n:]
                if ftype == 4 and not flags & 1 and self.ack:
                    self.send(frame(4, 1, 0))   # SETTINGS ACK
                self.frames.append((ftype, flags, stream, payload))
                if ftype == 1:   # decoded in order, once: HPACK has state
                    fields = dict(self.dec.decode(payload))
                    self.blocks.setdefault(stream, []).append(fields)
                    self.statuses.setdefault(stream, fields.get(":status"))
        return self

    def goaway(self):
        for t, _, _, p in self.frames:
            if t == 7:
                return int.from_bytes(p[4:8], "big")
        return None

    def resets(self, code=None):
        return [s for t, _, s, p in self.frames if t == 3 and (code is None or int.from_bytes(p, "big") == code)]

    def status(self, stream):
        return self.statuses.get(stream)

    def close(self):
        self.sock.close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def curl_ok(port=P_H2, path="/other"):
    r = subprocess.run(["curl", "-s", "--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
                        "--max-time", "5", f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True)
    return r.stdout.strip() == "200 2"


# ---- features ----

def test_clients(backends):
    r = subprocess.run(["curl", "-s", "-i", "--http2-prior-knowledge", "--max-time", "5",
                        f"http://127.0.0.1:{P_H2}/hello"], capture_output=True, text=True)
    check("curl_http2_prior_knowledge_200", r.stdout.startswith("HTTP/2 200"), r.stdout[:200] + r.stderr)
    check("curl_served_by_lowercase", "x-served-by: n1" in r.stdout, r.stdout[:300])
    r = subprocess.run(["nghttp", "-v", "--timeout=5", f"http://127.0.0.1:{P_H2}/nghttp"], capture_output=True, text=True)
    check("nghttp_200", ":status: 200" in r.stdout, r.stdout[-400:] + r.stderr)
    # 100 concurrent streams on one connection, all answered (the default limit is 128).
    r = subprocess.run(["h2load", "-n", "2000", "-c", "1", "-m", "100", f"http://127.0.0.1:{P_H2}/load"],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", r.stdout)
    check("h2load_100_streams_one_connection_all_answered",
          m and m.group(3) == "2000" and m.group(4) == "0" and m.group(5) == "0", r.stdout[-600:])
    sc = re.search(r"status codes: (\d+) 2xx", r.stdout)
    check("h2load_all_2xx", sc and sc.group(1) == "2000", r.stdout[-300:])


def test_upload_and_trailers(backends, tmp):
    # 32 MiB: 500 times the 64 KiB stream window, 32 times the connection window.
    path = os.path.join(tmp, "upload.bin")
    with open(path, "wb") as f:
        f.write(os.urandom(32 << 20))
    r = subprocess.run(["curl", "-s", "--http2-prior-knowledge", "--max-time", "60", "--data-binary", "@" + path,
                        f"http://127.0.0.1:{P_H2}/upload"], capture_output=True, text=True)
    check("large_upload_streamed_whole", r.stdout.strip().endswith(str(32 << 20)), r.stdout + r.stderr)
    # Trailers: no content-length, so the body goes chunked upstream with the trailer after it.
    c = Raw(P_H2)
    c.send(c.headers(1, get_fields("/trailers", "POST", [("te", "trailers")]), end=False) + frame(0, 0, 1, b"abc") +
           c.headers(1, [("x-checksum", "42")], end=True))
    c.read_until(lambda s: s.status(1) is not None and any(t == 0 and f & 1 for t, f, _, _ in s.frames))
    c.close()
    recs = [r for b in backends for r in b.requests if r[1] == "/trailers"]
    check("request_trailers_passed", c.status(1) == "200" and recs and recs[0][4] == ["x-checksum: 42"],
          (c.status(1), recs))


def test_response_trailers():
    # A chunked response's trailers end the stream as HEADERS; content-length is dropped.
    c = Raw(P_H2)
    c.send(c.headers(1, get_fields("/trailers-out")))
    c.read_until(lambda s: any(t in (0, 1) and f & 1 and st == 1 for t, f, st, _ in s.frames))
    c.close()
    ends = [(t, f) for t, f, st, _ in c.frames if st == 1 and t in (0, 1) and f & 1]
    blocks = c.blocks.get(1, [])
    body = b"".join(p for t, _, st, p in c.frames if t == 0 and st == 1)
    check("h2_response_trailers_end_the_stream",
          c.status(1) == "200" and body == b"hello" and ends and ends[0][0] == 1 and len(blocks) == 2
          and blocks[1] == {"grpc-status": "0", "x-checksum": "7"}, (ends, blocks, body))
    # The same to an HTTP/1.1 client: the last chunk carries them.
    r = subprocess.run(["curl", "-s", "--raw", "--max-time", "5", f"http://127.0.0.1:{P_H1}/trailers-out"],
                       capture_output=True)
    check("http1_response_trailers_in_the_last_chunk",
          r.stdout.endswith(b"0\r\nGrpc-Status: 0\r\nX-Checksum: 7\r\n\r\n"), r.stdout[-120:])


def test_refusals(backends):
    before = sum(b.count("/bad") for b in backends)
    cases = {
        "content_length_mismatch": lambda c: c.headers(1, get_fields("/bad1", "POST", [("content-length", "10")]), end=False)
        + frame(0, 1, 1, b"12345"),
        "hop_by_hop_connection": lambda c: c.headers(1, get_fields("/bad2", extra=[("connection", "close")])),
        "transfer_encoding": lambda c: c.headers(1, get_fields("/bad3", "POST", [("transfer-encoding", "chunked")])),
    }
    for name, build in cases.items():
        c = Raw(P_H2)
        c.send(build(c))
        c.read_until(lambda s: s.resets(PROTOCOL_ERROR))
        c.close()
        check(f"refused_{name}_stream_error", c.resets(PROTOCOL_ERROR) == [1] and c.goaway() is None, c.frames[-3:])
    c = Raw(P_H2)
    c.send(c.headers(1, get_fields("/bad4", extra=[("host", "elsewhere")])))
    c.read_until(lambda s: s.status(1))
    c.close()
    check("authority_and_host_differ_400", c.status(1) == "400", c.frames[-3:])
    time.sleep(0.2)
    check("refused_requests_never_reached_a_backend", sum(b.count("/bad") for b in backends) == before)


# ---- floods ----

def flood(name, agent, backends, build, expect_codes=(ENHANCE_YOUR_CALM,), port=P_H2, chunks=2000):
    """Sends build(c, i) for i in range(chunks) while reading; the connection must
    get GOAWAY(expect_code) and close; another client is served meanwhile; the
    agent's RSS grows by less than 64 MiB."""
    rss0 = rss_kib(agent.pid)
    c = Raw(port)
    c.read_until(lambda s: any(t == 4 for t, _, _, _ in s.frames), deadline=2)   # SETTINGS, ACKed
    c.ack = False
    reader_done = threading.Event()

    def reader():
        c.read_until(lambda s: False, deadline=10)
        reader_done.set()

    t = threading.Thread(target=reader)
    t.start()
    sent = 0
    for i in range(chunks):
        if reader_done.is_set() or not c.send(build(c, i)):
            break
        sent += 1
    served = curl_ok()
    t.join(12)
    grew = rss_kib(agent.pid) - rss0
    c.close()
    check(f"{name}_goaway", c.goaway() in expect_codes, (c.goaway(), sent, c.frames[-2:]))
    check(f"{name}_connection_closed", c.closed, sent)
    check(f"{name}_other_client_served", served)
    check(f"{name}_memory_bounded", grew < 64 * 1024, f"{grew} KiB")
    return sent


def test_floods(agent, backends):
    flood("ping_flood", agent, backends, lambda c, i: frame(6, 0, 0, struct.pack(">Q", i)) * 50)
    flood("settings_flood", agent, backends, lambda c, i: frame(4, 0, 0) * 50)

    def empty_data(c, i):
        head = c.headers(1, get_fields("/d", "POST"), end=False) if i == 0 else b""
        return head + frame(0, 0, 1) * 50
    flood("empty_data_flood", agent, backends, empty_data)

    def continuation(c, i):
        if i == 0:
            return frame(1, 0, 1, c.enc.encode(get_fields("/c")))
        return frame(9, 0, 1, c.enc.encode([("x-pad", "y" * 10)]))
    flood("continuation_flood", agent, backends, continuation)

    def hpack_bomb(c, i):
        if i == 0:   # one 3000-byte field indexed, then 4000 one-byte references to it per block
            return c.headers(1, get_fields("/h0") + [("x-big", "b" * 3000)])
        sid = 1 + 2 * i   # the same fields again insert nothing: index 62 stays x-big
        return frame(1, 5, sid, c.enc.encode(get_fields("/h0")) + b"\xbe" * 4000)
    flood("hpack_bomb", agent, backends, hpack_bomb, chunks=200)

    before = sum(b.count("/rr") for b in backends)
    start = time.monotonic()

    def rapid_reset(c, i):
        sid = 1 + 2 * i
        return c.headers(sid, get_fields("/rr")) + frame(3, 0, sid, struct.pack(">I", 8))
    sent = flood("rapid_reset", agent, backends, rapid_reset, chunks=20000)
    took = time.monotonic() - start
    time.sleep(0.5)
    reached = sum(b.count("/rr") for b in backends) - before
    # The budget: a burst of 400 resets, then 100/s (Http2Session::kResetBurst, kResetsPerSecond).
    check("rapid_reset_backend_requests_within_budget", reached <= 400 + 100 * took + 128,
          f"{reached} of {sent} in {took:.1f} s")

    # The tight listener allows 8; the client ignores it. Once it has ACKed
    # our SETTINGS, nghttp2 calls that a connection error (PROTOCOL_ERROR,
    # RFC 9113 5.1.2); before, each refusal costs from the control budget.
    def beyond_limit(c, i):
        return c.headers(1 + 2 * i, get_fields("/slow?ms=2000"))
    flood("streams_beyond_limit", agent, backends, beyond_limit, expect_codes=(PROTOCOL_ERROR, ENHANCE_YOUR_CALM),
          port=P_TIGHT, chunks=5000)


def test_refused_streams_answered(backends):
    c = Raw(P_TIGHT)
    c.send(b"".join(c.headers(1 + 2 * i, get_fields("/slow?ms=300")) for i in range(20)))
    c.read_until(lambda s: sum(1 for t, f, _, _ in s.frames if t == 0 and f & 1) >= 8, deadline=8)
    c.close()
    refused = c.resets(REFUSED_STREAM)
    answered = [1 + 2 * i for i in range(20) if c.status(1 + 2 * i) == "200"]
    check("streams_beyond_max_concurrent_refused", len(refused) == 12 and len(answered) == 8, (refused, answered))


def test_zero_window(agent):
    rss0 = rss_kib(agent.pid)
    c = Raw(P_TIGHT, window=0)
    start = time.monotonic()
    c.send(c.headers(1, get_fields("/big?mb=64")))
    c.read_until(lambda s: False, deadline=(IDLE_MS + GRACE_MS + 2000) / 1000.0)
    took = time.monotonic() - start
    grew = rss_kib(agent.pid) - rss0
    c.close()
    data = sum(len(p) for t, _, _, p in c.frames if t == 0)
    check("zero_window_no_data_sent", data == 0 and c.status(1) == "200", (data, c.status(1)))
    check("zero_window_memory_bounded", grew < 16 * 1024, f"{grew} KiB for a 64 MiB response")
    # The stall ends at the idle timeout (+ one sweep); the GOAWAY then leaves at once.
    check("zero_window_goaway_at_idle_timeout", c.goaway() == NO_ERROR and c.closed and took <= (IDLE_MS + GRACE_MS) / 1000.0,
          f"{took:.2f} s, goaway {c.goaway()}")
    check("zero_window_other_client_served", curl_ok(P_TIGHT))


def test_reweight_under_load(ctl):
    h2load = subprocess.Popen(["h2load", "-D", "3", "-c", "4", "-m", "10", f"http://127.0.0.1:{P_H2}/rw"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1.0)
    rc = subprocess.run(ctl + ["set-weight", "app", "a", "1"], capture_output=True, text=True)
    out = h2load.communicate(timeout=60)[0]
    check("set_weight_accepted", rc.returncode == 0, rc.stderr + rc.stdout)
    m = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", out)
    sc = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    check("reweight_under_h2_load_zero_failed_streams",
          m and int(m.group(1)) > 0 and m.group(3) == "0" and m.group(4) == "0" and sc and sc.group(4) == "0",
          out[-500:])


def test_status(ctl):
    out = subprocess.run(ctl + ["status"], capture_output=True, text=True).stdout
    check("status_shows_h2_listeners", "H2 LISTENER" in out and "rapid_reset=" in out and "control_flood=" in out, out[-800:])


def test_drain(agent):
    c = Raw(P_H2)
    c.send(c.headers(1, get_fields("/slow?ms=800")))
    time.sleep(0.2)
    agent.send_signal(signal.SIGTERM)
    c.read_until(lambda s: any(t == 0 and f & 1 for t, f, _, _ in s.frames), deadline=5)
    c.close()
    check("drain_goaway_no_error", c.goaway() == NO_ERROR, c.frames[-3:])
    check("drain_open_stream_finished", c.status(1) == "200", c.frames[-3:])
    try:
        agent.wait(timeout=12)
    except subprocess.TimeoutExpired:
        pass
    check("drain_agent_exited", agent.poll() is not None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", required=True)
    ap.add_argument("--ctl", required=True)
    args = ap.parse_args()
    for tool in ("curl", "nghttp", "h2load"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            print(f"SKIP: {tool} is not installed (scripts/install-deps.sh installs it)")
            return 77
    tmp = tempfile.mkdtemp(prefix="hfh2")
    conf = os.path.join(tmp, "h2.conf")
    with open(conf, "w") as f:
        f.write(config())
    sock = os.path.join(tmp, "ctl.sock")
    backends = [Backend("a", P_A), Backend("b", P_B)]
    agent = subprocess.Popen([args.agent, "--config", conf, "--node", "n1", "--state-dir", tmp, "--socket", sock])
    ctl = [args.ctl, "--socket", sock]
    try:
        if not wait_until(lambda: curl_ok(), 10):
            check("agent_ready", False, "the h2 listener never answered 200")
            return 1
        test_clients(backends)
        test_upload_and_trailers(backends, tmp)
        test_response_trailers()
        test_refusals(backends)
        test_refused_streams_answered(backends)
        test_floods(agent, backends)
        test_zero_window(agent)
        test_reweight_under_load(ctl)
        test_status(ctl)
        test_drain(agent)
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait()
        for b in backends:
            b.stop()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
