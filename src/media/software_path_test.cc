#include "media/software_path.h"

#include <gtest/gtest.h>

#include "media/dtmf_tone.h"
#include "media/test_signal.h"

namespace owsip::media {
namespace {

class FakeClock final : public Clock {
 public:
  uint64_t now_ms() const override { return now; }
  int64_t wall_us() const override { return fake_wall_us(now_ms()); }
  uint64_t now = 5000;
};

// Records what the path sends.
class Recorder final : public RtpOutput {
 public:
  struct Sent {
    uint8_t pt;
    bool marker;
    uint32_t ts;
    std::vector<uint8_t> payload;
  };
  void send_rtp(uint8_t pt, bool marker, uint32_t ts, std::span<const uint8_t> payload) override {
    sent.push_back({pt, marker, ts, {payload.begin(), payload.end()}});
  }
  void send_rtp_packet(std::span<const uint8_t>) override {
    ADD_FAILURE() << "software path sends payloads";
  }
  std::vector<Sent> sent;
};

NegotiatedMedia media(CodecId codec, int ptime = 20, Direction dir = Direction::sendrecv) {
  NegotiatedMedia m;
  m.codec = codec;
  m.pt = codec_info(codec).static_pt;
  m.receive = {{m.pt, codec}};
  m.ptime_ms = ptime;
  m.event_pt = 101;
  m.direction = dir;
  return m;
}

SoftwarePathSettings guard(int ms) {
  SoftwarePathSettings s;
  s.dtmf_guard_ms = ms;
  return s;
}

struct Fixture {
  explicit Fixture(int guard_ms = 0) : path(clock, guard(guard_ms)) {}
  FakeClock clock;
  Recorder out;
  SoftwarePath path;
  std::vector<int16_t> tone8 = testing::sine(1000, 8000, 160);
  // One line frame of 20 ms at `rate`.
  void frame(int rate = 8000) {
    clock.now += 20;
    std::vector<int16_t> mic = testing::sine(1000, rate, static_cast<size_t>(rate / 50)),
                         ear(mic.size());
    path.on_line_audio(mic, rate);
    path.fill_line_audio(ear, rate);
  }
};

TEST(MediaSoftwarePath, PacketIntervalFollowsThePeersPtime) {
  for (int ptime : {10, 20, 30, 60}) {
    Fixture f;
    ASSERT_TRUE(f.path.start(media(CodecId::pcmu, ptime), f.out));
    for (int i = 0; i < 30; ++i) f.frame();  // 600 ms
    SCOPED_TRACE(ptime);
    ASSERT_EQ(f.out.sent.size(), static_cast<size_t>(600 / ptime));
    for (size_t i = 0; i < f.out.sent.size(); ++i) {
      EXPECT_EQ(f.out.sent[i].payload.size(), static_cast<size_t>(8 * ptime));
      EXPECT_EQ(f.out.sent[i].ts - f.out.sent[0].ts, static_cast<uint32_t>(i * 8 * ptime));
      EXPECT_EQ(f.out.sent[i].marker, i == 0);  // the first packet starts a talkspurt
    }
  }
}

// The phone's microphone, frame by frame: 1 kHz, with the DTMF key `digit` for `key_ms` from
// frame `from` on (as a phone sends it while the key is held).
struct KeyedMic {
  KeyedMic(char digit, int from, int key_ms) : from_frame(from) { key.queue(digit, key_ms, 0); }
  std::vector<int16_t> next() {
    std::vector<int16_t> pcm = testing::sine(1000, 8000, 160);
    if (n++ >= from_frame && key.active()) key.generate(pcm);
    return pcm;
  }
  DtmfTone key;
  int from_frame;
  int n = 0;
};

// The decoded payloads of every audio packet sent, each with its DTMF ('5': 770 + 1336 Hz) and
// 1 kHz amplitudes.
struct Heard {
  double low, high, voice;
};
// A 1 kHz frame leaks about 600 into the DTMF bins; a key at -10 dBm0 is above 2000.
constexpr double kKeyHeard = 1200;
std::vector<Heard> heard(const Recorder& out) {
  std::vector<Heard> h;
  auto dec = make_decoder(CodecId::pcmu);
  for (const auto& s : out.sent) {
    if (s.pt != 0) continue;
    std::vector<int16_t> pcm;
    dec->decode(s.payload, pcm);
    h.push_back({testing::tone_amplitude(pcm, 770, 8000), testing::tone_amplitude(pcm, 1336, 8000),
                 testing::tone_amplitude(pcm, 1000, 8000)});
  }
  return h;
}

TEST(MediaSoftwarePath, TheFramesBeforeTheAnswerAreTheHeadOfTheStream) {
  Fixture f(40);  // the DTMF guard holds two frames
  f.frame();  // the phone talks before the call is set up
  f.frame();
  f.frame();
  EXPECT_TRUE(f.out.sent.empty());
  ASSERT_TRUE(f.path.start(media(CodecId::pcmu, 20), f.out));
  EXPECT_TRUE(f.out.sent.empty());
  f.frame();  // the first frame the guard let go: said 40 ms before the answer
  ASSERT_EQ(f.out.sent.size(), 1u);
  EXPECT_TRUE(f.out.sent[0].marker);
  EXPECT_GT(heard(f.out)[0].voice, 4000);
  f.frame();
  ASSERT_EQ(f.out.sent.size(), 2u);
  EXPECT_EQ(f.out.sent[1].ts - f.out.sent[0].ts, 160u);
  // A re-INVITE restarts the path: nothing is sent twice.
  ASSERT_TRUE(f.path.start(media(CodecId::pcmu, 20), f.out));
  EXPECT_EQ(f.out.sent.size(), 2u);
}

TEST(MediaSoftwarePath, TheTailOfADialledDigitNeverReachesTheFarEnd) {
  // The last key of the number still sounds when the far end answers at once.
  Fixture f(40);
  KeyedMic mic('5', 0, 80);
  for (int i = 0; i < 4; ++i) f.path.on_line_audio(mic.next(), 8000);
  ASSERT_TRUE(f.path.start(media(CodecId::pcmu, 20), f.out));
  for (int i = 0; i < 10; ++i) f.path.on_line_audio(mic.next(), 8000);
  const auto h = heard(f.out);
  ASSERT_EQ(h.size(), 10u);
  for (size_t i = 0; i < h.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_LT(h[i].low, kKeyHeard);
    EXPECT_LT(h[i].high, kKeyHeard);
  }
  EXPECT_GT(h.back().voice, 4000);  // and the voice after it goes through
}

TEST(MediaSoftwarePath, AKeyPressedInACallIsCutFromTheAudioFromItsFirstMillisecond) {
  for (int key_ms : {60, 100, 400}) {
    SCOPED_TRACE(key_ms);
    Fixture f(40);
    KeyedMic mic('5', 10, key_ms);
    ASSERT_TRUE(f.path.start(media(CodecId::pcmu, 20), f.out));
    for (int i = 0; i < 40; ++i) f.path.on_line_audio(mic.next(), 8000);
    const auto h = heard(f.out);
    int voice = 0;
    for (size_t i = 0; i < h.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_LT(h[i].low, kKeyHeard);
      EXPECT_LT(h[i].high, kKeyHeard);
      if (h[i].voice > 4000) ++voice;
    }
    // Only the key and a frame on either side of it are silent.
    EXPECT_GE(voice, 40 - 2 - key_ms / 20 - 3);
  }
  // Without the guard the same key is in the audio: the check above can fail.
  Fixture f(0);
  KeyedMic mic('5', 10, 100);
  ASSERT_TRUE(f.path.start(media(CodecId::pcmu, 20), f.out));
  for (int i = 0; i < 40; ++i) f.path.on_line_audio(mic.next(), 8000);
  int keyed = 0;
  for (const auto& h : heard(f.out))
    if (h.low > kKeyHeard && h.high > kKeyHeard) ++keyed;
  EXPECT_GE(keyed, 4);
}

TEST(MediaSoftwarePath, G722OnANarrowbandLineAndG711OnAWidebandLine) {
  Fixture f;
  ASSERT_TRUE(f.path.start(media(CodecId::g722), f.out));
  f.frame(8000);
  ASSERT_EQ(f.out.sent.size(), 1u);
  EXPECT_EQ(f.out.sent[0].payload.size(), 160u);  // 20 ms of G.722: 160 bytes, 160 ticks
  Fixture g;
  ASSERT_TRUE(g.path.start(media(CodecId::pcma), g.out));
  g.frame(16000);
  ASSERT_EQ(g.out.sent.size(), 1u);
  EXPECT_EQ(g.out.sent[0].payload.size(), 160u);
}

TEST(MediaSoftwarePath, TimestampsRunOnWhileHeldAndTheMarkerFlagsTheResumption) {
  Fixture f;
  ASSERT_TRUE(f.path.start(media(CodecId::pcmu), f.out));
  for (int i = 0; i < 5; ++i) f.frame();
  ASSERT_TRUE(f.path.start(media(CodecId::pcmu, 20, Direction::recvonly), f.out));  // held
  for (int i = 0; i < 10; ++i) f.frame();
  EXPECT_EQ(f.out.sent.size(), 5u);
  ASSERT_TRUE(f.path.start(media(CodecId::pcmu), f.out));
  f.frame();
  ASSERT_EQ(f.out.sent.size(), 6u);
  EXPECT_EQ(f.out.sent[5].ts - f.out.sent[4].ts, 11u * 160);  // 200 ms of hold in between
  EXPECT_TRUE(f.out.sent[5].marker);
}

TEST(MediaSoftwarePath, EventsReplaceAudioWhileADigitIsSent) {
  Fixture f;
  ASSERT_TRUE(f.path.start(media(CodecId::pcmu), f.out));
  f.frame();
  f.path.send_dtmf('4', 60);
  for (int i = 0; i < 8; ++i) f.frame();
  std::vector<uint8_t> pts;
  for (const auto& s : f.out.sent) pts.push_back(s.pt);
  // audio, start, update, end x3, then audio again with the marker bit.
  EXPECT_EQ(pts, (std::vector<uint8_t>{0, 101, 101, 101, 101, 101, 0, 0, 0}));
  EXPECT_TRUE(f.out.sent[1].marker);
  EXPECT_TRUE(f.out.sent[6].marker);
  EXPECT_FALSE(f.out.sent[7].marker);
  EXPECT_EQ(f.path.stats().dtmf_sent, 1u);
}

TEST(MediaSoftwarePath, WithoutEventsTheDigitIsInTheAudio) {
  Fixture f;
  NegotiatedMedia m = media(CodecId::pcmu);
  m.event_pt = -1;
  ASSERT_TRUE(f.path.start(m, f.out));
  f.path.send_dtmf('1', 100);
  for (int i = 0; i < 5; ++i) f.frame();
  ASSERT_EQ(f.out.sent.size(), 5u);
  auto dec = make_decoder(CodecId::pcmu);
  std::vector<int16_t> pcm;
  dec->decode(f.out.sent[2].payload, pcm);
  // '1' is 697 + 1209 Hz, and the microphone's 1 kHz is gone.
  EXPECT_GT(testing::tone_amplitude(pcm, 697, 8000), 1000);
  EXPECT_GT(testing::tone_amplitude(pcm, 1209, 8000), 1000);
  EXPECT_LT(testing::tone_amplitude(pcm, 1000, 8000),
            800);  // was 8000; leakage of the two tones remains
}

TEST(MediaSoftwarePath, ReceivedPacketsOfUnknownTypesAndWhileInactiveAreDropped) {
  Fixture f;
  ASSERT_TRUE(f.path.start(media(CodecId::pcmu, 20, Direction::sendrecv), f.out));
  std::vector<uint8_t> cn = {40}, d;
  write_rtp({13, false, 1, 160, 9}, cn, d);  // comfort noise: not negotiated
  RtpPacket p;
  ASSERT_EQ(parse_rtp(d, p), RtpParse::ok);
  f.path.on_rtp(p, f.clock.now);
  EXPECT_EQ(f.path.stats().unknown_pt, 1u);
  ASSERT_TRUE(f.path.start(media(CodecId::pcmu, 20, Direction::inactive), f.out));
  std::vector<uint8_t> audio(160, 0xff), a;
  write_rtp({0, false, 2, 320, 9}, audio, a);
  ASSERT_EQ(parse_rtp(a, p), RtpParse::ok);
  f.path.on_rtp(p, f.clock.now);
  EXPECT_EQ(f.path.stats().jitter.received, 0u);
}

TEST(MediaSoftwarePath, PlayoutStatisticsSurviveACodecChange) {
  Fixture f;
  NegotiatedMedia m = media(CodecId::pcmu);
  m.receive = {{0, CodecId::pcmu}, {8, CodecId::pcma}};
  ASSERT_TRUE(f.path.start(m, f.out));
  auto push = [&](uint8_t pt, uint16_t seq) {
    std::vector<uint8_t> d;
    write_rtp({pt, false, seq, seq * 160u, 9}, std::vector<uint8_t>(160, 0xd5), d);
    RtpPacket p;
    ASSERT_EQ(parse_rtp(d, p), RtpParse::ok);
    f.path.on_rtp(p, f.clock.now);
    f.frame();
  };
  for (uint16_t i = 0; i < 5; ++i) push(0, i);
  for (uint16_t i = 5; i < 8; ++i) push(8, i);  // the peer switches to PCMA
  EXPECT_EQ(f.path.stats().jitter.received, 8u);
}

}  // namespace
}  // namespace owsip::media
