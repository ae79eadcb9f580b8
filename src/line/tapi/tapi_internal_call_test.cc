// An internal call between the two DSP lines of the box (`**2`): the phone layer bridges the
// lines' software audio paths (Line::attach_audio); on TAPI lines that is the channel's coder
// relayed by owsip (TapiAudioBridge). What one phone's microphone sends, the other's earpiece
// plays.

#include <gtest/gtest.h>

#include <cmath>
#include <deque>

#include "line/tapi/tapi_test_fixture.h"
#include "media/codec.h"
#include "media/rtp_packet.h"
#include "media/test_signal.h"

namespace owsip::line::tapi {
namespace {

// One side of a bridge like the phone layer's: the microphone goes to the other side's
// earpiece, 20 ms at a time (silence while nothing waits).
struct Side : AudioEndpoint {
  std::deque<std::vector<int16_t>>* out = nullptr;
  std::deque<std::vector<int16_t>> in;
  void on_line_audio(std::span<const int16_t> mic, int) override {
    out->emplace_back(mic.begin(), mic.end());
  }
  void fill_line_audio(std::span<int16_t> ear, int) override {
    std::fill(ear.begin(), ear.end(), 0);
    if (in.empty()) return;
    std::copy_n(in.front().begin(), std::min(ear.size(), in.front().size()), ear.begin());
    in.pop_front();
  }
};

// A 20 ms A-law packet of the DSP's encoder: a 1 kHz tone, or silence.
std::vector<uint8_t> dsp_packet(uint16_t n, bool tone) {
  static const std::vector<int16_t> sine = media::testing::sine(1000, 8000, 8000, 8000);
  std::vector<int16_t> pcm(160, 0);
  if (tone) std::copy_n(sine.begin() + (n % 40) * 160, 160, pcm.begin());
  std::vector<uint8_t> payload, packet;
  media::make_encoder(media::CodecId::pcma)->encode(pcm, payload);
  media::write_rtp({8, false, n, 160u * n, 0x5eed}, payload, packet);
  return packet;
}

// The level of what a channel's decoder was given after the first `skip` packets (RMS).
double played_rms(const std::vector<std::vector<uint8_t>>& played, size_t skip) {
  auto dec = media::make_decoder(media::CodecId::pcma);
  double sum = 0;
  size_t n = 0;
  for (size_t i = skip; i < played.size(); ++i) {
    media::RtpPacket p;
    if (media::parse_rtp(played[i], p) != media::RtpParse::ok) continue;
    std::vector<int16_t> pcm;
    dec->decode(p.payload, pcm);
    for (int16_t s : pcm) sum += double(s) * s;
    n += pcm.size();
  }
  return n ? std::sqrt(sum / double(n)) : 0;
}

class TapiInternalCall : public testing::TapiFixture {};

TEST_F(TapiInternalCall, WhatOnePhoneSaysTheOtherHears) {
  ASSERT_TRUE(start()) << error_;
  Side a, b;
  a.out = &b.in;
  b.out = &a.in;
  Line& l0 = *backend_->lines()[0];
  Line& l1 = *backend_->lines()[1];
  ASSERT_TRUE(l0.attach_audio(&a));
  ASSERT_TRUE(l1.attach_audio(&b));
  for (int ch = 0; ch < 2; ++ch) {
    EXPECT_TRUE(emu_->channel(ch).encoding);
    EXPECT_TRUE(emu_->channel(ch).decoding);
    EXPECT_EQ(emu_->channel(ch).coder, io::kCodAlaw);
    EXPECT_EQ(emu_->channel(ch).feed, io::kFeedActive);
  }
  // 50 frames (one second): port 0's phone speaks a tone, port 1's is silent.
  for (uint16_t n = 0; n < 50; ++n) {
    ASSERT_TRUE(emu_->dsp_packet(0, dsp_packet(n, true)));
    ASSERT_TRUE(emu_->dsp_packet(1, dsp_packet(n, false)));
    run_until([&] { return emu_->channel(1).played.size() > n; }, 200);
  }
  ASSERT_GE(emu_->channel(1).played.size(), 45u);
  ASSERT_GE(emu_->channel(0).played.size(), 45u);
  EXPECT_GT(played_rms(emu_->channel(1).played, 5), 3000.0);  // the tone (amplitude ~8000)
  EXPECT_LT(played_rms(emu_->channel(0).played, 5), 50.0);    // silence came back
  // Hanging up detaches: the coders stop.
  ASSERT_TRUE(l0.attach_audio(nullptr));
  ASSERT_TRUE(l1.attach_audio(nullptr));
  EXPECT_FALSE(emu_->channel(0).encoding);
  EXPECT_FALSE(emu_->channel(1).decoding);
}

}  // namespace
}  // namespace owsip::line::tapi
