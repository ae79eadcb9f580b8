# Fax between owsip daemons (sourced after sip_lib.sh, with Kamailio's port in $KPORT).
# shellcheck shell=bash disable=SC2034  # FAX_MS, FAX_RATE: for the scripts that source this

# daemon_config NAME USER RTP_PORT [FAX [EXTRA_ACCOUNT_LINES [EXTRA_CONFIG]]]
daemon_config() {
  local dd=$WORK/$1
  mkdir -p "$dd"
  cat >"$dd/telephony" <<CONF
config general
	option backend 'sim'
	option sim_socket '$dd/sim.sock'
	option ctl_socket '$dd/ctl.sock'
	option call_log '$dd/calls.jsonl'
	option interface 'lo'
	option local_port '$(free_port)'
	option tls_port '$(free_port)'
	option rtp_port '$3'
	option log_level '7'
config account 'line'
	option realm 'owsip.test'
	option username '$2'
	option password 'pw-$2'
	option registrar '127.0.0.1:$KPORT'
	option default '1'
	option port '0'
	option codecs 'G722 PCMU PCMA'
	option fax '${4:-passthrough}'
${5:-}
${6:-}
CONF
  start_bg "$dd/owsip.log" "$OWSIP" -f -c "$dd/telephony"
  wait_for_line "$dd/owsip.log" "sip.acct\{line\}: registered as" 10
}

# fax_call TX RX NUMBER NAME [ECM [TX_AFTER [RX_AFTER]]]: the fax on daemon TX's port 0 calls
# NUMBER and sends the test page ($WORK/page.tif), with error correction when ECM is `ecm`
# (else without); the fax on daemon RX's port 0 answers and receives it into $WORK/NAME.tif.
# Both must finish with 2 pages (without ECM: 0 bad rows) and the file must compare identical.
# TX_AFTER and RX_AFTER are owsip-phone commands each phone runs after its fax, before it
# hangs up (default: wait 500).
fax_call() {
  local tx=$1 rx=$2 number=$3 name=$4 ecm=${5:-noecm} tx_after=${6:-wait 500} rx_after=${7:-wait 500} t0 t1
  local opt=noecm rx_ok='"ecm":false.*"bad_rows":0'
  [ "$ecm" = ecm ] && { opt=; rx_ok='"ecm":true'; }
  printf 'answer 1000\nfax receive %s %s\n%b\nonhook\nquit\n' "$opt" "$WORK/$name.tif" "$rx_after" |
    "$PHONE" -s "$WORK/$rx/sim.sock" -p 0 >"$WORK/$name.rx.jsonl" 2>"$WORK/$name.rx.err" &
  local rx_pid=$!
  PIDS+=("$rx_pid")
  wait_for_line "$WORK/$name.rx.jsonl" '"event":"welcome"' 10
  t0=$(date +%s%N)
  printf 'offhook\nwait 300\ndial %s#\nfax send %s %s\n%b\nonhook\nquit\n' "$number" "$opt" "$WORK/page.tif" "$tx_after" |
    "$PHONE" -s "$WORK/$tx/sim.sock" -p 0 >"$WORK/$name.tx.jsonl" 2>"$WORK/$name.tx.err" &
  local tx_pid=$!
  PIDS+=("$tx_pid")
  wait_exit "$tx_pid" 120
  t1=$(date +%s%N)
  wait_exit "$rx_pid" 30
  grep -q '"event":"fax","mode":"send","result":"ok".*"pages":2' "$WORK/$name.tx.jsonl" ||
    { tail -40 "$WORK/$tx/owsip.log" >&2; fail "$name: the sending fax did not finish: $(grep -E 'fax|error' "$WORK/$name.tx.jsonl")"; }
  grep -q "\"event\":\"fax\",\"mode\":\"receive\",\"result\":\"ok\".*\"pages\":2.*$rx_ok" "$WORK/$name.rx.jsonl" ||
    { tail -40 "$WORK/$rx/owsip.log" >&2; fail "$name: the receiving fax did not finish: $(grep -E 'fax|error' "$WORK/$name.rx.jsonl")"; }
  "$PHONE" fax compare "$WORK/page.tif" "$WORK/$name.tif" >"$WORK/$name.cmp" ||
    fail "$name: the received fax differs: $(cat "$WORK/$name.cmp")"
  FAX_MS=$(( (t1 - t0) / 1000000 ))
  FAX_RATE=$(grep -o '"bit_rate":[0-9]*' "$WORK/$name.rx.jsonl")
}

# behind_relays NAME USER RTP_PORT PUBLIC_IP FAX RTP_LOSS UDPTL_LOSS: owsip NAME behind a "NAT"
# of relays: a STUN server tells it its public address is PUBLIC_IP, so its SDP names that
# address with its own ports, where lossy_shim.py relays RTP (RTP_LOSS of the packets lost each
# way, e.g. 0.01) and the UDPTL (the next port pair) to the daemon and back. Put both ends of a
# call behind relays: a daemon that receives straight from the other's real address latches to
# it (symmetric RTP/UDPTL) and the stream goes around the loss. The relays' PIDs go to
# RELAY_PIDS, their logs to $WORK/NAME.rtp_relay.log and NAME.udptl_relay.log.
behind_relays() {
  local name=$1 user=$2 rtp=$3 ip=$4 fax=$5 rtp_loss=$6 udptl_loss=$7 stun
  stun=$(free_port)
  python3 "$SRC/tests/integration/fake_stun.py" "$stun" "$ip" 150 >"$WORK/$name.stun.log" 2>&1 &
  PIDS+=("$!")
  python3 "$SRC/tests/integration/lossy_shim.py" --media "$ip" "$rtp" "$rtp" "$rtp_loss" 150 \
    >"$WORK/$name.rtp_relay.log" &
  RELAY_PIDS+=("$!")
  PIDS+=("$!")
  python3 "$SRC/tests/integration/lossy_shim.py" --media "$ip" $((rtp + 2)) $((rtp + 2)) "$udptl_loss" 150 \
    >"$WORK/$name.udptl_relay.log" &
  RELAY_PIDS+=("$!")
  PIDS+=("$!")
  daemon_config "$name" "$user" "$rtp" "$fax" "	option udptl_redundancy '2'" \
    "$(printf 'config stun\n\toption host 127.0.0.1\n\toption port %s' "$stun")"
  wait_for_line "$WORK/$name/owsip.log" "stun: public address $ip" 10
}
