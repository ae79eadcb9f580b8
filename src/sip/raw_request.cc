#include "sip/raw_request.h"

#include <re.h>

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "sip/sip_message.h"
#include "sip/uas_rules.h"

namespace owsip::sip {

namespace {

struct Header {
  std::string name;   // canonical for the ones an answer copies (compact forms expanded)
  std::string value;  // unfolded
};

struct RawRequest {
  std::string method, uri, version;
  bool bad_start_line = false;  // not Method SP Request-URI SP Version (RFC 3261 section 7.1)
  bool ended = false;           // an empty line ends the headers
  bool colonless = false;       // a header line without ':'
  std::vector<Header> headers;
};

std::string canonical(std::string_view name) {
  const std::string n = ascii_lower(name);
  const std::pair<const char*, const char*> names[] = {
      {"v", "Via"},     {"via", "Via"},   {"f", "From"},         {"from", "From"},
      {"t", "To"},      {"to", "To"},     {"i", "Call-ID"},      {"call-id", "Call-ID"},
      {"cseq", "CSeq"}, {"m", "Contact"}, {"contact", "Contact"}};
  for (const auto& [from, to] : names)
    if (n == from) return to;
  return std::string(name);
}

// Lines of the head, continuation lines (leading SP/HT) joined to the one before.
std::vector<std::string> head_lines(std::string_view head) {
  std::vector<std::string> lines;
  while (!head.empty()) {
    size_t eol = head.find('\n');
    std::string_view line = head.substr(0, eol);
    head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!lines.empty() && !line.empty() && (line[0] == ' ' || line[0] == '\t'))
      lines.back() += " " + std::string(trim_lws(line));
    else
      lines.emplace_back(line);
  }
  return lines;
}

std::optional<RawRequest> split(std::string_view d) {
  size_t end = d.find("\r\n\r\n");
  if (end == std::string_view::npos) end = d.find("\n\n");
  RawRequest r;
  r.ended = end != std::string_view::npos;
  std::vector<std::string> lines = head_lines(d.substr(0, end));
  if (lines.empty()) return std::nullopt;
  const std::string& start = lines[0];
  const size_t a = start.find(' '), b = start.rfind(' ');
  // A request line names a SIP version somewhere; a status line starts with it.
  if (a == std::string::npos || start.rfind("SIP/", 0) == 0 ||
      start.find(" SIP/") == std::string::npos)
    return std::nullopt;
  r.method = start.substr(0, a);
  r.uri = b > a ? start.substr(a + 1, b - a - 1) : "";
  r.version = start.substr(b + 1);
  r.bad_start_line = r.uri.empty() || r.uri.find_first_of(" \t") != std::string::npos ||
                     r.version.rfind("SIP/", 0) != 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) {
      r.colonless = r.colonless || !lines[i].empty();
      continue;
    }
    r.headers.push_back({canonical(trim_lws(std::string_view(lines[i]).substr(0, colon))),
                         std::string(trim_lws(std::string_view(lines[i]).substr(colon + 1)))});
  }
  return r;
}

const Header* find(const RawRequest& r, std::string_view name) {
  for (const Header& h : r.headers)
    if (h.name == name) return &h;
  return nullptr;
}

struct pl to_pl(const std::string& s) {
  struct pl p;
  pl_set_str(&p, s.c_str());
  return p;
}

bool readable_uri(const std::string& s) {
  struct uri uri;
  struct pl v = to_pl(s);
  return uri_decode(&uri, &v) == 0;
}

bool readable_via(const Header* h) {
  struct sip_via via;
  // libre wants a branch; an RFC 2543 Via has none and is not malformed for that.
  const bool branch = ascii_lower(h->value).find("branch=") != std::string::npos;
  const std::string value = branch ? h->value : h->value + ";branch=z9hG4bK-2543";
  struct pl v = to_pl(value);
  return sip_via_decode(&via, &v) == 0;
}

bool readable_cseq(const Header* h) {
  struct sip_cseq cseq;
  struct pl v = to_pl(h->value);
  return sip_cseq_decode(&cseq, &v) == 0;
}

bool readable_addr(const Header* h) {
  struct sip_addr addr;
  struct pl v = to_pl(h->value);
  return sip_addr_decode(&addr, &v) == 0;
}

std::string response(const RawRequest& r, const UasAnswer& a) {
  std::string out = "SIP/2.0 " + std::to_string(a.code) + " " + a.reason + "\r\n";
  for (const Header& h : r.headers) {
    if (h.name != "Via" && h.name != "From" && h.name != "To" && h.name != "Call-ID" &&
        h.name != "CSeq")
      continue;
    // What is copied back is the sender's own text, without its control characters: an
    // answer is no carrier for them.
    std::string value = h.value;
    for (char& c : value)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    out += h.name + ": " + value;
    if (h.name == "To" && ascii_lower(h.value).find(";tag=") == std::string::npos)
      out += ";tag=" + std::to_string(std::hash<std::string>()(h.value) & 0xffffffff);
    out += "\r\n";
  }
  return out + a.headers + "Content-Length: 0\r\n\r\n";
}

// The RFC 2543 top Via with a branch made from what identifies the transaction there (RFC 3261
// section 17.2.3: Request-URI, From, Call-ID, CSeq number, top Via), so that a retransmission,
// its ACK and its CANCEL find the same server transaction.
std::optional<std::string> with_branch(std::string_view datagram, const RawRequest& r) {
  const Header* via = find(r, "Via");
  const Header* cseq = find(r, "CSeq");
  const Header* from = find(r, "From");
  const Header* callid = find(r, "Call-ID");
  if (!via || !cseq || !from || !callid ||
      ascii_lower(via->value).find("branch=") != std::string::npos)
    return std::nullopt;
  const std::string key = r.uri + from->value + callid->value +
                          cseq->value.substr(0, cseq->value.find(' ')) + via->value;
  // The top Via line ends where its value's first comma or line end is.
  const size_t at = datagram.find(std::string_view(via->value).substr(0, via->value.find(',')));
  if (at == std::string_view::npos) return std::nullopt;
  size_t end = at;
  while (end < datagram.size() && datagram[end] != ',' && datagram[end] != '\r' &&
         datagram[end] != '\n')
    ++end;
  std::string out(datagram);
  out.insert(end, ";branch=z9hG4bK-2543-" + std::to_string(std::hash<std::string>()(key)));
  return out;
}

RawVerdict answer(const RawRequest& r, const UasAnswer& a) {
  return {RawVerdict::Kind::kAnswer, response(r, a)};
}

RawVerdict bad_request(const RawRequest& r, const std::string& why) {
  return answer(r, bad_request_answer(why));
}

// A request with a usable start line that libre still cannot read: a From or To of another
// scheme (valid: OPTIONS is answered, RFC 4475 section 3.3.4; other methods need a SIP
// address), else a header libre's decoder refuses.
RawVerdict unreadable(const RawRequest& r) {
  for (const char* h : {"From", "To"})
    if (!readable_addr(find(r, h))) {
      if (r.method == "OPTIONS") return answer(r, {200, "OK", options_headers()});
      return bad_request(r, std::string(h) + " is not an address owsip can read");
    }
  if (!r.ended) return bad_request(r, "no empty line after the headers");
  if (r.colonless) return bad_request(r, "a header line without a colon");
  if (!readable_via(find(r, "Via"))) return bad_request(r, "malformed Via");
  if (!readable_cseq(find(r, "CSeq"))) return bad_request(r, "malformed CSeq");
  return bad_request(r, "a header owsip cannot read");
}

}  // namespace

RawVerdict check_raw_request(std::string_view d) {
  const auto bytes = std::span(reinterpret_cast<const uint8_t*>(d.data()), d.size());
  if (SipMessage::decode(bytes, /*strict=*/false)) return {};
  std::optional<RawRequest> r = split(d);
  // Without a Via there is nowhere to send an answer; an ACK is never answered.
  if (!r || r->method == "ACK" || !find(*r, "Via")) return {RawVerdict::Kind::kDrop, ""};
  if (r->bad_start_line) return bad_request(*r, "malformed request line");
  if (r->version != "SIP/2.0") return answer(*r, {505, "Version Not Supported", ""});
  if (auto a = method_refusal(r->method)) return answer(*r, *a);
  const std::string scheme = ascii_lower(r->uri.substr(0, r->uri.find(':')));
  if (r->uri.find(':') == std::string::npos || !is_uri_scheme(scheme))
    return bad_request(*r, "malformed Request-URI");
  if (scheme != "sip" && scheme != "sips") return answer(*r, {416, "Unsupported URI Scheme", ""});
  if (!readable_uri(r->uri)) return bad_request(*r, "malformed Request-URI");
  for (const char* h : {"From", "To", "Call-ID", "CSeq"})
    if (!find(*r, h)) return bad_request(*r, std::string("missing ") + h);
  if (auto fixed = with_branch(d, *r)) {
    const auto fb = std::span(reinterpret_cast<const uint8_t*>(fixed->data()), fixed->size());
    if (SipMessage::decode(fb, false)) return {RawVerdict::Kind::kRewrite, *fixed};
  }
  return unreadable(*r);
}

RawVerdict too_large(std::string_view truncated) {
  std::optional<RawRequest> r = split(truncated);
  if (!r || r->bad_start_line || r->method == "ACK" || !find(*r, "Via"))
    return {RawVerdict::Kind::kDrop, ""};
  return answer(*r, {513, "Message Too Large", ""});
}

}  // namespace owsip::sip
