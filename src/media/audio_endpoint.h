#pragma once
// The seam between a line's audio and media's software path (DESIGN.md "two media paths"). It
// lives here, on media's side, because media is the lower layer: line backends (line/) call it,
// media never includes line/.

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace owsip::media {

// The software media path of a line without a DSP (sim, sound card): the line's own clock
// (the phone's 20 ms frames on the sim) drives both directions. For every 20 ms the line hands
// over what the microphone picked up and asks for what the earpiece should play, so a jitter
// buffer behind it is played out on the line's clock. Calls come from the event loop.
class AudioEndpoint {
 public:
  virtual ~AudioEndpoint() = default;
  // 20 ms from the phone at `rate` (8000 or 16000).
  virtual void on_line_audio(std::span<const int16_t> mic, int rate) = 0;
  // Three-way calling (conference_mixer.h): the phone's 20 ms and, to be added to it, the
  // other party's (same length and rate). An endpoint that checks the phone's audio (the DTMF
  // guard) checks `mic` alone: the other party's audio is theirs.
  virtual void on_line_audio_with(std::span<const int16_t> mic, std::span<const int16_t> other,
                                  int rate);
  // Fill 20 ms for the earpiece at `rate`.
  virtual void fill_line_audio(std::span<int16_t> ear, int rate) = 0;
};

inline void AudioEndpoint::on_line_audio_with(std::span<const int16_t> mic,
                                              std::span<const int16_t> other, int rate) {
  std::vector<int16_t> sum(mic.begin(), mic.end());
  for (size_t i = 0; i < sum.size() && i < other.size(); ++i)
    sum[i] = static_cast<int16_t>(std::clamp(sum[i] + other[i], -32768, 32767));
  on_line_audio(sum, rate);
}

}  // namespace owsip::media
