#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/): small valid inputs
written by hand for owsip, in the input format each target documents at its top. Run it again
after changing a target's input format; the files are committed."""
import os
import struct
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(ROOT)


def put(target, name, data):
    d = os.path.join(ROOT, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def crlf(text):
    return text.strip("\n").replace("\n", "\r\n") + "\r\n"


# --- uci: telephony configs ---------------------------------------------------------------
for src, name in [("tests/data/seed_default.conf", "seed_default"),
                  ("examples/telephony.sim", "example_sim"),
                  ("packaging/openwrt/owsip/files/telephony.config", "openwrt_default")]:
    with open(os.path.join(SRC, src), "rb") as f:
        put("uci", name, f.read())
put("uci", "accounts_quoting", r"""package telephony
config general 'general'
	option backend 'sim'; option interface "lo"
	option outbound '<sip:192.168.1.1:9060;lr;transport=udp>'
	option dialplan '[2-9]xxxxxx|0xx.|11[02]'
	option local_port 5060 # a comment
config stun
	option host 'stun.example.org'
config account 'home'
	option realm 'sip.example.org'
	option username "4930\"123"
	option password 'it'\''s secret'
	option port '0'
	option default '1'
	option transport tcp
	option codecs 'G722 PCMA PCMU'
	option srtp optional
c account 'second'
	o realm "[2001:db8::1]:5070"
	o username u2
	o password p2
	o registrar "[2001:db8::1]:5070"
config contact
	option desc 'Mum'
	option code 'm'
	option dial '0301234567'
	option type realm
	list extra 'a'
	list extra "b\
c"
config port
	option id 1
	option noring yes
config relay
	option gpio 12
""")
put("uci", "bad_lines", "config general\n\toption local_port 99999\n\toption bogus x\nconfig\n"
    "option 'unterminated\nconfig account a\n\toption realm ''\n")

# --- sip: messages as they arrive on the SIP port ------------------------------------------
VIA = "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport"
SDP_BODY = crlf("""
v=0
o=alice 2890844526 2890844526 IN IP4 192.0.2.10
s=-
c=IN IP4 192.0.2.10
t=0 0
m=audio 49170 RTP/AVP 0 8 101
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:20
""")
put("sip", "invite", crlf(f"""
INVITE sip:4930123@192.0.2.1:5060 SIP/2.0
{VIA}
Max-Forwards: 70
From: "Alice" <sip:alice@example.org>;tag=1928301774
To: <sip:4930123@example.org>
Call-ID: a84b4c76e66710@192.0.2.10
CSeq: 314159 INVITE
Contact: <sip:alice@192.0.2.10:5060;transport=udp>
Content-Type: application/sdp
Content-Length: {len(SDP_BODY)}
""") + "\r\n" + SDP_BODY)
put("sip", "register", crlf("""
REGISTER sip:example.org SIP/2.0
Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKnashds7;alias
Max-Forwards: 70
From: <sip:4930123@example.org>;tag=a73kszlfl
To: <sip:4930123@example.org>
Call-ID: 1j9FpLxk3uxtm8tn@192.0.2.1
CSeq: 2 REGISTER
Contact: <sip:4930123@192.0.2.1:5060;transport=tcp>;expires=3600
Contact: <sip:4930123@10.0.0.1:5060>;expires=0
Expires: 3600
Content-Length: 0
""") + "\r\n")
put("sip", "register_200", crlf("""
SIP/2.0 200 OK
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKnashds7;rport=40312;received=203.0.113.7
From: <sip:4930123@example.org>;tag=a73kszlfl
To: <sip:4930123@example.org>;tag=37GkEhwl6
Call-ID: 1j9FpLxk3uxtm8tn@10.0.0.1
CSeq: 2 REGISTER
Contact: <sip:4930123@10.0.0.1:5060>;expires=120, <sip:4930123@203.0.113.7:40312>;expires=3600
Expires: 3600
Date: Sat, 13 Nov 2010 23:29:00 GMT
Content-Length: 0
""") + "\r\n")
put("sip", "register_401", crlf("""
SIP/2.0 401 Unauthorized
Via: SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bKnashds8;rport
From: <sip:4930123@example.org>;tag=a73kszlfl
To: <sip:4930123@example.org>;tag=37GkEhwl6
Call-ID: 1j9FpLxk3uxtm8tn@10.0.0.1
CSeq: 1 REGISTER
WWW-Authenticate: Digest realm="example.org", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", qop="auth", algorithm=MD5
Content-Length: 0
""") + "\r\n")
put("sip", "register_423", crlf("""
SIP/2.0 423 Interval Too Brief
Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKnashds9
From: <sip:u@example.org>;tag=x
To: <sip:u@example.org>;tag=y
Call-ID: c9
CSeq: 3 REGISTER
Min-Expires: 600
Retry-After: 120 (later);duration=3600
Content-Length: 0
""") + "\r\n")
put("sip", "options", crlf("""
OPTIONS sip:192.0.2.1:5060 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.20:5070;branch=z9hG4bKopt1
Max-Forwards: 70
From: <sip:monitor@192.0.2.20>;tag=1
To: <sip:192.0.2.1>
Call-ID: opt-1@192.0.2.20
CSeq: 1 OPTIONS
Accept: application/sdp
Content-Length: 0
""") + "\r\n")
put("sip", "compact_bye", crlf("""
BYE sips:bob@[2001:db8::1]:5061;transport=tls;maddr=192.0.2.5 SIP/2.0
v: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bKbye
f: "Bob \\"B\\"" <sips:bob@example.org>;tag=9
t: <tel:+4930123;phone-context=example.org>;tag=8
i: bye-1
CSeq: 7 BYE
m: <sips:bob@192.0.2.10>
l: 0
""") + "\r\n")
put("sip", "busy_486", crlf("""
SIP/2.0 486 Busy Here
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv;received=192.0.2.1
From: <sip:me@example.org>;tag=1
To: <sip:4930123@example.org>;tag=2
Call-ID: inv-2
CSeq: 1 INVITE
Content-Length: 0
""") + "\r\n")

# --- sdp: mode byte + SDP (NUL + a second SDP for a re-offer) -------------------------------
def sdp(addr="192.0.2.10", port=49170, proto="RTP/AVP", fmts="0 8 101", extra=""):
    return crlf(f"""
v=0
o=peer 1 1 IN IP4 {addr}
s=-
c=IN IP4 {addr}
t=0 0
m=audio {port} {proto} {fmts}
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
{extra}""")

CRYPTO = ("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4\n"
          "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj")
put("sdp", "offer_plain", b"\x00" + sdp(extra="a=ptime:20\na=sendrecv").encode())
put("sdp", "offer_g722_ptime30", b"\x08" + sdp(fmts="9 0 101", extra="a=rtpmap:9 G722/8000\na=ptime:30").encode())
put("sdp", "offer_crypto_savp", b"\x02" + sdp(proto="RTP/SAVP", extra=CRYPTO + "\na=ptime:20").encode())
put("sdp", "offer_crypto_avp", b"\x01" + sdp(extra=CRYPTO).encode())
put("sdp", "offer_hold", b"\x20" + sdp(addr="0.0.0.0", extra="a=sendonly").encode())
put("sdp", "offer_event16k", b"\x40" + sdp(fmts="9 102", extra="a=rtpmap:102 telephone-event/16000\na=ptime:10").encode())
put("sdp", "answer_pcma", b"\x80" + sdp(fmts="8 101", extra="a=ptime:20").encode())
put("sdp", "answer_crypto", b"\x81" + sdp(fmts="0 101", extra=CRYPTO.split("\n")[0]).encode())
put("sdp", "offer_then_reoffer", b"\x00" + sdp().encode() + b"\x00" + sdp(port=50000, fmts="8", extra="a=recvonly\nx").encode())
put("sdp", "answer_then_reinvite", b"\x80" + sdp(fmts="0").encode() + b"\x00" + sdp(addr="198.51.100.3", fmts="8 101", extra="a=inactive").encode())
put("sdp", "ipv6", b"\x00" + sdp().replace("IN IP4 192.0.2.10", "IN IP6 2001:db8::10").encode())

# --- rtp: codec byte + steps (see fuzz/rtp_fuzz.cc) ------------------------------------------
def rtp(pt, seq, ts, ssrc, payload, marker=False, csrc=(), ext=None, pad=0):
    b0 = 0x80 | (0x20 if pad else 0) | (0x10 if ext is not None else 0) | len(csrc)
    h = struct.pack("!BBHII", b0, (0x80 if marker else 0) | pt, seq, ts, ssrc)
    for c in csrc:
        h += struct.pack("!I", c)
    if ext is not None:
        h += struct.pack("!HH", 0xBEDE, len(ext) // 4) + ext
    body = payload + (b"\x00" * (pad - 1) + bytes([pad]) if pad else b"")
    return h + body

def step_pkt(op_ms, port, data):  # port 0 = RTP, 1 = RTCP
    return bytes([(op_ms << 2) | port]) + struct.pack("!H", len(data)) + data

def step_pull(op_ms, bye=False):
    return bytes([(op_ms << 2) | 2 | (4 if bye else 0)])

def sr(ssrc, blocks=1):
    rb = b"".join(struct.pack("!IIIIII", 0x1234, 0x05000010, 1000 + i, 20, 0xAABBCCDD, 655) for i in range(blocks))
    body = struct.pack("!IIIII", ssrc, 0x83AA7E80, 0, 16000, 100) + rb
    return bytes([0x80 | blocks, 200]) + struct.pack("!H", (len(body) + 4) // 4 - 1) + body

def rr(ssrc):
    body = struct.pack("!I", ssrc) + struct.pack("!IIIIII", 0x1234, 0x01000002, 70, 5, 0, 0)
    return bytes([0x81, 201]) + struct.pack("!H", (len(body) + 4) // 4 - 1) + body

def sdes(ssrc, cname=b"peer@192.0.2.10"):
    item = bytes([1, len(cname)]) + cname + b"\x00"
    while (len(item) + 4) % 4:
        item += b"\x00"
    body = struct.pack("!I", ssrc) + item
    return bytes([0x81, 202]) + struct.pack("!H", (len(body) + 4) // 4 - 1) + body

def bye(ssrc):
    return bytes([0x81, 203]) + struct.pack("!HI", 1, ssrc)

for codec, pt, n in [(0, 0, 160), (1, 8, 160), (2, 9, 160)]:
    steps = b""
    for i in range(6):
        steps += step_pkt(20 >> 0 if i else 0, 0, rtp(pt, 100 + i, 1000 + 160 * i, 0xCAFE, bytes([0x55 + i]) * n, marker=(i == 0)))
        steps += step_pull(0)
    put("rtp", f"stream_{codec}", bytes([codec]) + steps)
put("rtp", "csrc_ext_padding", b"\x00" +
    step_pkt(0, 0, rtp(0, 1, 160, 7, b"\xff" * 160, csrc=(1, 2), ext=b"\x10\xab\x00\x00", pad=4)) +
    step_pkt(20, 0, rtp(0, 3, 480, 7, b"\xff" * 160)) + step_pkt(5, 0, rtp(0, 2, 320, 7, b"\xff" * 160)) +
    step_pull(20) + step_pull(20) + step_pull(20))
put("rtp", "rtcp_compound", b"\x00" + step_pkt(0, 1, sr(0xCAFE, 2) + sdes(0xCAFE)) +
    step_pkt(10, 1, rr(0xCAFE) + sdes(0xCAFE) + bye(0xCAFE)) + step_pull(20, bye=True) +
    step_pkt(10, 0, sr(0xCAFE) + sdes(0xCAFE)))
ev = lambda e, end, dur: struct.pack("!BBH", e, (0x80 if end else 0) | 10, dur)
put("rtp", "telephone_event", b"\x00" + step_pkt(0, 0, rtp(101, 10, 8000, 9, ev(5, False, 160), marker=True)) +
    step_pkt(20, 0, rtp(101, 11, 8000, 9, ev(5, False, 320))) +
    step_pkt(20, 0, rtp(101, 12, 8000, 9, ev(5, True, 480))) * 3 + step_pull(63) +
    step_pkt(20, 0, rtp(101, 13, 9000, 9, ev(11, False, 160) + ev(10, True, 800))) + step_pull(63) * 14)
put("rtp", "dtmf_info", b"\x00" + bytes([0x07]) + struct.pack("!H", 26) + b"Signal=5\r\nDuration=160\r\n\r\n" +
    bytes([0x03]) + struct.pack("!H", 1) + b"#")
put("rtp", "ssrc_change_wrap", b"\x01" + step_pkt(0, 0, rtp(8, 65534, 0xFFFFFF00, 1, b"\xd5" * 160)) +
    step_pkt(20, 0, rtp(8, 65535, 0xFFFFFFA0, 1, b"\xd5" * 160)) + step_pkt(20, 0, rtp(8, 0, 0x40, 1, b"\xd5" * 160)) +
    step_pkt(20, 0, rtp(8, 500, 77, 2, b"\xd5" * 160)) + step_pkt(20, 0, rtp(8, 501, 237, 2, b"\xd5" * 160)) +
    step_pull(20) * 4)

# --- sim: rate byte + one packet ------------------------------------------------------------
put("sim", "hello", b"\x00H owsip-sim/1 jack=0 rate=8000")
put("sim", "hello16k", b"\x00H owsip-sim/1 jack=3 rate=16000 extra=1")
put("sim", "welcome", b"\x01W owsip-sim/1 port=1 jack=0 rate=8000 locale=germany cid=etsi_fsk")
put("sim", "hook_on", b"\x01K1")
put("sim", "hook_off", b"\x02K0")
put("sim", "ring", b"\x01R1")
put("sim", "feed", b"\x01F reversed")
put("sim", "error", b"\x01E bad frame")
put("sim", "audio8k", b"\x01A" + b"".join(struct.pack("<h", (i * 411) % 30000 - 15000) for i in range(160)))
put("sim", "audio16k", b"\x02A" + b"\x00\x80\xff\x7f" * 160)

# --- ctl: request lines as a client writes them ---------------------------------------------
put("ctl", "commands", "\n".join([
    '{"cmd":"help"}', '{"cmd":"status"}', '{"cmd":"accounts"}', '{"cmd":"ports"}',
    '{"cmd":"calls","args":["--log","10"]}', '{"cmd":"timers"}', '{"cmd":"reload"}',
    '{"cmd":"log-level","args":["7"]}', '{"cmd":"hangup","args":["1"]}', '{"cmd":"watch"}']) + "\n")
put("ctl", "errors", '{"cmd":"hangup","args":[1]}\r\n{"cmd":42}\n[1,2]\n{"cmd":"nope"}\n  \n{"cmd":"log-level","args":["99"]}\n{"a":{"b":{"c":[[[[]]]]}}}\n')
put("ctl", "answers", '{"ok":true,"result":[{"account":"home","state":"registered","detail":"until 12:00"}]}\n'
    '{"ok":true,"result":{"version":"0.1.0","uptime":12}}\n{"ok":false,"error":"no such port"}\n'
    '{"event":"port","port":0,"state":"DIALING"}\n')
# --- udptl: datagrams, each behind a length byte (fuzz/udptl_fuzz.cc) ------------------------
# seq 0x0102, primary AA BB, redundancy: 11 (seq-1), 22 33 (seq-2) -- udptl_test.cc's vector
put("udptl", "redundancy", bytes([12, 0x01, 0x02, 0x02, 0xaa, 0xbb, 0x00, 0x02, 0x01, 0x11, 0x02, 0x22, 0x33]))
# fec-info: npackets 3, fec-data 5A and an empty one
put("udptl", "fec", bytes([11, 0xff, 0xfe, 0x01, 0x01, 0x80, 0x01, 0x03, 0x02, 0x01, 0x5a, 0x00]))
# a stream: seq 0, 1 (with 0 as redundancy), 3 (with 2 and 1): 2 is recovered
put("udptl", "stream", bytes([6, 0, 0, 1, 2, 0, 0, 8, 0, 1, 1, 6, 0, 1, 1, 2,
                              10, 0, 3, 1, 4, 0, 2, 1, 6, 1, 2]))

print("corpora written under", os.path.join(ROOT, "corpus"), file=sys.stderr)
