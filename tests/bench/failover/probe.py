#!/usr/bin/env python3
"""Starts a non-blocking TCP connect to VIP:PORT every PERIOD ms and writes one
line per successful handshake: "<start epoch> <done epoch>". Closes with RST
(SO_LINGER 0) so no TIME_WAIT piles up. Usage: probe.py VIP PORT OUT [PERIOD_MS]"""
import selectors
import socket
import struct
import sys
import time

vip, port, out = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], "w", buffering=1)
period = (float(sys.argv[4]) if len(sys.argv) > 4 else 2.0) / 1000
linger = struct.pack("ii", 1, 0)
sel = selectors.DefaultSelector()
next_start = time.time()
while True:
    now = time.time()
    if now >= next_start:
        s = socket.socket(socket.AF_INET6 if ":" in vip else socket.AF_INET)
        s.setblocking(False)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        try:
            s.connect((vip, port))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            s = None
        if s:
            sel.register(s, selectors.EVENT_WRITE, now)
        next_start = max(next_start + period, now)
    for key, _ in sel.select(max(0.0, next_start - time.time())):
        s = key.fileobj
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
            out.write(f"{key.data:.6f} {time.time():.6f}\n")
        sel.unregister(s)
        s.close()
    # Give up on connects older than a second (SYN dropped by a node without the VIP).
    now = time.time()
    for key in list(sel.get_map().values()):
        if now - key.data > 1.0:
            sel.unregister(key.fileobj)
            key.fileobj.close()
