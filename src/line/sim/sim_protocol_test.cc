#include "line/sim/sim_protocol.h"

#include <gtest/gtest.h>

#include <random>

namespace owsip::line::sim {
namespace {

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(SimProtocol, RoundTrips) {
  Message m;
  ASSERT_TRUE(decode(bytes(encode_hello(3, 16000)), 0, m));
  EXPECT_EQ(m.type, Message::Type::hello);
  EXPECT_EQ(m.jack, 3);
  EXPECT_EQ(m.rate, 16000);

  ASSERT_TRUE(decode(bytes(encode_welcome(1, 0, 8000, "germany", "etsi_fsk")), 0, m));
  EXPECT_EQ(m.type, Message::Type::welcome);
  EXPECT_EQ(m.port, 1);
  EXPECT_EQ(m.jack, 0);
  EXPECT_EQ(m.locale, "germany");
  EXPECT_EQ(m.cid, "etsi_fsk");

  ASSERT_TRUE(decode(bytes(encode_hook(true)), 0, m));
  EXPECT_TRUE(m.on);
  ASSERT_TRUE(decode(bytes(encode_ring(false)), 0, m));
  EXPECT_EQ(m.type, Message::Type::ring);
  EXPECT_FALSE(m.on);
  ASSERT_TRUE(decode(bytes(encode_feed(LineFeed::reversed)), 0, m));
  EXPECT_EQ(m.feed, LineFeed::reversed);
  ASSERT_TRUE(decode(bytes(encode_error("jack 1 already has a phone")), 0, m));
  EXPECT_EQ(m.reason, "jack 1 already has a phone");
}

TEST(SimProtocol, AudioIsLittleEndianOnTheWire) {
  std::vector<int16_t> s(160, 0);
  s[0] = 0x1234;
  s[1] = -2;
  std::string wire = encode_audio(s);
  ASSERT_EQ(wire.size(), 321u);
  EXPECT_EQ(uint8_t(wire[1]), 0x34);
  EXPECT_EQ(uint8_t(wire[2]), 0x12);
  EXPECT_EQ(uint8_t(wire[3]), 0xfe);
  EXPECT_EQ(uint8_t(wire[4]), 0xff);
  Message m;
  ASSERT_TRUE(decode(bytes(wire), 8000, m));
  EXPECT_EQ(m.samples, s);
  EXPECT_FALSE(decode(bytes(wire), 16000, m));  // a 16 kHz line wants 320 samples
}

TEST(SimProtocol, RandomBytesNeverCrashAndAreMostlyRefused) {
  std::mt19937 rng(42);
  Message m;
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string p(rng() % 700, '\0');
    for (auto& c : p) c = static_cast<char>(rng());
    if (i % 3 == 0 && !p.empty()) p[0] = "HKAWERF"[rng() % 7];
    if (decode(bytes(p), (i % 2) ? 8000 : 0, m)) ++accepted;
  }
  EXPECT_LT(accepted, 200);
}

}  // namespace
}  // namespace owsip::line::sim
