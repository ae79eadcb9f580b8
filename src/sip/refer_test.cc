#include "sip/refer.h"

#include <gtest/gtest.h>

namespace owsip::sip {
namespace {

TEST(Refer, BareUri) {
  auto t = parse_refer_to("sip:2003@owsip.test");
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(t->uri, "sip:2003@owsip.test");
  EXPECT_EQ(t->replaces, "");
}

TEST(Refer, NameAddrWithParams) {
  auto t = parse_refer_to(" \"IVR\" <sips:bob@example.org;transport=tls> ;foo=bar");
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(t->uri, "sips:bob@example.org;transport=tls");
}

TEST(Refer, ReplacesIsUnescaped) {
  // RFC 5589 section 7.1's example form.
  auto t = parse_refer_to(
      "<sip:dave@127.0.0.1?Replaces=425928%40bobster.example.org%3Bto-tag%3D7743%3Bfrom-tag%3D6472"
      "&Other=x>");
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(t->uri, "sip:dave@127.0.0.1");
  EXPECT_EQ(t->replaces, "425928@bobster.example.org;to-tag=7743;from-tag=6472");
}

TEST(Refer, RefusesWhatCannotBeCalled) {
  EXPECT_FALSE(parse_refer_to(""));
  EXPECT_FALSE(parse_refer_to("<tel:+4930123>"));
  EXPECT_FALSE(parse_refer_to("<sip:a@b"));
  EXPECT_FALSE(parse_refer_to("<sip:>"));
  EXPECT_FALSE(parse_refer_to("sip:a@b?Replaces=x"));
  EXPECT_FALSE(parse_refer_to("<sip:a@b?Replaces=x%4>"));
  EXPECT_FALSE(parse_refer_to("<sip:a@b?Replaces=x%G1>"));
}

TEST(Refer, MakeReferToRoundTrips) {
  const std::string r = make_replaces("abc@h", "t1", "f2");
  EXPECT_EQ(r, "abc@h;to-tag=t1;from-tag=f2");
  const std::string v = make_refer_to("sip:2003@owsip.test", r);
  EXPECT_EQ(v, "<sip:2003@owsip.test?Replaces=abc%40h%3Bto-tag%3Dt1%3Bfrom-tag%3Df2>");
  auto t = parse_refer_to(v);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->replaces, r);
  EXPECT_EQ(make_refer_to("sip:2003@owsip.test", ""), "<sip:2003@owsip.test>");
}

TEST(Refer, ParseReplaces) {
  auto r = parse_replaces("425928@bobster.example.org;to-tag=7743; from-tag=6472;early-only");
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->call_id, "425928@bobster.example.org");
  EXPECT_EQ(r->to_tag, "7743");
  EXPECT_EQ(r->from_tag, "6472");
  EXPECT_TRUE(r->early_only);
  EXPECT_FALSE(parse_replaces("abc;to-tag=1"));
  EXPECT_FALSE(parse_replaces(";to-tag=1;from-tag=2"));
  auto round = parse_replaces(make_replaces("c@h", "t", "f"));
  ASSERT_TRUE(round);
  EXPECT_EQ(round->to_tag, "t");
  EXPECT_EQ(round->from_tag, "f");
}

TEST(Refer, Sipfrag) {
  EXPECT_EQ(sipfrag(100), "SIP/2.0 100 Trying\r\n");
  EXPECT_EQ(sipfrag(200), "SIP/2.0 200 OK\r\n");
  EXPECT_EQ(sipfrag(486), "SIP/2.0 486 Busy Here\r\n");
  EXPECT_EQ(parse_sipfrag("SIP/2.0 180 Ringing\r\n"), 180);
  EXPECT_EQ(parse_sipfrag("SIP/2.0 603 Declined"), 603);
  EXPECT_EQ(parse_sipfrag("INVITE sip:x SIP/2.0"), 0);
  EXPECT_EQ(parse_sipfrag("SIP/2.0 99"), 0);
}

}  // namespace
}  // namespace owsip::sip
