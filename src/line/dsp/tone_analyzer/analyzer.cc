// Feeding the analyzer: audio in, 10 ms blocks, events out.
#include <utility>

#include "line/dsp/tone_analyzer/internal.h"

namespace owsip::line::dsp {

ToneAnalyzer::ToneAnalyzer(int rate)
    : rate_(rate > 0 ? rate : 8000),
      block_(static_cast<size_t>(rate_) * kBlockMs / 1000),
      coarse_n_(next_pow2(static_cast<size_t>(rate_) * kCoarseMs / 1000)),
      hist_(next_pow2(static_cast<size_t>(rate_) * kHistoryMs / 1000), 0) {
  next_report_ = static_cast<uint64_t>(rate_);
}

ToneAnalyzer::~ToneAnalyzer() = default;

uint32_t ToneAnalyzer::ms_of(uint64_t samples) const {
  return static_cast<uint32_t>((samples * 1000 + static_cast<uint64_t>(rate_) / 2) /
                               static_cast<uint64_t>(rate_));
}

uint64_t ToneAnalyzer::samples_of_ms(uint32_t ms) const {
  return static_cast<uint64_t>(ms) * static_cast<uint64_t>(rate_) / 1000;
}

ToneAnalyzer::Fft& ToneAnalyzer::fft(size_t n) {
  auto& f = ffts_[n];
  if (!f) f = std::make_unique<Fft>(n);
  return *f;
}

void ToneAnalyzer::feed(std::span<const int16_t> pcm) {
  while (!pcm.empty()) {
    const size_t n = std::min(pcm.size(), block_ - block_fill_);
    for (size_t i = 0; i < n; ++i) hist_[(pos_ + i) & (hist_.size() - 1)] = pcm[i];
    pos_ += n;
    block_fill_ += n;
    pcm = pcm.subspan(n);
    if (block_fill_ == block_) {
      block_fill_ = 0;
      process_block(pos_ - block_);
    }
  }
}

std::vector<ToneEvent> ToneAnalyzer::take_events() {
  return std::exchange(events_, {});
}

}  // namespace owsip::line::dsp
