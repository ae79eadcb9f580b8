#!/usr/bin/env python3
"""Sends the SIP torture corpus (tests/data/sip_torture) to a SIP endpoint on 127.0.0.0/8 over
UDP and TCP, one message per fresh socket, and checks each answer against the MANIFEST.

usage: sip_torture.py HOST PORT CORPUS_DIR [--transports udp,tcp] [--wait SECONDS]

Placeholders in the message files, filled in at send time for the socket in use:
  @OWSIP@ HOST:PORT of the target   @HOST@ @PORT@ its parts     @LOCAL@ our HOST:PORT
  @VIA@   our Via value (SIP/2.0/UDP|TCP, our address, a fresh branch, rport)
  @TP@    UDP or TCP                @CALLID@ a fresh Call-ID    @CLEN@ the body's length
  @BYTE:hh@ one raw byte            @REPEAT:N@text@/REPEAT@ text N times
  @LF@    a bare LF (the file's own line ends are sent as CRLF)
MANIFEST lines: NAME EXPECTED [+Header[=text] ...]. EXPECTED is comma-separated outcomes (a
status code, a class such as 4xx, or "drop"); an outcome written "tcp:CODE" or "udp:CODE" holds
for that transport only and replaces the plain ones there. Each "+Header" must be in the final
response ("+Unsupported=foo": a header of that name whose value contains "foo").
Bounded: every socket waits at most --wait seconds; nothing is sent to other hosts.
Prints one line per message and transport, then the totals; exits 1 on any unexpected outcome.
"""
import ipaddress
import re
import socket
import sys
import time
import uuid
from collections import Counter

SIMPLE = re.compile(r"@(OWSIP|HOST|PORT|LOCAL|VIA|TP|CALLID)@")


def build(template, host, port, local, tp, seq):
    text = re.sub(r"@REPEAT:(\d+)@(.*?)@/REPEAT@", lambda m: m.group(2) * int(m.group(1)),
                  template, flags=re.S)
    text = text.replace("\r\n", "\n").replace("\n", "\r\n").replace("@LF@", "\n")
    callid = "torture-%d-%s@127.0.0.1" % (seq, uuid.uuid4().hex[:8])
    branch = "z9hG4bK-torture-%d-%s" % (seq, uuid.uuid4().hex[:8])
    values = {
        "OWSIP": "%s:%d" % (host, port), "HOST": host, "PORT": str(port),
        "LOCAL": "%s:%d" % local, "TP": tp.upper(), "CALLID": callid,
        "VIA": "SIP/2.0/%s %s:%d;branch=%s;rport" % (tp.upper(), local[0], local[1], branch),
    }
    text = SIMPLE.sub(lambda m: values[m.group(1)], text)
    data = text.encode("utf-8")
    data = re.sub(rb"@BYTE:([0-9a-fA-F]{2})@", lambda m: bytes([int(m.group(1), 16)]), data)
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = data.find(sep)
        if i >= 0:
            body = len(data) - i - len(sep)
            break
    else:
        body = 0
    return data.replace(b"@CLEN@", str(body).encode())


def headers_of(response):
    """(name lower-case, value) pairs of a response's head, unfolded."""
    head = response.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    head = re.sub(r"\r\n[ \t]+", " ", head)
    out = []
    for line in head.split("\r\n")[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            out.append((name.strip().lower(), value.strip()))
    return out


def has_headers(response, wanted):
    """The '+Header[=text]' tokens of `wanted` that `response` lacks."""
    present = headers_of(response)
    missing = []
    for w in wanted:
        name, _, text = w[1:].partition("=")
        if not any(n == name.lower() and text in v for n, v in present):
            missing.append(w)
    return missing


def status_of(chunk):
    """The status code of the first SIP response in `chunk`, or None."""
    m = re.match(rb"\s*SIP/2\.0 (\d{3}) ", chunk)
    return int(m.group(1)) if m else None


def send_udp(template, host, port, seq, wait):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", 0))
        data = build(template, host, port, s.getsockname(), "udp", seq)
        if len(data) > 65000:
            return "toolarge", ([], b"")
        s.sendto(data, (host, port))
        return "sent", collect(lambda: s.recv(65535), s, wait)
    finally:
        s.close()


def send_tcp(template, host, port, seq, wait):
    s = socket.create_connection((host, port), timeout=wait)
    try:
        data = build(template, host, port, s.getsockname(), "tcp", seq)
        try:
            s.sendall(data)
        except OSError:
            return "sent", ([], b"")  # the server closed on us: a drop
        return "sent", collect(lambda: s.recv(65535), s, wait)
    finally:
        s.close()


def collect(recv, sock, wait):
    """Status codes received until a final one or `wait` seconds (a closed stream ends it), and
    the final response's bytes."""
    codes, final = [], b""
    buf = b""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = recv()
        except (socket.timeout, ConnectionError, OSError):
            break
        if not chunk:
            break
        buf += chunk
        # Split responses (TCP may carry several; a CRLF pong is not a response).
        for part in re.split(rb"(?=SIP/2\.0 \d{3} )", buf):
            code = status_of(part)
            if code is not None and code not in codes:
                codes.append(code)
                if code >= 200 and not final:
                    final = part
        buf = b"" if sock.type == socket.SOCK_DGRAM else buf
        if any(c >= 200 for c in codes):
            break
    return codes, final


def for_transport(expected, tp):
    """The outcomes `expected` allows over `tp` ('udp:505' tokens replace the plain ones)."""
    own = [e.split(":", 1)[1] for e in expected if e.startswith(tp + ":")]
    return own or [e for e in expected if ":" not in e]


def matches(outcome, expected):
    """outcome: 'drop' or a status code; expected: tokens like 200, 4xx, drop."""
    for e in expected:
        if e == "drop" and outcome == "drop":
            return True
        if outcome != "drop":
            if e.endswith("xx") and str(outcome)[0] == e[0]:
                return True
            if e.isdigit() and int(e) == outcome:
                return True
    return False


def main():
    args = sys.argv[1:]
    transports, wait = ["udp", "tcp"], 0.6
    if "--transports" in args:
        i = args.index("--transports")
        transports = args[i + 1].split(",")
        del args[i:i + 2]
    if "--wait" in args:
        i = args.index("--wait")
        wait = float(args[i + 1])
        del args[i:i + 2]
    host, port, corpus = args[0], int(args[1]), args[2]
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit("sip_torture.py: sends to loopback addresses only")
    manifest = []
    for line in open(corpus + "/MANIFEST", encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            fields = line.split()
            manifest.append((fields[0], fields[1].split(","), fields[2:]))
    sent, bad, classes, seq = 0, [], Counter(), 0
    for name, expected_all, wanted in manifest:
        template = open("%s/%s.sip" % (corpus, name), encoding="utf-8", newline="").read()
        for tp in transports:
            expected = for_transport(expected_all, tp)
            seq += 1
            try:
                how, (codes, response) = (send_udp if tp == "udp" else send_tcp)(
                    template, host, port, seq, wait)
            except OSError as e:
                print("%-40s %s  cannot send: %s" % (name, tp, e))
                bad.append((name, tp))
                continue
            if how == "toolarge":
                print("%-40s %s  skipped (larger than a datagram)" % (name, tp))
                continue
            sent += 1
            final = [c for c in codes if c >= 200]
            outcome = final[0] if final else "drop"
            classes["%dxx" % (outcome // 100) if outcome != "drop" else "drop"] += 1
            ok = matches(outcome, expected)
            missing = has_headers(response, wanted) if ok and outcome != "drop" else []
            if not ok or missing:
                bad.append((name, tp))
            verdict = "ok" if ok and not missing else "UNEXPECTED"
            if missing:
                verdict += " (lacks %s)" % " ".join(missing)
            first = response.split(b"\r\n", 1)[0].decode("utf-8", "replace")[12:60]
            print("%-40s %s  %-5s expected %-16s %s  %s" % (name, tp, outcome, ",".join(expected),
                                                             verdict, first))
    print("torture: %d messages sent (%d files x %s), outcomes: %s" % (
        sent, len(manifest), "+".join(transports),
        ", ".join("%s %d" % kv for kv in sorted(classes.items()))))
    if bad:
        print("torture: %d unexpected: %s" % (len(bad), " ".join("%s/%s" % b for b in bad)))
        sys.exit(1)


if __name__ == "__main__":
    main()
