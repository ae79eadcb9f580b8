#!/usr/bin/env bash
# SIP extensions as a provider's server sees them (docs/SIP.md), with sipp on 127.0.0.1:
# - 100rel (RFC 3262) as UAS: a caller requiring it gets a 180 with Require: 100rel and RSeq;
#   it comes again (T1 = 500 ms) until PRACKed; a PRACK naming another RSeq gets 481, the right
#   one 200; the virtual phone answers;
# - 100rel as UAC: a called party's reliable 183 with SDP gets a PRACK with RAck naming its
#   RSeq and the INVITE's CSeq;
# - session timers (RFC 4028): a caller without timer support gets owsip as the refresher,
#   which sends UPDATE with Session-Expires at half the interval, as it does when a called
#   party's 2xx makes it the refresher; a caller that takes the
#   refresh and never refreshes gets BYE 4 s into a 6 s interval, the phone hears the far end
#   gone, as it does when a refresh gets 481; too short an interval gets 422 with owsip's Min-SE; a 422 to owsip's INVITE makes it
#   ask once more with the Min-SE the 422 names; with `rel100 required`, a caller without
#   100rel gets 421;
# - UPDATE (RFC 3311) with an SDP offer in a call gets 200 with the answer.
# The account uses session_expires 6 and min_se 4 to keep this short (RFC 4028 asks for 90).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
command -v sipp >/dev/null || { echo "SKIP: sipp is not installed (./run setup)"; exit 0; }

UAS=$(free_port)
LONG=$(free_port)
TIM=$(free_port)
call_kamailio 2001
conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'"
# Callers come straight from sipp, not through the registrar.
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" \
  "option inbound_source 'any'" "option inbound_uri 'any'" "option session_expires '6'" \
  "option min_se '4'"
printf '\nconfig contact\n\toption desc %s\n\toption code rel\n\toption type sip\n\toption dial %s\n' \
  "'sipp 100rel'" "'port-$UAS@owsip.test'" >>"$conf"
printf '\nconfig contact\n\toption desc %s\n\toption code long\n\toption type sip\n\toption dial %s\n' \
  "'sipp 422'" "'port-$LONG@owsip.test'" >>"$conf"
printf '\nconfig contact\n\toption desc %s\n\toption code tim\n\toption type sip\n\toption dial %s\n' \
  "'sipp timer'" "'port-$TIM@owsip.test'" >>"$conf"
start_owsip_registered "$conf" home
phone_start p0 0

# caller NAME SCENARIO: a sipp caller straight to owsip; sets CALLER_PID.
caller() {
  start_bg "$WORK/$1.out" sipp -sf "$SRC/tests/data/sipp/$2.xml" -s 2001 "127.0.0.1:$OPORT" \
    -i 127.0.0.1 -p "$(free_port)" -m 1 -timeout 20 -trace_msg -message_file "$WORK/$1.msg" \
    -nostdin
  CALLER_PID=$LAST_PID
}
# sipp_done NAME PID: the scenario ran to its end (every check_it matched).
sipp_done() {
  wait_exit "$2" 15
  [ "$EXIT_CODE" -eq 0 ] || fail "sipp $1: exit $EXIT_CODE: $(tail -5 "$WORK/$1.out"; tail -40 "$WORK/$1.msg")"
}

# on_hook: the phone hangs up and port 0 is idle again (the next call must not find it busy).
on_hook() {
  ph p0 onhook
  local i state
  for ((i = 0; i < 50; i++)); do
    state=$("$BIN/owsipctl" -s "$WORK/ctl.sock" --json ports |
      python3 -c 'import json, sys; print([p for p in json.load(sys.stdin) if p["port"] == 0][0]["state"])')
    [ "$state" = IDLE ] && return 0
    sleep 0.1
  done
  fail "port 0 is $state, not IDLE, after on-hook"
}

# --- (a) 100rel as UAS ---
phone_mark p0
caller rel uac_100rel
wait_phone p0 '"event":"ring' 10
wait_for_line "$WORK/owsip.log" "call [0-9]+: PRACK for RSeq [0-9]+: 200" 10
grep -q "PRACK (RAck 999 1 INVITE) matches no reliable response: 481" "$WORK/owsip.log" ||
  fail "the PRACK with a wrong RAck was not refused with 481"
ph p0 offhook
sipp_done rel "$CALLER_PID"
rseq=$(grep -m1 -E "^RSeq: [0-9]+" "$WORK/rel.msg" | awk '{print $2}' | tr -d '\r')
grep -q "^RAck: $rseq 1 INVITE" "$WORK/rel.msg" || fail "sipp's PRACK did not name RSeq $rseq"
n180=$(grep -c "^SIP/2.0 180 Ringing" "$WORK/rel.msg")
[ "$n180" -ge 2 ] || fail "the reliable 180 was sent $n180 time(s) before its late PRACK"
late=$(awk -v r="$rseq" '$0 ~ "^RAck: "r" 1 INVITE" { after = 1 } after && /^SIP\/2.0 180/ { n++ }
  END { print n + 0 }' <(tr -d '\r' <"$WORK/rel.msg"))
[ "$late" -eq 0 ] || fail "the 180 was sent $late time(s) more after its PRACK"
on_hook
pass "100rel as UAS: 180 with Require: 100rel and RSeq $rseq ($n180 times before the PRACK 1.2 s late), 481 to a PRACK of RSeq 999, 200 to the right one, answered by the phone"

# --- (b) 100rel as UAC: PRACK to a reliable 183 with SDP ---
start_bg "$WORK/uas.out" sipp -sf "$SRC/tests/data/sipp/uas_100rel.xml" -i 127.0.0.1 -p "$UAS" \
  -m 1 -timeout 20 -trace_msg -message_file "$WORK/uas.msg" -nostdin
UAS_PID=$LAST_PID
phone_mark p0
ph p0 offhook "wait 300" "dial *735"  # *rel
wait_for_line "$WORK/owsip.log" "call [0-9]+: PRACK \(RAck 1 [0-9]+ INVITE\)" 10
wait_for_line "$WORK/owsip.log" "call [0-9]+: 183 Session Progress \(early media\)" 10
on_hook  # CANCEL
sipp_done uas "$UAS_PID"
cseq=$(awk '/^INVITE sip:port-/ { inv = 1 } inv && /^CSeq: [0-9]+ INVITE/ { print $2; exit }' "$WORK/uas.msg")
[ -n "$cseq" ] || fail "no INVITE CSeq in sipp's log"
grep -q "^RAck: 1 $cseq INVITE" "$WORK/uas.msg" || fail "the PRACK's RAck is not '1 $cseq INVITE': $(grep RAck "$WORK/uas.msg")"
grep -Eq "^Supported: .*100rel" "$WORK/uas.msg" || fail "owsip's INVITE does not announce 100rel"
grep -Eq "^Session-Expires: 6" "$WORK/uas.msg" || fail "owsip's INVITE does not ask for a session timer"
pass "100rel as UAC: the reliable 183 with SDP gave early media and a PRACK with RAck: 1 $cseq INVITE"

# The same answered: the BYE after the PRACK counts on from the PRACK's CSeq.
start_bg "$WORK/ans.out" sipp -sf "$SRC/tests/data/sipp/uas_100rel_answer.xml" -i 127.0.0.1 \
  -p "$UAS" -m 1 -timeout 20 -trace_msg -message_file "$WORK/ans.msg" -nostdin
UAS_PID=$LAST_PID
ph p0 offhook "wait 300" "dial *735"
wait_for_line "$WORK/owsip.log" "call [0-9]+ answered$" 10
ph p0 "wait 300" onhook  # BYE
sipp_done ans "$UAS_PID"
cseqs=$(tr -d '\r' <"$WORK/ans.msg" | awk '/^(INVITE|PRACK|BYE) sip:/ { m = $1 } /^CSeq: / && m == $3 { print $3, $2; m = "" }' |
  paste -sd' ')
read -r _ c1 _ c2 _ c3 <<<"$cseqs"
[[ "$cseqs" =~ ^INVITE\ [0-9]+\ PRACK\ [0-9]+\ BYE\ [0-9]+$ ]] && [ "$c2" -gt "$c1" ] && [ "$c3" -gt "$c2" ] ||
  fail "CSeq numbers of INVITE, PRACK, BYE: '$cseqs'"
pass "100rel as UAC, answered: CSeq $c1 INVITE, $c2 PRACK, $c3 BYE"

# --- (c, d) owsip refreshes with UPDATE; the caller's UPDATE with SDP gets the answer ---
phone_mark p0
caller upd uac_timer_update
wait_phone p0 '"event":"ring' 10
start=$(date +%s%N)
ph p0 offhook
wait_for_line "$WORK/owsip.log" "call [0-9]+: session refresh \(UPDATE\)" 8
t=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$t" -ge 2500 ] || fail "the refresh came after $t ms, not at half of 6 s"
sipp_done upd "$CALLER_PID"
grep -q "UPDATE with an offer answered 200" "$WORK/owsip.log" || fail "no UPDATE offer answered"
on_hook
pass "session timer: owsip, the refresher, sent UPDATE with Session-Expires: 6;refresher=uac after $t ms"
pass "UPDATE with an SDP offer (PCMA) got 200 with an SDP answer"

# --- (c) a caller that takes the refresh and never refreshes gets BYE ---
phone_mark p0
caller exp uac_timer_expires
wait_phone p0 '"event":"ring' 10
ph p0 offhook
wait_for_line "$WORK/owsip.log" "call [0-9]+ answered on port0" 5
start=$(date +%s%N)
wait_for_line "$WORK/owsip.log" "call [0-9]+: no session refresh in 6 s" 8
t=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$t" -ge 3000 ] && [ "$t" -le 5500 ] || fail "the session expired after $t ms, not 4 s"
sipp_done exp "$CALLER_PID"
wait_phone p0 '"event":"tone","freqs":\[425\],"cadence":\[480,480\]' 5
on_hook
pass "session timer: no refresh from the refresher, BYE after $t ms (6 - 2 s), the phone hears busy tone"

# --- (c) as UAC: the called party makes owsip the refresher ---
start_bg "$WORK/tim.out" sipp -sf "$SRC/tests/data/sipp/uas_timer.xml" -i 127.0.0.1 -p "$TIM" \
  -m 1 -timeout 20 -trace_msg -message_file "$WORK/tim.msg" -nostdin
TIM_PID=$LAST_PID
timers=$(count_lines "$WORK/owsip.log" "session timer 6 s, owsip refreshes")
refreshes=$(count_lines "$WORK/owsip.log" "session refresh \(UPDATE\)")
ph p0 offhook "wait 300" "dial *846"  # *tim
wait_for_count "$WORK/owsip.log" "call [0-9]+: session timer 6 s, owsip refreshes" $((timers + 1)) 10
wait_for_count "$WORK/owsip.log" "call [0-9]+: session refresh \(UPDATE\)" $((refreshes + 1)) 6
on_hook  # BYE
sipp_done tim "$TIM_PID"
pass "session timer as UAC: the 2xx's Session-Expires: 6;refresher=uac, owsip refreshed by UPDATE through the proxy"

# --- (c) the refresh fails (481): BYE, the phone hears the far end gone ---
phone_mark p0
caller gone uac_timer_481
wait_phone p0 '"event":"ring' 10
ph p0 offhook
wait_for_line "$WORK/owsip.log" "call [0-9]+: session refresh failed \(481\)" 8
sipp_done gone "$CALLER_PID"
wait_phone p0 '"event":"tone","freqs":\[425\],"cadence":\[480,480\]' 5
on_hook
pass "session timer: a refresh answered 481 ends the call with BYE, the phone hears busy tone"

# --- (c) too short an interval: 422 ---
caller small uac_timer_small
sipp_done small "$CALLER_PID"
grep -q "session interval below Min-SE 4: 422" "$WORK/owsip.log" || fail "no 422 logged"
pass "Session-Expires: 2 gets 422 with Min-SE: 4"

# --- (c) owsip's INVITE gets 422: once more with the larger Min-SE ---
start_bg "$WORK/long.out" sipp -sf "$SRC/tests/data/sipp/uas_422.xml" -i 127.0.0.1 -p "$LONG" \
  -m 2 -timeout 20 -trace_msg -message_file "$WORK/long.msg" -nostdin
LONG_PID=$LAST_PID
ph p0 offhook "wait 300" "dial *5664"  # *long
wait_for_line "$WORK/owsip.log" "call [0-9]+: 422, INVITE again with Min-SE 8" 10
sipp_done long "$LONG_PID"
ses=$(tr -d '\r' <"$WORK/long.msg" | awk '/^INVITE / { inv = 1 } /^(SIP\/2.0|ACK) / { inv = 0 }
  inv && /^(Session-Expires|Min-SE):/' | paste -sd' ')
[ "$ses" = "Session-Expires: 6 Min-SE: 4 Session-Expires: 8 Min-SE: 8" ] ||
  fail "owsip's INVITEs asked for '$ses'"
on_hook
pass "a 422 with Min-SE: 8 to owsip's INVITE: once more with Session-Expires: 8, Min-SE: 8, then no more"

# --- rel100 required: a caller without 100rel gets 421 ---
sed -i "s/option min_se '4'/option min_se '4'\n\toption rel100 'required'/" "$conf"
kill -HUP "$OWSIP_PID"
wait_for_line "$WORK/owsip.log" "reload of $conf: " 10
caller plain uac_plain
sipp_done plain "$CALLER_PID"
grep -q "does not support 100rel, which account home requires: 421" "$WORK/owsip.log" ||
  fail "no 421 logged"
pass "rel100 required (after a reload): an INVITE without 100rel gets 421 with Require: 100rel"
