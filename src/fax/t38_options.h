#pragma once
// The T.38 settings of one line (issue 19): what owsip offers in SDP (t38_sdp.h) and how the
// gateway (t38_gateway.h) and UDPTL (udptl.h) run.

#include <cstddef>

namespace owsip::fax {

struct T38Options {
  int max_bit_rate = 14400;   // T38MaxBitRate: 2400, 4800, 7200, 9600, 12000 or 14400
  int redundancy_depth = 3;   // UDPTL secondary IFP packets per datagram (0: none)
  bool ecm = true;            // T.30 error correction mode through the gateway
  size_t max_datagram = 400;  // T38FaxMaxDatagram: our UDPTL datagrams stay within this
};

}  // namespace owsip::fax
