"""Shared by the Python integration tests: PASS/FAIL bookkeeping, waiting for a
condition with a deadline, and raw exchanges that tell a close by the peer
from our own timeout."""
import socket
import time

failures = []


def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else "  -- " + str(detail)), flush=True)
    if not ok:
        failures.append(name)


def summary():
    """Prints the failure count; returns the exit status."""
    print(f"{len(failures)} failure(s)" + (": " + ", ".join(failures) if failures else ""))
    return 1 if failures else 0


def wait_until(condition, deadline=10.0, step=0.1):
    """True as soon as condition() is; False after `deadline` seconds. The
    deadline only keeps a broken run from hanging: it is not the check."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            if condition():
                return True
        except OSError:
            pass
        time.sleep(step)
    return False


def exchange(port, data, timeout=3.0, half_close=False, host="127.0.0.1"):
    """Sends raw bytes; returns (everything read, True if the peer closed the
    connection before our timeout)."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(data)
        if half_close:
            s.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    out, closed = b"", False
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            out += chunk
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    s.close()
    return out, closed
