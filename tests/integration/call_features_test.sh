#!/usr/bin/env bash
# Both ports, call waiting and internal calls, with two baresip user agents (2002 sends a
# 1000 Hz sine, 2003 a 1600 Hz sine) behind Kamailio on 127.0.0.1:
# - both ports in calls at once, each hearing only its own far end;
# - call waiting: port 0 talks to 2002 when 2003 calls; the call-waiting tone and off-hook
#   caller ID come; flash holds 2002 and answers 2003; flash swaps back; hanging up rings the
#   phone again for the call on hold (recall), which lifting the handset resumes;
# - an internal call **2 from port 0 rings port 1 with caller ID **1; audio both ways;
# - caller ID from SIP as a person reads it (sipp callers): sip:bob@example.org shows the name
#   "bob", a P-Asserted-Identity tel: number comes before From, a Privacy header withholds.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"

call_kamailio 2001 2002 2003

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'" "option cid 'etsi_fsk'"
# Incoming calls for the account ring port 0 only; port 1 calls out through it as the default.
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" "option port '0'"
start_owsip_registered "$conf" home
phone_start p0 0
phone_start p1 1
baresip_start b2 2002 pw-2002 "$KPORT" 1000
baresip_start b3 2003 pw-2003 "$KPORT" 1600

# --- both ports at once ---
phone_mark p0
phone_mark p1
ph p0 offhook "wait 300" "dial 2002#"
ph p1 offhook "wait 300" "dial 2003#"
wait_for_count "$WORK/owsip.log" "call [0-9]+ answered" 2 10
wait_phone_hears p0 1000 10
wait_phone_hears p1 1600 10
sleep 2
phone_not_heard p0 1600
phone_not_heard p1 1000
pass "port 0 talks to 2002 (1000 Hz) and port 1 to 2003 (1600 Hz) at the same time, kept apart"
ph p0 onhook "wait 1000"
ph p1 onhook "wait 1000"
wait_for_count "$WORK/owsip.log" "-> IDLE" 2 10

# --- call waiting, swap, recall ---
phone_mark p0
ph p0 offhook "wait 300" "dial 2002#"
wait_for_line "$WORK/owsip.log" "call 3 answered" 10
wait_phone_hears p0 1000 10
phone_mark p0
ph p0 "record $WORK/cw.wav"
bs b3 dial "sip:2001@owsip.test" >/dev/null
wait_for_line "$WORK/owsip.log" "port0\{CONNECTED\}: -> WAITING" 10
wait_phone p0 '"event":"cid","number":"2003"' 10
sleep 1.5
ph p0 record
sleep 0.5
level=$(python3 "$FREQ" "$WORK/cw.wav" --level 425)
python3 -c "import sys; sys.exit(0 if float('$level') > -35 else 1)" ||
  fail "no call-waiting tone (425 Hz) under the far end's audio: $level dBFS"
pass "a second call gives the call-waiting tone and off-hook caller ID (2003)"

phone_mark p0
ph p0 flash
wait_for_line "$WORK/owsip.log" "port0\{WAITING\}: -> TWO_CALLS" 10
wait_phone_hears p0 1600 10
wait_for_line "$WORK/b2/baresip.log" "got re-INVITE" 10
pass "flash holds 2002 (re-INVITE sendonly) and answers 2003: the phone hears 1600 Hz"

phone_mark p0
ph p0 flash
wait_for_line "$WORK/owsip.log" "swapped: now talking to call 3" 10
wait_phone_hears p0 1000 10
pass "flash again swaps back to 2002 (1000 Hz)"

phone_mark p0
ph p0 onhook
wait_for_line "$WORK/owsip.log" "port0\{TWO_CALLS\}: -> RECALL" 10
wait_phone p0 '"event":"ring","on":true' 10
ph p0 offhook
wait_for_line "$WORK/owsip.log" "port0\{RECALL\}: -> CONNECTED" 10
wait_phone_hears p0 1600 10
pass "hanging up ended 2002's call and rang again for 2003 on hold; lifting the handset resumed it"
ph p0 onhook "wait 1000"
wait_for_count "$WORK/owsip.log" "port0\{CONNECTED\}: -> IDLE" 2 10

# --- internal call ---
phone_mark p0
phone_mark p1
ph p0 offhook "wait 300" "dial **2"
wait_phone p1 '"event":"ring","on":true' 10
wait_phone p1 '"event":"cid","number":"\*\*1"' 10
ph p1 offhook "wait 500" "tone 900 -10"
ph p0 "wait 800" "tone 700 -10"
wait_phone_hears p1 700 10
wait_phone_hears p0 900 10
pass "**2 rang port 1 with caller ID **1; the two phones hear each other (700 Hz, 900 Hz)"
ph p1 silence onhook
wait_phone p0 '"event":"tone","freqs":\[425\]' 10
ph p0 silence onhook
wait_for_line "$WORK/owsip.log" "port0\{BUSY\}: -> IDLE" 10
pass "port 1 hanging up gives port 0 busy tone"

# --- the control interface during a call: calls, hangup ---
ph p0 offhook "wait 300" "dial 2002#"
wait_for_line "$WORK/owsip.log" "call [0-9]+ answered" 10
wait_for_count "$WORK/owsip.log" "call [0-9]+ answered" 5 10
"$BIN/owsipctl" -s "$WORK/ctl.sock" calls >"$WORK/calls.txt"
grep -Eq "^ *0 +out +sip:2002@owsip.test +home +PCMU/8000 .*connected" "$WORK/calls.txt" ||
  fail "owsipctl calls: $(cat "$WORK/calls.txt")"
closed=$(count_lines "$WORK/b2/baresip.log" "session closed")
"$BIN/owsipctl" -s "$WORK/ctl.sock" hangup 0 >"$WORK/hangup.txt"
grep -q "port 0 hung up (was CONNECTED)" "$WORK/hangup.txt" || fail "owsipctl hangup: $(cat "$WORK/hangup.txt")"
wait_for_count "$WORK/b2/baresip.log" "session closed" $((closed + 1)) 10
wait_for_line "$WORK/owsip.log" "port0\{CONNECTED\}: -> BUSY" 5
"$BIN/owsipctl" -s "$WORK/ctl.sock" hangup 1 >"$WORK/hangup1.txt" 2>&1 && fail "hangup of an idle port succeeded"
grep -q "port 1 has no call" "$WORK/hangup1.txt" || fail "owsipctl hangup 1: $(cat "$WORK/hangup1.txt")"
pass "owsipctl calls lists the call; owsipctl hangup 0 ends it (BYE), an idle port is refused"
idle=$(count_lines "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE")
ph p0 onhook

# --- caller ID from SIP identities, decoded by the phone from the FSK ---
wait_for_count "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE" $((idle + 1)) 10
sipp_caller() {  # FROM IDENTITY_HEADER_LINE: one call to 2001 through Kamailio, cancelled
  local withdrawn
  withdrawn=$(count_lines "$WORK/owsip.log" "withdrawn by the caller")
  start_bg "$WORK/cid.out" sipp -sf "$SRC/tests/data/sipp/uac_cid_cancel.xml" -key from "$1" \
    -key identity "$2" -s 2001 -i 127.0.0.1 -p "$(free_port)" -m 1 -timeout 30 -nostdin \
    "127.0.0.1:$KPORT"
  local pid=$LAST_PID
  wait_exit "$pid" 30
  # sipp counts a call that ends in 487 as failed (exit 1); the log says it went as scripted.
  [ "$EXIT_CODE" -le 1 ] || fail "sipp caller $1: exit $EXIT_CODE: $(tail -5 "$WORK/cid.out")"
  wait_for_count "$WORK/owsip.log" "withdrawn by the caller" $((withdrawn + 1)) 5
}
phone_mark p0
sipp_caller '<sip:bob@example.org>' 'Privacy: none'
phone_events p0 | grep -q '"event":"cid","number":"","name":"bob"' ||
  fail "sip:bob@example.org: $(phone_events p0 | grep cid)"
phone_mark p0
sipp_caller '"Alice" <sip:alice@example.org>' 'P-Asserted-Identity: <tel:+49-30-1234567>'
# FSK carries digits only: the '+' of +49-30-1234567 is dropped, the separators too.
phone_events p0 | grep -q '"event":"cid","number":"49301234567","name":"Alice"' ||
  fail "P-Asserted-Identity tel: $(phone_events p0 | grep cid)"
phone_mark p0
sipp_caller '"Alice" <sip:4930111@example.org>' 'Privacy: id'
phone_events p0 | grep -Eq '"event":"cid","number":"","name":"",.*"absence":"withheld"' ||
  fail "Privacy: id: $(phone_events p0 | grep cid)"
pass "caller ID from SIP: bob's name from his SIP user, the asserted tel: number, Privacy withholds"
stop_owsip
