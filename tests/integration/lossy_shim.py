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


def relay(first, second, fixed, loss, seconds, seed):
    """Moves packets until `seconds` pass (or SIGTERM): what arrives at `first` leaves from
    `second` to `fixed`, and what arrives at `second` leaves from `first` to whoever last sent
    to `first`; each packet is lost with probability `loss`. Returns the counts
    {"first": [forwarded, dropped], "second": [forwarded, dropped]} by arrival side."""
    remembered = None
    counts = {"first": [0, 0], "second": [0, 0]}
    rnd = random.Random(seed)
    end = time.time() + seconds
    try:
        while time.time() < end:
            ready, _, _ = select.select([first, second], [], [], 0.2)
            for s in ready:
                data, src = s.recvfrom(65535)
                side = "first" if s is first else "second"
                if s is first:
                    remembered = src
                if rnd.random() < loss:
                    counts[side][1] += 1
                    continue
                counts[side][0] += 1
                if s is first:
                    second.sendto(data, fixed)
                elif remembered:
                    first.sendto(data, remembered)
    except KeyboardInterrupt:
        pass
    return counts


def bound(ip, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ip, port))
    return s


def main():
    if sys.argv[1] == "--media":
        front_ip, port, back_port = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        loss, seconds = float(sys.argv[5]), float(sys.argv[6])
        print("media relay", flush=True)
        c = relay(bound(front_ip, port), bound("127.0.0.1", 0), ("127.0.0.1", back_port),
                  loss, seconds, 815)
        print("media to owsip: %d forwarded, %d dropped; from owsip: %d forwarded, %d dropped"
              % (c["first"][0], c["first"][1], c["second"][0], c["second"][1]), flush=True)
        return
    inside_port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
    loss, seconds = float(sys.argv[3]), float(sys.argv[4])
    outside = bound("127.0.0.1", 0)
    print("outside", outside.getsockname()[1], flush=True)
    c = relay(bound("127.0.0.1", inside_port), outside, ("127.0.0.1", upstream_port), loss,
              seconds, 4711)
    print("to the server: %d forwarded, %d dropped; to the client: %d forwarded, %d dropped"
          % (c["first"][0], c["first"][1], c["second"][0], c["second"][1]), flush=True)


if __name__ == "__main__":
    main()
