#!/usr/bin/env python3
"""Bounded HTTP/1.1 load for profiling: exactly N requests over C connections,
each connection sending its next request once the previous response is read
(like wrk, but stopping after N so instruction counts divide by N).
Usage: client.py PORT PATH N [CONNS] [--close]"""
import selectors
import socket
import sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    close = "--close" in sys.argv
    port, path, total = int(args[0]), args[1], int(args[2])
    conns = int(args[3]) if len(args) > 3 else 8
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               + ("Connection: close\r\n" if close else "") + "\r\n").encode()
    sel = selectors.DefaultSelector()
    state = {}
    sent = done = errors = 0

    def start():
        nonlocal sent
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        state[s] = bytearray()
        sel.register(s, selectors.EVENT_READ)
        s.sendall(request)
        sent += 1

    def next_on(s):
        nonlocal sent
        if close:
            sel.unregister(s)
            del state[s]
            s.close()
            if sent < total:
                start()
        elif sent < total:
            s.sendall(request)
            sent += 1

    for _ in range(min(conns, total)):
        start()
    while done < total:
        events = sel.select(timeout=30)
        if not events:
            print(f"stuck after {done} responses", file=sys.stderr)
            errors += 1
            break
        for key, _ in events:
            s = key.fileobj
            try:
                chunk = s.recv(262144)
            except BlockingIOError:
                continue
            buf = state[s]
            buf += chunk
            while True:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    break
                length = 0
                for line in bytes(buf[:end]).split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v)
                if len(buf) < end + 4 + length:
                    break
                if not buf.startswith(b"HTTP/1.1 200"):
                    errors += 1
                del buf[:end + 4 + length]
                done += 1
                next_on(s)
                if close or s not in state:
                    break
            if not chunk and s in state:
                sel.unregister(s)
                del state[s]
                s.close()
                errors += 1
                done += 1
                if sent < total:
                    start()
    for s in list(state):
        s.close()
    print(f"requests={done} errors={errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
