#!/usr/bin/env bash
# The local answering machine (docs/VOICEMAIL.md) with a virtual phone on port 0, baresip as the
# caller and Kamailio on 127.0.0.1:
# - nobody answers: after answer_after the machine answers, baresip hears the spoken greeting
#   and the beep, its 700 Hz is recorded into a WAV file with a JSON sidecar naming the caller;
# - the phone's display shows message waiting (FSK MWI), its dial tone stutters;
# - `owsipctl messages` lists the message, `play` names its file;
# - *98 plays the message to the phone (700 Hz heard), 7 deletes it, 5 records the user's own
#   greeting from the handset (the next caller hears it), the indicator goes off;
# - SIGKILL while a caller is being recorded leaves no broken message: after the restart the
#   mailbox is clean and the next caller is recorded;
# - with the message limit reached, and with the quota used up, a caller hears the greeting
#   only and nothing is recorded;
# - remote access: the caller presses *, a wrong PIN is refused, the right one opens the menu,
#   which plays the message to the caller, and 7 deletes it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"
source "$(dirname "$0")/call_lib.sh"
[ -d "$BIN/prompts/en" ] || { echo "SKIP: no spoken prompts in $BIN/prompts (OWSIP_PROMPTS off)"; exit 0; }

call_kamailio 2001 2002
VM=$WORK/vm
conf=$WORK/telephony
write_conf() {  # MAX_MESSAGES [DIR QUOTA_MIB]
  local dir=${2:-$VM} quota=${3:-8}
  owsip_general "$conf" "$OPORT" "$(free_port)" "option rtp_port '$RTP_WINDOW'" "option cid 'etsi_fsk'"
  owsip_account "$conf" home 2001 pw-2001 "127.0.0.1:$KPORT" "option default '1'" "option mwi 'off'"
  printf '\nconfig port\n\toption id 0\n\toption answering_machine 1\n\toption answer_after 2\n\toption remote_pin 4711\n\toption answer_accounts home\n' >>"$conf"
  printf '\nconfig voicemail\n\toption dir %s\n\toption prompts %s\n\toption silence 3\n\toption max_length 20\n\toption max_messages %s\n\toption language en\n\toption quota %s\n' \
    "'$dir'" "'$BIN/prompts'" "$1" "$quota" >>"$conf"
}
write_conf 5
start_owsip_registered "$conf" home
phone_start p0 0
baresip_start bob 2002 pw-2002 "$KPORT" 700

# bob_leaves_message SECONDS: bob calls 2001, nobody picks up, the machine answers; bob speaks
# (700 Hz) for SECONDS after the beep and hangs up.
bob_leaves_message() {
  local answered
  answered=$(count_lines "$WORK/owsip.log" "answered by port0's answering machine")
  bs bob dial "sip:2001@owsip.test" >/dev/null
  wait_for_count "$WORK/owsip.log" "answered by port0's answering machine" $((answered + 1)) 10
  wait_for_count "$WORK/owsip.log" "voicemail: port0: recording" $((answered + 1)) 15
  sleep "$1"
  bs bob hangup >/dev/null
}

# --- a caller leaves a message ---
phone_mark p0
bob_leaves_message 3
wait_for_line "$WORK/owsip.log" "voicemail: port0: message [0-9T]+-[0-9]+ from 2002, [0-9]+ ms \(the caller hung up\)" 10
phone_events p0 | grep -q '"event":"ring","on":true' || fail "the phone did not ring before the machine answered"
wav=$(ls "$VM"/port0/msg-*.wav)
[ "$(echo "$wav" | wc -l)" -eq 1 ] || fail "messages on disk: $wav"
check_freq "$(python3 "$FREQ" "$wav")" 700 "the recorded message"
python3 - "${wav%.wav}.json" <<'PY' || fail "sidecar: $(cat "${wav%.wav}.json")"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["caller"] == "2002" and m["account"] == "home" and not m["heard"], m
assert 2000 <= m["duration_ms"] <= 8000, m
PY
# What bob heard: the greeting (speech) first, then the 1 kHz beep.
bob_wav=$(ls -t "$WORK"/bob/dump-*-dec.wav | head -1)
beep_db=$(python3 "$FREQ" "$bob_wav" --level 1000)
python3 -c "import sys; sys.exit(0 if float('$beep_db') > -30 else 1)" || fail "baresip heard no beep: 1 kHz at $beep_db dBFS"
speech=$(python3 "$FREQ" "$bob_wav" 0.3 2.3)
python3 -c "import sys; h,d=map(float,'$speech'.split()); sys.exit(0 if d > -40 and abs(h-1000) > 50 else 1)" ||
  fail "baresip heard no greeting before the beep: $speech"
pass "unanswered for 2 s: the machine answered, greeting and beep, 700 Hz recorded with its sidecar"

wait_phone p0 '"event":"mwi","on":true' 10
"$BIN/owsipctl" -s "$WORK/ctl.sock" messages | grep -Eq "^0 +[0-9T]+-[0-9]+ +2002 " ||
  fail "owsipctl messages: $("$BIN/owsipctl" -s "$WORK/ctl.sock" messages)"
id=$(basename "$wav" .wav); id=${id#msg-}
pass "the phone's indicator is on; owsipctl messages lists the message"

# --- the menu from the handset ---
phone_mark p0
ph p0 offhook "wait 800"
wait_phone p0 '"event":"tone","freqs":\[400,425\]' 5  # Germany's special dial tone: messages wait
ph p0 "dial *98"
wait_for_line "$WORK/owsip.log" "mailbox: the answering machine's menu" 5
wait_phone_hears p0 700 15
pass "*98 plays the message to the phone (700 Hz heard)"
sleep 4  # the message ends, the menu is spoken
ph p0 "dial 7"
wait_for_line "$WORK/owsip.log" "voicemail: port0: message $id deleted from the menu" 5
[ -e "$wav" ] && fail "the deleted message is still on disk"
phone_mark p0
ph p0 "wait 1500" "dial 5"
wait_phone_hears p0 1000 10  # "record your greeting after the tone", then the beep
ph p0 "wait 600" "tone 400 -10" "wait 1500" silence "dial #"
wait_for_line "$WORK/owsip.log" "voicemail: port0: new greeting, [0-9]+ ms" 10
[ -f "$VM/port0/greeting.wav" ] || fail "no greeting.wav"
check_freq "$(python3 "$FREQ" "$VM/port0/greeting.wav")" 400 "the recorded greeting"
ph p0 "wait 500" onhook
wait_phone p0 '"event":"mwi","on":false' 10
pass "7 deletes it; 5 records a new greeting from the handset (400 Hz kept); on hook, the indicator goes off"

# --- SIGKILL while a caller is being recorded ---
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_for_line "$WORK/owsip.log" "voicemail: port0: recording" 15
sleep 1.5
kill -KILL "$OWSIP_PID"
wait_exit "$OWSIP_PID" 5
bs bob hangup >/dev/null
ls "$VM/port0"
mv "$WORK/owsip.log" "$WORK/owsip-killed.log"
start_owsip_registered "$conf" home
phone_start p0b 0
[ -z "$(ls "$VM"/port0/*.tmp 2>/dev/null)" ] || fail "temp files left: $(ls "$VM/port0")"
[ -z "$(ls "$VM"/port0/msg-* 2>/dev/null)" ] || fail "a broken message was kept: $(ls "$VM/port0")"
grep -q "voicemail: port0: mailbox $VM/port0: 0 message(s)" "$WORK/owsip.log" ||
  fail "after the restart: $(grep voicemail "$WORK/owsip.log")"
bob_leaves_message 2
wait_for_line "$WORK/owsip.log" "voicemail: port0: message .* from 2002" 10
wait_phone p0b '"event":"mwi","on":true' 10
bob_wav=$(ls -t "$WORK"/bob/dump-*-dec.wav | head -1)
greeting_db=$(python3 "$FREQ" "$bob_wav" --level 400)
python3 -c "import sys; sys.exit(0 if float('$greeting_db') > -30 else 1)" ||
  fail "baresip did not hear the user's own greeting: 400 Hz at $greeting_db dBFS"
pass "SIGKILL during a recording: nothing broken left behind; the next caller is recorded"

wav=$(ls "$VM"/port0/msg-*.wav)
id=$(basename "$wav" .wav); id=${id#msg-}
[ "$("$BIN/owsipctl" -s "$WORK/ctl.sock" play "$id")" = "$wav" ] || fail "owsipctl play $id"
"$BIN/owsipctl" -s "$WORK/ctl.sock" --json messages | grep -q '"heard": *true' || fail "play did not mark it heard"
wait_phone p0b '"event":"mwi","on":false' 10
out=$("$BIN/owsipctl" -s "$WORK/ctl.sock" delete nosuchid 2>&1) && fail "delete of an unknown id succeeded"
[[ "$out" == *"no message 'nosuchid'"* ]] || fail "delete of an unknown id: $out"
pass "owsipctl play names the WAV file and marks it heard: the indicator goes off"

# --- the message limit ---
write_conf 1
kill -HUP "$OWSIP_PID"
wait_for_line "$WORK/owsip.log" "reload of .*voicemail changed" 10
answered=$(count_lines "$WORK/owsip.log" "answered by port0's answering machine")
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_for_line "$WORK/owsip.log" "voicemail: port0: mailbox full \(1 messages \(limit 1\)\): greeting only" 15
wait_for_line "$WORK/owsip.log" "voicemail: port0: hanging up \(mailbox full\)" 20
[ "$(ls "$VM"/port0/msg-*.wav | wc -l)" -eq 1 ] || fail "messages: $(ls "$VM/port0")"
pass "with the message limit reached the caller hears the greeting only, nothing is recorded"

# --- the quota: a mailbox holding a 65 s message (1,040,044 bytes) and a quota of 1 MiB ---
# (a reload that names another directory opens it: the message is indexed, the rest is full)
VM2=$WORK/vm2
mkdir -p "$VM2/port0"
python3 - "$VM2/port0" <<'PY'
import json, math, struct, sys, wave
d, mid, t = sys.argv[1], "20261201T090500-1", 1796115900  # 2026-12-01 09:05:00 UTC
w = wave.open(f"{d}/msg-{mid}.wav", "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 700 * i / 8000)))
                       for i in range(65 * 8000)))
w.close()
json.dump({"id": mid, "caller": "030123", "caller_name": "", "account": "home",
           "time": "2026-12-01T09:05:00Z", "unix_time": t, "duration_ms": 65000, "heard": False},
          open(f"{d}/msg-{mid}.json", "w"))
PY
id=20261201T090500-1
write_conf 50 "$VM2" 1
kill -HUP "$OWSIP_PID"
wait_for_line "$WORK/owsip.log" "voicemail: port0: mailbox $VM2/port0: 1 message\\(s\\), 1 new" 10
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_for_line "$WORK/owsip.log" "voicemail: port0: mailbox full \\(quota 1 MiB reached \\(1\\.0 MiB used\\)\\): greeting only" 15
wait_for_count "$WORK/owsip.log" "voicemail: port0: hanging up \\(mailbox full\\)" 2 20
[ "$(ls "$VM2"/port0/msg-*.wav | wc -l)" -eq 1 ] || fail "messages: $(ls "$VM2/port0")"
pass "with 1 MiB of quota used the caller hears the greeting only, nothing is recorded"

keys() { local k; for k in "$@"; do bs bob sndcode "$k" >/dev/null; sleep 0.3; done; }
answered=$(count_lines "$WORK/owsip.log" "answered by port0's answering machine")
bs bob dial "sip:2001@owsip.test" >/dev/null
wait_for_count "$WORK/owsip.log" "answered by port0's answering machine" $((answered + 1)) 15
sleep 1
keys '*'
wait_for_line "$WORK/owsip.log" "voicemail: port0: 2002 asks for remote access" 5
sleep 2  # "please enter your PIN"
keys 4 7 1 2 '#'
wait_for_line "$WORK/owsip.log" "voicemail: port0: wrong PIN from 2002 \(try 1\)" 5
grep -q "4712\|4711" "$WORK/owsip.log" && fail "a PIN is in the log"
sleep 5  # the pause, "wrong PIN", "please enter your PIN"
keys 4 7 1 1 '#'
wait_for_line "$WORK/owsip.log" "voicemail: port0: remote access to the mailbox by 2002" 5
sleep 9  # "you have one new message", "message 1, received on December first at ...", 700 Hz
keys 7
wait_for_line "$WORK/owsip.log" "voicemail: port0: message $id deleted from the menu" 5
bs bob hangup >/dev/null
bob_wav=$(ls -t "$WORK"/bob/dump-*-dec.wav | head -1)
played_db=$(python3 "$FREQ" "$bob_wav" --level 700)
python3 -c "import sys; sys.exit(0 if float('$played_db') > -30 else 1)" ||
  fail "the caller did not hear the message: 700 Hz at $played_db dBFS"
[ -z "$(ls "$VM2"/port0/msg-* 2>/dev/null)" ] || fail "messages left: $(ls "$VM2/port0")"
pass "remote access: * and a wrong PIN are refused, the right PIN opens the menu, the message plays to the caller, 7 deletes it"
stop_owsip
