#include "media/conference_mixer.h"

#include <algorithm>

namespace owsip::media {
namespace {

int16_t sum(int a, int b) { return static_cast<int16_t>(std::clamp(a + b, -32768, 32767)); }

}  // namespace

void ConferenceMixer::fill_line_audio(std::span<int16_t> ear, int rate) {
  frame_ = std::min(ear.size(), kMaxFrame);
  std::span<int16_t> a(from_a_.data(), frame_), b(from_b_.data(), frame_);
  a_.fill_line_audio(a, rate);
  b_.fill_line_audio(b, rate);
  for (size_t i = 0; i < ear.size(); ++i) ear[i] = i < frame_ ? sum(a[i], b[i]) : 0;
}

void ConferenceMixer::on_line_audio(std::span<const int16_t> mic, int rate) {
  const size_t n = std::min(mic.size(), kMaxFrame);
  std::array<int16_t, kMaxFrame> from_a{}, from_b{};
  for (size_t i = 0; i < n && i < frame_; ++i) {
    from_a[i] = from_a_[i];
    from_b[i] = from_b_[i];
  }
  // A hears the phone and B, B the phone and A; each call's DTMF guard checks the phone alone.
  const std::span<const int16_t> phone = mic.first(n);
  a_.on_line_audio_with(phone, std::span<const int16_t>(from_b.data(), n), rate);
  b_.on_line_audio_with(phone, std::span<const int16_t>(from_a.data(), n), rate);
}

}  // namespace owsip::media
