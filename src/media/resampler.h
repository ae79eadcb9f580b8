#pragma once
// 8 kHz <-> 16 kHz for a wideband line talking a narrowband codec (or a narrowband line talking
// G.722). A 47-tap half-band FIR (Blackman window) keeps what lies below 3.6 kHz and removes
// what would alias (at least 50 dB above 4.6 kHz), unlike line/dsp's two-point average which
// is meant for tone detection only. Streaming: the filter history carries across calls.

#include <array>
#include <cstdint>
#include <span>

namespace owsip::media {

class HalfBandFilter {
 public:
  static constexpr int kTaps = 47;
  HalfBandFilter();
  // 16 kHz -> 8 kHz; REQUIRES out.size() * 2 == in.size().
  void downsample(std::span<const int16_t> in, std::span<int16_t> out);
  // 8 kHz -> 16 kHz; REQUIRES out.size() == 2 * in.size().
  void upsample(std::span<const int16_t> in, std::span<int16_t> out);
  void reset();

 private:
  void push(float x);
  float filter() const;  // output for the newest sample pushed
  std::array<float, kTaps> history_{};
  int pos_ = 0;  // where the next sample goes (history_[pos_] is the oldest)
};

}  // namespace owsip::media
