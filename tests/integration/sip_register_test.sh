#!/usr/bin/env bash
# Registration against a real Kamailio (digest auth, users in SQLite) on 127.0.0.1: two
# accounts over UDP, one over TCP and one over TLS (a test CA made here) register at once;
# the location table holds their contacts with the right transports; OPTIONS are answered;
# a reload re-registers only the changed account, keeps the unchanged ones and un-registers
# the removed one; SIGTERM un-registers everything before owsip exits.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"

KAM=$WORK/kam
KPORT=$(free_port)
KTLS=$(free_port)
OPORT=$(free_port)
OTLS=$(free_port)

make_ca "$WORK" testca
make_cert "$WORK" registrar testca "IP:127.0.0.1"
kam_setup "$KAM" "$KPORT" "$KTLS"
kam_tls "$KAM" "$WORK/registrar.crt" "$WORK/registrar.key"
for u in alice bob carol dave; do kam_user "$KAM" "$u" "pw-$u"; done
kam_start "$KAM" -A WITH_TLS

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$OTLS" "option tls_ca_file '$WORK/testca.crt'"
owsip_account "$conf" udp1 alice pw-alice "127.0.0.1:$KPORT"
owsip_account "$conf" udp2 bob pw-bob "127.0.0.1:$KPORT" "option display_name 'Bob B.'"
owsip_account "$conf" tcp1 carol pw-carol "127.0.0.1:$KPORT" "option transport tcp"
owsip_account "$conf" tls1 dave pw-dave "127.0.0.1:$KTLS" "option transport tls"
start_owsip "$conf" "$WORK/owsip.log"
log=$WORK/owsip.log

wait_for_contact "$KAM" alice "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT\$"
wait_for_contact "$KAM" bob "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT\$"
wait_for_contact "$KAM" carol "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT;transport=tcp\$"
wait_for_contact "$KAM" dave "sip:u[0-9a-f]{16}@127.0.0.1:$OTLS;transport=tls\$"
for a in udp1 udp2 tcp1 tls1; do
  wait_for_line "$log" "sip.acct\{$a\}: registered as sip:u[0-9a-f]{16}@127.0.0.1:[0-9]+.* for 3600 s more"
done
grep -q "owsip-it: REGISTER from 127.0.0.1:[0-9]* proto tls" "$KAM/kamailio.log" ||
  fail "no REGISTER over TLS reached kamailio"
grep -q "owsip-it: REGISTER from 127.0.0.1:[0-9]* proto tcp" "$KAM/kamailio.log" ||
  fail "no REGISTER over TCP reached kamailio"
pass "two UDP, one TCP and one TLS account registered (contacts in kamailio's location table)"

# Passwords never reach the log, even at debug level.
grep -q "pw-alice\|pw-bob\|pw-carol\|pw-dave" "$log" && fail "a password is in the log"
pass "no password in the debug log"

# OPTIONS to owsip are answered (sipp would do; a raw UDP request is enough here).
reply=$(python3 - "$OPORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3); s.bind(("127.0.0.1", 0))
p = s.getsockname()[1]
msg = ("OPTIONS sip:127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKit1\r\n"
       "From: <sip:it@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: it-options\r\n"
       "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n") % (sys.argv[1], p)
s.sendto(msg.encode(), ("127.0.0.1", int(sys.argv[1])))
print(s.recv(2048).decode().splitlines()[0])
PY
)
[ "$reply" = "SIP/2.0 200 OK" ] || fail "OPTIONS answered with '$reply'"
pass "OPTIONS answered 200 OK"

# --- reload: bob changes (display name), alice only gets an FXS port (nothing SIP), carol and
# dave stay, a new account appears ---
kam_user "$KAM" erin pw-erin
registers() { grep -c "owsip-it: REGISTER .* to sip:$1@" "$KAM/kamailio.log" || true; }
alice_before=$(registers alice)
carol_before=$(registers carol)
dave_before=$(registers dave)
bob_before=$(registers bob)
sed -i "s/option display_name 'Bob B.'/option display_name 'Bob C.'/" "$conf"
sed -i "s/option password 'pw-alice'/option password 'pw-alice'\n\toption port '0'/" "$conf"
owsip_account "$conf" udp3 erin pw-erin "127.0.0.1:$KPORT"
kill -HUP "$OWSIP_PID"
wait_for_line "$log" "reload of .*: accounts: \+udp3 ~udp1 ~udp2"
wait_for_contact "$KAM" erin "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT\$"
wait_for_line "$log" "sip.acct\{udp2\}: binding removed \(200 OK\)"
wait_for_line "$log" "sip.acct\{udp2\}: registered as .* for 3600 s more" 10
# The changed account was removed, then registered again; the others sent nothing.
[ "$(registers bob)" -gt "$bob_before" ] || fail "changed account udp2 did not re-register"
wait_for_contact "$KAM" bob "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT\$"
[ "$(registers alice)" -eq "$alice_before" ] || fail "udp1 (only its FXS port changed) re-registered"
[ "$(registers carol)" -eq "$carol_before" ] || fail "unchanged account tcp1 re-registered"
[ "$(registers dave)" -eq "$dave_before" ] || fail "unchanged account tls1 re-registered"
pass "reload: changed account re-registered, new one registered, unchanged ones untouched"

# --- reload: remove carol (tcp1) ---
python3 - "$conf" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"\nconfig account 'tcp1'\n(\t[^\n]*\n)*", "\n", text)
open(sys.argv[1], "w").write(text)
PY
grep -q tcp1 "$conf" && fail "test bug: tcp1 still in the config"
kill -HUP "$OWSIP_PID"
wait_for_line "$log" "reload of .*: accounts: -tcp1"
wait_no_contact "$KAM" carol
wait_for_line "$log" "sip.acct\{tcp1\}: stopped"
pass "reload: removed account un-registered"

# --- reload: a new SIP port rebuilds the user agent; every account moves to it ---
OPORT_NEW=$(free_port)
sed -i "s/option local_port '$OPORT'/option local_port '$OPORT_NEW'/" "$conf"
kill -HUP "$OWSIP_PID"
wait_for_line "$log" "sip: user agent settings changed: re-registering every account"
wait_for_line "$log" "sip: listening on udp\+tcp 127.0.0.1:$OPORT_NEW"
for u in alice bob erin; do wait_for_contact "$KAM" "$u" "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT_NEW\$"; done
wait_for_contact "$KAM" dave "sip:u[0-9a-f]{16}@127.0.0.1:$OTLS;transport=tls\$"
kam_contacts "$KAM" | grep -q ":$OPORT\b" && fail "contacts on the old port remain: $(kam_contacts "$KAM")"
pass "reload with a new local_port: every account re-registered on the new port, old contacts gone"

# --- SIGTERM: every binding removed before owsip exits ---
stop_owsip
for u in alice bob dave erin; do wait_no_contact "$KAM" "$u" 2; done
grep -q "sip: un-registering 4 account(s)" "$log" || fail "stop did not un-register 4 accounts"
for a in udp1 udp2 tls1 udp3; do
  grep -q "sip.acct{$a}: binding removed (200 OK)" "$log" || fail "$a: no un-REGISTER answered"
done
pass "SIGTERM: every account un-registered (location table empty) before exit"
