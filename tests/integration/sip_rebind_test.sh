#!/usr/bin/env bash
# Following the interface (rtnetlink): in a network namespace of its own, the test gives
# owsip an interface (one end of a veth pair; Kamailio listens on the other end) and then
#   - moves its address (10.77.0.2 -> 10.77.0.3): owsip rebinds and registers the new address,
#     removing the old contact in the same REGISTER;
#   - takes every address away: owsip closes its transports and the account waits;
#   - gives it an address again: owsip binds and registers again;
# and with interface 'any', follows the source address of the default route.
# No restart of owsip in between. Skips (exit 0, "SKIP:") when no namespace can be made.
set -euo pipefail
if [ -z "${OWSIP_IN_NETNS:-}" ]; then
  if ! unshare -n true 2>/dev/null; then
    echo "SKIP: cannot create a network namespace here (needs root or unprivileged user namespaces)"
    exit 0
  fi
  OWSIP_IN_NETNS=1 exec unshare -n -- bash "$0" "$@"
fi

# Inside the new namespace: nothing here reaches the host's network.
ip link set lo up
if ! ip link add owsip0 type veth peer name kam0 2>/dev/null; then
  echo "SKIP: cannot create a veth pair in the namespace (no veth support)"
  exit 0
fi
ip addr add 10.77.0.1/24 dev kam0
ip addr add 10.77.0.2/24 dev owsip0
ip link set kam0 up
ip link set owsip0 up

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"

KAM=$WORK/kam
KPORT=$(free_port)
OPORT=$(free_port)
OTLS=$(free_port)
KAM_ADDR=10.77.0.1 kam_setup "$KAM" "$KPORT"
kam_user "$KAM" alice pw-alice
kam_start "$KAM"

conf=$WORK/telephony
OWSIP_INTERFACE=owsip0 owsip_general "$conf" "$OPORT" "$OTLS"
owsip_account "$conf" moving alice pw-alice "10.77.0.1:$KPORT"
start_owsip "$conf" "$WORK/owsip.log"
log=$WORK/owsip.log

wait_for_line "$log" "sip: listening on udp\+tcp 10.77.0.2:$OPORT \(interface owsip0\)"
wait_for_contact "$KAM" alice "sip:u[0-9a-f]{16}@10.77.0.2:$OPORT\$"
pass "bound to owsip0 (10.77.0.2) and registered"

# --- the address moves ---
ip addr del 10.77.0.2/24 dev owsip0
ip addr add 10.77.0.3/24 dev owsip0
wait_for_line "$log" "sip: listening on udp\+tcp 10.77.0.3:$OPORT \(interface owsip0\)" 5
wait_for_line "$log" "sip.acct\{moving\}: registered as sip:u[0-9a-f]{16}@10.77.0.3:$OPORT" 10
wait_for_contact "$KAM" alice "sip:u[0-9a-f]{16}@10.77.0.3:$OPORT\$"
kam_contacts "$KAM" | grep -q "10.77.0.2" && fail "the old contact is still registered: $(kam_contacts "$KAM")"
pass "address moved: rebound and registered 10.77.0.3, old contact removed"

# --- the interface loses its address (a PPPoE link going down) ---
ip addr flush dev owsip0
wait_for_line "$log" "sip: interface owsip0 has no address: transports closed until there is one" 5
wait_for_line "$log" "sip.acct\{moving\}: failed: interface owsip0 has no address; waiting for the network" 5
pass "address gone: transports closed, the account waits"

# --- and gets one again ---
ip addr add 10.77.0.4/24 dev owsip0
wait_for_line "$log" "sip: listening on udp\+tcp 10.77.0.4:$OPORT \(interface owsip0\)" 5
wait_for_contact "$KAM" alice "sip:u[0-9a-f]{16}@10.77.0.4:$OPORT\$" 10
kill -0 "$OWSIP_PID" || fail "owsip is not running"
pass "address back: bound and registered again, same owsip process"

stop_owsip
wait_no_contact "$KAM" alice 3
pass "stopped: contact removed"

# --- interface 'any': the address of the default route, followed as the route moves ---
conf2=$WORK/telephony-any
OPORT2=$(free_port)
OWSIP_INTERFACE=any owsip_general "$conf2" "$OPORT2" "$(free_port)"
owsip_account "$conf2" anywhere alice pw-alice "10.77.0.1:$KPORT"
start_owsip "$conf2" "$WORK/owsip-any.log"
wait_for_line "$WORK/owsip-any.log" "sip: no default route: waiting for an address to bind"
ip route add default via 10.77.0.1 dev owsip0
wait_for_line "$WORK/owsip-any.log" "sip: listening on udp\+tcp 10.77.0.4:$OPORT2 \(default route\)" 5
wait_for_contact "$KAM" alice "sip:u[0-9a-f]{16}@10.77.0.4:$OPORT2\$"
pass "interface any: no default route, then bound to its source address and registered"
ip addr add 10.77.0.5/24 dev owsip0
ip route replace default via 10.77.0.1 dev owsip0 src 10.77.0.5
wait_for_line "$WORK/owsip-any.log" "sip: listening on udp\+tcp 10.77.0.5:$OPORT2 \(default route\)" 5
wait_for_contact "$KAM" alice "sip:u[0-9a-f]{16}@10.77.0.5:$OPORT2\$"
kam_contacts "$KAM" | grep -q "10.77.0.4" && fail "old contact left: $(kam_contacts "$KAM")"
pass "interface any: the default route's source changed, owsip followed"
stop_owsip
