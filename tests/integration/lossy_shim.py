#!/usr/bin/env python3
"""A lossy UDP relay in front of a SIP server, working like a NAT: what the inside client
(owsip) sends to 127.0.0.1:INSIDE goes to UPSTREAM from one outside socket, and what anybody
sends to that outside socket goes back to the last inside client. Each packet, either way, is
dropped with probability LOSS. Runs for at most SECONDS, then prints how many packets it
forwarded and dropped each way.

usage: lossy_shim.py INSIDE_PORT UPSTREAM_PORT LOSS SECONDS   (127.0.0.1 only)"""
import random
import select
import socket
import sys
import time


def main():
    inside_port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
    loss, seconds = float(sys.argv[3]), float(sys.argv[4])
    inside = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    inside.bind(("127.0.0.1", inside_port))
    outside = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    outside.bind(("127.0.0.1", 0))
    print("outside", outside.getsockname()[1], flush=True)
    client = None
    counts = {"out": [0, 0], "in": [0, 0]}  # forwarded, dropped
    rnd = random.Random(4711)
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([inside, outside], [], [], 0.2)
        for s in ready:
            data, peer = s.recvfrom(65535)
            way = "out" if s is inside else "in"
            if s is inside:
                client = peer
            if rnd.random() < loss:
                counts[way][1] += 1
                continue
            counts[way][0] += 1
            if s is inside:
                outside.sendto(data, ("127.0.0.1", upstream_port))
            elif client:
                inside.sendto(data, client)
    print("to the server: %d forwarded, %d dropped; to the client: %d forwarded, %d dropped"
          % (counts["out"][0], counts["out"][1], counts["in"][0], counts["in"][1]), flush=True)


if __name__ == "__main__":
    main()
