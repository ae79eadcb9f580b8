#!/usr/bin/env bash
# T.38 (issue 19, docs/T38.md): owsip's UDPTL and T.38 gateway against spandsp's T.38 terminal
# in owsip-t38peer, all on 127.0.0.1, the runs side by side to keep the test short:
#  (a) a page from one owsip-t38peer to another over UDPTL (redundancy 3), received intact;
#  (b) the same through lossy_shim.py at 1 % loss with redundancy 2, and at 5 % with redundancy
#      3 and without ECM (so T.30 retransmits nothing): intact, the relay dropped packets and the
#      receiver took them from the redundancy; the control, 5 % without redundancy and ECM,
#      loses IFP packets and damages the page (so the comparison does see damage); the 5 % run
#      once more with the sender's fax machine behind owsip's T38Gateway;
#  (c) owsip's T38Gateway between spandsp's audio fax terminal (modems, as on a phone line) and
#      UDPTL, to and from an owsip-t38peer terminal: intact both ways;
#  (d) tshark (Wireshark's T.38 dissector) decodes the captured UDPTL of (a) and (c) as T.38
#      with no malformed packet and no expert error; a hand-made bad datagram shows the check
#      does find malformed ones.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

PEER=$BIN/owsip-t38peer
SHIM=$SRC/tests/integration/lossy_shim.py
[ -x "$PEER" ] || fail "no $PEER"
TIMEOUT=50

free_udp_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# json_get FILE EXPR: a Python expression over the JSON object `j` printed by owsip-t38peer.
json_get() { python3 -c 'import json,sys; j=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); print(eval(sys.argv[2]))' "$1" "$2"; }

"$PEER" --make-page "$WORK/page.tif" || fail "cannot make the test page"

# start_pair NAME SEND_PORT RECV_PORT [SENDER_EXTRA] [RECEIVER_EXTRA]: the receiver on
# RECV_PORT and the sender on SEND_PORT sending to RECV_PORT (unless the extras say otherwise);
# sets NAME's PIDs in SENDER_PID_NAME / RECEIVER_PID_NAME.
declare -A SPID RPID
start_pair() {
  local name=$1 sport=$2 rport=$3 sextra=$4 rextra=$5
  # shellcheck disable=SC2086
  start_bg "$WORK/$name.rx.json" "$PEER" --role receive --local "$rport" --remote "$sport" \
    --out "$WORK/$name.rx.tif" --expect "$WORK/page.tif" --timeout $TIMEOUT $rextra
  RPID[$name]=$LAST_PID
  # shellcheck disable=SC2086
  start_bg "$WORK/$name.tx.json" "$PEER" --role send --local "$sport" --remote "$rport" \
    --page "$WORK/page.tif" --timeout $TIMEOUT $sextra
  SPID[$name]=$LAST_PID
}

# finish_pair NAME: waits for both, checks exit codes and the page.
finish_pair() {
  local name=$1
  wait_exit "${SPID[$name]}" $((TIMEOUT + 10))
  local s=$EXIT_CODE
  wait_exit "${RPID[$name]}" $((TIMEOUT + 10))
  local r=$EXIT_CODE
  echo "$name sender:   $(tail -n1 "$WORK/$name.tx.json")"
  echo "$name receiver: $(tail -n1 "$WORK/$name.rx.json")"
  [ "$s" -eq 0 ] || fail "$name: the sender exited $s"
  [ "$r" -eq 0 ] || fail "$name: the receiver exited $r"
  [ "$(json_get "$WORK/$name.rx.json" 'j["compare"]["intact"]')" = True ] ||
    fail "$name: the received page differs"
  [ "$(json_get "$WORK/$name.rx.json" 'j["pages"]')" = 1 ] || fail "$name: not one page received"
}

# The capture for (d): every port of (a) and (c).
A_TX=$(free_udp_port); A_RX=$(free_udp_port)
C_TX=$(free_udp_port); C_RX=$(free_udp_port)
D_TX=$(free_udp_port); D_RX=$(free_udp_port)
HAVE_CAPTURE=
if command -v tshark >/dev/null && command -v tcpdump >/dev/null; then
  start_bg "$WORK/tcpdump.log" tcpdump -i lo -U --immediate-mode -n -s 4096 -w "$WORK/t38.pcap" \
    "udp and (port $A_TX or port $A_RX or port $C_TX or port $C_RX or port $D_TX or port $D_RX)"
  CAP_PID=$LAST_PID
  for ((i = 0; i < 200; i++)); do
    grep -q "listening on" "$WORK/tcpdump.log" && { HAVE_CAPTURE=1; break; }
    kill -0 "$CAP_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$HAVE_CAPTURE" ] ||
    echo "note: tcpdump cannot capture on lo here ($(tail -n1 "$WORK/tcpdump.log")): (d) is skipped"
else
  echo "note: tshark or tcpdump missing (./run setup): the dissector check (d) is skipped"
fi

# (a) terminal to terminal, redundancy 3.
start_pair a "$A_TX" "$A_RX" "" ""

# (b) through the lossy relay: the sender sends to the relay's inside port; the relay forwards
# to the receiver from its outside socket, and the receiver answers whoever sent (--symmetric).
start_lossy() {  # NAME LOSS DEPTH ECM [SENDER_EXTRA]
  local name=$1 loss=$2 depth=$3 ecm=$4 sextra=${5:-} inside rport sport outside
  inside=$(free_udp_port); rport=$(free_udp_port); sport=$(free_udp_port)
  start_bg "$WORK/$name.shim.log" python3 "$SHIM" "$inside" "$rport" "$loss" $((TIMEOUT + 5))
  SHIM_PID[$name]=$LAST_PID
  wait_for_line "$WORK/$name.shim.log" "^outside [0-9]+" 10
  outside=$(awk '/^outside/ {print $2}' "$WORK/$name.shim.log")
  start_bg "$WORK/$name.rx.json" "$PEER" --role receive --local "$rport" --remote "$outside" \
    --symmetric --out "$WORK/$name.rx.tif" --expect "$WORK/page.tif" --redundancy "$depth" \
    --ecm "$ecm" --timeout $TIMEOUT
  RPID[$name]=$LAST_PID
  # shellcheck disable=SC2086
  start_bg "$WORK/$name.tx.json" "$PEER" --role send --local "$sport" --remote "$inside" \
    --page "$WORK/page.tif" --redundancy "$depth" --ecm "$ecm" --timeout $TIMEOUT $sextra
  SPID[$name]=$LAST_PID
}
declare -A SHIM_PID
start_lossy b1 0.01 2 1
start_lossy b5 0.05 3 0
start_lossy z5 0.05 0 0
start_lossy g5 0.05 3 0 --gateway

# (c) the gateway: spandsp's audio fax terminal behind owsip's T38Gateway, sending to and
# receiving from a T.38 terminal.
start_pair c "$C_TX" "$C_RX" "--gateway" ""
start_pair d "$D_TX" "$D_RX" "" "--gateway"

finish_pair a
pass "(a) T.38 terminal to terminal over owsip's UDPTL: the page arrived intact"

for name in b1 b5 g5; do
  finish_pair "$name"
  kill -TERM "${SHIM_PID[$name]}" 2>/dev/null || true
  wait_exit "${SHIM_PID[$name]}" 10
  cat "$WORK/$name.shim.log"
  dropped=$(awk '/dropped/ {gsub(",", ""); print $6 + $13}' "$WORK/$name.shim.log")
  recovered=$(($(json_get "$WORK/$name.rx.json" 'j["udptl"]["recovered"]') +
    $(json_get "$WORK/$name.tx.json" 'j["udptl"]["recovered"]')))
  lost=$(($(json_get "$WORK/$name.rx.json" 'j["udptl"]["lost"]') +
    $(json_get "$WORK/$name.tx.json" 'j["udptl"]["lost"]')))
  echo "$name: the relay dropped $dropped packets; recovered from redundancy $recovered, lost $lost"
  [ "$dropped" -ge 1 ] || fail "$name: the relay dropped nothing: the loss was not tested"
  [ "$recovered" -ge 1 ] || fail "$name: nothing was recovered from the redundancy"
  if [ "$name" = b1 ]; then
    [ "$lost" -eq 0 ] || fail "$name: $lost IFP packets lost at 1 % loss with redundancy 2"
  fi
done
pass "(b) through the lossy relay (1 % loss, redundancy 2; 5 %, redundancy 3, no ECM; the same from the gateway): intact"

# The control: the same 5 % loss without redundancy or ECM.
wait_exit "${SPID[z5]}" $((TIMEOUT + 10))
wait_exit "${RPID[z5]}" $((TIMEOUT + 10))
kill -TERM "${SHIM_PID[z5]}" 2>/dev/null || true
wait_exit "${SHIM_PID[z5]}" 10
echo "z5 receiver: $(tail -n1 "$WORK/z5.rx.json")"
z5_lost=$(json_get "$WORK/z5.rx.json" 'j["udptl"]["lost"]')
z5_intact=$(json_get "$WORK/z5.rx.json" '(j["compare"] or {}).get("intact")')
[ "$z5_lost" -ge 1 ] || fail "control: no IFP packet lost at 5 % loss without redundancy"
[ "$z5_intact" != True ] || fail "control: the page came through intact despite $z5_lost lost IFP packets"
pass "control: without redundancy and ECM, $z5_lost IFP packets were lost and the page was damaged"

finish_pair c
finish_pair d
[ "$(json_get "$WORK/c.tx.json" 'j["gateway"]["ifp_sent"] > 0')" = True ] || fail "(c): no IFP from the gateway"
pass "(c) audio fax terminal -> T38Gateway -> UDPTL -> T.38 terminal, and back: intact"

if [ -n "$HAVE_CAPTURE" ]; then
  sleep 0.5
  kill -TERM "$CAP_PID" 2>/dev/null || true
  wait_exit "$CAP_PID" 10
  decode=()
  for p in "$A_TX" "$A_RX" "$C_TX" "$C_RX" "$D_TX" "$D_RX"; do decode+=(-d "udp.port==$p,t38"); done
  # tshark_counts PCAP: "<udp> <t38> <malformed> <expert errors>"
  tshark_counts() {
    local pcap=$1 f
    for f in udp t38 _ws.malformed "_ws.expert.severity >= 8388608"; do
      tshark -r "$pcap" "${decode[@]}" -Y "$f" 2>/dev/null | wc -l
    done | paste -sd' '
  }
  read -r udp t38 malformed errors <<<"$(tshark_counts "$WORK/t38.pcap")"
  with_redundancy=$(tshark -r "$WORK/t38.pcap" "${decode[@]}" -Y 't38.secondary_ifp_packets >= 1' 2>/dev/null | wc -l)
  echo "tshark: $udp UDP datagrams, $t38 decoded as T.38 ($with_redundancy with secondary IFP packets), $malformed malformed, $errors expert errors"
  [ "$t38" -ge 100 ] || fail "(d) tshark decoded only $t38 T.38 packets"
  [ "$t38" -eq "$udp" ] || fail "(d) $((udp - t38)) of $udp datagrams did not decode as T.38"
  [ "$malformed" -eq 0 ] || fail "(d) tshark: $malformed malformed packets"
  [ "$errors" -eq 0 ] || fail "(d) tshark: $errors packets with expert errors"
  [ "$with_redundancy" -ge 100 ] || fail "(d) redundancy not seen by tshark"
  # The check itself: a datagram whose primary IFP length runs past its end must count.
  printf '0000  45 00 00 22 00 01 00 00 40 11 7c c8 7f 00 00 01 7f 00 00 01\n0014  %02x %02x %02x %02x 00 0e 00 00 00 05 7f 02 00 00\n' \
    $((A_TX >> 8)) $((A_TX & 255)) $((A_RX >> 8)) $((A_RX & 255)) >"$WORK/bad.txt"
  text2pcap -q -l 101 "$WORK/bad.txt" "$WORK/bad.pcap" 2>/dev/null || fail "text2pcap failed"
  read -r _ _ bad_malformed bad_errors <<<"$(tshark_counts "$WORK/bad.pcap")"
  [ $((bad_malformed + bad_errors)) -ge 1 ] || fail "(d) the tshark check does not see a malformed UDPTL packet"
  pass "(d) tshark decodes every captured UDPTL datagram as T.38, none malformed"
fi
pass "t38"
