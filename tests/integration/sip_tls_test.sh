#!/usr/bin/env bash
# SIP over TLS checks the registrar's certificate: chain against tls_ca_file, then the host
# name (or IP address) owsip connects to. Certificates are made here with openssl: a test CA
# signs Kamailio's certificate; a second CA signs nothing Kamailio shows.
#   - the right CA: registered;
#   - a CA that did not sign the server's certificate: refused, and the log says why;
#   - the same with tls_verify 0: registered (the opt-out);
#   - a certificate for another IP address: refused for the name;
#   - a host name (outbound proxy with maddr=127.0.0.1, no DNS involved): the certificate's DNS
#     name matches and the server sees it as SNI; a call to a sipp UAS goes out over that TLS
#     first hop (Kamailio relays it over UDP), is answered and ends with the phone's BYE.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"

KAM=$WORK/kam
KPORT=$(free_port)
KTLS=$(free_port)
OPORT=$(free_port)
OTLS=$(free_port)

make_ca "$WORK" testca
make_ca "$WORK" otherca
make_cert "$WORK" registrar testca "IP:127.0.0.1,DNS:sip.owsip.test"
make_cert "$WORK" wrongip testca "IP:127.0.0.2"
kam_setup "$KAM" "$KPORT" "$KTLS"
kam_user "$KAM" dave pw-dave
kam_tls "$KAM" "$WORK/registrar.crt" "$WORK/registrar.key"
kam_start "$KAM" -A WITH_TLS

conf=$WORK/telephony
run_owsip() {  # NAME CA_FILE [ACCOUNT OPTIONS...]: starts owsip with one TLS account
  local name=$1 ca=$2; shift 2
  owsip_general "$conf" "$OPORT" "$OTLS" "option tls_ca_file '$ca'"
  owsip_account "$conf" "$name" dave pw-dave "127.0.0.1:$KTLS" "option transport tls" "$@"
  LOG=$WORK/$name.log
  start_owsip "$conf" "$LOG"
}

# --- the CA that signed the certificate ---
run_owsip good "$WORK/testca.crt"
wait_for_line "$LOG" "sip.acct\{good\}: registered as sip:u[0-9a-f]{16}@127.0.0.1:$OTLS;transport=tls"
wait_for_contact "$KAM" dave "sip:u[0-9a-f]{16}@127.0.0.1:$OTLS;transport=tls\$"
stop_owsip
wait_no_contact "$KAM" dave
pass "TLS with the test CA: registered, un-registered on stop"

# --- a CA that did not sign it: refused, with the reason in the log and the state ---
run_owsip wrongca "$WORK/otherca.crt"
wait_for_line "$LOG" "sip.tls: certificate of 127.0.0.1 refused: unable to get local issuer certificate"
wait_for_line "$LOG" "sip.acct\{wrongca\}: failed: TLS: certificate of 127.0.0.1 refused: unable to get local issuer certificate .*; retry in [0-9]+ s"
grep -q "check tls_ca_file, or set tls_verify 0" "$LOG" || fail "no hint what to do"
kam_contacts "$KAM" | grep -q dave && fail "registered although the certificate was refused"
# It keeps trying (and keeps refusing).
wait_for_line "$LOG" "sip.acct\{wrongca\}: registering" 10
[ "$(count_lines "$LOG" "certificate of 127.0.0.1 refused")" -ge 2 ] || fail "no second attempt"
stop_owsip
pass "TLS with a CA that did not sign the server certificate: refused, log says why, retried"

# --- the same CA with tls_verify 0: accepted ---
run_owsip noverify "$WORK/otherca.crt" "option tls_verify 0"
wait_for_line "$LOG" "sip.acct\{noverify\}: registered as"
grep -q "accepted anyway (tls_verify 0)" "$LOG" || fail "the accepted bad certificate was not logged"
stop_owsip
pass "tls_verify 0 accepts the certificate (and says so in the log)"

# --- a missing CA bundle: a clear reason, no connection attempt ---
run_owsip noca "$WORK/does-not-exist.pem"
wait_for_line "$LOG" "sip.acct\{noca\}: failed: TLS: cannot load the CA bundle $WORK/does-not-exist.pem \(tls_ca_file\)"
stop_owsip
pass "a missing tls_ca_file is reported as such"

# --- the right CA, but the certificate names another address ---
kam_stop "$KAM_PID" "$KAM"
kam_tls "$KAM" "$WORK/wrongip.crt" "$WORK/wrongip.key"
kam_start "$KAM" -A WITH_TLS
run_owsip wrongname "$WORK/testca.crt"
wait_for_line "$LOG" "sip.acct\{wrongname\}: failed: TLS: certificate of 127.0.0.1 refused: IP address mismatch"
stop_owsip
pass "a certificate for another IP address is refused for the name"

# --- a host name: verified against the certificate's DNS name and sent as SNI ---
kam_stop "$KAM_PID" "$KAM"
kam_tls "$KAM" "$WORK/registrar.crt" "$WORK/registrar.key"
kam_start "$KAM" -A WITH_TLS
owsip_general "$conf" "$OPORT" "$OTLS" "option tls_ca_file '$WORK/testca.crt'" \
  "option outbound '<sip:sip.owsip.test:$KTLS;maddr=127.0.0.1;lr;transport=tls>'"
owsip_account "$conf" byname dave pw-dave "127.0.0.1:$KTLS" "option transport tls"
UAS=$(free_port)
printf '\nconfig contact\n\toption desc %s\n\toption code sipp\n\toption type sip\n\toption dial %s\n' \
  "'sipp over tls'" "'port-$UAS@owsip.test'" >>"$conf"
LOG=$WORK/byname.log
start_owsip "$conf" "$LOG"
wait_for_line "$LOG" "sip.acct\{byname\}: registered as"
grep -q "owsip-it: tls sni \[sip.owsip.test\]" "$KAM/kamailio.log" ||
  fail "kamailio did not see SNI sip.owsip.test: $(grep 'tls sni' "$KAM/kamailio.log" | tail -1)"
pass "a host name is checked against the certificate and sent as SNI"

# --- a call over the TLS first hop: Kamailio relays it to a sipp UAS over UDP ---
if command -v sipp >/dev/null && command -v baresip >/dev/null; then
  source "$(dirname "$0")/call_lib.sh"
  start_bg "$WORK/uas.out" sipp -sf "$SRC/tests/data/sipp/uas_answer.xml" -i 127.0.0.1 -p "$UAS" \
    -m 1 -timeout 30 -trace_msg -message_file "$WORK/uas.msg" -nostdin
  UAS_PID=$LAST_PID
  wait_for_socket "$WORK/sim.sock"
  phone_start p0 0
  ph p0 offhook "wait 300" "dial *7477"
  wait_for_line "$LOG" "call 1: INVITE sip:port-$UAS@owsip.test via sip:sip.owsip.test:$KTLS;maddr=127.0.0.1;transport=tls" 10
  wait_for_line "$LOG" "call 1 answered" 10
  grep -q "INVITE sip:port-$UAS@owsip.test SIP/2.0" "$WORK/uas.msg" || fail "sipp got no INVITE"
  ph p0 "wait 500" onhook
  wait_exit "$UAS_PID" 10
  [ "$EXIT_CODE" -eq 0 ] || fail "sipp UAS: exit $EXIT_CODE: $(tail -5 "$WORK/uas.out")"
  grep -q "certificate of .* refused" "$LOG" && fail "a certificate was refused: $(grep refused "$LOG")"
  pass "a call goes out over the verified TLS first hop and ends with BYE"
fi
stop_owsip
