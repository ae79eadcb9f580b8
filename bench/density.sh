#!/usr/bin/env bash
# Port density: owsip with N sim ports, every port in a G.711 call at once, for N in the list.
# The phones (owsip-bench-phones, N phones in one process) dial a contact that Kamailio routes
# to a sipp UAS which echoes the RTP back (-rtp_echo), so each call carries audio both ways.
# Over HOLD_S seconds of all calls up: owsip's CPU share of one core (utime + stime / wall),
# the phones' frame counts (microphone frames sent, earpiece frames received, frames the phone
# clock skipped) and owsip's own per-call figures (owsipctl --json calls: loss_percent).
# A late frame: an earpiece frame missing at the end of the window (beyond the 3 a phone may
# have in flight) or a frame the phone clock skipped; besides, owsip's calls whose RTP loss
# (lost or too late to play) is above 0.
#   bench/density.sh [HOLD_S] [N...]   (default 20 s; 16 32 64 128)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
HOLD=${1:-20}
[ $# -gt 0 ] && shift
NS=("$@")
[ ${#NS[@]} -gt 0 ] || NS=(16 32 64 128)

call_kamailio 2001

best=0
summary=()
for n in "${NS[@]}"; do
  UAS=$(free_port)
  MP=$(free_port); MP=$(( (MP / 2) * 2 )); [ "$MP" -lt 64000 ] || MP=$((MP - 1000))
  start_bg "$WORK/uas-$n.log" sipp -sn uas -i 127.0.0.1 -p "$UAS" -mi 127.0.0.1 -mp "$MP" \
    -rtp_echo -timeout "$((HOLD + 120))" -nostdin
  UAS_PID=$LAST_PID
  conf=$WORK/telephony-$n
  RPORT=$(free_port); RPORT=$(( (RPORT / 2) * 2 )); [ "$RPORT" -lt 60000 ] || RPORT=$((RPORT - 4000))
  rm -f "$WORK/sim.sock"
  bench_owsip_conf "$conf" "$(free_port)" "$RPORT" "$n"
  owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'"
  printf '\nconfig contact\n\toption desc %s\n\toption code sipp\n\toption type sip\n\toption dial %s\n' \
    "'sipp echo'" "'port-$UAS@owsip.test'" >>"$conf"
  sed -i "s/option log_level '6'/option log_level '5'/" "$conf"
  start_owsip "$conf" "$WORK/owsip-$n.log"
  wait_for_socket "$WORK/sim.sock"
  wait_for_line "$WORK/owsip-$n.log" "sip.acct\{home\}: registered as" 10
  note "density: $n ports, $HOLD s"
  start_bg "$WORK/phones-$n.log" "$BIN/owsip-bench-phones" -s "$WORK/sim.sock" -n "$n" call "*7477" "$HOLD"
  PH_PID=$LAST_PID
  wait_for_line "$WORK/phones-$n.log" "window_start|closed" $((n / 10 + 30))
  t0=$(cpu_ticks "$OWSIP_PID"); w0=$(date +%s.%N)
  answered=$(grep -c "answered" "$WORK/owsip-$n.log" || true)
  wait_for_line "$WORK/phones-$n.log" "window_end|closed" $((HOLD + 30))
  t1=$(cpu_ticks "$OWSIP_PID"); w1=$(date +%s.%N)
  "$BIN/owsipctl" -s "$WORK/ctl.sock" --json calls >"$WORK/calls-$n.json" 2>&1 || true
  wait_exit "$PH_PID" 20
  stop_owsip
  stop_pid "$UAS_PID"
  line=$(python3 - "$WORK/phones-$n.log" "$WORK/calls-$n.json" "$t0" "$t1" "$w0" "$w1" "$CLK_TCK" "$n" "$answered" <<'PY'
import json, sys
ph, calls, t0, t1, w0, w1, tck, n, answered = sys.argv[1:]
answered = int(answered)
end = [json.loads(l) for l in open(ph) if '"window_end"' in l]
e = end[0] if end else {}
cpu = (int(t1) - int(t0)) / int(tck) / (float(w1) - float(w0)) * 100
missing = max(0, e.get("frames_sent", 0) - e.get("frames_received", 0) - 3 * int(n))
skipped = e.get("frames_skipped", 0)
lost = conc = active = 0
try:
    data = json.load(open(calls))
    items = data if isinstance(data, list) else data.get("calls", [])
    for c in items:
        m = c.get("quality")
        if not isinstance(m, dict) or c.get("end"):
            continue
        active += 1
        lost += 1 if float(m.get("loss_percent", 0)) > 0 else 0
        conc = max(conc, float(m.get("loss_percent", 0)))
except (ValueError, OSError, AttributeError):
    pass
late = missing + skipped
print("%.1f %d %d %d %d %d %.1f %d" % (cpu, answered, active, e.get("frames_sent", 0),
      late, lost, conc, 1 if e and late == 0 and lost == 0 and answered >= int(n) else 0))
PY
)
  read -r cpu answered active sent late lost conc ok <<<"$line"
  note "N=$n: owsip CPU $cpu % of a core, $answered answered, $active calls listed, $sent frames, $late late/missing frames, $lost calls with RTP loss (worst $conc %)"
  result "N=$n ports in call: owsip CPU % of one core" "$cpu" - "%"
  result "N=$n: late+missing frames / calls with loss / worst loss" "$late/$lost/$conc%" - "frames/calls/%"
  [ "$answered" -ge "$n" ] || note "N=$n: only $answered of $n calls answered"
  summary+=("$n:$ok")
  [ "$ok" = 1 ] && [ "$n" -gt "$best" ] && best=$n
done
note "density: ${summary[*]}"
result "largest N with no late frame (of ${NS[*]})" "$best" - ports
