#!/usr/bin/env bash
# Runs every benchmark in bench/ one after the other and prints one table: metric, owsip,
# baresip, ratio (owsip / baresip). Called by `./run bench [--quick]`.
#   bench/run_all.sh [--quick]
#   full:  60 s CPU window, 100 calls per latency figure, 20 s callgrind, 20 s per density step
#   quick: 10 s, 20 calls, 10 s, 8 s
# Each script's progress goes to $BENCH_OUT/NAME.log; the table also to $BENCH_OUT/table.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_OUT=${BENCH_OUT:-${OWSIP_BIN_DIR:-$PWD/build}/bench}
export BENCH_OUT
mkdir -p "$BENCH_OUT"

cpu_s=60 calls=100 cg_s=20 dens_s=20
if [ "${1:-}" = "--quick" ]; then cpu_s=10 calls=20 cg_s=10 dens_s=8; fi

results=$BENCH_OUT/results.tsv
: >"$results"
run() {  # NAME SCRIPT ARGS...
  local name=$1; shift
  echo "==> bench: $name ($*)" >&2
  local rc=0
  "$@" 2>"$BENCH_OUT/$name.log" >"$BENCH_OUT/$name.out" || rc=$?
  grep '^RESULT' "$BENCH_OUT/$name.out" >>"$results" || true
  grep -v '^RESULT' "$BENCH_OUT/$name.out" >&2 || true
  if [ "$rc" -ne 0 ]; then
    echo "bench: $name failed, see $BENCH_OUT/$name.log:" >&2
    tail -5 "$BENCH_OUT/$name.log" >&2
  fi
}
run memory_cpu bench/memory_cpu.sh "$cpu_s"
run instructions bench/instructions.sh "$cg_s"
run latency bench/latency.sh "$calls"
run density bench/density.sh "$dens_s"
run startup_size bench/startup_size.sh 5

python3 - "$results" <<'PY' | tee "$BENCH_OUT/table.md"
import sys
rows = [l.rstrip("\n").split("\t")[1:] for l in open(sys.argv[1]) if l.startswith("RESULT\t")]
def ratio(a, b):
    try:
        a, b = float(a), float(b)
        return "%.2f" % (a / b) if b else "-"
    except ValueError:
        return "-"
print("| metric | owsip | baresip | ratio | unit |")
print("|---|---:|---:|---:|---|")
for metric, o, b, unit in rows:
    print("| %s | %s | %s | %s | %s |" % (metric, o, b, ratio(o, b), unit))
PY
