#!/usr/bin/env bash
# Call setup latency on loopback, owsip beside baresip, over CALLS calls each (default 100):
# - INVITE received -> 180 sent: a sipp UAC calls the account through Kamailio (owsip: the
#   virtual phone answers at once; baresip: auto answer), short calls one after the other;
# - 200 OK received -> first RTP packet sent: owsip's phone dials a baresip far end (3000#);
#   baresip under test dials the same far end over ctrl_tcp;
# - last digit -> INVITE sent (owsip only): from owsip's log with --log-timestamps.
# Packets are captured with tcpdump on lo, filtered to the endpoint's own SIP port and RTP range.
#   bench/latency.sh [CALLS]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
CALLS=${1:-100}
command -v tcpdump >/dev/null || { note "tcpdump missing (apt-get install tcpdump): latency skipped"; exit 0; }
PCAPLAT=$BENCH_ROOT/bench/pcap_latency.py
UAC_XML=$BENCH_ROOT/bench/sipp/uac_short.xml

call_kamailio 2001 2101 3000
baresip_start far0 3000 pw-3000 "$KPORT" 1000

# capture NAME FILTER: tcpdump on lo into $WORK/NAME.pcap; sets CAP_PID.
capture() {
  start_bg "$WORK/$1.tcpdump.log" tcpdump -i lo -U --immediate-mode -n -s 4096 -w "$WORK/$1.pcap" "$2"
  CAP_PID=$LAST_PID
  wait_for_line "$WORK/$1.tcpdump.log" "listening on" 10
}
stop_capture() { sleep 0.5; stop_pid "$CAP_PID"; }

# sipp_calls SERVICE NAME: CALLS short calls to SERVICE through Kamailio, one at a time.
sipp_calls() {
  local mp
  mp=$(free_port)
  sipp "127.0.0.1:$KPORT" -sf "$UAC_XML" -s "$1" -i 127.0.0.1 -p "$(free_port)" -mp "$mp" \
    -m "$CALLS" -l 1 -r 1 -rp 1500 -timeout "$((CALLS * 3 + 30))" -nostdin \
    >"$WORK/$2.sipp.log" 2>&1 || note "sipp ($2) exit $?: $(tail -3 "$WORK/$2.sipp.log")"
}

# ---- owsip
OPORT=$(free_port)
RPORT=$(free_port); RPORT=$(( (RPORT / 2) * 2 )); [ "$RPORT" -lt 64000 ] || RPORT=$((RPORT - 1000))
conf=$WORK/telephony
bench_owsip_conf "$conf" "$OPORT" "$RPORT" 1
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'"
start_bg "$WORK/owsip.log" "$BIN/owsip" -f -c "$conf" --log-timestamps
OWSIP_PID=$LAST_PID
wait_for_socket "$WORK/sim.sock"
wait_for_line "$WORK/owsip.log" "sip.acct\{home\}: registered as" 10
FILTER_O="udp and (port $OPORT or portrange $RPORT-$((RPORT + 511)))"

note "owsip: $CALLS calls from sipp (INVITE -> 180)"
start_bg "$WORK/answer.log" "$BIN/owsip-bench-phones" -s "$WORK/sim.sock" -n 1 answer \
  "$((CALLS * 3 + 30))" 300
ANSWER_PID=$LAST_PID
capture o_uas "$FILTER_O"
sipp_calls 2001 o_uas
stop_capture
stop_pid "$ANSWER_PID"
o_uas=$(python3 "$PCAPLAT" "$WORK/o_uas.pcap" uas "$OPORT")

note "owsip: $CALLS calls from the phone to baresip (200 -> RTP, digit -> INVITE)"
mark=$(wc -l <"$WORK/owsip.log")
capture o_uac "$FILTER_O"
"$BIN/owsip-bench-phones" -s "$WORK/sim.sock" -n 1 dial "3000#" "$CALLS" 600 >"$WORK/dial.log" 2>&1 ||
  note "owsip-bench-phones dial: $(tail -3 "$WORK/dial.log")"
stop_capture
o_uac=$(python3 "$PCAPLAT" "$WORK/o_uac.pcap" uac "$OPORT")
tail -n +"$((mark + 1))" "$WORK/owsip.log" >"$WORK/owsip-dial.log"
o_dig=$(python3 "$PCAPLAT" "$WORK/owsip-dial.log" digit)
stop_owsip

# ---- baresip under test
bs_ut_start ut "$KPORT" 2101 pw-2101
FILTER_B="udp and (port ${BS_SIP[ut]} or portrange ${BS_RTP[ut]}-$((BS_RTP[ut] + 200)))"
note "baresip: $CALLS calls from sipp (INVITE -> 180)"
capture b_uas "$FILTER_B"
sipp_calls 2101 b_uas
stop_capture
b_uas=$(python3 "$PCAPLAT" "$WORK/b_uas.pcap" uas "${BS_SIP[ut]}")

note "baresip: $CALLS calls to the far end (200 -> RTP)"
capture b_uac "$FILTER_B"
for ((i = 0; i < CALLS; i++)); do
  bs ut dial "sip:3000@owsip.test" >/dev/null || true
  sleep 0.6
  bs ut hangup >/dev/null || true
  sleep 0.3
done
stop_capture
b_uac=$(python3 "$PCAPLAT" "$WORK/b_uac.pcap" uac "${BS_SIP[ut]}")
stop_pid "${BS_PID[ut]}"

read -r o50 o95 omax on <<<"$o_uas"; read -r b50 b95 bmax bn <<<"$b_uas"
result "INVITE->180 p50 (n=$on/$bn)" "$o50" "$b50" ms
result "INVITE->180 p95" "$o95" "$b95" ms
result "INVITE->180 max" "$omax" "$bmax" ms
read -r o50 o95 omax on <<<"$o_uac"; read -r b50 b95 bmax bn <<<"$b_uac"
result "200 OK->first RTP p50 (n=$on/$bn)" "$o50" "$b50" ms
result "200 OK->first RTP p95" "$o95" "$b95" ms
result "200 OK->first RTP max" "$omax" "$bmax" ms
read -r o50 o95 omax on <<<"$o_dig"
result "last digit->INVITE p50 (n=$on)" "$o50" - ms
result "last digit->INVITE p95" "$o95" - ms
result "last digit->INVITE max" "$omax" - ms
