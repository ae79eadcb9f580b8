#!/usr/bin/env bash
# Star codes from the handset of a virtual phone (docs/SERVICES.md), against Kamailio and sipp
# on 127.0.0.1:
# - *78 do-not-disturb: confirmation tone (600 Hz), stutter dial tone while it is on, a caller
#   gets 486 and the phone stays silent; *79 ends it; the state file keeps it over a restart;
# - *72 forwarding of every call: the caller gets 302 with the number in Contact; *73;
# - *92 forwarding on no answer: the phone rings for forward_noanswer_delay, then 302;
# - *67 hides the number for one call: From anonymous, Privacy: id and P-Preferred-Identity
#   on the wire; an account with `clir` hides it on every call and *82 shows it once;
# - *31# goes to the provider as dialled ('#' escaped as %23 in the Request-URI);
# - *69 calls the last caller back, *07 dials the last number again, *70 keeps a second caller
#   out of one call; the call log names forwarded and refused calls.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
command -v sipp >/dev/null || { echo "SKIP: sipp is not installed (./run setup)"; exit 0; }

UAS=$(free_port)
call_kamailio 2001 2002

conf=$WORK/telephony
write_conf() {  # [EXTRA ACCOUNT OPTION LINES]
  owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'"
  owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" "option port '0'" "$@"
  printf '\nconfig contact\n\toption desc %s\n\toption code sipp\n\toption type sip\n\toption dial %s\n' \
    "'sipp answering'" "'port-$UAS@owsip.test'" >>"$conf"
  printf '\nconfig features\n\toption state_file %s\n\toption forward_noanswer_delay 5\n' \
    "'$WORK/services.json'" >>"$conf"
  printf '\nconfig timers\n\toption ring_timeout 8000\n' >>"$conf"
}
write_conf
start_owsip_registered "$conf" home
phone_start p0 0

# sipp_call FROM: one call to 2001 through Kamailio; sets ANSWER to its final status.
sipp_call() {
  rm -f "$WORK/uac.msg"
  start_bg "$WORK/uac.out" sipp -sf "$SRC/tests/data/sipp/uac_final.xml" -key from "$1" \
    -s 2001 -i 127.0.0.1 -p "$(free_port)" -m 1 -timeout 30 -nostdin -trace_msg \
    -message_file "$WORK/uac.msg" "127.0.0.1:$KPORT"
  wait_exit "$LAST_PID" 30
  # sipp counts a call that ends without a 2xx as failed (exit 1).
  [ "$EXIT_CODE" -le 1 ] || fail "sipp caller: exit $EXIT_CODE: $(tail -5 "$WORK/uac.out")"
  ANSWER=$(grep -Eo '^SIP/2.0 (302|486|480)' "$WORK/uac.msg" | tail -1 | cut -d' ' -f2)
}
# star PHONE CODE...: off hook, the keys, on hook after the confirmation tone, which the phone
# must have heard: its earpiece, recorded meanwhile, carries 600 Hz at -30 dBFS or more (the
# tone is two 250 ms beeps at -16 dBm0, then the dial tone; the phone's once-a-second `audio`
# report may fall on the dial tone instead, so the recording is what is checked).
STAR_N=0
star() {
  local p=$1; shift
  local idle confirmed level wav
  STAR_N=$((STAR_N + 1))
  wav=$WORK/$p.star$STAR_N.wav
  phone_mark "$p"
  idle=$(count_lines "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE")
  confirmed=$(count_lines "$WORK/owsip.log" "port0\{CONFIRM\}: event TIMEOUT")
  ph "$p" "record $wav" offhook "wait 300" "$@"
  wait_for_count "$WORK/owsip.log" "port0\{CONFIRM\}: event TIMEOUT" $((confirmed + 1)) 10
  ph "$p" "wait 500" record "wait 1000" onhook
  wait_for_count "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE" $((idle + 1)) 10
  level=$(python3 "$SRC/tests/integration/wav_freq.py" "$wav" --level 600)
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= -30 else 1)' "$level" ||
    fail "$p did not hear the confirmation tone: 600 Hz at most $level dBFS in $wav"
}

# --- do-not-disturb ---
star p0 "dial *78"
wait_phone p0 '"event":"tone","freqs":\[400,425\]' 5  # Germany's special dial tone
pass "*78: confirmation tone (600 Hz), then the special dial tone"
grep -q '"port0":{"dnd":true' "$WORK/services.json" || fail "state file: $(cat "$WORK/services.json")"
phone_mark p0
sipp_call '<sip:carol@example.org>'
[ "$ANSWER" = 486 ] || fail "do-not-disturb: the caller got '$ANSWER', not 486"
phone_events p0 | grep -q '"event":"ring' && fail "the phone rang with do-not-disturb on"
wait_for_line "$WORK/calls.jsonl" '"end_cause":"do not disturb"' 5
pass "with do-not-disturb a caller gets 486, the phone stays silent, the call log says why"

# --- the state survives a restart ---
stop_owsip
start_owsip_registered "$conf" home
phone_start p0b 0  # the first phone left with the daemon
grep -q 'port0: do not disturb' "$WORK/owsip.log" || fail "do-not-disturb not read back after a restart"
sipp_call '<sip:carol@example.org>'
[ "$ANSWER" = 486 ] || fail "after a restart: '$ANSWER', not 486"
star p0b "dial *79"
phone_mark p0b
sipp_call '<sip:carol@example.org>'
[ "$ANSWER" = 480 ] || fail "after *79 the unanswered call got '$ANSWER'"
wait_phone p0b '"event":"ring' 5
pass "do-not-disturb outlives a restart (state file); *79 lets calls ring again"

# --- forwarding ---
star p0b "dial *72" "wait 300" "dial 0301234#"
sipp_call '<sip:carol@example.org>'
[ "$ANSWER" = 302 ] || fail "forward all: the caller got '$ANSWER', not 302"
grep -q '^Contact: <sip:0301234@owsip.test>' "$WORK/uac.msg" || fail "302 Contact: $(grep -i '^contact' "$WORK/uac.msg")"
wait_for_line "$WORK/calls.jsonl" '"end_cause":"forwarded to 0301234 \(port0 forwards every call\)"' 5
"$BIN/owsipctl" -s "$WORK/ctl.sock" ports | grep -E '^0 .*forward all to 0301234' ||
  fail "owsipctl ports: $("$BIN/owsipctl" -s "$WORK/ctl.sock" ports)"
star p0b "dial *73"
pass "*72 0301234#: a caller is sent on with 302 Contact sip:0301234@owsip.test; *73 ends it"

star p0b "dial *92" "wait 300" "dial 0309999#"
phone_mark p0b
t0=$(date +%s.%N)
sipp_call '<sip:carol@example.org>'
t1=$(date +%s.%N)
[ "$ANSWER" = 302 ] || fail "forward on no answer: '$ANSWER', not 302"
grep -q '^SIP/2.0 180' "$WORK/uac.msg" || fail "no 180 before the forwarding"
grep -q '^Contact: <sip:0309999@owsip.test>' "$WORK/uac.msg" || fail "302 Contact: $(grep -i '^contact' "$WORK/uac.msg")"
phone_events p0b | grep -q '"event":"ring' || fail "the phone did not ring before the forwarding"
python3 -c "import sys; d=$t1-$t0; sys.exit(0 if 4.5 < d < 9 else 1)" ||
  fail "forwarded after $(python3 -c "print(round($t1-$t0,1))") s, not forward_noanswer_delay (5 s)"
star p0b "dial *93"
pass "*92 0309999#: the phone rings for 5 s (forward_noanswer_delay), then 302 to 0309999"

# --- hiding the number ---
uas_call() {  # KEYS...: the phone calls the sipp UAS (the contact *sipp) and hangs up
  rm -f "$WORK/uas.msg"
  start_bg "$WORK/uas.out" sipp -sf "$SRC/tests/data/sipp/uas_answer.xml" -i 127.0.0.1 -p "$UAS" \
    -m 1 -timeout 30 -trace_msg -message_file "$WORK/uas.msg" -nostdin
  local pid=$LAST_PID answered
  answered=$(count_lines "$WORK/owsip.log" "call [0-9]+ answered")
  ph p0b offhook "wait 300" "$@"
  wait_for_count "$WORK/owsip.log" "call [0-9]+ answered" $((answered + 1)) 10
  local idle
  idle=$(count_lines "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE")
  ph p0b "wait 300" onhook
  wait_exit "$pid" 10
  wait_for_count "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE" $((idle + 1)) 10
  [ "$EXIT_CODE" -eq 0 ] || fail "sipp UAS: exit $EXIT_CODE: $(tail -5 "$WORK/uas.out")"
}
uas_call "dial *67*7477"
grep -q '^From: "Anonymous" <sip:anonymous@anonymous.invalid>' "$WORK/uas.msg" || fail "From: $(grep '^From' "$WORK/uas.msg" | head -1)"
grep -q '^Privacy: id' "$WORK/uas.msg" || fail "no Privacy: id"
grep -q '^P-Preferred-Identity: <sip:2001@owsip.test>' "$WORK/uas.msg" || fail "no P-Preferred-Identity"
uas_call "dial *7477"
grep -q '^From: <sip:2001@owsip.test>' "$WORK/uas.msg" || fail "the next call is hidden too: $(grep '^From' "$WORK/uas.msg" | head -1)"
grep -q '^Privacy' "$WORK/uas.msg" && fail "the next call carries Privacy"
pass "*67 hides the number for one call (From anonymous, Privacy: id, P-Preferred-Identity)"

# --- an account that always hides it; *82 shows it once ---
write_conf "option clir '1'"
registered=$(count_lines "$WORK/owsip.log" 'sip.acct\{home\}: registered as')
kill -HUP "$OWSIP_PID"
wait_for_line "$WORK/owsip.log" "reload of .*accounts: ~home" 10
wait_for_count "$WORK/owsip.log" 'sip.acct\{home\}: registered as' $((registered + 1)) 10
uas_call "dial *7477"
grep -q '^Privacy: id' "$WORK/uas.msg" || fail "clir: no Privacy: id"
uas_call "dial *82*7477"
grep -q '^From: <sip:2001@owsip.test>' "$WORK/uas.msg" || fail "*82: $(grep '^From' "$WORK/uas.msg" | head -1)"
grep -q '^Privacy' "$WORK/uas.msg" && fail "*82: the call still carries Privacy"
pass "account clir hides every call; *82 shows the number for one call"

# --- a network code goes out as dialled ---
idle=$(count_lines "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE")
ph p0b offhook "wait 300" "dial *31#4930123#"
wait_for_line "$KAM/kamailio.log" 'owsip-it: INVITE .*ruri sip:\*31%234930123@owsip.test' 10
ph p0b "wait 300" onhook
wait_for_count "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE" $((idle + 1)) 10
pass "*31#4930123 reaches the provider as sip:*31%234930123@owsip.test"

# --- call return ---
rm -f "$WORK/uas.msg"
write_conf
registered=$(count_lines "$WORK/owsip.log" 'sip.acct\{home\}: registered as')
kill -HUP "$OWSIP_PID"
wait_for_count "$WORK/owsip.log" 'sip.acct\{home\}: registered as' $((registered + 1)) 10
start_bg "$WORK/cr.out" sipp -sf "$SRC/tests/data/sipp/uac_cid_cancel.xml" -key from \
  "<sip:port-$UAS@owsip.test>" -key identity 'Privacy: none' -s 2001 -i 127.0.0.1 \
  -p "$(free_port)" -m 1 -timeout 30 -nostdin "127.0.0.1:$KPORT"
wait_exit "$LAST_PID" 30
[ "$EXIT_CODE" -le 1 ] || fail "sipp caller: exit $EXIT_CODE"
uas_call "dial *69"
grep -q "^INVITE sip:port-$UAS@owsip.test SIP/2.0" "$WORK/uas.msg" || fail "*69 did not call the last caller back"
pass "*69 calls the last caller (sip:port-$UAS@owsip.test) back"
uas_call "dial *07"
grep -q "^INVITE sip:port-$UAS@owsip.test SIP/2.0" "$WORK/uas.msg" || fail "*07 did not dial the last number again"
pass "*07 dials the last number (the call back) again"

# --- no call waiting for one call ---
rm -f "$WORK/uas.msg"
start_bg "$WORK/uas.out" sipp -sf "$SRC/tests/data/sipp/uas_answer.xml" -i 127.0.0.1 -p "$UAS" \
  -m 1 -timeout 30 -trace_msg -message_file "$WORK/uas.msg" -nostdin
uas_pid=$LAST_PID
answered=$(count_lines "$WORK/owsip.log" "call [0-9]+ answered")
ph p0b offhook "wait 300" "dial *70*7477"
wait_for_count "$WORK/owsip.log" "call [0-9]+ answered" $((answered + 1)) 10
sipp_call '<sip:carol@example.org>'
[ "$ANSWER" = 486 ] || fail "*70: a second caller got '$ANSWER', not 486"
grep -q 'port0{CONNECTED}: -> WAITING' "$WORK/owsip.log" && fail "*70: the second call was signalled as waiting"
idle=$(count_lines "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE")
ph p0b "wait 300" onhook
wait_exit "$uas_pid" 10
wait_for_count "$WORK/owsip.log" "port0\{[A-Z_]+\}: -> IDLE" $((idle + 1)) 10
pass "*70: during this call a second caller gets 486, no call-waiting tone"
stop_owsip
