#include "sip/uas_rules.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace owsip::sip {

namespace {

// Every method RFC 3261 and its extensions define (RFC 3262, 3265, 3311, 3428, 3515, 3903,
// 6086): the ones not in kAllowed get 405, anything else 501.
constexpr std::array<std::string_view, 14> kKnown = {
    "INVITE",    "ACK",    "BYE",   "CANCEL",  "OPTIONS", "INFO",   "REGISTER",
    "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PRACK",   "UPDATE", "PUBLISH"};
// REFER: a call transferred by the far end (sip/refer.h); NOTIFY: the subscriptions of REFER
// and message waiting (sip/mwi_client.h);
// PRACK: reliable provisional responses (RFC 3262); UPDATE: received in a call, an offer or a
// session refresh (RFC 3311, RFC 4028). sip/extensions.h has their rules.
constexpr std::array<std::string_view, 10> kAllowed = {
    "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO", "NOTIFY", "REFER", "PRACK", "UPDATE"};
// 100rel: reliable 18x (RFC 3262); replaces: an INVITE with Replaces takes over a call
// (RFC 3891; sip/refer.h); timer: session timers (RFC 4028).
constexpr std::array<std::string_view, 3> kExtensions = {"100rel", "replaces", "timer"};

struct BodyRule {
  std::string_view method;
  std::string_view types;  // what Accept says; the types are compared one by one
};
constexpr std::array<BodyRule, 7> kBodies = {
    {{"INVITE", "application/sdp"},
     {"ACK", "application/sdp"},
     {"OPTIONS", "application/sdp"},
     {"PRACK", "application/sdp"},
     {"UPDATE", "application/sdp"},
     {"INFO", "application/dtmf-relay, application/dtmf"},
     {"NOTIFY", "message/sipfrag, application/simple-message-summary"}}};

template <size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

template <size_t N>
std::string join(const std::array<std::string_view, N>& set) {
  std::string out;
  for (std::string_view v : set) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

UasAnswer answer(uint16_t code, std::string reason, std::string headers = "") {
  return UasAnswer{code, std::move(reason), std::move(headers)};
}

}  // namespace

UasAnswer bad_request_answer(const std::string& why) {
  return answer(400, "Bad Request (" + why + ")", "Warning: 399 owsip \"" + why + "\"\r\n");
}

bool is_uri_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
  return true;
}

std::optional<UasAnswer> method_refusal(std::string_view method) {
  if (contains(kAllowed, method)) return std::nullopt;
  const std::string allow = "Allow: " + allowed_methods() + "\r\n";
  if (contains(kKnown, method)) return answer(405, "Method Not Allowed", allow);
  return answer(501, "Not Implemented", allow);
}

namespace {

std::optional<UasAnswer> method_check(const SipMessage& m) {
  return method_refusal(m.method());
}

std::optional<UasAnswer> scheme_refusal(const SipMessage& m) {
  const std::string uri = m.request_uri();
  const std::string scheme = ascii_lower(uri.substr(0, uri.find(':')));
  if (uri.find(':') == std::string::npos || !is_uri_scheme(scheme))
    return bad_request_answer("malformed Request-URI");
  if (scheme == "sip" || scheme == "sips") return std::nullopt;
  return answer(416, "Unsupported URI Scheme");
}

std::optional<UasAnswer> require_refusal(const SipMessage& m) {
  const std::string method = m.method();
  if (method == "ACK" || method == "CANCEL") return std::nullopt;  // section 8.2.2.3
  std::string unsupported;
  for (const std::string& tag : m.header_list("Require"))
    if (!contains(kExtensions, tag)) unsupported += (unsupported.empty() ? "" : ", ") + tag;
  if (unsupported.empty()) return std::nullopt;
  return answer(420, "Bad Extension", "Unsupported: " + unsupported + "\r\n");
}

bool optional_body(const SipMessage& m) {
  const std::optional<std::string> d = m.header("Content-Disposition");
  if (!d) return false;
  std::string v = ascii_lower(*d);
  v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == ' ' || c == '\t'; }),
          v.end());
  return v.find(";handling=optional") != std::string::npos;
}

std::optional<UasAnswer> content_refusal(const SipMessage& m) {
  const std::string method = m.method();
  if (m.body().empty() || method == "BYE" || method == "CANCEL" || optional_body(m))
    return std::nullopt;
  const std::string accept = accepted_types(method);
  const std::string headers =
      "Accept: " + accept + "\r\nAccept-Encoding: identity\r\n" + "Accept-Language: en\r\n";
  for (std::string_view name : {"Content-Encoding", "e"})
    for (const std::string& e : m.header_list(name))
      if (ascii_lower(e) != "identity") return answer(415, "Unsupported Content-Encoding", headers);
  // content_type() is lower-case, and so is every type in the table.
  const std::string type = m.content_type();
  if (!type.empty() && (", " + accept + ",").find(", " + type + ",") != std::string::npos)
    return std::nullopt;
  return answer(415, "Unsupported Media Type", headers);
}

// An INVITE's Accept names what its sender can read in our answers: a 200 carries SDP, so
// an Accept without application/sdp (or a range holding it) cannot be served (406, RFC 3261
// section 21.4.7; RFC 4475 section 3.3.15).
std::optional<UasAnswer> accept_refusal(const SipMessage& m) {
  if (m.method() != "INVITE" || !m.header("Accept")) return std::nullopt;
  const std::vector<std::string> ranges = m.header_list("Accept");
  if (ranges.empty()) return std::nullopt;  // an empty Accept: the sender says nothing
  for (const std::string& r : ranges) {
    const std::string type = ascii_lower(r.substr(0, r.find(';')));
    const std::string_view t = std::string_view(type).substr(0, type.find_last_not_of(" \t") + 1);
    if (t == "application/sdp" || t == "application/*" || t == "*/*") return std::nullopt;
  }
  return answer(406, "Not Acceptable", "Accept: application/sdp\r\n");
}

}  // namespace

std::string allowed_methods() {
  return join(kAllowed);
}
std::string supported_extensions() {
  return join(kExtensions);
}

std::string capability_headers(bool with_100rel, bool with_timer) {
  std::string supported;
  for (std::string_view tag : kExtensions)
    if ((tag != "100rel" || with_100rel) && (tag != "timer" || with_timer))
      supported += (supported.empty() ? "" : ", ") + std::string(tag);
  return "Allow: " + allowed_methods() + "\r\nSupported: " + supported + "\r\n";
}

std::string accepted_types(std::string_view method) {
  for (const BodyRule& r : kBodies)
    if (r.method == method) return std::string(r.types);
  return "";
}

std::string options_headers() {
  return "Allow: " + allowed_methods() + "\r\nAccept: " + accepted_types("OPTIONS") +
         "\r\nAccept-Encoding: identity\r\nAccept-Language: en\r\nSupported: " +
         supported_extensions() + "\r\n";
}

std::optional<UasAnswer> uas_refusal(const SipMessage& m, bool merged) {
  if (!m.is_request()) return std::nullopt;
  if (std::optional<std::string> why = m.request_error()) return bad_request_answer(*why);
  if (m.method() == "ACK") return std::nullopt;  // its transaction or dialog decides
  for (auto check : {method_check, scheme_refusal})
    if (std::optional<UasAnswer> a = check(m)) return a;
  if (merged) return answer(482, "Loop Detected");
  for (auto check : {require_refusal, content_refusal, accept_refusal})
    if (std::optional<UasAnswer> a = check(m)) return a;
  return std::nullopt;
}

}  // namespace owsip::sip
