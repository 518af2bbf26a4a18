#!/usr/bin/env python3
"""A tiny TCP listener bound to the VIP (IPv4 or IPv6) with IP_FREEBIND, so it serves the
address the moment VRRP adds it. Accepts and closes. Usage: listen.py VIP PORT"""
import socket
import sys

IP_FREEBIND = 15
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IP, IP_FREEBIND, 1)   # IPv6 sockets too
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1024)
while True:
    c, _ = s.accept()
    c.close()
