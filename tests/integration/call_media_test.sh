#!/usr/bin/env bash
# Media of real calls with baresip behind Kamailio on 127.0.0.1:
# - G.722 wideband: a 16 kHz virtual phone and baresip exchange tones above 4 kHz (5000 Hz to
#   the phone, 6000 Hz to baresip), which narrowband G.711 could not carry;
# - SRTP (SDES, account option srtp mandatory) with baresip's srtp-mand: tones both ways, the
#   call shows SRTP in owsipctl; a call without crypto to that account is refused with 488;
# - DTMF as RFC 4733 telephone-events both ways: digits from the phone reach baresip as events
#   (and not in its audio),
#   baresip's digits are played to the phone as DTMF tones.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"

call_kamailio 2001 2002 2004 2005

conf=$WORK/telephony
RTP_BASE=$RTP_WINDOW
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_BASE'"
owsip_account "$conf" wide 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" \
  "option codecs 'G722 PCMU'" "option port '0'"
owsip_account "$conf" secure 2004 pw-2004 "127.0.0.1:$KPORT" "option srtp 'mandatory'" \
  "option port '1'"
printf '\nconfig contact\n\toption desc %s\n\toption code sec\n\toption type realm\n\toption dial 2005\n\toption account secure\n' \
  "'secure peer'" >>"$conf"
start_owsip_registered "$conf" wide secure
phone_start p0 0 16000
phone_start p1 1
baresip_start b2 2002 pw-2002 "$KPORT" 5000
baresip_start b5 2005 pw-2005 "$KPORT" 1100 ";mediaenc=srtp-mand"

# --- G.722 ---
phone_mark p0
ph p0 offhook "wait 300" "dial 2002#" "wait 1500" "tone 6000 -10"
wait_for_line "$WORK/owsip.log" "call 1 answered" 10
wait_for_line "$WORK/owsip.log" "media.port0: G722/8000" 5
wait_phone_hears p0 5000 10
sleep 2
check_freq "$(bs_heard b2)" 6000 "baresip hearing the wideband phone"
pass "G.722: the 16 kHz phone hears 5000 Hz and baresip hears 6000 Hz"

# --- RFC 4733 both ways, on the same call ---
python3 "$CTL" "${BS_CTRL[b2]}" --events 5 >"$WORK/b2.events" &
EV_PID=$!
PIDS+=("$EV_PID")
sleep 0.5
ph p0 silence "dial 58"
wait_exit "$EV_PID" 10
python3 - "$WORK/b2.events" <<'PY' || fail "baresip got no telephone-events 5 and 8: $(cat "$WORK/b2.events")"
import json, sys
digits = [json.loads(l).get("param") for l in open(sys.argv[1]) if "CALL_DTMF_START" in l]
assert digits == ["5", "8"], digits
PY
grep -q "telephone-event" "$WORK/owsip.log" || fail "no telephone-event negotiated"
pass "digits dialled during the call reach baresip as telephone-events (5, 8)"
# ... and only so: the software path's DTMF guard cuts the keys from the audio (1336 Hz is the
# column of both 5 and 8; a key leaking in-band would be near -15 dBFS).
sleep 0.5
level=$(python3 "$FREQ" "$(ls -t "$WORK/b2"/dump-*-dec.wav | head -1)" --level 1336)
python3 -c "import sys; sys.exit(0 if float('$level') < -40 else 1)" ||
  fail "the keys 5 and 8 also reached baresip in-band: 1336 Hz at $level dBFS"
pass "the keys are not in baresip's audio as well (1336 Hz at most $level dBFS)"
ph p0 "record $WORK/dtmf.wav"
sleep 0.5
bs b2 sndcode 7 >/dev/null
wait_for_line "$WORK/owsip.log" "call 1: received DTMF 7" 10
sleep 0.5
ph p0 record
sleep 0.5
for hz in 852 1209; do
  level=$(python3 "$FREQ" "$WORK/dtmf.wav" --level $hz)
  python3 -c "import sys; sys.exit(0 if float('$level') > -35 else 1)" ||
    fail "the phone did not hear the $hz Hz of DTMF 7: $level dBFS"
done
pass "baresip's telephone-event 7 is played to the phone as DTMF (852+1209 Hz)"
ph p0 onhook
wait_for_line "$WORK/b2/baresip.log" "terminated" 10

# --- SRTP ---
phone_mark p1
ph p1 offhook "wait 300" "dial *732" "wait 1500" "tone 700 -10"
wait_for_line "$WORK/owsip.log" "call 2 answered" 10
wait_phone_hears p1 1100 10
sleep 2
check_freq "$(bs_heard b5)" 700 "baresip hearing the phone over SRTP"
"$BIN/owsipctl" -s "$WORK/ctl.sock" --json calls >"$WORK/calls.json"
python3 - "$WORK/calls.json" <<'PY' || fail "owsipctl calls: $(cat "$WORK/calls.json")"
import json, sys
calls = json.load(open(sys.argv[1]))
c = [c for c in calls if c["account"] == "secure"][0]
assert c["quality"]["srtp"] is True and c["state"] == "connected" and c["port"] == 1, c
PY
# On the wire: a PCMU packet is 172 bytes of RTP (12 + 160); SRTP adds the 10-byte tag.
# Only owsip's own RTP sockets count: tests running in parallel send plain RTP on loopback too.
if [ "$(id -u)" -eq 0 ]; then
  own_rtp=$(ss -H -uanp | awk -v pid="pid=$OWSIP_PID," -v base="$RTP_BASE" '
    index($0, pid) { n = split($4, a, ":"); p = a[n] + 0
      if (p >= base && p < base + 512 && p % 2 == 0) printf "%d ", p }')
  [ -n "$own_rtp" ] || fail "no RTP socket of owsip (pid $OWSIP_PID) found by ss"
  python3 - "$own_rtp" >"$WORK/wire.out" <<'PY'
import socket, struct, sys, time
ports = {int(p) for p in sys.argv[1].split()}
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind(("lo", 0))
s.settimeout(0.2)
sizes = {}
end = time.time() + 1.5
while time.time() < end:
    try:
        frame = s.recv(65535)
    except socket.timeout:
        continue
    ip = frame[14:]
    if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    sport, dport, ulen = struct.unpack("!HHH", ip[ihl:ihl + 6])
    if sport in ports and ip[ihl + 8] >> 6 == 2:
        sizes[ulen - 8] = sizes.get(ulen - 8, 0) + 1
print(" ".join("%d:%d" % kv for kv in sorted(sizes.items())))
PY
  grep -Eq '(^| )182:[0-9]+' "$WORK/wire.out" && ! grep -Eq '(^| )172:' "$WORK/wire.out" ||
    fail "RTP sent by owsip is not SRTP on the wire (packet sizes: $(cat "$WORK/wire.out"))"
  echo "SRTP on the wire from owsip's ports $own_rtp: packet sizes $(cat "$WORK/wire.out") (plain PCMU would be 172)"
fi
grep -q "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\*\*\*\*" "$WORK/owsip.log" ||
  fail "the SDP in the debug log does not show the crypto line with its key hidden"
pass "SRTP (SDES) with baresip srtp-mand: tones both ways, owsipctl shows it, keys hidden in the log"
ph p1 silence onhook
wait_for_line "$WORK/b5/baresip.log" "terminated" 10

bs b2 dial "sip:2004@owsip.test" >/dev/null
wait_for_line "$WORK/b2/baresip.log" "488 Not Acceptable" 10
pass "a call without crypto to the srtp mandatory account is refused with 488"
stop_owsip
