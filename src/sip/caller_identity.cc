#include "sip/caller_identity.h"

#include <cctype>

#include "sip/sip_message.h"

namespace owsip::sip {

namespace {

// The user part without its ;user-params (RFC 3261 section 19.1.1: `user` of a telephone
// number may carry ;isub=, ;phone-context=...).
std::string_view bare_user(std::string_view user) { return user.substr(0, user.find(';')); }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// %XX escapes decoded (RFC 3261 section 25.1 `escaped`); a broken escape stays as written.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool anonymous(std::string_view s) { return ascii_iequals(s, "anonymous"); }

// The number an identity carries, if any.
std::optional<std::string> number_of(const IdentityParts& id) {
  if (ascii_iequals(id.scheme, "tel")) return phone_number(id.host.substr(0, id.host.find(';')));
  return phone_number(unescape(bare_user(id.user)));
}

// The name a person reads: the display name, else a user part that is not a number.
std::string name_of(const IdentityParts& id) {
  if (!id.display.empty() && !anonymous(id.display)) return id.display;
  if (ascii_iequals(id.scheme, "tel")) return {};
  const std::string user = unescape(bare_user(id.user));
  if (user.empty() || anonymous(user) || phone_number(user)) return {};
  return user;
}

bool withheld(const IdentityParts& id) {
  return anonymous(id.display) || anonymous(bare_user(id.user));
}

// A Privacy header (RFC 3323 section 4.2: priv-values separated by ';') asks to hide the caller.
bool private_caller(std::string_view privacy) {
  while (!privacy.empty()) {
    const size_t semi = privacy.find_first_of(";,");
    std::string_view v = privacy.substr(0, semi);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    if (ascii_iequals(v, "id") || ascii_iequals(v, "user") || ascii_iequals(v, "header"))
      return true;
    if (semi == std::string_view::npos) break;
    privacy.remove_prefix(semi + 1);
  }
  return false;
}

}  // namespace

std::optional<std::string> phone_number(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c == '+' && out.empty() && i == 0))
      out += c;
    else if (c != '-' && c != '.' && c != '(' && c != ')')
      return std::nullopt;
  }
  if (out.empty() || out == "+") return std::nullopt;
  return out;
}

line::dsp::CallerId caller_identity(const IdentityParts& from,
                                    const std::optional<IdentityParts>& asserted,
                                    std::string_view privacy) {
  line::dsp::CallerId cid;
  const IdentityParts& who = asserted ? *asserted : from;
  if (private_caller(privacy) || withheld(who)) {
    cid.absence = line::dsp::CidAbsence::withheld;
    return cid;
  }
  if (std::optional<std::string> n = number_of(who)) cid.number = *n;
  else if (asserted) cid.number = number_of(from).value_or("");
  cid.name = name_of(who);
  if (cid.name.empty() && asserted && !withheld(from)) cid.name = name_of(from);
  return cid;
}

}  // namespace owsip::sip
