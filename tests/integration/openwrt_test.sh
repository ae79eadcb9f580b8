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
  RUNDIR='$F/run/owsip' STATEDIR='$F/etc/owsip' DEVDIR='$F/dev' SYSDIR='$F/sys'
  start_service; service_triggers; reload_service"
grant_lines() {
  cat <<TXT
mkdir -p $F/run/owsip
chown telephony:telephony $F/run/owsip
chmod 0755 $F/run/owsip
mkdir -p $F/etc/owsip
chown telephony:telephony $F/etc/owsip
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
	option answering_machine 1
config voicemail
	option dir '$WORK/vm'
	option prompts '$WORK/no-prompts'
CONF
export OWSIPCTL=$BIN/owsipctl OWSIP_CTL_SOCKET=$WORK/ctl.sock
RPCD=$PKG/files/telephony.rpcd
json_check() {  # PYTHON-EXPR on the parsed JSON object "j"
  python3 -c "import json,sys; j=json.load(sys.stdin); assert isinstance(j, dict), j; assert $1, j"
}
sh "$RPCD" list | json_check 'sorted(j) == ["accounts","calls","delete","messages","play","ports","reload","status"]' ||
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
sh "$RPCD" call messages </dev/null | json_check 'j["messages"] == []' || fail "rpcd messages"
echo '{"id":"20261202T134501-1"}' | sh "$RPCD" call delete |
  json_check 'j["error"].endswith("no message '"'"'20261202T134501-1'"'"'")' || fail "rpcd delete of an unknown message"
echo '{}' | sh "$RPCD" call play | json_check '"wants" in j["error"]' || fail "rpcd play without an id"
sh "$RPCD" call bogus </dev/null | json_check '"unknown method" in j["error"]' || fail "rpcd bogus"
kill -TERM "$pid"
wait_exit "$pid" 10
pass "rpcd plugin: list and every call answer valid JSON objects"

# The package Makefile read the way the SDK reads it: GNU make with stand-ins for rules.mk,
# package.mk and cmake.mk; BuildPackage evaluates Package/owsip (its variables) and the install
# step copies into a fake root from what `cmake --install` of this build puts under /usr
# (PKG_INSTALL:=1).
SDK=$WORK/sdk
command mkdir -p "$SDK/include" "$WORK/root"
cat >"$SDK/rules.mk" <<'MK'
INCLUDE_DIR:=$(TOPDIR)/include
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_DATA:=install -m0644
INSTALL_CONF:=install -m0600
MK
cat >"$SDK/include/package.mk" <<'MK'
PKG_BUILD_DIR:=$(TOPDIR)/build/$(PKG_NAME)-$(PKG_VERSION)
BuildPackage=$(eval SDK_PACKAGES+=$(1))
MK
: >"$SDK/include/cmake.mk"
cat >"$SDK/read.mk" <<'MK'
$(eval $(Package/owsip))
vars:
	@echo 'PKG_NAME=$(PKG_NAME)'
	@echo 'PKG_VERSION=$(PKG_VERSION)'
	@echo 'PKG_SOURCE=$(PKG_SOURCE)'
	@echo 'PKG_SOURCE_URL=$(PKG_SOURCE_URL)'
	@echo 'PKG_HASH=$(PKG_HASH)'
	@echo 'PKG_LICENSE=$(PKG_LICENSE)'
	@echo 'PKG_INSTALL=$(PKG_INSTALL)'
	@echo 'DEPENDS=$(strip $(DEPENDS))'
	@echo 'PKG_BUILD_DEPENDS=$(strip $(PKG_BUILD_DEPENDS))'
	@echo 'USERID=$(USERID)'
	@echo 'CONFFILES=$(strip $(Package/owsip/conffiles))'
	@echo 'PACKAGES=$(strip $(SDK_PACKAGES))'
	@echo 'CMAKE_OPTIONS=$(strip $(CMAKE_OPTIONS))'
install-%:
	$(call Package/$*/install,$(ROOT))
MK
DESTDIR=$WORK/pkg-install cmake --install "$BIN" --prefix /usr >/dev/null ||
  fail "cmake --install of the build"
sdk_make() {
  make -s --no-print-directory -C "$PKG" -f Makefile -f "$SDK/read.mk" TOPDIR="$SDK" \
    PKG_INSTALL_DIR="$WORK/pkg-install" ROOT="$WORK/root" "$@"
}
sdk_make vars >"$WORK/vars.txt" || fail "make cannot read the package Makefile"
var() { sed -n "s/^$1=//p" "$WORK/vars.txt"; }
version=$(sed -n 's/^project(owsip VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
[ "$(var PKG_NAME)/$(var PKG_VERSION)" = "owsip/$version" ] ||
  fail "PKG_NAME/PKG_VERSION: $(var PKG_NAME) $(var PKG_VERSION), CMake says $version"
[ "$(var PKG_SOURCE)" = "owsip-$version.tar.gz" ] || fail "PKG_SOURCE: $(var PKG_SOURCE)"
[[ $(var PKG_SOURCE_URL) == https://* ]] || fail "PKG_SOURCE_URL: $(var PKG_SOURCE_URL)"
[[ $(var PKG_HASH) =~ ^([0-9a-f]{64}|skip)$ ]] || fail "PKG_HASH: $(var PKG_HASH)"
[ -n "$(var PKG_LICENSE)" ] || fail "no PKG_LICENSE"
[ "$(var PKG_INSTALL)" = 1 ] || fail "PKG_INSTALL is not 1"
# Dependencies by the names the feeds give them (telephony: libre, libspandsp; base: the
# rest). libtiff is for building only (the test tools), by its source package's name (packages
# feed, libs/tiff/Makefile: PKG_NAME tiff).
for dep in $(var DEPENDS); do
  case $dep in
    +libre | +libspandsp | +libopenssl | +libjson-c | +libstdcpp) ;;
    +TARGET_lantiq:kmod-ltq-tapi | +TARGET_lantiq:kmod-ltq-vmmc) ;;
    *) fail "dependency $dep is not a package name of the feeds" ;;
  esac
done
[ "$(var DEPENDS | wc -w)" = 7 ] || fail "DEPENDS: $(var DEPENDS)"
[ "$(var PKG_BUILD_DEPENDS)" = tiff ] || fail "PKG_BUILD_DEPENDS: $(var PKG_BUILD_DEPENDS)"
[ "$(var PACKAGES)" = "owsip owsip-prompts-en owsip-prompts-de" ] || fail "packages: $(var PACKAGES)"
[[ " $(var CMAKE_OPTIONS) " == *" -DOWSIP_PROMPTS_FROM=$SDK/build/owsip-$version/prompts/spoken "* ]] ||
  fail "CMAKE_OPTIONS: $(var CMAKE_OPTIONS)"
sdk_make install-owsip || fail "Package/owsip/install failed"
for f in usr/sbin/owsip:755 usr/sbin/owsipctl:755 etc/init.d/telephony:755 \
         usr/libexec/rpcd/telephony:755 etc/config/telephony:600 \
         usr/share/rpcd/acl.d/owsip.json:644; do
  [ -f "$WORK/root/${f%:*}" ] || fail "the package does not install /${f%:*}"
  [ "$(stat -c %a "$WORK/root/${f%:*}")" = "${f#*:}" ] || fail "/${f%:*} is not mode ${f#*:}"
done
for c in $(var CONFFILES); do
  [ -f "$WORK/root$c" ] || fail "conffile $c is not installed"
done
[ "$(var CONFFILES)" = /etc/config/telephony ] || fail "conffiles: $(var CONFFILES)"
python3 -c "
import json, sys
acl = json.load(open(sys.argv[1]))
methods = set()
for group in acl.values():
    for access in ('read', 'write'):
        methods |= set(group.get(access, {}).get('ubus', {}).get('telephony', []))
assert methods == {'status', 'accounts', 'ports', 'calls', 'reload', 'messages', 'play', 'delete'}, methods
" "$WORK/root/usr/share/rpcd/acl.d/owsip.json" || fail "the ACL does not cover the rpcd methods"
pass "package Makefile as the SDK reads it: source tarball, hash, licence, feed dependency names, install steps, conffiles, ACL"

# The prompts: spoken elsewhere and installed as they are (OWSIP_PROMPTS_FROM), one package per
# language. A configure of the source with the prompts this build spoke, without espeak-ng on
# the PATH, installs the component `prompts` alone; a prompt missing from the directory fails
# the configure naming it.
if [ -d "$BIN/prompts/en" ]; then
  for lang in en de; do
    sdk_make "install-owsip-prompts-$lang" || fail "Package/owsip-prompts-$lang/install failed"
    n=$(ls "$WORK/root/usr/share/owsip/prompts/$lang"/*.wav | wc -l)
    [ "$n" -eq "$(grep -Ec '^[a-z0-9_]+ ' "$SRC/prompts/$lang/prompts.txt")" ] ||
      fail "owsip-prompts-$lang installs $n prompts"
  done
  nopath=$(mktemp -d "$WORK/bin.XXXX")
  for tool in cmake ninja pkg-config cc c++ gcc g++ sh ld as; do
    t=$(command -v "$tool") && ln -s "$t" "$nopath/$tool"
  done
  PATH=$nopath cmake -S "$SRC" -B "$WORK/from" -G Ninja -DOWSIP_TESTS=OFF \
    -DOWSIP_PROMPTS_FROM="$BIN/prompts" >"$WORK/from.log" 2>&1 || { cat "$WORK/from.log"; fail "configure with OWSIP_PROMPTS_FROM"; }
  DESTDIR=$WORK/from-root cmake --install "$WORK/from" --component prompts --prefix /usr >/dev/null ||
    fail "cmake --install --component prompts"
  diff -r "$BIN/prompts/de" "$WORK/from-root/usr/share/owsip/prompts/de" >/dev/null || fail "installed prompts differ"
  cp -r "$BIN/prompts" "$WORK/spoken"
  rm "$WORK/spoken/en/o30.wav"
  if cmake -S "$SRC" -B "$WORK/from2" -G Ninja -DOWSIP_TESTS=OFF -DOWSIP_PROMPTS_FROM="$WORK/spoken" \
      >"$WORK/from2.log" 2>&1; then
    fail "a prompt missing from OWSIP_PROMPTS_FROM was not noticed"
  fi
  grep -q "OWSIP_PROMPTS_FROM: no $WORK/spoken/en/o30.wav" "$WORK/from2.log" || fail "$(cat "$WORK/from2.log")"
  pass "prompts: one package per language with every prompt; OWSIP_PROMPTS_FROM installs them without espeak-ng and names a missing one"
fi
