#include "config/option_checks.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>
#include <string_view>
#include <vector>

#include "config/digit_map.h"

namespace owsip::config {
namespace {

// "host", "host:port", "[v6]" or "[v6]:port"; "" when well-formed, else why not.
std::string check_host_port(const char* what, const std::string& v) {
  const std::string bad = std::string(what) + " '" + v + "'";
  std::string_view s = v, host = s, port;
  bool has_port = false;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return bad + " opens '[' without ']'";
    host = s.substr(1, close - 1);
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad + ": expected ':port' after ']'";
      port = rest.substr(1);
      has_port = true;
    }
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return bad + " is not an IPv6 address in brackets";
  } else {
    size_t colon = s.find(':');
    if (colon != s.rfind(':')) return bad + " is not host[:port] (an IPv6 address needs [brackets])";
    if (colon != std::string_view::npos) {
      host = s.substr(0, colon);
      port = s.substr(colon + 1);
      has_port = true;
    }
    if (host.empty() || host.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") !=
                            std::string_view::npos)
      return bad + " is not host[:port] (an IPv6 address needs [brackets])";
  }
  if (has_port) {
    long n = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || n > 65535) return bad + ": the port is not a number 1..65535";
      n = n * 10 + (c - '0');
    }
    if (port.empty() || n < 1 || n > 65535) return bad + ": the port is not a number 1..65535";
  }
  return "";
}

}  // namespace

std::string check_registrar(const std::string& v) { return check_host_port("registrar", v); }

std::string check_outbound(const std::string& v) {
  std::string_view s = v;
  if (!s.empty() && s.front() == '<') {
    if (s.back() != '>') return "outbound proxy '" + v + "' opens '<' without closing '>'";
    s = s.substr(1, s.size() - 2);
  }
  if (s.rfind("sip:", 0) == 0) {
    s.remove_prefix(4);
  } else if (s.rfind("sips:", 0) == 0) {
    s.remove_prefix(5);
  } else {
    return "outbound proxy '" + v + "' is not a sip: or sips: URI";
  }
  if (s.find_first_of(" \t") != std::string_view::npos)
    return "outbound proxy '" + v + "' contains a blank";
  if (s.find('@') != std::string_view::npos)
    return "outbound proxy '" + v + "' names a user; write sip:host[:port][;params]";
  const std::string host_port(s.substr(0, s.find(';')));
  if (std::string msg = check_host_port("outbound proxy host", host_port); !msg.empty()) return msg;
  if (size_t t = s.find(";transport="); t != std::string_view::npos) {
    std::string_view tp = s.substr(t + 11);
    tp = tp.substr(0, tp.find(';'));
    if (tp != "udp" && tp != "tcp" && tp != "tls" && tp != "UDP" && tp != "TCP" && tp != "TLS")
      return "outbound proxy '" + v + "': transport must be udp, tcp or tls";
  }
  return "";
}

std::string check_display_name(const std::string& v) {
  for (char c : v)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      return "display_name '" + v + "' may not hold quotes, backslashes or control characters";
  return "";
}

std::string check_mailbox(const std::string& v) {
  for (char c : v)
    if (c == ' ' || c == '\t' || c == '"' || c == '<' || c == '>' ||
        static_cast<unsigned char>(c) < 0x20)
      return "mailbox '" + v + "' may not hold blanks, quotes, '<', '>' or control characters";
  const size_t colon = v.find(':');
  if (colon != std::string::npos && v.compare(0, colon, "sip") != 0 &&
      v.compare(0, colon, "sips") != 0)
    return "mailbox '" + v + "': a user name or a sip: / sips: URI";
  return "";
}

std::string check_dial_user(const std::string& v) {
  for (char c : v)
    if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr("*#+-._", c))
      return "'" + v + "' is no number or user name (0-9 * # + letters - . _)";
  return "";
}

std::string check_codecs(const std::string& v) {
  static const char* const kKnown[] = {"PCMU", "PCMA", "G722"};
  std::string name;
  for (size_t i = 0; i <= v.size(); ++i) {
    if (i < v.size() && v[i] != ' ' && v[i] != ',' && v[i] != '\t') {
      name += static_cast<char>(std::toupper(static_cast<unsigned char>(v[i])));
      continue;
    }
    if (name.empty()) continue;
    if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown))
      return "codecs: unknown codec '" + name + "' (known: PCMU PCMA G722)";
    name.clear();
  }
  return "";
}

std::string check_code(const std::string& v) {
  for (char c : v) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!ok) return "contact code '" + v + "' may hold only 0-9, a-z and A-Z";
  }
  return "";
}

std::string keypad_digits(std::string_view code) {
  static const char* const kKeys[] = {"abc", "def", "ghi", "jkl", "mno", "pqrs", "tuv", "wxyz"};
  std::string out;
  for (char c : code) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    char digit = l;
    for (int k = 0; k < 8; ++k)
      if (std::string_view(kKeys[k]).find(l) != std::string_view::npos && l >= 'a' && l <= 'z')
        digit = static_cast<char>('2' + k);
    out += digit;
  }
  return out;
}

std::string check_feature_code(const std::string& v) {
  if (v.empty() || v == "off") return "";
  if (v[0] != '*' && v[0] != '#')
    return "code '" + v + "' must start with * or # (a number would be dialled as one)";
  if (v.size() < 2 || v.size() > 7) return "code '" + v + "' must have 2 to 7 keys";
  if (v.find_first_not_of("0123456789*#") != std::string::npos)
    return "code '" + v + "' may hold only 0-9, * and #";
  if (v.rfind("**", 0) == 0) return "code '" + v + "' starts with **, the internal calls";
  return "";
}

std::vector<std::string> words(const std::string& v) {
  std::vector<std::string> out;
  std::string w;
  for (char c : v + " ") {
    if (c == ' ' || c == '\t') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  return out;
}

std::string check_passthrough_codes(const std::string& v) {
  for (const std::string& code : words(v))
    if (std::string why = check_feature_code(code); !why.empty()) return why;
  return "";
}

std::string check_digit_map(const std::string& v) {
  auto m = DigitMap::parse(v);
  return m ? "" : m.message();
}

namespace {
bool dialable(const std::string& v) {
  return !v.empty() && v.find_first_not_of("0123456789*#") == std::string::npos;
}
}  // namespace

std::string check_keys(const std::string& v) {
  if (v.empty() || dialable(v)) return "";
  return "'" + v + "' is not something a phone dials (keys 0-9, * and #)";
}

std::string check_pin(const std::string& v) {
  if (v.empty()) return "";
  if (v.size() < 4 || v.size() > 10 || v.find_first_not_of("0123456789") != std::string::npos)
    return "a PIN is 4 to 10 digits";
  return "";
}

std::string check_keys_list(const std::string& v) {
  for (const auto& w : words(v))
    if (!dialable(w)) return "'" + w + "' is not a prefix a phone dials (keys 0-9, * and #)";
  return "";
}

std::string check_account_prefix(const std::string& v) {
  if (v.empty()) return "";
  if (!dialable(v)) return "prefix '" + v + "' is not something a phone dials (keys 0-9, * and #)";
  if (v.rfind("**", 0) == 0) return "prefix '" + v + "' would hide the internal numbers **1, **2, ...";
  return "";
}

std::string check_emergency(const std::string& v) {
  for (const auto& w : words(v))
    if (w.find_first_not_of("0123456789") != std::string::npos)
      return "emergency number '" + w + "' may hold only digits";
  return "";
}

std::string check_number_patterns(const std::string& v) {
  for (const auto& w : words(v)) {
    if (w.find('|') != std::string::npos) return "'" + w + "': give one pattern per list entry, without '|'";
    auto m = DigitMap::parse(w);
    if (!m) return m.message();
  }
  return "";
}

std::string check_host(const std::string& v) {
  if (v.find_first_of(" \t/") != std::string::npos) return "host '" + v + "' is not a host name";
  return "";
}

std::string normalize_led(std::string& led) {
  constexpr std::string_view kDir = "/sys/class/leds/";
  std::string name = led;
  if (std::string_view(name).substr(0, kDir.size()) == kDir) name.erase(0, kDir.size());
  while (!name.empty() && name.back() == '/') name.pop_back();
  if (led.empty()) return "";
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    return "led '" + led + "' is not an LED: give its name (e.g. soc:green:fxs1) or /sys/class/leds/NAME";
  led = name;
  return "";
}

}  // namespace owsip::config
