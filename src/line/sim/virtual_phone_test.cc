// The phone's connection, frame clock, hook switch and keypad.
#include "line/sim/virtual_phone.h"

#include <gtest/gtest.h>

#include "line/sim/virtual_phone_test_support.h"

namespace owsip::line::sim {
namespace {

using namespace phone_test;

TEST_F(VirtualPhoneTest, WelcomeHandshake) {
  daemon_->port = 5;
  daemon_->cid = "etsi_fsk";
  daemon_->locale = "italy";
  auto p = phone(16000);
  EXPECT_EQ(daemon_->hello, "H owsip-sim/1 jack=2 rate=16000");
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(
      events_[0].json(),
      R"({"event":"welcome","port":5,"jack":2,"rate":16000,"locale":"italy","cid":"etsi_fsk"})");
  EXPECT_EQ(p->port(), 5);
  EXPECT_EQ(p->locale(), "italy");
  EXPECT_EQ(p->cid_standard(), dsp::CidStandard::etsi_fsk);

  p->disconnect();
  EXPECT_EQ(p->state(), VirtualPhone::State::closed);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1].json(), R"({"event":"closed","reason":"disconnected"})");
}

TEST_F(VirtualPhoneTest, RefusalAndMissingSocketAreReported) {
  daemon_->refuse = "jack 2 is \"taken\"";
  VirtualPhone p(loop_);
  p.set_event_handler([this](const PhoneEvent& e) { events_.push_back(e); });
  ASSERT_TRUE(p.connect(socket_path_, 2, 8000));
  EXPECT_TRUE(run_until([&] { return p.state() == VirtualPhone::State::closed; }, 2000));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].json(), R"({"event":"closed","reason":"refused: jack 2 is \"taken\""})");

  VirtualPhone q(loop_);
  Status st = q.connect(dir_ + "/nothing.sock", 1, 8000);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("nothing.sock"), std::string::npos);
  EXPECT_FALSE(q.connect(socket_path_, 1, 11025));
}

TEST_F(VirtualPhoneTest, OwsipHangingUpIsReported) {
  auto p = phone();
  daemon_->hang_up();
  EXPECT_TRUE(run_until([&] { return !p->connected(); }, 2000));
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back().json(), R"({"event":"closed","reason":"connection closed by owsip"})");
}

TEST_F(VirtualPhoneTest, FramesArriveEveryTwentyMilliseconds) {
  for (int rate : {8000, 16000}) {
    SCOPED_TRACE(rate);
    daemon_ = std::make_unique<FakeDaemon>(socket_path_);
    daemon_->listen();
    auto p = phone(rate);
    const uint64_t start = daemon_->frame_us.empty() ? now_us() : daemon_->frame_us[0];
    run_for(1000);
    const auto& t = daemon_->frame_us;
    // Frames counted over the second after the first: 50 of them, give or take where the
    // window edges fall and a loaded machine (CI runs the sanitizer build beside this); a
    // clock that drifted or double-sent would be far outside.
    size_t in_window = 0;
    for (uint64_t us : t)
      if (us > start + 10000 && us <= start + 1010000) ++in_window;
    EXPECT_GE(in_window, 46u);
    EXPECT_LE(in_window, 52u);
    // Each 20 ms apart on average, none far off.
    ASSERT_GE(t.size(), 40u);
    const double mean = double(t.back() - t.front()) / double(t.size() - 1) / 1000.0;
    EXPECT_NEAR(mean, 20.0, 1.0);
    for (size_t i = 1; i < t.size(); ++i) EXPECT_LT(t[i] - t[i - 1], 100000u) << "frame " << i;
    for (size_t n : daemon_->frame_sizes) ASSERT_EQ(n, frame_samples(rate));
    // On hook: silence.
    for (int16_t s : daemon_->mic) ASSERT_EQ(s, 0);
    // The daemon answers every frame; the answer to the last one may still be on its way.
    EXPECT_LE(p->frames_received(), p->frames_sent());
    EXPECT_GE(p->frames_received() + 1, p->frames_sent());
    EXPECT_LE(p->frames_skipped(), 2u);  // only a scheduling hiccup of > 60 ms skips one
  }
}

// Busy-waits, as a loop stalled by slow work would.
void stall(uint64_t ms) {
  const uint64_t until = now_us() + ms * 1000;
  while (now_us() < until) {
  }
}

TEST_F(VirtualPhoneTest, FrameClockKeepsAbsoluteTimeWhenTheLoopStalls) {
  auto p = phone();
  ASSERT_TRUE(run_until([&] { return !daemon_->frame_us.empty(); }, 500));
  const uint64_t t0 = daemon_->frame_us[0];
  // 25 ms stalls every 100 ms: a clock that scheduled each frame relative to the last would
  // lose a frame at nearly every stall.
  Timer staller(loop_);
  std::function<void()> again = [&] {
    stall(25);
    staller.start(100, again);
  };
  staller.start(50, again);
  run_for(1000);
  staller.cancel();
  size_t by_1s = 0;
  for (uint64_t us : daemon_->frame_us)
    if (us <= t0 + 1000000 + 2000) ++by_1s;
  // Frames 0..50 are due by t0 + 1 s; relative scheduling would have sent about 41. The margin
  // is for a loaded machine.
  EXPECT_GE(by_1s, 48u);
  EXPECT_LE(by_1s, 52u);
  EXPECT_LE(p->frames_skipped(), 2u);

  // A long stall: at most 3 late frames are caught up, the rest skipped (no burst).
  const size_t before = daemon_->frame_us.size();
  stall(200);
  run_for(60);
  EXPECT_GE(p->frames_skipped(), 5u);
  EXPECT_LE(p->frames_skipped(), 10u);
  EXPECT_LE(daemon_->frame_us.size() - before, 4u + 3u);
}

TEST_F(VirtualPhoneTest, HookSwitchFlashAndWaitInOrder) {
  auto p = phone();
  p->offhook();
  p->offhook();  // already off hook: nothing more
  p->flash(100);
  p->wait(200);
  p->onhook();
  p->flash();  // on hook: an error, no message
  EXPECT_TRUE(run_until([&] { return p->idle(); }, 2000));
  run_for(50);
  const auto& h = daemon_->hooks;
  ASSERT_EQ(h.size(), 4u);
  EXPECT_TRUE(h[0].off);
  EXPECT_FALSE(h[1].off);
  EXPECT_TRUE(h[2].off);
  EXPECT_FALSE(h[3].off);
  const double flash_ms = double(h[2].us - h[1].us) / 1000;
  // Measured where owsip receives the messages: scheduling moves each by a few ms either way.
  EXPECT_GE(flash_ms, 90);
  EXPECT_LE(flash_ms, 130);
  EXPECT_GE(double(h[3].us - h[2].us) / 1000, 199);
  auto errors = of_kind(PhoneEvent::Kind::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].json(), R"({"event":"error","message":"flash while on hook: ignored"})");
  EXPECT_FALSE(p->off_hook());
}

TEST_F(VirtualPhoneTest, PulseDiallingTimes305) {
  auto p = phone();
  p->offhook();
  ASSERT_TRUE(p->pulse("305"));
  EXPECT_FALSE(p->pulse("12a"));
  // 3 + 10 + 5 breaks after the first K1.
  EXPECT_TRUE(run_until([&] { return daemon_->hooks.size() >= 1 + 2 * 18; }, 4500));
  const auto& h = daemon_->hooks;
  ASSERT_EQ(h.size(), 1u + 2 * 18);
  std::vector<int> digits;
  int pulses = 0;
  for (size_t i = 1; i + 1 < h.size(); i += 2) {
    ASSERT_FALSE(h[i].off);
    ASSERT_TRUE(h[i + 1].off);
    const double brk = double(h[i + 1].us - h[i].us) / 1000;
    EXPECT_NEAR(brk, 60, 12) << "break " << i / 2;
    ++pulses;
    if (i + 2 < h.size()) {
      const double make = double(h[i + 2].us - h[i + 1].us) / 1000;
      if (make > 300) {
        EXPECT_NEAR(make, 700, 20) << "between digits";
        digits.push_back(pulses);
        pulses = 0;
      } else {
        EXPECT_NEAR(make, 40, 12) << "make " << i / 2;
      }
    }
  }
  digits.push_back(pulses);
  EXPECT_EQ(digits, (std::vector<int>{3, 10, 5}));
}

TEST_F(VirtualPhoneTest, DtmfDigitsAreHeardByOwsip) {
  for (int rate : {8000, 16000}) {
    SCOPED_TRACE(rate);
    daemon_ = std::make_unique<FakeDaemon>(socket_path_);
    daemon_->listen();
    events_.clear();
    auto p = phone(rate);
    ASSERT_TRUE(p->dtmf("15"));  // on hook: refused when it runs
    p->offhook();
    ASSERT_TRUE(p->dtmf("9#d"));
    EXPECT_FALSE(p->dtmf("12x"));
    bool finished = false;
    p->then([&] { finished = true; });
    EXPECT_TRUE(run_until([&] { return finished; }, 2000));
    run_for(60);
    EXPECT_EQ(dtmf_digits(daemon_->mic, rate), "9#D");
    auto errors = of_kind(PhoneEvent::Kind::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].text.find("on hook"), std::string::npos);
  }
}

}  // namespace
}  // namespace owsip::line::sim
