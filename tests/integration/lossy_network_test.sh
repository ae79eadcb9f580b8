#!/usr/bin/env bash
# Faults: 20 % loss on signalling and on media, both ways, through lossy relays
# (lossy_shim.py; netem needs a kernel module CI machines may not have), all on 127.0.0.0/8:
# - SIP: a relay in front of the registrar that works like a NAT. owsip still registers
#   (learning the relay's outside address from received/rport, as behind a real NAT), rings for
#   a call from baresip through the relay (the INVITE comes from the registrar's address, so the
#   ghost-call filter lets it through), and calls both ways complete;
# - media: a STUN server tells owsip its public address is 127.0.0.2, where a media relay
#   forwards RTP to owsip's RTP port and back, losing 20 % each way: the first call's audio
#   still carries the tones both ways (concealment fills the gaps) and owsip counts the loss.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"

call_kamailio 2001 2002
RTP_BASE=$RTP_WINDOW
STUN=$(free_port)
# A STUN server that says every client is at 127.0.0.2, where the media relays listen.
python3 "$SRC/tests/integration/fake_stun.py" "$STUN" 127.0.0.2 150 >"$WORK/stun.log" 2>&1 &
PIDS+=("$!")
# One media relay per call: the first call gets the RTP port pair at rtp_port, the second the next.
python3 "$SRC/tests/integration/lossy_shim.py" --media 127.0.0.2 "$RTP_BASE" "$RTP_BASE" 0.2 150 \
  >"$WORK/media_relay.log" &
MEDIA_PID=$!
PIDS+=("$MEDIA_PID")
python3 "$SRC/tests/integration/lossy_shim.py" --media 127.0.0.2 $((RTP_BASE + 2)) $((RTP_BASE + 2)) \
  0.2 150 >"$WORK/media_relay2.log" &
MEDIA2_PID=$!
PIDS+=("$MEDIA2_PID")
SHIM=$(free_port)
python3 "$SRC/tests/integration/lossy_shim.py" "$SHIM" "$KPORT" 0.2 150 >"$WORK/shim.log" &
SHIM_PID=$!
PIDS+=("$SHIM_PID")
wait_for_line "$WORK/shim.log" "^outside [0-9]+" 5

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_BASE'"
printf '\nconfig stun\n\toption host 127.0.0.1\n\toption port %s\n' "$STUN" >>"$conf"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$SHIM" "option default '1'"
start_owsip "$conf" "$WORK/owsip.log"
wait_for_socket "$WORK/sim.sock"
wait_for_line "$WORK/owsip.log" "sip.acct\{home\}: (refreshed: )?registered as sip:u[0-9a-f]{16}@127.0.0.1:$(awk '/^outside/ { print $2 }' "$WORK/shim.log")" 40
pass "registered through 20 % loss, with the relay's outside address learned from received/rport"

wait_for_line "$WORK/owsip.log" "stun: public address 127.0.0.2" 10
phone_start p0 0
baresip_start bob 2002 pw-2002 "$KPORT" 1000
phone_mark p0
ph p0 offhook "wait 300" "dial 2002#" "wait 1500" "tone 700 -10"
wait_for_line "$WORK/owsip.log" "call 1 answered" 30
wait_phone_hears p0 1000 10
sleep 3
check_freq "$(bs_heard bob)" 700 "baresip hearing the phone through 20 % media loss"
"$BIN/owsipctl" -s "$WORK/ctl.sock" --json calls >"$WORK/calls.json"
loss=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c[0]["quality"]["loss_percent"])' "$WORK/calls.json")
python3 -c "import sys; sys.exit(0 if 8 <= float('$loss') <= 35 else 1)" ||
  fail "owsip counted $loss % loss on a stream that loses 20 %"
pass "an outgoing call through 20 % signalling and 20 % media loss both ways: answered, tones heard both ways, owsip counts $loss % loss"
ph p0 silence onhook "wait 1000"
wait_for_line "$WORK/owsip.log" "call 1 ended" 10

phone_mark p0
ph p0 "autoanswer 500 0"
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_for_line "$WORK/owsip.log" "call 2 answered on port0" 40
wait_phone_hears p0 1000 10
pass "an incoming call through 20 % signalling and media loss rang the phone and was answered, with audio"
ph p0 onhook
wait_for_line "$WORK/owsip.log" "call 2 ended" 20
grep -q "refused (403)" "$WORK/owsip.log" && fail "the filter refused an INVITE that came through the registrar"
kill "$SHIM_PID" "$MEDIA_PID" "$MEDIA2_PID"
wait "$SHIM_PID" 2>/dev/null || true
wait "$MEDIA_PID" 2>/dev/null || true
wait "$MEDIA2_PID" 2>/dev/null || true
echo "SIP relay: $(tail -1 "$WORK/shim.log")"
echo "media relay, first call: $(tail -1 "$WORK/media_relay.log")"
stop_owsip
