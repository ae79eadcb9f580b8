#include "voicemail/remote_access.h"

#include <gtest/gtest.h>

namespace owsip::voicemail {
namespace {

TEST(PinGuard, TheRightPinOpensAndNothingElseDoes) {
  PinGuard g;
  EXPECT_TRUE(g.check("4711", "4711", 0));
  EXPECT_FALSE(g.check("471", "4711", 1));
  EXPECT_FALSE(g.check("47110", "4711", 2));
  EXPECT_FALSE(g.check("", "4711", 3));
  EXPECT_FALSE(g.check("4712", "4711", 4));
  EXPECT_TRUE(g.check("4711", "4711", 5));  // four wrong ones do not lock
  EXPECT_FALSE(g.check("", "", 6));         // no PIN: no remote access
}

TEST(PinGuard, FiveWrongPinsInTenMinutesLockForTenMinutes) {
  PinGuard g;
  for (uint64_t t = 0; t < 5; ++t) EXPECT_FALSE(g.check("0000", "4711", t * 60000));
  const uint64_t fifth = 4 * 60000;
  EXPECT_TRUE(g.locked(fifth));
  EXPECT_FALSE(g.check("4711", "4711", fifth + 1000));  // even the right one, while locked
  EXPECT_TRUE(g.locked(fifth + PinGuard::kLockMs - 1));
  EXPECT_FALSE(g.locked(fifth + PinGuard::kLockMs));
  EXPECT_TRUE(g.check("4711", "4711", fifth + PinGuard::kLockMs));
}

TEST(PinGuard, WrongPinsOlderThanTheWindowAreForgotten) {
  PinGuard g;
  for (uint64_t t = 0; t < 4; ++t) EXPECT_FALSE(g.check("1", "4711", t));
  // The fifth comes after the first four left the window: no lock.
  EXPECT_FALSE(g.check("1", "4711", PinGuard::kWindowMs + 10));
  EXPECT_FALSE(g.locked(PinGuard::kWindowMs + 10));
  EXPECT_TRUE(g.check("4711", "4711", PinGuard::kWindowMs + 11));
}

}  // namespace
}  // namespace owsip::voicemail
