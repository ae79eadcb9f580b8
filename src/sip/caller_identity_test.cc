#include "sip/caller_identity.h"

#include <gtest/gtest.h>

namespace owsip::sip {
namespace {

using line::dsp::CidAbsence;

IdentityParts sip_uri(std::string user, std::string display = "") {
  return IdentityParts{std::move(display), "sip", std::move(user), "example.org"};
}
IdentityParts tel_uri(std::string number) { return IdentityParts{"", "tel", "", std::move(number)}; }

TEST(CallerIdentity, NumberAndDisplayName) {
  auto c = caller_identity(sip_uri("4930123456", "Alice"), std::nullopt, "");
  EXPECT_EQ(c.number, "4930123456");
  EXPECT_EQ(c.name, "Alice");
  EXPECT_EQ(c.absence, CidAbsence::none);
}

TEST(CallerIdentity, AUserThatIsNotANumberIsTheName) {
  auto c = caller_identity(sip_uri("bob"), std::nullopt, "");
  EXPECT_EQ(c.number, "");  // sent as "unavailable"
  EXPECT_EQ(c.name, "bob");
  EXPECT_EQ(c.absence, CidAbsence::none);
  EXPECT_EQ(caller_identity(sip_uri("bob%20smith"), std::nullopt, "").name, "bob smith");
  EXPECT_EQ(caller_identity(sip_uri("bob", "Robert"), std::nullopt, "").name, "Robert");
}

TEST(CallerIdentity, TelephoneNumbersLoseTheirVisualSeparatorsAndParameters) {
  EXPECT_EQ(caller_identity(tel_uri("+49-30-123.456"), std::nullopt, "").number, "+4930123456");
  EXPECT_EQ(caller_identity(sip_uri("+1(555)0100;isub=1"), std::nullopt, "").number, "+15550100");
  EXPECT_EQ(caller_identity(sip_uri("*31#"), std::nullopt, "").number, "*31#");
  EXPECT_FALSE(phone_number("12+3"));
  EXPECT_FALSE(phone_number("+"));
  EXPECT_FALSE(phone_number("4930x"));
}

TEST(CallerIdentity, AssertedIdentityComesFirstAndFromFillsTheName) {
  auto c = caller_identity(sip_uri("bob", "Bob"), tel_uri("+4930999"), "");
  EXPECT_EQ(c.number, "+4930999");
  EXPECT_EQ(c.name, "Bob");
  auto d = caller_identity(sip_uri("4930111"), sip_uri("trunk7"), "");
  EXPECT_EQ(d.number, "4930111");  // the asserted identity has no number: From's
  EXPECT_EQ(d.name, "trunk7");
}

TEST(CallerIdentity, AnonymousOrPrivacyWithholdsEverything) {
  for (const auto& from : {sip_uri("anonymous", "Anonymous"), sip_uri("anonymous"),
                           sip_uri("123", "anonymous")}) {
    auto c = caller_identity(from, std::nullopt, "");
    EXPECT_EQ(c.absence, CidAbsence::withheld);
    EXPECT_EQ(c.number, "");
    EXPECT_EQ(c.name, "");
  }
  for (const char* privacy : {"id", "user", "header;critical", "none; id", "ID"}) {
    auto c = caller_identity(sip_uri("4930123", "Alice"), tel_uri("+4930123"), privacy);
    EXPECT_EQ(c.absence, CidAbsence::withheld) << privacy;
    EXPECT_EQ(c.number, "") << privacy;
    EXPECT_EQ(c.name, "") << privacy;
  }
  EXPECT_EQ(caller_identity(sip_uri("4930123"), std::nullopt, "none").number, "4930123");
  // An asserted identity that is anonymous withholds even when From is not.
  EXPECT_EQ(caller_identity(sip_uri("4930123"), sip_uri("anonymous"), "").absence,
            CidAbsence::withheld);
}

}  // namespace
}  // namespace owsip::sip
