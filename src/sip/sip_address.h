#pragma once
// SIP addresses as owsip's configuration writes them, parsed without libre: transports,
// host[:port] (the `registrar` option), the outbound proxy exactly as the seed writes it
// (`<sip:192.168.1.1:9060;lr;transport=udp>`), Contact URIs, and the address a registrar
// reports having seen us at (Via `received`/`rport`, RFC 3581).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace owsip::sip {

enum class Transport { kUdp, kTcp, kTls };

// "udp", "tcp", "tls".
std::string_view transport_name(Transport t);
// Case-insensitive; nullopt for anything else.
std::optional<Transport> parse_transport(std::string_view s);
// The port a transport uses when none is given: 5060, or 5061 for TLS.
uint16_t default_port(Transport t);

struct HostPort {
  std::string host;   // name or address, IPv6 without brackets
  uint16_t port = 0;  // 0: not given

  bool operator==(const HostPort&) const = default;
  bool is_ipv6() const { return host.find(':') != std::string::npos; }
  // "host", "host:port", "[v6]:port".
  std::string to_string() const;
};

// "host", "host:port", "[v6]", "[v6]:port". Errors say what is wrong with `s`.
Result<HostPort> parse_host_port(std::string_view s);

// True for a literal IPv4 or IPv6 address (no DNS needed, no SNI possible).
bool is_ip_literal(std::string_view host);

// An outbound proxy: the first hop of every request, named by a Route header.
struct ProxyUri {
  HostPort address;
  Transport transport = Transport::kUdp;
  // The URI without '<>' and without ';lr' (libre's dialog appends ';lr' itself), keeping the
  // other parameters: "sip:192.168.1.1:9060;transport=udp".
  std::string route_uri;
};

// Accepts "<sip:host[:port][;params]>" or the same without '<>'. sips: means TLS.
Result<ProxyUri> parse_proxy(std::string_view s);

// "sip:user@host:port;transport=tcp" (no parameter for UDP).
// Digits, '*', '#' and '+': a number dialled on the keypad (anything else is a SIP address).
bool is_dialled_number(std::string_view s);
// sip:NUMBER@realm, with '#' escaped as %23 (RFC 3261 section 25.1: '#' is not allowed in the
// user part; '*' and '+' are).
std::string number_uri(std::string_view number, std::string_view realm);

std::string contact_uri(std::string_view user, const HostPort& at, Transport t);

// Where the registrar saw our request come from, from our Via header in its response: the
// `received` address (or the sent-by host) and the `rport` value (or the sent-by port).
// `via_params` is the raw parameter string (";branch=..;rport=5062;received=1.2.3.4").
// nullopt when the response carries neither parameter (nothing learned).
std::optional<HostPort> seen_as_from_via(std::string_view via_params, const HostPort& sent_by);

// The value of `name` in ";a=1;b;c=3" (case-insensitive name); "" for a parameter without a
// value; nullopt when absent.
std::optional<std::string> uri_param(std::string_view params, std::string_view name);

}  // namespace owsip::sip
