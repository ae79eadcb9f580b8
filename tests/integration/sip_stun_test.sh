#!/usr/bin/env bash
# STUN for SIP (the `stun` section, README "Behind NAT"): owsip sits behind a NAT (nat_relay.py:
# one outside port for every server, filtering, a mapping that expires after 2 s idle) and
# registers at a registrar that knows nothing of rport/received and answers at the top Via's
# sent-by port (sip_old_registrar.py). owsip learns its public address from a STUN server
# through its own SIP socket and names it in the Via and Contact of REGISTER and INVITE; the
# registrar's call to the registered contact reaches the phone through the mapping, which the
# 1 s keep-alives have kept open for longer than it lives idle. Everything stays on 127.0.0.1.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"

OPORT=$(free_port)        # owsip's SIP socket
NAT_OUT=$(free_port)      # the NAT's public side: what STUN must report
NAT_REG=$(free_port)      # the NAT's inside port towards the registrar
NAT_STUN=$(free_port)     # ... and towards the STUN server
REG=$(free_port)
STUN=$(free_port)
start_bg "$WORK/nat.out" python3 "$SRC/tests/integration/nat_relay.py" "$NAT_OUT" 2 60 \
  "$NAT_REG:$REG" "$NAT_STUN:$STUN"
start_bg "$WORK/stun.out" python3 "$SRC/tests/integration/fake_stun.py" "$STUN" 127.0.0.1 60
start_bg "$WORK/reg.out" python3 "$SRC/tests/integration/sip_old_registrar.py" "$REG" "$NAT_OUT" 5 60
for f in nat stun reg; do wait_for_line "$WORK/$f.out" "^listening" 10; done

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'"
owsip_account "$conf" natted alice unused "127.0.0.1:$NAT_REG" "option keepalive 1" "option port '0'"
printf "\nconfig stun\n\toption host '127.0.0.1'\n\toption port '%s'\n" "$NAT_STUN" >>"$conf"
start_owsip_registered "$conf" natted
phone_start p0 0
log=$WORK/owsip.log
reg=$WORK/reg.out

wait_for_line "$log" "public address of SIP \(udp 127.0.0.1:$OPORT\) is 127.0.0.1:$NAT_OUT" 10
public="sip:u[0-9a-f]{16}@127.0.0.1:$NAT_OUT"
wait_for_line "$log" "sip.acct\{natted\}: (refreshed: )?registered as $public for" 10
wait_for_line "$reg" "^REGISTER via=127.0.0.1:$NAT_OUT contact=<$public>;expires=3600" 5
# Registered before STUN answered? Then the local contact is removed as the public one is added.
grep -E "^REGISTER .*<$public>;expires=0" "$reg" && fail "a REGISTER removed the public contact"
if grep -Eq "^REGISTER .*:$OPORT>;expires=3600" "$reg"; then
  grep -Eq "^REGISTER via=127.0.0.1:$NAT_OUT contact=<$public>;expires=3600,<sip:u[0-9a-f]{16}@127.0.0.1:$OPORT>;expires=0" "$reg" ||
    fail "the local contact was not removed: $(cat "$reg")"
fi
pass "REGISTER names the STUN-mapped address in Via and Contact, and the registrar's answer came back through the NAT"

# The registrar calls the contact 5 s after registering it: > 2 s of NAT idle timeout, so the
# mapping lives only through the keep-alives.
wait_phone p0 '"event":"ring' 15
wait_for_line "$reg" "^call: SIP/2.0 180 Ringing contact=<$public>" 5
wait_for_line "$reg" "^call: SIP/2.0 487" 5
grep -q '^expired$' "$WORK/nat.out" && fail "the NAT mapping expired despite keep-alives: $(cat "$WORK/nat.out")"
[ "$(count_lines "$WORK/nat.out" '^dropped')" -eq 0 ] || fail "the NAT dropped packets: $(cat "$WORK/nat.out")"
pass "a call to the registered contact reached the phone through the NAT mapping kept open by keep-alives"

phone_mark p0
ph p0 offhook "wait 500" "dial 4930777#"
wait_for_line "$reg" "^INVITE via=127.0.0.1:$NAT_OUT contact=<sip:u[0-9a-f]{16}@127.0.0.1:$NAT_OUT" 10
wait_phone p0 '"event":"tone","freqs":\[425\],"cadence":\[480,480\]' 10  # busy
pass "INVITE names the STUN-mapped address in Via and Contact; the 486 came back through the NAT"
ph p0 onhook
stop_owsip
