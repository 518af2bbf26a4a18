#!/usr/bin/env python3
"""Small real servers for the demo cluster (scripts/demo.sh).

  demobackends.py http NAME ADDRESS PORT LATENCY_MS   app server: answers its
      name after LATENCY_MS (+-20 %), /healthz at once
  demobackends.py echo NAME ADDRESS PORT              RPC provider: echoes
      each line prefixed with its name

Both exit when the process that started them goes away, so a crashed demo
never leaves them running.
"""
import http.server
import os
import random
import socket
import socketserver
import sys
import threading
import time


def exit_with_parent():
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_http(name, address, port, latency_ms):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path != "/healthz":
                time.sleep(latency_ms * random.uniform(0.8, 1.2) / 1000.0)
            body = f"{name}: {self.path}\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_GET

    Server((address, port), Handler).serve_forever()


def serve_echo(name, address, port):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, port))
    sock.listen(128)

    def serve(conn):
        with conn, conn.makefile("rb") as lines:
            for line in lines:
                conn.sendall(name.encode() + b": " + line)

    while True:
        conn, _ = sock.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    exit_with_parent()
    if sys.argv[1] == "http":
        serve_http(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    else:
        serve_echo(sys.argv[2], sys.argv[3], int(sys.argv[4]))
