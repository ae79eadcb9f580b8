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

// An endpoint that tells the phone's audio from the other party's (the DTMF guard's need).
struct SplitEndpoint final : AudioEndpoint {
  void on_line_audio(std::span<const int16_t>, int) override { ++plain; }
  void on_line_audio_with(std::span<const int16_t> mic, std::span<const int16_t> other,
                          int) override {
    phone.assign(mic.begin(), mic.end());
    party.assign(other.begin(), other.end());
  }
  void fill_line_audio(std::span<int16_t> ear, int) override {
    std::fill(ear.begin(), ear.end(), int16_t{400});
  }
  int plain = 0;
  std::vector<int16_t> phone, party;
};

TEST(ConferenceMixer, HandsThePhoneAndTheOtherPartySeparately) {
  SplitEndpoint a, b;
  ConferenceMixer m(a, b);
  std::vector<int16_t> ear(160);
  m.fill_line_audio(ear, 8000);
  std::vector<int16_t> mic(160, 9);
  m.on_line_audio(mic, 8000);
  EXPECT_EQ(a.plain, 0);
  ASSERT_EQ(a.phone.size(), 160u);
  EXPECT_EQ(a.phone[0], 9);    // what the guard looks at: the phone alone
  EXPECT_EQ(a.party[0], 400);  // B's frame, added after it
  EXPECT_EQ(b.party[159], 400);
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
