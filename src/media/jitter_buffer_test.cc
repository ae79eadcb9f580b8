#include "media/jitter_buffer.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>

#include "media/test_signal.h"

namespace owsip::media {
namespace {

// A sender of 20 ms PCMU packets of a 1 kHz tone and a simulated network in front of a jitter
// buffer pulled every 20 ms, on simulated time (1 ms steps).
class Scenario {
 public:
  struct Sample {
    uint64_t t;
    int delay, target;
    uint64_t concealed_ms;
  };
  // Per packet index: extra delay in ms, or -1 to lose it.
  using Network = std::function<int(int index)>;

  explicit Scenario(JitterSettings s = {}) : jb_(s, make_decoder(CodecId::pcmu)) {}

  // Sends `count` packets, one every 20 ms from `start_ms`, through `net` (+10 ms base transit).
  void send(uint64_t start_ms, int count, const Network& net, uint32_t ssrc = 0x1234) {
    for (int i = 0; i < count; ++i, ++index_) {
      std::vector<uint8_t> payload;
      encoder_->encode(std::span(tone_).subspan(static_cast<size_t>(index_ % 50) * 160, 160),
                       payload);
      RtpHeader h{0, index_ == 0, seq_++, ts_, ssrc};
      ts_ += 160;
      const int extra = net(index_);
      if (extra < 0) continue;
      std::vector<uint8_t> d;
      write_rtp(h, payload, d);
      arrivals_.emplace(
          start_ms + 20 * static_cast<uint64_t>(i) + 10 + static_cast<uint64_t>(extra), d);
      if (duplicate_every_ && index_ % duplicate_every_ == 0)
        arrivals_.emplace(
            start_ms + 20 * static_cast<uint64_t>(i) + 12 + static_cast<uint64_t>(extra), d);
    }
  }
  void run(uint64_t until_ms) {
    for (; now_ < until_ms; ++now_) {
      for (auto it = arrivals_.begin(); it != arrivals_.end() && it->first <= now_;) {
        RtpPacket p;
        if (parse_rtp(it->second, p) == RtpParse::ok) jb_.push(p, now_);
        it = arrivals_.erase(it);
      }
      if (now_ % 20 == 7) {
        int16_t frame[160];
        jb_.pull(frame, now_);
        out_.insert(out_.end(), frame, frame + 160);
        samples_.push_back(
            {now_, jb_.stats().delay_ms, jb_.stats().target_ms, jb_.stats().concealed_ms});
      }
    }
  }
  // Mean delay in force over pulls in [from, to).
  double mean_delay(uint64_t from, uint64_t to) const {
    double sum = 0;
    int n = 0;
    for (const auto& s : samples_)
      if (s.t >= from && s.t < to) sum += s.delay, ++n;
    return n ? sum / n : 0;
  }
  // Concealment up to `t` (before the stream's end, after which everything is concealment).
  uint64_t concealed_until(uint64_t t) const {
    uint64_t c = 0;
    for (const auto& s : samples_)
      if (s.t < t) c = s.concealed_ms;
    return c;
  }
  int max_target(uint64_t from, uint64_t to) const {
    int m = 0;
    for (const auto& s : samples_)
      if (s.t >= from && s.t < to) m = std::max(m, s.target);
    return m;
  }
  // 20 ms output frames from `from_ms` on whose 1 kHz level is below half the tone's.
  int weak_frames(uint64_t from_ms, uint64_t to_ms) const {
    int weak = 0;
    for (size_t f = from_ms / 20; f < to_ms / 20 && (f + 1) * 160 <= out_.size(); ++f)
      if (testing::tone_amplitude(std::span(out_).subspan(f * 160, 160), 1000, 8000) < 4000) ++weak;
    return weak;
  }

  JitterBuffer jb_;
  std::unique_ptr<Encoder> encoder_ = make_encoder(CodecId::pcmu);
  std::vector<int16_t> tone_ = testing::sine(1000, 8000, 8000, 8000);
  std::multimap<uint64_t, std::vector<uint8_t>> arrivals_;
  std::vector<int16_t> out_;
  std::vector<Sample> samples_;
  uint64_t now_ = 0;
  int index_ = 0;
  uint16_t seq_ = 1000;
  uint32_t ts_ = 50000;
  int duplicate_every_ = 0;
};

const Scenario::Network kCalm = [](int) { return 0; };

TEST(JitterBuffer, CalmNetworkPlaysEverythingAtTheMinimumDelay) {
  Scenario s;
  s.send(0, 250, kCalm);
  s.run(5000);
  const auto& st = s.jb_.stats();
  EXPECT_EQ(st.received, 250u);
  EXPECT_EQ(st.late, 0u);
  EXPECT_EQ(s.concealed_until(4900), 0u);
  EXPECT_EQ(st.target_ms, 30);  // 20 ms pull + 0 jitter + 5, raised to min_delay_ms
  // The delay in force stays within the controller's band: target - 2 .. target + 10 ms.
  EXPECT_GE(s.mean_delay(2000, 4900), 28);
  EXPECT_LE(s.mean_delay(2000, 4900), 40);
  EXPECT_EQ(s.weak_frames(200, 4900), 0);
}

TEST(JitterBuffer, DelayGrowsUnderJitterAndShrinksBackWhenCalm) {
  Scenario s;
  std::mt19937 rng(1);
  // 0-4 s calm, 4-10 s up to 120 ms of jitter, 10-24 s calm.
  s.send(0, 1200, [&](int i) { return i >= 200 && i < 500 ? static_cast<int>(rng() % 120) : 0; });
  s.run(24000);
  const double calm = s.mean_delay(2000, 4000);
  const double jittery = s.mean_delay(6000, 10000);
  const double calm_again = s.mean_delay(20000, 24000);
  std::printf("playout delay: calm %.0f ms, jitter %.0f ms (target up to %d), calm again %.0f ms\n",
              calm, jittery, s.max_target(4000, 10000), calm_again);
  EXPECT_LT(calm, 40);
  EXPECT_GT(jittery, 100);
  EXPECT_GT(s.max_target(4000, 10000), 120);
  EXPECT_LT(calm_again, 45);
  // Packets were late only while the delay was catching up with the first jitter.
  EXPECT_LT(s.jb_.stats().late, 15u);
  EXPECT_GT(s.jb_.stats().stretched_ms, 0u);
  EXPECT_GT(s.jb_.stats().shrunk_ms, 0u);
}

TEST(JitterBuffer, LostPacketsAreConcealed) {
  Scenario s;
  std::mt19937 rng(2);
  s.send(0, 500, [&](int i) { return i > 5 && rng() % 10 == 0 ? -1 : 0; });
  s.run(10100);
  const auto& st = s.jb_.stats();
  const uint64_t lost = 500 - st.received;
  EXPECT_GT(lost, 30u);
  EXPECT_EQ(st.late, 0u);
  EXPECT_EQ(s.concealed_until(10000), 20 * lost);
  // Single 20 ms gaps are filled with the continued tone, not silence.
  EXPECT_LT(s.weak_frames(200, 10000), static_cast<int>(lost) / 2);
}

// Packets of 150 ticks pulled in 160-sample frames: a frame often ends in a gap of a few
// samples. spandsp's PLC writes a quarter pitch period however short the gap (found by
// fuzz/rtp_fuzz.cc); nothing may be written past the frame the caller asked to fill.
TEST(JitterBuffer, ShortGapsAtTheEndOfAFrameStayInsideIt) {
  JitterBuffer jb({}, make_decoder(CodecId::pcmu));
  const std::vector<int16_t> tone = testing::sine(1000, 8000, 8000, 8000);
  auto encoder = make_encoder(CodecId::pcmu);
  constexpr int16_t kGuard = 12345;
  std::vector<int16_t> out(160 + 64, kGuard);
  uint32_t ts = 0;
  uint16_t seq = 0;
  for (uint64_t now = 0; now < 2000; now += 20) {
    for (int k = 0; k < 2 && now < 1000; ++k) {
      std::vector<uint8_t> payload, d;
      encoder->encode(std::span(tone).subspan(ts % 7000, 150), payload);
      write_rtp({0, seq == 0, seq, ts, 0x99}, payload, d);
      ++seq;
      ts += 150 + (seq % 3 == 0 ? 7 : 0);  // small holes between packets too
      RtpPacket p;
      ASSERT_EQ(parse_rtp(d, p), RtpParse::ok);
      if (seq % 5 != 0) jb.push(p, now);
    }
    jb.pull(std::span(out).first(160), now);
    for (size_t i = 160; i < out.size(); ++i) ASSERT_EQ(out[i], kGuard) << "at " << now << " ms";
  }
  EXPECT_GT(jb.stats().played, 50u);
  EXPECT_GT(jb.stats().concealed_ms, 0u);
}

TEST(JitterBuffer, DuplicatesAreDroppedAndReorderedPacketsPlayInPlace) {
  Scenario s;
  s.duplicate_every_ = 1;
  // Every fifth packet is held back 30 ms: it arrives after its successor.
  s.send(0, 250, [](int i) { return i % 5 == 2 ? 30 : 0; });
  s.run(5200);
  const auto& st = s.jb_.stats();
  EXPECT_EQ(st.duplicates, 250u);
  EXPECT_GE(st.reordered, 45u);
  EXPECT_EQ(st.received, 250u);
  EXPECT_LE(st.late, 2u);
  EXPECT_EQ(s.weak_frames(1000, 5000), 0);
}

TEST(JitterBuffer, SequenceAndTimestampWrapAreSeamless) {
  Scenario s;
  s.seq_ = 65500;
  s.ts_ = 0xffffff00u;
  s.send(0, 200, kCalm);
  s.run(4100);
  EXPECT_EQ(s.jb_.stats().resets, 0u);
  EXPECT_EQ(s.concealed_until(3900), 0u);
  EXPECT_EQ(s.weak_frames(200, 3900), 0);
}

TEST(JitterBuffer, NewSsrcRestartsTheStream) {
  Scenario s;
  s.send(0, 100, kCalm, 1);
  s.seq_ = 7;
  s.ts_ = 123456789;
  s.send(2000, 100, kCalm, 2);
  s.run(4100);
  const auto& st = s.jb_.stats();
  EXPECT_EQ(st.resets, 1u);
  // The new source's first packet is held to be foreign until the second confirms it.
  EXPECT_EQ(st.foreign, 1u);
  EXPECT_EQ(st.received, 199u);
  EXPECT_LE(s.concealed_until(3900), 100u);
  EXPECT_LT(s.weak_frames(200, 4000), 4);
}

TEST(JitterBuffer, StrayPacketOfAnotherSsrcIsIgnored) {
  Scenario s;
  s.send(0, 50, kCalm, 1);
  std::vector<uint8_t> stray;
  write_rtp({0, false, 1, 1, 99}, std::vector<uint8_t>(160, 0xff), stray);
  s.arrivals_.emplace(505, stray);
  s.send(1000, 50, kCalm, 1);
  s.run(2100);
  EXPECT_EQ(s.jb_.stats().foreign, 1u);
  EXPECT_EQ(s.jb_.stats().resets, 0u);
  EXPECT_EQ(s.jb_.stats().received, 100u);
}

TEST(JitterBuffer, TimestampJumpReanchors) {
  Scenario s;
  s.send(0, 100, kCalm);
  s.ts_ += 8000 * 3600;  // an hour ahead, same sequence
  s.send(2000, 100, kCalm);
  s.run(4100);
  EXPECT_EQ(s.jb_.stats().resets, 1u);
  EXPECT_EQ(s.jb_.stats().late, 0u);
  EXPECT_LT(s.weak_frames(200, 4000), 4);
}

TEST(JitterBuffer, MarkerAfterSilenceStartsTalkspurtAtTargetDelay) {
  Scenario s;
  s.send(0, 100, kCalm);
  // Silence suppression: one second without packets; the timestamp moves on by one second
  // (as RFC 3550 wants) and the first packet after carries the marker bit.
  s.ts_ += 8000;
  s.index_ = 0;  // index 0 = marker
  s.send(3000, 100, kCalm);
  s.run(5100);
  EXPECT_EQ(s.jb_.stats().late, 0u);
  EXPECT_EQ(s.jb_.stats().resets, 0u);
  EXPECT_GE(s.mean_delay(3500, 5000), 28);
  EXPECT_LE(s.mean_delay(3500, 5000), 40);
  EXPECT_LT(s.weak_frames(3100, 5000), 2);
}

TEST(JitterBuffer, AShortPacketInsideALongerOneIsDroppedOncePassed) {
  // Same SSRC, timestamps that overlap: 1 s of tone at ts 0, then 10 ms of silence at ts 390,
  // which lies inside it. Playing the long packet takes the playout point from 320 to 480,
  // past the short one (390-470) without touching it; it must then be dropped, not played
  // from offset 90 of its 80 samples (a negative length: a write far past the frame).
  JitterBuffer jb({}, make_decoder(CodecId::pcmu));
  auto enc = make_encoder(CodecId::pcmu);
  std::vector<uint8_t> tone;
  enc->encode(testing::sine(1000, 8000, 8000), tone);
  RtpPacket p;
  p.header = {0, false, 1, 0, 7};
  p.payload = tone;
  jb.push(p, 1000);
  const std::vector<uint8_t> silence(80, 0xff);
  p.header = {0, false, 2, 390, 7};
  p.payload = silence;
  jb.push(p, 1049);
  std::vector<int16_t> heard;
  for (uint64_t now = 1020; now <= 1400; now += 20) {
    int16_t frame[160];
    jb.pull(frame, now);
    heard.insert(heard.end(), frame, frame + 160);
  }
  EXPECT_EQ(jb.stats().dropped, 1u);
  EXPECT_EQ(jb.stats().played, 1u);  // the tone, decoded once; the silence never
  // The tone plays on without a gap from where it starts (after the initial delay).
  const auto first = static_cast<size_t>(
      std::find_if(heard.begin(), heard.end(), [](int16_t v) { return v != 0; }) - heard.begin());
  ASSERT_LT(first + 160 * 10, heard.size());
  for (size_t f = first; f + 160 <= heard.size(); f += 160)
    EXPECT_GT(testing::rms(std::span(heard).subspan(f, 160)), 4000) << "at sample " << f;
}

TEST(JitterBuffer, BeforeTheFirstPacketItPlaysSilence) {
  JitterBuffer jb({}, make_decoder(CodecId::g722));
  std::vector<int16_t> out(320, 1);
  jb.pull(out, 100);
  EXPECT_EQ(testing::rms(out), 0);
  EXPECT_EQ(jb.stats().concealed_ms, 0u);
}

// Voice-band data (fax pass-through): the target stays put under jitter, and a lost packet
// is silence, not concealment (a modem copes with a gap better than with invented signal).
TEST(JitterBuffer, VoicebandDataHoldsTheTargetAndPlaysLossAsSilence) {
  // Samples in runs of 8 zeros or more (the 1 kHz tone itself has single zero samples).
  auto silent_samples = [](const std::vector<int16_t>& out) {
    size_t silent = 0, run = 0;
    for (size_t i = 200 * 8; i < 10000 * 8 && i < out.size(); ++i) {
      run = out[i] == 0 ? run + 1 : 0;
      if (run == 8) silent += 8;
      if (run > 8) ++silent;
    }
    return silent;
  };
  for (bool vbd : {true, false}) {
    Scenario s;
    if (vbd) s.jb_.set_voiceband_data(true);
    EXPECT_EQ(s.jb_.target_ms(), 60);  // the initial delay: nothing measured yet
    std::mt19937 rng(3);
    s.send(0, 500, [&](int i) {
      if (i > 5 && rng() % 10 == 0) return -1;
      return i >= 100 && i < 300 ? static_cast<int>(rng() % 40) : 0;
    });
    s.run(10100);
    const uint64_t lost = 500 - s.jb_.stats().received;
    EXPECT_GT(lost, 30u);
    const size_t silent = silent_samples(s.out_);
    if (vbd) {
      EXPECT_EQ(s.max_target(0, 10000), 60);  // fixed, whatever the jitter
      // Each lost packet's 160 samples came out as digital silence, and nothing else did.
      EXPECT_GE(silent, 150 * lost);
      EXPECT_LE(silent, 170 * lost);
    } else {
      EXPECT_GT(s.max_target(0, 10000), 60);  // adaptive: the jitter raised it
      EXPECT_LT(silent, 16 * lost);           // concealed, not silent
    }
  }
}

}  // namespace
}  // namespace owsip::media
