#!/usr/bin/env python3
"""A tiny TCP listener bound to the VIP with IP_FREEBIND, so it serves the
address the moment VRRP adds it. Accepts and closes. Usage: listen.py VIP PORT"""
import socket
import sys

IP_FREEBIND = 15
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IP, IP_FREEBIND, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1024)
while True:
    c, _ = s.accept()
    c.close()
