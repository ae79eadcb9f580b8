#pragma once
// Test helpers for media/*_test.cc (header-only, not part of the daemon): tones, SNR with
// delay alignment, Goertzel power.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace owsip::media::testing {

inline std::vector<int16_t> sine(double hz, int rate, size_t n, double amplitude = 8000,
                                 double phase = 0) {
  std::vector<int16_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<int16_t>(
        std::lround(amplitude * std::sin(phase + 2 * M_PI * hz * static_cast<double>(i) / rate)));
  return v;
}

// Signal-to-noise ratio in dB of `out` against `ref`, after finding the delay (0..max_lag
// samples) at which `out` best matches, over `ref` minus its first `skip` samples.
inline double snr_db(std::span<const int16_t> ref, std::span<const int16_t> out, size_t skip = 0,
                     size_t max_lag = 64, size_t* lag_found = nullptr) {
  double best = -1e9;
  for (size_t lag = 0; lag <= max_lag; ++lag) {
    double sig = 0, noise = 0;
    for (size_t i = skip; i + lag < out.size() && i < ref.size(); ++i) {
      const double r = ref[i], e = out[i + lag] - r;
      sig += r * r;
      noise += e * e;
    }
    const double snr = 10 * std::log10(sig / std::max(noise, 1e-9));
    if (snr > best) {
      best = snr;
      if (lag_found) *lag_found = lag;
    }
  }
  return best;
}

// Power of `hz` in `x` (Goertzel), as the amplitude of a sine that would give it.
inline double tone_amplitude(std::span<const int16_t> x, double hz, int rate) {
  const double w = 2 * M_PI * hz / rate, c = 2 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (int16_t v : x) {
    const double s = v + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const double power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return 2 * std::sqrt(std::max(power, 0.0)) / static_cast<double>(x.size());
}

inline double rms(std::span<const int16_t> x) {
  double sum = 0;
  for (int16_t v : x) sum += static_cast<double>(v) * v;
  return x.empty() ? 0 : std::sqrt(sum / static_cast<double>(x.size()));
}

}  // namespace owsip::media::testing
