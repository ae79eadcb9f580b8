#!/usr/bin/env bash
# Back to voice after a fax (issue 19, docs/FAX.md "Back to voice"): two owsip daemons through
# Kamailio, each with a fax machine on port 0. The caller's account has fax_back_to_voice.
#  (1) pass-through: the fax, with ECM, goes as voice-band data (G.711, a=silenceSupp:off);
#      when the machines say DCN, the caller's owsip re-INVITEs back to voice (the call's first
#      codec, G.722, no silenceSupp) and the far end follows; then the two phones talk: each
#      hears the other's tone.
#  (2) T.38 with ECM: the fax goes through both daemons' T.38 gateways; after the DCN the
#      caller's owsip re-INVITEs with m=audio, the T.38 sessions end and RTP carries the two
#      phones' tones again.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/fax_lib.sh"

OWSIP=$BIN/owsip
PHONE=$BIN/owsip-phone
[ -x "$PHONE" ] || fail "owsip-phone not built"
"$PHONE" fax page "$WORK/page.tif" 2 300 || fail "owsip-phone fax page failed"

KAM=$WORK/kam
KPORT=$(free_port)
kam_setup "$KAM" "$KPORT"
for u in 3001 3002 3003 3004; do kam_user "$KAM" "$u" "pw-$u"; done
kam_start "$KAM"

# After its fax each phone waits for the call to be back to voice (DCN + 2 s), sends its tone
# for 3 s and listens meanwhile.
AFTER_TX='wait 4000\ntone 700 -10\nwait 3000\nsilence\nwait 300'
AFTER_RX='wait 4000\ntone 1300 -10\nwait 3000\nsilence\nwait 300'

# hears_after_fax FILE HZ: the phone's events after its fax event include sound of HZ (+-3 %).
hears_after_fax() {
  python3 - "$1" "$2" <<'PY'
import json, sys
hz, after = float(sys.argv[2]), False
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event") == "fax":
        after = True
    fs = [e["freq"]] if e.get("event") == "audio" else e.get("freqs", []) if e.get("event") == "tone" else []
    if after and any(abs(f - hz) <= hz * 0.03 for f in fs):
        sys.exit(0)
sys.exit(1)
PY
}

# sdp_after LOG WHAT PATTERN: the first SDP block "WHAT:" logged after PATTERN's line.
sdp_after() {
  python3 - "$@" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
start = text.find(sys.argv[3])
m = re.compile(re.escape(sys.argv[2]) + r":\n((?:[a-z]=.*\n)+)").search(text, max(start, 0))
print(m.group(1) if start >= 0 and m else "", end="")
PY
}

# (1) pass-through
daemon_config a 3001 "$RTP_WINDOW" passthrough "	option fax_back_to_voice '1'"
daemon_config b 3002 "$((RTP_WINDOW + 128))" passthrough
fax_call a b 3002 vbd ecm "$AFTER_TX" "$AFTER_RX"
grep -q "fax ended (DCN from the phone's machine): back to voice in 2 s" "$WORK/a/owsip.log" ||
  fail "A did not see the DCN: $(grep -E 'fax|DCN' "$WORK/a/owsip.log" | tail -5)"
grep -q "re-INVITE back to voice after the fax (voice-band data ended)" "$WORK/a/owsip.log" ||
  fail "A did not go back to voice"
grep -q "voice offered after the fax: back to a voice call" "$WORK/b/owsip.log" ||
  fail "B did not follow back to voice: $(grep -E 'offer|fax' "$WORK/b/owsip.log" | tail -5)"
offer=$(sdp_after "$WORK/a/owsip.log" "SDP offer sent" "back to voice in 2 s")
grep -q "^m=audio [0-9]* RTP/AVP 9 " <<<"$offer" || fail "the offer back to voice does not start with G.722: $offer"
! grep -q "silenceSupp" <<<"$offer" || fail "the offer back to voice keeps silenceSupp: $offer"
# A's media path: G.722, then G.711 as voice-band data, then G.722 as voice again.
media=$(grep -o "media.port0: [A-Z][A-Z0-9]*/.*" "$WORK/a/owsip.log" | sed 's/, to .*,/,/; s/, to .*//' | awk '{print $2, ($NF == "data" ? "vbd" : "voice")}' | paste -sd' ')
[ "$media" = "G722/8000 voice PCMU/8000 vbd G722/8000 voice" ] ||
  [ "$media" = "G722/8000 voice PCMA/8000 vbd G722/8000 voice" ] ||
  fail "A's media path did not go G.722 -> G.711 voice-band data -> G.722 voice: $media"
hears_after_fax "$WORK/vbd.rx.jsonl" 700 || fail "B's phone did not hear A's 700 Hz after the fax: $(grep -E 'audio|tone' "$WORK/vbd.rx.jsonl" | tail -5)"
hears_after_fax "$WORK/vbd.tx.jsonl" 1300 || fail "A's phone did not hear B's 1300 Hz after the fax: $(grep -E 'audio|tone' "$WORK/vbd.tx.jsonl" | tail -5)"
pass "pass-through with ECM: 2 pages identical, $FAX_MS ms ($FAX_RATE); after the DCN owsip A re-INVITEd back to voice ($(grep -o 'm=audio.*' <<<"$offer")), both phones heard each other's tone"

# (2) T.38 with ECM
daemon_config c 3003 "$((RTP_WINDOW + 256))" t38 "	option fax_back_to_voice '1'
	option udptl_redundancy '2'"
daemon_config d 3004 "$((RTP_WINDOW + 384))" auto
fax_call c d 3004 t38 ecm "$AFTER_TX" "$AFTER_RX"
grep -q "T.38 gateway: UDPTL port" "$WORK/c/owsip.log" || fail "C's fax did not go by T.38"
ended_c=$(grep -o "T.38 ended: .*" "$WORK/c/owsip.log" | head -1)
grep -q "with ECM" <<<"$ended_c" || fail "C's T.38 fax was not with ECM: $ended_c"
grep -q "re-INVITE back to voice after the fax (T.38 ended)" "$WORK/c/owsip.log" ||
  fail "C did not go back to voice: $(grep -E 'T.38|fax|DCN' "$WORK/c/owsip.log" | tail -5)"
grep -q "audio offered again: T.38 ended, back to RTP" "$WORK/d/owsip.log" ||
  fail "D did not go back to RTP: $(grep -E 'T.38|offer' "$WORK/d/owsip.log" | tail -5)"
hears_after_fax "$WORK/t38.rx.jsonl" 700 || fail "D's phone did not hear C's 700 Hz after the fax"
hears_after_fax "$WORK/t38.tx.jsonl" 1300 || fail "C's phone did not hear D's 1300 Hz after the fax"
pass "T.38 with ECM: 2 pages identical, $FAX_MS ms ($FAX_RATE), C $ended_c; then back to voice by re-INVITE, both phones heard each other's tone"

