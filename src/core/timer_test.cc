#include "core/timer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fakes/fake_timer_queue.h"

namespace owsip {
namespace {

using testing::FakeTimerQueue;

TEST(Timer, FiresOnceAtItsDeadline) {
  FakeTimerQueue q;
  Timer t(q);
  int fired = 0;
  t.start(100, [&] { ++fired; });
  EXPECT_TRUE(t.active());
  EXPECT_EQ(t.expires_at_ms(), q.now() + 100);
  q.advance(99);
  EXPECT_EQ(fired, 0);
  q.advance(1);
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(t.active());
  q.advance(1000);
  EXPECT_EQ(fired, 1);
}

TEST(Timer, RestartReplacesThePendingCallback) {
  FakeTimerQueue q;
  Timer t(q);
  std::vector<std::string> log;
  t.start(100, [&] { log.push_back("first"); });
  q.advance(50);
  t.start(100, [&] { log.push_back("second"); });
  q.advance(60);
  EXPECT_TRUE(log.empty());
  q.advance(40);
  EXPECT_EQ(log, std::vector<std::string>{"second"});
  EXPECT_EQ(q.pending(), 0u);
}

TEST(Timer, DestroyingCancels) {
  FakeTimerQueue q;
  int fired = 0;
  {
    Timer t(q);
    t.start(10, [&] { ++fired; });
    EXPECT_EQ(q.pending(), 1u);
  }
  EXPECT_EQ(q.pending(), 0u);
  q.advance(100);
  EXPECT_EQ(fired, 0);
}

TEST(Timer, CallbackMayRestartItsTimer) {
  FakeTimerQueue q;
  Timer t(q);
  std::vector<uint64_t> at;
  std::function<void()> tick = [&] {
    at.push_back(q.now());
    if (at.size() < 3) t.start(20, tick);
  };
  t.start(20, tick);
  const uint64_t t0 = q.now();
  EXPECT_EQ(q.advance(1000), 3);
  EXPECT_EQ(at, (std::vector<uint64_t>{t0 + 20, t0 + 40, t0 + 60}));
}

TEST(Timer, CallbackMayDestroyItsTimer) {
  FakeTimerQueue q;
  auto t = std::make_unique<Timer>(q);
  bool fired = false;
  t->start(5, [&] {
    fired = true;
    t.reset();
  });
  q.advance(5);
  EXPECT_TRUE(fired);
  EXPECT_EQ(t, nullptr);
}

TEST(Timer, DueTimersRunInDeadlineThenSchedulingOrder) {
  FakeTimerQueue q;
  Timer a(q), b(q), c(q);
  std::string order;
  a.start(30, [&] { order += "a"; });
  b.start(10, [&] { order += "b"; });
  c.start(30, [&] { order += "c"; });
  q.advance(30);
  EXPECT_EQ(order, "bac");
}

}  // namespace
}  // namespace owsip
