#!/usr/bin/env bash
# Forwarding by call (features.forward_mode 'call', docs/SERVICES.md): owsip places the
# forwarded call itself and relays it, against Kamailio, baresip and sipp on 127.0.0.1:
# - *72 2003# on the phone; baresip alice (2002, 1000 Hz) calls owsip's account 2001: owsip
#   calls 2003 (baresip bob, 1500 Hz) through the same account with a Diversion header, and
#   when bob answers, answers alice; alice hears 1500 Hz, bob hears 1000 Hz; the phone never
#   rings; owsipctl shows the call as forwarded;
# - alice's key (RFC 4733) reaches bob in-band; alice's BYE ends bob's call; bob's BYE ends
#   alice's call;
# - forwarded to a sipp UAS (the contact *sipp): its INVITE carries From the account, the
#   Diversion header; a 486 from it gives alice 486; its 183 with SDP gives alice owsip's 183
#   with SDP (early media relayed); alice giving up then cancels it (sipp sees CANCEL);
# - *92 2003#: the phone rings for forward_noanswer_delay, then bob is called and answers;
# - the call log names each call forwarded, with how it ended.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
command -v sipp >/dev/null || { echo "SKIP: sipp is not installed (./run setup)"; exit 0; }

UAS=$(free_port)
call_kamailio 2001 2002 2003

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" "option port '0'"
printf '\nconfig contact\n\toption desc %s\n\toption code sipp\n\toption type sip\n\toption dial %s\n' \
  "'sipp target'" "'port-$UAS@owsip.test'" >>"$conf"
printf '\nconfig features\n\toption state_file none\n\toption forward_mode call\n\toption forward_noanswer_delay 5\n' >>"$conf"
start_owsip_registered "$conf" home
phone_start p0 0
baresip_start alice 2002 pw-2002 "$KPORT" 1000
baresip_start bob 2003 pw-2003 "$KPORT" 1500

# star CODE...: off hook, the keys, on hook once the port has the new setting (the
# confirmation tone itself is services_test's).
star() {
  local idle set
  idle=$(count_lines "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE")
  set=$(count_lines "$WORK/owsip.log" "port0: services: ")
  ph p0 offhook "wait 300" "$@"
  wait_for_count "$WORK/owsip.log" "port0: services: " $((set + 1)) 10
  ph p0 "wait 1500" onhook
  wait_for_count "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE" $((idle + 1)) 10
}
# bs_ended NAME N: NAME's baresip log shows N ended calls.
bs_ended() { wait_for_count "$WORK/$1/baresip.log" "session closed|terminated" "$2" 10; }

# --- forward all, by call: audio both ways, alice hangs up ---
star "dial *72" "wait 300" "dial 2003#"
phone_mark p0
bs alice dial "sip:2001@owsip.test" >/dev/null
wait_for_line "$WORK/owsip.log" "forwarded call port0 -> 2003: answered, relaying the audio" 15
wait_for_line "$KAM/kamailio.log" "owsip-it: INVITE from 127.0.0.1:$OPORT .*ruri sip:2003@owsip.test" 5
"$BIN/owsipctl" -s "$WORK/ctl.sock" --json calls >"$WORK/calls-now.json"
python3 - "$WORK/calls-now.json" <<'PY' || fail "owsipctl calls: $(cat "$WORK/calls-now.json")"
import json, sys
calls = json.load(open(sys.argv[1]))
calls = calls.get("calls", calls) if isinstance(calls, dict) else calls
inc = [c for c in calls if c["direction"] == "in"]
out = [c for c in calls if c["direction"] == "out"]
assert len(inc) == 1 and inc[0]["forwarded_to"] == "2003" and inc[0]["state"] == "connected", calls
assert inc[0]["remote"] == "2002", inc
assert len(out) == 1 and out[0]["remote"] == "sip:2003@owsip.test" and out[0]["state"] == "connected", calls
PY
"$BIN/owsipctl" -s "$WORK/ctl.sock" calls | grep -Eq '^0 +in +2002 +home .*connected, forwarded to 2003' ||
  fail "owsipctl calls: $("$BIN/owsipctl" -s "$WORK/ctl.sock" calls)"
sleep 3
check_freq "$(bs_heard alice)" 1500 "alice hearing bob through owsip"
check_freq "$(bs_heard bob)" 1000 "bob hearing alice through owsip"
phone_events p0 | grep -q '"event":"ring' && fail "the phone rang although it forwards every call"
pass "*72 2003#: alice's call is placed to 2003 by owsip, answered; alice hears 1500 Hz, bob 1000 Hz; the phone stays silent; owsipctl calls shows 'connected, forwarded to 2003'"

# A key alice sends (RFC 4733) reaches bob in the audio owsip relays (no DTMF guard there).
bs alice sndcode 7 >/dev/null
wait_for_line "$WORK/owsip.log" "call 1: received DTMF 7" 10
sleep 1
for hz in 852 1209; do
  level=$(python3 "$FREQ" "$(ls -t "$WORK/bob"/dump-*-dec.wav | head -1)" --level $hz)
  python3 -c "import sys; sys.exit(0 if float('$level') > -20 else 1)" ||
    fail "bob did not hear the $hz Hz of alice's key 7: $level dBFS"
done
pass "alice's key 7 (telephone-event) reaches bob in-band (852 and 1209 Hz above -20 dBFS)"

bs alice hangup >/dev/null
bs_ended bob 1
wait_for_line "$WORK/owsip.log" "forwarded call port0 -> 2003: the caller hung up" 5
pass "alice's BYE ends bob's call"

# --- bob hangs up ---
bs alice dial "sip:2001@owsip.test" >/dev/null
wait_for_count "$WORK/owsip.log" "forwarded call port0 -> 2003: answered" 2 15
sleep 1
bs bob hangup >/dev/null
bs_ended alice 2
wait_for_line "$WORK/owsip.log" "forwarded call port0 -> 2003: the target hung up" 5
pass "bob's BYE ends alice's call"

# --- a sipp target: the INVITE on the wire; busy ---
star "dial *72" "wait 300" "dial *7477#"
rm -f "$WORK/uas.msg"
start_bg "$WORK/uas.out" sipp -sf "$SRC/tests/data/sipp/uas_busy.xml" -i 127.0.0.1 -p "$UAS" \
  -m 1 -timeout 30 -trace_msg -message_file "$WORK/uas.msg" -nostdin
uas_pid=$LAST_PID
bs alice dial "sip:2001@owsip.test" >/dev/null
wait_exit "$uas_pid" 15
[ "$EXIT_CODE" -eq 0 ] || fail "sipp UAS (busy): exit $EXIT_CODE: $(tail -5 "$WORK/uas.out")"
grep -q "^INVITE sip:port-$UAS@owsip.test SIP/2.0" "$WORK/uas.msg" || fail "INVITE: $(grep '^INVITE' "$WORK/uas.msg")"
grep -q '^From: <sip:2001@owsip.test>' "$WORK/uas.msg" || fail "From: $(grep '^From' "$WORK/uas.msg" | head -1)"
grep -q '^Diversion: <sip:2001@owsip.test>;reason=unconditional;counter=1' "$WORK/uas.msg" ||
  fail "Diversion: $(grep -i '^Diversion' "$WORK/uas.msg")"
wait_for_line "$WORK/owsip.log" "failed \(486 .*\): the caller gets 486" 5
wait_for_line "$WORK/calls.jsonl" "\"forwarded_to\":\"(sip:)?port-$UAS@owsip.test\".*\"end_cause\":\"forwarded to (sip:)?port-$UAS@owsip.test \(port0 forwards every call\)\",\"end_code\":486" 5
bs_ended alice 3
pass "forwarded to a SIP address: INVITE from 2001 with 'Diversion: <sip:2001@owsip.test>;reason=unconditional;counter=1'; its 486 gives alice 486"

# --- alice gives up while the target rings: CANCEL ---
rm -f "$WORK/uas.msg"
start_bg "$WORK/uas.out" sipp -sf "$SRC/tests/data/sipp/uas_early_cancel.xml" -i 127.0.0.1 -p "$UAS" \
  -m 1 -timeout 30 -trace_msg -message_file "$WORK/uas.msg" -nostdin
uas_pid=$LAST_PID
bs alice dial "sip:2001@owsip.test" >/dev/null
wait_for_line "$WORK/owsip.log" "183 Session Progress" 10
wait_for_line "$WORK/owsip.log" "call [0-9]+: 183 with early media on port0" 5
wait_for_line "$WORK/owsip.log" "sip.trace: send UDP .*SIP/2.0 183 Session Progress" 5
sleep 1
bs alice hangup >/dev/null
wait_exit "$uas_pid" 15
[ "$EXIT_CODE" -eq 0 ] || fail "sipp UAS (cancel): exit $EXIT_CODE: $(tail -5 "$WORK/uas.out")"
grep -q '^CANCEL sip:' "$WORK/uas.msg" || fail "the target saw no CANCEL"
wait_for_line "$WORK/owsip.log" "the caller gave up" 5
pass "the target's 183 with SDP reaches alice as owsip's 183 with SDP (early media relayed); alice giving up cancels the forwarded call (CANCEL, 487)"
star "dial *73"

# --- forward on no answer, by call ---
star "dial *92" "wait 300" "dial 2003#"
phone_mark p0
answered=$(count_lines "$WORK/owsip.log" "forwarded call port0 -> 2003: answered")
t0=$(date +%s.%N)
bs alice dial "sip:2001@owsip.test" >/dev/null
wait_phone p0 '"event":"ring","on":true' 10
wait_for_count "$WORK/owsip.log" "forwarded call port0 -> 2003: answered" $((answered + 1)) 15
t1=$(date +%s.%N)
python3 -c "import sys; d=$t1-$t0; sys.exit(0 if 4.5 < d < 10 else 1)" ||
  fail "forwarded after $(python3 -c "print(round($t1-$t0,1))") s, not forward_noanswer_delay (5 s)"
wait_for_line "$WORK/owsip.log" "call [0-9]+: INVITE sip:2003@owsip.test .*" 5
sleep 2
check_freq "$(bs_heard alice)" 1500 "alice hearing bob after forwarding on no answer"
bs alice hangup >/dev/null
bs_ended bob 3
pass "*92 2003#: the phone rings for 5 s, then owsip calls 2003 and relays it"

# --- the call log ---
wait_for_count "$WORK/calls.jsonl" '"direction":"in"' 5 5
python3 - "$WORK/calls.jsonl" <<'PY' || fail "call log: $(cat "$WORK/calls.jsonl")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
inc = [r for r in recs if r["direction"] == "in"]
out = [r for r in recs if r["direction"] == "out"]
assert inc[0]["end_cause"] == "forwarded to 2003 (port0 forwards every call): remote hangup", inc[0]
assert inc[0]["answer"] and inc[0]["forwarded_to"] == "2003" and inc[0]["port"] == 0, inc[0]
assert inc[0]["quality"]["packets_received"] > 50, inc[0]
assert inc[1]["end_cause"] == "forwarded to 2003 (port0 forwards every call): local hangup", inc[1]
assert inc[2]["end_code"] == 486, inc[2]
assert inc[3]["end_cause"] == "cancelled" and inc[3]["forwarded_to"] and not inc[3]["answer"], inc[3]
assert inc[4]["end_cause"] == "forwarded to 2003 (no answer): remote hangup", inc[4]
assert out[0]["remote"] == "sip:2003@owsip.test" and out[0]["end_cause"] == "local hangup", out[0]
assert out[0]["quality"]["packets_received"] > 50, out[0]
assert out[1]["end_cause"] == "remote hangup", out[1]
PY
pass "the call log: the incoming calls as 'forwarded to 2003 (why): how it ended', the calls owsip placed beside them"
stop_owsip
