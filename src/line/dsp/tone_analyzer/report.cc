// Audio reports: once a second of sound that is no recognised tone.
#include "line/dsp/tone_analyzer/internal.h"

namespace owsip::line::dsp {

void ToneAnalyzer::report_audio(uint64_t at) {
  if (acc_blocks_ >= 5 && !pattern_ && !acc_power_.empty()) {
    size_t best = 0;
    for (size_t i = 1; i < acc_power_.size(); ++i)
      if (acc_power_[i] > acc_power_[best]) best = i;
    double delta = 0;
    if (best > 0 && best + 1 < acc_power_.size()) {
      const double l0 = std::log(acc_power_[best - 1] + 1e-12),
                   l1 = std::log(acc_power_[best] + 1e-12),
                   l2 = std::log(acc_power_[best + 1] + 1e-12);
      const double den = l0 - 2 * l1 + l2;
      if (den < 0) delta = std::clamp(0.5 * (l0 - l2) / den, -0.5, 0.5);
    }
    const double bin = static_cast<double>(rate_) / coarse_n_;
    const double lo = std::floor(kCoarseLoHz / bin);
    ToneEvent e;
    e.kind = ToneEvent::Kind::audio;
    e.freq_hz = (lo + best + delta) * bin;
    e.level_dbm0 = dbm0(acc_energy_ / acc_blocks_);
    e.at_ms = ms_of(at);
    events_.push_back(std::move(e));
  }
  acc_energy_ = 0;
  acc_blocks_ = 0;
  std::fill(acc_power_.begin(), acc_power_.end(), 0.0);
}

}  // namespace owsip::line::dsp
