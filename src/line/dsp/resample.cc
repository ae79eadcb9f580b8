#include "line/dsp/resample.h"

namespace owsip::line::dsp {

void upsample2(std::span<const int16_t> in, std::span<int16_t> out, int16_t& last) {
  for (size_t i = 0; i < in.size(); ++i) {
    out[2 * i] = static_cast<int16_t>((static_cast<int>(last) + in[i]) / 2);
    out[2 * i + 1] = in[i];
    last = in[i];
  }
}

void downsample2(std::span<const int16_t> in, std::span<int16_t> out) {
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<int16_t>((static_cast<int>(in[2 * i]) + in[2 * i + 1]) / 2);
}

}  // namespace owsip::line::dsp
