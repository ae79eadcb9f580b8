#!/usr/bin/env bash
# Soak: OWSIP_SOAK_CALLS sequential calls (180 here; 5000 for the long run, see README) from a
# sipp UAC through Kamailio to owsip's account, each answered by a virtual phone
# (`autoanswer`), talked for a moment and hung up by the phone (owsip sends BYE). Checked: no
# call fails, owsip's RSS grows less than 256 KiB from after the first 60 calls to the end, and
# it holds no more file descriptors than before. Printed: calls, failures, memory, descriptors.
# `./run test` also runs it (100 calls) with the ASan+UBSan build of owsip
# (OWSIP_SOAK_SANITIZED=1: no RSS check; leaks and errors fail owsip's exit at the end).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
command -v sipp >/dev/null || { echo "SKIP: sipp is not installed (./run setup)"; exit 0; }

CALLS=${OWSIP_SOAK_CALLS:-180}
WARMUP=60
call_kamailio 2001

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'"
sed -i "s/option log_level '7'/option log_level '5'/" "$conf"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" "option port '0'"
# A short hook flash window: the phone's on-hook counts after 150 ms instead of 700 ms.
printf '\nconfig timers\n\toption flash_max 150\n' >>"$conf"
start_owsip_registered "$conf" home
phone_start p0 0
ph p0 "autoanswer 20 200"

# run_calls N: N sequential calls; sets SIPP_EXIT.
run_calls() {
  local n=$1 i
  start_bg "$WORK/sipp-$n.out" sipp -sf "$SRC/tests/data/sipp/uac_wait_bye.xml" -s 2001 \
    -i 127.0.0.1 -p "$(free_port)" -m "$n" -l 1 -r 20 -timeout $(( n + 60 )) -nostdin \
    -trace_stat -stf "$WORK/sipp-$n.csv" "127.0.0.1:$KPORT"
  local pid=$LAST_PID
  for ((i = 0; i < (n + 60) * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  wait_exit "$pid" 5
  SIPP_EXIT=$EXIT_CODE
}
counts() {  # "successful failed" from sipp's last statistics line
  python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=";"))
head, last = rows[0], rows[-1]
print(last[head.index("SuccessfulCall(C)")], last[head.index("FailedCall(C)")])
PY
}
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$OWSIP_PID/status"; }
fds() { find "/proc/$OWSIP_PID/fd" -mindepth 1 | wc -l; }

run_calls "$WARMUP"
[ "$SIPP_EXIT" -eq 0 ] || fail "warm-up calls failed: $(tail -20 "$WORK/sipp-$WARMUP.out")"
sleep 1
rss_before=$(rss)
fds_before=$(fds)
start=$(date +%s)
if [ -n "${OWSIP_SOAK_BATCHES:-}" ]; then  # diagnosis: RSS after each batch
  for ((b = 0; b < OWSIP_SOAK_BATCHES; b++)); do run_calls "$CALLS"; sleep 1; echo "batch $b: RSS $(rss) KiB"; done
fi
run_calls "$CALLS"
read -r ok failed <<<"$(counts "$WORK/sipp-$CALLS.csv")"
sleep 2
rss_after=$(rss)
fds_after=$(fds)
echo "soak: $ok calls answered and ended, $failed failed, in $(( $(date +%s) - start )) s;" \
  "RSS $rss_before -> $rss_after KiB; descriptors $fds_before -> $fds_after"
[ "$SIPP_EXIT" -eq 0 ] && [ "$ok" -eq "$CALLS" ] && [ "$failed" -eq 0 ] ||
  fail "sipp: $ok of $CALLS calls succeeded, $failed failed (exit $SIPP_EXIT)"
pass "$CALLS sequential calls, none failed"
if [ -z "${OWSIP_SOAK_SANITIZED:-}" ]; then  # ASan's quarantine keeps freed memory on purpose
  [ "$rss_after" -le $(( rss_before + 256 )) ] || fail "RSS grew by $(( rss_after - rss_before )) KiB"
  pass "RSS grew by $(( rss_after - rss_before )) KiB (limit 256)"
fi
[ "$fds_after" -le "$fds_before" ] || fail "descriptors grew from $fds_before to $fds_after"
pass "no descriptor leak ($fds_before -> $fds_after)"
[ "$(wc -l <"$WORK/calls.jsonl")" -eq $(( CALLS + WARMUP )) ] || fail "the call log does not hold every call"
pass "the call log holds every call"
stop_owsip
