#include "app/options.h"

#include <gtest/gtest.h>

namespace owsip::app {
namespace {

TEST(Options, Defaults) {
  auto o = parse_options({});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->config_path, "/etc/config/telephony");
  EXPECT_FALSE(o->foreground);
  EXPECT_FALSE(o->check_config);
  EXPECT_EQ(o->log_level, -1);
}

TEST(Options, AllFlags) {
  auto o = parse_options({"-c", "/tmp/t", "-f", "--check-config", "-v", "7"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->config_path, "/tmp/t");
  EXPECT_TRUE(o->foreground);
  EXPECT_TRUE(o->check_config);
  EXPECT_EQ(o->log_level, 7);
  EXPECT_TRUE(parse_options({"--version"})->show_version);
  EXPECT_FALSE(o->log_timestamps);
  EXPECT_TRUE(parse_options({"--log-timestamps"})->log_timestamps);
  EXPECT_TRUE(parse_options({"--help"})->show_help);
  EXPECT_EQ(parse_options({"--config=/x"})->config_path, "/x");
}

TEST(Options, ErrorsAreClear) {
  EXPECT_EQ(parse_options({"-c"}).message(), "-c needs a file name");
  EXPECT_EQ(parse_options({"--bogus"}).message(), "unknown argument '--bogus'");
  EXPECT_EQ(parse_options({"-v", "9"}).message(), "-v needs a log level 0..7");
}

}  // namespace
}  // namespace owsip::app
