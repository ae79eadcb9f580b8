#!/usr/bin/env bash
# The dial plan against Kamailio, baresip and sipp on 127.0.0.1 (docs/SERVICES.md):
# - digit-map substitution: `92` dialled through `<9:200>[23]` goes out as 2002 (the Request-URI
#   Kamailio receives), reaches baresip 2002 and the phone hears its 1000 Hz;
# - barring: 0900... (a barred `!` alternative) and 0137... (the port's bar_outgoing) never reach
#   the wire, the phone hears congestion at once;
# - emergency numbers: port 1 is `nodial`, yet it gets dial tone and 112 goes out at once;
#   any other key gives congestion;
# - hotline: port 0 lifted and left alone dials its warm line 2003 after 2 s;
# - several accounts: `#4` chooses the account `second` (user 2004) for one call: the INVITE
#   baresip 2002 gets is From 2004;
# - incoming barring: an anonymous sipp caller gets 433 Anonymity Disallowed, a barred number
#   603 Decline; neither rings the phone.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
command -v sipp >/dev/null || { echo "SKIP: sipp is not installed (./run setup)"; exit 0; }

call_kamailio 2001 2002 2003 2004

conf=$WORK/telephony
TLS=$(free_port)

owsip_general "$conf" "$OPORT" "$TLS" "option rtp_port '$RTP_WINDOW'" \
  "option dialplan '<9:200>[23] | 200[23] | 0x.T | 0900x.!'"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" \
  "option keepalive '0'" "option anonymous_reject '1'" "list bar_incoming '0900'"
owsip_account "$conf" second 2004 pw-2004 "127.0.0.1:$KPORT" "option prefix '#4'" \
  "option keepalive '0'"
# Port 0: a warm line (it does not disturb the other calls: they dial within 2 s).
printf "\nconfig port\n\toption id '0'\n\tlist bar_outgoing '0137'\n" >>"$conf"
printf "\toption hotline '2003'\n\toption hotline_delay '2'\n" >>"$conf"
printf "\nconfig port\n\toption id '1'\n\toption nodial '1'\n" >>"$conf"
start_owsip_registered "$conf" home second
phone_start p0 0
phone_start p1 1
baresip_start b2 2002 pw-2002 "$KPORT" 1000
baresip_start b3 2003 pw-2003 "$KPORT" 1600
KLOG=$KAM/kamailio.log
CONGESTION='"event":"tone","freqs":\[425\],"cadence":\[240,240\]'
DIALTONE='"event":"tone","freqs":\[425\],"cadence":\[\]'

# --- substitution on the wire ---
phone_mark p0
ph p0 offhook "wait 300" "dial 92"
wait_for_line "$WORK/owsip.log" "port0: dialled 92" 10
wait_for_line "$KLOG" "owsip-it: INVITE from .* ruri sip:2002@owsip.test" 10
wait_for_line "$WORK/owsip.log" "call [0-9]+ answered" 10
wait_phone_hears p0 1000 10
grep -q "ruri sip:92@" "$KLOG" && fail "the dialled 92 reached Kamailio unsubstituted"
pass "92 through <9:200>[23] went out at once as sip:2002@owsip.test; 2002 answered (1000 Hz)"
ph p0 onhook
wait_for_line "$WORK/owsip.log" "port0\{CONNECTED\}: -> IDLE" 10

# --- outgoing barring: a barred alternative and a barred prefix ---
# The number is refused as soon as it is barred: 0900 of 0900123.
for case in "0900123:0900: 0900 is barred by the dial plan" "0137:0137: barred: prefix 0137 (bar_outgoing of port 0)"; do
  number=${case%%:*} why=${case#*:}
  phone_mark p0
  ph p0 "wait 1000" offhook "wait 300" "dial $number"
  wait_phone p0 "$CONGESTION" 10
  grep -qF "port0: $why" "$WORK/owsip.log" || fail "no log line 'port0: $why'"
  ph p0 onhook
  wait_for_line "$WORK/owsip.log" "port0\{CONGESTION\}: -> IDLE" 10
  grep -q "ruri sip:${number:0:4}" "$KLOG" && fail "$number reached Kamailio"
  pass "$number is refused before the wire (congestion; logged '$why')"
done

# --- a nodial port dials emergency numbers only ---
phone_mark p1
ph p1 offhook
wait_phone p1 "$DIALTONE" 10
ph p1 "wait 300" "dial 112"
wait_for_line "$WORK/owsip.log" "port1: dialled 112 \(emergency number\)" 10
wait_for_line "$KLOG" "owsip-it: INVITE from .* ruri sip:112@owsip.test" 10
pass "nodial port 1 got dial tone and 112 went out at once (Kamailio saw sip:112@owsip.test)"
ph p1 onhook "wait 500"
wait_for_line "$WORK/owsip.log" "port1\{[A-Z_]+\}: -> IDLE" 10
phone_mark p1
ph p1 offhook "wait 300" "dial 2002"
wait_phone p1 "$CONGESTION" 10
grep -q "port1: 2: port 1 is nodial: only emergency numbers" "$WORK/owsip.log" ||
  fail "no log line for the nodial refusal"
ph p1 onhook
pass "nodial port 1: any other key gives congestion"

# --- warm line ---
sleep 0.5
phone_mark p0
t0=$(date +%s.%N)
ph p0 offhook
wait_for_line "$WORK/owsip.log" "port0: hotline 2003" 10
t1=$(date +%s.%N)
phone_events p0 | grep -Eq "$DIALTONE" || fail "no dial tone before the warm line"
python3 -c "import sys; d=$t1-$t0; sys.exit(0 if 1.9 <= d <= 3.5 else 1)" ||
  fail "the warm line dialled after $(python3 -c "print(round($t1-$t0,2))") s, not about 2 s"
wait_for_line "$KLOG" "owsip-it: INVITE from .* ruri sip:2003@owsip.test" 10
wait_phone_hears p0 1600 10
pass "port 0 lifted without a key dialled its warm line 2003 after 2 s; 2003 answered (1600 Hz)"
idle=$(count_lines "$WORK/owsip.log" "port0\{CONNECTED\}: -> IDLE")
ph p0 onhook
wait_for_count "$WORK/owsip.log" "port0\{CONNECTED\}: -> IDLE" $((idle + 1)) 10

# --- a prefix chooses the second account ---
before=$(count_lines "$KLOG" "INVITE from .* ruri sip:2002@owsip.test")
phone_mark p0
ph p0 "wait 1000" offhook "wait 300" "dial #42002"
# Two INVITEs: the first is challenged for credentials (407), the second carries them.
wait_for_count "$KLOG" "INVITE from .* ruri sip:2002@owsip.test" $((before + 2)) 10
wait_phone_hears p0 1000 10
# baresip names the From of the INVITE it answers.
grep -q "answering call on line 1 from sip:2004@owsip.test" "$WORK/b2/baresip.log" ||
  fail "baresip 2002 did not get the call From 2004: $(grep 'answering call' "$WORK/b2/baresip.log")"
grep -q "answering call on line 1 from sip:2001@owsip.test" "$WORK/b2/baresip.log" ||
  fail "the first call (no prefix) did not come From 2001"
ph p0 onhook
wait_for_line "$WORK/calls.jsonl" '"account":"second"' 10
pass "#4 2002 went out through account second: 2002 answered a call From 2004 (without a prefix: 2001)"

# --- incoming barring ---
sipp_refused() {  # FROM IDENTITY_HEADER_LINE: one call to 2001 through Kamailio; the answer's code
  local trace=$WORK/refused-$RANDOM.msg
  start_bg "$WORK/refused.out" sipp -sf "$SRC/tests/data/sipp/uac_refused.xml" -key from "$1" \
    -key identity "$2" -s 2001 -i 127.0.0.1 -p "$(free_port)" -m 1 -timeout 20 -nostdin \
    -trace_msg -message_file "$trace" "127.0.0.1:$KPORT"
  local pid=$LAST_PID
  wait_exit "$pid" 30
  [ "$EXIT_CODE" -eq 0 ] || fail "sipp caller $1: exit $EXIT_CODE: $(tail -5 "$WORK/refused.out")"
  grep -Eo "^SIP/2.0 (433|603) [A-Za-z ]+" "$trace" | head -1
}
phone_mark p0
phone_mark p1
answer=$(sipp_refused '<sip:anonymous@anonymous.invalid>' 'Privacy: id')
[ "$answer" = "SIP/2.0 433 Anonymity Disallowed" ] || fail "an anonymous caller got '$answer'"
grep -q "refused: anonymous caller (anonymous_reject of account home): 433" "$WORK/owsip.log" ||
  fail "the anonymous refusal is not logged"
pass "an anonymous caller (Privacy: id) got 433 Anonymity Disallowed"
answer=$(sipp_refused '"Premium" <sip:09005551234@example.org>' 'Privacy: none')
[ "$answer" = "SIP/2.0 603 Decline" ] || fail "a barred caller got '$answer'"
grep -q "refused: caller 09005551234 barred by '0900' (bar_incoming of account home): 603" "$WORK/owsip.log" ||
  fail "the barred caller's refusal is not logged"
pass "a caller 0900... barred by bar_incoming got 603 Decline"
sleep 1
phone_events p0 | grep -q '"event":"ring","on":true' && fail "a refused caller rang phone 0"
phone_events p1 | grep -q '"event":"ring","on":true' && fail "a refused caller rang phone 1"
pass "no phone rang for a refused caller"
grep -q '"remote":"sip:anonymous@anonymous.invalid",.*"end_cause":"anonymous caller (anonymous_reject of account home)","end_code":433' "$WORK/calls.jsonl" ||
  fail "the call log does not show the 433 refusal"
grep -q '"remote":"09005551234",.*"end_cause":"caller 09005551234 barred by .0900. (bar_incoming of account home)","end_code":603' "$WORK/calls.jsonl" ||
  fail "the call log does not show the 603 refusal"
pass "the call log shows both refusals with their reasons and codes"
stop_owsip
