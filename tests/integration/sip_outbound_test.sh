#!/usr/bin/env bash
# The outbound proxy, written exactly as the seed writes it (<sip:HOST:PORT;lr;transport=udp>):
# REGISTER goes to the proxy (a second Kamailio that relays every request) with a Route header
# naming it once, with one ;lr, and reaches the registrar from the proxy's address.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"

REG=$WORK/registrar
PROXY=$WORK/proxy
RPORT=$(free_port)
PPORT=$(free_port)
OPORT=$(free_port)
OTLS=$(free_port)
kam_setup "$REG" "$RPORT"
kam_user "$REG" alice pw-alice
kam_start "$REG"
kam_setup "$PROXY" "$PPORT"
kam_start "$PROXY" -A PROXY_ONLY

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$OTLS" "option outbound '<sip:127.0.0.1:$PPORT;lr;transport=udp>'"
owsip_account "$conf" proxied alice pw-alice "127.0.0.1:$RPORT"
start_owsip "$conf" "$WORK/owsip.log"

wait_for_contact "$REG" alice "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT\$"
wait_for_line "$WORK/owsip.log" "sip.acct\{proxied\}: registered as sip:u[0-9a-f]{16}@127.0.0.1:$OPORT"
# The proxy got it from owsip, with the seed's route (one ;lr) ...
grep -Eq "owsip-it: REGISTER from 127.0.0.1:$OPORT proto udp ruri sip:127.0.0.1:$RPORT;transport=udp to sip:alice@owsip.test route \[<sip:127.0.0.1:$PPORT;transport=udp;lr>\]" \
  "$PROXY/kamailio.log" || { grep owsip-it "$PROXY/kamailio.log" >&2; fail "the proxy did not get owsip's REGISTER with the Route header"; }
# ... and the registrar got every REGISTER from the proxy, none from owsip directly.
grep -q "owsip-it: REGISTER from 127.0.0.1:$PPORT " "$REG/kamailio.log" ||
  fail "no REGISTER reached the registrar from the proxy"
grep -q "owsip-it: REGISTER from 127.0.0.1:$OPORT " "$REG/kamailio.log" &&
  fail "owsip bypassed the outbound proxy"
pass "REGISTER went through the outbound proxy (Route <sip:127.0.0.1:$PPORT;transport=udp;lr>)"

stop_owsip
wait_no_contact "$REG" alice 3
pass "un-REGISTER through the proxy removed the contact"
