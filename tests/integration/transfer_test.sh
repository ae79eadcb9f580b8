#!/usr/bin/env bash
# Transfer and hold, with virtual phones on owsip, baresip and sipp behind Kamailio on 127.0.0.1:
# - transferred by the far end (RFC 5589 section 6): the phone calls a sipp "IVR" that REFERs
#   it to baresip; owsip answers 202, NOTIFYs "SIP/2.0 100 Trying" then "SIP/2.0 200 OK"
#   (message/sipfrag, checked by sipp), calls baresip from the same account, and the phone
#   talks to baresip (its 1500 Hz heard by the phone, the phone's 700 Hz by baresip); the
#   IVR's call ends as "transferred" in the call log;
# - a Refer-To with Replaces (attended transfer by the far end): owsip's INVITE carries the
#   unescaped Replaces header (seen by the target sipp);
# - a REFER to a busy target: NOTIFY "SIP/2.0 486 Busy Here", and the phone is connected to
#   the IVR again;
# - hold with flash (re-INVITE a=sendonly seen by a sipp transferee), then blind transfer:
#   flash, dial baresip, hang up while it rings: the consultation call is cancelled and the
#   sipp transferee gets REFER with Refer-To: <sip:2003@owsip.test> and Referred-By, NOTIFYs
#   100 and 200, and the BYE (RFC 5589 section 6.1);
# - attended transfer: flash, dial baresip, it answers (the phone hears its 1500 Hz), hang up:
#   REFER with Refer-To carrying Replaces of the consultation dialog (RFC 5589 section 7);
#   a transferee answering the REFER with 603: the phone rings back with the held call;
# - three-way calling: the phone calls baresip dave (1000 Hz), flash, calls baresip carol
#   (1500 Hz), flash: carol hears dave (and dave carol, by packet count; by frequency when
#   baresip keeps recording after the hold), mixed by owsip; the phone hears
#   dave again; flash drops carol;
# - an INVITE with Replaces naming the phone's call (owsip as an attended transfer's target,
#   RFC 3891): answered at once, the old call gets BYE, the phone talks on with the new caller;
#   a Replaces naming no call gets 481.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
command -v sipp >/dev/null || { echo "SKIP: sipp is not installed (./run setup)"; exit 0; }

IVR=$(free_port)
XFEREE=$(free_port)
OLD=$(free_port)
NEXT=$(free_port)
BUSY=$(free_port)
call_kamailio 2001 2002 2003

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'"
printf '\nconfig contact\n\toption desc %s\n\toption code bob\n\toption type sip\n\toption dial %s\n' \
  "'sipp transferee'" "'port-$XFEREE@owsip.test'" >>"$conf"
printf '\nconfig contact\n\toption desc %s\n\toption code old\n\toption type sip\n\toption dial %s\n' \
  "'sipp old'" "'port-$OLD@owsip.test'" >>"$conf"
printf '\nconfig contact\n\toption desc %s\n\toption code ivr\n\toption type sip\n\toption dial %s\n' \
  "'sipp ivr'" "'port-$IVR@owsip.test'" >>"$conf"
start_owsip_registered "$conf" home
phone_start p0 0
baresip_start carol 2003 pw-2003 "$KPORT" 1500
baresip_start dave 2002 pw-2002 "$KPORT" 1000

# notify_bodies NAME: the sipfrag status lines of the NOTIFYs the IVR NAME received, with their
# Subscription-State, one per line: "active SIP/2.0 100 Trying".
notify_bodies() {
  python3 - "$WORK/$1.msg" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
for block in text.split("-----------------------------------------------")[1:]:
    if "message received" not in block:
        continue
    msg = block.split("\n", 3)[-1].lstrip("\n")
    if not msg.startswith("NOTIFY "):
        continue
    head, _, body = msg.partition("\n\n")
    state = re.search(r"^Subscription-State: *([a-z]+)", head, re.M | re.I)
    print((state.group(1) if state else "-") + " " + body.strip().splitlines()[0])
PY
}

port0_state() {
  "$BIN/owsipctl" -s "$WORK/ctl.sock" --json ports | python3 -c '
import json, sys
print([x for x in json.load(sys.stdin) if x["port"] == 0][0]["state"])'
}

# ivr NAME REFER_TO: a sipp transferor on port IVR for one call.
ivr() {
  start_bg "$WORK/$1.out" sipp -sf "$SRC/tests/data/sipp/uas_refer.xml" -i 127.0.0.1 -p "$IVR" \
    -m 1 -timeout 30 -trace_msg -message_file "$WORK/$1.msg" -trace_err -error_file "$WORK/$1.err" -nostdin \
    -key refer_to "$2"
  IVR_PID=$LAST_PID
}

# --- transferred to baresip ---
ivr ivr1 "<sip:2003@owsip.test>"
phone_mark p0
ph p0 offhook "wait 300" "dial *487"   # *ivr
wait_for_line "$WORK/owsip.log" "call 1 answered" 10
wait_for_line "$WORK/owsip.log" "call 1: REFER to sip:2003@owsip.test accepted \(202\)" 10
wait_for_line "$WORK/owsip.log" "port0\{CONNECTED\}: event TRANSFER" 5
wait_for_line "$WORK/owsip.log" "call 2: INVITE sip:2003@owsip.test" 5
wait_for_line "$WORK/owsip.log" "call 2 answered" 10
wait_exit "$IVR_PID" 15
[ "$EXIT_CODE" -eq 0 ] || fail "sipp IVR: exit $EXIT_CODE: $(tail -5 "$WORK/ivr1.out")"
bodies=$(notify_bodies ivr1)
[ "$bodies" = $'active SIP/2.0 100 Trying\nactive SIP/2.0 180 Ringing\nterminated SIP/2.0 200 OK' ] ||
  fail "the IVR got these NOTIFYs: $bodies"
grep -qi "^Content-Type: message/sipfrag" "$WORK/ivr1.msg" || fail "the NOTIFYs are not message/sipfrag"
pass "REFER: 202, NOTIFY 'SIP/2.0 100 Trying' (active), 'SIP/2.0 180 Ringing' (active, while the target rang), 'SIP/2.0 200 OK' (terminated), seen by the IVR"
phone_mark p0
ph p0 "tone 700 -10"
wait_phone_hears p0 1500 10
sleep 2
check_freq "$(bs_heard carol)" 700 "baresip hearing the phone after the transfer"
[ "$(port0_state)" = CONNECTED ] || fail "port 0 is $(port0_state) after the transfer"
pass "the phone talks to the transfer target: it hears baresip's 1500 Hz, baresip hears its 700 Hz"
wait_for_line "$WORK/owsip.log" "call 1 ended: transferred" 5
pass "the IVR's call ended as transferred"
ph p0 silence onhook
wait_for_line "$WORK/carol/baresip.log" "session closed|terminated|Call with .* terminated" 10
wait_for_line "$WORK/owsip.log" "port0\{CONNECTED\}: -> IDLE" 5
"$BIN/owsipctl" -s "$WORK/ctl.sock" --json calls --log 5 | python3 -c '
import json, sys
log = json.load(sys.stdin)
causes = {str(c.get("remote")): c.get("end_cause") for c in log}
assert any(v == "transferred" for v in causes.values()), causes' ||
  fail "the call log does not show the IVR call as transferred"
pass "on-hook ends the new call; the call log shows the first call as transferred"

# --- Refer-To with Replaces: the INVITE carries it ---
start_bg "$WORK/next.out" sipp -sf "$SRC/tests/data/sipp/uas_answer.xml" -i 127.0.0.1 -p "$NEXT" \
  -m 1 -timeout 30 -trace_msg -message_file "$WORK/next.msg" -nostdin
NEXT_PID=$LAST_PID
ivr ivr2 "<sip:port-$NEXT@owsip.test?Replaces=abc%40h.test%3Bto-tag%3D7743%3Bfrom-tag%3D6472>"
ph p0 "wait 500" offhook "wait 300" "dial *487"
wait_exit "$IVR_PID" 15
[ "$EXIT_CODE" -eq 0 ] || fail "sipp IVR (Replaces): exit $EXIT_CODE: $(tail -5 "$WORK/ivr2.out")"
grep -q "^Replaces: abc@h.test;to-tag=7743;from-tag=6472" "$WORK/next.msg" ||
  fail "the transfer's INVITE has no Replaces header: $(grep -m1 -A12 '^INVITE' "$WORK/next.msg")"
ph p0 "wait 500" onhook
wait_exit "$NEXT_PID" 10
[ "$EXIT_CODE" -eq 0 ] || fail "sipp target: exit $EXIT_CODE: $(tail -5 "$WORK/next.out")"
pass "Refer-To with Replaces: the new INVITE carries 'Replaces: abc@h.test;to-tag=7743;from-tag=6472'"

# --- a busy target: the phone gets the IVR back ---
start_bg "$WORK/busy.out" sipp -sf "$SRC/tests/data/sipp/uas_busy.xml" -i 127.0.0.1 -p "$BUSY" \
  -m 1 -timeout 30 -nostdin
BUSY_PID=$LAST_PID
ivr ivr3 "<sip:port-$BUSY@owsip.test>"
n=$(count_lines "$WORK/owsip.log" "transfer failed \(486\): back to the port")
ph p0 "wait 500" offhook "wait 300" "dial *487"
wait_for_count "$WORK/owsip.log" "transfer failed \(486\): back to the port" $((n + 1)) 15
wait_exit "$IVR_PID" 15
[ "$EXIT_CODE" -eq 0 ] || fail "sipp IVR (busy target): exit $EXIT_CODE: $(tail -5 "$WORK/ivr3.out")"
wait_exit "$BUSY_PID" 10
bodies=$(notify_bodies ivr3)
[ "$bodies" = $'active SIP/2.0 100 Trying\nterminated SIP/2.0 486 Busy Here' ] ||
  fail "the IVR got these NOTIFYs for the busy target: $bodies"
grep -Eq "port0\{(CALLING|RINGBACK|EARLY_MEDIA)\}: event TRANSFER_FAILED" "$WORK/owsip.log" ||
  fail "the port was not told of the failed transfer"
pass "a busy transfer target: NOTIFY 'SIP/2.0 486 Busy Here', the phone is connected to the IVR again"
phone_mark p0
wait_phone p0 '"event":"tone","freqs":\[425\],"cadence":\[480,480\]' 10  # the IVR's BYE
ph p0 onhook
pass "the IVR's BYE after the failed transfer gives the phone busy tone"

# transferee NAME: a sipp transferee on port XFEREE for one call.
transferee() {
  start_bg "$WORK/$1.out" sipp -sf "$SRC/tests/data/sipp/uas_transferee.xml" -i 127.0.0.1 \
    -p "$XFEREE" -m 1 -timeout 40 -trace_msg -message_file "$WORK/$1.msg" -trace_err \
    -error_file "$WORK/$1.err" -nostdin
  XFEREE_PID=$LAST_PID
}
# refer_to NAME: the Refer-To of the REFER the transferee NAME received.
refer_to() { grep -m1 -i "^Refer-To:" "$WORK/$1.msg" | tr -d '\r' | sed -E 's/^[^:]*: *//'; }

# --- hold, then blind transfer while the consultation call rings ---
# carol_ended N: waits until baresip carol's log shows more than N ended calls.
CAROL_END="terminated|session closed"
carol_ended() { wait_for_count "$WORK/carol/baresip.log" "$CAROL_END" $(($1 + 1)) 10; }

bs carol answermode manual >/dev/null || fail "baresip: answermode manual"
transferee x1
ph p0 "wait 1000" offhook "wait 300" "dial *262"   # *bob
wait_for_line "$WORK/owsip.log" "port0\{CALLING\}: -> CONNECTED" 10
n=$(count_lines "$WORK/owsip.log" "port0\{CONNECTED\}: -> HOLD_DIAL_TONE")
phone_mark p0
ph p0 "wait 500" flash
wait_phone p0 '"event":"tone","freqs":\[425\],"cadence":\[\]' 5   # dial tone
wait_for_count "$WORK/owsip.log" "port0\{CONNECTED\}: -> HOLD_DIAL_TONE" $((n + 1)) 5
pass "flash in a call holds it (re-INVITE a=sendonly, checked by sipp) and gives dial tone"
n=$(count_lines "$WORK/carol/baresip.log" "Incoming call from")
ph p0 "dial 2003#"
wait_for_count "$WORK/carol/baresip.log" "Incoming call from" $((n + 1)) 10
wait_for_line "$WORK/owsip.log" "port0\{CONSULT_CALLING\}: -> CONSULT_CALLING|port0\{CONSULT_CALLING\}: event RINGING" 10
ended=$(count_lines "$WORK/carol/baresip.log" "$CAROL_END")
ph p0 onhook
wait_for_line "$WORK/owsip.log" "port0\{TRANSFERRING\}: event TRANSFER_DONE" 10
wait_exit "$XFEREE_PID" 15
[ "$EXIT_CODE" -eq 0 ] || fail "sipp transferee (blind): exit $EXIT_CODE: $(cat "$WORK/x1.err" 2>/dev/null | tail -3)"
[ "$(refer_to x1)" = "<sip:2003@owsip.test>" ] || fail "blind transfer: Refer-To is '$(refer_to x1)'"
grep -qi "^Referred-By: <sip:2001@owsip.test>" "$WORK/x1.msg" || fail "the REFER has no Referred-By"
wait_for_line "$WORK/owsip.log" "port0\{TRANSFERRING\}: -> IDLE" 5
carol_ended "$ended"
pass "blind transfer: the ringing consultation call was cancelled, REFER with Refer-To: <sip:2003@owsip.test>, NOTIFY 200, BYE"

# --- attended transfer ---
bs carol answermode auto >/dev/null || fail "baresip: answermode auto"
transferee x2
ph p0 "wait 1000" offhook "wait 300" "dial *262"
n=$(count_lines "$WORK/owsip.log" "port0\{CONSULT_CALLING\}: -> CONSULTING")
ph p0 "wait 1500" flash "wait 500" "dial 2003#"
wait_for_count "$WORK/owsip.log" "port0\{CONSULT_CALLING\}: -> CONSULTING" $((n + 1)) 10
phone_mark p0
wait_phone_hears p0 1500 10
ended=$(count_lines "$WORK/carol/baresip.log" "$CAROL_END")
pass "the consultation call is answered: the phone hears baresip's 1500 Hz while the first call is held"
ph p0 onhook
wait_exit "$XFEREE_PID" 15
[ "$EXIT_CODE" -eq 0 ] || fail "sipp transferee (attended): exit $EXIT_CODE: $(cat "$WORK/x2.err" 2>/dev/null | tail -3)"
rt=$(refer_to x2)
[[ "$rt" =~ ^\<sip:2003@owsip.test\?Replaces=[^%\>]+%3Bto-tag%3D[^%\>]+%3Bfrom-tag%3D[^%\>]+\>$ ]] ||
  fail "attended transfer: Refer-To is '$rt'"
wait_for_line "$WORK/owsip.log" "port0\{TRANSFERRING\}: -> IDLE" 5
wait_for_line "$WORK/owsip.log" "kept for the transfer's target to replace" 5
pass "attended transfer: REFER with Refer-To '$rt' (Replaces of the consultation dialog), NOTIFY 200, BYE"
# Nobody replaced the consultation dialog here (the transferee is sipp): owsip ends it.
wait_for_line "$WORK/owsip.log" "BYE to the consultation call" 10
carol_ended "$ended"
pass "the consultation dialog nobody replaced gets owsip's BYE 2 s after the transfer succeeded"

# --- the transferee refuses the REFER: the phone rings back with the held call ---
start_bg "$WORK/x3.out" sipp -sf "$SRC/tests/data/sipp/uas_transferee_refuses.xml" -i 127.0.0.1 \
  -p "$XFEREE" -m 1 -timeout 40 -trace_msg -message_file "$WORK/x3.msg" -trace_err \
  -error_file "$WORK/x3.err" -nostdin
XFEREE_PID=$LAST_PID
n=$(count_lines "$WORK/owsip.log" "port0\{CONSULT_CALLING\}: -> CONSULTING")
ph p0 "wait 1000" offhook "wait 300" "dial *262" "wait 1500" flash "wait 500" "dial 2003#"
wait_for_count "$WORK/owsip.log" "port0\{CONSULT_CALLING\}: -> CONSULTING" $((n + 1)) 10
phone_mark p0
ended=$(count_lines "$WORK/carol/baresip.log" "$CAROL_END")
ph p0 onhook
wait_for_line "$WORK/owsip.log" "port0\{TRANSFERRING\}: event TRANSFER_FAILED" 10
carol_ended "$ended"   # the consultation call ends at once when the transfer fails
wait_phone p0 '"event":"ring","on":true' 10
pass "a REFER answered 603: the phone rings back with the held call (RECALL)"
ph p0 offhook
wait_for_line "$WORK/owsip.log" "port0\{RECALL\}: -> CONNECTED" 5
ph p0 "wait 500" onhook
wait_exit "$XFEREE_PID" 15
[ "$EXIT_CODE" -eq 0 ] || fail "sipp transferee (refusing): exit $EXIT_CODE: $(cat "$WORK/x3.err" 2>/dev/null | tail -3)"
pass "lifting the handset resumes the held call (re-INVITE sendrecv, checked by sipp); on-hook sends BYE"

# --- three-way calling ---
n=$(count_lines "$WORK/owsip.log" "port0\{CONSULT_CALLING\}: -> CONSULTING")
ph p0 "wait 1000" offhook "wait 300" "dial 2002#"
phone_mark p0
wait_phone_hears p0 1000 10
ph p0 flash "wait 500" "dial 2003#"
wait_for_count "$WORK/owsip.log" "port0\{CONSULT_CALLING\}: -> CONSULTING" $((n + 1)) 10
ph p0 "wait 1000" flash
wait_for_line "$WORK/owsip.log" "port0\{CONSULTING\}: -> CONFERENCE" 5
phone_mark p0
wait_phone_hears p0 1000 10   # dave is back, no longer on hold
dave_rec=$(ls -t "$WORK/dave"/dump-*-dec.wav | head -1)
dave_size=$(stat -c %s "$dave_rec")
sleep 3
check_freq "$(bs_heard carol)" 1000 "carol hearing dave in the conference"
pass "three-way calling: carol hears dave's 1000 Hz (the resumed call's audio mixed into the other call), the phone hears dave"
# dave's direction: baresip 1.0 stops its decode recording at the hold re-INVITE and does not
# start it again on the resume, so the content is checked only when the recording went on;
# that owsip sends dave the conference is checked from its packet count either way.
dave_sent() {
  "$BIN/owsipctl" -s "$WORK/ctl.sock" --json calls | python3 -c '
import json, sys
print([c for c in json.load(sys.stdin) if c["remote"] == "sip:2002@owsip.test"][0]["quality"]["packets_sent"])'
}
sent0=$(dave_sent)
sleep 2
sent1=$(dave_sent)
[ $((sent1 - sent0)) -ge 80 ] || fail "owsip sent dave $((sent1 - sent0)) packets in 2 s of conference"
if [ "$(stat -c %s "$dave_rec")" -gt "$dave_size" ]; then
  check_freq "$(bs_heard dave)" 1500 "dave hearing carol in the conference"
  pass "dave hears carol's 1500 Hz"
else
  pass "owsip sends dave the conference ($((sent1 - sent0)) packets in 2 s; baresip stopped recording at the hold, so not checked by frequency)"
fi
ended=$(count_lines "$WORK/carol/baresip.log" "$CAROL_END")
ph p0 flash
wait_for_line "$WORK/owsip.log" "port0\{CONFERENCE\}: -> CONNECTED" 5
carol_ended "$ended"
phone_mark p0
wait_phone_hears p0 1000 10
ph p0 onhook
wait_for_line "$WORK/owsip.log" "port0\{CONNECTED\}: -> IDLE" 5
pass "flash in the conference drops the party added last (BYE to carol), the phone talks on with dave"

# --- an INVITE with Replaces takes over the phone's call ---
start_bg "$WORK/old.out" sipp -sf "$SRC/tests/data/sipp/uas_answer.xml" -i 127.0.0.1 -p "$OLD" \
  -m 1 -timeout 30 -trace_msg -message_file "$WORK/old.msg" -nostdin
OLD_PID=$LAST_PID
n=$(count_lines "$WORK/owsip.log" "answered$")
ph p0 "wait 1000" offhook "wait 300" "dial *653"   # *old
wait_for_count "$WORK/owsip.log" "call [0-9]+ answered$" $((n + 1)) 10
sleep 0.5
# The dialog as sipp (the old party) sees it: Call-ID, owsip's From tag, sipp's To tag.
replaces=$(python3 - "$WORK/old.msg" <<'PY'
import re, sys
t = open(sys.argv[1], errors="replace").read()
cid = re.search(r"^Call-ID: *(\S+)", t, re.M | re.I).group(1)
ftag = re.search(r"^From:.*;tag=([^;\s>]+)", t, re.M | re.I).group(1)
ttag = re.search(r"^SIP/2.0 200 OK[\s\S]*?^To:.*;tag=([^;\s>]+)", t, re.M | re.I).group(1)
print("%s;to-tag=%s;from-tag=%s" % (cid, ftag, ttag))
PY
)
# sipp's injection file separates fields with ';': Call-ID;to-tag;from-tag.
{ echo SEQUENTIAL; sed -E 's/;to-tag=|;from-tag=/;/g' <<<"$replaces"; } >"$WORK/replaces.csv"
start_bg "$WORK/new.out" sipp -sf "$SRC/tests/data/sipp/uac_replaces.xml" -s 2001 -i 127.0.0.1 \
  -p "$(free_port)" -m 1 -timeout 30 -inf "$WORK/replaces.csv" -trace_msg \
  -message_file "$WORK/new.msg" -nostdin "127.0.0.1:$KPORT"
NEW_PID=$LAST_PID
wait_for_line "$WORK/owsip.log" "replaces call [0-9]+ \(RFC 3891\)" 10
wait_exit "$OLD_PID" 10
[ "$EXIT_CODE" -eq 0 ] || fail "the replaced party (sipp): exit $EXIT_CODE: $(tail -5 "$WORK/old.out")"
[ "$(port0_state)" = CONNECTED ] || fail "port 0 is $(port0_state) after the Replaces"
grep -q "^Replaces: $replaces" "$WORK/new.msg" || fail "the INVITE did not carry Replaces: $replaces"
pass "an INVITE with Replaces ($replaces) is answered at once, the replaced call gets BYE, the port stays CONNECTED"
ph p0 "wait 500" onhook
wait_exit "$NEW_PID" 10
[ "$EXIT_CODE" -eq 0 ] || fail "the replacing caller (sipp): exit $EXIT_CODE: $(tail -5 "$WORK/new.out")"
pass "on-hook ends the replacing call (BYE)"

# The same Replaces again: that dialog is gone, so 481 (RFC 3891 section 3) and no phone rings.
phone_mark p0
start_bg "$WORK/new2.out" sipp -sf "$SRC/tests/data/sipp/uac_replaces.xml" -s 2001 -i 127.0.0.1 \
  -p "$(free_port)" -m 1 -timeout 10 -inf "$WORK/replaces.csv" -trace_msg \
  -message_file "$WORK/new2.msg" -nostdin "127.0.0.1:$KPORT"
NEW_PID=$LAST_PID
wait_for_line "$WORK/new2.msg" "^SIP/2.0 481" 10
kill "$NEW_PID" 2>/dev/null || true
wait_exit "$NEW_PID" 10
phone_events p0 | grep -q '"event":"ring","on":true' && fail "a Replaces of no call rang the phone"
pass "an INVITE with Replaces of a dialog that no longer exists gets 481, no phone rings"
stop_owsip
