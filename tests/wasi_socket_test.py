#!/usr/bin/env python3
"""shard run --tcplisten: the guest accepts a connection on the socket the host handed in.

  wasi_socket_test.py SHARD ECHO_SERVER_WASM
Picks a free port, starts the guest, connects (retrying while it starts), sends a line and
expects it back in upper case, then the guest's exit status 0. Bounded in time; loopback only.
"""
import socket
import subprocess
import sys
import time

shard, wasm = sys.argv[1], sys.argv[2]
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()

proc = subprocess.Popen([shard, "run", "--tcplisten", f"127.0.0.1:{port}", wasm],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
try:
    deadline = time.time() + 20
    while True:
        try:
            conn = socket.create_connection(("127.0.0.1", port), timeout=5)
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise SystemExit(f"could not connect; guest said: {proc.communicate(timeout=5)}")
            time.sleep(0.05)
    conn.sendall(b"hello sandbox\n")
    reply = conn.recv(256)
    conn.close()
    out, err = proc.communicate(timeout=20)
finally:
    if proc.poll() is None:
        proc.kill()
if reply != b"HELLO SANDBOX\n":
    raise SystemExit(f"unexpected reply {reply!r}")
if proc.returncode != 0 or "echoed 14 bytes" not in out:
    raise SystemExit(f"guest exit {proc.returncode}, stdout {out!r}, stderr {err!r}")
print("ok: echoed through the granted socket")
