# Helpers for the call integration tests (sourced after lib.sh and sip_lib.sh): baresip user
# agents on 127.0.0.1 with a sine source and a recorder, virtual phones driven through a FIFO,
# and frequency checks of what each side heard. Kamailio routes the calls (sip_lib.sh).

command -v baresip >/dev/null || { echo "SKIP: baresip is not installed (./run setup)"; exit 0; }
BARESIP_MODULES=/usr/lib/baresip/modules
[ -f "$BARESIP_MODULES/ausine.so" ] || fail "baresip modules not found in $BARESIP_MODULES"
CTL=$SRC/tests/integration/baresip_ctl.py
FREQ=$SRC/tests/integration/wav_freq.py

# call_kamailio USER...: Kamailio on 127.0.0.1 with these users (password pw-USER); sets KAM,
# KPORT (its port) and OPORT (a port for owsip).
call_kamailio() {
  KAM=$WORK/kam
  KPORT=$(free_port)
  OPORT=$(free_port)
  kam_setup "$KAM" "$KPORT"
  local u
  for u in "$@"; do kam_user "$KAM" "$u" "pw-$u"; done
  kam_start "$KAM"
}

# start_owsip_registered CONF ACCOUNT...: owsip with CONF, its sim socket up and every ACCOUNT
# registered.
start_owsip_registered() {
  local conf=$1 a; shift
  start_owsip "$conf" "$WORK/owsip.log"
  wait_for_socket "$WORK/sim.sock"
  for a in "$@"; do wait_for_line "$WORK/owsip.log" "sip.acct\{$a\}: registered as" 10; done
}

# baresip_start NAME USER PASSWORD KAMAILIO_PORT SINE_HZ [ACCOUNT PARAMS] [CONFIG LINES...]:
# baresip registered as USER@owsip.test at Kamailio, answering automatically, sending a sine
# of SINE_HZ and recording what it receives into $WORK/NAME/dump-*-dec.wav. Sets
# BS_PID[NAME], BS_CTRL[NAME] (its ctrl_tcp port) and waits for its registration.
declare -A BS_PID BS_CTRL
BS_COUNT=0
baresip_start() {
  local name=$1 user=$2 pass=$3 kport=$4 hz=$5 params=${6:-}; shift 5; shift || true
  local d=$WORK/$name sip ctrl rtp
  mkdir -p "$d"
  # baresip also binds TLS on the SIP port + 1, even with `sip_transports udp`: both must be free.
  sip=$(free_port)
  while ! python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM).bind(('127.0.0.1', $sip + 1))" 2>/dev/null ||
        grep -qx "$((sip + 1))" "$WORK/.free_ports"; do
    sip=$(free_port)
  done
  echo "$((sip + 1))" >>"$WORK/.free_ports"
  ctrl=$(free_port)
  # 40 ports each from the upper half of this test's RTP window (sip_lib.sh).
  rtp=$((RTP_WINDOW + 256 + 40 * BS_COUNT))
  BS_COUNT=$((BS_COUNT + 1))
  [ "$BS_COUNT" -le 6 ] || fail "more than 6 baresips in one test: no RTP ports left for them"
  baresip_config "$d" "$name" "$sip" "$ctrl" "$((rtp + 2))-$((rtp + 40))" "$hz" \
    g711 g722 ausine aubridge sndfile srtp
  echo "snd_path	$d" >>"$d/config"
  local line
  for line in "$@"; do echo "$line" >>"$d/config"; done
  echo "\"Baresip $user\" <sip:$user@owsip.test>;auth_pass=$pass;outbound=\"sip:127.0.0.1:$kport\";regint=600;answermode=auto$params" >"$d/accounts"
  start_bg "$d/baresip.log" baresip -f "$d"
  BS_PID[$name]=$LAST_PID
  BS_CTRL[$name]=$ctrl
  wait_for_line "$d/baresip.log" "$user@owsip.test.*200 OK" 10
}

# baresip_config DIR NAME SIP_PORT CTRL_PORT RTP_RANGE SINE_HZ MODULE...: writes DIR/config for
# a baresip on 127.0.0.1 (UDP only): the `ausine` source at SINE_HZ (it runs at 48 kHz stereo
# only), the `aubridge` player named NAME, ctrl_tcp, and these codec/media modules. The tests and
# bench/lib.sh append what differs.
baresip_config() {
  local d=$1 name=$2 sip=$3 ctrl=$4 rtp_range=$5 hz=$6; shift 6
  local m
  {
    printf 'poll_method\tepoll\nsip_listen\t127.0.0.1:%s\nsip_transports\tudp\n' "$sip"
    printf 'net_interface\t127.0.0.1\ndns_server\t127.0.0.1:53\n'
    printf 'audio_player\taubridge,%s\naudio_alert\taubridge,%s\n' "$name" "$name"
    printf 'audio_source\tausine,%s\nausrc_srate\t48000\nausrc_channels\t2\n' "$hz"
    printf 'rtp_ports\t%s\nmodule_path\t%s\n' "$rtp_range" "$BARESIP_MODULES"
    for m in "$@"; do printf 'module\t%s.so\n' "$m"; done
    printf 'module_app\taccount.so\nmodule_app\tmenu.so\nmodule_app\tctrl_tcp.so\n'
    printf 'ctrl_tcp_listen\t127.0.0.1:%s\n' "$ctrl"
  } >"$d/config"
}

# bs NAME COMMAND [PARAMS]: one ctrl_tcp command; prints baresip's answer.
bs() { python3 "$CTL" "${BS_CTRL[$1]}" "$2" "${3:-}"; }

# bs_heard NAME: "HZ DBFS" of the newest recording of what NAME received.
bs_heard() {
  local f
  f=$(ls -t "$WORK/$1"/dump-*-dec.wav 2>/dev/null | head -1)
  [ -n "$f" ] || fail "$1 recorded nothing"
  python3 "$FREQ" "$f"
}

# phone_start NAME JACK [RATE]: a virtual phone on the sim socket, fed from a FIFO on fd
# PHONE_FD[NAME]; its events go to $WORK/NAME.jsonl.
declare -A PHONE_FD PHONE_PID
phone_start() {
  local name=$1 jack=$2 rate=${3:-8000} fd
  mkfifo "$WORK/$name.fifo"
  "$BIN/owsip-phone" -s "$WORK/sim.sock" -p "$jack" -r "$rate" <"$WORK/$name.fifo" \
    >"$WORK/$name.jsonl" 2>"$WORK/$name.err" &
  PHONE_PID[$name]=$!
  PIDS+=("$!")
  exec {fd}>"$WORK/$name.fifo"
  PHONE_FD[$name]=$fd
  wait_for_line "$WORK/$name.jsonl" '"event":"welcome"' 10
}

# ph NAME COMMAND...: sends commands (one per argument) to the phone.
ph() {
  local name=$1; shift
  local c
  for c in "$@"; do echo "$c" >&"${PHONE_FD[$name]}"; done
}

# phone_mark NAME: remembers how many events the phone has written so far, so that the
# next checks look only at what comes after.
declare -A PHONE_MARK
phone_mark() { PHONE_MARK[$1]=$(wc -l <"$WORK/$1.jsonl"); }

# phone_events NAME: the events since the mark.
phone_events() { tail -n +"$(( ${PHONE_MARK[$1]:-0} + 1 ))" "$WORK/$1.jsonl"; }

# wait_phone NAME REGEX [TIMEOUT_S]: until an event since the mark matches REGEX.
wait_phone() {
  local name=$1 re=$2 timeout=${3:-10} i
  for ((i = 0; i < timeout * 20; i++)); do
    phone_events "$name" | grep -Eq -- "$re" && return 0
    sleep 0.05
  done
  echo "--- $name events since the mark ---" >&2; phone_events "$name" >&2
  echo "--- owsip log (tail) ---" >&2; tail -40 "$WORK/owsip.log" >&2 || true
  fail "$name: no event /$re/ within ${timeout}s"
}

# heard NAME HZ: true when the phone reported sound of HZ (+-3 %) in its earpiece since the
# mark (`audio` events, once a second while sound is heard, or a recognised `tone`).
heard() {
  phone_events "$1" | python3 -c '
import json, sys
hz = float(sys.argv[1])
for line in sys.stdin:
    e = json.loads(line)
    fs = [e["freq"]] if e.get("event") == "audio" else e.get("freqs", []) if e.get("event") == "tone" else []
    if any(abs(f - hz) <= hz * 0.03 for f in fs):
        sys.exit(0)
sys.exit(1)' "$2"
}

# wait_phone_hears NAME HZ [TIMEOUT_S]: until heard NAME HZ.
wait_phone_hears() {
  local name=$1 hz=$2 timeout=${3:-10} i
  for ((i = 0; i < timeout * 10; i++)); do
    heard "$name" "$hz" && return 0
    sleep 0.1
  done
  echo "--- $name events since the mark ---" >&2; phone_events "$name" >&2
  fail "$name did not hear $hz Hz within ${timeout}s"
}

# phone_not_heard NAME HZ: the phone heard no sound of HZ since the mark.
phone_not_heard() {
  ! heard "$1" "$2" || fail "$1 heard $2 Hz, which belongs to another call"
}

# check_freq "HZ DBFS" WANT_HZ WHAT: the measured frequency is WANT_HZ +-3 % and audible.
check_freq() {
  local got_hz got_db
  read -r got_hz got_db <<<"$1"
  python3 -c "import sys; h,d,w=float('$got_hz'),float('$got_db'),float('$2'); sys.exit(0 if abs(h-w)<=w*0.03 and d>-45 else 1)" ||
    fail "$3: heard $got_hz Hz at $got_db dBFS, wanted $2 Hz"
}
