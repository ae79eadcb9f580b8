#!/usr/bin/env python3
"""A lossy UDP relay in front of a SIP server, working like a NAT: what the inside client
(owsip) sends to 127.0.0.1:INSIDE goes to UPSTREAM from one outside socket, and what anybody
sends to that outside socket goes back to the last inside client. Each packet, either way, is
dropped with probability LOSS. Runs for at most SECONDS, then prints how many packets it
forwarded and dropped each way.

usage: lossy_shim.py INSIDE_PORT UPSTREAM_PORT LOSS SECONDS   (127.0.0.1 only)
       lossy_shim.py --media FRONT_IP PORT BACK_PORT LOSS SECONDS
           a media relay: what arrives at FRONT_IP:PORT (the public address owsip's SDP names,
           learned by STUN) goes to 127.0.0.1:BACK_PORT (owsip's RTP port) from one socket, and
           what owsip sends back to that socket goes to whoever sent to the front (the peer);
           both ways lose LOSS of the packets."""
import random
import select
import signal
import socket
import sys
import time

# SIGTERM ends the relay like its time limit does: the counts are still printed.
signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))


def media(front_ip, port, back_port, loss, seconds):
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind((front_ip, port))
    back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    back.bind(("127.0.0.1", 0))
    print("media relay", flush=True)
    peer = None
    counts = {"in": [0, 0], "out": [0, 0]}
    rnd = random.Random(815)
    end = time.time() + seconds
    try:
        while time.time() < end:
            ready, _, _ = select.select([front, back], [], [], 0.2)
            for s in ready:
                data, src = s.recvfrom(65535)
                way = "in" if s is front else "out"
                if s is front:
                    peer = src
                if rnd.random() < loss:
                    counts[way][1] += 1
                    continue
                counts[way][0] += 1
                if s is front:
                    back.sendto(data, ("127.0.0.1", back_port))
                elif peer:
                    front.sendto(data, peer)
    except KeyboardInterrupt:
        pass
    print("media to owsip: %d forwarded, %d dropped; from owsip: %d forwarded, %d dropped"
          % (counts["in"][0], counts["in"][1], counts["out"][0], counts["out"][1]), flush=True)


def main():
    if sys.argv[1] == "--media":
        media(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]))
        return
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
    try:
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
    except KeyboardInterrupt:
        pass
    print("to the server: %d forwarded, %d dropped; to the client: %d forwarded, %d dropped"
          % (counts["out"][0], counts["out"][1], counts["in"][0], counts["in"][1]), flush=True)


if __name__ == "__main__":
    main()
