#!/usr/bin/env bash
# Faults: 20 % of the SIP packets between owsip and its registrar are lost, both ways (a lossy
# relay that works like a NAT, lossy_shim.py; netem needs a kernel module CI machines may not
# have). owsip still registers (learning the relay's outside address from received/rport, as
# behind a real NAT), rings for a call from baresip through the relay (the INVITE comes from
# the registrar's address, so the ghost-call filter lets it through), and both directions of
# calls complete with audio. Media goes directly; its loss is the jitter buffer's concern
# (unit tests with the impairment shim).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"

call_kamailio 2001 2002
SHIM=$(free_port)
python3 "$SRC/tests/integration/lossy_shim.py" "$SHIM" "$KPORT" 0.2 150 >"$WORK/shim.log" &
SHIM_PID=$!
PIDS+=("$SHIM_PID")
wait_for_line "$WORK/shim.log" "^outside [0-9]+" 5

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$(free_port)'"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$SHIM" "option default '1'"
start_owsip "$conf" "$WORK/owsip.log"
wait_for_socket "$WORK/sim.sock"
wait_for_line "$WORK/owsip.log" "sip.acct\{home\}: (refreshed: )?registered as sip:u[0-9a-f]{16}@127.0.0.1:$(awk '/^outside/ { print $2 }' "$WORK/shim.log")" 40
pass "registered through 20 % loss, with the relay's outside address learned from received/rport"

phone_start p0 0
baresip_start bob 2002 pw-2002 "$KPORT" 1000
phone_mark p0
ph p0 offhook "wait 300" "dial 2002#"
wait_for_line "$WORK/owsip.log" "call 1 answered" 30
wait_phone_hears p0 1000 10
ph p0 onhook "wait 1000"
wait_for_line "$WORK/owsip.log" "call 1 ended" 10
pass "an outgoing call through 20 % signalling loss was answered, with audio"

phone_mark p0
ph p0 "autoanswer 500 0"
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_for_line "$WORK/owsip.log" "call 2 answered on port0" 40
wait_phone_hears p0 1000 10
pass "an incoming call through 20 % signalling loss rang the phone and was answered, with audio"
ph p0 onhook
wait_for_line "$WORK/owsip.log" "call 2 ended" 20
grep -q "refused (403)" "$WORK/owsip.log" && fail "the filter refused an INVITE that came through the registrar"
kill "$SHIM_PID"
wait "$SHIM_PID" 2>/dev/null || true
echo "relay: $(tail -1 "$WORK/shim.log")"
stop_owsip
