#include "phone/dial_plan.h"

#include "phone/emergency.h"

namespace owsip::phone {
namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t') ++j;
    if (j > i) out.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// The entry of `list` that `keys` start with, or nullptr.
const std::string* prefix_in(std::string_view keys, const std::vector<std::string>& list) {
  for (const auto& p : list)
    if (starts_with(keys, p)) return &p;
  return nullptr;
}

}  // namespace

DialPlan::DialPlan(const config::Telephony& cfg)
    : accounts_(cfg.accounts), contact_defs_(cfg.contacts) {
  for (const auto& c : contact_defs_) contacts_.push_back({keypad_digits(c.code), &c});
  if (auto m = config::DigitMap::parse(cfg.general.dialplan)) map_ = *m;  // validated at load
  emergency_ = phone::emergency_numbers(cfg.general.locale, cfg.general.emergency);
  for (const auto& p : cfg.ports)
    ports_.push_back({p.id, p.nodial, words(p.bar_outgoing), p.hotline, p.hotline_delay});
  for (const auto& a : cfg.accounts) {
    AccountRules r{a.key, a.prefix, words(a.bar_outgoing), {}};
    if (auto m = config::DigitMap::parse(a.dialplan)) r.map = *m;
    account_rules_.push_back(std::move(r));
  }
}

const DialPlan::PortRules* DialPlan::port_rules(int port) const {
  for (const auto& p : ports_)
    if (p.id == port) return &p;
  return nullptr;
}

const DialPlan::AccountRules* DialPlan::account_rules(const std::string& key) const {
  for (const auto& a : account_rules_)
    if (a.key == key) return &a;
  return nullptr;
}

std::string DialPlan::hotline(int port, int* delay_s) const {
  const PortRules* p = port_rules(port);
  if (!p || p->hotline.empty()) return "";
  if (delay_s) *delay_s = p->hotline_delay;
  return p->hotline;
}

bool DialPlan::is_emergency(std::string_view keys) const {
  for (const auto& e : emergency_)
    if (keys == e) return true;
  return false;
}

bool DialPlan::leads_to_emergency(std::string_view keys) const {
  for (const auto& e : emergency_)
    if (e.size() > keys.size() && starts_with(e, keys)) return true;
  return false;
}

DialDecision DialPlan::refuse(std::string_view keys, bool finished, std::string why) const {
  DialDecision d;
  if (!finished && leads_to_emergency(keys)) return d;  // 1 may still become 112
  d.status = DialDecision::Status::invalid;
  d.reason = std::move(why);
  return d;
}

DialDecision DialPlan::emergency_call(std::string_view keys, int port,
                                      const std::string& account) const {
  DialDecision d;
  d.target.kind = DialTarget::Kind::number;
  d.target.target = std::string(keys);
  d.target.emergency = true;
  d.target.account = account.empty() ? account_for(port, "") : account;
  if (d.target.account.empty()) {
    d.status = DialDecision::Status::invalid;
    d.reason = "no enabled account to call the emergency number " + std::string(keys) + " through";
    return d;
  }
  d.status = DialDecision::Status::dial;
  return d;
}

std::optional<DialTarget> DialPlan::voicemail(int port) const {
  const std::string key = account_for(port, "");
  for (const auto& a : accounts_) {
    if (a.key != key || a.voicemail.empty()) continue;
    DialTarget t;
    t.kind = DialTarget::Kind::number;
    t.target = a.voicemail;
    t.account = a.key;
    return t;
  }
  return std::nullopt;
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
  if (is_emergency(keys)) return emergency_call(keys, port, "");
  const PortRules* rules = port_rules(port);
  if (rules && rules->nodial)
    return refuse(keys, finished,
                  "port " + std::to_string(port) + " is nodial: only emergency numbers");
  // An account's prefix chooses it for this call.
  bool longer_prefix = false;
  for (const auto& a : account_rules_) {
    if (a.prefix.empty() || account_for(port, a.key).empty()) continue;
    if (starts_with(keys, a.prefix)) {
      std::string_view rest = keys.substr(a.prefix.size());
      if (rest.empty()) {
        if (!finished) return d;
        return refuse(keys, finished, "nothing dialled after the prefix of account " + a.key);
      }
      if (is_emergency(rest)) return emergency_call(rest, port, a.key);
      return number(rest, finished, port, a.key);
    }
    if (a.prefix.size() > keys.size() && starts_with(a.prefix, keys)) longer_prefix = true;
  }
  if (longer_prefix && !finished) return d;
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
  return number(keys, finished, port, account_for(port, ""));
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

DialDecision DialPlan::number(std::string_view keys, bool finished, int port,
                              const std::string& account) const {
  DialDecision d;
  const AccountRules* acct = account_rules(account);
  const PortRules* rules = port_rules(port);
  if (const std::string* p = rules ? prefix_in(keys, rules->bar_outgoing) : nullptr)
    return refuse(keys, finished, "barred: prefix " + *p + " (bar_outgoing of port " + std::to_string(port) + ")");
  if (const std::string* p = acct ? prefix_in(keys, acct->bar_outgoing) : nullptr)
    return refuse(keys, finished, "barred: prefix " + *p + " (bar_outgoing of account " + account + ")");
  const config::DigitMap& map = acct && !acct->map.empty() ? acct->map : map_;
  std::string out(keys);
  if (!map.empty()) {
    using M = config::DigitMap::Match;
    const config::DigitMap::Verdict v = map.match(keys);
    if (v.barred) return refuse(keys, finished, std::string(keys) + " is barred by the dial plan");
    switch (v.match) {
      case M::none:
        return refuse(keys, finished, std::string(keys) + " does not match the dial plan");
      case M::partial:
        return finished ? refuse(keys, finished, std::string(keys) + " is incomplete for the dial plan") : d;
      case M::complete_on_pause:
        if (!finished) {
          d.on_pause = true;
          return d;
        }
        break;
      case M::complete:
        break;
    }
    out = v.number;
  } else if (!finished) {
    return d;
  }
  d.target.kind = DialTarget::Kind::number;
  d.target.target = out;
  d.target.account = account;
  if (d.target.account.empty()) {
    d.status = DialDecision::Status::invalid;
    d.reason = "no enabled account to call " + std::string(keys) + " through";
    return d;
  }
  d.status = DialDecision::Status::dial;
  return d;
}

}  // namespace owsip::phone
