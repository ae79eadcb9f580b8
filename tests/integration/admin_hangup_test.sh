#!/usr/bin/env bash
# owsipctl hangup in every state a port reaches with virtual phones and internal calls (issue
# 14: in TWO_CALLS it once left the port in TWO_CALLS without calls and the next flash crashed
# owsip). After each hang-up the port holds no call, its state matches (no "fault" in ports),
# flash, digits and on-hook behave, and owsip stays up. CALLING and EARLY_MEDIA need a SIP far
# end: call_sipp_test.sh hangs up there against sipp (and src/phone/port_fsm_test.cc walks
# every (state, event) pair).
source "$(dirname "$0")/lib.sh"

CTL=$BIN/owsipctl
SOCK=$WORK/ctl.sock
cat >"$WORK/telephony" <<CONF
config general
	option backend 'sim'
	option sim_socket '$WORK/sim.sock'
	option ctl_socket '$SOCK'
	option log_level 6
config timers
	option interdigit 1000
	option off_hook_warning 5000
config port
	option id 0
config port
	option id 1
config port
	option id 2
CONF
start_bg "$WORK/owsip.log" "$BIN/owsip" -f -c "$WORK/telephony"
OWSIP_PID=$LAST_PID
wait_for_socket "$WORK/sim.sock"
wait_for_socket "$SOCK"
for n in 0 1 2; do
  mkfifo "$WORK/phone$n.in"
  eval "exec $((7 + n))<>\"$WORK/phone$n.in\""  # read-write: opening does not wait for a reader
  "$BIN/owsip-phone" -n -s "$WORK/sim.sock" -p $n <"$WORK/phone$n.in" >"$WORK/phone$n.jsonl" 2>&1 &
  PIDS+=("$!")
  wait_for_line "$WORK/phone$n.jsonl" '"event":"welcome"'
done

phone() { echo "${*:2}" >&$((7 + $1)); }  # phone N COMMAND...
# port N FIELD: a field of port N in `owsipctl --json ports`
port() {
  "$CTL" -s "$SOCK" --json ports | python3 -c '
import json, sys
p = [x for x in json.load(sys.stdin) if x["port"] == int(sys.argv[1])][0]
v = p.get(sys.argv[2], "")
print(str(v).lower() if isinstance(v, bool) else v)' "$1" "$2"
}
wait_state() {  # wait_state N STATE
  local i
  for ((i = 0; i < 200; i++)); do
    [ "$(port "$1" state)" = "$2" ] && return 0
    sleep 0.05
  done
  fail "port $1 is $(port "$1" state), not $2 ($3)"
}
alive() { kill -0 "$OWSIP_PID" 2>/dev/null || { tail -20 "$WORK/owsip.log" >&2; fail "owsip died: $1"; }; }
no_fault() {  # no_fault N WHAT
  local f; f=$(port "$1" fault)
  [ -z "$f" ] || fail "$2: port $1: $f"
}
all_idle() {
  local n
  for n in 0 1 2; do phone $n onhook; done
  for n in 0 1 2; do wait_state $n IDLE "cleanup after $1"; no_fault $n "$1"; done
}

# hang_up_in STATE: port 0 is in STATE now; owsipctl hangup 0; then the phone goes on.
hang_up_in() {
  local state=$1 hook after
  wait_state 0 "$state" "before the hang-up"
  hook=$(port 0 hook)
  "$CTL" -s "$SOCK" hangup 0 | grep -q "port 0 hung up (was $state)" || fail "hangup in $state"
  after=IDLE
  [ "$hook" = off ] && after=BUSY  # a phone still off hook hears busy tone
  wait_state 0 "$after" "after the hang-up in $state"
  [ "$(port 0 calls)" = 0 ] && [ "$(port 0 offered)" = false ] || fail "$state: calls remain"
  no_fault 0 "after the hang-up in $state"
  if [ "$hook" = off ]; then
    phone 0 flash
    phone 0 dial 5
    sleep 0.6
    alive "flash and digits after the hang-up in $state"
    wait_state 0 BUSY "flash after the hang-up in $state"
    no_fault 0 "flash after the hang-up in $state"
  fi
  all_idle "$state"
  alive "after $state"
  pass "hangup in $state"
}

set +e
"$CTL" -s "$SOCK" hangup 0 2>"$WORK/err"; rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "port 0 has no call" "$WORK/err" || fail "hangup in IDLE: rc=$rc"
pass "hangup in IDLE is refused: nothing to hang up"

phone 0 offhook; hang_up_in DIAL_TONE
phone 0 offhook; phone 0 dial 5; hang_up_in DIALING
phone 0 offhook; phone 0 dial 1; wait_state 0 CONGESTION "interdigit"; hang_up_in CONGESTION
phone 0 offhook; phone 0 dial 1; wait_state 0 CONGESTION "interdigit"; hang_up_in PARKED
phone 2 offhook; phone 0 offhook; phone 0 dial '**3'; hang_up_in BUSY
phone 0 offhook; phone 0 dial '**3'; wait_state 2 RINGING "internal call"; hang_up_in RINGBACK
phone 1 offhook; phone 1 dial '**1'; hang_up_in RINGING

# port 1 calls port 0, port 0 answers: CONNECTED
connect_1_to_0() {
  phone 1 offhook; phone 1 dial '**1'
  wait_state 0 RINGING "port 1 calls port 0"
  phone 0 offhook
  wait_state 0 CONNECTED "port 0 answers"
}
# ... and port 2 calls port 0 too: WAITING
second_call() {
  phone 2 offhook; phone 2 dial '**1'
  wait_state 0 WAITING "port 2 calls port 0"
}
connect_1_to_0; hang_up_in CONNECTED
connect_1_to_0; second_call; hang_up_in WAITING
connect_1_to_0; second_call; phone 0 flash; hang_up_in TWO_CALLS
connect_1_to_0; second_call; phone 0 flash; wait_state 0 TWO_CALLS "flash"
phone 2 onhook; hang_up_in HOLDING
connect_1_to_0; second_call; phone 0 flash; wait_state 0 TWO_CALLS "flash"
phone 0 onhook; hang_up_in RECALL

# The issue's own sequence, step by step: TWO_CALLS, hangup, flash, then a new call works.
connect_1_to_0; second_call; phone 0 flash; wait_state 0 TWO_CALLS "flash"
"$CTL" -s "$SOCK" hangup 0 >/dev/null
phone 0 flash
sleep 0.5
alive "the flash after hangup in TWO_CALLS"
all_idle "the issue's sequence"
connect_1_to_0
no_fault 0 "a new call after it all"
all_idle "the last call"
alive "the end"
pass "owsip stayed up through every hang-up; a new call connects"
