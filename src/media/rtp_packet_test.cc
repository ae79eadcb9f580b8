#include "media/rtp_packet.h"

#include <gtest/gtest.h>

#include <random>

namespace owsip::media {
namespace {

std::vector<uint8_t> packet(const RtpHeader& h, std::vector<uint8_t> payload) {
  std::vector<uint8_t> out;
  write_rtp(h, payload, out);
  return out;
}

TEST(RtpPacket, WriteThenParseRoundTrips) {
  const RtpHeader h{96, true, 65535, 0xfffffff0u, 0xdeadbeef};
  const auto d = packet(h, {1, 2, 3});
  ASSERT_EQ(d.size(), 15u);
  RtpPacket p;
  ASSERT_EQ(parse_rtp(d, p), RtpParse::ok);
  EXPECT_EQ(p.header, h);
  EXPECT_EQ(std::vector<uint8_t>(p.payload.begin(), p.payload.end()),
            (std::vector<uint8_t>{1, 2, 3}));
}

TEST(RtpPacket, CsrcExtensionAndPaddingAreSkipped) {
  auto d = packet({0, false, 1, 2, 3}, {});
  d[0] |= 0x20 | 0x10 | 0x02;                                       // padding, extension, two CSRCs
  const std::vector<uint8_t> tail = {0,    0,    0, 1, 0, 0, 0, 2,  // CSRCs
                                     0xbe, 0xde, 0, 1, 9, 9, 9, 9,  // one-word extension
                                     7,    7,    0, 0, 3};          // payload 7 7 + 3 padding bytes
  d.insert(d.end(), tail.begin(), tail.end());
  RtpPacket p;
  ASSERT_EQ(parse_rtp(d, p), RtpParse::ok);
  EXPECT_EQ(std::vector<uint8_t>(p.payload.begin(), p.payload.end()), (std::vector<uint8_t>{7, 7}));
}

TEST(RtpPacket, MalformedPacketsAreRefused) {
  RtpPacket p;
  auto good = packet({0, false, 1, 2, 3}, {1, 2, 3, 4});
  EXPECT_EQ(parse_rtp(std::span(good).first(11), p), RtpParse::too_short);
  auto v1 = good;
  v1[0] = 0x40;
  EXPECT_EQ(parse_rtp(v1, p), RtpParse::bad_version);
  auto csrc = good;
  csrc[0] |= 0x0f;  // 15 CSRCs announced, none there
  EXPECT_EQ(parse_rtp(csrc, p), RtpParse::too_short);
  auto ext = good;
  ext[0] |= 0x10;  // extension header announcing 0x0304 words
  EXPECT_EQ(parse_rtp(ext, p), RtpParse::too_short);
  auto pad0 = good;
  pad0[0] |= 0x20;
  pad0.back() = 0;
  EXPECT_EQ(parse_rtp(pad0, p), RtpParse::bad_padding);
  auto padbig = good;
  padbig[0] |= 0x20;
  padbig.back() = 5;
  EXPECT_EQ(parse_rtp(padbig, p), RtpParse::bad_padding);
  std::vector<uint8_t> huge(kMaxRtpPacket + 1, 0x80);
  EXPECT_EQ(parse_rtp(huge, p), RtpParse::too_long);
  const std::vector<uint8_t> rtcp = {0x80, 200, 0, 6, 1, 2, 3, 4, 0, 0, 0, 0};
  EXPECT_EQ(parse_rtp(rtcp, p), RtpParse::is_rtcp);
}

TEST(RtpPacket, RandomBytesNeverReadOutOfBounds) {
  std::mt19937 rng(7);
  RtpPacket p;
  int ok = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> d(rng() % 64);
    for (auto& b : d) b = static_cast<uint8_t>(rng());
    if (!d.empty() && rng() % 2) d[0] = static_cast<uint8_t>(0x80 | (d[0] & 0x3f));
    if (parse_rtp(d, p) == RtpParse::ok) {
      ++ok;
      ASSERT_GE(p.payload.data(), d.data() + kRtpHeaderSize);
      ASSERT_LE(p.payload.data() + p.payload.size(), d.data() + d.size());
    }
  }
  EXPECT_GT(ok, 0);
}

TEST(RtpSequence, ExtendsAcrossWrapAndKeepsReorderedPacketsInPlace) {
  SequenceExtender s;
  EXPECT_EQ(s.extend(65534), 65534);
  EXPECT_EQ(s.extend(65535), 65535);
  EXPECT_EQ(s.extend(1), 65537);  // wrapped, 0 lost
  EXPECT_EQ(s.extend(0), 65536);  // the late one lands in between
  EXPECT_EQ(s.highest(), 65537);
  EXPECT_EQ(s.extend(65535), 65535);  // an old duplicate stays old
}

TEST(RtpTimestamp, ExtendsAcrossWrap) {
  TimestampExtender t;
  EXPECT_EQ(t.extend(0xffffff00u), 0xffffff00ll);
  EXPECT_EQ(t.extend(0x60u), 0x100000060ll);
  EXPECT_EQ(t.extend(0xfffffff0u), 0xfffffff0ll);  // reordered across the wrap
}

}  // namespace
}  // namespace owsip::media
