#include "line/dsp/tone_player.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace owsip::line::dsp {
namespace {

// Relative power of `hz` in `x` (Goertzel), normalised by the block's total power.
double share_at(const std::vector<int16_t>& x, double hz, int rate) {
  const double w = 2 * M_PI * hz / rate, c = 2 * std::cos(w);
  double s1 = 0, s2 = 0, total = 0;
  for (int16_t v : x) {
    double s = v + c * s1 - s2;
    s2 = s1;
    s1 = s;
    total += double(v) * v;
  }
  double p = s1 * s1 + s2 * s2 - c * s1 * s2;
  return total > 0 ? 2 * p / (x.size() * total) : 0;
}

std::vector<int16_t> play(const Tone& t, int rate, int ms) {
  TonePlayer p(rate);
  p.start(t);
  EXPECT_EQ(ms % 20, 0) << "whole frames only";
  std::vector<int16_t> out(static_cast<size_t>(rate / 1000 * ms));
  for (size_t i = 0; i < out.size(); i += rate / 50)  // in 20 ms frames, as a line does
    p.generate(std::span<int16_t>(out).subspan(i, rate / 50));
  return out;
}

// 10 ms blocks: 1 = tone present.
std::vector<int> on_off(const std::vector<int16_t>& x, int rate) {
  std::vector<int> v;
  const size_t n = rate / 100;
  for (size_t i = 0; i + n <= x.size(); i += n) {
    double e = 0;
    for (size_t k = i; k < i + n; ++k) e += double(x[k]) * x[k];
    v.push_back(e / n > 1e4 ? 1 : 0);
  }
  return v;
}

TEST(TonePlayer, GermanDialToneIsContinuous425Hz) {
  const ToneSet* de = find_tone_set("germany");
  ASSERT_NE(de, nullptr);
  for (int rate : {8000, 16000}) {
    auto x = play(de->dial, rate, 1000);
    EXPECT_GT(share_at(x, 425, rate), 0.9) << rate;
    for (int b : on_off(x, rate)) ASSERT_EQ(b, 1);
  }
}

TEST(TonePlayer, BusyCadenceFollowsTheSteps) {
  const ToneSet* de = find_tone_set("germany");  // 425 Hz, 480 on / 480 off
  auto blocks = on_off(play(de->busy, 8000, 1920), 8000);
  ASSERT_EQ(blocks.size(), 192u);
  for (size_t i = 0; i < blocks.size(); ++i) {
    const bool on = (i % 96) < 48;
    ASSERT_EQ(blocks[i], on ? 1 : 0) << "block " << i;
  }
}

TEST(TonePlayer, DualToneHasBothFrequencies) {
  const ToneSet* us = find_tone_set("united_states");  // dial 350 + 440 Hz
  ASSERT_NE(us, nullptr);
  auto x = play(us->dial, 8000, 500);
  EXPECT_GT(share_at(x, 350, 8000), 0.35);
  EXPECT_GT(share_at(x, 440, 8000), 0.35);
  EXPECT_LT(share_at(x, 425, 8000), 0.2);
}

TEST(TonePlayer, StepsWithDifferentFrequencies) {
  const ToneSet* de = find_tone_set("germany");
  const Tone& sit = de->special_info;  // 950 / 1400 / 1800 Hz, 330 ms each
  ASSERT_GE(sit.count, 3);
  auto x = play(sit, 8000, 1000);
  auto part = [&](int i) {
    return std::vector<int16_t>(x.begin() + i * 2640 + 400, x.begin() + (i + 1) * 2640 - 400);
  };
  EXPECT_GT(share_at(part(0), sit.steps[0].f1_hz, 8000), 0.9);
  EXPECT_GT(share_at(part(1), sit.steps[1].f1_hz, 8000), 0.9);
  EXPECT_GT(share_at(part(2), sit.steps[2].f1_hz, 8000), 0.9);
}

TEST(TonePlayer, StopGivesSilence) {
  TonePlayer p(8000);
  p.start(find_tone_set("germany")->dial);
  p.stop();
  std::vector<int16_t> out(160, 7);
  p.generate(out);
  for (int16_t v : out) ASSERT_EQ(v, 0);
}

}  // namespace
}  // namespace owsip::line::dsp
