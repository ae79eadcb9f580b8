#pragma once
// Signal levels in dBm0 with spandsp's reference (DBM0_MAX_POWER): a full-scale square wave
// (mean square 32767^2) is 3.14 + 3.02 dBm0, so a full-scale sine is +3.14 dBm0.

#include <cstdint>
#include <span>

namespace owsip::line::dsp {

// The level of a signal whose mean square is `mean_square`; -99 for digital silence.
double dbm0(double mean_square);
// The mean square of a signal at `level` dBm0.
double mean_square_from_dbm0(double level);
// The peak amplitude of a sine at `level` dBm0.
double sine_amplitude(double level);
// The mean square of `pcm` (0 when empty).
double mean_square(std::span<const int16_t> pcm);

}  // namespace owsip::line::dsp
