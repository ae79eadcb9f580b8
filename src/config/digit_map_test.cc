#include "config/digit_map.h"

#include <gtest/gtest.h>

namespace owsip::config {
namespace {

using M = DigitMap::Match;

DigitMap map(const char* text);

// Tests read the kind of match; the verdict's other parts have their own tests.
struct Checked {
  DigitMap m;
  M match_kind(std::string_view keys) const { return m.match(keys).match; }
  bool empty() const { return m.empty(); }
};

DigitMap map(const char* text) {
  auto m = DigitMap::parse(text);
  EXPECT_TRUE(m) << m.message();
  return m ? *m : DigitMap();
}

TEST(DigitMap, FixedLengthNumbersCompleteAtOnce) {
  Checked m{map("[2-9]xxxxxx|11[02]")};
  EXPECT_EQ(m.match_kind("5"), M::partial);
  EXPECT_EQ(m.match_kind("555123"), M::partial);
  EXPECT_EQ(m.match_kind("5551234"), M::complete);
  EXPECT_EQ(m.match_kind("55512345"), M::none);
  EXPECT_EQ(m.match_kind("110"), M::complete);
  EXPECT_EQ(m.match_kind("112"), M::complete);
  EXPECT_EQ(m.match_kind("111"), M::none);
  EXPECT_EQ(m.match_kind("1"), M::partial);
}

TEST(DigitMap, DotRepeatsAndLeavesTheNumberOpen) {
  Checked m{map("(0xx. | *xx)")};
  EXPECT_EQ(m.match_kind("0"), M::partial);
  EXPECT_EQ(m.match_kind("01"), M::complete_on_pause);  // "0x" then x. allows zero more
  EXPECT_EQ(m.match_kind("0301234567"), M::complete_on_pause);
  EXPECT_EQ(m.match_kind("*12"), M::complete);
  EXPECT_EQ(m.match_kind("*1"), M::partial);
  EXPECT_EQ(m.match_kind("#"), M::none);
}

TEST(DigitMap, SetsAndStarHash) {
  Checked m{map("{[*#]1x}")};
  EXPECT_EQ(m.match_kind("*15"), M::complete);
  EXPECT_EQ(m.match_kind("#19"), M::complete);
  EXPECT_EQ(m.match_kind("115"), M::none);
}

TEST(DigitMap, PlusMeansOneOrMore) {
  Checked m{map("0x+")};  // Grandstream: at least one digit after the 0
  EXPECT_EQ(m.match_kind("0"), M::partial);
  EXPECT_EQ(m.match_kind("01"), M::complete_on_pause);
  EXPECT_EQ(m.match_kind("0123"), M::complete_on_pause);
}

TEST(DigitMap, TCompletesOnlyOnThePause) {
  Checked m{map("110T|xxxx")};
  EXPECT_EQ(m.match_kind("11"), M::partial);
  // 110 is complete, but only on the short pause (and 110x could still become xxxx).
  EXPECT_EQ(m.match_kind("110"), M::complete_on_pause);
  Checked alone{map("0xx.T|112")};
  EXPECT_EQ(alone.match_kind("030"), M::complete_on_pause);
  EXPECT_EQ(alone.match_kind("112"), M::complete);  // no T: at once
  Checked fixed{map("112T")};
  EXPECT_EQ(fixed.match_kind("112"), M::complete_on_pause);  // nothing longer, still waits
  EXPECT_EQ(fixed.m.match("112").number, "112");
}

TEST(DigitMap, SubstitutionDeletesInsertsAndReplaces) {
  DigitMap m = map("<9:>0x. | <:0049>[2-7]xxx | <0:+49>[1-9]x.T | 8<11:22>x");
  // Cisco <9:>: the outside-line 9 is dialled but not sent.
  EXPECT_EQ(m.match("90301234").number, "0301234");
  // Cisco <:0049>: inserted before the number.
  auto v = m.match("2345");
  EXPECT_EQ(v.match, M::complete);
  EXPECT_EQ(v.number, "00492345");
  // a replacement to an E.164 number
  EXPECT_EQ(m.match("030123").number, "+4930123");
  // in the middle of the number
  EXPECT_EQ(m.match("8115").number, "8225");
  EXPECT_EQ(m.match("8125").match, M::none);
  // Grandstream's spelling <a=b>, and an insertion at the end
  DigitMap gs = map("{<=1617>[2-9]xxxxxx | <2=011>x+ | 55<:#>}");
  EXPECT_EQ(gs.match("5551234").number, "16175551234");
  EXPECT_EQ(gs.match("2449").number, "011449");
  EXPECT_EQ(gs.match("55").number, "55#");
}

TEST(DigitMap, TheFirstCompleteAlternativeDecidesTheNumber) {
  DigitMap m = map("<:1>xxx|xxx");
  EXPECT_EQ(m.match("555").number, "1555");
  DigitMap other = map("xxx|<:1>xxx");
  EXPECT_EQ(other.match("555").number, "555");
}

TEST(DigitMap, BarredAlternativesRefuseWhateverElseMatches) {
  // Cisco: `!` at the end; Grandstream: `^` at the start; `!` at the start too.
  for (const char* text : {"0900x.! | 0x.", "^0900x. | 0x.", "!0900x. | 0x."}) {
    DigitMap m = map(text);
    auto v = m.match("0900");
    EXPECT_EQ(v.match, M::complete) << text;
    EXPECT_TRUE(v.barred) << text;
    EXPECT_FALSE(m.match("0901").barred) << text;
    EXPECT_EQ(m.match("0901").match, M::complete_on_pause) << text;
    EXPECT_FALSE(m.match("090").barred) << text;  // not yet
  }
  DigitMap cisco = map("(1947xxxxxxx! | 1xxxxxxxxxx)");  // the 947 area code barred
  EXPECT_TRUE(cisco.match("19475550123").barred);
  EXPECT_FALSE(cisco.match("12125550123").barred);
  EXPECT_EQ(cisco.match("12125550123").match, M::complete);
}

TEST(DigitMap, NumberRangesByPrefix) {
  DigitMap m = map("0900 | 030123[0-4] | \\+49900");
  EXPECT_TRUE(m.matches_prefix_of("0900123456"));
  EXPECT_TRUE(m.matches_prefix_of("0900"));
  EXPECT_TRUE(m.matches_prefix_of("0301232"));
  EXPECT_FALSE(m.matches_prefix_of("0301235"));
  EXPECT_TRUE(m.matches_prefix_of("+49900777"));
  EXPECT_FALSE(m.matches_prefix_of("+4930"));
  EXPECT_FALSE(m.matches_prefix_of("090"));
  EXPECT_FALSE(map("").matches_prefix_of("0900"));
  // A caller's number comes from the network: a long one is one pass, not one per prefix.
  // (x.0 stays possible to the last digit: per prefix this would be 2e10 steps.)
  EXPECT_FALSE(map("x.0").matches_prefix_of(std::string(200000, '5')));
  EXPECT_TRUE(map("x.0").matches_prefix_of(std::string(200000, '5') + "0"));
}

TEST(DigitMap, EmptyMapMatchesNothing) {
  Checked m{map("")};
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.match_kind("123"), M::none);
}

TEST(DigitMap, SyntaxErrorsAreExplained) {
  EXPECT_EQ(DigitMap::parse("[2-9xx").message(), "digit map '[2-9xx': '[' without ']'");
  EXPECT_EQ(DigitMap::parse("1||2").message(), "digit map '1||2': empty alternative");
  EXPECT_EQ(DigitMap::parse(".1").message(), "digit map '.1': '.' must follow a key");
  EXPECT_EQ(DigitMap::parse("12a").message(), "digit map '12a': unexpected 'a'");
  EXPECT_EQ(DigitMap::parse("[9-2]").message(), "digit map '[9-2]': bad range 9-2");
  EXPECT_EQ(DigitMap::parse("1T2").message(), "digit map '1T2': 'T' only at the end of an alternative");
  EXPECT_EQ(DigitMap::parse("1!2").message(), "digit map '1!2': '!' only at the start or the end of an alternative");
  EXPECT_EQ(DigitMap::parse("!12!").message(), "digit map '!12!': '!' at both ends of one alternative");
  EXPECT_EQ(DigitMap::parse("<9>1").message(), "digit map '<9>1': <9> needs ':' (<dialled:sent>)");
  EXPECT_EQ(DigitMap::parse("<9:1x").message(), "digit map '<9:1x': '<' without '>'");
  EXPECT_EQ(DigitMap::parse("<x:1>2").message(), "digit map '<x:1>2': 'x' in the dialled part of <x:1>");
  EXPECT_EQ(DigitMap::parse("<:1>").message(), "digit map '<:1>': alternative without a key");
  EXPECT_EQ(DigitMap::parse("S0<:1>").message(), "digit map 'S0<:1>': unexpected 'S'");
  EXPECT_EQ(DigitMap::parse("+1").message(), "digit map '+1': '+' must follow a key");
}

}  // namespace
}  // namespace owsip::config
