#!/usr/bin/env bash
# Memory idle and in call, and CPU per call-second, owsip beside baresip in the same role.
#   bench/memory_cpu.sh [CALL_SECONDS]   (default 60)
# Kamailio on 127.0.0.1 with six users: 2001/2002 for owsip, 2101/2102 for the baresip under
# test, 3000/3001 two baresip far ends (auto answer, 1 kHz sine). owsip runs on the sim backend
# with two ports, each with its account and a virtual phone (owsip-phone) attached; baresip
# under test registers the same kind of two accounts (G.711, ausine source, aubridge player).
# Measured for each: VmRSS, VmHWM, private (Private_Clean + Private_Dirty), PSS idle, with one
# and with two G.711 calls to the far ends; then utime + stime and the scheduler's exact on-CPU
# time (schedstat) over CALL_SECONDS of one call, and the on-CPU time idle (up to 20 s).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
SECS=${1:-60}
# cpu_window NAME PID: over SECS of the call, prints "TICKS NS": utime + stime in clock ticks
# and the scheduler's on-CPU nanoseconds; then the syscall summary below.
cpu_window() {
  local t0 s0 n0 t1 s1 n1
  t0=$(cpu_ticks "$2"); s0=$(cpu_split "$2"); n0=$(cpu_ns "$2")
  sleep "$SECS"
  t1=$(cpu_ticks "$2"); s1=$(cpu_split "$2"); n1=$(cpu_ns "$2")
  note "$1 utime stime (ticks) before: $s0, after: $s1"
  syscalls "$1" "$2"
  echo "$((t1 - t0)) $((n1 - n0))"
}
# syscalls NAME PID: after the CPU window, still in the call, 10 s of strace -c on every thread
# (it slows the process, so it is not part of the CPU figures): what the kernel time is spent on.
syscalls() {
  command -v strace >/dev/null || { note "no strace: no syscall summary"; return 0; }
  timeout -s INT 10 strace -c -f -p "$2" -o "$BENCH_OUT/syscalls-$1.txt" 2>/dev/null || true
  note "$1: syscalls in 10 s of the call: $(awk '$NF == "total" {print $4}' \
    "$BENCH_OUT/syscalls-$1.txt" 2>/dev/null) (top: $BENCH_OUT/syscalls-$1.txt)"
}
IDLE_SECS=$(( SECS < 20 ? SECS : 20 ))
# A binary linked moments ago is still dirty in the page cache, and smaps counts its mapped code
# as Private_Dirty until it is written back: write it back first.
sync

call_kamailio 2001 2002 2101 2102 3000 3001
baresip_start far0 3000 pw-3000 "$KPORT" 1000
baresip_start far1 3001 pw-3001 "$KPORT" 1000

# ---- owsip
conf=$WORK/telephony
bench_owsip_conf "$conf" "$(free_port)" "$(free_port)" 2
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" "option port '0'"
owsip_account "$conf" work 2002 pw-2002 "127.0.0.1:$KPORT" "option port '1'"
start_owsip "$conf" "$WORK/owsip.log"
wait_for_socket "$WORK/sim.sock"
wait_for_line "$WORK/owsip.log" "sip.acct\{home\}: registered as" 10
wait_for_line "$WORK/owsip.log" "sip.acct\{work\}: registered as" 10
phone_start p0 0
phone_start p1 1
sleep 3
read -r o_rss0 o_hwm0 o_priv0 o_pss0 o_dirty0 <<<"$(mem_kb "$OWSIP_PID")"
python3 "$BENCH_ROOT/bench/smaps_summary.py" "$OWSIP_PID" >"$BENCH_OUT/smaps-owsip-idle.txt"
oi0=$(cpu_ns "$OWSIP_PID"); sleep "$IDLE_SECS"; oi1=$(cpu_ns "$OWSIP_PID")
note "owsip idle: rss $o_rss0 hwm $o_hwm0 private $o_priv0 pss $o_pss0 KiB"
ph p0 offhook "wait 300" "dial 3000#" "wait 1500" "tone 700 -10"
wait_for_line "$WORK/owsip.log" "call 1 answered" 15
sleep 3
read -r o_rss1 o_hwm1 o_priv1 o_pss1 _ <<<"$(mem_kb "$OWSIP_PID")"
ph p1 offhook "wait 300" "dial 3001#" "wait 1500" "tone 700 -10"
wait_for_line "$WORK/owsip.log" "call 2 answered" 15
sleep 3
read -r o_rss2 o_hwm2 o_priv2 o_pss2 o_dirty2 <<<"$(mem_kb "$OWSIP_PID")"
note "owsip 1 call: rss $o_rss1 private $o_priv1; 2 calls: rss $o_rss2 private $o_priv2 KiB"
ph p1 silence onhook
wait_for_line "$WORK/owsip.log" "call 2 ended" 10
sleep 1
note "owsip: one call for $SECS s"
read -r o_ticks o_ns <<<"$(cpu_window owsip "$OWSIP_PID")"
ph p0 silence onhook
wait_for_line "$WORK/owsip.log" "call 1 ended" 10
grep -q "call 1 ended" "$WORK/owsip.log"
stop_owsip
stop_pid "${PHONE_PID[p0]}"
stop_pid "${PHONE_PID[p1]}"

# ---- baresip under test, same accounts, same far ends
bs_ut_start ut "$KPORT" 2101 pw-2101 2102 pw-2102
BPID=${BS_PID[ut]}
sleep 3
read -r b_rss0 b_hwm0 b_priv0 b_pss0 b_dirty0 <<<"$(mem_kb "$BPID")"
python3 "$BENCH_ROOT/bench/smaps_summary.py" "$BPID" >"$BENCH_OUT/smaps-baresip-idle.txt"
bi0=$(cpu_ns "$BPID"); sleep "$IDLE_SECS"; bi1=$(cpu_ns "$BPID")
note "baresip idle: rss $b_rss0 hwm $b_hwm0 private $b_priv0 pss $b_pss0 KiB"
bs ut dial "sip:3000@owsip.test" >/dev/null
wait_for_count "$WORK/ut/baresip.log" "Call established|established" 1 15
sleep 3
read -r b_rss1 b_hwm1 b_priv1 b_pss1 _ <<<"$(mem_kb "$BPID")"
bs ut dial "sip:3001@owsip.test" >/dev/null
wait_for_count "$WORK/ut/baresip.log" "Call established|established" 2 15
sleep 3
read -r b_rss2 b_hwm2 b_priv2 b_pss2 b_dirty2 <<<"$(mem_kb "$BPID")"
note "baresip 1 call: rss $b_rss1 private $b_priv1; 2 calls: rss $b_rss2 private $b_priv2 KiB"
bs ut hangup >/dev/null
sleep 2
note "baresip: one call for $SECS s"
read -r b_ticks b_ns <<<"$(cpu_window baresip "$BPID")"
bs ut hangup >/dev/null || true
stop_pid "$BPID"

result "idle VmRSS" "$o_rss0" "$b_rss0" KiB
result "idle VmHWM" "$o_hwm0" "$b_hwm0" KiB
result "idle private" "$o_priv0" "$b_priv0" KiB
result "idle PSS" "$o_pss0" "$b_pss0" KiB
result "idle Private_Dirty" "$o_dirty0" "$b_dirty0" KiB
result "1 call VmRSS" "$o_rss1" "$b_rss1" KiB
result "1 call VmHWM" "$o_hwm1" "$b_hwm1" KiB
result "1 call private" "$o_priv1" "$b_priv1" KiB
result "1 call PSS" "$o_pss1" "$b_pss1" KiB
result "2 calls VmRSS" "$o_rss2" "$b_rss2" KiB
result "2 calls VmHWM" "$o_hwm2" "$b_hwm2" KiB
result "2 calls private" "$o_priv2" "$b_priv2" KiB
result "2 calls PSS" "$o_pss2" "$b_pss2" KiB
result "2 calls Private_Dirty" "$o_dirty2" "$b_dirty2" KiB
result "RSS growth per call (avg of 2)" "$(( (o_rss2 - o_rss0) / 2 ))" "$(( (b_rss2 - b_rss0) / 2 ))" KiB
result "private growth per call (avg of 2)" "$(( (o_priv2 - o_priv0) / 2 ))" "$(( (b_priv2 - b_priv0) / 2 ))" KiB
cpu() { python3 -c "import sys; print('%.5f' % (int(sys.argv[1]) / $CLK_TCK / $SECS))" "$1"; }
result "CPU s per call-second (utime+stime, ${SECS} s)" "$(cpu "$o_ticks")" "$(cpu "$b_ticks")" "s/s"
run_s() { python3 -c "import sys; print('%.5f' % (int(sys.argv[1]) / 1e9 / float(sys.argv[2])))" "$@"; }
result "on-CPU s per second idle (schedstat, ${IDLE_SECS} s)" "$(run_s $((oi1 - oi0)) "$IDLE_SECS")" "$(run_s $((bi1 - bi0)) "$IDLE_SECS")" "s/s"
result "on-CPU s per call-second (schedstat, ${SECS} s)" "$(run_s "$o_ns" "$SECS")" "$(run_s "$b_ns" "$SECS")" "s/s"
