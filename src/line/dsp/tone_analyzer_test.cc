#include "line/dsp/tone_analyzer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include <spandsp.h>
#undef lrint
#undef lrintf

#include "line/dsp/level.h"

namespace owsip::line::dsp {
namespace {

const ToneSet& set(const char* locale) {
  const ToneSet* s = find_tone_set(locale);
  EXPECT_NE(s, nullptr) << locale;
  return s ? *s : all_tone_sets()[0];
}

// spandsp's tone generator at 8 kHz: f2 < 0 is AM by |f2| with depth l2 percent.
std::vector<int16_t> tone_gen_pcm(int f1, int l1, int f2, int l2, int d1, int d2, int d3, int d4,
                                  uint32_t ms) {
  tone_gen_descriptor_t* desc =
      tone_gen_descriptor_init(nullptr, f1, l1, f2, l2, d1, d2, d3, d4, 1);
  tone_gen_state_t* gen = tone_gen_init(nullptr, desc);
  std::vector<int16_t> out(ms * 8);
  int n = tone_gen(gen, out.data(), static_cast<int>(out.size()));
  out.resize(static_cast<size_t>(n));
  tone_gen_free(gen);
  tone_gen_descriptor_free(desc);
  return out;
}

// Plays a Tone the plain way, at any rate: steps in order, each frequency at the tone's level,
// AM steps as f1 * (1 + depth * sin(f2)); repeats unless the last step is held.
std::vector<int16_t> synth(const Tone& tone, int rate, uint32_t ms, double am_depth = 0.5) {
  std::vector<int16_t> out;
  out.reserve(static_cast<size_t>(rate) * ms / 1000);
  const double a = sine_amplitude(tone.level_dbm0);
  double ph1 = 0, ph2 = 0;
  size_t step = 0;
  uint64_t left = static_cast<uint64_t>(tone.steps[0].ms) * rate / 1000;
  const size_t total = static_cast<size_t>(rate) * ms / 1000;
  while (out.size() < total) {
    const ToneStep& s = tone.steps[step];
    const bool held = s.ms == 0;
    double v = 0;
    if (s.f1_hz != 0) {
      if (s.am) {
        v = a * std::sin(ph1) * (1 + am_depth * std::sin(ph2));
      } else {
        v = a * std::sin(ph1) + (s.f2_hz ? a * std::sin(ph2) : 0);
      }
      ph1 += 2 * std::numbers::pi * s.f1_hz / rate;
      ph2 += 2 * std::numbers::pi * s.f2_hz / rate;
    }
    out.push_back(static_cast<int16_t>(std::lround(std::clamp(v, -32768.0, 32767.0))));
    if (!held && --left == 0) {
      step = (step + 1) % tone.count;
      left = static_cast<uint64_t>(tone.steps[step].ms) * rate / 1000;
    }
  }
  return out;
}

// Feeds in 20 ms frames, as the virtual phone does, and collects the events.
std::vector<ToneEvent> feed(ToneAnalyzer& an, const std::vector<int16_t>& pcm) {
  std::vector<ToneEvent> events;
  const size_t frame = static_cast<size_t>(an.rate()) / 50;
  for (size_t i = 0; i < pcm.size(); i += frame) {
    an.feed(std::span<const int16_t>(pcm).subspan(i, std::min(frame, pcm.size() - i)));
    for (auto& e : an.take_events()) events.push_back(std::move(e));
  }
  return events;
}

std::vector<ToneEvent> of_kind(const std::vector<ToneEvent>& ev, ToneEvent::Kind k) {
  std::vector<ToneEvent> out;
  for (const auto& e : ev)
    if (e.kind == k) out.push_back(e);
  return out;
}

void expect_freqs(const std::vector<uint16_t>& got, std::vector<int> want, int tol = 5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "freq " << i;
}

void expect_cadence(const std::vector<uint32_t>& got, std::vector<int> want, int tol = 20) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(double(got[i]), want[i], tol) << "step " << i;
}

TEST(ToneAnalyzerTest, GermanDialToneIsContinuous425) {
  ToneAnalyzer an(8000);
  auto ev = feed(an, tone_gen_pcm(425, -13, 0, 0, 1000, 0, 0, 0, 2000));
  auto tones = of_kind(ev, ToneEvent::Kind::tone);
  ASSERT_EQ(tones.size(), 1u);
  EXPECT_TRUE(tones[0].tone.continuous());
  expect_freqs(tones[0].tone.freqs(), {425}, 2);
  EXPECT_TRUE(tones[0].tone.cadence().empty());
  // Recognised once 1.5 s passed without an off period (plus block granularity).
  EXPECT_GE(tones[0].at_ms, 1500u);
  EXPECT_LE(tones[0].at_ms, 1600u);
  EXPECT_NEAR(tones[0].tone.level_dbm0, -13, 0.5);
  ASSERT_NE(an.current(), nullptr);
  EXPECT_TRUE(matches(*an.current(), set("germany").dial));
  EXPECT_TRUE(an.matches(set("germany").dial));
  EXPECT_FALSE(an.matches(set("germany").busy));
  EXPECT_FALSE(an.matches(set("united_kingdom").dial));
  EXPECT_FALSE(an.matches(set("france").dial));              // 440 Hz: 15 Hz off
  EXPECT_FALSE(an.matches(set("austria").dial, {.hz = 3}));  // 420 Hz
}

TEST(ToneAnalyzerTest, GermanBusyToneCadence) {
  ToneAnalyzer an(8000);
  auto ev = feed(an, tone_gen_pcm(425, -13, 0, 0, 480, 480, 0, 0, 3000));
  auto tones = of_kind(ev, ToneEvent::Kind::tone);
  ASSERT_EQ(tones.size(), 1u);
  expect_freqs(tones[0].tone.freqs(), {425}, 2);
  expect_cadence(tones[0].tone.cadence(), {480, 480});
  EXPECT_FALSE(tones[0].tone.multi_frequency());
  EXPECT_TRUE(of_kind(ev, ToneEvent::Kind::stopped).empty());
  EXPECT_TRUE(an.matches(set("germany").busy));
  EXPECT_TRUE(matches(*an.current(), set("germany").busy));
  EXPECT_FALSE(an.matches(set("germany").congestion));  // 240/240
  EXPECT_FALSE(matches(*an.current(), set("germany").congestion));
  EXPECT_FALSE(an.matches(set("germany").dial));
}

TEST(ToneAnalyzerTest, ItalianDialToneTwoPartCadence) {
  ToneAnalyzer an(8000);
  auto ev = feed(an, tone_gen_pcm(425, -13, 0, 0, 200, 200, 600, 1000, 5000));
  auto tones = of_kind(ev, ToneEvent::Kind::tone);
  ASSERT_EQ(tones.size(), 1u);
  expect_freqs(tones[0].tone.freqs(), {425}, 3);
  // Canonical order: the sound after the longest silence first.
  expect_cadence(tones[0].tone.cadence(), {200, 200, 600, 1000});
  EXPECT_TRUE(an.matches(set("italy").dial));
  EXPECT_FALSE(an.matches(set("germany").dial));
  EXPECT_FALSE(an.matches(set("germany").busy));
}

TEST(ToneAnalyzerTest, BritishDialToneTwoFrequencies) {
  ToneAnalyzer an(8000);
  auto ev = feed(an, tone_gen_pcm(350, -13, 440, -13, 1000, 0, 0, 0, 2000));
  auto tones = of_kind(ev, ToneEvent::Kind::tone);
  ASSERT_EQ(tones.size(), 1u);
  expect_freqs(tones[0].tone.freqs(), {350, 440}, 2);
  EXPECT_TRUE(tones[0].tone.continuous());
  EXPECT_TRUE(an.matches(set("united_kingdom").dial));
  EXPECT_TRUE(an.matches(set("united_states").dial));  // the same tone
  EXPECT_FALSE(an.matches(set("germany").dial));
}

TEST(ToneAnalyzerTest, AmericanBusyToneLevelAndFrequencies) {
  ToneAnalyzer an(8000);
  auto ev = feed(an, tone_gen_pcm(480, -24, 620, -24, 500, 500, 0, 0, 3000));
  auto tones = of_kind(ev, ToneEvent::Kind::tone);
  ASSERT_EQ(tones.size(), 1u);
  expect_freqs(tones[0].tone.freqs(), {480, 620}, 2);
  expect_cadence(tones[0].tone.cadence(), {500, 500});
  // Two tones at -24 dBm0 each: -21 dBm0 together.
  EXPECT_NEAR(tones[0].tone.level_dbm0, -24 + 10 * std::log10(2.0), 0.5);
  EXPECT_TRUE(an.matches(set("united_states").busy));
  EXPECT_FALSE(an.matches(set("united_states").congestion));  // 250/250
}

TEST(ToneAnalyzerTest, JapaneseRingbackAmplitudeModulatedIsItsCarrier) {
  ToneAnalyzer an(8000);
  // 400 Hz modulated by 16 Hz, 50 % deep (as owsip's tone player does), 1 s on / 2 s off.
  auto ev = feed(an, tone_gen_pcm(400, -13, -16, 50, 1000, 2000, 0, 0, 7000));
  auto tones = of_kind(ev, ToneEvent::Kind::tone);
  ASSERT_EQ(tones.size(), 1u) << (tones.empty() ? "" : tones[0].tone.describe());
  expect_freqs(tones[0].tone.freqs(), {400}, 3);
  expect_cadence(tones[0].tone.cadence(), {1000, 2000});
  EXPECT_TRUE(an.matches(set("japan").ringback));
  EXPECT_FALSE(an.matches(set("japan").busy));
}

TEST(ToneAnalyzerTest, FullyModulatedToneIsItsCarrier) {
  // India's dial tone: 400 Hz x 25 Hz, here 100 % deep so the envelope touches zero.
  ToneAnalyzer an(8000);
  auto ev = feed(an, synth(set("india").dial, 8000, 2000, 1.0));
  auto tones = of_kind(ev, ToneEvent::Kind::tone);
  ASSERT_EQ(tones.size(), 1u);
  EXPECT_TRUE(tones[0].tone.continuous()) << tones[0].tone.describe();
  expect_freqs(tones[0].tone.freqs(), {400}, 3);
  EXPECT_TRUE(an.matches(set("india").dial));
}

TEST(ToneAnalyzerTest, SpecialInformationToneStepsByFrequency) {
  ToneAnalyzer an(8000);
  const Tone& sit = set("germany").special_info;  // 950/1400/1800 x 330 ms, 1 s off
  auto ev = feed(an, synth(sit, 8000, 4500));
  auto tones = of_kind(ev, ToneEvent::Kind::tone);
  ASSERT_EQ(tones.size(), 1u);
  const HeardTone& t = tones[0].tone;
  EXPECT_TRUE(t.multi_frequency());
  expect_freqs(t.freqs(), {950, 1400, 1800}, 3);
  ASSERT_EQ(t.steps.size(), 4u) << t.describe();
  expect_freqs(t.steps[0].freqs, {950}, 3);
  expect_freqs(t.steps[1].freqs, {1400}, 3);
  expect_freqs(t.steps[2].freqs, {1800}, 3);
  EXPECT_TRUE(t.steps[3].freqs.empty());
  expect_cadence(t.cadence(), {330, 330, 330, 1000});
  EXPECT_TRUE(an.matches(sit));
  EXPECT_TRUE(matches(t, sit));
  // Austria's SIT is 950/1450/1850: the second step is 50 Hz off.
  EXPECT_FALSE(an.matches(set("austria").special_info));
}

TEST(ToneAnalyzerTest, BritishSpecialInformationToneWithShortGaps) {
  // 950, 15 ms gap, 1400, 15 ms gap, 1800, 1 s off: the gaps are too short to be heard as
  // off periods, so each is shared between its neighbours.
  ToneAnalyzer an(8000);
  const Tone& sit = set("united_kingdom").special_info;
  feed(an, synth(sit, 8000, 4500));
  ASSERT_NE(an.current(), nullptr);
  EXPECT_EQ(an.current()->steps.size(), 4u) << an.current()->describe();
  EXPECT_TRUE(an.matches(sit)) << an.current()->describe();
  EXPECT_TRUE(matches(*an.current(), sit));
}

TEST(ToneAnalyzerTest, WidebandSixteenKilohertz) {
  {
    ToneAnalyzer an(16000);
    auto ev = feed(an, synth(set("germany").busy, 16000, 3000));
    ASSERT_NE(an.current(), nullptr);
    expect_freqs(an.current()->freqs(), {425}, 2);
    expect_cadence(an.current()->cadence(), {480, 480});
    EXPECT_TRUE(an.matches(set("germany").busy));
  }
  {
    ToneAnalyzer an(16000);
    feed(an, synth(set("united_kingdom").dial, 16000, 2000));
    ASSERT_NE(an.current(), nullptr);
    expect_freqs(an.current()->freqs(), {350, 440}, 2);
    EXPECT_TRUE(an.current()->continuous());
  }
  {
    ToneAnalyzer an(16000);
    feed(an, synth(set("italy").dial, 16000, 5000));
    ASSERT_NE(an.current(), nullptr);
    expect_cadence(an.current()->cadence(), {200, 200, 600, 1000});
    EXPECT_TRUE(an.matches(set("italy").dial));
  }
  {
    ToneAnalyzer an(16000);
    feed(an, synth(set("germany").special_info, 16000, 4500));
    ASSERT_NE(an.current(), nullptr);
    expect_freqs(an.current()->freqs(), {950, 1400, 1800}, 3);
    EXPECT_TRUE(an.matches(set("germany").special_info));
  }
}

TEST(ToneAnalyzerTest, SilenceAndQuietNoiseAreNoTone) {
  ToneAnalyzer an(8000);
  std::vector<int16_t> pcm(8000 * 3, 0);
  // A little noise at about -65 dBm0 (G.711 idle channel noise is lower still).
  uint32_t x = 12345;
  for (size_t i = 8000; i < pcm.size(); ++i) {
    x = x * 1103515245 + 12345;
    pcm[i] = static_cast<int16_t>(static_cast<int>((x >> 16) % 13) - 6);
  }
  auto ev = feed(an, pcm);
  EXPECT_TRUE(ev.empty());
  EXPECT_EQ(an.current(), nullptr);
  EXPECT_FALSE(an.matches(set("germany").dial));
  EXPECT_LT(an.last_level_dbm0(), -60);
}

TEST(ToneAnalyzerTest, TestToneIsReportedAsAudioWithItsLevel) {
  ToneAnalyzer an(8000);
  auto ev = feed(an, tone_gen_pcm(1000, -10, 0, 0, 1000, 0, 0, 0, 1200));
  auto audio = of_kind(ev, ToneEvent::Kind::audio);
  ASSERT_EQ(audio.size(), 1u);
  EXPECT_NEAR(audio[0].freq_hz, 1000, 3);
  EXPECT_NEAR(audio[0].level_dbm0, -10, 0.3);
  EXPECT_EQ(audio[0].at_ms, 1000u);
  EXPECT_TRUE(of_kind(ev, ToneEvent::Kind::tone).empty());  // not yet 1.5 s
}

TEST(ToneAnalyzerTest, ReportsWhenTheToneStopsAndWhenItChanges) {
  ToneAnalyzer an(8000);
  auto pcm = tone_gen_pcm(425, -13, 0, 0, 480, 480, 0, 0, 2880);  // ends after an off period
  pcm.resize(pcm.size() + 8000, 0);
  auto ev = feed(an, pcm);
  ASSERT_EQ(ev.size(), 3u);  // audio at 1 s (not yet recognised), tone, stopped
  EXPECT_EQ(ev[0].kind, ToneEvent::Kind::audio);
  EXPECT_EQ(ev[1].kind, ToneEvent::Kind::tone);
  EXPECT_EQ(ev[2].kind, ToneEvent::Kind::stopped);
  // The last burst ended at 2400 ms; the off period may run 480 ms plus its tolerance.
  EXPECT_GE(ev[2].at_ms, 2880u);
  EXPECT_LE(ev[2].at_ms, 2960u);
  EXPECT_EQ(an.current(), nullptr);

  // Busy, then congestion: stop, then the new cadence.
  ToneAnalyzer an2(8000);
  auto a = tone_gen_pcm(425, -13, 0, 0, 480, 480, 0, 0, 2880);
  auto b = tone_gen_pcm(425, -13, 0, 0, 240, 240, 0, 0, 2000);
  a.insert(a.end(), b.begin(), b.end());
  auto ev2 = of_kind(feed(an2, a), ToneEvent::Kind::tone);
  ASSERT_EQ(ev2.size(), 2u);
  expect_cadence(ev2[0].tone.cadence(), {480, 480});
  expect_cadence(ev2[1].tone.cadence(), {240, 240});
}

TEST(ToneAnalyzerTest, ExpectedStepsNormaliseLikeTheEar) {
  // UK SIT: 15 ms gaps shared between the neighbours.
  auto uk = expected_steps(set("united_kingdom").special_info);
  ASSERT_EQ(uk.size(), 4u);
  EXPECT_EQ(uk[0], (HeardStep{{950}, 330 + 7}));
  EXPECT_EQ(uk[1], (HeardStep{{1400}, 330 + 8 + 7}));
  EXPECT_EQ(uk[2], (HeardStep{{1800}, 330 + 8}));
  EXPECT_EQ(uk[3], (HeardStep{{}, 1000}));
  // Finland's stutter dial tone 650 on / 25 off: continuous to the ear.
  auto fi = expected_steps(set("finland").stutter_dial);
  ASSERT_EQ(fi.size(), 1u);
  EXPECT_EQ(fi[0], (HeardStep{{425}, 0}));
  // AM: the carrier only; held last step kept with ms 0.
  auto in = expected_steps(set("india").dial);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0], (HeardStep{{400}, 0}));
  auto once = expected_steps(set("united_states").special_info);
  ASSERT_EQ(once.size(), 4u);
  EXPECT_EQ(once[3], (HeardStep{{}, 0}));
}

TEST(ToneAnalyzerTest, PlayedOnceSpecialInformationTone) {
  ToneAnalyzer an(8000);
  const Tone& sit = set("united_states").special_info;  // three steps, then silence held
  feed(an, synth(sit, 8000, 2300));
  EXPECT_TRUE(an.matches(sit));
  // Germany's repeats after 1 s of silence; 1.3 s have passed.
  EXPECT_FALSE(an.matches(set("germany").special_info));
}

// Every locale's dial, busy, ringback and congestion tone, as a listener hears them: each
// matches itself, and the dial tone is not mistaken for the busy tone.
TEST(ToneAnalyzerTest, EveryLocaleMatchesItsOwnTones) {
  for (const ToneSet& s : all_tone_sets()) {
    for (ToneKind kind :
         {ToneKind::dial, ToneKind::busy, ToneKind::ringback, ToneKind::congestion}) {
      const Tone& t = s.tone(kind);
      // One period and the start of the next (or 1.7 s of a continuous tone) are enough.
      uint32_t period = 0;
      for (size_t i = 0; i < t.count; ++i) period += t.steps[i].ms;
      const uint32_t ms = std::max<uint32_t>(1700, period + 300);
      ToneAnalyzer an(8000);
      feed(an, synth(t, 8000, ms));
      EXPECT_TRUE(an.matches(t)) << s.locale << " " << tone_kind_name(kind) << ": heard "
                                 << (an.current() ? an.current()->describe() : "nothing");
      if (kind == ToneKind::dial && expected_steps(s.busy) != expected_steps(s.dial)) {
        EXPECT_FALSE(an.matches(s.busy)) << s.locale;
      }
    }
  }
}

}  // namespace
}  // namespace owsip::line::dsp
