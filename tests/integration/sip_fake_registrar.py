#!/usr/bin/env python3
"""A scripted UDP registrar on 127.0.0.1 for owsip's NAT test.

It answers every REGISTER with 200 OK (no authentication) as a registrar would that sees the
request arrive from behind a NAT: the top Via gets received=PUBLIC_IP;rport=PUBLIC_PORT. It
prints one line per event, flushed, for the test to read:
    REGISTER <contact>;expires=N | <contact>;expires=0 ...
    keepalive
It sends only to where requests came from (127.0.0.1) and exits after LIFETIME seconds. Its
first line, "listening", says its socket is bound.

usage: sip_fake_registrar.py PORT PUBLIC_IP PUBLIC_PORT LIFETIME_S
"""
import re
import socket
import sys
import time


def respond(text, public_ip, public_port):
    head = text.split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    vias, contacts, out = [], [], []
    for line in lines[1:]:
        name = line.split(":", 1)[0].strip().lower()
        if name in ("via", "v"):
            vias.append(line)
        elif name in ("contact", "m"):
            contacts.extend(c.strip() for c in line.split(":", 1)[1].split(","))
        elif name in ("from", "f", "call-id", "i", "cseq"):
            out.append(line)
        elif name in ("to", "t"):
            out.append(line if ";tag=" in line else line + ";tag=fake")
    top = re.sub(r";rport(?=;|$)", "", vias[0]) + ";received=%s;rport=%s" % (public_ip, public_port)
    bindings = [c for c in contacts if not re.search(r";expires=0\b", c)]
    response = ["SIP/2.0 200 OK", top] + vias[1:] + out
    response += ["Contact: %s" % c for c in bindings]
    response += ["Content-Length: 0", "", ""]
    return contacts, "\r\n".join(response)


def main():
    port, public_ip, public_port, lifetime = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", int(port)))
    sock.settimeout(0.5)
    print("listening", flush=True)
    deadline = time.time() + float(lifetime)
    while time.time() < deadline:
        try:
            data, addr = sock.recvfrom(65535)
        except socket.timeout:
            continue
        if not data.strip(b"\r\n"):
            print("keepalive", flush=True)
            continue
        text = data.decode(errors="replace")
        if not text.startswith("REGISTER "):
            continue
        contacts, response = respond(text, public_ip, public_port)
        print("REGISTER " + " | ".join(contacts), flush=True)
        sock.sendto(response.encode(), addr)


if __name__ == "__main__":
    main()
