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

}  // namespace owsip::sip
