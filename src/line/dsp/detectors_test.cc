#include "line/dsp/detectors.h"

#include <gtest/gtest.h>
#include <spandsp.h>
#undef lrint
#undef lrintf

#include <cmath>
#include <string>
#include <vector>

#include "line/dsp/resample.h"

namespace owsip::line::dsp {
namespace {

std::vector<int16_t> dtmf_audio(const char* digits) {
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  dtmf_tx_put(tx, digits, -1);
  std::vector<int16_t> out;
  int16_t buf[160];
  for (int n; (n = dtmf_tx(tx, buf, 160)) > 0;) out.insert(out.end(), buf, buf + n);
  out.insert(out.end(), 1600, 0);
  dtmf_tx_free(tx);
  return out;
}

TEST(DtmfDetector, HearsEveryDigitAt8And16kHz) {
  const char* digits = "0123456789*#ABCD";
  auto audio = dtmf_audio(digits);
  for (int rate : {8000, 16000}) {
    std::string got;
    DtmfDetector d(rate, [&](char c) { got += c; });
    std::vector<int16_t> in = audio;
    if (rate == 16000) {
      in.resize(audio.size() * 2);
      int16_t last = 0;
      upsample2(audio, in, last);
    }
    const size_t frame = rate / 50;
    for (size_t i = 0; i + frame <= in.size(); i += frame)
      d.feed(std::span<const int16_t>(in).subspan(i, frame));
    EXPECT_EQ(got, digits) << rate;
  }
}

TEST(DtmfDetector, SilenceAndSpeechLikeToneGiveNothing) {
  std::string got;
  DtmfDetector d(8000, [&](char c) { got += c; });
  std::vector<int16_t> x(8000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int16_t>(8000 * std::sin(i * 0.35));
  d.feed(x);
  EXPECT_EQ(got, "");
}

// Feeds `audio` (at `rate`) in 20 ms frames and returns what the detector reported.
std::vector<FaxTone> fax_tones(const std::vector<int16_t>& audio, int rate = 8000) {
  std::vector<FaxTone> got;
  FaxToneDetector d(rate, [&](FaxTone t) { got.push_back(t); });
  const size_t frame = rate / 50;
  for (size_t i = 0; i + frame <= audio.size(); i += frame)
    d.feed(std::span<const int16_t>(audio).subspan(i, frame));
  return got;
}

std::vector<int16_t> connect_tones(int kind, int ms) {
  modem_connect_tones_tx_state_t* tx = modem_connect_tones_tx_init(nullptr, kind);
  std::vector<int16_t> out(ms * 8);
  modem_connect_tones_tx(tx, out.data(), static_cast<int>(out.size()));
  modem_connect_tones_tx_free(tx);
  return out;
}

// A sine of `hz` for `ms` at `rate`, amplitude `amp`, then `gap_ms` of silence.
std::vector<int16_t> sine(double hz, int ms, double amp = 8000, int rate = 8000, int gap_ms = 0) {
  std::vector<int16_t> out(static_cast<size_t>((ms + gap_ms) * rate / 1000));
  for (int i = 0; i < ms * rate / 1000; ++i)
    out[i] = static_cast<int16_t>(amp * std::sin(2 * M_PI * hz * i / rate));
  return out;
}

TEST(FaxToneDetector, HearsEachCngBurstOnce) {
  auto got = fax_tones(connect_tones(MODEM_CONNECT_TONES_FAX_CNG, 4000));  // 0.5 s on, 3 s off
  EXPECT_EQ(got, (std::vector<FaxTone>{FaxTone::cng, FaxTone::cng}));
}

TEST(FaxToneDetector, HearsCedOnce) {
  auto got = fax_tones(connect_tones(MODEM_CONNECT_TONES_FAX_CED, 3000));
  EXPECT_EQ(got, std::vector<FaxTone>{FaxTone::ced});
}

TEST(FaxToneDetector, HearsTheV21PreambleAsCed) {
  // An answering fax without CED: HDLC flags (0x7e) on V.21 channel 2 at 300 bit/s.
  struct Flags {
    int bit = 0;
  } flags;
  get_bit_func_t next = [](void* user) {
    int b = static_cast<Flags*>(user)->bit++ % 8;
    return (0x7e >> b) & 1;
  };
  fsk_tx_state_t* tx = fsk_tx_init(nullptr, &preset_fsk_specs[FSK_V21CH2], next, &flags);
  std::vector<int16_t> audio(8000);
  fsk_tx(tx, audio.data(), static_cast<int>(audio.size()));
  fsk_tx_free(tx);
  EXPECT_EQ(fax_tones(audio), std::vector<FaxTone>{FaxTone::ced});
}

TEST(FaxToneDetector, ToleratesTheFrequencyDeviationT30AllowsAndRuns16kHz) {
  EXPECT_EQ(fax_tones(sine(1138, 600)), std::vector<FaxTone>{FaxTone::cng});
  EXPECT_EQ(fax_tones(sine(1062, 600)), std::vector<FaxTone>{FaxTone::cng});
  EXPECT_EQ(fax_tones(sine(2115, 1000)), std::vector<FaxTone>{FaxTone::ced});
  EXPECT_EQ(fax_tones(sine(1100, 600, 8000, 16000), 16000), std::vector<FaxTone>{FaxTone::cng});
  EXPECT_EQ(fax_tones(sine(2100, 1000, 8000, 16000), 16000), std::vector<FaxTone>{FaxTone::ced});
}

TEST(FaxToneDetector, IgnoresOtherTonesShortBurstsQuietTonesAndNoise) {
  EXPECT_TRUE(fax_tones(sine(1300, 1000)).empty());
  EXPECT_TRUE(fax_tones(sine(425, 2000)).empty());                   // dial tone
  EXPECT_TRUE(fax_tones(sine(1100, 200, 8000, 8000, 500)).empty());  // too short for CNG
  EXPECT_TRUE(fax_tones(sine(2100, 300, 8000, 8000, 500)).empty());  // too short for CED
  EXPECT_TRUE(fax_tones(sine(1100, 600, 100)).empty());              // below -43 dBm0
  EXPECT_TRUE(fax_tones(dtmf_audio("0123456789*#ABCD")).empty());
  std::vector<int16_t> noise(16000);
  uint32_t r = 12345;
  for (auto& x : noise)
    x = static_cast<int16_t>(((r = r * 1103515245 + 12345) >> 16) % 16000) - 8000;
  EXPECT_TRUE(fax_tones(noise).empty());
}

}  // namespace
}  // namespace owsip::line::dsp
