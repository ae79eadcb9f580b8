#include "media/media_config.h"

#include <gtest/gtest.h>

#include "config/schema.h"

namespace owsip::media {
namespace {

config::LoadResult load(const std::string& account_options) {
  return config::load_telephony_text(
      "config general\n  option name 'ata 1'\n  option backend 'sim'\n"
      "config account 'a1'\n  option realm 'example.com'\n  option username 'alice'\n"
      "  option password 'pw-x'\n" +
          account_options,
      "tel", {{"sim"}, {"germany"}});
}

TEST(MediaConfig, AccountCodecsAndSrtpBecomeSdpSettings) {
  auto r = load("  option codecs 'g722, PCMA pcmu'\n  option srtp 'mandatory'\n");
  ASSERT_TRUE(r.ok());
  auto s = sdp_settings(r.config->general, r.config->accounts[0]);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(s->codecs, (std::vector<CodecId>{CodecId::g722, CodecId::pcma, CodecId::pcmu}));
  EXPECT_EQ(s->srtp, SrtpPolicy::mandatory);
  EXPECT_EQ(s->user, "ata 1");  // the SDP writer makes it one token
}

TEST(MediaConfig, DefaultsAreTheLinesCodecsWithoutSrtp) {
  auto r = load("");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config->accounts[0].srtp, "off");
  auto s = sdp_settings(r.config->general, r.config->accounts[0]);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->codecs.empty());
  EXPECT_EQ(s->srtp, SrtpPolicy::off);
}

TEST(MediaConfig, TheSchemaRefusesUnknownCodecsAndPolicies) {
  auto r = load("  option codecs 'G722 GSM'\n");
  EXPECT_FALSE(r.ok());
  r = load("  option srtp 'yes'\n");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(parse_codec_option("G729"));
  auto c = parse_codec_option(" ,PCMU,,PCMU ");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, std::vector<CodecId>{CodecId::pcmu});
}

}  // namespace
}  // namespace owsip::media
