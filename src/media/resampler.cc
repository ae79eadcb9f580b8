#include "media/resampler.h"

#include <algorithm>
#include <cmath>

namespace owsip::media {

namespace {

// A half-band filter's taps are zero at even distances from the centre: only the centre and
// the odd ones are kept (24 of 47).
struct Coefficients {
  std::array<float, HalfBandFilter::kTaps> h{};
  std::array<int, HalfBandFilter::kTaps> nonzero{};
  int count = 0;
  Coefficients() {
    constexpr int n = HalfBandFilter::kTaps;
    constexpr int mid = n / 2;
    for (int i = 0; i < n; ++i) {
      const int k = i - mid;
      const double sinc = k == 0 ? 0.5 : std::sin(M_PI * k / 2.0) / (M_PI * k);
      const double w =
          0.42 - 0.5 * std::cos(2 * M_PI * i / (n - 1)) + 0.08 * std::cos(4 * M_PI * i / (n - 1));
      h[static_cast<size_t>(i)] = static_cast<float>(sinc * w);
      if (k == 0 || k % 2 != 0) nonzero[static_cast<size_t>(count++)] = i;
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

HalfBandFilter::HalfBandFilter() {
  coefficients();
}

void HalfBandFilter::reset() {
  history_.fill(0);
  pos_ = 0;
}

void HalfBandFilter::push(float x) {
  history_[static_cast<size_t>(pos_)] = x;
  pos_ = pos_ + 1 == kTaps ? 0 : pos_ + 1;
}

float HalfBandFilter::filter() const {
  // history_[pos_] is the oldest sample; h is symmetric, so direction does not matter.
  const Coefficients& c = coefficients();
  float acc = 0;
  for (int n = 0; n < c.count; ++n) {
    const int i = c.nonzero[static_cast<size_t>(n)];
    const int j = pos_ + i < kTaps ? pos_ + i : pos_ + i - kTaps;
    acc += c.h[static_cast<size_t>(i)] * history_[static_cast<size_t>(j)];
  }
  return acc;
}

void HalfBandFilter::downsample(std::span<const int16_t> in, std::span<int16_t> out) {
  for (size_t i = 0; i < out.size(); ++i) {
    push(in[2 * i]);
    push(in[2 * i + 1]);
    out[i] = saturate(filter());
  }
}

void HalfBandFilter::upsample(std::span<const int16_t> in, std::span<int16_t> out) {
  for (size_t i = 0; i < in.size(); ++i) {
    push(in[i]);
    out[2 * i] = saturate(2 * filter());
    push(0);
    out[2 * i + 1] = saturate(2 * filter());
  }
}

}  // namespace owsip::media
