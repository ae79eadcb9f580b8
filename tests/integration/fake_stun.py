#!/usr/bin/env python3
"""A STUN server (RFC 5389 Binding) for tests that says every client is at PUBLIC_IP, its port
unchanged, as a NAT's public side would; it stops by itself after SECONDS.
    fake_stun.py PORT PUBLIC_IP SECONDS"""
import socket
import struct
import sys
import time

port, public_ip, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
s.settimeout(0.5)
print("listening", flush=True)
end = time.time() + seconds
while time.time() < end:
    try:
        req, peer = s.recvfrom(1500)
    except socket.timeout:
        continue
    if len(req) < 20 or req[0:2] != b"\x00\x01":
        continue
    xip = struct.unpack("!I", socket.inet_aton(public_ip))[0] ^ 0x2112A442
    attr = struct.pack("!HHBBHI", 0x0020, 8, 0, 1, peer[1] ^ 0x2112, xip)
    s.sendto(struct.pack("!HH", 0x0101, len(attr)) + req[4:20] + attr, peer)
    print("answered", peer, flush=True)
