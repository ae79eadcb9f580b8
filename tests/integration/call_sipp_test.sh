#!/usr/bin/env bash
# Contacts, busy and ghost calls, with sipp user agents behind Kamailio on 127.0.0.1:
# - a contact dialled with letters (`*sipp` = *7477) reaches a sipp UAS at the contact's SIP
#   address, is answered, and the phone's on-hook sends the BYE sipp waits for;
# - a contact whose UAS answers 486 gives the phone busy tone;
# - owsipctl hangup while the far end has sent only 100 Trying (CALLING) and while it plays
#   early media (EARLY_MEDIA): owsip CANCELs, the phone still off hook hears busy tone;
# - behind a NAT (a STUN server here that answers 198.51.100.7), the SDP names the public
#   address learned by STUN;
# - ghost calls: an INVITE that does not come from the registrar, or that comes through it
#   without owsip's contact user, gets 403 and no phone rings; a burst of them gets at most a
#   rate-limited number of answers.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
command -v sipp >/dev/null || { echo "SKIP: sipp is not installed (./run setup)"; exit 0; }

UAS=$(free_port)
BUSY=$(free_port)
SLOW=$(free_port)
call_kamailio 2001

STUN=$(free_port)
# A STUN server that says every client is at 198.51.100.7 (a NAT's public side).
python3 "$SRC/tests/integration/fake_stun.py" "$STUN" 198.51.100.7 120 >"$WORK/stun.log" 2>&1 &
PIDS+=("$!")

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'"
printf '\nconfig contact\n\toption desc %s\n\toption code sipp\n\toption type sip\n\toption dial %s\n' \
  "'sipp answering'" "'port-$UAS@owsip.test'" >>"$conf"
printf '\nconfig contact\n\toption desc %s\n\toption code busy\n\toption type sip\n\toption dial %s\n' \
  "'sipp busy'" "'port-$BUSY@owsip.test'" >>"$conf"
printf '\nconfig contact\n\toption desc %s\n\toption code slow\n\toption type sip\n\toption dial %s\n' \
  "'sipp slow'" "'port-$SLOW@owsip.test'" >>"$conf"
printf '\nconfig stun\n\toption host 127.0.0.1\n\toption port %s\n' "$STUN" >>"$conf"
start_owsip_registered "$conf" home
phone_start p0 0
phone_start p1 1

# --- a contact with letters reaches sipp ---
start_bg "$WORK/uas.out" sipp -sf "$SRC/tests/data/sipp/uas_answer.xml" -i 127.0.0.1 -p "$UAS" \
  -m 1 -timeout 30 -trace_msg -message_file "$WORK/uas.msg" -nostdin
UAS_PID=$LAST_PID
phone_mark p0
ph p0 offhook "wait 300" "dial *7477"
wait_for_line "$WORK/owsip.log" "dialled \*7477 = sipp answering" 10
wait_for_line "$WORK/owsip.log" "call 1 answered" 10
grep -q "INVITE sip:port-$UAS@owsip.test SIP/2.0" "$WORK/uas.msg" || fail "sipp got no INVITE for the contact"
grep -Eq "stun: public address 198.51.100.7:[0-9]+ \(local 127.0.0.1:[0-9]+\)" "$WORK/owsip.log" || fail "no STUN address learned"
grep -q "^c=IN IP4 198.51.100.7" "$WORK/uas.msg" || fail "the SDP does not carry the STUN address"
ph p0 "wait 500" onhook
wait_exit "$UAS_PID" 10
[ "$EXIT_CODE" -eq 0 ] || fail "sipp UAS: exit $EXIT_CODE: $(tail -5 "$WORK/uas.out")"
pass "*sipp (letters on the keypad) called the contact's SIP address; sipp saw INVITE, ACK and BYE"
pass "the SDP names the public address learned by STUN (198.51.100.7)"

# --- a busy contact ---
start_bg "$WORK/busy.out" sipp -sf "$SRC/tests/data/sipp/uas_busy.xml" -i 127.0.0.1 -p "$BUSY" \
  -m 1 -timeout 30 -nostdin
BUSY_PID=$LAST_PID
phone_mark p0
ph p0 offhook "wait 300" "dial *2879"
wait_phone p0 '"event":"tone","freqs":\[425\],"cadence":\[480,480\]' 10
ph p0 onhook
wait_exit "$BUSY_PID" 10
pass "a contact answering 486 gives busy tone (425 Hz, 480/480 ms)"

# --- owsipctl hangup while the far end has not answered: CANCEL, busy tone ---
port0_state() {
  "$BIN/owsipctl" -s "$WORK/ctl.sock" --json ports | python3 -c '
import json, sys
p = [x for x in json.load(sys.stdin) if x["port"] == 0][0]
print(p["state"], p["calls"], p.get("fault", "-"))'
}
for scenario in trying:CALLING early:EARLY_MEDIA; do
  xml=${scenario%%:*} state=${scenario#*:}
  start_bg "$WORK/$xml.out" sipp -sf "$SRC/tests/data/sipp/uas_${xml}_cancel.xml" -i 127.0.0.1 \
    -p "$SLOW" -m 1 -timeout 30 -nostdin
  SLOW_PID=$LAST_PID
  ph p0 "wait 1000" offhook "wait 300" "dial *7569"  # *slow (after a pause: no flash)
  for ((i = 0; i < 100; i++)); do
    [ "$(port0_state)" = "$state 1 -" ] && break
    sleep 0.1
  done
  [ "$(port0_state)" = "$state 1 -" ] || fail "port 0 is '$(port0_state)', not in $state with its call"
  phone_mark p0
  "$BIN/owsipctl" -s "$WORK/ctl.sock" hangup 0 | grep -q "was $state" || fail "hangup in $state"
  wait_phone p0 '"event":"tone","freqs":\[425\],"cadence":\[480,480\]' 10
  wait_exit "$SLOW_PID" 10
  [ "$EXIT_CODE" -eq 0 ] || fail "sipp ($xml): exit $EXIT_CODE: $(tail -5 "$WORK/$xml.out")"
  [ "$(port0_state)" = "BUSY 0 -" ] || fail "after the hangup in $state port 0 is '$(port0_state)'"
  ph p0 flash "dial 5" onhook
  for ((i = 0; i < 50; i++)); do [ "$(port0_state)" = "IDLE 0 -" ] && break; sleep 0.1; done
  [ "$(port0_state)" = "IDLE 0 -" ] || fail "port 0 is '$(port0_state)' after on-hook"
  pass "owsipctl hangup in $state: sipp saw the CANCEL, the phone heard busy tone, then idle"
done

# --- ghost calls ---
contact=$(kam_contacts "$KAM" | awk '$1 == "2001" { print $2 }' | head -1)
cuser=$(sed -E 's/^sip:([^@]+)@.*/\1/' <<<"$contact")
[[ "$cuser" =~ ^u[0-9a-f]{16}$ ]] || fail "unexpected contact '$contact'"
phone_mark p0
phone_mark p1
ghost() {  # USER COUNT [PORT]: COUNT INVITEs for USER to PORT (owsip's); prints the answers' codes
  python3 - "${3:-$OPORT}" "$1" "$2" <<'PY'
import socket, sys, time
port, user, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); s.settimeout(0.5)
me = s.getsockname()[1]
sdp = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
for i in range(count):
    msg = ("INVITE sip:%s@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKghost%d\r\n"
           "From: \"scanner\" <sip:100@127.0.0.1>;tag=g%d\r\nTo: <sip:%s@127.0.0.1>\r\n"
           "Call-ID: ghost-%d-%d\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nUser-Agent: owsip-it-trusted\r\n"
           "Contact: <sip:100@127.0.0.1:%d>\r\nContent-Type: application/sdp\r\n"
           "Content-Length: %d\r\n\r\n%s") % (user, port, me, i, i, user, me, i, me, len(sdp), sdp)
    s.sendto(msg.encode(), ("127.0.0.1", port))
codes = []
end = time.time() + 2
while time.time() < end:
    try:
        codes.append(s.recv(4096).decode().split()[1])
    except socket.timeout:
        break
print(" ".join(codes))
PY
}
codes=$(ghost "$cuser" 1)
[ "$codes" = "403" ] || fail "an INVITE with the right contact user from a stranger got '$codes', not 403"
codes=$(ghost 2001 1)
[ "$codes" = "403" ] || fail "an INVITE for the username from a stranger got '$codes', not 403"
grep -q "refused (403): comes from udp:127.0.0.1:[0-9]*, not from account home's registrar" "$WORK/owsip.log" ||
  fail "the refusal was not logged with its reason"
pass "INVITEs from an address that is not the registrar get 403, logged with the option that would accept them"

# Through the registrar but without the contact user: Kamailio relays port-N straight to owsip.
codes=$(ghost "port-$OPORT" 1 "$KPORT")
[[ "$codes" == *403* ]] || fail "an INVITE through the registrar for a wrong user got '$codes', not 403"
grep -q "INVITE for '2001' refused (403): Request-URI user '2001' is not the contact of any account; .option inbound_uri user. would accept it" \
  "$WORK/owsip.log" || fail "the refusal of a wrong Request-URI was not logged"
pass "an INVITE through the registrar without the contact user gets 403"

codes=$(ghost "$cuser" 100)
n=$(wc -w <<<"$codes")
[ "$n" -le 30 ] || fail "a burst of 100 ghost INVITEs got $n answers (rate limit 10/s, burst 20)"
[ "$n" -ge 5 ] || fail "a burst of 100 ghost INVITEs got only $n answers"
pass "a burst of 100 ghost INVITEs got $n answers (rate-limited)"
sleep 1
phone_events p0 | grep -q '"event":"ring","on":true' && fail "a ghost call rang phone 0"
phone_events p1 | grep -q '"event":"ring","on":true' && fail "a ghost call rang phone 1"
pass "no phone rang for a ghost call"
stop_owsip
