#!/usr/bin/env python3
"""Sends one command to a baresip ctrl_tcp module and prints its response's data.

usage: baresip_ctl.py PORT COMMAND [PARAMS]
       baresip_ctl.py PORT --events SECONDS   prints baresip's events (one JSON per line) for
                                               SECONDS (ctrl_tcp takes one client at a time)
Exit status 0 when baresip answered ok, 1 otherwise. Netstring-framed JSON, 127.0.0.1 only,
bounded by a 5 s timeout."""
import json
import socket
import sys


def netstring(data: bytes) -> bytes:
    return str(len(data)).encode() + b":" + data + b","


def read_netstrings(sock):
    buf = b""
    while True:
        while b":" in buf:
            head, rest = buf.split(b":", 1)
            n = int(head)
            if len(rest) < n + 1:
                break
            yield rest[:n]
            buf = rest[n + 1:]
        chunk = sock.recv(4096)
        if not chunk:
            return
        buf += chunk


def events(port, seconds):
    import time
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    end = time.time() + seconds
    s.settimeout(0.2)
    buf = b""
    while time.time() < end:
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            continue
        if not chunk:
            break
        buf += chunk
        while b":" in buf:
            head, rest = buf.split(b":", 1)
            n = int(head)
            if len(rest) < n + 1:
                break
            print(rest[:n].decode(errors="replace"), flush=True)
            buf = rest[n + 1:]


def main():
    if len(sys.argv) > 3 and sys.argv[2] == "--events":
        events(int(sys.argv[1]), float(sys.argv[3]))
        return
    port, command = int(sys.argv[1]), sys.argv[2]
    params = sys.argv[3] if len(sys.argv) > 3 else ""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(netstring(json.dumps({"command": command, "params": params, "token": "t"}).encode()))
    for msg in read_netstrings(s):
        m = json.loads(msg)
        if m.get("response"):
            print(m.get("data", ""))
            sys.exit(0 if m.get("ok") else 1)
    sys.exit(1)


if __name__ == "__main__":
    main()
