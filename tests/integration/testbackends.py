"""Small loopback servers for hafront's integration tests: an HTTP backend that
records what it receives, and a TCP echo server that honours half-close."""
import http.server
import socket
import socketserver
import threading
import time
import urllib.parse


class RecordingBackend:
    """HTTP/1.1 keep-alive backend on 127.0.0.1; answers its name; /slow?ms=N waits;
    /bighead?kb=N adds a header of N KiB; /close answers with Connection: close.
    With `ssl_context` (server side) it is an HTTPS backend and records, per
    request, whether the connection resumed a TLS session (`resumed`).
    `accepted` counts the connections it accepted, `open` those still open."""

    def __init__(self, name, port, ssl_context=None):
        self.name = name
        self.port = port
        self.requests = []
        self.resumed = []   # (path, session_reused) per request over TLS
        self.accepted = 0
        self.open = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                with outer.lock:
                    outer.accepted += 1
                    outer.open += 1
                super().setup()

            def finish(self):
                try:
                    super().finish()
                finally:
                    with outer.lock:
                        outer.open -= 1

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            break
                        body += self.rfile.read(size)
                        self.rfile.readline()
                with outer.lock:
                    outer.requests.append((self.command, self.path, dict(self.headers), body))
                    if ssl_context is not None:
                        outer.resumed.append((self.path, self.connection.session_reused))
                url = urllib.parse.urlparse(self.path)
                if url.path == "/slow":
                    ms = int(urllib.parse.parse_qs(url.query).get("ms", ["500"])[0])
                    time.sleep(ms / 1000.0)
                payload = (outer.name + "\n").encode()
                self.send_response(200)
                if url.path == "/bighead":   # a response head of about kb KiB
                    kb = int(urllib.parse.parse_qs(url.query).get("kb", ["1"])[0])
                    self.send_header("X-Big", "b" * (kb * 1024))
                if url.path == "/close":
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            request_queue_size = 1024   # h2load opens 100 streams at once: no refused connects
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", port), Handler)
        if ssl_context is not None:   # the handshake runs in accept(); a failed one is dropped there
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def count(self):
        """Requests other than health checks."""
        with self.lock:
            return sum(1 for r in self.requests if r[1] != "/healthz")


class EchoServer:
    """Echoes bytes; when the client half-closes, sends 'bye' and closes (a
    second later when the first bytes were 'wait:', so the proxy holds a
    half-closed connection for that long)."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.running = True

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        first = None
        with conn:
            while True:
                data = conn.recv(65536)
                if first is None:
                    first = data
                if not data:
                    if first and first.startswith(b"wait:"):
                        time.sleep(1.0)
                    conn.sendall(b"bye")
                    return
                conn.sendall(data)

    def stop(self):
        self.running = False
        self.sock.close()


if __name__ == "__main__":
    # python3 testbackends.py http NAME PORT  |  python3 testbackends.py echo PORT
    import sys
    if sys.argv[1] == "http":
        RecordingBackend(sys.argv[2], int(sys.argv[3])).start()
    else:
        EchoServer(int(sys.argv[2])).start()
    while True:
        time.sleep(3600)
