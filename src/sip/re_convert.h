#pragma once
// Small conversions from libre's types, for the .cc files of sip/ that include <re.h> first
// (never include this from a header: libre's macros stay inside sip/*.cc).

#include <string>

#include "sip/sip_address.h"

namespace owsip::sip {

inline std::string text(const struct pl& pl) { return pl.p ? std::string(pl.p, pl.l) : std::string(); }

inline Transport from_libre(enum sip_transp tp) {
  switch (tp) {
    case SIP_TRANSP_TCP: return Transport::kTcp;
    case SIP_TRANSP_TLS: return Transport::kTls;
    default: return Transport::kUdp;
  }
}

inline HostPort host_port(const struct sa* a) {
  char text[64] = "";
  sa_ntop(a, text, sizeof text);
  return HostPort{text, sa_port(a)};
}

// "udp:192.0.2.1:5060": where a REGISTER went, and where a request came from. The ghost-call
// filter compares the two, so both are written by this one function.
inline std::string endpoint_text(Transport t, const struct sa* a) {
  return std::string(transport_name(t)) + ":" + host_port(a).to_string();
}

}  // namespace owsip::sip
