#include "line/hook_classifier.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes/fake_timer_queue.h"

namespace owsip::line {
namespace {

class HookClassifierTest : public ::testing::Test {
 protected:
  HookClassifierTest()
      : hook_(queue_, timings_, [this](const LineEvent& e) { events_.push_back(e.describe()); }) {}

  // Holds the switch in `off` state for `ms`.
  void hold(bool off, uint64_t ms) {
    hook_.raw(off);
    queue_.advance(ms);
  }
  void pulses(int n) {
    for (int i = 0; i < n; ++i) {
      hold(false, 60);
      hold(true, 40);
    }
  }

  testing::FakeTimerQueue queue_;
  TimerValues timings_;
  std::vector<std::string> events_;
  HookClassifier hook_;
};

using Events = std::vector<std::string>;

TEST_F(HookClassifierTest, OffHookIsImmediateOnHookWaitsOutTheFlashWindow) {
  hook_.raw(true);
  EXPECT_EQ(events_, Events{"off_hook"});
  hook_.raw(false);
  queue_.advance(699);
  EXPECT_EQ(events_, Events{"off_hook"});
  EXPECT_TRUE(hook_.off_hook());
  queue_.advance(1);
  EXPECT_EQ(events_, (Events{"off_hook", "on_hook"}));
  EXPECT_FALSE(hook_.off_hook());
}

TEST_F(HookClassifierTest, FlashIsNotAHangUpAndHangUpIsNotAFlash) {
  hold(true, 1000);
  hold(false, 250);  // flash
  hold(true, 1000);
  hold(false, 699);  // still a flash, just
  hold(true, 1000);
  hold(false, 701);  // hang-up
  EXPECT_EQ(events_, (Events{"off_hook", "flash", "flash", "on_hook"}));
}

TEST_F(HookClassifierTest, PulseDigitsAreCounted) {
  hold(true, 1000);
  pulses(3);
  queue_.advance(700);
  pulses(10);
  queue_.advance(700);
  pulses(5);
  queue_.advance(700);
  EXPECT_EQ(events_, (Events{"off_hook", "digit 3 (pulse)", "digit 0 (pulse)", "digit 5 (pulse)"}));
}

TEST_F(HookClassifierTest, ADigitEndsOnlyAfterTheInterdigitPause) {
  hold(true, 1000);
  pulses(2);
  queue_.advance(250);  // 40 ms make already passed: 290 ms < 300
  EXPECT_EQ(events_, Events{"off_hook"});
  queue_.advance(20);
  EXPECT_EQ(events_, (Events{"off_hook", "digit 2 (pulse)"}));
}

TEST_F(HookClassifierTest, BounceIsIgnored) {
  hold(true, 1000);
  hold(false, 5);
  hold(true, 1000);
  EXPECT_EQ(events_, Events{"off_hook"});
}

TEST_F(HookClassifierTest, BreakBetweenPulseAndFlashLimitsIsAFlash) {
  hold(true, 1000);
  hold(false, 91);
  hold(true, 500);
  EXPECT_EQ(events_, (Events{"off_hook", "flash"}));
}

TEST_F(HookClassifierTest, HangingUpAfterPulsesReportsTheDigitFirst) {
  hold(true, 1000);
  pulses(4);
  hold(false, 2000);
  EXPECT_EQ(events_, (Events{"off_hook", "digit 4 (pulse)", "on_hook"}));
}

TEST_F(HookClassifierTest, ConfiguredTimingsApply) {
  TimerValues t;
  t.set("flash_max", 300);
  std::vector<std::string> ev;
  HookClassifier h(queue_, t, [&](const LineEvent& e) { ev.push_back(e.describe()); });
  h.raw(true);
  h.raw(false);
  queue_.advance(301);
  EXPECT_EQ(ev, (Events{"off_hook", "on_hook"}));
}

}  // namespace
}  // namespace owsip::line
