#include "sip/account.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/log.h"
#include "sip/user_agent.h"

namespace owsip::sip {

Result<RegisterTarget> make_register_target(const config::Account& a,
                                            const config::General& general) {
  RegisterTarget t;
  t.name = a.key;
  t.user = a.username;
  t.realm = a.realm;
  t.auth_user = a.auth_user.empty() ? a.username : a.auth_user;
  t.password = a.password;
  t.display_name = a.display_name;
  t.tls_verify = a.tls_verify;
  auto transport = parse_transport(a.transport);
  if (!transport) return Status::error("transport '" + a.transport + "' is not udp, tcp or tls");
  t.transport = *transport;
  t.flow_keepalive_s = t.transport == Transport::kUdp ? 0 : static_cast<uint32_t>(a.keepalive);
  auto registrar = parse_host_port(a.registrar.empty() ? a.realm : a.registrar);
  if (!registrar)
    return Status::error(std::string(a.registrar.empty() ? "realm " : "registrar ") +
                         registrar.message());
  t.registrar = *registrar;
  if (!general.outbound.empty()) {
    auto proxy = parse_proxy(general.outbound);
    if (!proxy) return proxy.status();
    t.outbound = *proxy;
  }
  return t;
}

std::string contact_user_for(const config::Account& account) {
  // HMAC-SHA-256 keyed with the password over the address of record: stable across restarts
  // (a restarted owsip replaces its binding instead of leaving a stale one), different for
  // every account, and unguessable without the password.
  const std::string aor = account.username + "@" + account.realm;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), account.password.data(), static_cast<int>(account.password.size()),
       reinterpret_cast<const unsigned char*>(aor.data()), aor.size(), mac, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string out = "u";
  for (unsigned int i = 0; i < 8 && i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

bool same_registration(const config::Account& a, const config::Account& b) {
  config::Account x = a;
  x.port = b.port;
  x.is_default = b.is_default;
  x.inbound_source = b.inbound_source;  // checked per INVITE by the call layer
  x.inbound_uri = b.inbound_uri;
  x.codecs = b.codecs;  // media settings are read per call
  x.srtp = b.srtp;
  // The dial plan and barring are read per call (phone/dial_plan.h, phone/barring.h).
  x.dialplan = b.dialplan;
  x.prefix = b.prefix;
  x.bar_outgoing = b.bar_outgoing;
  x.bar_incoming = b.bar_incoming;
  x.bar_incoming_response = b.bar_incoming_response;
  x.anonymous_reject = b.anonymous_reject;
  x.voicemail = b.voicemail;  // read per call; mwi and mailbox re-register, then re-subscribe
  return x == b;
}

Account::Account(TimerQueue& timers, UserAgent& ua, const config::Account& account,
                 const config::General& general)
    : ua_(ua), config_(account) {
  auto target = make_register_target(account, general);
  RegisterTarget t;
  if (target) {
    t = *target;
  } else {
    t.name = account.key;
    t.user = account.username;
  }
  t.contact_user = contact_user_for(account);
  client_ = std::make_unique<RegisterClient>(ua, timers, t);
  if (!target) {
    log::err(client_->tag(), "%s", target.message().c_str());
    client_->set_unusable(target.message());
  } else if (Status s = client_->init(); !s) {
    log::err(client_->tag(), "%s", s.message().c_str());
  }

  RegistrationSettings rs;
  rs.name = account.key;
  rs.expires = static_cast<uint32_t>(account.expires);
  rs.disabled = account.disabled;
  const bool udp = t.transport == Transport::kUdp &&
                   (!t.outbound || t.outbound->transport == Transport::kUdp);
  rs.keepalive_s = udp ? static_cast<uint32_t>(account.keepalive) : 0;
  rs.learn_contact = udp;
  registration_ = std::make_unique<Registration>(timers, *client_, rs);
  client_->set_flow_failed_handler(
      [this](const std::string& why) { registration_->on_flow_failed(why); });

  observer_ = ua_.add_observer([this, udp](UserAgent::NetEvent e) {
    switch (e) {
      case UserAgent::NetEvent::kUp:
        registration_->restart("bound to " + ua_.bound_address());
        break;
      case UserAgent::NetEvent::kMoved:
        registration_->restart("local address is now " + ua_.bound_address());
        break;
      case UserAgent::NetEvent::kDown:
        registration_->suspend(ua_.down_reason());
        break;
      case UserAgent::NetEvent::kPublic:
        if (udp) {
          const std::optional<HostPort> pub = ua_.public_address();
          registration_->restart("public address is now " +
                                 (pub ? pub->to_string() : ua_.bound_address() + " (STUN lost)"));
        }
        break;
    }
  });
}

Account::~Account() {
  ua_.remove_observer(observer_);
  registration_.reset();  // before the client it sends through
  client_.reset();
}

void Account::start() {
  if (!config_.disabled && !ua_.bound()) {
    registration_->suspend(ua_.down_reason());
    return;
  }
  registration_->start();
}

void Account::stop(std::function<void()> done) { registration_->stop(std::move(done)); }

}  // namespace owsip::sip
