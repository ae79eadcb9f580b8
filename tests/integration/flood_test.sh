#!/usr/bin/env bash
# A flood of unsolicited SIP requests while a phone is in a call (issue: an ATA on port 5060
# for years). For OWSIP_FLOOD_SECONDS (10 here; 60 for the long run, see README) at least 2000
# INVITE, OPTIONS and REGISTER requests per second go from loopback to owsip's SIP port, each
# with its own Call-ID and branch, bounded in count and time. Checked:
# - no phone rings;
# - the call's audio (baresip's 1000 Hz, recorded in the phone's earpiece) has no gap over 60 ms;
# - owsip answers at most its rate limits (50/s to strangers, 10 refusals/s of INVITEs): it is
#   no reflector;
# - owsip's memory returns to its baseline (within 256 KiB) after the flood, the call goes on,
#   and the account is still registered.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"

SECONDS_FLOOD=${OWSIP_FLOOD_SECONDS:-10}
RATE=2000
call_kamailio 2001 2002

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'"
sed -i "s/option log_level '7'/option log_level '5'/" "$conf"  # the flood is not for the log
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'"
start_owsip_registered "$conf" home
phone_start p0 0
phone_start p1 1
baresip_start bob 2002 pw-2002 "$KPORT" 1000

ph p0 offhook "wait 300" "dial 2002#"
wait_for_line "$WORK/owsip.log" "call 1 answered" 10
wait_phone_hears p0 1000 10
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$OWSIP_PID/status"; }
sleep 1
rss_before=$(rss)
phone_mark p0
phone_mark p1
ph p0 "record $WORK/flood.wav"
sleep 0.5

python3 - "$OPORT" "$SECONDS_FLOOD" "$RATE" >"$WORK/flood.out" <<'PY'
import random, socket, sys, time
port, seconds, rate = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.setblocking(False)
me = s.getsockname()[1]
sdp = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
def msg(i):
    method = ("INVITE", "OPTIONS", "REGISTER")[i % 3]
    user = "%d" % random.randint(100, 99999)
    body = sdp if method == "INVITE" else ""
    return ("%s sip:%s@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKfl%d\r\n"
            "From: <sip:%s@127.0.0.1>;tag=f%d\r\nTo: <sip:%s@127.0.0.1>\r\nCall-ID: flood-%d\r\n"
            "CSeq: 1 %s\r\nMax-Forwards: 70\r\nContact: <sip:%s@127.0.0.1:%d>\r\n"
            "%sContent-Length: %d\r\n\r\n%s") % (
        method, user, port, me, i, user, i, user, i, method, user, me,
        "Content-Type: application/sdp\r\n" if body else "", len(body), body)
total = int(seconds * rate)
sent = answers = 0
start = time.time()
deadline = start + seconds * 2  # bounded in time even if sending falls behind
while sent < total and time.time() < deadline:
    for _ in range(50):
        s.sendto(msg(sent).encode(), ("127.0.0.1", port))
        sent += 1
    while True:
        try:
            s.recv(4096)
            answers += 1
        except BlockingIOError:
            break
    ahead = start + sent / rate - time.time()
    if ahead > 0:
        time.sleep(ahead)
elapsed = time.time() - start
end = time.time() + 1
while time.time() < end:
    try:
        s.recv(4096)
        answers += 1
    except BlockingIOError:
        time.sleep(0.01)
print(sent, "%.2f" % elapsed, answers)
PY
read -r sent elapsed answers <"$WORK/flood.out"
sleep 0.5
ph p0 record
sleep 3
rss_after=$(rss)
read -r gap length <<<"$(python3 "$FREQ" "$WORK/flood.wav" --gap 1000)"
echo "flood: $sent requests in $elapsed s ($(python3 -c "print(int($sent / $elapsed))")/s), $answers answers;" \
  "RSS $rss_before KiB before, $rss_after KiB 3 s after; longest audio gap $gap ms of $length ms"

python3 -c "import sys; sys.exit(0 if $sent / $elapsed >= $RATE * 0.95 else 1)" ||
  fail "the flood reached only $sent requests in $elapsed s"
[ "$length" -ge $(( SECONDS_FLOOD * 1000 )) ] || fail "the recording is $length ms, shorter than the flood"
[ "$gap" -le 60 ] || fail "the call's audio had a gap of $gap ms during the flood"
pass "the call's audio had no gap over 60 ms (longest $gap ms) during $sent requests"
max_answers=$(python3 -c "print(int((50 + 10) * $elapsed + 140))")
[ "$answers" -le "$max_answers" ] || fail "$answers answers to $sent unsolicited requests (limit $max_answers)"
pass "answers rate-limited: $answers to $sent requests (owsip is no reflector)"
phone_events p0 | grep -q '"event":"ring","on":true' && fail "the flood rang phone 0"
phone_events p1 | grep -q '"event":"ring","on":true' && fail "the flood rang phone 1"
pass "no phone rang"
[ "$rss_after" -le $(( rss_before + 256 )) ] ||
  fail "owsip's RSS grew from $rss_before KiB to $rss_after KiB"
pass "memory back to the baseline: $rss_before KiB -> $rss_after KiB"
received() {
  "$BIN/owsipctl" -s "$WORK/ctl.sock" --json calls |
    python3 -c 'import json, sys; c = json.load(sys.stdin); print(c[0]["quality"]["packets_received"] if c else 0)'
}
r1=$(received)
sleep 1
r2=$(received)
[ "$r2" -ge $(( r1 + 40 )) ] || fail "the call no longer receives audio ($r1 -> $r2 packets)"
grep -q "call 1 ended" "$WORK/owsip.log" && fail "the call ended during the flood"
"$BIN/owsipctl" -s "$WORK/ctl.sock" accounts | grep -q "registered" || fail "the account lost its registration"
pass "the call goes on and the account is still registered"
ph p0 onhook
stop_owsip
