#!/usr/bin/env bash
# Fax over the line audio, inside one owsip: the virtual phone on port 0 is a fax machine that
# sends a two-page TIFF (drawn by owsip-phone itself) through an internal call (**2) to the fax
# machine on port 1, which answers and receives it. T.30 with spandsp's V.21/V.17 modems runs
# over the sim line's 20 ms PCM frames and owsip's local call; the received file is compared
# page by page with the sent one. Then the error paths: a missing TIFF and an unwritable place
# give clear errors, not a crash. Last, fax pass-through between two owsip daemons through
# Kamailio (below).
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
# through RTP. The re-INVITE is checked in the SDP the daemons log at debug level.
source "$(dirname "$0")/sip_lib.sh"
KAM=$WORK/kam
KPORT=$(free_port)
kam_setup "$KAM" "$KPORT"
kam_user "$KAM" 3001 pw-3001
kam_user "$KAM" 3002 pw-3002
kam_start "$KAM"

# daemon_config NAME USER RTP_PORT
daemon_config() {
  local dd=$WORK/$1
  mkdir -p "$dd"
  cat >"$dd/telephony" <<CONF
config general
	option backend 'sim'
	option sim_socket '$dd/sim.sock'
	option ctl_socket '$dd/ctl.sock'
	option call_log '$dd/calls.jsonl'
	option interface 'lo'
	option local_port '$(free_port)'
	option tls_port '$(free_port)'
	option rtp_port '$3'
	option log_level '7'
config account 'line'
	option realm 'owsip.test'
	option username '$2'
	option password 'pw-$2'
	option registrar '127.0.0.1:$KPORT'
	option default '1'
	option port '0'
	option codecs 'G722 PCMU PCMA'
	option fax 'passthrough'
CONF
  start_bg "$dd/owsip.log" "$OWSIP" -f -c "$dd/telephony"
  wait_for_line "$dd/owsip.log" "sip.acct\{line\}: registered as" 10
}
daemon_config a 3001 "$RTP_WINDOW"
daemon_config b 3002 "$((RTP_WINDOW + 256))"

printf 'answer 1000\nfax receive noecm %s\nwait 500\nonhook\nquit\n' "$WORK/rx2.tif" |
  "$PHONE" -s "$WORK/b/sim.sock" -p 0 >"$WORK/rx2.jsonl" 2>"$WORK/rx2.err" &
RX_PID=$!
PIDS+=("$RX_PID")
wait_for_line "$WORK/rx2.jsonl" '"event":"welcome"' 10
start=$(date +%s%N)
printf 'offhook\nwait 300\ndial 3002#\nfax send noecm %s\nwait 500\nonhook\nquit\n' "$WORK/page.tif" |
  "$PHONE" -s "$WORK/a/sim.sock" -p 0 >"$WORK/tx2.jsonl" 2>"$WORK/tx2.err" &
TX_PID=$!
PIDS+=("$TX_PID")
wait_exit "$TX_PID" 90
end=$(date +%s%N)
wait_exit "$RX_PID" 20
grep -h '"event":"fax"' "$WORK/tx2.jsonl" "$WORK/rx2.jsonl" || true
grep -q '"event":"fax","mode":"send","result":"ok".*"pages":2' "$WORK/tx2.jsonl" ||
  { tail -30 "$WORK/a/owsip.log" >&2; fail "A's fax did not send: $(grep -E 'fax|error' "$WORK/tx2.jsonl")"; }
grep -q '"event":"fax","mode":"receive","result":"ok".*"pages":2.*"ecm":false.*"bad_rows":0' "$WORK/rx2.jsonl" ||
  fail "B's fax did not receive: $(grep -E 'fax|error' "$WORK/rx2.jsonl")"
"$PHONE" fax compare "$WORK/page.tif" "$WORK/rx2.tif" >"$WORK/cmp5.out" ||
  fail "the fax through SIP differs: $(cat "$WORK/cmp5.out")"
printf 'ok: owsip A -> Kamailio -> owsip B: 2 pages arrived identical, %d ms from dialling to hanging up (%s)\n' \
  "$(( (end - start) / 1000000 ))" "$(grep -o '"bit_rate":[0-9]*' "$WORK/rx2.jsonl")"

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
