#include "media/srtp.h"

#include <gtest/gtest.h>

#include "media/rtp_packet.h"

namespace owsip::media {
namespace {

std::vector<uint8_t> rtp(uint16_t seq, uint32_t ssrc = 0x11223344) {
  std::vector<uint8_t> p;
  std::vector<uint8_t> payload(160);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i);
  write_rtp({0, false, seq, seq * 160u, ssrc}, payload, p);
  return p;
}

std::vector<uint8_t> rtcp_rr(uint32_t ssrc = 0x11223344) {
  return {0x80,
          201,
          0,
          1,
          static_cast<uint8_t>(ssrc >> 24),
          static_cast<uint8_t>(ssrc >> 16),
          static_cast<uint8_t>(ssrc >> 8),
          static_cast<uint8_t>(ssrc)};
}

struct Pair {
  std::unique_ptr<SrtpSession> alice, bob;
  explicit Pair(SrtpSuite suite) {
    const SrtpKey a = random_srtp_key(), b = random_srtp_key();
    auto x = SrtpSession::create(suite, a, b);
    auto y = SrtpSession::create(suite, b, a);
    EXPECT_TRUE(x && y);
    alice = std::move(*x);
    bob = std::move(*y);
  }
};

class SrtpSuites : public ::testing::TestWithParam<SrtpSuite> {};

TEST_P(SrtpSuites, ProtectUnprotectRoundTripsRtpAndRtcp) {
  Pair p(GetParam());
  const size_t tag = GetParam() == SrtpSuite::aes_cm_128_hmac_sha1_80 ? 10 : 4;
  for (uint16_t seq = 65530; seq != 10; ++seq) {  // across the sequence wrap (roll-over counter)
    const auto plain = rtp(seq);
    auto wire = plain;
    ASSERT_TRUE(p.alice->protect_rtp(wire));
    EXPECT_EQ(wire.size(), plain.size() + tag);
    EXPECT_EQ(std::vector<uint8_t>(wire.begin(), wire.begin() + 12),
              std::vector<uint8_t>(plain.begin(), plain.begin() + 12));  // header in clear
    EXPECT_NE(std::vector<uint8_t>(wire.begin() + 12, wire.begin() + 172),
              std::vector<uint8_t>(plain.begin() + 12, plain.end()));  // payload encrypted
    const Status st = p.bob->unprotect_rtp(wire);
    ASSERT_TRUE(st) << st.message();
    EXPECT_EQ(wire, plain);
  }
  const auto plain = rtcp_rr();
  auto wire = plain;
  ASSERT_TRUE(p.bob->protect_rtcp(wire));
  EXPECT_EQ(wire.size(), plain.size() + 4 + 10);  // E+index, and an 80-bit tag for both suites
  ASSERT_TRUE(p.alice->unprotect_rtcp(wire));
  EXPECT_EQ(wire, plain);
}

TEST_P(SrtpSuites, TamperedReplayedAndForeignPacketsAreRefused) {
  Pair p(GetParam());
  auto wire = rtp(1);
  ASSERT_TRUE(p.alice->protect_rtp(wire));
  auto tampered = wire;
  tampered[20] ^= 1;
  const Status t = p.bob->unprotect_rtp(tampered);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.message(), "authentication failed");
  auto good = wire;
  ASSERT_TRUE(p.bob->unprotect_rtp(good));
  auto replay = wire;
  const Status r = p.bob->unprotect_rtp(replay);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), "replayed");
  // Protected with another key: refused.
  Pair other(GetParam());
  auto foreign = rtp(2);
  ASSERT_TRUE(other.alice->protect_rtp(foreign));
  EXPECT_FALSE(p.bob->unprotect_rtp(foreign));
  // Plain RTP is not SRTP.
  auto plain = rtp(3);
  EXPECT_FALSE(p.bob->unprotect_rtp(plain));
  // Tampered and truncated RTCP.
  auto c = rtcp_rr();
  ASSERT_TRUE(p.alice->protect_rtcp(c));
  auto ct = c;
  ct[5] ^= 0x80;
  EXPECT_FALSE(p.bob->unprotect_rtcp(ct));
  std::vector<uint8_t> shorty(c.begin(), c.begin() + 10);
  EXPECT_FALSE(p.bob->unprotect_rtcp(shorty));
  EXPECT_TRUE(p.bob->unprotect_rtcp(c));
}

INSTANTIATE_TEST_SUITE_P(Both, SrtpSuites,
                         ::testing::Values(SrtpSuite::aes_cm_128_hmac_sha1_80,
                                           SrtpSuite::aes_cm_128_hmac_sha1_32));

TEST(Srtp, ForgedSourcesCannotLockOutTheRealOne) {
  Pair p(SrtpSuite::aes_cm_128_hmac_sha1_80);
  for (uint32_t ssrc = 1; ssrc <= 12; ++ssrc) {  // libre keeps 8 sources per context
    auto forged = rtp(1, ssrc);
    forged.insert(forged.end(), 10, 0);
    EXPECT_FALSE(p.bob->unprotect_rtp(forged));
  }
  auto wire = rtp(5, 0x5555);
  ASSERT_TRUE(p.alice->protect_rtp(wire));
  EXPECT_TRUE(p.bob->unprotect_rtp(wire));
}

TEST(SrtpSdes, CryptoAttributeRoundTrips) {
  CryptoAttribute c;
  c.tag = 2;
  c.suite = SrtpSuite::aes_cm_128_hmac_sha1_32;
  c.key = random_srtp_key();
  const std::string text = format_crypto(c);
  EXPECT_EQ(text.substr(0, 33), "2 AES_CM_128_HMAC_SHA1_32 inline:");
  EXPECT_EQ(text.size(), 33u + 40);
  auto back = parse_crypto(text);
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->tag, 2);
  EXPECT_EQ(back->suite, c.suite);
  EXPECT_EQ(back->key, c.key);
  // A lifetime is accepted.
  EXPECT_TRUE(parse_crypto(text + "|2^31"));
}

TEST(SrtpSdes, UnusableCryptoLinesAreRefusedWithAReason) {
  const std::string key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";  // 30 bytes
  EXPECT_TRUE(parse_crypto("1 AES_CM_128_HMAC_SHA1_80 inline:" + key));
  const std::pair<std::string, std::string> bad[] = {
      {"", "no tag"},
      {"x AES_CM_128_HMAC_SHA1_80 inline:" + key, "bad tag"},
      {"1 AES_256_CM_HMAC_SHA1_80 inline:" + key, "unsupported suite"},
      {"1 F8_128_HMAC_SHA1_80 inline:" + key, "unsupported suite"},
      {"1 AES_CM_128_HMAC_SHA1_80", "no key"},
      {"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20|1:4", "MKI"},
      {"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + " UNENCRYPTED_SRTP", "session parameters"},
      {"1 AES_CM_128_HMAC_SHA1_80 inline:" + key.substr(4), "30 bytes"},
      {"1 AES_CM_128_HMAC_SHA1_80 inline:" + key.substr(4) + "!!!!", "30 bytes"},
      {"1 AES_CM_128_HMAC_SHA1_80 uri:http://x", "not inline"},
  };
  for (const auto& [line, why] : bad) {
    auto r = parse_crypto(line);
    ASSERT_FALSE(r) << line;
    EXPECT_NE(r.message().find(why), std::string::npos) << r.message();
    EXPECT_EQ(r.message().find(key), std::string::npos);  // a key never lands in a message
  }
}

TEST(SrtpSdes, RedactedSdpHidesKeys) {
  const std::string sdp =
      "m=audio 4000 RTP/AVP 0\r\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^31\r\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
  EXPECT_EQ(redact_sdp(sdp),
            "m=audio 4000 RTP/AVP 0\r\n"
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:****|2^31\r\n"
            "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:****\r\n");
}

TEST(SrtpSdes, PolicyNames) {
  EXPECT_EQ(parse_srtp_policy("mandatory"), SrtpPolicy::mandatory);
  EXPECT_EQ(parse_srtp_policy("on"), std::nullopt);
  EXPECT_EQ(srtp_policy_name(SrtpPolicy::optional), "optional");
}

}  // namespace
}  // namespace owsip::media
