#include "sip/extensions.h"

#include <algorithm>

#include "sip/sip_message.h"

namespace owsip::sip {
namespace {

// 1*DIGIT at the start of `v` (after LWS), saturated; `rest` gets what follows.
std::optional<uint32_t> number(std::string_view v, std::string_view* rest) {
  v = trim_lws(v);
  size_t n = 0;
  while (n < v.size() && v[n] >= '0' && v[n] <= '9') ++n;
  if (n == 0) return std::nullopt;
  std::optional<uint32_t> value = leading_decimal(v.substr(0, n));
  if (rest) *rest = v.substr(n);
  return value;
}

// The value of parameter `name` in ";a=1;b=2" (case-insensitive name), "" when absent.
std::string param(std::string_view params, std::string_view name) {
  while (!params.empty()) {
    const size_t semi = params.find(';');
    if (semi == std::string_view::npos) break;
    params = params.substr(semi + 1);
    const std::string_view p = params.substr(0, params.find(';'));
    const size_t eq = p.find('=');
    if (eq != std::string_view::npos && ascii_iequals(trim_lws(p.substr(0, eq)), name))
      return ascii_lower(trim_lws(p.substr(eq + 1)));
  }
  return "";
}

// Only parameters (or nothing) may follow the number.
bool only_params(std::string_view rest) {
  rest = trim_lws(rest);
  return rest.empty() || rest[0] == ';';
}

}  // namespace

Rel100 rel100_mode(std::string_view option) {
  if (option == "off") return Rel100::off;
  if (option == "required") return Rel100::required;
  return Rel100::supported;
}

bool lists_tag(const std::vector<std::string>& tags, std::string_view tag) {
  return std::any_of(tags.begin(), tags.end(),
                     [&](const std::string& t) { return ascii_iequals(t, tag); });
}

Provisional provisional_mode(Rel100 mode, bool supported, bool required) {
  if (mode == Rel100::off) return required ? Provisional::refuse_420 : Provisional::unreliable;
  if (supported || required) return Provisional::reliable;
  return mode == Rel100::required ? Provisional::refuse_421 : Provisional::unreliable;
}

std::optional<uint32_t> parse_rseq(std::string_view value) {
  std::string_view rest;
  std::optional<uint32_t> n = number(value, &rest);
  if (!n || !trim_lws(rest).empty() || *n == 0 || *n > 0x7fffffffu) return std::nullopt;
  return n;
}

std::optional<RAck> parse_rack(std::string_view value) {
  RAck r;
  std::string_view rest;
  std::optional<uint32_t> rseq = number(value, &rest);
  if (!rseq || rest.empty() || (rest[0] != ' ' && rest[0] != '\t')) return std::nullopt;
  std::optional<uint32_t> cseq = number(rest, &rest);
  if (!cseq || rest.empty() || (rest[0] != ' ' && rest[0] != '\t')) return std::nullopt;
  const std::string_view method = trim_lws(rest);
  if (method.empty() || method.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
  r.rseq = *rseq;
  r.cseq = *cseq;
  r.method = std::string(method);
  return r;
}

std::string format_rack(const RAck& r) {
  return std::to_string(r.rseq) + " " + std::to_string(r.cseq) + " " + r.method;
}

Retransmit reliable_retransmit(int sends) {
  // The k-th sending happens at T1 * (2^(k-1) - 1): 0, T1, 3*T1, 7*T1...
  auto sent_at = [](int k) { return kT1Ms * ((uint64_t{1} << std::min(k - 1, 20)) - 1); };
  const int k = std::max(sends, 1);
  const uint64_t limit = 64 * kT1Ms;
  if (sent_at(k + 1) < limit) return {sent_at(k + 1) - sent_at(k), false};
  return {limit > sent_at(k) ? limit - sent_at(k) : 0, true};
}

std::optional<SessionExpires> parse_session_expires(std::string_view value) {
  std::string_view rest;
  std::optional<uint32_t> n = number(value, &rest);
  if (!n || !only_params(rest)) return std::nullopt;
  SessionExpires se;
  se.seconds = *n;
  const std::string r = param(rest, "refresher");
  se.refresher = r == "uac" ? Refresher::uac : r == "uas" ? Refresher::uas : Refresher::none;
  return se;
}

std::string format_session_expires(const SessionExpires& se) {
  std::string s = std::to_string(se.seconds);
  if (se.refresher == Refresher::uac) s += ";refresher=uac";
  if (se.refresher == Refresher::uas) s += ";refresher=uas";
  return s;
}

std::optional<uint32_t> parse_min_se(std::string_view value) {
  std::string_view rest;
  std::optional<uint32_t> n = number(value, &rest);
  if (!n || !only_params(rest)) return std::nullopt;
  return n;
}

UasTimer uas_session_timer(const TimerPolicy& ours, const TimerRequest& request) {
  UasTimer t;
  if (ours.session_expires == 0) return t;  // off: the 2xx says nothing, there is no timer
  // Section 5: a request without Min-SE means 90 s.
  const uint32_t floor = std::max(ours.min_se, request.min_se.value_or(90));
  Refresher refresher = request.supports_timer ? Refresher::uac : Refresher::uas;
  if (request.session_expires) {
    const uint32_t asked = request.session_expires->seconds;
    if (asked < ours.min_se) {  // section 9: too small for us
      t.refuse = 422;
      t.min_se = ours.min_se;
      return t;
    }
    // It may be made shorter, not below either side's minimum.
    t.granted.seconds = std::min(asked, std::max(ours.session_expires, floor));
    if (request.supports_timer && request.session_expires->refresher != Refresher::none)
      refresher = request.session_expires->refresher;
  } else {
    // The UAS may ask for a timer of its own; a UAC without the extension cannot refresh.
    t.granted.seconds = std::max(ours.session_expires, floor);
  }
  t.granted.refresher = refresher;
  t.require_timer = refresher == Refresher::uac;  // the UAC must know it has to refresh
  return t;
}

std::string uac_timer_headers(const TimerPolicy& ours, uint32_t min_se_asked) {
  if (ours.session_expires == 0) return "";
  const uint32_t min_se = std::max(ours.min_se, min_se_asked);
  const uint32_t se = std::max(ours.session_expires, min_se);
  return "Session-Expires: " + std::to_string(se) + "\r\nMin-SE: " + std::to_string(min_se) +
         "\r\n";
}

ActiveTimer uac_active_timer(const std::optional<SessionExpires>& in_2xx) {
  if (!in_2xx || in_2xx->seconds == 0) return {};
  // The UAS must name the refresher (section 9); without it, the UAC refreshes to be safe.
  return {in_2xx->seconds, in_2xx->refresher != Refresher::uas};
}

ActiveTimer uas_active_timer(const UasTimer& granted) {
  if (granted.refuse || granted.granted.seconds == 0) return {};
  return {granted.granted.seconds, granted.granted.refresher == Refresher::uas};
}

uint64_t refresh_after_ms(uint32_t seconds) {
  return uint64_t{seconds} * 500;
}

uint64_t expiry_after_ms(uint32_t seconds) {
  return (uint64_t{seconds} - std::min<uint64_t>(32, seconds / 3)) * 1000;
}

}  // namespace owsip::sip
