#!/usr/bin/env bash
# Registration failures against a real Kamailio on 127.0.0.1, and recovery:
#   - a wrong password ends in the failed state with 403 and is retried with growing delays;
#   - 503 with Retry-After: 5 is retried after exactly 5 s;
#   - Kamailio stopped and started again (it forgets every contact): the TCP account notices
#     the closed connection at once, the UDP account at its next refresh; both are registered
#     again without restarting owsip.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/sip_lib.sh"

KAM=$WORK/kam
KPORT=$(free_port)
OPORT=$(free_port)
OTLS=$(free_port)
kam_setup "$KAM" "$KPORT"
kam_user "$KAM" alice pw-alice
kam_user "$KAM" carol pw-carol
kam_user "$KAM" mallory pw-mallory
kam_start "$KAM"

conf=$WORK/telephony
owsip_general "$conf" "$OPORT" "$OTLS"
owsip_account "$conf" wrongpw mallory not-the-password "127.0.0.1:$KPORT"
owsip_account "$conf" busy busy whatever "127.0.0.1:$KPORT"
owsip_account "$conf" udp alice pw-alice "127.0.0.1:$KPORT" "option expires 60"
owsip_account "$conf" tcp carol pw-carol "127.0.0.1:$KPORT" "option transport tcp" \
  "option keepalive 20"
start_owsip "$conf" "$WORK/owsip.log"
log=$WORK/owsip.log

wait_for_contact "$KAM" alice "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT\$"
wait_for_contact "$KAM" carol "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT;transport=tcp\$"
pass "udp and tcp accounts registered"

# --- wrong password: 403, retried after about 4, 8, 16 s (less up to 20 % jitter) ---
fails() { grep -Eo "sip.acct\{wrongpw\}: failed: 403 Forbidden; retry in [0-9]+ s" "$log" |
            grep -Eo "[0-9]+ s$" | tr -d ' s'; }
wait_for_line "$log" "sip.acct\{wrongpw\}: failed: 403 Forbidden; retry in [0-9]+ s"
grep -q "owsip-it: wrong credentials for mallory" "$KAM/kamailio.log" ||
  fail "kamailio did not see mallory's credentials"
for ((i = 0; i < 300; i++)); do
  [ "$(fails | wc -l)" -ge 3 ] && break
  sleep 0.1
done
mapfile -t delays < <(fails)
[ "${#delays[@]}" -ge 3 ] || fail "wrong password: only ${#delays[@]} attempts in 30 s"
[ "${delays[0]}" -ge 3 ] && [ "${delays[0]}" -le 4 ] || fail "first retry after ${delays[0]} s, want 3..4"
[ "${delays[1]}" -ge 6 ] && [ "${delays[1]}" -le 8 ] || fail "second retry after ${delays[1]} s, want 6..8"
[ "${delays[2]}" -ge 12 ] && [ "${delays[2]}" -le 16 ] || fail "third retry after ${delays[2]} s, want 12..16"
kam_contacts "$KAM" | grep -q mallory && fail "mallory registered with a wrong password"
pass "wrong password: failed with 403, retried after ${delays[*]} s"

# --- 503 with Retry-After: 5 ---
wait_for_line "$log" "sip.acct\{busy\}: failed: 503 Service Unavailable; retry in 5 s"
[ "$(count_lines "$log" "sip.acct\{busy\}: failed: 503 Service Unavailable; retry in 5 s")" -ge 2 ] ||
  fail "busy: Retry-After not honoured on every attempt"
pass "503 with Retry-After: 5 retried after 5 s"

# --- Kamailio restarts and forgets every contact ---
kam_stop "$KAM_PID" "$KAM"
wait_for_line "$log" "sip.acct\{tcp\}: connection to the registrar lost" 10
# Refused, or reset when Kamailio's last child closes a socket that had accepted the retry, or
# (when a dying child accepted the retry and kept it open without answering) SIP timer F,
# 32 s after the REGISTER.
wait_for_line "$log" "sip.acct\{tcp\}: failed: (connection refused|connection closed by the registrar|no answer)" 45
pass "tcp account noticed the registrar going away"
cp "$KAM/kamailio.log" "$WORK/kamailio-first.log"
kam_start "$KAM"
kam_contacts "$KAM" | grep -q . && fail "the restarted kamailio still knows contacts"
wait_for_contact "$KAM" carol "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT;transport=tcp\$" 20
# The UDP account (expires 60) refreshes within 30 s of its last registration.
wait_for_contact "$KAM" alice "sip:u[0-9a-f]{16}@127.0.0.1:$OPORT\$" 40
kill -0 "$OWSIP_PID" || fail "owsip is not running"
pass "after the kamailio restart both accounts are registered again (same owsip process)"

stop_owsip
for u in alice carol; do wait_no_contact "$KAM" "$u" 2; done
pass "stopped cleanly"
