#!/usr/bin/env bash
# The SIP torture corpus (tests/data/sip_torture, RFC 4475-style) sent over UDP and TCP to a
# running owsip (sim backend, one account registered at a Kamailio started here): each gets
# the one answer the MANIFEST names (status code and headers, or a silent drop), owsip keeps
# running (same PID), stays registered and still answers OPTIONS. Prints the messages sent and
# the responses by class. Loopback only; one socket per message, each wait bounded.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"

KAM=$WORK/kam
KPORT=$(free_port)
OPORT=$(free_port)
OTLS=$(free_port)

kam_setup "$KAM" "$KPORT"
kam_user "$KAM" alice pw-alice
kam_start "$KAM"

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$OTLS"
owsip_account "$conf" home alice pw-alice "127.0.0.1:$KPORT"
start_owsip "$conf" "$WORK/owsip.log"
log=$WORK/owsip.log
wait_for_contact "$KAM" alice "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT\$"
wait_for_line "$log" "sip.acct\{home\}: registered as"
pass "account registered at kamailio"

registered() {
  "$BIN/owsipctl" -s "$WORK/ctl.sock" --json accounts |
    python3 -c 'import json,sys; a=json.load(sys.stdin); sys.exit(0 if a and all(x["state"]=="REGISTERED" for x in a) else 1)'
}
registered || fail "owsipctl does not show the account registered: $("$BIN/owsipctl" -s "$WORK/ctl.sock" accounts)"

set +e
timeout 240 python3 "$SRC/tests/integration/sip_torture.py" 127.0.0.1 "$OPORT" \
  "$SRC/tests/data/sip_torture" --transports udp,tcp --wait 0.6 >"$WORK/torture.txt" 2>&1
rc=$?
set -e
cat "$WORK/torture.txt"
kill -0 "$OWSIP_PID" 2>/dev/null || { tail -50 "$log" >&2; fail "owsip (PID $OWSIP_PID) died during the torture run"; }
[ "$rc" -eq 0 ] || fail "unexpected outcomes (sip_torture.py exit $rc)"
pass "torture corpus over UDP and TCP: every answer as the manifest says; owsip PID $OWSIP_PID alive"

# Still registered, still answering.
registered || fail "account no longer registered: $("$BIN/owsipctl" -s "$WORK/ctl.sock" accounts)"
wait_for_contact "$KAM" alice "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT\$" 2
grep -q "sip.acct{home}: .*failed" "$log" && fail "a registration failed during the run"
reply=$(python3 - "$OPORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3); s.bind(("127.0.0.1", 0))
p = s.getsockname()[1]
msg = ("OPTIONS sip:127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKafter\r\n"
       "From: <sip:it@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: after-torture\r\n"
       "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n") % (sys.argv[1], p)
s.sendto(msg.encode(), ("127.0.0.1", int(sys.argv[1])))
print(s.recv(2048).decode().splitlines()[0])
PY
)
[ "$reply" = "SIP/2.0 200 OK" ] || fail "OPTIONS after the torture run answered '$reply'"
pass "after the run: still registered (owsipctl and kamailio's location table), OPTIONS answered"

# A call completes after the run: sipp calls the account through Kamailio, a virtual phone
# answers it and hangs up (owsip's BYE ends sipp's scenario).
if command -v sipp >/dev/null; then
  source "$(dirname "$0")/call_lib.sh"
  phone_start p0 0
  ph p0 "autoanswer 20 1000"
  start_bg "$WORK/sipp.out" sipp -sf "$SRC/tests/data/sipp/uac_wait_bye.xml" -s alice \
    -i 127.0.0.1 -p "$(free_port)" -m 1 -timeout 20 -nostdin "127.0.0.1:$KPORT"
  SIPP_PID=$LAST_PID
  wait_exit "$SIPP_PID" 25
  [ "$EXIT_CODE" -eq 0 ] || fail "the call after the torture run failed: $(tail -20 "$WORK/sipp.out")"
  grep -q "sip.call: call [0-9]* answered on port0" "$log" || fail "owsip did not answer the call"
  pass "after the run: a call through Kamailio is answered by the phone and ended with BYE"
fi

# A fresh registration works too: re-register through a reload of a changed account.
sed -i "s/option registrar '127.0.0.1:$KPORT'/option registrar '127.0.0.1:$KPORT'\n\toption expires '600'/" "$conf"
kill -HUP "$OWSIP_PID"
wait_for_line "$log" "sip.acct\{home\}: registered as .* for 600 s more" 10
pass "registers anew after the run"

stop_owsip
