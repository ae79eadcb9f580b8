#include "line/dsp/dtmf_sender.h"

#include <algorithm>

#include <spandsp.h>
// spandsp turns these into truncating casts, which breaks std::lrint users.
#undef lrint
#undef lrintf

#include "line/dsp/resample.h"

namespace owsip::line::dsp {

DtmfSender::DtmfSender(int rate, std::string_view digits, int on_ms, int off_ms, int level_dbm0,
                       int twist_db)
    : rate_(rate) {
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  if (tx == nullptr) return;
  dtmf_tx_set_level(tx, level_dbm0, twist_db);
  dtmf_tx_set_timing(tx, on_ms, off_ms);
  dtmf_tx_put(tx, digits.data(), static_cast<int>(digits.size()));
  tx_ = tx;
}

DtmfSender::~DtmfSender() {
  if (tx_) dtmf_tx_free(static_cast<dtmf_tx_state_t*>(tx_));
}

bool DtmfSender::fill(std::span<int16_t> out) {
  if (tx_ == nullptr) return true;
  auto* tx = static_cast<dtmf_tx_state_t*>(tx_);
  if (rate_ == 8000) {
    const int got = std::max(dtmf_tx(tx, out.data(), static_cast<int>(out.size())), 0);
    std::fill(out.begin() + got, out.end(), int16_t{0});
    return got < static_cast<int>(out.size());
  }
  buf_.assign(out.size() / 2, 0);
  const int got = dtmf_tx(tx, buf_.data(), static_cast<int>(buf_.size()));
  upsample2(buf_, out, last_);
  return got < static_cast<int>(buf_.size());
}

}  // namespace owsip::line::dsp
