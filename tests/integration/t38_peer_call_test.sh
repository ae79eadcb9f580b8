#!/usr/bin/env bash
# T.38 in a call with a far end that is not owsip (issue 19): a sipp UAS (tests/data/sipp/
# uas_t38.xml) answers owsip's call with audio, then takes owsip's T.38 re-INVITE and answers
# it with an image stream whose UDPTL port belongs to owsip-t38peer, spandsp's own T.38
# terminal (T.30 over IFP, no modems) on the project's UDPTL. The fax on the phone of owsip's
# port 0 sends a page with ECM; owsip's T.38 gateway turns its modem audio into T.38; the
# T.38 terminal receives it. The page must arrive identical; sipp checks the offer (m=image
# ... udptl t38 alone, T38FaxVersion 0, transferredTCF, redundancy).
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
command -v sipp >/dev/null || { echo "SKIP: sipp is not installed (./run setup)"; exit 0; }
PEER=$BIN/owsip-t38peer
[ -x "$PEER" ] || { echo "SKIP: no owsip-t38peer (libtiff-4 missing at build time)"; exit 0; }

UAS=$(free_port)
T38PORT=$(free_port)
call_kamailio 2001
conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" \
  "option fax 't38'" "option udptl_redundancy '2'"
printf '\nconfig contact\n\toption desc %s\n\toption code fax\n\toption type sip\n\toption dial %s\n' \
  "'sipp t38'" "'port-$UAS@owsip.test'" >>"$conf"
start_owsip_registered "$conf" home
"$BIN/owsip-phone" fax page "$WORK/page.tif" 1 400 || fail "owsip-phone fax page failed"

start_bg "$WORK/uas.out" sipp -sf "$SRC/tests/data/sipp/uas_t38.xml" -i 127.0.0.1 -p "$UAS" \
  -key t38port "$T38PORT" -m 1 -timeout 120 -trace_msg -message_file "$WORK/uas.msg" -nostdin
UAS_PID=$LAST_PID

# The fax dials the contact (*329 = *fax) and sends while the call is set up; its CNG makes
# owsip re-INVITE for T.38. The T.38 terminal starts once owsip has named its UDPTL port.
printf 'offhook\nwait 300\ndial *329\nfax send %s\nwait 500\nonhook\nquit\n' "$WORK/page.tif" |
  "$BIN/owsip-phone" -s "$WORK/sim.sock" -p 0 >"$WORK/tx.jsonl" 2>"$WORK/tx.err" &
TX_PID=$!
PIDS+=("$TX_PID")
wait_for_line "$WORK/owsip.log" "re-INVITE for T.38 \(m=image [0-9]+ udptl t38" 30
OWSIP_UDPTL=$(grep -o "re-INVITE for T.38 (m=image [0-9]*" "$WORK/owsip.log" | grep -o "[0-9]*$" | head -1)
"$PEER" --role receive --local "$T38PORT" --remote "$OWSIP_UDPTL" --out "$WORK/rx.tif" \
  --redundancy 2 --ecm 1 --timeout 90 >"$WORK/peer.json" 2>"$WORK/peer.err" &
PEER_PID=$!
PIDS+=("$PEER_PID")
wait_exit "$TX_PID" 100
wait_exit "$PEER_PID" 30
peer_rc=$EXIT_CODE
wait_exit "$UAS_PID" 20
[ "$EXIT_CODE" -eq 0 ] || fail "sipp UAS: exit $EXIT_CODE (the T.38 offer did not match?): $(tail -5 "$WORK/uas.out")"
grep -q '"event":"fax","mode":"send","result":"ok".*"pages":1' "$WORK/tx.jsonl" ||
  fail "the phone's fax did not send: $(grep -E 'fax|error' "$WORK/tx.jsonl")"
[ "$peer_rc" -eq 0 ] || fail "owsip-t38peer: exit $peer_rc: $(cat "$WORK/peer.json" "$WORK/peer.err")"
python3 - "$WORK/peer.json" <<'PY' || fail "owsip-t38peer: $(cat "$WORK/peer.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["result"] == 0 and r["pages"] == 1, r
assert r["ecm"] is True, "no ECM: %s" % r
assert r["udptl"]["malformed"] == 0 and r["udptl"]["received"] > 20, r["udptl"]
PY
"$BIN/owsip-phone" fax compare "$WORK/page.tif" "$WORK/rx.tif" >"$WORK/cmp.out" ||
  fail "the page received by the T.38 terminal differs: $(cat "$WORK/cmp.out")"
grep -q "T.38 gateway: UDPTL port $OWSIP_UDPTL to 127.0.0.1:$T38PORT" "$WORK/owsip.log" ||
  fail "owsip's gateway does not name the terminal's port: $(grep 'T.38 gateway' "$WORK/owsip.log")"
ended=$(grep -o "T.38 ended: .*" "$WORK/owsip.log" | tail -1)
pass "owsip -> sipp UAS + owsip-t38peer (spandsp's T.38 terminal): 1 page with ECM arrived identical; terminal $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%s, %d bit/s, UDPTL %d received, %d recovered" % (r["result_text"], r["bit_rate"], r["udptl"]["received"], r["udptl"]["recovered"]))' "$WORK/peer.json"); owsip $ended"
