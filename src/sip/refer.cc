#include "sip/refer.h"

#include <cctype>

#include "sip/sip_message.h"

namespace owsip::sip {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool unescape(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

// RFC 3261 section 25.1: hnv-unreserved / unreserved may stand in a header's value.
std::string escape_header_value(std::string_view in) {
  static constexpr std::string_view kPlain = "-_.!~*'()[]/?:+$";
  std::string out;
  for (char c : in) {
    if (std::isalnum(static_cast<unsigned char>(c)) || kPlain.find(c) != std::string_view::npos) {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      out += kHex[static_cast<unsigned char>(c) & 0xf];
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

Result<ReferTarget> parse_refer_to(std::string_view value) {
  value = trim(value);
  std::string_view uri;
  if (const size_t lt = value.find('<'); lt != std::string_view::npos) {
    const size_t gt = value.find('>', lt);
    if (gt == std::string_view::npos) return Status::error("Refer-To has '<' without '>'");
    uri = value.substr(lt + 1, gt - lt - 1);
  } else {
    // Without angle brackets the URI has no headers, and ';' starts the header's parameters.
    uri = value.substr(0, value.find(';'));
    if (uri.find('?') != std::string_view::npos)
      return Status::error("Refer-To has URI headers without '<>'");
  }
  uri = trim(uri);
  const size_t colon = uri.find(':');
  if (uri.empty() || colon == std::string_view::npos) return Status::error("Refer-To has no URI");
  const std::string scheme = ascii_lower(std::string(uri.substr(0, colon)));
  if (scheme != "sip" && scheme != "sips")
    return Status::error("Refer-To scheme '" + scheme + "' is not sip or sips");
  ReferTarget t;
  const size_t q = uri.find('?');
  t.uri = std::string(uri.substr(0, q));
  if (t.uri.size() <= colon + 1) return Status::error("Refer-To has no URI");
  if (q == std::string_view::npos) return t;
  std::string_view headers = uri.substr(q + 1);
  while (!headers.empty()) {
    const size_t amp = headers.find('&');
    std::string_view h = headers.substr(0, amp);
    headers = amp == std::string_view::npos ? std::string_view() : headers.substr(amp + 1);
    const size_t eq = h.find('=');
    if (eq == std::string_view::npos) continue;
    if (ascii_lower(std::string(h.substr(0, eq))) != "replaces") continue;
    if (!unescape(h.substr(eq + 1), t.replaces))
      return Status::error("Refer-To has a malformed escape in Replaces");
  }
  return t;
}

std::string make_refer_to(const std::string& uri, const std::string& replaces) {
  if (replaces.empty()) return "<" + uri + ">";
  return "<" + uri + "?Replaces=" + escape_header_value(replaces) + ">";
}

std::string make_replaces(const std::string& call_id, const std::string& to_tag,
                          const std::string& from_tag) {
  return call_id + ";to-tag=" + to_tag + ";from-tag=" + from_tag;
}

Result<ReplacesTarget> parse_replaces(std::string_view value) {
  value = trim(value);
  ReplacesTarget r;
  size_t semi = value.find(';');
  r.call_id = std::string(trim(value.substr(0, semi)));
  if (r.call_id.empty()) return Status::error("Replaces has no Call-ID");
  bool to = false, from = false;
  while (semi != std::string_view::npos) {
    value = value.substr(semi + 1);
    semi = value.find(';');
    std::string_view p = trim(value.substr(0, semi));
    const size_t eq = p.find('=');
    const std::string name = ascii_lower(std::string(trim(p.substr(0, eq))));
    const std::string_view v = eq == std::string_view::npos ? "" : trim(p.substr(eq + 1));
    if (name == "to-tag") r.to_tag = std::string(v), to = true;
    else if (name == "from-tag") r.from_tag = std::string(v), from = true;
    else if (name == "early-only") r.early_only = true;
  }
  if (!to || !from) return Status::error("Replaces needs a to-tag and a from-tag");
  return r;
}

std::string sipfrag(int code) {
  return "SIP/2.0 " + std::to_string(code) + " " + reason_phrase(code) + "\r\n";
}

int parse_sipfrag(std::string_view body) {
  body = trim(body);
  constexpr std::string_view kVersion = "SIP/2.0 ";
  if (body.size() < kVersion.size() + 3 || body.substr(0, kVersion.size()) != kVersion) return 0;
  int code = 0;
  for (size_t i = kVersion.size(); i < kVersion.size() + 3; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(body[i]))) return 0;
    code = code * 10 + (body[i] - '0');
  }
  return code >= 100 && code <= 699 ? code : 0;
}

}  // namespace owsip::sip
