#!/usr/bin/env python3
"""A stand-in for systemd's watchdog in the namespace lab: runs a command with
NOTIFY_SOCKET and WATCHDOG_USEC set (as systemd does for WatchdogSec=), and
when no WATCHDOG=1 arrives for that long, sends SIGABRT (systemd's default),
waits for the process and starts it again (Restart=on-failure). Logs every
step with a UTC timestamp. Bounded: at most --restarts restarts, and it ends
when it is sent SIGTERM (taking the child with it).

usage: watchdog.py --usec N --log FILE [--restarts N] -- COMMAND ARGS...
"""
import argparse, datetime, os, signal, socket, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--usec", type=int, required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--restarts", type=int, default=3)
ap.add_argument("command", nargs=argparse.REMAINDER)
a = ap.parse_args()
command = a.command[1:] if a.command[:1] == ["--"] else a.command
assert command and a.restarts <= 10

log = open(a.log, "a", buffering=1)
def say(text):
    log.write(datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ ") + text + "\n")

folder = tempfile.mkdtemp(prefix="hfwd")
path = os.path.join(folder, "notify")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=str(a.usec))
child = None
stopping = False
def stop(*_):
    global stopping
    stopping = True
signal.signal(signal.SIGTERM, stop)

restarts = 0
try:
    while not stopping:
        child = subprocess.Popen(command, env=env)
        say(f"started pid={child.pid}")
        last_ping = None   # the watchdog runs from READY=1 on, as systemd's does
        while not stopping and child.poll() is None:
            sock.settimeout(0.05)
            try:
                for field in sock.recv(4096).decode(errors="replace").split("\n"):
                    if field == "READY=1" and last_ping is None:
                        say(f"ready pid={child.pid}")
                        last_ping = time.monotonic()
                    elif field == "WATCHDOG=1" and last_ping is not None:
                        last_ping = time.monotonic()
            except socket.timeout:
                pass
            if last_ping is not None and time.monotonic() - last_ping > a.usec / 1e6:
                say(f"watchdog timeout pid={child.pid}: no ping for {time.monotonic() - last_ping:.1f} s, SIGABRT")
                child.send_signal(signal.SIGABRT)
                break
        if stopping and child.poll() is None:
            child.terminate()   # as systemctl stop: SIGTERM, then SIGKILL after the timeout
        try:
            code = child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            code = child.wait()
        say(f"exited pid={child.pid} code={code}")
        if stopping or restarts >= a.restarts:
            break
        restarts += 1
        say(f"restart {restarts}")
finally:
    if child and child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    sock.close()
    os.unlink(path)
    os.rmdir(folder)
