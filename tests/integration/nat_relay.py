#!/usr/bin/env python3
"""A NAT for one UDP client, on 127.0.0.1, for owsip's STUN test.

The client (owsip's SIP socket) sends to an inside port per server; the NAT forwards what
it sends from ONE outside port, whatever the server (endpoint-independent mapping, RFC 4787),
so that a STUN server and a registrar see the same source. Packets that arrive at the outside
port come back to the client from the inside port of the server that sent them, but only from
servers the client has sent to (address-dependent filtering) and only while the mapping lives:
it expires IDLE_S seconds after the client's last outgoing packet, as a home router's would.
One line per event, flushed ("listening" first, once every socket is bound):
    mapped CLIENT            the mapping was made (again)
    expired                  the mapping timed out
    dropped inbound from X   a packet arrived with no mapping (or from a stranger)
It exits after LIFETIME_S seconds.

usage: nat_relay.py OUTSIDE_PORT IDLE_S LIFETIME_S INSIDE_PORT:SERVER_PORT...
"""
import select
import socket
import sys
import time


def udp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    return s


def main():
    outside = udp(int(sys.argv[1]))
    idle, lifetime = float(sys.argv[2]), float(sys.argv[3])
    inside = {}  # inside socket -> server address
    for pair in sys.argv[4:]:
        i, server = pair.split(":")
        inside[udp(int(i))] = ("127.0.0.1", int(server))
    by_server = {server: s for s, server in inside.items()}
    print("listening", flush=True)
    client, last_out = None, 0.0
    deadline = time.time() + lifetime
    while time.time() < deadline:
        now = time.time()
        if client and now - last_out > idle:
            print("expired", flush=True)
            client = None
        ready, _, _ = select.select([outside] + list(inside), [], [], 0.2)
        for s in ready:
            data, src = s.recvfrom(65535)
            if s is outside:
                back = by_server.get(src)
                if client is None or back is None:
                    print("dropped inbound from %s:%d" % src, flush=True)
                    continue
                back.sendto(data, client)
                continue
            if client != src:
                print("mapped %s:%d" % src, flush=True)
            client, last_out = src, time.time()
            outside.sendto(data, inside[s])


if __name__ == "__main__":
    main()
