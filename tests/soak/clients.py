"""The soak's client mix against one proxy address, for a fixed time:
keep-alive, close, pipelined (three requests per write) and body-carrying
(Content-Length and chunked) clients, each a thread. Every request has its own
target (/soak/KIND/ID) so run.sh finds it in the agent's access log. Prints
one JSON line per failed request and, at the end, a JSON line of counts.

  clients.py HOST PORT SECONDS OUT_FILE"""
import json
import random
import socket
import sys
import threading
import time

host, port, seconds, out_path = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
deadline = time.time() + seconds
lock = threading.Lock()
counts = {}
out = open(out_path, "w", buffering=1)
next_id = [0]


def new_id():
    with lock:
        next_id[0] += 1
        return next_id[0]


def record(kind, target, ok, error=""):
    with lock:
        c = counts.setdefault(kind, {"ok": 0, "failed": 0})
        c["ok" if ok else "failed"] += 1
        if not ok:
            out.write(json.dumps({"t": time.time(), "kind": kind, "target": target, "error": error}) + "\n")


class Reader:
    """Reads responses off one socket: status line, head, then a
    Content-Length or chunked body."""

    def __init__(self, sock):
        self.f = sock.makefile("rb")

    def response(self):
        line = self.f.readline(65536)
        if not line:
            raise ConnectionError("closed before the response")
        parts = line.split(None, 2)
        status = int(parts[1])
        headers = {}
        while True:
            h = self.f.readline(65536)
            if h in (b"\r\n", b"\n"):
                break
            if not h:
                raise ConnectionError("closed in the response head")
            k, _, v = h.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.f.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.f.readline()
                    break
                body += self.f.read(size)
                self.f.readline()
        else:
            n = int(headers.get("content-length", "0"))
            body = self.f.read(n)
            if len(body) != n:
                raise ConnectionError("closed in the response body")
        return status, headers, body


def check(kind, target, status, body, sent):
    text = body.decode("latin-1")
    if status != 200:
        record(kind, target, False, "HTTP %d" % status)
    elif not (text.startswith("app") and text.split()[-1] == str(sent)):
        record(kind, target, False, "wrong body %r for %d bytes sent" % (text[:40], sent))
    else:
        record(kind, target, True)


def connect():
    s = socket.create_connection((host, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def request(method, target, body=b"", chunked=False, close=False):
    head = "%s %s HTTP/1.1\r\nHost: soak\r\n" % (method, target)
    if close:
        head += "Connection: close\r\n"
    if chunked:
        head += "Transfer-Encoding: chunked\r\n\r\n"
        data = head.encode()
        for i in range(0, len(body), 1000):
            piece = body[i:i + 1000]
            data += b"%x\r\n%s\r\n" % (len(piece), piece)
        return data + b"0\r\n\r\n"
    if body:
        head += "Content-Length: %d\r\n" % len(body)
    return head.encode() + b"\r\n" + body


def loop(kind, per_connection, make):
    """Opens a connection, runs `per_connection` exchanges on it, repeats.
    A failure closes the connection (its later requests were never sent)."""
    while time.time() < deadline:
        try:
            sock = connect()
        except OSError as e:
            record(kind, "/soak/%s/connect-%d" % (kind, new_id()), False, "connect: %s" % e)
            time.sleep(0.05)
            continue
        reader = Reader(sock)
        try:
            for _ in range(per_connection):
                if time.time() >= deadline:
                    break
                if not make(sock, reader):
                    break
                time.sleep(random.uniform(0.002, 0.01))
        finally:
            sock.close()


def exchange(kind, sock, reader, method="GET", size=0, chunked=False, close=False):
    target = "/soak/%s/%d" % (kind, new_id())
    body = random.randbytes(size) if size else b""
    try:
        sock.sendall(request(method, target, body, chunked, close))
        status, headers, reply = reader.response()
    except (OSError, ValueError, IndexError) as e:
        record(kind, target, False, "%s: %s" % (type(e).__name__, e))
        return False
    check(kind, target, status, reply, size)
    return status == 200 and headers.get("connection", "").lower() != "close"


def keepalive(sock, reader):
    return exchange("keepalive", sock, reader)


def close(sock, reader):
    exchange("close", sock, reader, close=True)
    return False


def pipelined(sock, reader):
    targets = ["/soak/pipelined/%d" % new_id() for _ in range(3)]
    try:
        sock.sendall(b"".join(request("GET", t) for t in targets))
    except OSError as e:
        for t in targets:
            record("pipelined", t, False, "send: %s" % e)
        return False
    for i, t in enumerate(targets):
        try:
            status, headers, reply = reader.response()
        except (OSError, ValueError, IndexError) as e:
            for rest in targets[i:]:
                record("pipelined", rest, False, "%s: %s" % (type(e).__name__, e))
            return False
        check("pipelined", t, status, reply, 0)
        if headers.get("connection", "").lower() == "close":
            for rest in targets[i + 1:]:
                record("pipelined", rest, False, "the proxy closed after HTTP %d to %s" % (status, t))
            return False
    return True


def body_length(sock, reader):
    return exchange("body", sock, reader, "POST", random.randint(1, 16384))


def body_chunked(sock, reader):
    return exchange("chunked", sock, reader, "POST", random.randint(1, 16384), chunked=True)


threads = [threading.Thread(target=loop, args=a) for a in [
    ("keepalive", 200, keepalive), ("keepalive", 200, keepalive),
    ("close", 1, close),
    ("pipelined", 50, pipelined),
    ("body", 50, body_length), ("chunked", 50, body_chunked),
]]
for t in threads:
    t.start()
for t in threads:
    t.join()
out.write(json.dumps({"counts": counts}) + "\n")
