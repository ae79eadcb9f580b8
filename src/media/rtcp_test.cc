#include "media/rtcp.h"

#include <gtest/gtest.h>

#include <random>

#include "core/clock.h"
#include "media/quality.h"

namespace owsip::media {
namespace {

constexpr uint64_t kNtp0 = 0xe0000000ull << 32;
uint64_t ntp_plus_ms(uint64_t ntp, uint64_t ms) {
  return ntp + (ms << 32) / 1000;
}

TEST(RtcpReports, LossJitterAndRoundTripFromAReportExchange) {
  RtcpSession a(0xaaaa, "a@owsip"), b(0xbbbb, "b@owsip");
  // A sends 100 packets of 20 ms; B receives all but every tenth.
  for (uint16_t i = 0; i < 100; ++i) {
    const RtpHeader h{0, false, static_cast<uint16_t>(65500 + i), 1000u + i * 160u, 0xaaaa};
    a.on_sent(h.ts, 160, i * 20000ull);
    if (i % 10 != 5) b.on_received(h, 160, 30000 + i * 20000ull);
  }
  EXPECT_EQ(b.stats().packets_received, 90u);
  EXPECT_EQ(b.stats().packets_expected, 100);
  EXPECT_EQ(b.stats().packets_lost, 10);
  EXPECT_NEAR(b.stats().jitter_ms, 0, 0.01);

  // A's SR at t = 2 s reaches B 20 ms later; B reports 500 ms after that; the RR takes 20 ms.
  const auto sr = a.make_report(ntp_plus_ms(kNtp0, 2000), 2000000);
  RtcpCompound c;
  ASSERT_TRUE(parse_rtcp(sr, c));
  ASSERT_EQ(c.reports.size(), 1u);
  EXPECT_TRUE(c.reports[0].sender);
  EXPECT_EQ(c.reports[0].packets, 100u);
  EXPECT_EQ(c.reports[0].octets, 16000u);
  EXPECT_EQ(c.cname, "a@owsip");
  ASSERT_TRUE(b.on_rtcp(sr, ntp_plus_ms(kNtp0, 2020), 2020000));
  const auto rr = b.make_report(ntp_plus_ms(kNtp0, 2520), 2520000);
  ASSERT_TRUE(parse_rtcp(rr, c));
  ASSERT_EQ(c.reports.size(), 1u);
  EXPECT_FALSE(c.reports[0].sender);  // B sent no RTP
  ASSERT_EQ(c.reports[0].blocks.size(), 1u);
  EXPECT_EQ(c.reports[0].blocks[0].highest_seq, 65500u + 99);
  ASSERT_TRUE(a.on_rtcp(rr, ntp_plus_ms(kNtp0, 2540), 2540000));
  EXPECT_TRUE(a.stats().remote_valid);
  EXPECT_EQ(a.stats().remote_packets_lost, 10);
  EXPECT_NEAR(a.stats().remote_fraction_lost, 0.1, 0.005);
  EXPECT_NEAR(a.stats().rtt_ms, 40, 0.1);

  // The next interval: nothing lost, so the fraction is 0 while the total stays.
  for (uint16_t i = 100; i < 150; ++i)
    b.on_received({0, false, static_cast<uint16_t>(65500 + i), 1000u + i * 160u, 0xaaaa}, 160,
                  30000 + i * 20000ull);
  ASSERT_TRUE(a.on_rtcp(b.make_report(ntp_plus_ms(kNtp0, 3000), 3000000), ntp_plus_ms(kNtp0, 3020),
                        3020000));
  EXPECT_EQ(a.stats().remote_fraction_lost, 0);
  EXPECT_EQ(a.stats().remote_packets_lost, 10);
}

TEST(RtcpReports, JitterFollowsArrivalVariation) {
  RtcpSession b(2, "b");
  for (uint32_t i = 0; i < 500; ++i)  // arrivals alternate 0 and 10 ms late
    b.on_received({0, false, static_cast<uint16_t>(i), i * 160, 1}, 160,
                  i * 20000ull + (i % 2) * 10000);
  EXPECT_NEAR(b.stats().jitter_ms, 10, 1);
  // Telephone-events (same timestamp) are counted but leave the jitter alone.
  const double before = b.stats().jitter_ms;
  for (uint32_t i = 500; i < 510; ++i)
    b.on_received({101, false, static_cast<uint16_t>(i), 7, 1}, 4, i * 20000ull, false);
  EXPECT_EQ(b.stats().jitter_ms, before);
  EXPECT_EQ(b.stats().packets_received, 510u);
}

TEST(RtcpReports, ByeAndSdesAreWellFormed) {
  RtcpSession a(0x1234, std::string(300, 'x'));  // a CNAME is cut to 255 bytes
  const auto p = a.make_report(kNtp0, 0, true);
  EXPECT_EQ(p.size() % 4, 0u);
  RtcpCompound c;
  ASSERT_TRUE(parse_rtcp(p, c));
  EXPECT_TRUE(c.bye);
  EXPECT_EQ(c.cname.size(), 255u);
}

TEST(RtcpMalformed, BrokenCompoundsAreRefusedAndCounted) {
  RtcpSession a(1, "a");
  const auto good = a.make_report(kNtp0, 0);
  RtcpCompound c;
  ASSERT_TRUE(parse_rtcp(good, c));
  std::vector<std::vector<uint8_t>> bad;
  bad.push_back({});
  bad.push_back(std::vector<uint8_t>(good.begin(), good.end() - 1));  // length mismatch
  auto v1 = good;
  v1[0] = 0x40 | (v1[0] & 0x3f);  // version 1
  bad.push_back(v1);
  auto rc = good;
  rc[0] |= 0x1f;  // 31 report blocks announced
  bad.push_back(rc);
  auto len = good;
  len[3] = 0xff;  // length beyond the datagram
  bad.push_back(len);
  auto pad = good;
  pad[0] |= 0x20;  // padding on the first of two packets
  bad.push_back(pad);
  std::vector<uint8_t> sdes_first(good.begin() + 8, good.end());  // starts with SDES
  bad.push_back(sdes_first);
  auto sdes = good;
  sdes[8 + 9] = 200;  // CNAME item longer than the packet
  bad.push_back(sdes);
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_FALSE(parse_rtcp(bad[i], c)) << i;
    EXPECT_FALSE(a.on_rtcp(bad[i], kNtp0, 0)) << i;
  }
  EXPECT_EQ(a.stats().malformed, bad.size());
}

TEST(RtcpMalformed, RandomBytesAreHarmless) {
  std::mt19937 rng(3);
  RtcpSession a(1, "a");
  const auto good = a.make_report(kNtp0, 0);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> d = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) d[rng() % d.size()] = static_cast<uint8_t>(rng());
    if (rng() % 3 == 0) d.resize(rng() % (d.size() + 1));
    RtcpCompound c;
    parsed += parse_rtcp(d, c);
  }
  EXPECT_GT(parsed, 0);
}

TEST(MediaQuality, MosIsSaneForCleanAndLossyCalls) {
  const double clean = estimate_mos({CodecId::pcmu, 0, 40});
  const double lossy = estimate_mos({CodecId::pcmu, 20, 40});
  const double late = estimate_mos({CodecId::pcma, 0, 400});
  std::printf("MOS: 0%% loss %.2f, 20%% loss %.2f, 0%% loss with 400 ms delay %.2f\n", clean, lossy,
              late);
  EXPECT_GT(clean, 4.3);
  EXPECT_LE(clean, 4.41);
  EXPECT_GT(lossy, 2.2);
  EXPECT_LT(lossy, 3.0);
  EXPECT_LT(late, 3.7);
  EXPECT_GT(estimate_mos({CodecId::g722, 1, 40}), estimate_mos({CodecId::g722, 5, 40}));
  EXPECT_EQ(mos_from_r(-5), 1);
  EXPECT_EQ(mos_from_r(120), 4.5);
}

// The wall clock comes from the Clock (a fake one in tests): NTP counts seconds from 1900 and
// the fraction in 1/2^32 s.
TEST(RtcpReports, NtpTimeOfAWallClockTime) {
  EXPECT_EQ(ntp_time(0), 2208988800ull << 32);
  EXPECT_EQ(ntp_time(1500000), (2208988801ull << 32) | 0x80000000u);
  const uint64_t ntp = ntp_time(fake_wall_us(250));
  EXPECT_EQ(ntp >> 32, 1773480400ull + 2208988800ull);
  EXPECT_EQ(ntp & 0xffffffffu, 0x40000000u);
  const uint64_t seconds = 1773480400ull + 2208988800ull;
  EXPECT_EQ(ntp_middle(ntp), static_cast<uint32_t>((seconds << 16) | 0x4000));
}

}  // namespace
}  // namespace owsip::media
