#include "sip/inbound_filter.h"

#include <algorithm>

namespace owsip::sip {
namespace {

bool uri_matches(const InboundAccount& a, const std::string& user) {
  if (a.uri_policy == "any") return true;
  if (!a.contact_user.empty() && user == a.contact_user) return true;
  return a.uri_policy == "user" && user == a.username;
}

bool source_matches(const InboundAccount& a, const std::string& source) {
  return a.source_policy == "any" || (!a.registrar.empty() && source == a.registrar);
}

}  // namespace

InboundDecision route_inbound(const std::string& ruri_user, const std::string& source,
                              const std::vector<InboundAccount>& accounts) {
  for (const auto& a : accounts)
    if (uri_matches(a, ruri_user) && source_matches(a, source)) return {a.key, ""};
  for (const auto& a : accounts) {
    if (!uri_matches(a, ruri_user)) continue;
    return {"", "comes from " + source + ", not from account " + a.key + "'s registrar (" +
                    (a.registrar.empty() ? "not registered yet" : a.registrar) +
                    "); `option inbound_source any` would accept it"};
  }
  const bool user_of_some = std::any_of(accounts.begin(), accounts.end(), [&](const auto& a) {
    return !ruri_user.empty() && ruri_user == a.username;
  });
  return {"", "Request-URI user '" + ruri_user + "' is not the contact of any account" +
                  (user_of_some ? "; `option inbound_uri user` would accept it"
                                : "; `option inbound_uri any` would accept it")};
}

bool RefusalLimiter::allow_reply(uint64_t now_ms) {
  if (!started_) {
    started_ = true;
    last_ms_ = now_ms;
  }
  tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ms - last_ms_) * per_second_ / 1000.0);
  last_ms_ = now_ms;
  if (tokens_ < 1) {
    ++dropped_;
    return false;
  }
  tokens_ -= 1;
  ++refused_;
  return true;
}

bool RefusalLimiter::first_refusal(const std::string& key) {
  if (seen_.count(key)) return false;
  if (order_.size() >= kRememberedSources) {
    seen_.erase(order_.front());
    order_.pop_front();
  }
  seen_.insert(key);
  order_.push_back(key);
  return true;
}

}  // namespace owsip::sip
