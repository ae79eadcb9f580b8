#include "fax/t38_sdp.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace owsip::fax {

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    out.push_back(trim(text.substr(0, nl)));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

bool to_int(std::string_view s, int& v, int lo, int hi) {
  int x = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec != std::errc() || p != s.data() + s.size() || x < lo || x > hi) return false;
  v = x;
  return true;
}

// "image 49170 udptl t38" -> port; false when it is not that.
bool parse_m(std::string_view m, uint16_t& port) {
  std::vector<std::string_view> w;
  while (!m.empty()) {
    m = trim(m);
    const size_t sp = m.find(' ');
    w.push_back(m.substr(0, sp));
    if (sp == std::string_view::npos) break;
    m.remove_prefix(sp + 1);
  }
  if (w.size() != 4 || w[0] != "image" || !iequal(w[2], "udptl") || !iequal(w[3], "t38"))
    return false;
  std::string_view p = w[1];
  if (const size_t slash = p.find('/'); slash != std::string_view::npos) p = p.substr(0, slash);
  int v;
  if (!to_int(p, v, 0, 65535)) return false;
  port = static_cast<uint16_t>(v);
  return true;
}

bool boolean_value(std::string_view value) { return value.empty() || value != "0"; }

}  // namespace

std::optional<std::string_view> find_t38_media(std::string_view sdp) {
  size_t pos = 0;
  while (pos < sdp.size()) {
    size_t nl = sdp.find('\n', pos);
    if (nl == std::string_view::npos) nl = sdp.size();
    std::string_view line = trim(sdp.substr(pos, nl - pos));
    uint16_t port;
    if (line.starts_with("m=") && parse_m(line.substr(2), port)) {
      const size_t end = sdp.find("\nm=", nl);
      return sdp.substr(pos, end == std::string_view::npos ? std::string_view::npos : end + 1 - pos);
    }
    pos = nl + 1;
  }
  return std::nullopt;
}

Result<T38Sdp> parse_t38_media(std::string_view media) {
  T38Sdp s;
  bool have_m = false;
  for (std::string_view line : lines_of(media)) {
    if (line.empty()) continue;
    if (line.starts_with("m=")) {
      if (have_m) break;  // the next media description
      if (!parse_m(line.substr(2), s.port))
        return Status::error("T.38 SDP: not an image/udptl/t38 media line: " + std::string(line));
      have_m = true;
      continue;
    }
    if (!have_m) return Status::error("T.38 SDP: attributes before the m= line");
    if (!line.starts_with("a=")) continue;
    line.remove_prefix(2);
    const size_t colon = line.find(':');
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value =
        colon == std::string_view::npos ? std::string_view() : trim(line.substr(colon + 1));
    auto number = [&](int& out, int lo, int hi) -> Status {
      if (!to_int(value, out, lo, hi))
        return Status::error("T.38 SDP: bad " + std::string(name) + " value '" +
                             std::string(value) + "'");
      return Status::ok();
    };
    Status st = Status::ok();
    if (iequal(name, "T38FaxVersion")) {
      st = number(s.version, 0, 255);
    } else if (iequal(name, "T38MaxBitRate")) {
      st = number(s.max_bit_rate, 0, 1000000);
    } else if (iequal(name, "T38FaxMaxBuffer")) {
      st = number(s.max_buffer, 0, 1 << 24);
    } else if (iequal(name, "T38FaxMaxDatagram")) {
      st = number(s.max_datagram, 0, 1 << 24);
    } else if (iequal(name, "T38FaxRateManagement")) {
      if (iequal(value, "transferredTCF")) {
        s.rate_management = T38RateManagement::kTransferredTcf;
      } else if (iequal(value, "localTCF")) {
        s.rate_management = T38RateManagement::kLocalTcf;
      } else {
        st = Status::error("T.38 SDP: bad T38FaxRateManagement '" + std::string(value) + "'");
      }
    } else if (iequal(name, "T38FaxUdpEC")) {
      if (iequal(value, "t38UDPRedundancy")) {
        s.udp_ec = T38UdpEc::kRedundancy;
      } else if (iequal(value, "t38UDPFEC")) {
        s.udp_ec = T38UdpEc::kFec;
      } else if (iequal(value, "t38UDPNoEC")) {  // T.38 (2010) and later
        s.udp_ec = T38UdpEc::kNone;
      } else {
        st = Status::error("T.38 SDP: bad T38FaxUdpEC '" + std::string(value) + "'");
      }
    } else if (iequal(name, "T38FaxFillBitRemoval")) {
      s.fill_bit_removal = boolean_value(value);
    } else if (iequal(name, "T38FaxTranscodingMMR")) {
      s.transcoding_mmr = boolean_value(value);
    } else if (iequal(name, "T38FaxTranscodingJBIG")) {
      s.transcoding_jbig = boolean_value(value);
    }
    if (!st) return st;
  }
  if (!have_m) return Status::error("T.38 SDP: no m= line");
  return s;
}

T38Sdp make_t38_offer(const T38Options& o, uint16_t port) {
  T38Sdp s;
  s.port = port;
  s.version = 0;
  s.max_bit_rate = o.max_bit_rate;
  s.rate_management = T38RateManagement::kTransferredTcf;
  s.max_buffer = 1800;
  s.max_datagram = static_cast<int>(o.max_datagram);
  s.udp_ec = o.redundancy_depth > 0 ? T38UdpEc::kRedundancy : T38UdpEc::kNone;
  return s;
}

Result<T38Sdp> make_t38_answer(const T38Sdp& offer, const T38Options& o, uint16_t port) {
  if (offer.port == 0) return Status::error("T.38 SDP: the offer's stream is disabled (port 0)");
  T38Sdp a = make_t38_offer(o, port);
  a.version = std::min(offer.version, 0);  // spandsp 0.0.6 speaks version 0 IFP
  if (offer.max_bit_rate > 0) a.max_bit_rate = std::min(offer.max_bit_rate, o.max_bit_rate);
  a.rate_management = offer.rate_management;
  a.udp_ec = (offer.udp_ec != T38UdpEc::kNone && o.redundancy_depth > 0) ? T38UdpEc::kRedundancy
                                                                          : T38UdpEc::kNone;
  return a;
}

T38Options t38_session_options(const T38Sdp& local, const T38Sdp& remote, const T38Options& line) {
  T38Options o = line;
  if (remote.max_bit_rate > 0) o.max_bit_rate = std::min(o.max_bit_rate, remote.max_bit_rate);
  if (local.max_bit_rate > 0) o.max_bit_rate = std::min(o.max_bit_rate, local.max_bit_rate);
  if (remote.max_datagram > 0)
    o.max_datagram = std::min(o.max_datagram, static_cast<size_t>(remote.max_datagram));
  if (local.udp_ec != T38UdpEc::kRedundancy || remote.udp_ec == T38UdpEc::kNone)
    o.redundancy_depth = 0;
  return o;
}

std::string format_t38_media(const T38Sdp& s) {
  std::string out = "m=image " + std::to_string(s.port) + " udptl t38\r\n";
  out += "a=T38FaxVersion:" + std::to_string(s.version) + "\r\n";
  if (s.max_bit_rate > 0) out += "a=T38MaxBitRate:" + std::to_string(s.max_bit_rate) + "\r\n";
  if (s.fill_bit_removal) out += "a=T38FaxFillBitRemoval\r\n";
  if (s.transcoding_mmr) out += "a=T38FaxTranscodingMMR\r\n";
  if (s.transcoding_jbig) out += "a=T38FaxTranscodingJBIG\r\n";
  out += std::string("a=T38FaxRateManagement:") +
         (s.rate_management == T38RateManagement::kLocalTcf ? "localTCF" : "transferredTCF") +
         "\r\n";
  if (s.max_buffer > 0) out += "a=T38FaxMaxBuffer:" + std::to_string(s.max_buffer) + "\r\n";
  if (s.max_datagram > 0) out += "a=T38FaxMaxDatagram:" + std::to_string(s.max_datagram) + "\r\n";
  if (s.udp_ec == T38UdpEc::kRedundancy) out += "a=T38FaxUdpEC:t38UDPRedundancy\r\n";
  if (s.udp_ec == T38UdpEc::kFec) out += "a=T38FaxUdpEC:t38UDPFEC\r\n";
  return out;
}

}  // namespace owsip::fax
