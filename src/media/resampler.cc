#include "media/resampler.h"

#include <algorithm>
#include <cmath>

namespace owsip::media {

namespace {

struct Coefficients {
  std::array<float, HalfBandFilter::kTaps> h{};
  Coefficients() {
    constexpr int n = HalfBandFilter::kTaps;
    constexpr int mid = n / 2;
    for (int i = 0; i < n; ++i) {
      const int k = i - mid;
      const double sinc = k == 0 ? 0.5 : std::sin(M_PI * k / 2.0) / (M_PI * k);
      const double w =
          0.42 - 0.5 * std::cos(2 * M_PI * i / (n - 1)) + 0.08 * std::cos(4 * M_PI * i / (n - 1));
      h[static_cast<size_t>(i)] = static_cast<float>(sinc * w);
    }
  }
};

const Coefficients& coefficients() {
  static const Coefficients c;
  return c;
}

int16_t saturate(float v) {
  return static_cast<int16_t>(std::clamp(std::lround(v), -32768L, 32767L));
}

}  // namespace

HalfBandFilter::HalfBandFilter() { coefficients(); }

void HalfBandFilter::reset() {
  history_.fill(0);
  pos_ = 0;
}

float HalfBandFilter::push_and_filter(float x) {
  history_[static_cast<size_t>(pos_)] = x;
  pos_ = (pos_ + 1) % kTaps;
  const auto& h = coefficients().h;
  float acc = 0;
  // history_[pos_] is the oldest sample; h is symmetric, so direction does not matter.
  for (int i = 0, j = pos_; i < kTaps; ++i, j = (j + 1 == kTaps ? 0 : j + 1))
    if (h[static_cast<size_t>(i)] != 0) acc += h[static_cast<size_t>(i)] * history_[static_cast<size_t>(j)];
  return acc;
}

void HalfBandFilter::downsample(std::span<const int16_t> in, std::span<int16_t> out) {
  for (size_t i = 0; i < out.size(); ++i) {
    push_and_filter(in[2 * i]);
    out[i] = saturate(push_and_filter(in[2 * i + 1]));
  }
}

void HalfBandFilter::upsample(std::span<const int16_t> in, std::span<int16_t> out) {
  for (size_t i = 0; i < in.size(); ++i) {
    out[2 * i] = saturate(2 * push_and_filter(in[i]));
    out[2 * i + 1] = saturate(2 * push_and_filter(0));
  }
}

}  // namespace owsip::media
