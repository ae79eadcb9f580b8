#!/usr/bin/env bash
# Fax over the line audio, inside one owsip: the virtual phone on port 0 is a fax machine that
# sends a two-page TIFF (drawn by owsip-phone itself) through an internal call (**2) to the fax
# machine on port 1, which answers and receives it. T.30 with spandsp's V.21/V.17 modems runs
# over the sim line's 20 ms PCM frames and owsip's local call; the received file is compared
# page by page with the sent one. Then the error paths: a missing TIFF and a fax that never
# finds a partner give clear errors, not a crash.
source "$(dirname "$0")/lib.sh"

OWSIP=$BIN/owsip
PHONE=$BIN/owsip-phone
[ -x "$PHONE" ] || fail "owsip-phone not built"

d=$WORK/d
mkdir -p "$d"
cat >"$d/telephony" <<CONF
config general
	option backend 'sim'
	option sim_socket '$d/sim.sock'
	option ctl_socket '$d/ctl.sock'
	option call_log '$d/calls.jsonl'
	option log_level 6
config port 'port0'
	option id 0
config port 'port1'
	option id 1
CONF
start_bg "$d/owsip.log" "$OWSIP" -f -c "$d/telephony"
wait_for_line "$d/owsip.log" "listening on $d/sim.sock"

# --- the test page, and the compare tool on it ---
"$PHONE" fax page "$WORK/page.tif" 2 300 ||
  fail "owsip-phone fax page failed"
"$PHONE" fax compare "$WORK/page.tif" "$WORK/page.tif" >"$WORK/cmp.out" ||
  fail "a file does not compare equal to itself: $(cat "$WORK/cmp.out")"
grep -q '"same":true' "$WORK/cmp.out" || fail "compare output: $(cat "$WORK/cmp.out")"
"$PHONE" fax page "$WORK/other.tif" 2 300 7
if "$PHONE" fax compare "$WORK/page.tif" "$WORK/other.tif" >"$WORK/cmp2.out"; then
  fail "two different pages compare equal: $(cat "$WORK/cmp2.out")"
fi
grep -q '"same":false' "$WORK/cmp2.out" || fail "compare output: $(cat "$WORK/cmp2.out")"
pass "owsip-phone draws a 2-page test fax; compare finds it equal to itself, not to another"

# --- a fax from port 0 to port 1 ---
# The receiver answers the second ring (1 s after it starts) and receives; the sender dials and
# sends at once (CNG while it rings), then hangs up when T.30 is done.
printf 'answer 1000\nfax receive %s\nwait 500\nonhook\nquit\n' "$WORK/rx.tif" |
  "$PHONE" -s "$d/sim.sock" -p 1 >"$WORK/rx.jsonl" 2>"$WORK/rx.err" &
RX_PID=$!
PIDS+=("$RX_PID")
wait_for_line "$WORK/rx.jsonl" '"event":"welcome"' 10
start=$(date +%s%N)
printf 'offhook\nwait 300\ndial **2\nfax send %s\nwait 500\nonhook\nquit\n' "$WORK/page.tif" |
  "$PHONE" -s "$d/sim.sock" -p 0 >"$WORK/tx.jsonl" 2>"$WORK/tx.err" &
TX_PID=$!
PIDS+=("$TX_PID")
wait_exit "$TX_PID" 90
end=$(date +%s%N)
wait_exit "$RX_PID" 20
grep '"event":"fax"' "$WORK/tx.jsonl" "$WORK/rx.jsonl" || true
grep -q '"event":"fax","mode":"send","result":"ok".*"pages":2' "$WORK/tx.jsonl" ||
  fail "the sender did not finish: $(grep -E 'fax|error' "$WORK/tx.jsonl")"
grep -q '"event":"fax","mode":"receive","result":"ok".*"pages":2' "$WORK/rx.jsonl" ||
  fail "the receiver did not finish: $(grep -E 'fax|error' "$WORK/rx.jsonl")"
"$PHONE" fax compare "$WORK/page.tif" "$WORK/rx.tif" >"$WORK/cmp3.out" ||
  fail "the received fax differs: $(cat "$WORK/cmp3.out")"
printf 'ok: port 0 -> port 1 (**2): 2 pages arrived identical, %d ms from dialling to hanging up (%s)\n' \
  "$(( (end - start) / 1000000 ))" "$(grep -o '"bit_rate":[0-9]*' "$WORK/rx.jsonl")"

# --- errors ---
printf 'fax send %s\nfax receive /nonexistent/dir/x.tif\nquit\n' "$WORK/missing.tif" |
  "$PHONE" -s "$d/sim.sock" -p 0 >"$WORK/err.jsonl" 2>"$WORK/err.err" || true
grep -q '"event":"error","message":".*missing.tif: No such file' "$WORK/err.jsonl" ||
  fail "no clear error for a missing TIFF: $(cat "$WORK/err.jsonl")"
grep -q '"event":"error","message":"/nonexistent/dir/.*' "$WORK/err.jsonl" ||
  fail "no clear error for an unwritable place: $(cat "$WORK/err.jsonl")"
if "$PHONE" fax compare "$WORK/page.tif" "$WORK/missing.tif" >"$WORK/cmp4.out" 2>&1; then
  fail "compare with a missing file succeeded"
fi
grep -q 'missing.tif: No such file' "$WORK/cmp4.out" || fail "compare error: $(cat "$WORK/cmp4.out")"
kill -0 "${PIDS[0]}" || fail "owsip died"
pass "a missing TIFF, an unwritable directory and a compare with a missing file are clear errors"
