#include "sip/register_client.h"

#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "core/re_compat.h"
#include "sip/tls_context.h"
#include "sip/re_convert.h"
#include "sip/user_agent.h"

namespace owsip::sip {

namespace {

uint32_t leading_number(const struct pl& pl) {
  uint32_t v = 0;
  for (size_t i = 0; i < pl.l && pl.p[i] >= '0' && pl.p[i] <= '9'; ++i)
    v = v * 10 + static_cast<uint32_t>(pl.p[i] - '0');
  return v;
}

std::string transport_error(int err) {
  switch (err) {
    case ETIMEDOUT: return "no answer (timeout)";
    case ECONNREFUSED: return "connection refused";
    case ECONNRESET: return "connection closed by the registrar";
    case EPROTO: return "TLS handshake failed";
    default: return std::strerror(err);
  }
}

// Finds our binding among the Contacts of a 2xx and reads the lifetime granted to it.
struct ContactMatch {
  const std::string* user;
  const HostPort* contact;
  uint16_t default_port;
  std::optional<uint32_t> expires;
};

bool match_contact(const struct sip_hdr* hdr, const struct sip_msg*, void* arg) {
  auto* m = static_cast<ContactMatch*>(arg);
  struct sip_addr addr;
  if (sip_addr_decode(&addr, &hdr->val)) return false;
  const uint16_t port = addr.uri.port ? addr.uri.port : m->default_port;
  if (text(addr.uri.user) != *m->user) return false;
  if (pl_strcasecmp(&addr.uri.host, m->contact->host.c_str()) != 0) return false;
  if (port != m->contact->port) return false;
  struct pl value;
  if (!msg_param_decode(&addr.params, "expires", &value)) m->expires = pl_u32(&value);
  return true;
}

}  // namespace

// libre calls these with the RegisterClient as argument.
struct RegisterCallbacks {
  static int on_auth(char** user, char** pass, const char* realm, void* arg) {
    auto* self = static_cast<RegisterClient*>(arg);
    log::debug(self->tag(), "digest challenge for realm '%s'", realm);
    int err = str_dup(user, self->target_.auth_user.c_str());
    err |= str_dup(pass, self->target_.password.c_str());
    return err;
  }

  // Runs right before libre sends a request (per destination it tries): the transport and local
  // address are known now, so the Contact is written here.
  static int on_send(enum sip_transp tp, const struct sa* src, const struct sa* dst,
                     struct mbuf* mb, void* arg) {
    auto* self = static_cast<RegisterClient*>(arg);
    const Transport t = from_libre(tp);
    struct sa listening;
    const HostPort local = self->ua_.contact_address(
        re_compat::contact_source(self->ua_.stack(), tp, src, dst, &listening), t);
    const HostPort contact = self->current_.contact ? *self->current_.contact : local;
    if (t == Transport::kTls && self->ua_.tls())
      self->ua_.tls()->expect(self->target_.first_hop_host(), self->target_.tls_verify);
    self->sent_contact_ = contact;
    self->sent_ = true;
    self->sent_contact_uri_ = contact_uri(self->contact_user(), contact, t);
    self->sent_udp_ = t == Transport::kUdp;
    self->keepalive_dst_ = host_port(dst);
    self->last_dst_ = endpoint_text(t, dst);
    int err = mbuf_printf(mb, "Contact: <%s>;expires=%u\r\n", self->sent_contact_uri_.c_str(),
                          self->current_.expires);
    for (const HostPort& old : self->current_.remove) {
      if (old == contact) continue;
      err |= mbuf_printf(mb, "Contact: <%s>;expires=0\r\n",
                         contact_uri(self->contact_user(), old, t).c_str());
    }
    return err;
  }

  static void on_response(int err, const struct sip_msg* msg, void* arg) {
    auto* self = static_cast<RegisterClient*>(arg);
    if (!err && msg && msg->scode < 200) return;  // provisional
    self->request_ = nullptr;                     // libre has let go of it
    RegisterResult r;
    r.contact = self->sent_contact_;
    r.contact_uri = self->sent_contact_uri_;
    if (err || !msg) {
      r.code = 0;
      r.reason = transport_failure(self, err);
      self->finish(std::move(r));
      return;
    }
    r.code = msg->scode;
    r.reason = text(msg->reason);
    if ((msg->scode == 401 || msg->scode == 407) && self->challenges_ < 3) {
      if (!answer_challenge(self, msg, r)) self->finish(std::move(r));
      return;
    }
    if (const struct sip_hdr* h = sip_msg_hdr(msg, SIP_HDR_RETRY_AFTER))
      r.retry_after = leading_number(h->val);
    if (const struct sip_hdr* h = sip_msg_hdr(msg, SIP_HDR_MIN_EXPIRES))
      r.min_expires = leading_number(h->val);
    if (msg->scode >= 200 && msg->scode < 300) read_success(self, msg, r);
    self->finish(std::move(r));
  }

  // Why no answer came: the transport error, or what TLS refused.
  static std::string transport_failure(RegisterClient* self, int err) {
    std::string reason = transport_error(err) + " (" + self->last_dst_ + ")";
    if (self->target_.first_hop_tls() && self->ua_.tls()) {
      std::string refused = self->ua_.tls()->refusal(self->target_.first_hop_host());
      if (!refused.empty()) reason = "TLS: " + refused;
    }
    return reason;
  }

  // 401/407: true when the request went out again with credentials; false with r.reason
  // saying why not.
  static bool answer_challenge(RegisterClient* self, const struct sip_msg* msg, RegisterResult& r) {
    // The first challenge of an attempt may be for a nonce the registrar forgot (restart,
    // expiry): start authentication afresh. A second one that is not "stale" means the
    // credentials themselves were refused.
    if (self->challenges_++ == 0) sip_auth_reset(self->auth_);
    int aerr = sip_auth_authenticate(self->auth_, msg);
    if (aerr == 0) {
      self->transmit();
      return true;
    }
    r.reason += aerr == EAUTH
                    ? " (credentials of auth user '" + self->target_.auth_user + "' refused)"
                    : std::string(" (") + std::strerror(aerr) + ")";
    return false;
  }

  // 2xx: how long the binding lasts, how the registrar sees us; the connection's keep-alive.
  static void read_success(RegisterClient* self, const struct sip_msg* msg, RegisterResult& r) {
    const std::string cuser = self->contact_user();
    ContactMatch m{&cuser, &self->sent_contact_, default_port(from_libre(msg->tp)), std::nullopt};
    sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, match_contact, &m);
    if (m.expires)
      r.expires = *m.expires;
    else if (pl_isset(&msg->expires))
      r.expires = pl_u32(&msg->expires);
    char host[64] = "";
    sa_ntop(&msg->via.addr, host, sizeof host);
    HostPort sent_by{host, sa_port(&msg->via.addr)};
    if (sent_by.port == 0) sent_by.port = default_port(from_libre(msg->tp));
    r.seen_as = seen_as_from_via(text(msg->via.params), sent_by);
    if (r.seen_as) self->ua_.seen_by(from_libre(msg->tp), host_port(&msg->src), *r.seen_as);
    const bool reliable = msg->tp == SIP_TRANSP_TCP || msg->tp == SIP_TRANSP_TLS;
    if (!reliable || !self->target_.flow_keepalive_s || self->current_.expires == 0) return;
    self->flow_keepalive_ = static_cast<struct sip_keepalive*>(mem_deref(self->flow_keepalive_));
    if (int kerr = sip_keepalive_start(&self->flow_keepalive_, self->ua_.stack(), msg,
                                       self->target_.flow_keepalive_s, on_flow_lost, self))
      log::warn(self->tag(), "no connection keep-alive: %s", std::strerror(kerr));
  }

  static void on_flow_lost(int err, void* arg) {
    auto* self = static_cast<RegisterClient*>(arg);
    self->flow_keepalive_ = nullptr;  // libre freed it
    if (self->on_flow_failed_) self->on_flow_failed_(transport_error(err ? err : ECONNRESET));
  }
};

RegisterClient::RegisterClient(UserAgent& ua, TimerQueue& timers, RegisterTarget target)
    : ua_(ua), target_(std::move(target)), fail_timer_(timers) {}

RegisterClient::~RegisterClient() {
  // Dereferencing a request in flight detaches our handlers (libre lets it finish alone).
  request_ = static_cast<struct sip_request*>(mem_deref(request_));
  flow_keepalive_ = static_cast<struct sip_keepalive*>(mem_deref(flow_keepalive_));
  auth_ = static_cast<struct sip_auth*>(mem_deref(auth_));
  dialog_ = static_cast<struct sip_dialog*>(mem_deref(dialog_));
}

Status RegisterClient::init() {
  const std::string aor = target_.aor();
  std::string ruri = target_.registrar_uri();
  const char* routes[1];
  uint32_t route_count = 0;
  if (target_.outbound) routes[route_count++] = target_.outbound->route_uri.c_str();
  int err = sip_dialog_alloc(&dialog_, ruri.c_str(), aor.c_str(),
                             target_.display_name.empty() ? nullptr : target_.display_name.c_str(),
                             aor.c_str(), routes, route_count);
  if (err) {
    unusable_ = "cannot make a dialog for " + aor + " via " + ruri + ": " + std::strerror(err);
    return Status::error(unusable_);
  }
  err = sip_auth_alloc(&auth_, RegisterCallbacks::on_auth, this, false);
  if (err) {
    unusable_ = std::string("sip_auth_alloc: ") + std::strerror(err);
    return Status::error(unusable_);
  }
  return Status::ok();
}

void RegisterClient::send(const RegisterRequest& request, Done done) {
  cancel();
  current_ = request;
  done_ = std::move(done);
  challenges_ = 0;
  if (!unusable_.empty()) return fail_soon(unusable_);
  if (!ua_.bound()) return fail_soon(ua_.down_reason());
  if (target_.first_hop_tls()) {
    if (!ua_.tls()) return fail_soon("TLS transport is not open");
    if (target_.tls_verify && !ua_.tls()->ca_error().empty())
      return fail_soon("TLS: " + ua_.tls()->ca_error());
    ua_.tls()->clear_refusal(target_.first_hop_host());
  }
  transmit();
}

std::optional<HostPort> RegisterClient::contact_in_flight() const {
  if (!request_ || !sent_) return std::nullopt;
  return sent_contact_;
}

void RegisterClient::transmit() {
  sent_ = false;
  int err = sip_drequestf(&request_, ua_.stack(), true, "REGISTER", dialog_, 0, auth_,
                          re_compat::send_handler<RegisterCallbacks::on_send>(),
                          RegisterCallbacks::on_response, this,
                          "Content-Length: 0\r\n\r\n");
  if (err) {
    request_ = nullptr;
    const HostPort& hop = target_.outbound ? target_.outbound->address : target_.registrar;
    if (!is_ip_literal(hop.host) && ua_.dns_servers() == 0)
      return fail_soon("cannot resolve " + hop.host +
                       ": no usable DNS server (none in resolv.conf, or SIP is bound to "
                       "loopback and the servers are not)");
    fail_soon("cannot send to " + hop.to_string() + ": " + std::strerror(err));
  }
}

void RegisterClient::fail_soon(std::string reason) {
  RegisterResult r;
  r.code = 0;
  r.reason = std::move(reason);
  r.contact = sent_contact_;
  r.contact_uri = sent_contact_uri_;
  // The contract: `done` never runs from inside send().
  fail_timer_.start(0, [this, r = std::move(r)]() mutable { finish(std::move(r)); });
}

void RegisterClient::finish(RegisterResult result) {
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(result);
}

void RegisterClient::cancel() {
  fail_timer_.cancel();
  done_ = nullptr;
  request_ = static_cast<struct sip_request*>(mem_deref(request_));
}

void RegisterClient::keepalive() {
  if (!sent_udp_ || keepalive_dst_.host.empty() || !ua_.bound()) return;
  struct sa dst;
  if (sa_set_str(&dst, keepalive_dst_.host.c_str(), keepalive_dst_.port)) return;
  static const char kCrlf[] = "\r\n\r\n";
  struct mbuf* mb = mbuf_alloc(sizeof kCrlf);
  if (!mb) return;
  mbuf_write_str(mb, kCrlf);
  mb->pos = 0;
  if (int err = sip_send(ua_.stack(), nullptr, SIP_TRANSP_UDP, &dst, mb); err)
    log::debug(tag(), "keep-alive to %s: %s", keepalive_dst_.to_string().c_str(),
               std::strerror(err));
  mem_deref(mb);
}

}  // namespace owsip::sip
