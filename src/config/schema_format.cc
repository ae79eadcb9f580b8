// The schema printed: the effective configuration, the option table, the reload diff's
// changed options.
#include <sstream>
#include <string>
#include <vector>

#include "config/schema_fields.h"
#include "config/uci.h"

namespace owsip::config {
namespace {

using namespace schema_fields;

template <class S, size_t N>
void format_section(std::ostringstream& os, const char* type, const std::string& name,
                    const Field<S> (&fields)[N], const S& s) {
  os << "\nconfig " << type;
  if (!name.empty() && name[0] != '@') os << " " << uci_quote(name);
  os << "\n";
  for (const auto& f : fields) {
    std::string v;
    switch (f.kind) {
      case Kind::kString:
      case Kind::kEnum:
        v = s.*f.str;
        if (v.empty()) continue;  // unset: uci has no way to write an empty option
        if (f.secret) v = "****";
        break;
      case Kind::kInt:
        v = std::to_string(s.*f.num);
        break;
      case Kind::kBool:
        v = s.*f.flag ? "1" : "0";
        break;
    }
    os << "\toption " << f.name << " " << uci_quote(v) << "\n";
  }
}

template <class S, size_t N>
void add_docs(std::vector<OptionDoc>& out, const char* section, const Field<S> (&fields)[N],
              const Environment& env) {
  const S defaults{};
  for (const auto& f : fields) {
    OptionDoc d;
    d.section = section;
    d.option = std::string(f.name);
    d.required = f.required;
    d.description = std::string(f.help);
    switch (f.kind) {
      case Kind::kString:
        d.type = f.list ? "list" : "string";
        d.default_text = defaults.*f.str;
        break;
      case Kind::kEnum:
        d.type = "enum";
        d.default_text = defaults.*f.str;
        if (f.choices == locales)
          d.description +=
              " (" + std::to_string(env.locales.size()) + " countries, see docs/TONES.md)";
        else
          d.description += " (one of " + join(f.choices(env), ", ") + ")";
        break;
      case Kind::kInt:
        d.type = "int " + std::to_string(f.min) + ".." + std::to_string(f.max);
        d.default_text = f.required ? "" : std::to_string(defaults.*f.num);
        break;
      case Kind::kBool:
        d.type = "bool";
        d.default_text = defaults.*f.flag ? "1" : "0";
        break;
    }
    out.push_back(std::move(d));
  }
}

}  // namespace

std::string format_effective(const Telephony& c) {
  std::ostringstream os;
  os << "# effective configuration of " << c.file << " (defaults filled in, secrets masked)\n";
  format_section(os, "general", "", kGeneralFields, c.general);
  if (c.stun) format_section(os, "stun", "", kStunFields, *c.stun);
  format_section(os, "features", "", kFeaturesFields, c.features);
  format_section(os, "voicemail", "", kVoicemailFields, c.voicemail);
  for (const auto& a : c.accounts) format_section(os, "account", a.key, kAccountFields, a);
  for (const auto& p : c.ports) format_section(os, "port", p.section, kPortFields, p);
  for (const auto& ct : c.contacts) format_section(os, "contact", "", kContactFields, ct);
  for (const auto& r : c.relays) format_section(os, "relay", r.section, kRelayFields, r);
  os << "\nconfig timers\n";
  for (const auto& d : timer_defs())
    os << "\toption " << d.name << " '" << c.timers.ms(d.name) << "'\n";
  return os.str();
}

std::vector<OptionDoc> schema_docs(const Environment& env) {
  std::vector<OptionDoc> out;
  add_docs(out, "general", kGeneralFields, env);
  add_docs(out, "stun", kStunFields, env);
  add_docs(out, "features", kFeaturesFields, env);
  add_docs(out, "voicemail", kVoicemailFields, env);
  add_docs(out, "account", kAccountFields, env);
  add_docs(out, "port", kPortFields, env);
  add_docs(out, "contact", kContactFields, env);
  add_docs(out, "relay", kRelayFields, env);
  for (const auto& d : timer_defs()) {
    out.push_back({"timers", std::string(d.name),
                   "ms " + std::to_string(d.min_ms) + ".." + std::to_string(d.max_ms),
                   std::to_string(d.default_ms), false, std::string(d.help)});
  }
  return out;
}

std::string format_schema_markdown(const Environment& env) {
  std::ostringstream os;
  os << "| section | option | type | default | description |\n";
  os << "|---|---|---|---|---|\n";
  for (const auto& d : schema_docs(env)) {
    std::string def = d.required
                          ? "*required*"
                          : (d.default_text.empty() ? "*(none)*" : "`" + d.default_text + "`");
    std::string desc;  // a '|' would end the table cell, even inside `code`
    for (char c : d.description) desc += c == '|' ? std::string("\\|") : std::string(1, c);
    os << "| " << d.section << " | `" << d.option << "` | " << d.type << " | " << def << " | "
       << desc << " |\n";
  }
  return os.str();
}

std::vector<std::string> changed_general_options(const General& a, const General& b) {
  std::vector<std::string> out;
  for (const auto& f : kGeneralFields) {
    bool same = true;
    switch (f.kind) {
      case Kind::kString:
      case Kind::kEnum:
        same = a.*f.str == b.*f.str;
        break;
      case Kind::kInt:
        same = a.*f.num == b.*f.num;
        break;
      case Kind::kBool:
        same = a.*f.flag == b.*f.flag;
        break;
    }
    if (!same) out.emplace_back(f.name);
  }
  return out;
}

Restart general_option_restart(std::string_view name) {
  for (const auto& f : kGeneralFields)
    if (f.name == name) return f.restart;
  return Restart::kNothing;
}

}  // namespace owsip::config
