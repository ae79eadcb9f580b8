#include "sip/sip_message.h"

#include <re.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <limits>

namespace owsip::sip {

namespace {

std::string text(const struct pl& pl) {
  return pl.p ? std::string(pl.p, pl.l) : std::string();
}

std::string lower(std::string_view s) {
  return ascii_lower(s);
}

NameAddr name_addr(const struct pl& dname, const struct pl& auri, const struct uri& uri,
                   const struct pl& params) {
  NameAddr a;
  a.display = text(dname);
  a.uri = text(auri);
  a.scheme = text(uri.scheme);
  a.user = text(uri.user);
  a.host.host = text(uri.host);
  a.host.port = uri.port;
  a.uri_params = text(uri.params);
  a.params = text(params);
  return a;
}

bool collect_contact(const struct sip_hdr* hdr, const struct sip_msg*, void* arg) {
  auto* out = static_cast<std::vector<NameAddr>*>(arg);
  struct sip_addr addr;
  if (sip_addr_decode(&addr, &hdr->val) == 0)
    out->push_back(name_addr(addr.dname, addr.auri, addr.uri, addr.params));
  return false;  // visit every Contact
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// `s` as a decimal number no larger than `max`; nullopt otherwise (also for signs and spaces).
std::optional<uint64_t> bounded_decimal(std::string_view s, uint64_t max) {
  if (!all_digits(s) || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
  if (v > max) return std::nullopt;
  return v;
}

std::string_view trim(std::string_view s) {
  return trim_lws(s);
}

// A control character outside a quoted-pair (RFC 3261 section 25.1: inside a quoted string,
// '\\' may escape any octet but CR and LF, so "BEL:\\<07>" is a valid display name). Folded
// values keep their CR LF inside; HT is whitespace.
bool has_control(const struct pl& pl) {
  bool quoted = false;
  for (size_t i = 0; i < pl.l; ++i) {
    const auto c = static_cast<unsigned char>(pl.p[i]);
    if (quoted && c == '\\' && i + 1 < pl.l && pl.p[i + 1] != '\r' && pl.p[i + 1] != '\n') {
      ++i;  // the escaped octet, whatever it is
      continue;
    }
    if (c == '"') quoted = !quoted;
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) return true;
  }
  return false;
}

std::string_view view(const struct pl& pl) {
  return pl.p ? std::string_view(pl.p, pl.l) : std::string_view();
}

// The index just past the quoted string `v` starts with, or npos when it never ends.
size_t quoted_end(std::string_view v) {
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] == '\\') ++i;
    else if (v[i] == '"') return i + 1;
  }
  return std::string_view::npos;
}

// A display name is a quoted string, or tokens and white space (RFC 3261 section 25.1:
// "Bell, Alexander" must be quoted, RFC 4475 sections 3.1.2.6 and 3.1.2.15).
std::optional<std::string> display_name_error(const struct pl& value) {
  std::string_view v = trim(view(value));
  if (!v.empty() && v.front() == '"') {
    if (quoted_end(v) != std::string_view::npos) return std::nullopt;
    return std::string("display name: unterminated quoted string");
  }
  const size_t angle = v.find('<');
  if (angle == std::string_view::npos) return std::nullopt;  // a bare addr-spec
  for (char c : v.substr(0, angle))
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view(" \t\r\n-.!%*_+`'~").find(c) == std::string_view::npos)
      return std::string("display name is not quoted");
  return std::nullopt;
}

// Parameters of a Via or Contact value with nothing between their separators (";;", ",,",
// a trailing ';'), outside quoted strings: RFC 4475 section 3.1.2.1.
bool empty_parameter(std::string_view v) {
  char last = ',';  // a value may not start with a separator either
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '"') {
      const size_t end = quoted_end(v.substr(i));
      if (end == std::string_view::npos) return true;
      i += end - 1;
    } else if ((c == ';' || c == ',') && (last == ';' || last == ',')) {
      return true;
    }
    last = c;
  }
  return last == ';' || last == ',';
}

// The Request-URI's own faults: headers (RFC 3261 section 19.1.5; a '?' before the '@' is
// part of the user), an IPv6 address without brackets (RFC 5118 section 4.2), a reference
// that is unclosed or no IPv6 address (section 4.10: three colons in a row).
std::optional<std::string> request_uri_error(std::string_view ruri) {
  const std::string scheme = lower(std::string(ruri.substr(0, ruri.find(':'))));
  if (scheme != "sip" && scheme != "sips") return std::nullopt;  // 416 comes later
  const size_t at = ruri.rfind('@');
  if (ruri.find('?', at == std::string_view::npos ? 0 : at) != std::string_view::npos)
    return std::string("Request-URI has headers");
  std::string_view host = ruri.substr(at == std::string_view::npos ? scheme.size() + 1 : at + 1);
  host = host.substr(0, host.find_first_of(";?"));
  const size_t open = host.find('['), close = host.find(']');
  if (open == std::string_view::npos && close == std::string_view::npos) {
    if (std::count(host.begin(), host.end(), ':') > 1)  // RFC 5118 section 4.2
      return std::string("Request-URI has an IPv6 address without brackets");
    return std::nullopt;
  }
  in6_addr a;
  if (open != 0 || close == std::string_view::npos ||
      inet_pton(AF_INET6, std::string(host.substr(1, close - 1)).c_str(), &a) != 1)
    return std::string("Request-URI has a malformed IPv6 reference");
  return std::nullopt;
}

// What request_error() checks in values rather than counts and numbers.
std::optional<std::string> value_error(const struct sip_msg* msg) {
  if (auto e = request_uri_error(view(msg->ruri))) return e;
  for (const struct le* le = msg->hdrl.head; le; le = le->next) {
    const auto* h = static_cast<const struct sip_hdr*>(le->data);
    if (has_control(h->name) || has_control(h->val))
      return std::string("control character in a header");
    if (h->id == SIP_HDR_FROM || h->id == SIP_HDR_TO)
      if (std::optional<std::string> e = display_name_error(h->val))
        return std::string(h->id == SIP_HDR_FROM ? "From " : "To ") + *e;
    if ((h->id == SIP_HDR_VIA || h->id == SIP_HDR_CONTACT) && empty_parameter(view(h->val)))
      return "empty parameter in " + text(h->name);
    if (h->id == SIP_HDR_DATE && !trim(view(h->val)).ends_with(" GMT"))
      return std::string("Date is not in GMT");  // RFC 3261 section 20.17
  }
  return std::nullopt;
}

}  // namespace

bool ascii_iequals(std::string_view a, std::string_view b) {
  auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return low(x) == low(y); });
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim_lws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string unfold(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\r' && v[i] != '\n') {
      out += v[i];
      continue;
    }
    // CR LF and the white space around it: one SP (RFC 3261 section 7.3.1).
    while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
    while (i + 1 < v.size() && (v[i + 1] == '\r' || v[i + 1] == '\n' || v[i + 1] == ' ' ||
                                v[i + 1] == '\t'))
      ++i;
    out += ' ';
  }
  return out;
}

std::optional<uint32_t> leading_decimal(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  if (s.empty() || s.front() < '0' || s.front() > '9') return std::nullopt;
  constexpr uint32_t kMax = std::numeric_limits<uint32_t>::max();
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') break;
    const uint32_t d = static_cast<uint32_t>(c - '0');
    v = v > (kMax - d) / 10 ? kMax : v * 10 + d;
  }
  return v;
}

Result<SipMessage> SipMessage::decode(std::span<const uint8_t> bytes, bool strict) {
  struct mbuf* mb = mbuf_alloc(bytes.size() ? bytes.size() : 1);
  if (!mb) return Status::error("out of memory");
  if (!bytes.empty() && mbuf_write_mem(mb, bytes.data(), bytes.size()) != 0) {
    mem_deref(mb);
    return Status::error("out of memory");
  }
  mb->pos = 0;
  struct sip_msg* msg = nullptr;
  const int err = sip_msg_decode(&msg, mb);
  mem_deref(mb);  // the message keeps its own reference
  if (err) return Status::error(std::string("not a SIP message: ") + std::strerror(err));
  SipMessage m(msg);
  if (auto why = m.start_line_error(); why && strict)
    return Status::error("not a SIP message: " + *why);
  return m;
}

SipMessage SipMessage::wrap(const struct sip_msg* msg) {
  return SipMessage(static_cast<struct sip_msg*>(mem_ref(const_cast<struct sip_msg*>(msg))));
}

SipMessage::~SipMessage() {
  mem_deref(msg_);
}

SipMessage::SipMessage(SipMessage&& other) noexcept : msg_(other.msg_) {
  other.msg_ = nullptr;
}

SipMessage& SipMessage::operator=(SipMessage&& other) noexcept {
  if (this != &other) {
    mem_deref(msg_);
    msg_ = other.msg_;
    other.msg_ = nullptr;
  }
  return *this;
}

bool SipMessage::is_request() const {
  return msg_->req;
}
std::string SipMessage::method() const {
  return msg_->req ? text(msg_->met) : std::string();
}
int SipMessage::status() const {
  return msg_->req ? 0 : msg_->scode;
}
std::string SipMessage::reason() const {
  return msg_->req ? std::string() : text(msg_->reason);
}
std::string SipMessage::request_uri() const {
  return msg_->req ? text(msg_->ruri) : std::string();
}
std::string SipMessage::call_id() const {
  return text(msg_->callid);
}
uint32_t SipMessage::cseq() const {
  return msg_->cseq.num;
}
std::string SipMessage::cseq_method() const {
  return text(msg_->cseq.met);
}

NameAddr SipMessage::from() const {
  return name_addr(msg_->from.dname, msg_->from.auri, msg_->from.uri, msg_->from.params);
}
NameAddr SipMessage::to() const {
  return name_addr(msg_->to.dname, msg_->to.auri, msg_->to.uri, msg_->to.params);
}
std::string SipMessage::from_tag() const {
  return text(msg_->from.tag);
}
std::string SipMessage::to_tag() const {
  return text(msg_->to.tag);
}

std::vector<NameAddr> SipMessage::contacts() const {
  std::vector<NameAddr> out;
  sip_msg_hdr_apply(msg_, true, SIP_HDR_CONTACT, collect_contact, &out);
  return out;
}

HostPort SipMessage::via_sent_by() const {
  HostPort hp;
  struct pl host, port;
  if (msg_->via.sentby.p && uri_decode_hostport(&msg_->via.sentby, &host, &port) == 0) {
    hp.host = text(host);
    const uint32_t p = leading_decimal(text(port)).value_or(0);
    hp.port = p > 65535 ? 0 : static_cast<uint16_t>(p);
  } else {
    hp.host = text(msg_->via.sentby);
  }
  return hp;
}

std::string SipMessage::via_transport() const {
  return msg_->via.sentby.p ? sip_transp_name(msg_->via.tp) : "";
}
std::string SipMessage::via_params() const {
  return text(msg_->via.params);
}
std::string SipMessage::via_branch() const {
  return text(msg_->via.branch);
}

std::optional<HostPort> SipMessage::seen_as() const {
  if (!msg_->via.sentby.p) return std::nullopt;
  HostPort sent_by = via_sent_by();
  if (sent_by.port == 0)
    sent_by.port = default_port(msg_->via.tp == SIP_TRANSP_TLS ? Transport::kTls : Transport::kUdp);
  return seen_as_from_via(via_params(), sent_by);
}

std::optional<std::string> SipMessage::header(std::string_view name) const {
  const std::string n(name);
  const struct sip_hdr* h = sip_msg_xhdr(msg_, n.c_str());
  if (!h) return std::nullopt;
  return unfold(view(h->val));
}

size_t SipMessage::header_count(std::string_view name) const {
  const std::string n(name);
  return sip_msg_xhdr_count(msg_, n.c_str());
}

namespace {
bool collect_list(const struct sip_hdr* hdr, const struct sip_msg*, void* arg) {
  auto* out = static_cast<std::vector<std::string>*>(arg);
  const std::string value = unfold(view(hdr->val));
  std::string_view rest = value;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    if (!item.empty()) out->emplace_back(item);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return false;  // every header of the name
}
}  // namespace

std::vector<std::string> SipMessage::header_list(std::string_view name) const {
  std::vector<std::string> out;
  const std::string n(name);
  sip_msg_xhdr_apply(msg_, true, n.c_str(), collect_list, &out);
  return out;
}

std::optional<uint32_t> SipMessage::header_number(std::string_view name) const {
  auto v = header(name);
  if (!v) return std::nullopt;
  return leading_decimal(*v);
}

std::string SipMessage::content_type() const {
  if (!msg_->ctyp.type.p) return "";
  return lower(text(msg_->ctyp.type) + "/" + text(msg_->ctyp.subtype));
}

std::string_view SipMessage::body() const {
  const struct mbuf* mb = msg_->mb;
  if (!mb || mb->pos > mb->end) return {};
  std::string_view all(reinterpret_cast<const char*>(mb->buf + mb->pos), mb->end - mb->pos);
  // A datagram may hold more than Content-Length says: the rest is no part of the message
  // (RFC 3261 section 18.3).
  if (std::optional<uint32_t> n = leading_decimal(view(msg_->clen)); n && *n < all.size())
    all = all.substr(0, *n);
  return all;
}

std::optional<std::string> SipMessage::start_line_error() const {
  if (pl_strcasecmp(&msg_->ver, "SIP/2.0") != 0) return std::string("version is not SIP/2.0");
  if (msg_->req) return std::nullopt;
  const char* from = msg_->ver.p + msg_->ver.l;
  const char* to = msg_->reason.p ? msg_->reason.p : from;
  if (to < from) return std::string("malformed status line");
  const std::string_view code = trim(std::string_view(from, static_cast<size_t>(to - from)));
  if (code.size() != 3 || !bounded_decimal(code, 699) || code[0] == '0')
    return std::string("status code is not 100-699");
  return std::nullopt;
}

std::optional<std::string> SipMessage::request_error() const {
  if (!msg_->req) return std::nullopt;
  struct Single {
    enum sip_hdrid id;
    const char* name;
  };
  for (const Single& h : {Single{SIP_HDR_FROM, "From"}, Single{SIP_HDR_TO, "To"},
                          Single{SIP_HDR_CALL_ID, "Call-ID"}, Single{SIP_HDR_CSEQ, "CSeq"}}) {
    const uint32_t n = sip_msg_hdr_count(msg_, h.id);
    if (n == 0) return std::string("missing ") + h.name;
    if (n > 1) return std::string("more than one ") + h.name;
  }
  if (sip_msg_hdr_count(msg_, SIP_HDR_VIA) == 0) return std::string("missing Via");

  const std::string cseq = unfold(view(sip_msg_hdr(msg_, SIP_HDR_CSEQ)->val));
  const std::string_view cv = trim(cseq);
  const size_t space = cv.find_first_of(" \t");
  if (space == std::string_view::npos || !bounded_decimal(cv.substr(0, space), 0x7fffffff))
    return std::string("CSeq number is not 0..2^31-1");
  if (trim(cv.substr(space)) != std::string_view(msg_->met.p, msg_->met.l))
    return std::string("CSeq method differs from the request's");

  if (sip_msg_hdr_count(msg_, SIP_HDR_CONTENT_LENGTH) > 1)
    return std::string("more than one Content-Length");
  if (const struct sip_hdr* h = sip_msg_hdr(msg_, SIP_HDR_CONTENT_LENGTH)) {
    auto len = bounded_decimal(trim(unfold(view(h->val))), UINT32_MAX);
    if (!len) return std::string("Content-Length is not a number");
    if (*len > body().size()) return std::string("Content-Length larger than the body");
  }
  if (sip_msg_hdr_count(msg_, SIP_HDR_MAX_FORWARDS) > 1)
    return std::string("more than one Max-Forwards");
  if (const struct sip_hdr* h = sip_msg_hdr(msg_, SIP_HDR_MAX_FORWARDS)) {
    if (!bounded_decimal(trim(unfold(view(h->val))), 255))
      return std::string("Max-Forwards is not 0..255");
  }

  struct pl host, port;
  if (msg_->via.sentby.p && uri_decode_hostport(&msg_->via.sentby, &host, &port) == 0 &&
      pl_isset(&port) && !bounded_decimal(std::string_view(port.p, port.l), 65535))
    return std::string("Via sent-by port is not a port");

  return value_error(msg_);
}

const char* reason_phrase(int code) {
  switch (code) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 181: return "Call Is Being Forwarded";
    case 182: return "Queued";
    case 183: return "Session Progress";
    case 200: return "OK";
    case 202: return "Accepted";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 415: return "Unsupported Media Type";
    case 420: return "Bad Extension";
    case 421: return "Extension Required";            // RFC 3261 section 21.4.16
    case 422: return "Session Interval Too Small";    // RFC 4028 section 6
    case 433: return "Anonymity Disallowed";          // RFC 5079
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 491: return "Request Pending";
    case 500: return "Server Internal Error";
    case 503: return "Service Unavailable";
    case 504: return "Server Time-out";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    default:
      return code < 200   ? "Session Progress"
             : code < 300 ? "OK"
             : code < 400 ? "Redirection"
             : code < 500 ? "Request Failure"
             : code < 600 ? "Server Error"
                          : "Global Failure";
  }
}

}  // namespace owsip::sip
