#pragma once
// Plays a call-progress Tone (tone_set.h) as PCM for lines without a DSP: each step with
// spandsp's tone generator (two frequencies mixed, or one amplitude-modulated), steps in order,
// repeating unless the last step holds for ever.

#include <cstdint>
#include <span>
#include <vector>

#include "line/tone_set.h"

namespace owsip::line::dsp {

class TonePlayer {
 public:
  explicit TonePlayer(int rate);  // 8000 or 16000
  ~TonePlayer();
  TonePlayer(const TonePlayer&) = delete;
  TonePlayer& operator=(const TonePlayer&) = delete;

  void start(const Tone& tone);
  void stop();
  bool active() const { return active_; }
  // Writes the next out.size() samples: the tone, or silence when none plays.
  void generate(std::span<int16_t> out);

 private:
  void enter_step(size_t index);
  void generate8k(std::span<int16_t> out);

  int rate_;
  bool active_ = false;
  Tone tone_{};
  size_t step_ = 0;
  uint32_t left_ = 0;  // samples (8 kHz) left in the step; 0 with ms == 0: for ever
  struct Gen;
  Gen* gen_ = nullptr;  // spandsp state of the current step, null for a silent step
  std::vector<int16_t> buf8k_;
  int16_t last_ = 0;
};

}  // namespace owsip::line::dsp
