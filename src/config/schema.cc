#include "config/schema.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "config/schema_fields.h"
#include "config/uci.h"
#include "core/log.h"

namespace owsip::config {
namespace {

using namespace schema_fields;

std::optional<int> parse_int(const std::string& s) {
  if (s.empty() || s.size() > 11) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < INT_MIN || v > INT_MAX) return std::nullopt;
  return static_cast<int>(v);
}

std::optional<bool> parse_bool(const std::string& s) {
  static const char* const kTrue[] = {"1", "yes", "on", "true", "enabled"};
  static const char* const kFalse[] = {"0", "no", "off", "false", "disabled"};
  for (const char* t : kTrue)
    if (s == t) return true;
  for (const char* f : kFalse)
    if (s == f) return false;
  return std::nullopt;
}

class Validator {
 public:
  Validator(const std::string& file, const Environment& env, Diagnostics& diags)
      : file_(file), env_(env), diags_(diags) {}

  void error(int line, std::string msg) {
    diags_.push_back({Diagnostic::Severity::kError, file_, line, std::move(msg)});
  }
  void warn(int line, std::string msg) {
    diags_.push_back({Diagnostic::Severity::kWarning, file_, line, std::move(msg)});
  }

  // Fills `out` from `sec` through `fields`; reports unknown options, bad values and missing
  // required options.
  template <class S, size_t N>
  void apply(const UciSection& sec, const Field<S> (&fields)[N], S& out) {
    std::set<std::string_view> seen;
    for (const auto& opt : sec.options) {
      const Field<S>* f = nullptr;
      for (const auto& cand : fields)
        if (cand.name == opt.name) f = &cand;
      if (!f) {
        warn(opt.line, "unknown option '" + opt.name + "' in " + sec.type + " section '" +
                           sec.name + "' (ignored)");
        continue;
      }
      seen.insert(f->name);
      if (opt.is_list && !f->list) {
        error(opt.line, "option '" + opt.name + "' takes one value, not a list");
        continue;
      }
      if (opt.is_list) {  // the values of the `list` lines, as one space-separated value
        UciOption joined = opt;
        std::string all;
        for (const auto& v : opt.values) all += (all.empty() ? "" : " ") + v;
        joined.values = {all};
        set_value(*f, joined, out);
        continue;
      }
      set_value(*f, opt, out);
    }
    for (const auto& f : fields)
      if (f.required && !seen.count(f.name))
        error(sec.line, sec.type + " section '" + sec.name + "' lacks required option '" +
                            std::string(f.name) + "'");
  }

  // The `timers` section: each option names a timer of the named timer table.
  void apply_timers(const UciSection& sec, TimerValues& out) {
    for (const auto& opt : sec.options) {
      const TimerDef* def = find_timer_def(opt.name);
      if (!def) {
        warn(opt.line, "unknown timer '" + opt.name + "' (ignored)");
        continue;
      }
      if (opt.is_list) {
        error(opt.line, "timer '" + opt.name + "' takes one value, not a list");
        continue;
      }
      auto n = parse_int(opt.value());
      if (!n) {
        error(opt.line, "timer '" + opt.name + "': '" + opt.value() + "' is not a whole number of milliseconds");
        continue;
      }
      if (*n < static_cast<int>(def->min_ms) || *n > static_cast<int>(def->max_ms)) {
        error(opt.line, "timer '" + opt.name + "': " + opt.value() + " ms is out of range " +
                            std::to_string(def->min_ms) + ".." + std::to_string(def->max_ms));
        continue;
      }
      out.set(def->name, static_cast<uint32_t>(*n));
    }
  }

  template <class S>
  void set_value(const Field<S>& f, const UciOption& opt, S& out) {
    const std::string& v = opt.value();
    const std::string where = "option '" + opt.name + "'";
    switch (f.kind) {
      case Kind::kString:
        if (f.check) {
          std::string msg = f.check(v);
          if (!msg.empty()) return error(opt.line, msg);
        }
        out.*f.str = v;
        return;
      case Kind::kEnum: {
        auto choices = f.choices(env_);
        if (std::find(choices.begin(), choices.end(), v) == choices.end())
          return error(opt.line, where + ": '" + v + "' is not one of " + join(choices, ", "));
        out.*f.str = v;
        return;
      }
      case Kind::kInt: {
        auto n = parse_int(v);
        if (!n) return error(opt.line, where + ": '" + v + "' is not a whole number");
        if (*n < f.min || *n > f.max)
          return error(opt.line, where + ": " + v + " is out of range " + std::to_string(f.min) +
                                     ".." + std::to_string(f.max));
        out.*f.num = *n;
        return;
      }
      case Kind::kBool: {
        auto b = parse_bool(v);
        if (!b) return error(opt.line, where + ": '" + v + "' is not a boolean (0/1, yes/no, on/off, true/false)");
        out.*f.flag = *b;
        return;
      }
    }
  }

 private:
  const std::string& file_;
  const Environment& env_;
  Diagnostics& diags_;
};

// One load: the sections met so far, for what may appear once and what must be unique.
class Loader {
 public:
  Loader(const std::string& file, const Environment& env, Diagnostics& diags)
      : v_(file, env, diags), diags_(diags) {}

  void section(const UciSection& sec, Telephony& cfg);
  void check_references(const UciPackage& pkg, const Telephony& cfg);
  void check_general(const Telephony& cfg);
  // Star codes that two services (or a service and a contact) would share.
  // Codes a contact's `*code` starts with: turned off in `cfg`.
  void check_feature_codes(const UciPackage& pkg, Telephony& cfg);
  // Codes clashing with each other (errors) and with contacts (into `disabled`).
  void check_contact_codes(const UciPackage& pkg, const Telephony& cfg,
                           std::vector<std::string>& disabled);

 private:
  // False (and an error) when a section of this type was met before.
  bool first_of_its_type(const UciSection& sec, const UciSection*& first);
  void account(const UciSection& sec, Telephony& cfg);
  void port(const UciSection& sec, Telephony& cfg);
  void contact(const UciSection& sec, Telephony& cfg);
  void relay(const UciSection& sec, Telephony& cfg);
  // The line of option `name` of the general section, else of `fallback`, else of the section.
  int general_line(const char* name, const char* fallback) const;

  Validator v_;
  Diagnostics& diags_;
  const UciSection* general_ = nullptr;
  const UciSection* stun_ = nullptr;
  const UciSection* timers_ = nullptr;
  const UciSection* features_ = nullptr;
  const UciSection* voicemail_ = nullptr;
  std::map<int, const UciSection*> port_sections_;
  std::map<std::string, const UciSection*> contact_codes_;
  std::map<int, const UciSection*> relay_gpios_;
  const UciSection* default_account_ = nullptr;
};

bool Loader::first_of_its_type(const UciSection& sec, const UciSection*& first) {
  if (first) {
    v_.error(sec.line, "second '" + sec.type + "' section (the first is at line " +
                           std::to_string(first->line) + ")");
    return false;
  }
  first = &sec;
  return true;
}

void Loader::section(const UciSection& sec, Telephony& cfg) {
  if (sec.type == "general") {
    if (first_of_its_type(sec, general_)) v_.apply(sec, kGeneralFields, cfg.general);
  } else if (sec.type == "stun") {
    if (!first_of_its_type(sec, stun_)) return;
    Stun s;
    v_.apply(sec, kStunFields, s);
    cfg.stun = s;
  } else if (sec.type == "account") {
    account(sec, cfg);
  } else if (sec.type == "port") {
    port(sec, cfg);
  } else if (sec.type == "contact") {
    contact(sec, cfg);
  } else if (sec.type == "relay") {
    relay(sec, cfg);
  } else if (sec.type == "features") {
    if (!first_of_its_type(sec, features_)) return;
    v_.apply(sec, kFeaturesFields, cfg.features);
    for (const auto& f : kFeaturesFields)  // `off`: the service has no code
      if (f.str && cfg.features.*f.str == "off") (cfg.features.*f.str).clear();
  } else if (sec.type == "voicemail") {
    if (first_of_its_type(sec, voicemail_)) v_.apply(sec, kVoicemailFields, cfg.voicemail);
  } else if (sec.type == "timers") {
    if (first_of_its_type(sec, timers_)) v_.apply_timers(sec, cfg.timers);
  } else {
    v_.warn(sec.line, "unknown section type '" + sec.type + "' (ignored)");
  }
}

void Loader::account(const UciSection& sec, Telephony& cfg) {
  Account a;
  a.key = sec.name;
  v_.apply(sec, kAccountFields, a);
  if (a.is_default) {
    if (default_account_)
      v_.error(sec.line, "account '" + sec.name + "' and account '" + default_account_->name +
                             "' are both marked default");
    default_account_ = &sec;
  }
  cfg.accounts.push_back(std::move(a));
}

void Loader::port(const UciSection& sec, Telephony& cfg) {
  const size_t errors_before = diags_.size();
  Port p;
  v_.apply(sec, kPortFields, p);
  p.key = "port" + std::to_string(p.id);
  p.section = sec.anonymous ? "" : sec.name;
  // `led` is a sysfs path in the seed: /sys/class/leds/NAME and a bare NAME both work.
  if (std::string why = normalize_led(p.led); !why.empty()) {
    const UciOption* o = sec.find("led");
    v_.error(o ? o->line : sec.line, why);
  }
  if (p.ec_window != 0 && p.ec_window != 4 && p.ec_window != 6 && p.ec_window != 8 &&
      p.ec_window != 16) {
    const UciOption* o = sec.find("ec_window");
    v_.error(o ? o->line : sec.line, "ec_window " + std::to_string(p.ec_window) +
                                         " ms: the DSP's windows are 4, 6, 8 and 16 ms");
  }
  auto [it, fresh] = port_sections_.emplace(p.id, &sec);
  if (!fresh && diags_.size() == errors_before)
    v_.error(sec.line, "port id " + std::to_string(p.id) + " is already described at line " +
                           std::to_string(it->second->line));
  cfg.ports.push_back(std::move(p));
}

void Loader::contact(const UciSection& sec, Telephony& cfg) {
  Contact c;
  v_.apply(sec, kContactFields, c);
  c.key = c.code;
  if (!c.code.empty()) {
    auto [it, fresh] = contact_codes_.emplace(c.code, &sec);
    if (!fresh)
      v_.error(sec.line, "contact code '" + c.code + "' is already used at line " +
                             std::to_string(it->second->line));
  }
  cfg.contacts.push_back(std::move(c));
}

void Loader::relay(const UciSection& sec, Telephony& cfg) {
  Relay r;
  v_.apply(sec, kRelayFields, r);
  r.key = "gpio" + std::to_string(r.gpio);
  r.section = sec.anonymous ? "" : sec.name;
  if (r.gpio >= 0) {
    auto [it, fresh] = relay_gpios_.emplace(r.gpio, &sec);
    if (!fresh)
      v_.error(sec.line, "gpio " + std::to_string(r.gpio) + " is already a relay at line " +
                             std::to_string(it->second->line));
  }
  cfg.relays.push_back(std::move(r));
}

// References between sections, once every section is known.
void Loader::check_references(const UciPackage& pkg, const Telephony& cfg) {
  for (size_t i = 0, ci = 0; i < pkg.sections.size(); ++i) {
    const auto& sec = pkg.sections[i];
    if (sec.type != "contact") continue;
    const Contact& c = cfg.contacts[ci++];
    if (!c.account.empty() && !cfg.find_account(c.account)) {
      const UciOption* o = sec.find("account");
      v_.error(o ? o->line : sec.line,
               "contact '" + c.code + "' names account '" + c.account + "', which does not exist");
    }
  }
  // Account prefixes (phone/dial_plan.h): one must not hide another.
  std::vector<std::pair<const Account*, const UciSection*>> prefixed;
  for (size_t i = 0, ai = 0; i < pkg.sections.size(); ++i) {
    const auto& sec = pkg.sections[i];
    if (sec.type != "account") continue;
    const Account& a = cfg.accounts[ai++];
    if (a.prefix.empty()) continue;
    for (const auto& [b, bsec] : prefixed) {
      const std::string& shorter = a.prefix.size() < b->prefix.size() ? a.prefix : b->prefix;
      const std::string& longer = a.prefix.size() < b->prefix.size() ? b->prefix : a.prefix;
      if (longer.compare(0, shorter.size(), shorter) != 0) continue;
      const UciOption* o = sec.find("prefix");
      v_.error(o ? o->line : sec.line, "account '" + a.key + "' prefix '" + a.prefix +
                                           "' and account '" + b->key + "' prefix '" + b->prefix +
                                           "': one would hide the other");
    }
    prefixed.push_back({&a, &sec});
  }
  // The accounts a port's answering machine answers for.
  for (size_t i = 0; i < pkg.sections.size(); ++i) {
    const auto& sec = pkg.sections[i];
    if (sec.type != "port") continue;
    const UciOption* o = sec.find("answer_accounts");
    if (!o) continue;
    for (const auto& value : o->values)
      for (const auto& name : words(value))
        if (name != "internal" && !cfg.find_account(name))
          v_.error(o->line, "answer_accounts names account '" + name + "', which does not exist");
  }
}

void Loader::check_feature_codes(const UciPackage& pkg, Telephony& cfg) {
  std::vector<std::string> disabled;
  check_contact_codes(pkg, cfg, disabled);
  Features& f = cfg.features;
  for (const auto& field : kFeaturesFields) {
    if (!field.str) continue;
    std::string& v = f.*field.str;
    if (field.list) {  // passthrough: drop the clashing ones
      std::string kept;
      for (const std::string& one : words(v))
        if (std::find(disabled.begin(), disabled.end(), one) == disabled.end())
          kept += (kept.empty() ? "" : " ") + one;
      v = kept;
    } else if (std::find(disabled.begin(), disabled.end(), v) != disabled.end()) {
      v.clear();
    }
  }
}

void Loader::check_contact_codes(const UciPackage& pkg, const Telephony& cfg,
                                 std::vector<std::string>& disabled) {
  auto line_of = [&](std::string_view option) {
    if (!features_) return 0;
    const UciOption* o = features_->find(std::string(option));
    return o ? o->line : features_->line;
  };
  // Every code with the option that sets it; passthrough codes are prefixes too.
  std::vector<std::pair<std::string, std::string_view>> codes;
  for (const auto& f : kFeaturesFields)
    if (f.str && !f.list && f.check == check_feature_code && !(cfg.features.*f.str).empty())
      codes.emplace_back(cfg.features.*f.str, f.name);
  for (const std::string& code : words(cfg.features.passthrough))
    codes.emplace_back(code, "passthrough");
  for (size_t i = 0; i < codes.size(); ++i)
    for (size_t j = 0; j < codes.size(); ++j) {
      if (i == j) continue;
      const auto& [a, an] = codes[i];
      const auto& [b, bn] = codes[j];
      // On the line the user wrote: the longer code's, else the shorter one's.
      const int line = features_ && !features_->find(std::string(bn)) ? line_of(an) : line_of(bn);
      if (a == b && i < j)
        v_.error(line, std::string(bn) + " '" + b + "' is also " + std::string(an));
      else if (a.size() < b.size() && b.compare(0, a.size(), a) == 0)
        v_.error(line, std::string(bn) + " '" + b + "' starts with " + std::string(an) + " '" +
                           a + "', which would be dialled first");
    }
  // The seed's contacts come first: a star code that would swallow a contact's `*code` is
  // turned off (with a warning, so that a config written before star codes keeps working).
  for (size_t i = 0, ci = 0; i < pkg.sections.size(); ++i) {
    const auto& sec = pkg.sections[i];
    if (sec.type != "contact") continue;
    const Contact& c = cfg.contacts[ci++];
    const std::string keys = "*" + keypad_digits(c.code);
    for (const auto& [code, name] : codes) {
      if (keys.compare(0, code.size(), code) != 0) continue;
      const UciOption* o = sec.find("code");
      v_.warn(o ? o->line : sec.line, "contact code '" + c.code + "' is dialled as " + keys +
                                          ", which starts with the features' " + std::string(name) +
                                          " '" + code + "': that star code is off");
      disabled.push_back(code);
    }
  }
}

int Loader::general_line(const char* name, const char* fallback) const {
  if (!general_) return 0;
  const UciOption* o = general_->find(name);
  if (!o) o = general_->find(fallback);
  return o ? o->line : general_->line;
}

// Options of the general section that must agree with each other; what is missing.
void Loader::check_general(const Telephony& cfg) {
  if (cfg.general.tls_port == cfg.general.local_port)
    v_.error(general_line("tls_port", "local_port"),
             "tls_port " + std::to_string(cfg.general.tls_port) +
                 " is also local_port: SIP over TCP and over TLS need different ports");
  if (cfg.general.jb_min > cfg.general.jb_max)
    v_.error(general_line("jb_max", "jb_min"), "jb_max " + std::to_string(cfg.general.jb_max) +
                                                   " ms is below jb_min " +
                                                   std::to_string(cfg.general.jb_min) + " ms");
  if (!general_) v_.warn(0, "no 'general' section: using the defaults");
  if (cfg.accounts.empty()) v_.warn(0, "no account section: owsip will register nowhere");
}

}  // namespace

const std::vector<std::string>& cid_standards() {
  static const std::vector<std::string> kCids = {"telecordia", "etsi_fsk", "etsi_dtmf", "sin",
                                                 "ntt",        "kpn_dtmf", "kpn_dtmf_fsk"};
  return kCids;
}

const Account* Telephony::find_account(const std::string& key) const {
  for (const auto& a : accounts)
    if (a.key == key) return &a;
  return nullptr;
}

LoadResult load_telephony_text(std::string_view text, const std::string& file,
                               const Environment& env) {
  LoadResult result;
  Diagnostics& diags = result.diagnostics;
  UciPackage pkg = parse_uci(text, file, diags);
  Loader loader(file, env, diags);
  Telephony cfg;
  cfg.file = file;
  for (const auto& sec : pkg.sections) loader.section(sec, cfg);
  loader.check_references(pkg, cfg);
  loader.check_feature_codes(pkg, cfg);
  loader.check_general(cfg);
  std::stable_sort(diags.begin(), diags.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  if (!has_errors(diags)) result.config = std::move(cfg);
  return result;
}

LoadResult load_telephony_file(const std::string& path, const Environment& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult r;
    r.diagnostics.push_back({Diagnostic::Severity::kError, path, 0,
                             std::string("cannot read: ") + std::strerror(errno)});
    return r;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_telephony_text(ss.str(), path, env);
}

void register_secrets(const Telephony& c) {
  for (const auto& a : c.accounts) log::add_secret(a.password);
}

}  // namespace owsip::config
