#include "media/codec.h"

#include <gtest/gtest.h>

#include "media/resampler.h"
#include "media/test_signal.h"

namespace owsip::media {
namespace {

using testing::sine;
using testing::snr_db;
using testing::tone_amplitude;

std::vector<int16_t> round_trip(CodecId id, const std::vector<int16_t>& pcm, size_t frame) {
  auto enc = make_encoder(id);
  auto dec = make_decoder(id);
  std::vector<int16_t> out, block;
  for (size_t at = 0; at + frame <= pcm.size(); at += frame) {
    std::vector<uint8_t> payload;
    enc->encode(std::span(pcm).subspan(at, frame), payload);
    EXPECT_EQ(dec->ticks(payload.size()) * static_cast<size_t>(samples_per_tick(dec->info())),
              frame);
    dec->decode(payload, block);
    out.insert(out.end(), block.begin(), block.end());
  }
  return out;
}

TEST(MediaCodec, TableFollowsRfc3551) {
  EXPECT_EQ(codec_info(CodecId::pcmu).static_pt, 0);
  EXPECT_EQ(codec_info(CodecId::pcma).static_pt, 8);
  EXPECT_EQ(codec_info(CodecId::g722).static_pt, 9);
  // G.722: 16 kHz audio, 8 kHz RTP clock.
  EXPECT_EQ(codec_info(CodecId::g722).rtp_clock, 8000);
  EXPECT_EQ(codec_info(CodecId::g722).sample_rate, 16000);
  EXPECT_EQ(find_codec("pcmu", 8000), CodecId::pcmu);
  EXPECT_EQ(find_codec("G722", 16000), std::nullopt);
  EXPECT_EQ(find_codec("opus", 48000), std::nullopt);
  EXPECT_EQ(codec_for_static_pt(8), CodecId::pcma);
  EXPECT_EQ(codec_for_static_pt(18), std::nullopt);
}

TEST(MediaCodec, G711RoundTripsASineAbove35dB) {
  for (CodecId id : {CodecId::pcmu, CodecId::pcma}) {
    const auto in = sine(1004, 8000, 8000, 10000);
    const auto out = round_trip(id, in, 160);
    const double snr = snr_db(in, out, 0, 0);
    EXPECT_GT(snr, 35) << codec_info(id).name;
    std::printf("%s round trip: SNR %.1f dB\n", codec_info(id).name.data(), snr);
  }
}

TEST(MediaCodec, G722RoundTripAbove20dBAndKeeps5kHz) {
  const auto in = sine(1004, 16000, 16000, 10000);
  const auto out = round_trip(CodecId::g722, in, 320);
  size_t lag = 0;
  const double snr = snr_db(in, out, 800, 64, &lag);
  EXPECT_GT(snr, 20);
  std::printf("G722 1 kHz round trip: SNR %.1f dB (codec delay %zu samples)\n", snr, lag);

  // A 5 kHz tone exists only in wideband; it must come out at about its level.
  const auto hi = sine(5000, 16000, 16000, 8000);
  const auto hi_out = round_trip(CodecId::g722, hi, 320);
  const double hi_snr = snr_db(hi, hi_out, 800, 64);
  const double level = tone_amplitude(std::span(hi_out).subspan(800), 5000, 16000);
  EXPECT_GT(hi_snr, 20);
  EXPECT_NEAR(level, 8000, 1600);
  std::printf("G722 5 kHz round trip: SNR %.1f dB, amplitude %.0f of 8000\n", hi_snr, level);
}

TEST(MediaCodec, G711CannotCarry5kHzButG722Can) {
  // Through an 8 kHz path (half-band filter + G.711) a 5 kHz tone is removed, not aliased.
  const auto hi = sine(5000, 16000, 16000, 8000);
  HalfBandFilter down, up;
  std::vector<int16_t> nb(hi.size() / 2), wb(hi.size());
  down.downsample(hi, nb);
  const auto coded = round_trip(CodecId::pcmu, nb, 160);
  up.upsample(coded, wb);
  EXPECT_LT(tone_amplitude(std::span(wb).subspan(800), 5000, 16000), 100);
  EXPECT_LT(tone_amplitude(std::span(wb).subspan(800), 3000, 16000), 100);  // the alias
}

TEST(MediaResampler, HalfBandPassesSpeechBandAndJoinsBlocks) {
  const auto in = sine(1000, 16000, 16000, 10000);
  HalfBandFilter down, up;
  std::vector<int16_t> nb, wb;
  for (size_t at = 0; at < in.size(); at += 320) {  // 20 ms blocks, as the line delivers
    std::vector<int16_t> b(160), w(320);
    down.downsample(std::span(in).subspan(at, 320), b);
    up.upsample(b, w);
    nb.insert(nb.end(), b.begin(), b.end());
    wb.insert(wb.end(), w.begin(), w.end());
  }
  EXPECT_NEAR(tone_amplitude(std::span(nb).subspan(400), 1000, 8000), 10000, 300);
  EXPECT_GT(snr_db(in, wb, 800, 64), 30);
}

}  // namespace
}  // namespace owsip::media
