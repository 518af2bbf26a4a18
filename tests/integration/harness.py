"""Shared by the Python integration tests: PASS/FAIL bookkeeping, waiting for a
condition with a deadline, and raw exchanges that tell a close by the peer
from our own timeout."""
import os
import socket
import subprocess
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


def start_agent(agent, tmp, config_text, node="fe1"):
    """Writes TMP/NODE.conf and starts the agent on it, its output in
    TMP/NODE.log; returns (process, the hafrontctl arguments for its socket
    without the program, the log's path)."""
    conf = os.path.join(tmp, node + ".conf")
    with open(conf, "w") as f:
        f.write(config_text)
    sock = os.path.join(tmp, node + ".sock")
    os.makedirs(os.path.join(tmp, node), exist_ok=True)
    log_path = os.path.join(tmp, node + ".log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([agent, "--config", conf, "--node", node, "--state-dir", os.path.join(tmp, node),
                                 "--socket", sock], stdout=log, stderr=subprocess.STDOUT)
    return proc, ["--socket", sock], log_path


def stop_agent(proc, timeout=10):
    """SIGTERM, then SIGKILL after `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
