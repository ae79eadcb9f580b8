#!/usr/bin/env bash
# owsip --check-config, --help/--version, and the daemon's reload on SIGHUP (a bad file keeps
# the running config, a good one is applied as a diff) and clean stop on SIGTERM.
source "$(dirname "$0")/lib.sh"

OWSIP=$BIN/owsip

# --- the seed's default configuration, exactly as printed in the seed ---
out=$("$OWSIP" --check-config -c "$SRC/tests/data/seed_default.conf" 2>"$WORK/err") ||
  fail "seed default config refused: $(cat "$WORK/err")"
echo "$out" | grep -q "option password '\*\*\*\*'" || fail "password not masked"
echo "$out" | grep -q "mypass" && fail "a password leaked into --check-config output"
echo "$out" | grep -q "option local_port '5060'" || fail "effective local_port missing"
echo "$out" | grep -q "option cid" && fail "cid printed although unset"
echo "$out" | grep -q "option port '-1'" || fail "account port default -1 not shown"
[ -s "$WORK/err" ] && fail "seed config produced messages: $(cat "$WORK/err")"
pass "seed default config is valid; effective values printed, passwords masked"

# --- a file with several errors: exit 1, each error as FILE:LINE: ---
bad=$WORK/bad.conf
cat >"$bad" <<'CONF'
config general
	option log_level 9
	option backend 'alsa'
	option local_port 70000
config account 'a'
	option realm 'r'
	option frobnicate 1
bogus line here
CONF
set +e
"$OWSIP" --check-config -c "$bad" >"$WORK/out" 2>"$WORK/err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "bad config: exit $rc, want 1"
for want in "$bad:2: option 'log_level': 9 is out of range 0..7" \
            "$bad:3: option 'backend': 'alsa' is not one of ltq_tapi, sim" \
            "$bad:4: option 'local_port': 70000 is out of range 1..65535" \
            "$bad:5: account section 'a' lacks required option 'username'" \
            "$bad:5: account section 'a' lacks required option 'password'" \
            "$bad:7: warning: unknown option 'frobnicate'" \
            "$bad:8: invalid command 'bogus'"; do
  grep -qF -- "$want" "$WORK/err" || fail "missing '$want' in: $(cat "$WORK/err")"
done
[ -s "$WORK/out" ] && fail "bad config printed an effective config"
pass "bad config refused with every error as FILE:LINE"

set +e
"$OWSIP" --check-config -c "$WORK/does-not-exist" 2>"$WORK/err"; rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "does-not-exist: cannot read" "$WORK/err" || fail "missing file: rc=$rc"
"$OWSIP" --version | grep -Eq '^owsip [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$OWSIP" --help | grep -q -- "--check-config" || fail "--help"
set +e
"$OWSIP" --nonsense 2>"$WORK/err"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "unknown argument '--nonsense'" "$WORK/err" || fail "bad argument: rc=$rc"
pass "missing file, --version, --help, bad argument"

# --- the daemon: start, reload good and bad files, stop ---
conf=$WORK/telephony
sed -e "s|'/tmp/owsip-sim.sock'|'$WORK/sim.sock'|" -e "s|'/tmp/owsip.sock'|'$WORK/ctl.sock'|" \
    -e "s|'/tmp/owsip-calls.jsonl'|'$WORK/calls.jsonl'|" "$SRC/examples/telephony.sim" >"$conf"
grep -q "$WORK/sim.sock" "$conf" || fail "sim_socket not redirected"
start_bg "$WORK/daemon.log" "$OWSIP" -f -v 6 -c "$conf"
pid=$LAST_PID
wait_for_line "$WORK/daemon.log" "running \(backend sim\)"

# A broken file: every error logged, the running config kept, the daemon alive.
cp "$conf" "$WORK/good"
printf 'config general\n\toption log_level 99\nnonsense\n' >"$conf"
kill -HUP "$pid"
wait_for_line "$WORK/daemon.log" "reload of .* refused: keeping the running configuration"
grep -q "$conf:2: option 'log_level': 99 is out of range 0..7" "$WORK/daemon.log" || fail "reload error 1"
grep -q "$conf:3: invalid command 'nonsense'" "$WORK/daemon.log" || fail "reload error 2"
kill -0 "$pid" || fail "daemon died on a bad reload"
pass "reload with a bad file refused, daemon kept running"

# A good file with changes: the diff is logged.
sed -e "s/option 'password'       'demo-password'/option 'password' 'changed-secret'/" \
    -e "/config contact/,\$d" "$WORK/good" >"$conf"
cat >>"$conf" <<'CONF'
config account 'second'
	option realm 'example.org'
	option username 'bob'
	option password 'second-secret'
CONF
kill -HUP "$pid"
wait_for_line "$WORK/daemon.log" "reload of .*: accounts: \+second ~demo; contacts: -example"
grep -q "changed-secret\|second-secret\|demo-password" "$WORK/daemon.log" && fail "password in log"
pass "reload with a good file applied as a diff"

kill -HUP "$pid"
wait_for_line "$WORK/daemon.log" "reload of .*: no changes"

kill -TERM "$pid"
wait_exit "$pid" 10
[ "$EXIT_CODE" -eq 0 ] || fail "daemon exit code $EXIT_CODE after SIGTERM"
grep -q "stopped" "$WORK/daemon.log" || fail "no clean stop logged"
pass "SIGTERM stops cleanly"

# A bad config at start: exit 1 with file:line errors, in the foreground and as a daemon.
set +e
"$OWSIP" -f -c "$bad" 2>"$WORK/err"; rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "$bad:2: " "$WORK/err" || fail "bad config at start: rc=$rc"
set +e
"$OWSIP" -c "$bad" 2>"$WORK/err"; rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "$bad:2: " "$WORK/err" || fail "bad config at daemon start: rc=$rc"
pass "bad config at start refused"
