#!/usr/bin/env bash
# Start-up time to the first REGISTER (from the exec to the REGISTER on the wire, captured with
# tcpdump on lo at Kamailio's port; median of RUNS starts) and stripped binary sizes.
#   bench/startup_size.sh [RUNS]   (default 5)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
RUNS=${1:-5}

call_kamailio 2001 2101

# first_register PCAP SRC_PORT T0: ms from T0 (epoch seconds) to the first REGISTER from
# SRC_PORT.
first_register() {
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
sys.path.insert(0, os.environ["BENCH_ROOT"] + "/bench")
from pcap_latency import packets
t0 = float(sys.argv[3])
for t, sp, dp, p in packets(sys.argv[1]):
    if sp == int(sys.argv[2]) and p.startswith(b"REGISTER "):
        print("%.1f" % ((t - t0) * 1000))
        break
else:
    print("-")
PY
}
export BENCH_ROOT
median() { printf '%s\n' "$@" | grep -v '^-$' | sort -n | awk '{a[NR]=$1} END {print NR ? a[int((NR+1)/2)] : "-"}'; }

o_ms=() b_ms=()
for ((r = 0; r < RUNS; r++)); do
  OPORT=$(free_port)
  conf=$WORK/telephony
  rm -f "$WORK/sim.sock"
  bench_owsip_conf "$conf" "$OPORT" "$(free_port)" 2
  owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'"
  start_bg "$WORK/cap-o$r.log" tcpdump -i lo -U --immediate-mode -n -s 2048 -w "$WORK/o$r.pcap" "udp and port $KPORT"
  CAP=$LAST_PID
  wait_for_line "$WORK/cap-o$r.log" "listening on" 10
  t0=$(date +%s.%N)
  start_owsip "$conf" "$WORK/owsip-$r.log"
  wait_for_line "$WORK/owsip-$r.log" "sip.acct\{home\}: registered as" 10
  sleep 1
  stop_pid "$CAP"
  stop_owsip
  o_ms+=("$(first_register "$WORK/o$r.pcap" "$OPORT" "$t0")")

  start_bg "$WORK/cap-b$r.log" tcpdump -i lo -U --immediate-mode -n -s 2048 -w "$WORK/b$r.pcap" "udp and port $KPORT"
  CAP=$LAST_PID
  wait_for_line "$WORK/cap-b$r.log" "listening on" 10
  bs_ut_start "bs$r" "$KPORT" 2101 pw-2101  # sets BS_T0 just before the exec
  sleep 1
  stop_pid "$CAP"
  stop_pid "${BS_PID[bs$r]}"
  b_ms+=("$(first_register "$WORK/b$r.pcap" "${BS_SIP[bs$r]}" "$BS_T0")")
done
note "start-up to first REGISTER: owsip ${o_ms[*]} ms; baresip ${b_ms[*]} ms"
result "start-up to first REGISTER (median of $RUNS)" "$(median "${o_ms[@]}")" "$(median "${b_ms[@]}")" ms

strip_size() { local f=$WORK/stripped; cp "$1" "$f"; strip --strip-all "$f"; stat -c %s "$f"; }
o_size=$(strip_size "$OWSIP_BIN_DIR/owsip")
# Both load Debian's libre.so (the MIPS build links it statically): counted on both sides.
libre=$(ldconfig -p | awk '/libre\.so/ && !found {print $NF; found = 1}')  # no early exit: SIGPIPE
libre_size=0
[ -n "$libre" ] && libre_size=$(strip_size "$libre")
# baresip: the executable and the modules it loads in this role.
b_size=$(strip_size "$(command -v baresip)")
b_total=$b_size
for m in g711 ausine aubridge account menu ctrl_tcp; do
  b_total=$((b_total + $(strip_size "$BARESIP_MODULES/$m.so")))
done
result "x86-64 stripped size: owsip / baresip executable" "$((o_size / 1024))" "$((b_size / 1024))" KiB
result "x86-64 stripped: owsip + libre.so / baresip + its 6 modules + libre.so" \
  "$(((o_size + libre_size) / 1024))" "$(((b_total + libre_size) / 1024))" KiB
if [ -x "$BENCH_ROOT/build-mips/owsip" ]; then
  m=$WORK/owsip-mips
  cp "$BENCH_ROOT/build-mips/owsip" "$m"
  mips-linux-gnu-strip --strip-all "$m"
  result "MIPS stripped size" "$(($(stat -c %s "$m") / 1024))" - KiB
else
  result "MIPS stripped size (no build-mips/: run ./run mips)" - - KiB
fi
