#!/usr/bin/env python3
"""A registrar of the kind that makes STUN necessary, on 127.0.0.1, for owsip's STUN test.

It knows nothing of RFC 3581: it adds neither `received` nor `rport` and sends every response
to the source's IP address at the port of the top Via's sent-by (RFC 3261 section 18.2.2
without rport). It answers REGISTER with 200 OK, an INVITE from its client with 486 Busy Here,
and, DELAY_S seconds after the first registration of a contact on port CONTACT_PORT, calls
that contact itself (INVITE, then CANCEL once it rings). One line per event, flushed:
    REGISTER via=SENT-BY contact=CONTACT
    INVITE via=SENT-BY contact=CONTACT       (a call from owsip)
    call: SIP/2.0 180 Ringing contact=CONTACT (owsip's answers to our call)
It exits after LIFETIME_S seconds.

usage: sip_old_registrar.py PORT CONTACT_PORT DELAY_S LIFETIME_S
"""
import re
import socket
import sys
import time


def headers(text):
    head = text.split("\r\n\r\n", 1)[0].split("\r\n")
    out = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        name = {"v": "via", "m": "contact", "f": "from", "t": "to", "i": "call-id"}.get(
            name.strip().lower(), name.strip().lower())
        out.setdefault(name, []).append(value.strip())
    return head[0], out


def sent_by(via):
    return via.split()[1].split(";")[0]


def reply(sock, src, h, code):
    via = h["via"][0]
    lines = ["SIP/2.0 " + code] + ["Via: " + v for v in h["via"]]
    lines += ["From: " + h["from"][0], "To: " + h["to"][0] + ("" if "tag=" in h["to"][0] else ";tag=old")]
    lines += ["Call-ID: " + h["call-id"][0], "CSeq: " + h["cseq"][0]]
    lines += ["Contact: " + c for c in h.get("contact", []) if code.startswith("200")]
    lines += ["Content-Length: 0", "", ""]
    host_port = sent_by(via)
    port = int(host_port.rsplit(":", 1)[1]) if ":" in host_port else 5060
    sock.sendto("\r\n".join(lines).encode(), (src[0], port))  # no rport: the sent-by port


class Call:
    """Our INVITE to owsip's registered contact, cancelled once it rings."""

    def __init__(self, sock, me, uri):
        self.sock, self.me, self.uri, self.state = sock, me, uri, "calling"
        self.common = ["Via: SIP/2.0/UDP %s;branch=z9hG4bKold1" % me,
                       "From: <sip:4930555@owsip.test>;tag=c1", "Call-ID: oldcall1@owsip.test"]
        self.dest = ("127.0.0.1", int(re.search(r":(\d+)", uri.split("@")[1]).group(1)))
        sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" \
              "m=audio 9 RTP/AVP 0\r\n"
        self.send("INVITE", "To: <%s>" % uri, ["Contact: <sip:4930555@%s>" % me,
                                               "Content-Type: application/sdp"], sdp)

    def send(self, method, to, extra=(), body=""):
        lines = ["%s %s SIP/2.0" % (method, self.uri)] + self.common + [to, "CSeq: 1 " + method]
        lines.append("Max-Forwards: 70")
        lines += list(extra) + ["Content-Length: %d" % len(body), "", body]
        self.sock.sendto("\r\n".join(lines).encode(), self.dest)

    def on_response(self, status, h):
        print("call: %s contact=%s" % (status, ",".join(h.get("contact", []))), flush=True)
        code = int(status.split()[1])
        if code == 180 and self.state == "calling":
            self.state = "cancelling"
            self.send("CANCEL", "To: <%s>" % self.uri)
        elif code >= 300 and "INVITE" in h["cseq"][0]:
            self.send("ACK", "To: " + h["to"][0])
            self.state = "done"


def main():
    port, contact_port, delay, lifetime = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    me = "127.0.0.1:%d" % port
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    sock.settimeout(0.2)
    print("listening", flush=True)
    deadline, call_at, call, contact = time.time() + lifetime, None, None, None
    while time.time() < deadline:
        if call_at and time.time() >= call_at and not call:
            call = Call(sock, me, contact)
        try:
            data, src = sock.recvfrom(65535)
        except socket.timeout:
            continue
        text = data.decode(errors="replace")
        if not text.strip("\r\n"):
            continue  # keep-alive
        start, h = headers(text)
        if start.startswith("SIP/2.0 "):
            if call:
                call.on_response(start, h)
            continue
        method = start.split()[0]
        line = "%s via=%s contact=%s" % (method, sent_by(h["via"][0]), ",".join(h.get("contact", [])))
        print(line, flush=True)
        if method == "REGISTER":
            reply(sock, src, h, "200 OK")
            m = re.search(r"<(sip:[^>]*:%s)>;expires=[1-9]" % contact_port, ",".join(h.get("contact", [])))
            if m and not call_at:
                contact, call_at = m.group(1), time.time() + delay
        elif method == "INVITE":
            reply(sock, src, h, "486 Busy Here")


if __name__ == "__main__":
    main()
