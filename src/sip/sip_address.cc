#include "sip/sip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "sip/sip_message.h"

namespace owsip::sip {
namespace {

std::optional<uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v == 0 || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

bool valid_host_name(std::string_view h) {
  return !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

}  // namespace

std::string_view transport_name(Transport t) {
  switch (t) {
    case Transport::kUdp: return "udp";
    case Transport::kTcp: return "tcp";
    case Transport::kTls: return "tls";
  }
  return "udp";
}

std::optional<Transport> parse_transport(std::string_view s) {
  if (ascii_iequals(s, "udp")) return Transport::kUdp;
  if (ascii_iequals(s, "tcp")) return Transport::kTcp;
  if (ascii_iequals(s, "tls")) return Transport::kTls;
  return std::nullopt;
}

uint16_t default_port(Transport t) { return t == Transport::kTls ? 5061 : 5060; }

std::string HostPort::to_string() const {
  std::string out = is_ipv6() ? "[" + host + "]" : host;
  if (port) out += ":" + std::to_string(port);
  return out;
}

Result<HostPort> parse_host_port(std::string_view s) {
  const std::string quoted = "'" + std::string(s) + "'";
  HostPort hp;
  std::string_view port;
  bool has_port = false;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return Status::error(quoted + " opens '[' without ']'");
    hp.host = std::string(s.substr(1, close - 1));
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Status::error(quoted + ": expected ':port' after ']'");
      port = rest.substr(1);
      has_port = true;
    }
    in6_addr a6;
    if (inet_pton(AF_INET6, hp.host.c_str(), &a6) != 1)
      return Status::error(quoted + " is not an IPv6 address in brackets");
  } else {
    size_t colon = s.find(':');
    if (colon != s.rfind(':'))
      return Status::error(quoted + " is not host[:port] (an IPv6 address needs [brackets])");
    hp.host = std::string(s.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = s.substr(colon + 1);
      has_port = true;
    }
    if (!valid_host_name(hp.host)) return Status::error(quoted + " is not host[:port]");
  }
  if (has_port) {
    auto p = parse_port(port);
    if (!p) return Status::error(quoted + ": the port is not a number 1..65535");
    hp.port = *p;
  }
  return hp;
}

bool is_ip_literal(std::string_view host) {
  std::string h(host);
  in_addr a4;
  in6_addr a6;
  return inet_pton(AF_INET, h.c_str(), &a4) == 1 || inet_pton(AF_INET6, h.c_str(), &a6) == 1;
}

Result<ProxyUri> parse_proxy(std::string_view s) {
  const std::string quoted = "outbound proxy '" + std::string(s) + "'";
  if (!s.empty() && s.front() == '<') {
    if (s.back() != '>') return Status::error(quoted + " opens '<' without closing '>'");
    s = s.substr(1, s.size() - 2);
  }
  ProxyUri p;
  bool secure = false;
  if (s.rfind("sips:", 0) == 0) {
    secure = true;
    s.remove_prefix(5);
  } else if (s.rfind("sip:", 0) == 0) {
    s.remove_prefix(4);
  } else {
    return Status::error(quoted + " is not a sip: or sips: URI");
  }
  if (s.find('@') != std::string_view::npos)
    return Status::error(quoted + " names a user; a proxy URI is sip:host[:port]");
  size_t semi = s.find(';');
  std::string_view hostport = s.substr(0, semi);
  std::string_view params = semi == std::string_view::npos ? "" : s.substr(semi);
  auto hp = parse_host_port(hostport);
  if (!hp) return Status::error(quoted + ": " + hp.message());
  p.address = *hp;
  p.transport = secure ? Transport::kTls : Transport::kUdp;
  if (auto tp = uri_param(params, "transport")) {
    auto t = parse_transport(*tp);
    if (!t) return Status::error(quoted + ": transport must be udp, tcp or tls");
    if (secure && *t != Transport::kTls)
      return Status::error(quoted + ": a sips: URI needs transport tls");
    p.transport = *t;
  }
  // Rebuild as sip:host[:port] plus every parameter except lr; libre wants the transport
  // parameter to pick the transport of the first hop.
  p.route_uri = "sip:" + p.address.to_string();
  std::string_view rest = params;
  bool has_transport = false;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // ';'
    size_t next = rest.find(';');
    std::string_view param = rest.substr(0, next);
    rest = next == std::string_view::npos ? "" : rest.substr(next);
    std::string_view name = param.substr(0, param.find('='));
    if (param.empty() || ascii_iequals(name, "lr")) continue;
    if (ascii_iequals(name, "transport")) {
      has_transport = true;
      p.route_uri += ";transport=" + std::string(transport_name(p.transport));
      continue;
    }
    p.route_uri += ";" + std::string(param);
  }
  if (!has_transport) p.route_uri += ";transport=" + std::string(transport_name(p.transport));
  return p;
}

bool is_dialled_number(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789*#+") == std::string_view::npos;
}

std::string number_uri(std::string_view number, std::string_view realm) {
  std::string uri = "sip:";
  for (char c : number) uri += c == '#' ? std::string("%23") : std::string(1, c);
  return uri + "@" + std::string(realm);
}

std::string contact_uri(std::string_view user, const HostPort& at, Transport t) {
  std::string out = "sip:";
  if (!user.empty()) out += std::string(user) + "@";
  out += at.to_string();
  if (t != Transport::kUdp) out += ";transport=" + std::string(transport_name(t));
  return out;
}

std::optional<std::string> uri_param(std::string_view params, std::string_view name) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
    size_t end = params.find(';');
    std::string_view param = params.substr(0, end);
    size_t eq = param.find('=');
    std::string_view pname = param.substr(0, eq);
    while (!pname.empty() && pname.back() == ' ') pname.remove_suffix(1);
    while (!pname.empty() && pname.front() == ' ') pname.remove_prefix(1);
    if (ascii_iequals(pname, name))
      return eq == std::string_view::npos ? std::string() : std::string(param.substr(eq + 1));
  }
  return std::nullopt;
}

std::optional<HostPort> seen_as_from_via(std::string_view via_params, const HostPort& sent_by) {
  auto received = uri_param(via_params, "received");
  auto rport = uri_param(via_params, "rport");
  std::optional<uint16_t> port;
  if (rport && !rport->empty()) port = parse_port(*rport);
  const bool has_received = received && !received->empty() && is_ip_literal(*received);
  if (!has_received && !port) return std::nullopt;
  HostPort seen;
  seen.host = has_received ? *received : sent_by.host;
  seen.port = port ? *port : sent_by.port;
  return seen;
}

}  // namespace owsip::sip
