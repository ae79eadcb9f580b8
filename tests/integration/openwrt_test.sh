#!/usr/bin/env bash
# The OpenWrt package files: shellcheck, the procd init script run with stand-ins for the procd
# functions (what it would register), the rpcd plugin answering list/call with valid JSON from
# a running owsip, and the packaged default config (the seed's) validating.
source "$(dirname "$0")/lib.sh"

PKG=$SRC/packaging/openwrt/owsip
command -v shellcheck >/dev/null || fail "shellcheck missing (./run setup installs it)"
shellcheck "$PKG/files/telephony.init" || fail "shellcheck: init script"
shellcheck -s sh "$PKG/files/telephony.rpcd" || fail "shellcheck: rpcd plugin"
pass "shellcheck"

"$BIN/owsip" --check-config -c "$PKG/files/telephony.config" >/dev/null 2>&1 ||
  fail "the packaged default config does not validate"
cmp -s "$PKG/files/telephony.config" "$SRC/tests/data/seed_default.conf" ||
  fail "the packaged default config is not the seed's"
pass "packaged default config is the seed's and validates"

# procd, uci (config_*) and file-permission stand-ins record what the init script asks for; the
# device nodes, LEDs and GPIOs it hands to the telephony user live in a fake tree under $WORK.
cat >"$WORK/procd.sh" <<'SH'
record() { echo "$*" >>"$RECORD"; }
procd_open_instance() { record "open_instance $*"; }
procd_set_param() { record "set_param $*"; }
procd_close_instance() { record "close_instance"; }
procd_add_reload_trigger() { record "reload_trigger $*"; }
procd_send_signal() { record "send_signal $*"; }
chgrp() { record "chgrp $*"; }
chown() { record "chown $*"; }
chmod() { record "chmod $*"; }
mkdir() { record "mkdir $*"; }
config_load() { record "config_load $*"; }
config_foreach() {  # the config: port0 with LED fxs1, port1 without; relays on GPIO 7 and 9
  case $2 in
    port) "$1" port0; "$1" port1 ;;
    relay) "$1" relay0; "$1" relay1 ;;
  esac
}
config_get() {
  case $2.$3 in
    port0.led) eval "$1=fxs1" ;;
    relay0.gpio) eval "$1=7" ;;
    relay1.gpio) eval "$1=9" ;;
    *) eval "$1=" ;;
  esac
}
SH
F=$WORK/fake
command mkdir -p "$F/dev" "$F/sys/class/leds/fxs1" "$F/sys/class/gpio/gpio7"
touch "$F/dev/vmmc10" "$F/dev/vmmc11" "$F/sys/class/leds/fxs1/trigger" \
  "$F/sys/class/leds/fxs1/brightness" "$F/sys/class/gpio/gpio7/direction" \
  "$F/sys/class/gpio/gpio7/value" "$F/sys/class/gpio/export"
export RECORD=$WORK/record.txt
sh -c ". '$WORK/procd.sh'; . '$PKG/files/telephony.init'
  RUNDIR='$F/run/owsip' DEVDIR='$F/dev' SYSDIR='$F/sys'
  start_service; service_triggers; reload_service"
grant_lines() {
  cat <<TXT
mkdir -p $F/run/owsip
chown telephony:telephony $F/run/owsip
chmod 0755 $F/run/owsip
chgrp telephony /etc/config/telephony
chmod 0640 /etc/config/telephony
chgrp telephony $F/dev/vmmc10
chmod g+rw $F/dev/vmmc10
chgrp telephony $F/dev/vmmc11
chmod g+rw $F/dev/vmmc11
config_load telephony
chgrp telephony $F/sys/class/leds/fxs1/trigger
chmod g+rw $F/sys/class/leds/fxs1/trigger
chgrp telephony $F/sys/class/leds/fxs1/brightness
chmod g+rw $F/sys/class/leds/fxs1/brightness
chgrp telephony $F/sys/class/gpio/gpio7/direction
chmod g+rw $F/sys/class/gpio/gpio7/direction
chgrp telephony $F/sys/class/gpio/gpio7/value
chmod g+rw $F/sys/class/gpio/gpio7/value
TXT
}
{
  grant_lines
  cat <<'TXT'
open_instance 
set_param command /usr/sbin/owsip -f --syslog -c /etc/config/telephony
set_param user telephony
set_param respawn 3600 5 5
set_param file /etc/config/telephony
close_instance
reload_trigger telephony
TXT
  grant_lines
  echo "send_signal telephony * HUP"
} >"$WORK/want.txt"
diff -u "$WORK/want.txt" "$RECORD" || fail "init script registers something else"
# GPIO 9 was not exported yet: the script exported it (only root may); 7 was left as it was.
[ "$(cat "$F/sys/class/gpio/export")" = "9" ] ||
  fail "init script export of GPIO 9: '$(cat "$F/sys/class/gpio/export")'"
grep -q '^  USERID:=telephony=' "$PKG/Makefile" || fail "the package does not create the telephony user"
# The command line it registers is one owsip accepts.
"$BIN/owsip" -f --syslog -c "$PKG/files/telephony.config" --check-config >/dev/null 2>&1 ||
  fail "owsip refuses the init script's arguments"
pass "init script: owsip as user telephony with its config, device nodes, LEDs and relay GPIOs handed over; respawn, reload trigger, SIGHUP on reload, a valid command line"

# rpcd plugin against a running owsip.
cat >"$WORK/telephony" <<CONF
config general
	option backend 'sim'
	option sim_socket '$WORK/sim.sock'
	option ctl_socket '$WORK/ctl.sock'
	option call_log '$WORK/calls.jsonl'
config port
	option id 0
CONF
export OWSIPCTL=$BIN/owsipctl OWSIP_CTL_SOCKET=$WORK/ctl.sock
RPCD=$PKG/files/telephony.rpcd
json_check() {  # PYTHON-EXPR on the parsed JSON object "j"
  python3 -c "import json,sys; j=json.load(sys.stdin); assert isinstance(j, dict), j; assert $1, j"
}
sh "$RPCD" list | json_check 'sorted(j) == ["accounts","calls","ports","reload","status"]' ||
  fail "rpcd list"
sh "$RPCD" call status </dev/null | json_check '"error" in j and "not running" in j["error"]' ||
  fail "rpcd call without owsip"
start_bg "$WORK/owsip.log" "$BIN/owsip" -f -c "$WORK/telephony"
pid=$LAST_PID
wait_for_socket "$WORK/ctl.sock"
sh "$RPCD" call status </dev/null | json_check 'j["backend"] == "sim"' || fail "rpcd status"
sh "$RPCD" call accounts </dev/null | json_check 'j["accounts"] == []' || fail "rpcd accounts"
sh "$RPCD" call ports </dev/null | json_check 'j["ports"][0]["port"] == 0' || fail "rpcd ports"
sh "$RPCD" call calls </dev/null | json_check 'j["calls"] == []' || fail "rpcd calls"
sh "$RPCD" call reload </dev/null | json_check '"reloaded" in j["message"]' || fail "rpcd reload"
sh "$RPCD" call bogus </dev/null | json_check '"unknown method" in j["error"]' || fail "rpcd bogus"
kill -TERM "$pid"
wait_exit "$pid" 10
pass "rpcd plugin: list and every call answer valid JSON objects"
