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
  std::array<int16_t, kMaxFrame> to_a{}, to_b{};
  for (size_t i = 0; i < n; ++i) {
    const int16_t from_a = i < frame_ ? from_a_[i] : 0;
    const int16_t from_b = i < frame_ ? from_b_[i] : 0;
    to_a[i] = sum(mic[i], from_b);  // A hears the phone and B
    to_b[i] = sum(mic[i], from_a);  // B hears the phone and A
  }
  a_.on_line_audio(std::span<const int16_t>(to_a.data(), n), rate);
  b_.on_line_audio(std::span<const int16_t>(to_b.data(), n), rate);
}

}  // namespace owsip::media
