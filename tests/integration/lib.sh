# Shared helpers for the integration tests (sourced). Every test works in its own temp dir,
# ends only the processes it started (by PID), and bounds every wait.
set -euo pipefail

BIN=${OWSIP_BIN_DIR:?set by ctest}
SRC=${OWSIP_SOURCE_DIR:?set by ctest}
WORK=$(mktemp -d /tmp/owsip-it.XXXXXX)
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# wait_for_line FILE REGEX [TIMEOUT_S]: waits until FILE has a line matching REGEX.
wait_for_line() {
  local file=$1 re=$2 timeout=${3:-10} i
  for ((i = 0; i < timeout * 20; i++)); do
    grep -Eq -- "$re" "$file" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "--- $file ---" >&2; cat "$file" >&2 || true
  fail "timed out after ${timeout}s waiting for /$re/ in $file"
}

# wait_for_count FILE REGEX N [TIMEOUT_S]: waits until FILE has at least N lines matching REGEX.
wait_for_count() {
  local file=$1 re=$2 n=$3 timeout=${4:-10} i
  for ((i = 0; i < timeout * 20; i++)); do
    [ "$(grep -Ec -- "$re" "$file" 2>/dev/null)" -ge "$n" ] && return 0
    sleep 0.05
  done
  echo "--- $file ---" >&2; cat "$file" >&2 || true
  fail "timed out after ${timeout}s waiting for $n lines /$re/ in $file"
}

# wait_for_socket PATH [TIMEOUT_S]: waits until PATH is a socket.
wait_for_socket() {
  local path=$1 timeout=${2:-10} i
  for ((i = 0; i < timeout * 20; i++)); do
    [ -S "$path" ] && return 0
    sleep 0.05
  done
  fail "timed out after ${timeout}s waiting for the socket $path"
}

# count_lines FILE REGEX
count_lines() { grep -Ec -- "$2" "$1" 2>/dev/null || true; }

# start_bg LOGFILE CMD...: starts CMD in the background, records its PID in PIDS and LAST_PID.
start_bg() {
  local logf=$1; shift
  "$@" >"$logf" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# wait_exit PID TIMEOUT_S: waits for PID to exit and sets EXIT_CODE.
wait_exit() {
  local pid=$1 timeout=$2 i
  for ((i = 0; i < timeout * 20; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      EXIT_CODE=0
      wait "$pid" || EXIT_CODE=$?
      return 0
    fi
    sleep 0.05
  done
  fail "process $pid did not exit within ${timeout}s"
}
