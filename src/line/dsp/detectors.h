#pragma once
// What a line without a DSP hears in the audio from the phone: DTMF digits (spandsp) and fax
// calling / answer tones (Goertzel filters). Audio at 8 or 16 kHz.

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "line/line.h"

namespace owsip::line::dsp {

class DtmfDetector {
 public:
  DtmfDetector(int rate, std::function<void(char)> on_digit);
  ~DtmfDetector();
  DtmfDetector(const DtmfDetector&) = delete;
  DtmfDetector& operator=(const DtmfDetector&) = delete;
  void feed(std::span<const int16_t> pcm);

 private:
  struct Impl;
  Impl* impl_;
};

// Reports CNG (1100 Hz, a calling fax) and CED (2100 Hz answer tone or V.21 preamble), once
// per burst.
class FaxToneDetector {
 public:
  FaxToneDetector(int rate, std::function<void(FaxTone)> on_tone);
  ~FaxToneDetector();
  FaxToneDetector(const FaxToneDetector&) = delete;
  FaxToneDetector& operator=(const FaxToneDetector&) = delete;
  void feed(std::span<const int16_t> pcm);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace owsip::line::dsp
