#!/usr/bin/env python3
"""Differential test of `hafrontctl import`: for corpus nginx files, nginx runs
its original config and hafront-agent the imported one, both on 127.0.0.1 in
front of the same recording backends. The same requests go to both (routes,
static files, redirects, 1,000 requests over a weighted pool); status, body,
Location and the request each backend received are compared. Every difference
must be one the import report announced (FILE:LINE: kind: DIRECTIVE: text),
and every announced difference listed here must be seen. Exit 1 on failure,
77 when nginx is not installed."""
import argparse
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

BASE = 23000 + (os.getpid() % 300) * 20
failures = []

# Per corpus file: the listen ports it uses (each run gets its own), the
# requests (id, method, path, Host, body), and the differences the report must
# have announced: (request id, aspect, (file, line, kind, directive, text part)).
CASES = {
    "static-api-split.conf": {
        "listen": [8080],
        "requests": [
            ("index", "GET", "/", "shop.example", None),
            ("static", "GET", "/static/app.css", "shop.example", None),
            ("static-missing", "GET", "/static/missing.css", "shop.example", None),
            ("dir-no-slash", "GET", "/static", "shop.example", None),
            ("api", "GET", "/api/items?x=1", "shop.example", None),
            ("api-post", "POST", "/api/orders", "shop.example", b'{"item": 7}'),
            ("v2", "GET", "/v2/items?y=2", "shop.example", None),
            ("health", "GET", "/healthz", "shop.example", None),
            ("old-shop", "GET", "/old-shop/x", "shop.example", None),
            ("missing", "GET", "/nothing-here", "shop.example", None),
        ],
        "weighted": ("/api/w", "shop.example", 1000),
        "announced": [
            ("static-missing", "body", (None, 7, "approximated", "http", "not nginx's HTML page")),
            ("missing", "body", (None, 7, "approximated", "http", "not nginx's HTML page")),
            ("dir-no-slash", "status", (None, 22, "approximated", "root", "nginx redirects to add the slash")),
            ("dir-no-slash", "body", (None, 22, "approximated", "root", "nginx redirects to add the slash")),
            ("dir-no-slash", "location", (None, 22, "approximated", "root", "nginx redirects to add the slash")),
            ("api", "backend x-forwarded-proto", (None, 29, "approximated", "proxy_pass", "X-Forwarded-Proto: http is added")),
            ("api-post", "backend x-forwarded-proto", (None, 29, "approximated", "proxy_pass", "X-Forwarded-Proto: http is added")),
            ("v2", "backend host", (None, 38, "approximated", "proxy_pass", "where nginx sends 'app'")),
            ("v2", "backend x-real-ip", (None, 38, "approximated", "proxy_pass", "X-Real-IP is set to the client address")),
            ("v2", "backend x-forwarded-for", (None, 38, "approximated", "proxy_pass", "X-Forwarded-For gets the client address appended")),
            ("v2", "backend x-forwarded-proto", (None, 38, "approximated", "proxy_pass", "X-Forwarded-Proto: http is added")),
            ("v2", "backend version", (None, 38, "approximated", "proxy_pass", "HTTP/1.1 keep-alive (nginx: HTTP/1.0")),
            ("old-shop", "location", (None, 46, "approximated", "return", "nginx makes this relative Location absolute")),
            ("old-shop", "body", (None, 46, "approximated", "return", "not nginx's HTML page")),
        ],
    },
    "multi-vhost.conf": {
        "listen": [8090],
        "requests": [
            ("default-index", "GET", "/", "unknown.example", None),
            ("default-alias", "GET", "/downloads/a.txt", "unknown.example", None),
            ("blog", "GET", "/post/1", "blog.example", None),
            ("blog-downloads", "GET", "/downloads/a.txt", "blog.example", None),
            ("blog-www", "GET", "/", "www.blog.example", None),
            ("blog-upper", "GET", "/x", "BLOG.example", None),
            ("wildcard", "GET", "/", "x.apps.example", None),
        ],
        "announced": [
            (r, a, (None, 23, "approximated", "proxy_pass", t))
            for r in ("blog", "blog-downloads", "blog-www", "blog-upper")
            for a, t in (("backend x-real-ip", "X-Real-IP is set"), ("backend x-forwarded-for", "X-Forwarded-For gets the client"),
                         ("backend x-forwarded-proto", "X-Forwarded-Proto: http"), ("backend version", "HTTP/1.1 keep-alive"))
        ] + [
            ("blog-upper", "backend host", (None, 24, "approximated", "proxy_set_header", "nginx sends $host (no port)")),
            ("wildcard", "body", (None, 30, "unsupported", "server_name", "such requests go to the default server")),
            ("wildcard", "backend", (None, 30, "unsupported", "server_name", "such requests go to the default server")),
        ],
    },
    "redirects-and-rewrites.conf": {
        "listen": [8095],
        "requests": [
            ("moved", "GET", "/some/page?x=1", "old.example", None),
            ("moved-root", "GET", "/", "old.example", None),
            ("go", "GET", "/go", "old.example", None),
            ("gone", "GET", "/gone/thing", "old.example", None),
            ("legacy", "GET", "/legacy/a.txt", "old.example", None),
        ],
        "announced": [
            ("moved", "body", (None, 10, "approximated", "rewrite", "not nginx's HTML page")),
            ("moved-root", "body", (None, 10, "approximated", "rewrite", "not nginx's HTML page")),
            ("go", "body", (None, 14, "approximated", "return", "not nginx's HTML page")),
            ("gone", "body", (None, 18, "approximated", "return", "not nginx's HTML page")),
            ("legacy", "status", (None, 22, "unsupported", "rewrite", "hafront does not rewrite URIs")),
            ("legacy", "body", (None, 22, "unsupported", "rewrite", "hafront does not rewrite URIs")),
            ("legacy", "location", (None, 22, "unsupported", "rewrite", "hafront does not rewrite URIs")),
        ],
    },
}
BACKEND_PORTS = [8081, 8082, 8083, 8084]
COMPARED_HEADERS = ["host", "x-real-ip", "x-forwarded-for", "x-forwarded-proto", "x-probe", "content-length"]


def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else "  -- " + str(detail)), flush=True)
    if not ok:
        failures.append(name)


class Backend:
    """Records (version, method, path, headers, body) by X-Probe; answers its name."""

    def __init__(self, name, port):
        self.name, self.seen, self.lock = name, [], threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                with outer.lock:
                    outer.seen.append({"version": self.request_version, "method": self.command, "path": self.path,
                                       "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                payload = (outer.name + "\n").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_HEAD = _serve

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self, probe):
        with self.lock:
            for i, r in enumerate(self.seen):
                if r["headers"].get("x-probe") == probe:
                    return self.seen.pop(i)
        return None

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def wait_port(port, proc, deadline=10.0):
    end = time.time() + deadline
    while time.time() < end:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def rewrite(text, ports, tmp):
    text = re.sub(r"127\.0\.0\.1:(80\d\d)", lambda m: "127.0.0.1:%d" % ports[int(m.group(1))], text)
    return text.replace("/srv/www", os.path.join(tmp, "www")).replace("/srv/static", os.path.join(tmp, "static"))


def make_site(tmp):
    www, static = os.path.join(tmp, "www"), os.path.join(tmp, "static")
    for d in (www, os.path.join(www, "static"), os.path.join(www, "legacy"), static):
        os.makedirs(d, exist_ok=True)
    files = {os.path.join(www, "index.html"): "<h1>shop</h1>\n", os.path.join(www, "static", "app.css"): "body{}\n",
             os.path.join(www, "static", "index.html"): "static index\n", os.path.join(static, "a.txt"): "download a\n",
             os.path.join(www, "legacy", "a.txt"): "legacy a\n"}
    for path, text in files.items():
        with open(path, "w") as f:
            f.write(text)
    for root, dirs, names in os.walk(tmp):   # nginx's workers run as nobody
        os.chmod(root, 0o755)
        for n in names:
            os.chmod(os.path.join(root, n), 0o644)


def ask(port, method, path, host, body, probe, conn=None):
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Host": host, "X-Probe": probe}
    if body is not None:
        headers["Content-Type"] = "application/json"
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    out = {"status": r.status, "body": r.read(), "location": r.getheader("Location")}
    if conn is None:
        c.close()
    return out


def observe(port, backends, case, run):
    seen = {}
    for rid, method, path, host, body in case["requests"]:
        probe = "%s-%s" % (run, rid)
        resp = ask(port, method, path, host, body, probe)
        time.sleep(0.02)
        got = None
        for b in backends.values():
            r = b.take(probe)
            if r:
                got = dict(r, backend=b.name)
        seen[rid] = (resp, got)
    return seen


def differences(a, b):
    """(request id, aspect) where nginx's run `a` and hafront's run `b` differ."""
    out = []
    for rid in a:
        (ra, ga), (rb, gb) = a[rid], b[rid]
        for k in ("status", "body", "location"):
            if ra[k] != rb[k]:
                out.append((rid, k, ra[k], rb[k]))
        if (ga is None) != (gb is None) or (ga and ga["backend"] != gb["backend"]):
            out.append((rid, "backend", ga and ga["backend"], gb and gb["backend"]))
            continue
        if ga is None:
            continue
        for k in ("method", "path", "body", "version"):
            if ga[k] != gb[k]:
                out.append((rid, "backend " + k, ga[k], gb[k]))
        for h in COMPARED_HEADERS:
            va, vb = ga["headers"].get(h), gb["headers"].get(h)
            if h == "x-probe":
                va, vb = va and va.split("-", 1)[1], vb and vb.split("-", 1)[1]
            if va != vb:
                out.append((rid, "backend " + h, va, vb))
    return out


def announced_in(report, file, spec):
    _, line, kind, directive, part = spec
    return any(e["file"].endswith("/" + file) and e["line"] == line and e["kind"] == kind and
               e["directive"] == directive and part in e["text"] for e in report)


def weighted_counts(port, path, host, n):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    counts = {}
    for i in range(n):
        r = ask(port, "GET", path, host, None, "w-%d" % i, conn=c)
        counts[r["body"]] = counts.get(r["body"], 0) + 1
    c.close()
    return counts


def stop(proc):
    if proc and proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)   # nginx's workers are in its process group
            proc.wait(timeout=5)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run_case(name, case, args, slot):
    tmp = tempfile.mkdtemp(prefix="hfimp")
    ports = {p: BASE + 10 + i for i, p in enumerate(BACKEND_PORTS)}
    make_site(tmp)
    source = open(os.path.join(args.corpus, name)).read()
    ng_ports = {**ports, **{p: BASE + slot * 2 for p in case["listen"]}}
    hf_ports = {**ports, **{p: BASE + slot * 2 + 1 for p in case["listen"]}}
    ng_conf, hf_src, hf_conf = (os.path.join(tmp, n) for n in ("nginx.conf", name, "imported.conf"))
    open(ng_conf, "w").write(rewrite(source, ng_ports, tmp))
    open(hf_src, "w").write(rewrite(source, hf_ports, tmp))
    os.makedirs(os.path.join(tmp, "logs"))
    backends = {p: Backend("b%d" % p, ports[p]) for p in BACKEND_PORTS}
    nginx = agent = None
    try:
        imp = subprocess.run([args.ctl, "import", "--nginx", hf_src, "--node", "n1=127.0.0.1", "-o", hf_conf,
                              "--report-json", os.path.join(tmp, "report.json")], capture_output=True, text=True)
        check(name + ": import exit 0", imp.returncode == 0, imp.stderr[-2000:])
        if imp.returncode != 0:
            return
        report = json.load(open(os.path.join(tmp, "report.json")))["entries"]
        cc = subprocess.run([args.ctl, "check-config", hf_conf], capture_output=True, text=True)
        check(name + ": imported config passes check-config", cc.returncode == 0, cc.stdout)
        nginx = subprocess.Popen([args.nginx, "-c", ng_conf, "-p", tmp, "-g",
                                  "daemon off; pid %s/nginx.pid; error_log %s/error.log;" % (tmp, tmp)],
                                 start_new_session=True, stderr=subprocess.DEVNULL)
        agent = subprocess.Popen([args.agent, "--config", hf_conf, "--node", "n1", "--state-dir", tmp,
                                  "--socket", os.path.join(tmp, "ctl.sock")], start_new_session=True,
                                 stderr=open(os.path.join(tmp, "agent.log"), "w"))
        listen = case["listen"][0]
        up = wait_port(ng_ports[listen], nginx) and wait_port(hf_ports[listen], agent)
        check(name + ": nginx and hafront listen", up, open(os.path.join(tmp, "error.log")).read()[-500:] if os.path.exists(os.path.join(tmp, "error.log")) else "")
        if not up:
            return
        a = observe(ng_ports[listen], backends, case, "ng")
        b = observe(hf_ports[listen], backends, case, "hf")
        found = differences(a, b)
        allowed = {(r, asp): spec for r, asp, spec in case["announced"]}
        for rid, aspect, va, vb in found:
            spec = allowed.get((rid, aspect))
            ok = spec is not None and announced_in(report, name, spec)
            check("%s: %s %s differs as announced" % (name, rid, aspect), ok,
                  "nginx %r, hafront %r; %s" % (va, vb, "announced here: %s" % (spec,) if spec else "NOT ANNOUNCED"))
        seen = {(r, asp) for r, asp, _, _ in found}
        for key in allowed:
            check("%s: announced difference %s %s is real" % (name, key[0], key[1]), key in seen,
                  "the test lists it but nginx and hafront agree")
        same = [rid for rid in a if not any(f[0] == rid for f in found)]
        print("     %s: %d requests identical: %s" % (name, len(same), ", ".join(same)), flush=True)
        if "weighted" in case:
            path, host, n = case["weighted"]
            wa, wb = weighted_counts(ng_ports[listen], path, host, n), weighted_counts(hf_ports[listen], path, host, n)
            check("%s: %d requests over the weighted pool split alike (nginx %s, hafront %s)" % (name, n, wa, wb),
                  wa == wb and sum(wa.values()) == n, "")
    finally:
        stop(nginx)
        stop(agent)
        for b in backends.values():
            b.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", required=True)
    ap.add_argument("--ctl", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    args = ap.parse_args()
    if not os.path.exists(args.nginx):
        print("SKIP: nginx is not installed")
        return 77
    for slot, (name, case) in enumerate(CASES.items()):
        run_case(name, case, args, slot)
    print("%d failure(s)%s" % (len(failures), (": " + ", ".join(failures)) if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
