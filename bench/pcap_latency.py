#!/usr/bin/env python3
"""Setup latencies of one SIP endpoint from a loopback capture (tcpdump -i lo -w), stdlib only.

usage: pcap_latency.py PCAP uas SIP_PORT   INVITE received -> 180 sent, per Call-ID
       pcap_latency.py PCAP uac SIP_PORT   200 OK (to the INVITE) received -> first RTP packet
                                            sent from the m=audio port of the endpoint's offer
       pcap_latency.py LOG digit           owsip log with --log-timestamps: DIGIT event that
                                            completed the number -> "call N: INVITE" line
Prints "p50 p95 max n" in ms (n = calls measured), or "- - - 0"."""
import re
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        head = f.read(24)
        magic = struct.unpack("<I", head[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
        linktype = struct.unpack(endian + "I", head[20:24])[0]
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + "IIII", rec)
            data = f.read(incl)
            t = sec + frac / (1e9 if nano else 1e6)
            off = {1: 14, 113: 16, 276: 20}.get(linktype, 14)  # Ethernet (lo), SLL, SLL2
            ip = data[off:]
            if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
                continue
            ihl = (ip[0] & 15) * 4
            sport, dport = struct.unpack(">HH", ip[ihl:ihl + 4])
            yield t, sport, dport, ip[ihl + 8:]


def header(msg, name):
    m = re.search(rb"^(?:" + name + rb"):\s*(.+?)\r?$", msg, re.M | re.I)
    return m.group(1).strip() if m else None


def stats(samples):
    if not samples:
        return "- - - 0"
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, int(round(q * (len(s) - 1))))]
    return "%.2f %.2f %.2f %d" % (pick(0.5), pick(0.95), s[-1], len(s))


def uas(path, port):
    invites, ringing = {}, {}
    for t, sp, dp, p in packets(path):
        if dp == port and p.startswith(b"INVITE "):
            cid = header(p, b"Call-ID|i")
            if cid and header(p, b"To|t") and b"tag=" not in header(p, b"To|t"):
                invites.setdefault(cid, t)
        elif sp == port and p.startswith(b"SIP/2.0 180"):
            cid = header(p, b"Call-ID|i")
            ringing.setdefault(cid, t)
    return [(ringing[c] - t) * 1000 for c, t in invites.items() if c in ringing]


def uac(path, port):
    pkts = list(packets(path))
    rtp_port, ok = {}, {}
    for t, sp, dp, p in pkts:
        if sp == port and p.startswith(b"INVITE "):
            cid = header(p, b"Call-ID|i")
            m = re.search(rb"^m=audio (\d+) ", p, re.M)
            if cid and m and cid not in rtp_port:
                rtp_port[cid] = int(m.group(1))
        elif dp == port and p.startswith(b"SIP/2.0 200"):
            cseq = header(p, b"CSeq") or b""
            cid = header(p, b"Call-ID|i")
            if b"INVITE" in cseq and cid not in ok:
                ok[cid] = t
    out = []
    for cid, t200 in ok.items():
        rp = rtp_port.get(cid)
        for t, sp, _, p in pkts:
            if t >= t200 and sp == rp and len(p) >= 12 and p[0] >> 6 == 2 and \
                    not 72 <= (p[1] & 0x7F) <= 76:
                out.append((t - t200) * 1000)
                break
    return out


def digit(path):
    out, last_digit = [], None
    stamp = re.compile(r"\[(\d+\.\d+)\] ")
    for line in open(path, errors="replace"):
        m = stamp.search(line)
        if not m:
            continue
        t = float(m.group(1))
        if "event DIGIT" in line:
            last_digit = t
        elif re.search(r"call \d+: INVITE ", line) and last_digit is not None:
            out.append(t - last_digit)
            last_digit = None
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[2] == "digit":
        print(stats(digit(sys.argv[1])))
    elif len(sys.argv) == 4 and sys.argv[2] in ("uas", "uac"):
        fn = uas if sys.argv[2] == "uas" else uac
        print(stats(fn(sys.argv[1], int(sys.argv[3]))))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
