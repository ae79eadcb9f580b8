#!/usr/bin/env bash
# Message waiting from the provider (RFC 3842; docs/VOICEMAIL.md), against Kamailio and sipp on
# 127.0.0.1, seen by a virtual phone:
# - the account subscribes to message-summary once registered (Event, Accept on the wire); the
#   notifier's NOTIFY "Messages-Waiting: yes" lights the idle phone's indicator (ETSI FSK
#   message 0x82, decoded by the phone) and gives stutter dial tone; "no" clears both;
# - an unsolicited NOTIFY routed by the registrar to owsip's contact sets and clears it too;
# - the same NOTIFY sent straight to owsip by a stranger is refused (481) and changes nothing;
# - *97 dials the account's voicemail number.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
command -v sipp >/dev/null || { echo "SKIP: sipp is not installed (./run setup)"; exit 0; }

VM=$(free_port)
call_kamailio 2001
conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'" "option cid 'etsi_fsk'"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" \
  "option mailbox 'port-$VM'" "option voicemail 'port-$VM'"

# --- the subscription ---
start_bg "$WORK/vm.out" sipp -sf "$SRC/tests/data/sipp/uas_mwi.xml" -i 127.0.0.1 -p "$VM" \
  -m 1 -timeout 40 -trace_msg -message_file "$WORK/vm.msg" -nostdin
VM_PID=$LAST_PID
start_owsip_registered "$conf" home
phone_start p0 0
wait_for_line "$WORK/owsip.log" "sip.mwi: home: 2 new, 0 old voice messages" 15
wait_phone p0 '"event":"mwi","on":true' 10
grep -q '^SUBSCRIBE sip:port-'"$VM"'@owsip.test' "$WORK/vm.msg" || fail "SUBSCRIBE: $(grep -m1 SUBSCRIBE "$WORK/vm.msg")"
grep -qi '^Accept: application/simple-message-summary' "$WORK/vm.msg" || fail "no Accept in the SUBSCRIBE"
"$BIN/owsipctl" -s "$WORK/ctl.sock" accounts | grep -q '2 new, 0 old voice messages' ||
  fail "owsipctl accounts: $("$BIN/owsipctl" -s "$WORK/ctl.sock" accounts)"
pass "SUBSCRIBE message-summary once registered; NOTIFY 'yes' lights the phone's indicator (FSK MWI)"

phone_mark p0
ph p0 offhook "wait 800"
wait_phone p0 '"event":"tone","freqs":\[400,425\]' 5  # Germany's special dial tone
ph p0 onhook
pass "with messages waiting the dial tone is the special (stutter) one"

wait_for_line "$WORK/owsip.log" "sip.mwi: home: 0 new, 2 old voice messages" 15
wait_phone p0 '"event":"mwi","on":false' 10
wait_exit "$VM_PID" 15
[ "$EXIT_CODE" -eq 0 ] || fail "sipp notifier: exit $EXIT_CODE: $(tail -5 "$WORK/vm.out")"
phone_mark p0
ph p0 offhook "wait 800"
wait_phone p0 '"event":"tone","freqs":\[425\]' 5  # the normal dial tone again
ph p0 onhook
pass "NOTIFY 'no' clears the indicator and the stutter tone; the subscription's end is answered"

# --- unsolicited NOTIFYs, as many providers send them ---
notify() {  # WHERE WAITING: one NOTIFY for 2001; sets ANSWER
  rm -f "$WORK/n.msg"
  start_bg "$WORK/n.out" sipp -sf "$SRC/tests/data/sipp/uac_mwi_notify.xml" -s 2001 \
    -key waiting "$2" -i 127.0.0.1 -p "$(free_port)" -m 1 -timeout 15 -nostdin -trace_msg \
    -message_file "$WORK/n.msg" "$1"
  wait_exit "$LAST_PID" 15
  [ "$EXIT_CODE" -eq 0 ] || fail "sipp NOTIFY: exit $EXIT_CODE: $(tail -5 "$WORK/n.out")"
  ANSWER=$(grep -Eo '^SIP/2.0 [0-9]{3}' "$WORK/n.msg" | tail -1 | cut -d' ' -f2)
}
phone_mark p0
notify "127.0.0.1:$KPORT" yes
[ "$ANSWER" = 200 ] || fail "NOTIFY through the registrar: $ANSWER"
wait_phone p0 '"event":"mwi","on":true' 10
notify "127.0.0.1:$KPORT" no
[ "$ANSWER" = 200 ] || fail "second NOTIFY through the registrar: $ANSWER"
wait_phone p0 '"event":"mwi","on":false' 10
pass "an unsolicited NOTIFY through the registrar sets and clears the indicator (200)"

phone_mark p0
notify "127.0.0.1:$OPORT" yes
[ "$ANSWER" = 481 ] || fail "a stranger's NOTIFY got $ANSWER, not 481"
sleep 2
phone_events p0 | grep -q '"event":"mwi"' && fail "a stranger's NOTIFY reached the phone"
"$BIN/owsipctl" -s "$WORK/ctl.sock" --json ports | grep -q '"message_waiting": *true' &&
  fail "a stranger's NOTIFY set message waiting"
pass "the same NOTIFY straight from a stranger gets 481 and changes nothing"

# --- *97: the provider's voicemail number ---
start_bg "$WORK/uas.out" sipp -sf "$SRC/tests/data/sipp/uas_answer.xml" -i 127.0.0.1 -p "$VM" \
  -m 1 -timeout 30 -trace_msg -message_file "$WORK/uas.msg" -nostdin
UAS_PID=$LAST_PID
ph p0 offhook "wait 300" "dial *97"
wait_for_line "$WORK/owsip.log" "voicemail: port-$VM through home" 10
wait_for_line "$WORK/owsip.log" "call [0-9]+ answered" 10
ph p0 "wait 300" onhook
wait_exit "$UAS_PID" 10
[ "$EXIT_CODE" -eq 0 ] || fail "sipp UAS: exit $EXIT_CODE: $(tail -5 "$WORK/uas.out")"
grep -q "^INVITE sip:port-$VM@owsip.test" "$WORK/uas.msg" || fail "INVITE: $(grep -m1 '^INVITE' "$WORK/uas.msg")"
pass "*97 calls the account's voicemail number"
stop_owsip
