#pragma once
// Three-way calling on the software path (docs/SERVICES.md, Three-way calling): one line's
// audio shared by two calls. The line is attached to the mixer instead of a call; every
// 20 ms the mixer takes one frame from each call (so each call's jitter buffer plays out on
// the line's clock as before), gives the phone their sum, and sends each call the phone's
// microphone plus the other call's frame of the same period.
//
// The mixer does not own the endpoints: whoever attaches it detaches it (and so stops it)
// before either call's media goes away. Single-threaded (the event loop).

#include <array>
#include <cstdint>
#include <span>

#include "media/audio_endpoint.h"

namespace owsip::media {

class ConferenceMixer final : public AudioEndpoint {
 public:
  ConferenceMixer(AudioEndpoint& a, AudioEndpoint& b) : a_(a), b_(b) {}

  void on_line_audio(std::span<const int16_t> mic, int rate) override;
  void fill_line_audio(std::span<int16_t> ear, int rate) override;

 private:
  static constexpr size_t kMaxFrame = 320;  // 20 ms at 16 kHz
  AudioEndpoint& a_;
  AudioEndpoint& b_;
  std::array<int16_t, kMaxFrame> from_a_{}, from_b_{};  // the last frame each call gave
  size_t frame_ = 0;                                    // samples in them
};

}  // namespace owsip::media
