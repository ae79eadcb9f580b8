#include "config/digit_map.h"

#include <gtest/gtest.h>

namespace owsip::config {
namespace {

using M = DigitMap::Match;

DigitMap map(const char* text) {
  auto m = DigitMap::parse(text);
  EXPECT_TRUE(m) << m.message();
  return m ? *m : DigitMap();
}

TEST(DigitMap, FixedLengthNumbersCompleteAtOnce) {
  DigitMap m = map("[2-9]xxxxxx|11[02]");
  EXPECT_EQ(m.match("5"), M::partial);
  EXPECT_EQ(m.match("555123"), M::partial);
  EXPECT_EQ(m.match("5551234"), M::complete);
  EXPECT_EQ(m.match("55512345"), M::none);
  EXPECT_EQ(m.match("110"), M::complete);
  EXPECT_EQ(m.match("112"), M::complete);
  EXPECT_EQ(m.match("111"), M::none);
  EXPECT_EQ(m.match("1"), M::partial);
}

TEST(DigitMap, DotRepeatsAndLeavesTheNumberOpen) {
  DigitMap m = map("(0xx. | *xx)");
  EXPECT_EQ(m.match("0"), M::partial);
  EXPECT_EQ(m.match("01"), M::complete_or_more);  // "0x" then x. allows zero more
  EXPECT_EQ(m.match("0301234567"), M::complete_or_more);
  EXPECT_EQ(m.match("*12"), M::complete);
  EXPECT_EQ(m.match("*1"), M::partial);
  EXPECT_EQ(m.match("#"), M::none);
}

TEST(DigitMap, SetsAndStarHash) {
  DigitMap m = map("{[*#]1x}");
  EXPECT_EQ(m.match("*15"), M::complete);
  EXPECT_EQ(m.match("#19"), M::complete);
  EXPECT_EQ(m.match("115"), M::none);
}

TEST(DigitMap, EmptyMapMatchesNothing) {
  DigitMap m = map("");
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.match("123"), M::none);
}

TEST(DigitMap, SyntaxErrorsAreExplained) {
  EXPECT_EQ(DigitMap::parse("[2-9xx").message(), "digit map '[2-9xx': '[' without ']'");
  EXPECT_EQ(DigitMap::parse("1||2").message(), "digit map '1||2': empty alternative");
  EXPECT_EQ(DigitMap::parse(".1").message(), "digit map '.1': '.' must follow a key");
  EXPECT_EQ(DigitMap::parse("12a").message(), "digit map '12a': unexpected 'a'");
  EXPECT_EQ(DigitMap::parse("[9-2]").message(), "digit map '[9-2]': bad range 9-2");
}

}  // namespace
}  // namespace owsip::config
