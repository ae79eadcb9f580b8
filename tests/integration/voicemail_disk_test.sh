#!/usr/bin/env bash
# The answering machine on a full disk (docs/VOICEMAIL.md): the mailbox is on a 64 KiB tmpfs
# (mounted by this test; it needs root and is skipped without), baresip leaves a message longer
# than the disk holds. What was recorded until the disk filled is kept as a whole message (the
# sidecar's room was taken at the start), owsip keeps running, the phone keeps working, and
# nothing broken is left in the mailbox: every message there has its WAV and its sidecar, no
# temp file stays; the next caller, with the disk full, is not recorded and is hung up on.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
[ -d "$BIN/prompts/en" ] || { echo "SKIP: no spoken prompts in $BIN/prompts (OWSIP_PROMPTS off)"; exit 0; }
VM=$WORK/vm
mkdir -p "$VM"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=64k owsip-it "$VM" 2>/dev/null; then
  echo "SKIP: cannot mount a small tmpfs (needs root): the full disk is covered by the unit tests"
  exit 0
fi
# Processes first (owsip has files open there), then the mount (lazily), then the rest.
unmount_and_clean() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  umount -l "$VM" 2>/dev/null || true
  cleanup
}
trap unmount_and_clean EXIT

call_kamailio 2001 2002
conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'" "option cid 'etsi_fsk'"
owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" "option mwi 'off'"
printf '\nconfig port\n\toption id 0\n\toption answering_machine 1\n\toption answer_after 1\n' >>"$conf"
printf '\nconfig voicemail\n\toption dir %s\n\toption prompts %s\n\toption language en\n\toption silence 10\n' \
  "'$VM'" "'$BIN/prompts'" >>"$conf"
start_owsip_registered "$conf" home
phone_start p0 0
baresip_start bob 2002 pw-2002 "$KPORT" 700

bs bob dial "sip:2001@owsip.test" >/dev/null
wait_for_line "$WORK/owsip.log" "voicemail: port0: recording" 15
# 64 KiB is 4 s of 8 kHz audio: the disk is full before bob stops.
wait_for_line "$WORK/owsip.log" "voicemail: port0: .*(No space left on device|quota)" 15
wait_for_line "$WORK/owsip.log" "voicemail: port0: (message .* \(the recording stopped\)|no message kept)" 10
bs bob hangup >/dev/null
grep -Eq "voicemail: port0: message [0-9T]+-[0-9]+ from 2002, [0-9]+ ms \\(the recording stopped\\)" "$WORK/owsip.log" ||
  fail "the message recorded until the disk filled was not kept: $(grep voicemail "$WORK/owsip.log")"
check_mailbox() {
  local f
  for f in "$VM"/port0/*; do
    case $f in
      *.tmp) fail "a temp file is left: $f" ;;
      */msg-*.wav) [ -f "${f%.wav}.json" ] || fail "$f has no sidecar" ;;
      */msg-*.json) [ -f "${f%.json}.wav" ] || fail "$f has no audio" ;;
    esac
  done
}
check_mailbox
kept=$(ls "$VM"/port0/msg-*.wav)
[ "$(echo "$kept" | wc -l)" -eq 1 ] || fail "messages: $kept"
check_freq "$(python3 "$FREQ" "$kept")" 700 "the message cut by the full disk"
grep -q '"caller": *"2002"' "${kept%.wav}.json" || fail "sidecar: $(cat "${kept%.wav}.json")"
pass "the disk filled during a message: the part recorded is kept whole with its sidecar, nothing broken left"

# Whatever the first message left free is taken by another file: the disk stays full, and the
# next caller hears the greeting and is hung up on.
dd if=/dev/zero of="$VM/filler" bs=1k count=64 2>/dev/null || true
hangups=$(count_lines "$WORK/owsip.log" "voicemail: port0: hanging up")
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_for_line "$WORK/owsip.log" "voicemail: port0: (not recorded|mailbox full)" 20
wait_for_count "$WORK/owsip.log" "voicemail: port0: hanging up" $((hangups + 1)) 10
check_mailbox
"$BIN/owsipctl" -s "$WORK/ctl.sock" status >/dev/null || fail "owsip does not answer"
phone_mark p0
ph p0 offhook "wait 800"
wait_phone p0 '"event":"tone","freqs":\[(400,)?425\]' 5
ph p0 onhook
pass "with the disk full the next caller is not recorded; owsip and the phone go on"
stop_owsip
