#include "line/dsp/detectors.h"

#include <gtest/gtest.h>
#include <spandsp.h>
#undef lrint
#undef lrintf

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

TEST(FaxToneDetector, HearsCng) {
  modem_connect_tones_tx_state_t* tx = modem_connect_tones_tx_init(nullptr, MODEM_CONNECT_TONES_FAX_CNG);
  std::vector<FaxTone> got;
  FaxToneDetector d(8000, [&](FaxTone t) { got.push_back(t); });
  int16_t buf[160];
  for (int i = 0; i < 200; ++i) {  // 4 s: CNG is 0.5 s on, 3 s off
    modem_connect_tones_tx(tx, buf, 160);
    d.feed(buf);
  }
  modem_connect_tones_tx_free(tx);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0], FaxTone::cng);
}

TEST(FaxToneDetector, HearsCed) {
  modem_connect_tones_tx_state_t* tx = modem_connect_tones_tx_init(nullptr, MODEM_CONNECT_TONES_FAX_CED);
  std::vector<FaxTone> got;
  FaxToneDetector d(8000, [&](FaxTone t) { got.push_back(t); });
  int16_t buf[160];
  for (int i = 0; i < 150; ++i) {
    modem_connect_tones_tx(tx, buf, 160);
    d.feed(buf);
  }
  modem_connect_tones_tx_free(tx);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0], FaxTone::ced);
}

}  // namespace
}  // namespace owsip::line::dsp
