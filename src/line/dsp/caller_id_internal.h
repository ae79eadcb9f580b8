#pragma once
// Private to caller ID: what encoding (caller_id.cc) and decoding (caller_id_decode.cc) share.

#include <cstdint>
#include <memory>

#include <spandsp.h>
// spandsp turns these into truncating casts, which breaks std::lrint users.
#undef lrint
#undef lrintf

#include "line/dsp/caller_id.h"

namespace owsip::line::dsp::cid_internal {

// J-CLIP's name parameter: spandsp 0.0.6 has no constant for it; the Lantiq
// TAPI driver (the original owsip backend) sends the name as type 0x03.
inline constexpr uint8_t kJclipCallerName = 0x03;
// J-CLIP message types: 0x40 on hook (spandsp's JCLIP_MDMF_CALLERID), 0x41
// off hook.
inline constexpr uint8_t kJclipOffhookCallerId = 0x41;

struct TxFree {
  void operator()(adsi_tx_state_t* s) const { adsi_tx_free(s); }
};
struct RxFree {
  void operator()(adsi_rx_state_t* s) const { adsi_rx_free(s); }
};
using TxPtr = std::unique_ptr<adsi_tx_state_t, TxFree>;
using RxPtr = std::unique_ptr<adsi_rx_state_t, RxFree>;

// The absence code of a message ('P' private, else unavailable).
inline CidAbsence absence_from_code(uint8_t code) {
  return code == 'P' ? CidAbsence::withheld : CidAbsence::unavailable;
}

}  // namespace owsip::line::dsp::cid_internal
