#!/usr/bin/env bash
# NAT: a registrar that sees owsip's REGISTER arrive from another address (Via received/rport,
# here a scripted registrar that claims 198.51.100.7:40000) gets a second REGISTER at once
# with the learned Contact, removing the local one in the same request; refreshes and the
# final un-REGISTER keep to the learned address; UDP keep-alives (CRLF) flow while
# registered. Nothing is sent anywhere but 127.0.0.1: the learned address only appears in
# Contact headers.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"

RPORT=$(free_port)
OPORT=$(free_port)
OTLS=$(free_port)
reg=$WORK/registrar.out
start_bg "$reg" python3 "$SRC/tests/integration/sip_fake_registrar.py" "$RPORT" 198.51.100.7 40000 60
wait_for_line "$reg" "^listening$" 10

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$OTLS"
owsip_account "$conf" natted alice unused "127.0.0.1:$RPORT" "option keepalive 1"
start_owsip "$conf" "$WORK/owsip.log"
log=$WORK/owsip.log

local_contact="<sip:u[0-9a-f]{16}@127.0.0.1:$OPORT>"
public_contact="<sip:u[0-9a-f]{16}@198.51.100.7:40000>"
wait_for_line "$reg" "^REGISTER $local_contact;expires=3600\$"
wait_for_line "$reg" "^REGISTER $public_contact;expires=3600 \| $local_contact;expires=0\$"
wait_for_line "$log" "sip.acct\{natted\}: registrar sees us at 198.51.100.7:40000, our Contact said 127.0.0.1:$OPORT"
wait_for_line "$log" "sip.acct\{natted\}: refreshed: registered as sip:u[0-9a-f]{16}@198.51.100.7:40000 for 3600 s more"
[ "$(count_lines "$reg" '^REGISTER')" -eq 2 ] || fail "expected exactly two REGISTERs: $(cat "$reg")"
pass "learned the public address from Via received/rport and re-registered it, removing the local contact"

# keepalive 1: a CRLF packet about every second while registered.
wait_for_line "$reg" "^keepalive\$" 5
sleep 3.5
n=$(count_lines "$reg" "^keepalive\$")
[ "$n" -ge 3 ] || fail "only $n keep-alives in ~4.5 s"
pass "UDP keep-alives (CRLF) while registered: $n"

stop_owsip
wait_for_line "$reg" "^REGISTER $public_contact;expires=0\$" 5
pass "un-REGISTER on stop names the learned contact"
