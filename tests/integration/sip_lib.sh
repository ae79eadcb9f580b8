# Helpers for the SIP integration tests (sourced after lib.sh): Kamailio instances from
# tests/kamailio/kamailio.cfg in the test's directory, a test CA and certificates made with
# openssl, free ports on 127.0.0.1, and owsip configs on the loopback interface with the sim
# backend. Everything stays on 127.0.0.1; every wait is bounded; only PIDs started here are
# ended.

command -v kamailio >/dev/null || { echo "SKIP: kamailio is not installed (./run setup)"; exit 0; }
KAMCMD=$(command -v kamcmd || true)
[ -n "$KAMCMD" ] || fail "kamcmd missing (package kamailio)"
KAM_MPATH=
for d in /usr/lib/*/kamailio/modules /usr/lib/kamailio/modules; do
  [ -f "$d/tm.so" ] && { KAM_MPATH=$d; break; }
done
[ -n "$KAM_MPATH" ] || fail "kamailio modules directory not found"

# RTP_WINDOW: the first port of 512 that are this test's own for RTP: owsip's rtp_port (owsip
# allocates up to 256 pairs upward from it) and, from its upper half, baresip's rtp_ports. The
# windows lie in 4096-24063 (39 of them), below free_port's range, one per test script (its place among
# tests/integration/*_test.sh), so tests running side by side never share one, and no RTP socket
# can take a port that free_port promised to another test's server. Scripts that are not tests
# (the benchmarks run alone) get the first window.
RTP_WINDOW=4096
_i=0
for _t in "$SRC"/tests/integration/*_test.sh; do
  [ "$(basename "$_t")" = "$(basename "$0")" ] && RTP_WINDOW=$((4096 + _i * 512))
  _i=$((_i + 1))
done
[ "$_i" -le 39 ] || fail "more than 39 integration tests: sip_lib.sh needs more RTP windows"
unset _i _t

# free_port: a port free for both UDP and TCP on 127.0.0.1 (and not handed out before in this
# test). Taken at random from 24064-32767, below the kernel's ephemeral range, so that the
# client sockets of tests running beside this one (which get ephemeral ports) cannot take it
# between this check and its use.
free_port() {
  local p
  for _ in $(seq 50); do
    p=$(python3 -c '
import random, socket
p = random.randrange(24064, 32768)
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", p))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", p))
print(p)' 2>/dev/null) || continue
    # Callers run free_port in $(...), a subshell: the ports handed out are kept in a file.
    grep -qx "$p" "$WORK/.free_ports" 2>/dev/null && continue
    echo "$p" >>"$WORK/.free_ports"
    echo "$p"
    return 0
  done
  fail "no free port found"
}

# kam_setup DIR PORT [TLS_PORT]: a Kamailio directory with its config and an empty user table.
# It listens on $KAM_ADDR (default 127.0.0.1).
kam_setup() {
  local dir=$1 port=$2 tls_port=${3:-0}
  mkdir -p "$dir"
  sed -e "s|@PORT@|$port|g" -e "s|@TLS_PORT@|$tls_port|g" -e "s|@DIR@|$dir|g" \
      -e "s|@ADDR@|${KAM_ADDR:-127.0.0.1}|g" \
      -e "s|@MPATH@|$KAM_MPATH|g" "$SRC/tests/kamailio/kamailio.cfg" >"$dir/kamailio.cfg"
  echo "${KAM_ADDR:-127.0.0.1} $port" >"$dir/listen"
  sqlite3 "$dir/kamailio.db" <"/usr/share/kamailio/db_sqlite/standard-create.sql"
  sqlite3 "$dir/kamailio.db" <"/usr/share/kamailio/db_sqlite/auth_db-create.sql"
}

# kam_user DIR USER PASSWORD [DOMAIN]
kam_user() {
  sqlite3 "$1/kamailio.db" \
    "INSERT INTO subscriber (username, domain, password) VALUES ('$2', '${4:-owsip.test}', '$3');"
}

# kam_tls DIR CERT KEY: serve TLS with this certificate.
kam_tls() {
  cat >"$1/tls.cfg" <<EOF
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = $2
private_key = $3
EOF
}

# kam_start DIR [-A DEFINE ...]: starts Kamailio in the foreground; sets KAM_PID. Waits until
# its control socket answers.
kam_start() {
  local dir=$1; shift
  start_bg "$dir/kamailio.log" kamailio -f "$dir/kamailio.cfg" -DD -E -w "$dir" \
    -P "$dir/kamailio.pid" -m 32 -M 8 "$@"
  KAM_PID=$LAST_PID
  local i
  for ((i = 0; i < 200; i++)); do
    if "$KAMCMD" -s "unix:$dir/kamailio_ctl" core.version >/dev/null 2>&1; then return 0; fi
    kill -0 "$KAM_PID" 2>/dev/null || { cat "$dir/kamailio.log" >&2; fail "kamailio exited"; }
    sleep 0.05
  done
  cat "$dir/kamailio.log" >&2
  fail "kamailio did not answer on its control socket within 10 s"
}

# kam_stop PID DIR: ends Kamailio and waits until its children have closed its TCP port too
# (the main process exits first; a listening socket left open would accept connections that
# nobody answers).
kam_stop() {
  local pid=$1 dir=$2 i
  kill -TERM "$pid" 2>/dev/null || true
  wait_exit "$pid" 10
  read -r addr port <"$dir/listen"
  for ((i = 0; i < 100; i++)); do
    python3 -c "import socket,sys; socket.create_connection(('$addr', $port), 1)" 2>/dev/null || return 0
    sleep 0.05
  done
  fail "kamailio's children still listen on $addr:$port after 5 s"
}

# kam_contacts DIR: the location table, one "AOR CONTACT" per line.
kam_contacts() {
  "$KAMCMD" -s "unix:$1/kamailio_ctl" ul.dump 2>/dev/null | awk '
    /AoR:/ { aor = $2 }
    /Address:/ { print aor, $2 }'
}

# wait_for_contact DIR AOR REGEX [TIMEOUT_S]: until AOR has a contact matching REGEX.
wait_for_contact() {
  local dir=$1 aor=$2 re=$3 timeout=${4:-10} i
  for ((i = 0; i < timeout * 10; i++)); do
    kam_contacts "$dir" | grep -Eq -- "^$aor $re" && return 0
    sleep 0.1
  done
  echo "--- location table ---" >&2; kam_contacts "$dir" >&2 || true
  fail "no contact /$re/ for $aor in kamailio after ${timeout}s"
}

# wait_no_contact DIR AOR [TIMEOUT_S]
wait_no_contact() {
  local dir=$1 aor=$2 timeout=${3:-10} i
  for ((i = 0; i < timeout * 10; i++)); do
    kam_contacts "$dir" | grep -q -- "^$aor " || return 0
    sleep 0.1
  done
  kam_contacts "$dir" >&2 || true
  fail "$aor still has contacts after ${timeout}s"
}

# make_ca DIR NAME: DIR/NAME.key and DIR/NAME.crt, a self-signed CA.
make_ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=$2" \
    -keyout "$1/$2.key" -out "$1/$2.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
    >/dev/null 2>&1 || fail "openssl: cannot make CA $2"
}

# make_cert DIR NAME CA SAN: DIR/NAME.key and DIR/NAME.crt signed by CA for SAN (e.g.
# "IP:127.0.0.1" or "DNS:sip.owsip.test").
make_cert() {
  local dir=$1 name=$2 ca=$3 san=$4
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$name" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" >/dev/null 2>&1 || fail "openssl req $name"
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" \
    -CAcreateserial -days 2 -sha256 -extfile "$dir/$name.ext" -out "$dir/$name.crt" \
    >/dev/null 2>&1 || fail "openssl x509 $name"
}

# owsip_general FILE SIP_PORT TLS_PORT [EXTRA OPTION LINES]: a config with the general section
# (sim backend, interface $OWSIP_INTERFACE, default lo); the caller appends accounts.
owsip_general() {
  local file=$1 port=$2 tls_port=$3; shift 3
  {
    echo "config general"
    echo "	option backend 'sim'"
    echo "	option sim_socket '$WORK/sim.sock'"
    echo "	option ctl_socket '$WORK/ctl.sock'"
    echo "	option call_log '$WORK/calls.jsonl'"
    echo "	option interface '${OWSIP_INTERFACE:-lo}'"
    echo "	option local_port '$port'"
    echo "	option tls_port '$tls_port'"
    echo "	option log_level '7'"
    local line
    for line in "$@"; do echo "	$line"; done
  } >"$file"
}

# owsip_account FILE NAME USER PASSWORD REGISTRAR [EXTRA OPTION LINES]
owsip_account() {
  local file=$1 name=$2 user=$3 pass=$4 registrar=$5; shift 5
  {
    echo
    echo "config account '$name'"
    echo "	option realm 'owsip.test'"
    echo "	option username '$user'"
    echo "	option password '$pass'"
    echo "	option registrar '$registrar'"
    local line
    for line in "$@"; do echo "	$line"; done
  } >>"$file"
}

# start_owsip CONF LOG: starts owsip in the foreground; sets OWSIP_PID. OWSIP_WRAPPER (e.g.
# "heaptrack -o FILE" or "valgrind --tool=massif") runs it under a tool, for diagnosis.
start_owsip() {
  # shellcheck disable=SC2086  # the wrapper is a command line
  start_bg "$2" ${OWSIP_WRAPPER:-} "$BIN/owsip" -f -c "$1"
  OWSIP_PID=$LAST_PID
}

# stop_owsip: SIGTERM, then waits for a clean exit.
stop_owsip() {
  kill -TERM "$OWSIP_PID"
  wait_exit "$OWSIP_PID" 10
  [ "$EXIT_CODE" -eq 0 ] || fail "owsip exit code $EXIT_CODE after SIGTERM"
}
