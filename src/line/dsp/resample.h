#pragma once
// 8 kHz <-> 16 kHz for lines that run wideband while spandsp works at 8 kHz.

#include <cstdint>
#include <span>

namespace owsip::line::dsp {

// out.size() == 2 * in.size(); linear interpolation. `last` carries the previous input sample
// across calls so consecutive blocks join without a click.
void upsample2(std::span<const int16_t> in, std::span<int16_t> out, int16_t& last);
// out.size() == in.size() / 2; each output is the mean of two inputs (a crude low-pass that
// is enough for tone and DTMF detection below 4 kHz).
void downsample2(std::span<const int16_t> in, std::span<int16_t> out);

}  // namespace owsip::line::dsp
