#include "sip/sip_service.h"

#include <algorithm>

#include "core/log.h"

namespace owsip::sip {

namespace {
constexpr const char* kTag = "sip";
constexpr uint64_t kRebuildWaitMs = 3000;
}  // namespace

UserAgentSettings user_agent_settings(const config::Telephony& c) {
  UserAgentSettings s;
  s.software = c.general.name;
  s.interface = c.general.interface;
  s.local_port = static_cast<uint16_t>(c.general.local_port);
  s.tls_port = static_cast<uint16_t>(c.general.tls_port);
  s.tls_ca_file = c.general.tls_ca_file;
  for (const auto& a : c.accounts)
    if (!a.disabled && a.transport == "tls") s.tls = true;
  if (!c.general.outbound.empty())
    if (auto p = parse_proxy(c.general.outbound); p && p->transport == Transport::kTls) s.tls = true;
  return s;
}

std::optional<StunServer> stun_server(const config::Telephony& c) {
  if (!c.stun) return std::nullopt;
  return StunServer{c.stun->host, static_cast<uint16_t>(c.stun->port)};
}

SipService::SipService(Loop& loop, std::unique_ptr<NetworkMonitor> net)
    : loop_(loop), net_(std::move(net)), retire_deadline_(loop), defer_(loop) {
  if (!net_) {
    auto monitor = std::make_unique<LinuxNetworkMonitor>(loop);
    if (Status s = monitor->start(); !s)
      log::warn("sip.net", "%s: address changes will go unnoticed", s.message().c_str());
    net_ = std::move(monitor);
  }
  net_->set_change_handler([this] {
    if (ua_) ua_->check_network();
  });
}

SipService::~SipService() {
  accounts_.clear();
  retiring_.clear();
  drop_user_agent();
}

void SipService::drop_user_agent() {
  if (ua_ && on_stack_) on_stack_(nullptr);
  ua_.reset();
}

Status SipService::start(const config::Telephony& config) {
  config_ = config;
  return build();
}

Status SipService::build() {
  ua_ = std::make_unique<UserAgent>(loop_, *net_, user_agent_settings(config_));
  Status s = ua_->start();
  ua_->set_stun(stun_server(config_));
  if (on_stack_ && ua_->stack()) on_stack_(ua_.get());
  for (const auto& a : config_.accounts) reconcile(a.key);
  return s;
}

Account* SipService::active(const std::string& key) {
  for (auto& a : accounts_)
    if (a->key() == key) return a.get();
  return nullptr;
}

bool SipService::retiring(const std::string& key) const {
  return std::any_of(retiring_.begin(), retiring_.end(),
                     [&](const auto& a) { return a->key() == key; });
}

void SipService::reconcile(const std::string& key) {
  if (rebuilding_ || stopping_ || !ua_) return;
  if (active(key) || retiring(key)) return;
  const config::Account* cfg = config_.find_account(key);
  if (!cfg) return;
  accounts_.push_back(std::make_unique<Account>(loop_, *ua_, *cfg, config_.general));
  accounts_.back()->set_change_handler([this, key](const AccountStatus& st) {
    if (on_change_) on_change_(key, st);
  });
  accounts_.back()->start();
}

void SipService::retire(const std::string& key) {
  auto it = std::find_if(accounts_.begin(), accounts_.end(),
                         [&](const auto& a) { return a->key() == key; });
  if (it == accounts_.end()) return;
  Account* raw = it->get();
  retiring_.push_back(std::move(*it));
  accounts_.erase(it);
  raw->stop([this, raw, key] {
    // From the loop (a timer of the account's registration), never from inside libre.
    retiring_.erase(std::remove_if(retiring_.begin(), retiring_.end(),
                                   [&](const auto& a) { return a.get() == raw; }),
                    retiring_.end());
    if (retiring_.empty() && after_retire_) {
      retire_deadline_.cancel();
      auto then = std::move(after_retire_);
      after_retire_ = nullptr;
      then();
      return;
    }
    reconcile(key);  // a changed account comes back as configured now
  });
}

void SipService::retire_all(std::function<void()> then, uint64_t max_wait_ms) {
  std::vector<std::string> keys;
  for (const auto& a : accounts_) keys.push_back(a->key());
  for (const auto& k : keys) retire(k);
  if (retiring_.empty()) {
    defer_.start(0, std::move(then));
    return;
  }
  after_retire_ = std::move(then);
  retire_deadline_.start(max_wait_ms, [this] {
    log::warn(kTag, "%zu account(s) still un-registering: giving up on them", retiring_.size());
    retiring_.clear();
    auto then = std::move(after_retire_);
    after_retire_ = nullptr;
    if (then) then();
  });
}

void SipService::rebuild() {
  rebuilding_ = true;
  log::notice(kTag, "user agent settings changed: re-registering every account");
  retire_all(
      [this] {
        drop_user_agent();
        rebuilding_ = false;
        if (stopping_) return;
        if (Status s = build(); !s) log::err(kTag, "%s", s.message().c_str());
      },
      kRebuildWaitMs);
}

void SipService::apply(const config::Telephony& next, const config::ConfigDiff& diff) {
  if (stopping_) return;
  config_ = next;
  if (rebuilding_) return;  // the rebuild builds from config_ once the old accounts are gone
  // The settings also change when the first account takes or the last one leaves TLS.
  if (!ua_ || diff.restart_sip_stack || user_agent_settings(next) != ua_->settings()) {
    rebuild();
    return;
  }
  ua_->set_stun(stun_server(next));
  for (const auto& k : diff.accounts.removed) retire(k);
  for (const auto& k : diff.accounts.changed) {
    Account* a = active(k);
    const config::Account* cfg = next.find_account(k);
    if (a && cfg && same_registration(a->config(), *cfg)) {
      a->update_config(*cfg);  // only the FXS port or the default flag: keep the registration
      continue;
    }
    retire(k);  // comes back as configured now once un-registered
  }
  for (const auto& k : diff.accounts.added) reconcile(k);
}

void SipService::stop(std::function<void()> done, uint64_t max_wait_ms) {
  if (stopping_) return;
  stopping_ = true;
  log::notice(kTag, "un-registering %zu account(s)", accounts_.size());
  retire_all(
      [this, done = std::move(done)] {
        drop_user_agent();
        if (done) done();
      },
      max_wait_ms);
}

std::vector<std::pair<std::string, AccountStatus>> SipService::accounts() const {
  std::vector<std::pair<std::string, AccountStatus>> out;
  for (const auto& c : config_.accounts)
    for (const auto& a : accounts_)
      if (a->key() == c.key) out.emplace_back(c.key, a->status());
  return out;
}

const Account* SipService::account(const std::string& key) const {
  for (const auto& a : accounts_)
    if (a->key() == key) return a.get();
  return nullptr;
}

std::vector<InboundAccount> SipService::inbound_accounts() const {
  std::vector<InboundAccount> out;
  for (const auto& [key, status] : accounts()) {
    const Account* a = account(key);
    if (!a || a->config().disabled) continue;
    InboundAccount ia;
    ia.key = key;
    ia.contact_user = a->contact_user();
    ia.username = a->target().user;
    ia.registrar = a->registrar_destination();
    ia.source_policy = a->config().inbound_source;
    ia.uri_policy = a->config().inbound_uri;
    out.push_back(std::move(ia));
  }
  return out;
}

}  // namespace owsip::sip
