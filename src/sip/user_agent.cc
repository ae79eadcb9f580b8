#include "sip/user_agent.h"

#include <re.h>
// libre's debug output is routed to our log (re.h does not carry re_dbg.h).
#define DEBUG_MODULE "owsip"
#define DEBUG_LEVEL 0
#include <re_dbg.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "sip/net_monitor.h"
#include "sip/raw_request.h"
#include "sip/sip_message.h"
#include "sip/re_convert.h"
#include "sip/tls_context.h"
#include "sip/uas_rules.h"

namespace owsip::sip {

namespace {
constexpr const char* kTag = "sip";
constexpr size_t kUdpRead = 8192;  // the most of a datagram libre reads (udp_rxsz_set)
constexpr uint64_t kRebindRetryMs = 30000;  // after a failed bind (port in use)

bool is_any(const std::string& interface) { return interface.empty() || interface == "any"; }

void reply(UserAgent* ua, const struct sip_msg* msg, const UasAnswer& a) {
  int err = sip_replyf(ua->stack(), msg, a.code, a.reason.c_str(), "%sContent-Length: 0\r\n\r\n",
                       a.headers.c_str());
  if (err) log::debug(kTag, "cannot answer %u: %s", a.code, std::strerror(err));
}

// The first listener: every request passes the checks of RFC 3261 section 8.2 (uas_rules.h)
// before any later listener (calls, dialogs) sees it; OPTIONS is answered here.
bool on_request(const struct sip_msg* msg, void* arg) {
  auto* ua = static_cast<UserAgent*>(arg);
  // Every request on UDP arms the raw check (the public-address probe to ourselves as well).
  if (msg->tp == SIP_TRANSP_UDP) ua->watch_raw(msg->sock);
  if (ua->take_self_probe(msg)) return true;
  const bool ack = pl_strcmp(&msg->met, "ACK") == 0;
  const SipMessage request = SipMessage::wrap(msg);
  if (std::optional<UasAnswer> a = uas_refusal(request, ua->merged_request(request))) {
    log::debug(kTag, "refused %.*s from %s: %u %s", static_cast<int>(msg->met.l), msg->met.p,
               host_port(&msg->src).host.c_str(), a->code, a->reason.c_str());
    if (!ack && ua->may_answer(msg)) reply(ua, msg, *a);
    return true;
  }
  if (!pl_isset(&msg->to.tag) && ua->request_hook(msg)) return true;
  if (pl_strcmp(&msg->met, "OPTIONS") != 0) return false;  // INVITE etc.: later listeners
  // Stateless: a flood of OPTIONS leaves no transactions behind.
  if (ua->may_answer(msg)) reply(ua, msg, UasAnswer{200, "OK", options_headers()});
  return true;
}

// Every UDP datagram before libre's decoder sees it: what it would drop is answered or made
// readable here (raw_request.h); STUN and keep-alives are libre's.
bool on_raw_datagram(struct sa* src, struct mbuf* mb, void* arg) {
  auto* ua = static_cast<UserAgent*>(arg);
  const size_t start = mb->pos;
  const std::string_view d(reinterpret_cast<const char*>(mbuf_buf(mb)), mbuf_get_left(mb));
  if (d.size() <= 4 || static_cast<unsigned char>(d[0]) < 4) return false;
  // libre reads at most kUdpRead bytes of a datagram: one that filled them was cut short.
  RawVerdict v = d.size() >= kUdpRead ? too_large(d) : check_raw_request(d);
  if (v.kind == RawVerdict::Kind::kRewrite) {
    log::debug(kTag, "RFC 2543 request from %s: its top Via gets a branch",
               host_port(src).host.c_str());
    mb->end = start;
    if (mbuf_write_mem(mb, reinterpret_cast<const uint8_t*>(v.bytes.data()), v.bytes.size()))
      return true;  // out of memory: dropped
    mb->pos = start;
    return false;
  }
  if (v.kind != RawVerdict::Kind::kAnswer) return false;
  const size_t line = v.bytes.find('\r');
  log::debug(kTag, "answered a request libre cannot read from %s: %.*s",
             host_port(src).host.c_str(), static_cast<int>(line), v.bytes.c_str());
  if (!ua->may_answer_to(endpoint_text(Transport::kUdp, src))) return true;
  struct mbuf* out = mbuf_alloc(v.bytes.size());
  if (!out) return true;
  (void)mbuf_write_mem(out, reinterpret_cast<const uint8_t*>(v.bytes.data()), v.bytes.size());
  out->pos = 0;
  (void)udp_send(static_cast<struct udp_sock*>(ua->raw_socket()), src, out);
  mem_deref(out);
  return true;
}

// libre's own diagnostics (DEBUG_WARNING ...) go to our log instead of raw stderr.
void on_libre_debug(int level, const char* p, size_t len, void*) {
  while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r')) --len;
  log::write(level <= DBG_WARNING ? log::kWarning : log::kDebug, "re", "%.*s",
             static_cast<int>(len), p);
}

// At debug level, one line per SIP message in or out: direction, transport, addresses, size
// and the start line (never headers: they would be noise at this level).
// libre passes sip_alloc's argument (the UserAgent) to the trace handler.
void on_trace(bool tx, enum sip_transp tp, const struct sa* src, const struct sa* dst,
              const uint8_t* pkt, size_t len, void* arg) {
  constexpr std::string_view kStatusLine = "SIP/2.0 ";
  if (!tx && arg && len > kStatusLine.size() &&
      std::string_view(reinterpret_cast<const char*>(pkt), kStatusLine.size()) == kStatusLine) {
    struct mbuf* mb = mbuf_alloc(len);
    struct sip_msg* msg = nullptr;
    if (mb && mbuf_write_mem(mb, pkt, len) == 0) {
      mbuf_set_pos(mb, 0);
      if (sip_msg_decode(&msg, mb) == 0 && msg && !msg->req)
        static_cast<const UserAgent*>(arg)->response_seen(msg);
    }
    mem_deref(msg);
    mem_deref(mb);
  }
  if (!log::enabled(log::kDebug)) return;
  size_t line = 0;
  while (line < len && line < 200 && pkt[line] != '\r' && pkt[line] != '\n') ++line;
  char from[64] = "", to[64] = "";
  re_snprintf(from, sizeof from, "%J", src);
  re_snprintf(to, sizeof to, "%J", dst);
  log::debug("sip.trace", "%s %s %s -> %s (%zu bytes) %.*s", tx ? "send" : "recv",
             sip_transp_name(tp), from, to, len, static_cast<int>(line),
             reinterpret_cast<const char*>(pkt));
}

}  // namespace

UserAgent::UserAgent(Loop& loop, NetworkMonitor& net, UserAgentSettings settings)
    : net_(net), settings_(std::move(settings)), retry_bind_(loop), loop_(loop) {}

bool UserAgent::may_answer(const struct sip_msg* msg) {
  return may_answer_to(endpoint_text(from_libre(msg->tp), &msg->src));
}

bool UserAgent::may_answer_to(const std::string& source) {
  if (trusted_ && trusted_(source)) return true;
  return limiter_.allow_reply(loop_.clock().now_ms());
}

void UserAgent::watch_raw(void* udp_sock) {
  if (!udp_sock || udp_sock == raw_sock_) return;
  raw_helper_ = static_cast<struct udp_helper*>(mem_deref(raw_helper_));
  raw_sock_ = nullptr;
  if (int err = udp_register_helper(&raw_helper_, static_cast<struct udp_sock*>(udp_sock), 0,
                                    nullptr, on_raw_datagram, this);
      err) {
    log::warn(kTag, "requests libre cannot read stay unanswered: %s", std::strerror(err));
    return;
  }
  raw_sock_ = udp_sock;
  // libre's receive buffer stays 8 KiB (its default, set here so it is known): a buffer of
  // 64 KiB for every datagram, shrunk after the read, grew the heap by fragmentation call after
  // call (soak_test). Larger requests get 513 (too_large()).
  udp_rxsz_set(static_cast<struct udp_sock*>(udp_sock), kUdpRead);
}

void UserAgent::unwatch_raw() {
  // Before the transports go: the helper lives in the socket's list.
  raw_helper_ = static_cast<struct udp_helper*>(mem_deref(raw_helper_));
  raw_sock_ = nullptr;
}

UserAgent::~UserAgent() {
  observers_.clear();
  unwatch_raw();
  public_.reset();  // its reference would keep the UDP socket open
  lsnr_ = static_cast<struct sip_lsnr*>(mem_deref(lsnr_));
  if (sip_) {
    sip_close(sip_, true);  // ends every request; their owners (accounts) are gone already
    sip_ = static_cast<struct ::sip*>(mem_deref(sip_));
  }
  tls_.reset();
  dnsc_ = static_cast<struct dnsc*>(mem_deref(dnsc_));
  dbg_handler_set(nullptr, nullptr);
}

void UserAgent::reload_dns_servers() {
  struct sa servers[8];
  uint32_t n = std::size(servers);
  char domain[64] = "";
  if (int err = dns_srv_get(domain, sizeof domain, servers, &n); err) {
    log::info(kTag, "no DNS servers (%s): registrars must be IP addresses", std::strerror(err));
    n = 0;
  }
  // Bound to loopback, nothing beyond this host is reachable: keep only loopback resolvers
  // (OpenWrt's dnsmasq), so that no query leaves the host.
  struct sa local;
  if (bound() && sa_set_str(&local, bound_address_.c_str(), 0) == 0 && sa_is_loopback(&local)) {
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; ++i)
      if (sa_is_loopback(&servers[i])) servers[kept++] = servers[i];
    n = kept;
  }
  dns_servers_ = n;
  if (!dnsc_) {
    if (int err = dnsc_alloc(&dnsc_, nullptr, servers, n); err)
      log::err(kTag, "DNS client: %s", std::strerror(err));
  } else {
    dnsc_srv_set(dnsc_, servers, n);
  }
}

Status UserAgent::start() {
  dbg_init(DBG_INFO, DBG_NONE);
  dbg_handler_set(on_libre_debug, nullptr);
  if (int err = sip_alloc(&sip_, dnsc_, 32, 32, 32, settings_.software.c_str(), nullptr, this);
      err)
    return Status::error(std::string("sip: cannot create the SIP stack: ") + std::strerror(err));
  sip_set_trace_handler(sip_, on_trace);
  if (int err = sip_listen(&lsnr_, sip_, true, on_request, this); err)
    return Status::error(std::string("sip: cannot listen for requests: ") + std::strerror(err));
  if (settings_.tls) {
    auto tls = TlsContext::create(settings_.tls_ca_file);
    if (!tls) return tls.status();
    tls_ = std::move(*tls);
  }
  std::optional<std::string> address = wanted_address();
  if (!address) {
    down_reason_ = no_address_reason();
    log::warn(kTag, "%s: waiting for an address to bind", down_reason_.c_str());
    return Status::ok();
  }
  Status s = bind(*address);
  if (!s) {
    down_reason_ = s.message();
    retry_bind_.start(kRebindRetryMs, [this] { check_network(); });
  }
  reload_dns_servers();
  restart_public_address();
  return s;
}

Status UserAgent::bind(const std::string& address) {
  struct sa laddr;
  if (int err = sa_set_str(&laddr, address.c_str(), settings_.local_port); err)
    return Status::error("sip: '" + address + "' is not an address to bind");
  auto fail = [&](const char* what, uint16_t port, int err) {
    sip_transp_flush(sip_);
    return Status::error(std::string("sip: cannot bind ") + what + " " +
                         HostPort{address, port}.to_string() + ": " + std::strerror(err) +
                         " (general.local_port / tls_port)");
  };
  if (int err = sip_transp_add(sip_, SIP_TRANSP_UDP, &laddr); err)
    return fail("UDP", settings_.local_port, err);
  if (int err = sip_transp_add(sip_, SIP_TRANSP_TCP, &laddr); err)
    return fail("TCP", settings_.local_port, err);
  if (tls_) {
    sa_set_port(&laddr, settings_.tls_port);
    if (int err = sip_transp_add(sip_, SIP_TRANSP_TLS, &laddr, tls_->tls()); err)
      return fail("TLS", settings_.tls_port, err);
  }
  bound_address_ = address;
  down_reason_.clear();
  std::string where = "udp+tcp " + HostPort{address, settings_.local_port}.to_string();
  if (tls_) where += ", tls " + HostPort{address, settings_.tls_port}.to_string();
  log::notice(kTag, "listening on %s (%s)", where.c_str(),
              is_any(settings_.interface) ? "default route"
                                          : ("interface " + settings_.interface).c_str());
  return Status::ok();
}

void UserAgent::unbind() {
  public_.reset();  // first: its reference would keep the UDP socket (and port) open
  if (!sip_) return;
  unwatch_raw();
  sip_transp_flush(sip_);
  bound_address_.clear();
}

std::optional<std::string> UserAgent::wanted_address() const {
  return is_any(settings_.interface) ? net_.default_source_address()
                                     : net_.address_of(settings_.interface);
}

std::string UserAgent::no_address_reason() const {
  return is_any(settings_.interface) ? "no default route"
                                     : "interface " + settings_.interface + " has no address";
}

void UserAgent::check_network() {
  if (!sip_) return;
  std::optional<std::string> address = wanted_address();
  if (address && *address == bound_address_) return;
  retry_bind_.cancel();
  const bool was_bound = bound();
  unbind();
  if (!address) {
    down_reason_ = no_address_reason();
    log::warn(kTag, "%s: transports closed until there is one", down_reason_.c_str());
    notify(NetEvent::kDown);
    return;
  }
  if (Status s = bind(*address); !s) {
    down_reason_ = s.message();
    log::err(kTag, "%s; trying again in %llu s", s.message().c_str(),
             static_cast<unsigned long long>(kRebindRetryMs / 1000));
    retry_bind_.start(kRebindRetryMs, [this] { check_network(); });
    notify(NetEvent::kDown);
    return;
  }
  reload_dns_servers();
  restart_public_address();
  notify(was_bound ? NetEvent::kMoved : NetEvent::kUp);
}

int UserAgent::add_observer(Observer o) {
  int id = next_observer_++;
  observers_.emplace(id, std::move(o));
  return id;
}

void UserAgent::remove_observer(int id) { observers_.erase(id); }

void UserAgent::notify(NetEvent e) {
  // Copy: an observer may add or remove observers.
  auto observers = observers_;
  for (auto& [id, o] : observers)
    if (observers_.count(id)) o(e);
}

HostPort UserAgent::contact_address(const struct sa* laddr, Transport t) const {
  if (t == Transport::kUdp)
    if (std::optional<HostPort> pub = public_address()) return *pub;
  return host_port(laddr);
}

void UserAgent::set_stun(std::optional<StunServer> server) {
  if (server == stun_) return;
  stun_ = std::move(server);
  restart_public_address();
}

void UserAgent::restart_public_address() {
  const bool had = public_address().has_value();
  public_.reset();
  if (stun_ && bound()) {
    public_ = std::make_unique<PublicAddress>(
        loop_, sip_, HostPort{bound_address_, settings_.local_port}, *stun_,
        [this](const HostPort& pub) {
          log::notice(kTag, "public address of SIP (udp %s) is %s",
                      HostPort{bound_address_, settings_.local_port}.to_string().c_str(),
                      pub.to_string().c_str());
          notify(NetEvent::kPublic);
        });
    public_->start();
  }
  // Registered with a public address that is no longer used: register the local one.
  if (had && bound()) notify(NetEvent::kPublic);
}

std::optional<HostPort> UserAgent::public_address() const {
  return public_ ? public_->address() : std::nullopt;
}

void UserAgent::seen_by(Transport t, const HostPort& peer, const HostPort& seen) {
  if (public_ && t == Transport::kUdp) public_->seen_by(peer, seen);
}

bool UserAgent::take_self_probe(const struct sip_msg* msg) {
  if (!public_ || msg->tp != SIP_TRANSP_UDP ||
      pl_strcmp(&msg->callid, public_->probe_call_id().c_str()) != 0 ||
      host_port(&msg->src) != public_->local())
    return false;
  public_->attach(static_cast<struct udp_sock*>(msg->sock));
  return true;
}

}  // namespace owsip::sip
