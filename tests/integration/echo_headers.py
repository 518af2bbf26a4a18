"""HTTP backend for the IPv6 lab: answers every GET with its name and the
X-Forwarded-For and X-Real-IP it received, one per line.
    python3 echo_headers.py NAME ADDRESS PORT      (ADDRESS may be IPv6)"""
import http.server
import socket
import sys


class Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        body = "{}\nxff={}\nxrip={}\n".format(sys.argv[1], self.headers.get("X-Forwarded-For"),
                                            self.headers.get("X-Real-IP")).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass   # a health check that closed after the status line


Server((sys.argv[2], int(sys.argv[3])), Handler).serve_forever()
