#!/usr/bin/env bash
# Fax over the line audio, inside one owsip: the virtual phone on port 0 is a fax machine that
# sends a two-page TIFF (drawn by owsip-phone itself) through an internal call (**2) to the fax
# machine on port 1, which answers and receives it. T.30 with spandsp's V.21/V.17 modems runs
# over the sim line's 20 ms PCM frames and owsip's local call; the received file is compared
# page by page with the sent one. Then the error paths: a missing TIFF and an unwritable place
# give clear errors, not a crash. Then fax pass-through between two owsip daemons through
# Kamailio, and last T.38 between them: clean, through a 1 % lossy UDPTL relay, and the
# fallback to pass-through when the far end refuses T.38 (below).
source "$(dirname "$0")/lib.sh"

OWSIP=$BIN/owsip
PHONE=$BIN/owsip-phone
[ -x "$PHONE" ] || fail "owsip-phone not built"

d=$WORK/d
mkdir -p "$d"
cat >"$d/telephony" <<CONF
config general
	option backend 'sim'
	option sim_socket '$d/sim.sock'
	option ctl_socket '$d/ctl.sock'
	option call_log '$d/calls.jsonl'
	option log_level 6
config port 'port0'
	option id 0
config port 'port1'
	option id 1
CONF
start_bg "$d/owsip.log" "$OWSIP" -f -c "$d/telephony"
wait_for_line "$d/owsip.log" "listening on $d/sim.sock"

# --- the test page, and the compare tool on it ---
"$PHONE" fax page "$WORK/page.tif" 2 300 ||
  fail "owsip-phone fax page failed"
"$PHONE" fax compare "$WORK/page.tif" "$WORK/page.tif" >"$WORK/cmp.out" ||
  fail "a file does not compare equal to itself: $(cat "$WORK/cmp.out")"
grep -q '"same":true' "$WORK/cmp.out" || fail "compare output: $(cat "$WORK/cmp.out")"
"$PHONE" fax page "$WORK/other.tif" 2 300 7
if "$PHONE" fax compare "$WORK/page.tif" "$WORK/other.tif" >"$WORK/cmp2.out"; then
  fail "two different pages compare equal: $(cat "$WORK/cmp2.out")"
fi
grep -q '"same":false' "$WORK/cmp2.out" || fail "compare output: $(cat "$WORK/cmp2.out")"
pass "owsip-phone draws a 2-page test fax; compare finds it equal to itself, not to another"

# --- a fax from port 0 to port 1 ---
# The receiver answers the second ring (1 s after it starts) and receives; the sender dials and
# sends at once (CNG while it rings), then hangs up when T.30 is done.
printf 'answer 1000\nfax receive %s\nwait 500\nonhook\nquit\n' "$WORK/rx.tif" |
  "$PHONE" -s "$d/sim.sock" -p 1 >"$WORK/rx.jsonl" 2>"$WORK/rx.err" &
RX_PID=$!
PIDS+=("$RX_PID")
wait_for_line "$WORK/rx.jsonl" '"event":"welcome"' 10
start=$(date +%s%N)
printf 'offhook\nwait 300\ndial **2\nfax send %s\nwait 500\nonhook\nquit\n' "$WORK/page.tif" |
  "$PHONE" -s "$d/sim.sock" -p 0 >"$WORK/tx.jsonl" 2>"$WORK/tx.err" &
TX_PID=$!
PIDS+=("$TX_PID")
wait_exit "$TX_PID" 90
end=$(date +%s%N)
wait_exit "$RX_PID" 20
grep '"event":"fax"' "$WORK/tx.jsonl" "$WORK/rx.jsonl" || true
grep -q '"event":"fax","mode":"send","result":"ok".*"pages":2' "$WORK/tx.jsonl" ||
  fail "the sender did not finish: $(grep -E 'fax|error' "$WORK/tx.jsonl")"
grep -q '"event":"fax","mode":"receive","result":"ok".*"pages":2' "$WORK/rx.jsonl" ||
  fail "the receiver did not finish: $(grep -E 'fax|error' "$WORK/rx.jsonl")"
"$PHONE" fax compare "$WORK/page.tif" "$WORK/rx.tif" >"$WORK/cmp3.out" ||
  fail "the received fax differs: $(cat "$WORK/cmp3.out")"
printf 'ok: port 0 -> port 1 (**2): 2 pages arrived identical, %d ms from dialling to hanging up (%s)\n' \
  "$(( (end - start) / 1000000 ))" "$(grep -o '"bit_rate":[0-9]*' "$WORK/rx.jsonl")"

# --- errors ---
printf 'fax send %s\nfax receive /nonexistent/dir/x.tif\nquit\n' "$WORK/missing.tif" |
  "$PHONE" -s "$d/sim.sock" -p 0 >"$WORK/err.jsonl" 2>"$WORK/err.err" || true
grep -q '"event":"error","message":".*missing.tif: No such file' "$WORK/err.jsonl" ||
  fail "no clear error for a missing TIFF: $(cat "$WORK/err.jsonl")"
grep -q '"event":"error","message":"/nonexistent/dir/.*' "$WORK/err.jsonl" ||
  fail "no clear error for an unwritable place: $(cat "$WORK/err.jsonl")"
if "$PHONE" fax compare "$WORK/page.tif" "$WORK/missing.tif" >"$WORK/cmp4.out" 2>&1; then
  fail "compare with a missing file succeeded"
fi
grep -q 'missing.tif: No such file' "$WORK/cmp4.out" || fail "compare error: $(cat "$WORK/cmp4.out")"
kill -0 "${PIDS[0]}" || fail "owsip died"
pass "a missing TIFF, an unwritable directory and a compare with a missing file are clear errors"

# --- pass-through: two owsip daemons through Kamailio ---
# Each daemon registers one account at Kamailio; the fax on owsip A's port 0 calls 3002 (owsip
# B's port 0, whose fax answers). Both accounts prefer G.722, so the call starts in G.722; the
# fax tones make the daemons switch the call to voice-band data by re-INVITE: G.711 only,
# a=silenceSupp:off (V.152, RFC 3108). The faxes run without ECM, so that audio damaged on the
# way shows as differing rows instead of being retransmitted: the pages must arrive intact
# through RTP (ctest runs this test alone, RUN_SERIAL: beside four others the sim phones' 20 ms
# clock once slipped and cost 6 rows). The re-INVITE is checked in the SDP the daemons log at debug level.
source "$(dirname "$0")/sip_lib.sh"
KAM=$WORK/kam
KPORT=$(free_port)
kam_setup "$KAM" "$KPORT"
kam_user "$KAM" 3001 pw-3001
kam_user "$KAM" 3002 pw-3002
kam_user "$KAM" 3003 pw-3003
kam_user "$KAM" 3004 pw-3004
kam_user "$KAM" 3005 pw-3005
kam_start "$KAM"

source "$(dirname "$0")/fax_lib.sh"
daemon_config a 3001 "$RTP_WINDOW"
daemon_config b 3002 "$((RTP_WINDOW + 256))"

fax_call a b 3002 vbd
printf 'ok: owsip A -> Kamailio -> owsip B: 2 pages arrived identical, %d ms from dialling to hanging up (%s)\n' \
  "$FAX_MS" "$FAX_RATE"

# The wire: the call started in G.722; one daemon offered voice-band data in a re-INVITE (only
# G.711 payload types, a=silenceSupp:off - - - -), the other answered with G.711 and the same
# attribute. The SDP blocks are read from the debug logs.
python3 - "$WORK/a/owsip.log" "$WORK/b/owsip.log" <<'PY' || fail "voice-band data re-INVITE not as expected"
import re, sys
def blocks(path):
    text = open(path, errors="replace").read()
    out = []
    for m in re.finditer(r"(SDP (?:offer|answer) (?:sent|received)):\n((?:[a-z]=.*\n)+)", text):
        out.append((m.group(1), m.group(2)))
    return out
logs = [blocks(p) for p in sys.argv[1:]]
first = logs[0][0][1]
assert re.search(r"m=audio \d+ RTP/AVP 9 ", first), "the first offer does not start with G.722:\n" + first
# the call was in G.722 before the switch
assert any(k == "SDP answer received" and re.search(r"m=audio \d+ RTP/AVP 9\b", s) for k, s in logs[0]), "no G.722 answer"
vbd = [(i, k, s) for i, l in enumerate(logs) for k, s in l if "a=silenceSupp:off - - - -" in s]
offers = [(i, s) for i, k, s in vbd if k == "SDP offer sent"]
answers = [(i, s) for i, k, s in vbd if k == "SDP answer sent"]
assert offers, "no re-INVITE offer with a=silenceSupp:off"
assert answers, "no answer with a=silenceSupp:off"
for i, s in offers:
    pts = re.search(r"m=audio \d+ RTP/AVP ([\d ]+)", s).group(1).split()
    assert set(pts) - {"101"} <= {"0", "8"} and pts[0] in ("0", "8"), "offer not G.711 only: %s" % pts
for i, s in answers:
    pts = re.search(r"m=audio \d+ RTP/AVP ([\d ]+)", s).group(1).split()
    assert pts[0] in ("0", "8"), "answer not G.711: %s" % pts
print("ok: re-INVITE by owsip %s: offer m=audio ... %s with a=silenceSupp:off - - - -; answered with %s" % (
    "AB"[offers[0][0]], re.search(r"RTP/AVP ([\d ]+)", offers[0][1]).group(1).strip(),
    re.search(r"RTP/AVP ([\d ]+)", answers[0][1]).group(1).strip()))
PY
grep -h "voice-band data" "$WORK/a/owsip.log" "$WORK/b/owsip.log" | grep -v "SDP" | head -4

# --- T.38: two owsip daemons through Kamailio ---
# (1) owsip C (fax t38, redundancy 2) calls owsip D (fax auto). C hears the CNG and re-INVITEs
# with m=image (the audio stream replaced); D answers with its image stream; both lines' audio
# goes through spandsp's T.38 gateway and UDPTL between the daemons, no more RTP.
daemon_config c 3003 "$((RTP_WINDOW + 64))" t38 "	option udptl_redundancy '2'"
daemon_config d 3004 "$((RTP_WINDOW + 320))" auto "	option udptl_redundancy '2'"
# tshark (Wireshark's T.38 dissector) reads the UDPTL between C and D when tcpdump can capture
# on lo: C's first call takes the RTP pair at its rtp_port and its UDPTL the next pair, D's too.
C_UDPTL=$((RTP_WINDOW + 66))
D_UDPTL=$((RTP_WINDOW + 322))
HAVE_CAPTURE=
if command -v tshark >/dev/null && command -v tcpdump >/dev/null; then
  start_bg "$WORK/tcpdump.log" tcpdump -i lo -U --immediate-mode -n -s 4096 -w "$WORK/t38call.pcap" \
    "udp and (port $C_UDPTL or port $D_UDPTL)"
  CAP_PID=$LAST_PID
  for ((i = 0; i < 200; i++)); do
    grep -q "listening on" "$WORK/tcpdump.log" && { HAVE_CAPTURE=1; break; }
    kill -0 "$CAP_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$HAVE_CAPTURE" ] ||
    echo "note: tcpdump cannot capture on lo here ($(tail -n1 "$WORK/tcpdump.log")): the tshark check is skipped"
else
  echo "note: tshark or tcpdump missing (./run setup): the tshark check is skipped"
fi
fax_call c d 3004 t38
python3 - "$WORK/c/owsip.log" "$WORK/d/owsip.log" <<'PY' || fail "T.38 re-INVITE not as expected"
import re, sys
c, d = (open(p, errors="replace").read() for p in sys.argv[1:])
def block(text, what):
    m = re.search(r"T\.38 %s:\n((?:[a-z]=.*\n)+)" % what, text)
    assert m, "no '%s' SDP in the log" % what
    return m.group(1)
offer, answer = block(c, "offer sent"), block(d, "answer sent")
assert block(d, "offer received") == offer, "D did not receive C's offer as sent"
for sdp, who in ((offer, "offer"), (answer, "answer")):
    ms = re.findall(r"^m=.*$", sdp, re.M)
    assert len(ms) == 1 and re.match(r"m=image [1-9]\d* udptl t38$", ms[0]), "%s: %s" % (who, ms)
    assert "a=T38FaxVersion:0" in sdp and "a=T38FaxRateManagement:transferredTCF" in sdp, sdp
    assert "a=T38FaxUdpEC:t38UDPRedundancy" in sdp, who + " without redundancy:\n" + sdp
assert "a=T38MaxBitRate:14400" in offer, offer
for text, who in ((c, "C"), (d, "D")):
    assert re.search(r"T\.38 gateway: UDPTL port \d+ to 127\.0\.0\.1:\d+, 14400 bit/s, redundancy 2", text), who + ": no gateway"
    m = re.search(r"T\.38 ended: (\d+) page\(s\) at \d+ bit/s; UDPTL (\d+) datagrams sent, (\d+) received \((\d+) malformed\)", text)
    assert m and int(m.group(1)) == 2 and int(m.group(2)) > 20 and int(m.group(3)) > 20 and m.group(4) == "0", who + ": " + str(m and m.groups())
print("ok: T.38 re-INVITE by owsip C: " + re.search(r"m=image.*", offer).group(0) + ", answered " +
      re.search(r"m=image.*", answer).group(0) + "; C " + re.search(r"T\.38 ended: .*", c).group(0))
PY
pass "T.38: owsip C -> Kamailio -> owsip D: 2 pages arrived identical through the T.38 gateways, $FAX_MS ms ($FAX_RATE)"
if [ -n "$HAVE_CAPTURE" ]; then
  sleep 0.5
  kill -TERM "$CAP_PID" 2>/dev/null || true
  wait_exit "$CAP_PID" 10
  decode=(-d "udp.port==$C_UDPTL,t38" -d "udp.port==$D_UDPTL,t38")
  counts=$(for f in udp t38 _ws.malformed "_ws.expert.severity >= 8388608" "t38.secondary_ifp_packets >= 1"; do
    tshark -r "$WORK/t38call.pcap" "${decode[@]}" -Y "$f" 2>/dev/null | wc -l
  done | paste -sd' ')
  read -r udp t38 malformed errors redundant <<<"$counts"
  [ "$t38" -ge 100 ] || fail "tshark decoded only $t38 of $udp UDPTL datagrams as T.38"
  [ "$malformed" -eq 0 ] || fail "tshark: $malformed malformed UDPTL datagrams"
  [ "$errors" -eq 0 ] || fail "tshark: $errors UDPTL datagrams with expert errors"
  [ "$redundant" -ge 100 ] || fail "tshark: only $redundant datagrams carry secondary IFP packets"
  pass "tshark decodes owsip's UDPTL between C and D: $udp datagrams, $t38 T.38 ($redundant with secondary IFP packets), $malformed malformed, $errors expert errors"
fi

# (2) The same through 1 % loss on the UDPTL. Both daemons of this call sit behind a "NAT" of
# relays, so that neither ever learns the other's real address: a STUN server tells owsip E
# (fax t38) its public address is 127.0.0.2 and owsip F (fax auto) 127.0.0.3, so their SDPs
# name those addresses with their own ports; on each public address one relay forwards RTP (no
# loss) and one the UDPTL (1 % loss each way, the relay's fixed seed) to the daemon's ports and
# back. Each daemon's first call takes the RTP pair at its rtp_port, its UDPTL the next pair.
# (With only E behind relays, F latched to E's real address whenever one of E's datagrams,
# sent straight to F's SDP address, came first, and the whole stream bypassed the loss.)
kam_user "$KAM" 3006 pw-3006
RELAY_PIDS=()
E_RTP=$((RTP_WINDOW + 128))
F_RTP=$((RTP_WINDOW + 192))
behind_relays e 3005 "$E_RTP" 127.0.0.2 t38 0 0.01
behind_relays f 3006 "$F_RTP" 127.0.0.3 auto 0 0.01
fax_call e f 3006 t38loss
for pid in "${RELAY_PIDS[@]}"; do
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
# Every datagram either daemon sent went through exactly one relay: their arrivals add up to
# what the daemons' UDPTL links count as sent.
read -r relayed dropped <<<"$(cat "$WORK/e.udptl_relay.log" "$WORK/f.udptl_relay.log" |
  sed -n 's/.*to owsip: \([0-9]*\) forwarded, \([0-9]*\) dropped; from owsip: \([0-9]*\) forwarded, \([0-9]*\) dropped.*/\1 \2 \3 \4/p' |
  awk '{f += $1 + $3; d += $2 + $4; n++} END {if (n == 2) print f, d}')"
[ -n "$relayed" ] || fail "no counts from the UDPTL relays: $(cat "$WORK/e.udptl_relay.log" "$WORK/f.udptl_relay.log")"
sent=0
for name in e f; do
  grep -q "T.38 gateway: UDPTL port $((${name^^}_RTP + 2)) to 127.0.0.$([ $name = e ] && echo 3 || echo 2):" "$WORK/$name/owsip.log" ||
    fail "$name's UDPTL is not on its relays' port: $(grep 'T.38 gateway' "$WORK/$name/owsip.log")"
  grep -q "c=IN IP4 127.0.0.$([ $name = e ] && echo 2 || echo 3)" <(sed -n '/T.38 \(offer\|answer\) sent:/,/^[^a-z]/p' "$WORK/$name/owsip.log") ||
    fail "$name's T.38 SDP does not name its public address"
  n=$(sed -n 's/.*T\.38 ended: .*UDPTL \([0-9]*\) datagrams sent.*/\1/p' "$WORK/$name/owsip.log" | tail -1)
  [ -n "$n" ] || fail "$name: no T.38 summary"
  sent=$((sent + n))
done
[ $((relayed + dropped)) -ge $((sent * 98 / 100)) ] ||
  fail "the relays saw $((relayed + dropped)) of the $sent UDPTL datagrams sent: some went around the loss"
[ "$dropped" -ge 1 ] || fail "the relays dropped nothing of $relayed: the loss was not tested"
ended_e=$(grep -o "T.38 ended: .*" "$WORK/e/owsip.log" | tail -1)
ended_f=$(grep -o "T.38 ended: .*" "$WORK/f/owsip.log" | tail -1)
pass "T.38 through 1 % UDPTL loss (redundancy 2): 2 pages identical, $FAX_MS ms ($FAX_RATE); the relays carried $((relayed + dropped)) of the $sent datagrams sent and dropped $dropped; E $ended_e; F $ended_f"

# (3) Fallback: C (fax t38) calls owsip B (fax passthrough), which refuses the image stream
# (488); C falls back to the voice-band data re-INVITE and the pages still arrive.
fax_call c b 3002 fallback
grep -q "T.38 offer refused (fax passthrough): 488" "$WORK/b/owsip.log" || fail "B did not refuse T.38"
grep -q "T.38 not agreed (refused: 488): falling back to pass-through" "$WORK/c/owsip.log" ||
  fail "C did not fall back on the 488: $(grep 'T.38 not agreed' "$WORK/c/owsip.log")"
# The pass-through re-INVITE comes from C's fallback, or earlier from B, whose fax's CED it
# heard meanwhile: either way C's media path ends in voice-band data (its first in this test).
grep -q "media.port0: PCM[UA]/8000 .*voice-band data" "$WORK/c/owsip.log" ||
  fail "C's call did not go to voice-band data"
vbd_by=$({ grep -l "re-INVITE for voice-band data" "$WORK/b/owsip.log" "$WORK/c/owsip.log" || true; } | sed 's|.*/\([bc]\)/owsip.log|\1|' | tr 'bc' 'BC' | tr '\n' ' ')
pass "T.38 refused by owsip B (fax passthrough, 488): C fell back to pass-through (voice-band data re-INVITE by ${vbd_by:-nobody}), 2 pages identical, $FAX_MS ms ($FAX_RATE)"
