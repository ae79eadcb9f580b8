#!/usr/bin/env bash
# Instructions per call-second under callgrind (perf's instruction counter is not available on
# this machine): owsip (one virtual phone calling a baresip far end) and baresip under test
# (calling the same far end), each run under valgrind --tool=callgrind with instrumentation off
# until the call is up, then SECONDS of the call collected. The top functions of each profile
# are kept in $BENCH_OUT/callgrind-{owsip,baresip}.txt.
#   bench/instructions.sh [SECONDS]   (default 20)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
SECS=${1:-20}
command -v valgrind >/dev/null || { note "valgrind missing: instructions skipped"; exit 0; }

call_kamailio 2001 2101 3000
baresip_start far0 3000 pw-3000 "$KPORT" 1000

# profile NAME PID: collection on for SECS, then off; prints the instructions counted.
profile() {
  local name=$1 pid=$2
  callgrind_control -z "$pid" >/dev/null
  callgrind_control -i on "$pid" >/dev/null
  sleep "$SECS"
  callgrind_control -i off "$pid" >/dev/null
  callgrind_control -d "$pid" >/dev/null
  sleep 1
  local f
  for f in "$WORK/$name".cg.out*; do :; done  # the dump (.1), the last name in glob order
  callgrind_annotate "$f" 2>/dev/null | head -60 >"$BENCH_OUT/callgrind-$name.txt" || true
  # A dump has no totals line: callgrind_annotate adds the events up ("PROGRAM TOTALS").
  awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' "$BENCH_OUT/callgrind-$name.txt"
}

# ---- owsip
conf=$WORK/telephony
bench_owsip_conf "$conf" "$(free_port)" "$(free_port)" 1
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'"
start_bg "$WORK/owsip.log" valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$WORK/owsip.cg.out" "$BIN/owsip" -f -c "$conf"
OWSIP_PID=$LAST_PID
wait_for_socket "$WORK/sim.sock" 60
wait_for_line "$WORK/owsip.log" "sip.acct\{home\}: registered as" 60
phone_start p0 0
ph p0 offhook "wait 300" "dial 3000#" "wait 2000" "tone 700 -10"
wait_for_line "$WORK/owsip.log" "call 1 answered" 60
sleep 3
note "owsip under callgrind: $SECS s of one call"
o_ins=$(profile owsip "$OWSIP_PID")
ph p0 silence onhook
sleep 1
stop_pid "$OWSIP_PID"
stop_pid "${PHONE_PID[p0]}"

# ---- baresip under test
mkdir -p "$WORK/ut"
bs_ut_start ut "$KPORT" 2101 pw-2101
stop_pid "${BS_PID[ut]}"  # the config is written; run it again under callgrind
: >"$WORK/ut/baresip.log"
start_bg "$WORK/ut/baresip.log" valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$WORK/baresip.cg.out" baresip -f "$WORK/ut"
BPID=$LAST_PID
BS_PID[ut]=$BPID
wait_for_line "$WORK/ut/baresip.log" "@owsip.test.*200 OK" 60
bs ut dial "sip:3000@owsip.test" >/dev/null
wait_for_line "$WORK/ut/baresip.log" "Call established" 60
sleep 3
note "baresip under callgrind: $SECS s of one call"
b_ins=$(profile baresip "$BPID")
bs ut hangup >/dev/null || true
stop_pid "$BPID"

per_s() { python3 -c "import sys; print('%.2f' % (int(sys.argv[1]) / $SECS / 1e6))" "$1"; }
result "instructions per call-second (callgrind, ${SECS} s)" "$(per_s "$o_ins")" "$(per_s "$b_ins")" "M instr/s"
