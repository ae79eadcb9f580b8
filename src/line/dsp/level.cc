#include "line/dsp/level.h"

#include <algorithm>
#include <cmath>

namespace owsip::line::dsp {
namespace {
constexpr double kFullScale = 32767.0;
constexpr double kDbm0MaxPower = 3.14 + 3.02;
constexpr double kSineFullScaleDbm0 = 3.14;
}  // namespace

double dbm0(double mean_square) {
  if (mean_square <= 0) return -99;
  return std::max(-99.0, 10 * std::log10(mean_square / (kFullScale * kFullScale)) + kDbm0MaxPower);
}

double mean_square_from_dbm0(double level) {
  return std::pow(10.0, (level - kDbm0MaxPower) / 10) * kFullScale * kFullScale;
}

double sine_amplitude(double level) {
  return kFullScale * std::pow(10.0, (level - kSineFullScaleDbm0) / 20);
}

double mean_square(std::span<const int16_t> pcm) {
  if (pcm.empty()) return 0;
  double sum = 0;
  for (int16_t s : pcm) sum += static_cast<double>(s) * s;
  return sum / static_cast<double>(pcm.size());
}

}  // namespace owsip::line::dsp
