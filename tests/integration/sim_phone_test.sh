#!/usr/bin/env bash
# owsip with the sim backend and owsip-phone, as separate processes: dial tone of five
# countries checked by frequency and cadence, DTMF and pulse digits and hook flash reaching the
# port, LED and relay files, and a phone that sends garbage.
source "$(dirname "$0")/lib.sh"

OWSIP=$BIN/owsip
PHONE=$BIN/owsip-phone
[ -x "$PHONE" ] || fail "owsip-phone not built"

# make_config NAME LOCALE: a config for one daemon in $WORK/NAME
make_config() {
  local d=$WORK/$1
  mkdir -p "$d/sys/class/leds/fxs1" "$d/sys/class/gpio/gpio31"
  cat >"$d/telephony" <<CONF
config general
	option backend 'sim'
	option locale '$2'
	option sim_socket '$d/sim.sock'
	option ctl_socket '$d/ctl.sock'
	option call_log '$d/calls.jsonl'
	option log_level 6
config port 'port0'
	option id 0
	option led 'fxs1'
config relay
	option gpio 31
	option value 1
CONF
}

start_owsip() {  # NAME: starts owsip for $WORK/NAME, sets OWSIP_PID
  local d=$WORK/$1
  start_bg "$d/owsip.log" "$OWSIP" -f -c "$d/telephony" --sysfs-root "$d/sys"
  OWSIP_PID=$LAST_PID
  wait_for_line "$d/owsip.log" "listening on $d/sim.sock"
}

# --- dial tone of five countries, five daemons side by side ---
declare -A WANT=(
  [germany]='[425] []'
  [united_states]='[350, 440] []'
  [france]='[440] []'
  [japan]='[400] []'
  [italy]='[425] [200, 200, 600, 1000]'
)
declare -A PHONE_PID DAEMON_PID
for loc in "${!WANT[@]}"; do
  make_config "$loc" "$loc"
  start_owsip "$loc"
  DAEMON_PID[$loc]=$OWSIP_PID
done
for loc in "${!WANT[@]}"; do
  d=$WORK/$loc
  printf 'offhook\nwait 4500\nonhook\nwait 300\nquit\n' >"$d/cmds"
  "$PHONE" -s "$d/sim.sock" -p 0 <"$d/cmds" >"$d/phone.jsonl" 2>"$d/phone.err" &
  PHONE_PID[$loc]=$!
  PIDS+=("$!")
done
for loc in "${!WANT[@]}"; do
  wait_exit "${PHONE_PID[$loc]}" 20
  [ "$EXIT_CODE" -eq 0 ] || fail "$loc: owsip-phone exit $EXIT_CODE: $(cat "$WORK/$loc/phone.err")"
done
for loc in "${!WANT[@]}"; do
  d=$WORK/$loc
  # The first tone the phone recognises: frequencies and cadence (any rotation of it).
  got=$(python3 - "$d/phone.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "tone" and e.get("freqs"):
        c = e.get("cadence", [])
        if c:  # rotate so the cadence starts at its first "on" after the longest "off"
            k = max(range(1, len(c), 2), key=lambda i: c[i])
            c = c[k + 1:] + c[:k + 1]
        print(e["freqs"], [round(x / 10) * 10 for x in c])
        break
PY
)
  want=${WANT[$loc]}
  python3 - "$got" "$want" <<'PY' || fail "$loc: heard '$got', want '$want'"
import ast, sys
gf, gc = sys.argv[1].split("] [") if sys.argv[1] else ("", "")
got_f = ast.literal_eval(gf + "]"); got_c = ast.literal_eval("[" + gc)
wf, wc = sys.argv[2].split("] [")
want_f = ast.literal_eval(wf + "]"); want_c = ast.literal_eval("[" + wc)
ok = len(got_f) == len(want_f) and all(abs(a - b) <= 10 for a, b in zip(got_f, want_f))
ok = ok and len(got_c) == len(want_c) and all(abs(a - b) <= 40 for a, b in zip(got_c, want_c))
sys.exit(0 if ok else 1)
PY
  grep -q "port0{IDLE}: event OFF_HOOK" "$d/owsip.log" || fail "$loc: no OFF_HOOK in the daemon log"
  grep -q "port0{DIAL_TONE}: event ON_HOOK" "$d/owsip.log" || fail "$loc: no ON_HOOK"
  pass "$loc: dial tone $got"
done
for loc in "${!WANT[@]}"; do
  [ "$loc" = germany ] && continue
  kill -TERM "${DAEMON_PID[$loc]}"
  wait_exit "${DAEMON_PID[$loc]}" 10
done

# --- digits, flash, LED and relay on the German daemon ---
d=$WORK/germany
pid=${DAEMON_PID[germany]}
[ "$(cat "$d/sys/class/gpio/gpio31/value")" = 1 ] || fail "relay gpio31 not set to 1"
mkfifo "$d/ctl"
"$PHONE" -s "$d/sim.sock" -p 0 <"$d/ctl" >"$d/phone2.jsonl" 2>&1 &
ppid=$!
PIDS+=("$ppid")
exec 7>"$d/ctl"
echo offhook >&7
wait_for_count "$d/owsip.log" "port0\{IDLE\}: -> DIAL_TONE" 2
[ "$(cat "$d/sys/class/leds/fxs1/brightness")" = 1 ] || fail "LED not on while off hook"
printf 'dial 12\npulse 30\nflash\nwait 1500\ndial 5\n' >&7
wait_for_line "$d/owsip.log" "line.sim0: digit 5 \(dtmf\)" 15
for want in "line.sim0: digit 1 (dtmf)" "line.sim0: digit 2 (dtmf)" \
            "line.sim0: digit 3 (pulse)" "line.sim0: digit 0 (pulse)" \
            "port0{DIALING}: event FLASH"; do
  grep -qF "$want" "$d/owsip.log" || fail "missing '$want'"
done
[ "$(count_lines "$d/owsip.log" "line.sim0: on_hook")" -eq 1 ] ||
  fail "a flash or a pulse was taken for on-hook"
pass "DTMF and pulse digits and a flash reach the port; no false on-hook"

printf 'onhook\nwait 1200\n' >&7
wait_for_count "$d/owsip.log" "line.sim0: on_hook" 2
[ "$(cat "$d/sys/class/leds/fxs1/brightness")" = 0 ] || fail "LED not off after on-hook"
pass "LED follows the hook"

# --- a phone that sends garbage is dropped; the real phone carries on ---
python3 - "$d/sim.sock" <<'PY' >"$d/garbage.out"
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"H owsip-sim/1 jack=1 rate=8000")
s.settimeout(2)
print(s.recv(512).decode())
s.send(b"\x00\x01garbage\xff")
for _ in range(100):  # the feed message may come first; then the refusal, then the close
    m = s.recv(2048)
    if not m:
        print("closed")
        break
    if m[:1] != b"A":
        print(m.decode(errors="replace"))
PY
grep -q "^E unknown message type 0x00" "$d/garbage.out" || fail "garbage not refused: $(cat "$d/garbage.out")"
grep -q "^closed" "$d/garbage.out" || fail "garbage phone not disconnected"
grep -q "jack 1: unknown message type 0x00" "$d/owsip.log" || fail "no logged reason"
echo offhook >&7
wait_for_count "$d/owsip.log" "line.sim0: off_hook" 3 5
printf 'wait 2500\nquit\n' >&7
exec 7>&-
wait_exit "$ppid" 10
python3 - "$d/phone2.jsonl" <<'PY' || fail "the good phone stopped hearing dial tone"
import json, sys
tones = [json.loads(l) for l in open(sys.argv[1]) if '"tone"' in l]
sys.exit(0 if any(t.get("freqs") == [425] for t in tones[-3:]) else 1)
PY
pass "garbage phone dropped with a logged reason; the other phone unaffected"

kill -TERM "$pid"
wait_exit "$pid" 10
[ "$EXIT_CODE" -eq 0 ] || fail "owsip exit $EXIT_CODE"
[ "$(cat "$d/sys/class/gpio/gpio31/direction")" = in ] || fail "relay not released at exit"
pass "relay released at exit"
