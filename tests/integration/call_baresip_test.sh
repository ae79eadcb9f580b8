#!/usr/bin/env bash
# Calls between a virtual phone on owsip (sim backend) and baresip, through Kamailio on
# 127.0.0.1 with digest authentication:
# - the phone dials baresip's number: each side hears the other's tone, checked by frequency
#   (the phone's earpiece analysis; baresip's recording);
# - baresip calls owsip's account: the phone rings with baresip's number and name as caller
#   ID, answers, and audio flows both ways; the phone's BYE ends baresip's call;
# - baresip gives up while the phone rings (CANCEL): the ringing stops;
# - baresip hangs up an answered call (BYE): the phone hears the busy tone.
# Every call ends in the call log.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"

call_kamailio 2001 2002

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'" "option cid 'etsi_fsk'"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" "option display_name 'Home'"
start_owsip_registered "$conf" home
phone_start p0 0
baresip_start bob 2002 pw-2002 "$KPORT" 1000

# --- the phone calls baresip ---
phone_mark p0
ph p0 offhook "wait 300" "dial 2002#" "wait 1500" "tone 700 -10"
wait_for_line "$WORK/owsip.log" "call 1: INVITE sip:2002@owsip.test" 10
wait_for_line "$WORK/owsip.log" "call 1 answered" 10
wait_phone_hears p0 1000 10
sleep 2
check_freq "$(bs_heard bob)" 700 "baresip hearing the phone"
pass "the phone called baresip: the phone hears baresip's 1000 Hz, baresip hears the phone's 700 Hz"

phone_mark p0
ph p0 silence onhook
wait_for_line "$WORK/bob/baresip.log" "session closed|terminated|Call with .* terminated" 10
pass "on-hook sent BYE: baresip's call ended"

# --- baresip calls the phone ---
phone_mark p0
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_phone p0 '"event":"ring","on":true' 10
wait_phone p0 '"event":"cid","number":"2002","name":"Baresip 2002"' 10
pass "baresip's call rings the phone with its number and name"
ph p0 offhook "wait 1500" "tone 1300 -10"
wait_for_line "$WORK/owsip.log" "call 2 answered on port0" 10
wait_phone_hears p0 1000 10
sleep 2
check_freq "$(bs_heard bob)" 1300 "baresip hearing the phone"
pass "the phone answered: audio both ways (1000 Hz to the phone, 1300 Hz to baresip)"

# --- baresip hangs up: busy tone ---
phone_mark p0
bs bob hangup >/dev/null
wait_phone p0 '"event":"tone","freqs":\[425\]' 10
wait_for_line "$WORK/owsip.log" "port0\{CONNECTED\}: -> BUSY" 5
pass "baresip's BYE gives the phone busy tone"
ph p0 silence onhook "wait 300"
wait_for_line "$WORK/owsip.log" "port0\{BUSY\}: -> IDLE" 5

# --- baresip gives up while the phone rings ---
phone_mark p0
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_phone p0 '"event":"ring","on":true' 10
bs bob hangup >/dev/null
wait_for_line "$WORK/owsip.log" "withdrawn by the caller" 10
wait_for_line "$WORK/owsip.log" "port0\{RINGING\}: -> IDLE" 5
sleep 6  # longer than a ring cadence: the bell must stay quiet
[ "$(phone_events p0 | grep -c '"event":"ring","on":true')" -le 2 ] || fail "the phone kept ringing"
pass "CANCEL while ringing: the phone stops ringing"

# --- the call log has every call ---
wait_for_count "$WORK/calls.jsonl" '"id"' 3 5
python3 - "$WORK/calls.jsonl" <<'PY' || fail "call log: $(cat "$WORK/calls.jsonl")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
by_id = {r["id"]: r for r in recs}
assert by_id[1]["direction"] == "out" and by_id[1]["remote"] == "sip:2002@owsip.test", by_id[1]
assert by_id[1]["end_cause"] == "local hangup" and by_id[1]["duration"] > 1, by_id[1]
assert by_id[1]["codec"].startswith("PCMU") or by_id[1]["codec"].startswith("G722"), by_id[1]
assert by_id[1]["quality"]["packets_received"] > 50, by_id[1]
assert by_id[2]["direction"] == "in" and by_id[2]["remote"] == "2002", by_id[2]
assert by_id[2]["end_cause"] == "remote hangup" and by_id[2]["answer"], by_id[2]
assert by_id[3]["end_cause"] == "cancelled" and not by_id[3]["answer"], by_id[3]
PY
pass "the call log holds the three calls with direction, remote, cause, codec and quality"

# --- owsip killed during a call, then started again ---
phone_mark p0
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_phone p0 '"event":"ring","on":true' 10
ph p0 offhook
wait_for_line "$WORK/owsip.log" "call 4 answered on port0" 10
kill -KILL "$OWSIP_PID"
wait_exit "$OWSIP_PID" 5
python3 - "$WORK/calls.jsonl" <<'PY' || fail "the call log is damaged after SIGKILL"
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "the last record is cut"
recs = [json.loads(l) for l in lines[:-1]]
assert [r["id"] for r in recs] == [1, 2, 3], [r["id"] for r in recs]
PY
pass "SIGKILL during a call: the call log's completed records are intact"
bs bob hangup >/dev/null || true
wait_exit "${PHONE_PID[p0]}" 10  # the phone notices owsip is gone
mv "$WORK/owsip.log" "$WORK/owsip-killed.log"
rm -f "$WORK/sim.sock"
start_owsip "$conf" "$WORK/owsip.log"
wait_for_socket "$WORK/sim.sock"
wait_for_line "$WORK/owsip.log" "sip.acct\{home\}: registered as" 10
exec {PHONE_FD[p0]}>&-
rm -f "$WORK/p0.fifo"
phone_start p0 0
phone_mark p0
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_phone p0 '"event":"ring","on":true' 10
ph p0 offhook
wait_for_line "$WORK/owsip.log" "call 1 answered on port0" 10
wait_phone_hears p0 1000 10
ph p0 onhook
wait_for_line "$WORK/bob/baresip.log" "terminated" 10
pass "restarted after SIGKILL: registered again, the phone reconnected, a call works"
stop_owsip
