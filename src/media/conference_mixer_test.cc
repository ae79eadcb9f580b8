#include "media/conference_mixer.h"

#include <gtest/gtest.h>

#include <vector>

namespace owsip::media {
namespace {

// A call's end of the line: plays a constant, records what it is sent.
struct FakeEndpoint final : AudioEndpoint {
  explicit FakeEndpoint(int16_t v) : value(v) {}
  void on_line_audio(std::span<const int16_t> mic, int) override {
    sent.assign(mic.begin(), mic.end());
  }
  void fill_line_audio(std::span<int16_t> ear, int) override {
    ++fills;
    std::fill(ear.begin(), ear.end(), value);
  }
  int16_t value;
  int fills = 0;
  std::vector<int16_t> sent;
};

TEST(ConferenceMixer, EachHearsTheOtherTwo) {
  FakeEndpoint a(1000), b(-300);
  ConferenceMixer m(a, b);
  std::vector<int16_t> ear(160, 7);
  m.fill_line_audio(ear, 8000);
  EXPECT_EQ(ear.front(), 700);  // the phone hears A + B
  EXPECT_EQ(ear.back(), 700);
  std::vector<int16_t> mic(160, 50);
  m.on_line_audio(mic, 8000);
  ASSERT_EQ(a.sent.size(), 160u);
  EXPECT_EQ(a.sent[0], 50 - 300);  // A hears the phone and B, not itself
  EXPECT_EQ(b.sent[159], 50 + 1000);
  EXPECT_EQ(a.fills, 1);  // one frame per period from each call: their jitter buffers keep time
  EXPECT_EQ(b.fills, 1);
}

TEST(ConferenceMixer, ClipsInsteadOfWrapping) {
  FakeEndpoint a(30000), b(30000);
  ConferenceMixer m(a, b);
  std::vector<int16_t> ear(320);
  m.fill_line_audio(ear, 16000);
  EXPECT_EQ(ear[0], 32767);
  std::vector<int16_t> mic(320, -30000);
  m.on_line_audio(mic, 16000);
  EXPECT_EQ(a.sent[0], 0);
  EXPECT_EQ(b.sent[319], 0);
}

}  // namespace
}  // namespace owsip::media
