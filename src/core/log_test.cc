#include "core/log.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace owsip::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_capture([this](int lvl, const std::string& line) {
      levels_.push_back(lvl);
      lines_.push_back(line);
    });
  }
  void TearDown() override {
    set_capture(nullptr);
    clear_secrets();
    set_level(kErr);
  }
  std::vector<int> levels_;
  std::vector<std::string> lines_;
};

TEST_F(LogTest, LevelFiltersAndTagPrefixes) {
  set_level(kWarning);
  err("sip", "one %d", 1);
  warn("line.sim", "two");
  notice("core", "three");
  debug("core", "four");
  EXPECT_EQ(lines_, (std::vector<std::string>{"sip: one 1", "line.sim: two"}));
  EXPECT_EQ(levels_, (std::vector<int>{kErr, kWarning}));
}

TEST_F(LogTest, TimestampsPrefixTheLineWithMonotonicMilliseconds) {
  set_level(kDebug);
  set_timestamps(true);
  debug("sip", "x");
  set_timestamps(false);
  debug("sip", "y");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_TRUE(std::regex_match(lines_[0], std::regex(R"(\[[0-9]+\.[0-9]{3}\] sip: x)"))) << lines_[0];
  EXPECT_EQ(lines_[1], "sip: y");
}

TEST_F(LogTest, DefaultLevelIsErrAsInTheSeed) {
  set_level(3);
  EXPECT_TRUE(enabled(kErr));
  EXPECT_FALSE(enabled(kWarning));
}

TEST_F(LogTest, SecretsAreMaskedEverywhereInTheLine) {
  set_level(kDebug);
  add_secret("hunter2");
  debug("sip", "Authorization: password=hunter2 again hunter2hunter2");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0], "sip: Authorization: password=**** again ********");
}

TEST_F(LogTest, LongMessagesAreTruncatedNotOverflowed) {
  set_level(kDebug);
  std::string big(5000, 'x');
  debug("t", "%s", big.c_str());
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_LT(lines_[0].size(), 1100u);
}

}  // namespace
}  // namespace owsip::log
