# shellcheck shell=bash disable=SC2034
# Shared helpers of the benchmarks (sourced). They reuse the integration tests' helpers
# (tests/integration/{lib,sip_lib,call_lib}.sh: Kamailio on 127.0.0.1, free ports, baresip,
# virtual phones), so a benchmark starts the same processes the tests do. Every figure is printed
# as one line "RESULT<TAB>metric<TAB>owsip<TAB>baresip<TAB>unit" on stdout ("-" = not
# measured); progress goes to stderr. bench/run_all.sh collects the lines into one table.
# Traffic stays on 127.0.0.1; every wait is bounded; only PIDs started here are ended.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export OWSIP_BIN_DIR=${OWSIP_BIN_DIR:-$BENCH_ROOT/build}
export OWSIP_SOURCE_DIR=$BENCH_ROOT
# Artifacts worth keeping (callgrind output, heaptrack summaries, logs of failed steps).
BENCH_OUT=${BENCH_OUT:-$OWSIP_BIN_DIR/bench}
mkdir -p "$BENCH_OUT"
# shellcheck source=tests/integration/lib.sh
source "$BENCH_ROOT/tests/integration/lib.sh"
# shellcheck source=tests/integration/sip_lib.sh
source "$BENCH_ROOT/tests/integration/sip_lib.sh"
# shellcheck source=tests/integration/call_lib.sh
source "$BENCH_ROOT/tests/integration/call_lib.sh"

note() { echo "bench: $*" >&2; }

# result METRIC OWSIP BARESIP UNIT
result() { printf 'RESULT\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4"; }

# mem_kb PID: "VmRSS VmHWM private PSS private_dirty" in KiB (private = Private_Clean +
# Private_Dirty of /proc/PID/smaps_rollup; Private_Clean is mostly the executable's pages while
# no other process maps that file, Private_Dirty is what no second instance could share).
mem_kb() {
  local pid=$1
  awk '/^VmRSS:/ {r=$2} /^VmHWM:/ {h=$2} END {printf "%s %s ", r, h}' "/proc/$pid/status"
  awk '/^Private_(Clean|Dirty):/ {p+=$2} /^Private_Dirty:/ {d=$2} /^Pss:/ {s=$2}
       END {printf "%s %s %s\n", p, s, d}' \
    "/proc/$pid/smaps_rollup"
}

# cpu_ticks PID: utime + stime of PID in clock ticks (/proc/PID/stat fields 14 and 15; the
# command name in field 2 has no spaces for the processes measured here).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# cpu_split PID: "utime stime" in clock ticks.
cpu_split() { awk '{print $14, $15}' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)
# cpu_ns PID: nanoseconds PID's threads have run on a CPU (/proc/PID/task/*/schedstat, field 1:
# the scheduler's exact runtime). utime and stime are samples taken at the timer tick, which
# over-charge a process that wakes briefly in step with timers, as a 20 ms media loop does.
cpu_ns() { cat /proc/"$1"/task/*/schedstat | awk '{n += $1} END {printf "%d\n", n}'; }

# bench_owsip_conf FILE SIP_PORT RTP_PORT NPORTS: the general section (sim backend, log level 6
# so that the log shows the call events without per-packet debug lines) and NPORTS port sections.
bench_owsip_conf() {
  local file=$1 sport=$2 rport=$3 nports=$4 i
  {
    echo "config general"
    echo "	option backend 'sim'"
    echo "	option sim_socket '$WORK/sim.sock'"
    echo "	option ctl_socket '$WORK/ctl.sock'"
    echo "	option call_log '$WORK/calls.jsonl'"
    echo "	option interface 'lo'"
    echo "	option local_port '$sport'"
    echo "	option tls_port '$(free_port)'"
    echo "	option rtp_port '$rport'"
    echo "	option log_level '6'"
    for ((i = 0; i < nports; i++)); do
      printf "\nconfig port 'port%d'\n\toption id '%d'\n" "$i" "$i"
    done
  } >"$file"
}

# bs_ut_start NAME KPORT USER1 PASS1 [USER2 PASS2]: baresip as the system under test in owsip's
# role: G.711 only, `ausine` source (1000 Hz; it runs only at 48 kHz stereo, so baresip resamples to
# 8 kHz as it must with that source), `aubridge` player (8 kHz mono), auto answer,
# ctrl_tcp; one account per USER, registered at Kamailio. Sets BS_PID[NAME], BS_CTRL[NAME],
# BS_SIP[NAME] and BS_RTP[NAME] (first port of its RTP range, 200 ports).
declare -A BS_SIP BS_RTP
bs_ut_start() {
  local name=$1 kport=$2; shift 2
  local d=$WORK/$name sip ctrl rtp
  mkdir -p "$d"
  sip=$(free_port); ctrl=$(free_port); rtp=$(free_port)
  rtp=$(( (rtp / 2) * 2 ))
  [ "$rtp" -lt 64000 ] || rtp=$((rtp - 1000))
  baresip_config "$d" "$name" "$sip" "$ctrl" "$rtp-$((rtp + 200))" 1000 g711 ausine aubridge
  printf 'auplay_srate\t8000\nauplay_channels\t1\n' >>"$d/config"
  : >"$d/accounts"
  while [ $# -ge 2 ]; do
    echo "<sip:$1@owsip.test>;auth_pass=$2;outbound=\"sip:127.0.0.1:$kport\";regint=600;answermode=auto;audio_codecs=PCMU" >>"$d/accounts"
    shift 2
  done
  BS_T0=$(date +%s.%N)  # the moment of the exec, for bench/startup_size.sh
  start_bg "$d/baresip.log" baresip -f "$d"
  BS_PID[$name]=$LAST_PID
  BS_CTRL[$name]=$ctrl
  BS_SIP[$name]=$sip
  BS_RTP[$name]=$rtp
  wait_for_count "$d/baresip.log" "@owsip.test.*200 OK" "$(wc -l <"$d/accounts")" 10
}

# stop_pid PID: SIGTERM, bounded wait, SIGKILL if needed.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# ratio A B: A/B with two decimals, "-" when either is missing or B is zero.
ratio() {
  python3 -c '
import sys
try:
    a, b = float(sys.argv[1]), float(sys.argv[2])
    print("%.2f" % (a / b) if b else "-")
except ValueError:
    print("-")' "$1" "$2"
}
