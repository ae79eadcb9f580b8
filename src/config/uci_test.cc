#include "config/uci.h"

#include <gtest/gtest.h>

namespace owsip::config {
namespace {

struct Parsed {
  UciPackage pkg;
  Diagnostics diags;
};

Parsed parse(std::string_view text) {
  Parsed p;
  p.pkg = parse_uci(text, "t.conf", p.diags);
  return p;
}

std::string value_of(const Parsed& p, std::string_view section, std::string_view option) {
  const UciSection* s = p.pkg.find(section);
  if (!s) return "<no section>";
  const UciOption* o = s->find(option);
  if (!o) return "<no option>";
  return o->value();
}

std::string errors(const Parsed& p) {
  std::string out;
  for (const auto& d : p.diags) out += d.to_string() + "\n";
  return out;
}

TEST(Uci, SectionsOptionsAndLists) {
  auto p = parse(
      "package telephony\n"
      "\n"
      "config general\n"
      "\toption name owsip\n"
      "config account 'fxs1'\n"
      "  option realm \"example.com\"\n"
      "  list codecs PCMU\n"
      "  list codecs 'G722'\n");
  ASSERT_TRUE(p.diags.empty()) << errors(p);
  EXPECT_EQ(p.pkg.name, "telephony");
  ASSERT_EQ(p.pkg.sections.size(), 2u);
  EXPECT_EQ(p.pkg.sections[0].type, "general");
  EXPECT_TRUE(p.pkg.sections[0].anonymous);
  EXPECT_EQ(p.pkg.sections[0].name, "@general[0]");
  EXPECT_EQ(p.pkg.sections[0].line, 3);
  EXPECT_EQ(value_of(p, "@general[0]", "name"), "owsip");
  EXPECT_EQ(value_of(p, "fxs1", "realm"), "example.com");
  const UciOption* codecs = p.pkg.find("fxs1")->find("codecs");
  ASSERT_NE(codecs, nullptr);
  EXPECT_TRUE(codecs->is_list);
  EXPECT_EQ(codecs->values, (std::vector<std::string>{"PCMU", "G722"}));
  EXPECT_EQ(codecs->line, 8);
}

TEST(Uci, QuotingConcatenationAndEscapes) {
  auto p = parse(
      "config s 'x'\n"
      "option a 'single \"inner\" #nocomment'\n"
      "option b \"double 'inner' \\\"esc\\\" back\\\\slash\"\n"
      "option c one'two'\"three\"\n"
      "option d 'it'\\''s'\n"
      "option e un\\ quoted\\#x\n"
      "option f 'a;b'\n");
  ASSERT_TRUE(p.diags.empty()) << errors(p);
  EXPECT_EQ(value_of(p, "x", "a"), "single \"inner\" #nocomment");
  EXPECT_EQ(value_of(p, "x", "b"), "double 'inner' \"esc\" back\\slash");
  EXPECT_EQ(value_of(p, "x", "c"), "onetwothree");
  EXPECT_EQ(value_of(p, "x", "d"), "it's");
  EXPECT_EQ(value_of(p, "x", "e"), "un quoted#x");
  EXPECT_EQ(value_of(p, "x", "f"), "a;b");
}

TEST(Uci, CommentsAndBlankLines) {
  auto p = parse(
      "# a comment\n"
      "   \t\n"
      "config s 'x' # trailing comment\n"
      "\toption a b#comment right after the word\n"
      "\t# option b c\n"
      "\toption c d\r\n");
  ASSERT_TRUE(p.diags.empty()) << errors(p);
  EXPECT_EQ(value_of(p, "x", "a"), "b");
  EXPECT_EQ(value_of(p, "x", "b"), "<no option>");
  EXPECT_EQ(value_of(p, "x", "c"), "d");
}

TEST(Uci, MultiLineValuesAndContinuations) {
  auto p = parse(
      "config s 'x'\n"
      "option a 'line1\n"
      "line2'\n"
      "option b \"one \\\n"
      "two\"\n"
      "option c three\\\n"
      "four\n"
      "option d after\n");
  ASSERT_TRUE(p.diags.empty()) << errors(p);
  EXPECT_EQ(value_of(p, "x", "a"), "line1\nline2");
  EXPECT_EQ(value_of(p, "x", "b"), "one two");
  EXPECT_EQ(value_of(p, "x", "c"), "threefour");
  EXPECT_EQ(p.pkg.find("x")->find("d")->line, 8);
}

TEST(Uci, SemicolonsSeparateCommandsAndKeywordsAbbreviate) {
  auto p = parse("c s 'x'; o a 1; option b 2 ;l l1 v\n");
  ASSERT_TRUE(p.diags.empty()) << errors(p);
  EXPECT_EQ(value_of(p, "x", "a"), "1");
  EXPECT_EQ(value_of(p, "x", "b"), "2");
  EXPECT_EQ(value_of(p, "x", "l1"), "v");
}

TEST(Uci, LaterValuesWinAndEmptyValueDeletes) {
  auto p = parse(
      "config s 'x'\n"
      "option a 1\n"
      "option a 2\n"
      "option gone yes\n"
      "option gone ''\n"
      "option never\n"
      "config s 'x'\n"
      "option b 3\n");
  ASSERT_TRUE(p.diags.empty()) << errors(p);
  ASSERT_EQ(p.pkg.sections.size(), 1u);  // same name and type merge
  EXPECT_EQ(value_of(p, "x", "a"), "2");
  EXPECT_EQ(p.pkg.find("x")->find("a")->line, 3);
  EXPECT_EQ(value_of(p, "x", "gone"), "<no option>");
  EXPECT_EQ(value_of(p, "x", "never"), "<no option>");
  EXPECT_EQ(value_of(p, "x", "b"), "3");
}

TEST(Uci, ListAfterOptionKeepsTheOptionValue) {
  auto p = parse("config s 'x'\noption a 1\nlist a 2\n");
  ASSERT_TRUE(p.diags.empty()) << errors(p);
  const UciOption* a = p.pkg.find("x")->find("a");
  EXPECT_TRUE(a->is_list);
  EXPECT_EQ(a->values, (std::vector<std::string>{"1", "2"}));
}

TEST(Uci, AnonymousSectionsAreNumberedPerType) {
  auto p = parse("config contact\nconfig port\nconfig contact\n");
  ASSERT_TRUE(p.diags.empty()) << errors(p);
  EXPECT_NE(p.pkg.find("@contact[0]"), nullptr);
  EXPECT_NE(p.pkg.find("@contact[1]"), nullptr);
  EXPECT_NE(p.pkg.find("@port[0]"), nullptr);
}

struct BadCase {
  const char* text;
  int line;
  const char* message_part;
};

class UciErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(UciErrors, ReportsFileLineAndReason) {
  const BadCase& c = GetParam();
  auto p = parse(c.text);
  ASSERT_FALSE(p.diags.empty()) << "no error for: " << c.text;
  const Diagnostic& d = p.diags.front();
  EXPECT_TRUE(d.is_error());
  EXPECT_EQ(d.line, c.line) << d.to_string();
  EXPECT_NE(d.message.find(c.message_part), std::string::npos) << d.to_string();
  EXPECT_EQ(d.to_string().rfind("t.conf:" + std::to_string(c.line) + ": ", 0), 0u)
      << d.to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, UciErrors,
    ::testing::Values(
        BadCase{"option a b\n", 1, "before the first section"},
        BadCase{"config s\noptoin a b\n", 2, "invalid command 'optoin'"},
        BadCase{"config s\noption 'a-b' c\n", 2, "invalid option name"},
        BadCase{"config s 'bad-name'\n", 1, "invalid section name"},
        BadCase{"config\n", 1, "config without type"},
        BadCase{"config s\noption\n", 2, "without name"},
        BadCase{"config s\noption a b c\n", 2, "too many arguments"},
        BadCase{"config s x y\n", 1, "too many arguments"},
        BadCase{"config s\n\noption a 'open\nnever closed\n", 3, "unterminated '"},
        BadCase{"config s\noption a \"open\n", 2, "unterminated \""},
        BadCase{"config a 'x'\nconfig b 'x'\n", 2, "overwrites a section of type 'a'"},
        BadCase{"package 'bad name'\n", 1, "invalid package name"},
        BadCase{"package\n", 1, "package without name"},
        BadCase{"config 'a b'\n", 1, "invalid character in section type"}));

TEST(Uci, ReportsEveryErrorNotJustTheFirst) {
  auto p = parse(
      "config s 'x'\n"
      "bogus 1\n"
      "option ok yes\n"
      "option 'b@d' 2\n"
      "option fine 3\n");
  ASSERT_EQ(p.diags.size(), 2u) << errors(p);
  EXPECT_EQ(p.diags[0].line, 2);
  EXPECT_EQ(p.diags[1].line, 4);
  EXPECT_EQ(value_of(p, "x", "ok"), "yes");
  EXPECT_EQ(value_of(p, "x", "fine"), "3");
}

TEST(Uci, BinaryGarbageIsRefusedWithoutCrashing) {
  static const char kJunk[] = "config s\n\x01\x02\xff\xfe option\0 a b\n'\n";
  std::string junk(kJunk, sizeof kJunk - 1);
  auto p = parse(junk);
  EXPECT_FALSE(p.diags.empty());
}

TEST(Uci, QuoteRoundTrips) {
  const std::string tricky = "it's a \"test\" #1; \\ done";
  auto p = parse("config s 'x'\noption v " + uci_quote(tricky) + "\n");
  ASSERT_TRUE(p.diags.empty()) << errors(p);
  EXPECT_EQ(value_of(p, "x", "v"), tricky);
}

}  // namespace
}  // namespace owsip::config
