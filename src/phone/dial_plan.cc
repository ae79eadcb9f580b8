#include "phone/dial_plan.h"

namespace owsip::phone {

DialPlan::DialPlan(const config::Telephony& cfg)
    : accounts_(cfg.accounts), contact_defs_(cfg.contacts) {
  for (const auto& c : contact_defs_) contacts_.push_back({keypad_digits(c.code), &c});
  if (auto m = config::DigitMap::parse(cfg.general.dialplan)) map_ = *m;  // validated at load
}

std::string DialPlan::account_for(int port, const std::string& preferred) const {
  if (!preferred.empty()) {
    for (const auto& a : accounts_)
      if (a.key == preferred && !a.disabled) return a.key;
    return "";
  }
  for (const auto& a : accounts_)
    if (a.port == port && !a.disabled) return a.key;
  for (const auto& a : accounts_)
    if (a.is_default && !a.disabled) return a.key;
  for (const auto& a : accounts_)
    if (!a.disabled) return a.key;
  return "";
}

DialDecision DialPlan::decide(std::string_view keys, bool finished, int port) const {
  DialDecision d;
  if (keys.empty()) {
    if (finished) {
      d.status = DialDecision::Status::invalid;
      d.reason = "nothing dialled";
    }
    return d;
  }
  if (keys.substr(0, 2) == "**") {  // internal call
    if (keys.size() < 3) {
      if (finished) {
        d.status = DialDecision::Status::invalid;
        d.reason = "incomplete internal number";
      }
      return d;
    }
    if (keys.size() > 3 || keys[2] < '1' || keys[2] > '9') {
      d.status = DialDecision::Status::invalid;
      d.reason = "no internal number " + std::string(keys);
      return d;
    }
    d.status = DialDecision::Status::dial;
    d.target.kind = DialTarget::Kind::internal;
    d.target.port = keys[2] - '1';
    return d;
  }
  if (keys[0] == '*') return contact(keys.substr(1), finished, port);
  if (keys[0] == '#') {
    if (keys.size() < 2) {
      if (finished) {
        d.status = DialDecision::Status::invalid;
        d.reason = "'#' alone";
      }
      return d;
    }
    if (keys[1] == '1') return contact(keys.substr(2), finished, port);
    d.status = DialDecision::Status::invalid;
    d.reason = "no dial backend #" + std::string(1, keys[1]) + " (#1 is the contact backend)";
    return d;
  }
  return number(keys, finished, port);
}

DialDecision DialPlan::contact(std::string_view code_keys, bool finished, int port) const {
  DialDecision d;
  const Contact* exact = nullptr;
  bool longer = false;
  for (const auto& c : contacts_) {
    if (c.keys == code_keys) exact = &c;
    else if (c.keys.size() > code_keys.size() && c.keys.compare(0, code_keys.size(), code_keys) == 0)
      longer = true;
  }
  if (!exact) {
    // A lone '*' may still become an internal number (**N).
    if ((longer || code_keys.empty()) && !finished) return d;
    d.status = DialDecision::Status::invalid;
    d.reason = "no contact with code " + std::string(code_keys);
    return d;
  }
  if (longer && !finished) return d;  // a longer code may still be meant: wait for the pause
  const config::Contact& c = *exact->def;
  d.target.contact = c.desc;
  d.target.account = account_for(port, c.account);
  if (c.type == "sip") {
    d.target.kind = DialTarget::Kind::sip_uri;
    d.target.target = (c.dial.rfind("sip:", 0) == 0 || c.dial.rfind("sips:", 0) == 0)
                          ? c.dial
                          : "sip:" + c.dial;
  } else {
    d.target.kind = DialTarget::Kind::number;
    d.target.target = c.dial;
  }
  if (d.target.account.empty()) {
    d.status = DialDecision::Status::invalid;
    d.reason = c.account.empty() ? "no enabled account to call " + c.desc + " through"
                                 : "account " + c.account + " of contact " + c.desc + " is disabled";
    return d;
  }
  d.status = DialDecision::Status::dial;
  return d;
}

DialDecision DialPlan::number(std::string_view keys, bool finished, int port) const {
  DialDecision d;
  if (!map_.empty()) {
    using M = config::DigitMap::Match;
    switch (map_.match(keys)) {
      case M::none:
        d.status = DialDecision::Status::invalid;
        d.reason = std::string(keys) + " does not match the dial plan";
        return d;
      case M::partial:
        if (!finished) return d;
        d.status = DialDecision::Status::invalid;
        d.reason = std::string(keys) + " is incomplete for the dial plan";
        return d;
      case M::complete_or_more:
        if (!finished) return d;
        break;
      case M::complete:
        break;
    }
  } else if (!finished) {
    return d;
  }
  d.target.kind = DialTarget::Kind::number;
  d.target.target = std::string(keys);
  d.target.account = account_for(port, "");
  if (d.target.account.empty()) {
    d.status = DialDecision::Status::invalid;
    d.reason = "no enabled account to call " + std::string(keys) + " through";
    return d;
  }
  d.status = DialDecision::Status::dial;
  return d;
}

}  // namespace owsip::phone
