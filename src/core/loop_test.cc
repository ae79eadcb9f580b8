#include "core/loop.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <memory>
#include <string>

namespace owsip {
namespace {

class LoopTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(loop_.init()); }
  // A guard so that a broken test cannot hang: the loop stops after `ms` at the latest.
  void run_for_at_most(uint64_t ms) {
    Timer guard(loop_);
    guard.start(ms, [&] {
      timed_out_ = true;
      loop_.stop();
    });
    ASSERT_TRUE(loop_.run());
  }
  Loop loop_;
  bool timed_out_ = false;
};

TEST_F(LoopTest, TimersFireInOrderOnTheRealLoop) {
  std::string order;
  Timer a(loop_), b(loop_), stop(loop_);
  a.start(30, [&] { order += "a"; });
  b.start(10, [&] { order += "b"; });
  stop.start(50, [&] { loop_.stop(); });
  const uint64_t t0 = loop_.clock().now_ms();
  run_for_at_most(2000);
  EXPECT_FALSE(timed_out_);
  EXPECT_EQ(order, "ba");
  // libre's timer clock and ours round milliseconds differently: allow 1 ms.
  EXPECT_GE(loop_.clock().now_ms() - t0, 49u);
}

TEST_F(LoopTest, DestroyedTimerNeverFires) {
  bool fired = false;
  {
    Timer t(loop_);
    t.start(10, [&] { fired = true; });
  }
  EXPECT_EQ(loop_.pending_timers(), 0u);
  Timer stop(loop_);
  stop.start(40, [&] { loop_.stop(); });
  run_for_at_most(2000);
  EXPECT_FALSE(fired);
}

TEST_F(LoopTest, FdWatchDeliversReadabilityUntilClosed) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string got;
  auto watch = std::make_unique<FdWatch>();
  ASSERT_TRUE(watch->watch(fds[0], FdWatch::kRead, [&](int events) {
    EXPECT_TRUE(events & FdWatch::kRead);
    char buf[16];
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    if (got == "hello") loop_.stop();
  }));
  ASSERT_EQ(write(fds[1], "hello", 5), 5);
  run_for_at_most(2000);
  EXPECT_FALSE(timed_out_);
  EXPECT_EQ(got, "hello");

  // Once the watch is gone, new data wakes nobody.
  watch.reset();
  ASSERT_EQ(write(fds[1], "more", 4), 4);
  Timer stop(loop_);
  stop.start(30, [&] { loop_.stop(); });
  run_for_at_most(2000);
  EXPECT_EQ(got, "hello");
  close(fds[0]);
  close(fds[1]);
}

TEST_F(LoopTest, SighupReloadsAndSigtermStopsFromTheLoop) {
  int reloads = 0, stops = 0;
  ASSERT_TRUE(loop_.handle_signals(
      [&] {
        ++stops;
        loop_.stop();
      },
      [&] { ++reloads; }));
  Timer hup(loop_), term(loop_);
  hup.start(10, [&] { raise(SIGHUP); });
  term.start(40, [&] { raise(SIGTERM); });
  run_for_at_most(3000);
  EXPECT_FALSE(timed_out_);
  EXPECT_EQ(reloads, 1);
  EXPECT_EQ(stops, 1);
}

}  // namespace
}  // namespace owsip
