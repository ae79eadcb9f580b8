#include "line/soft_ringer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes/fake_timer_queue.h"

namespace owsip::line {
namespace {

using dsp::CidStep;
using Kind = CidStep::Kind;

class Recorder : public SoftRinger::Output {
 public:
  explicit Recorder(testing::FakeTimerQueue& q) : q_(q) {}
  void ring_voltage(bool on) override { log("R" + std::string(on ? "1" : "0")); }
  void polarity(bool reversed) override { log(reversed ? "rev" : "norm"); }
  void play_cid_audio(const std::vector<int16_t>& pcm) override {
    log("audio" + std::to_string(pcm.size()));
  }
  void answered_during_cid() override { log("answered"); }
  std::vector<std::string> events;

 private:
  void log(const std::string& what) { events.push_back(std::to_string(q_.now() - t0) + " " + what); }
  testing::FakeTimerQueue& q_;
  uint64_t t0 = q_.now();
};

using Events = std::vector<std::string>;
const RingCadence kGerman = {{1000, 4000}, 2};

CidStep step(Kind k, uint32_t ms, size_t samples = 0) {
  CidStep s;
  s.kind = k;
  s.ms = ms;
  s.pcm.resize(samples);
  return s;
}

TEST(SoftRinger, PlainCadenceRepeats) {
  testing::FakeTimerQueue q;
  Recorder out(q);
  SoftRinger r(q, out, kGerman);
  r.ring({});
  q.advance(10500);
  EXPECT_EQ(out.events, (Events{"0 R1", "1000 R0", "5000 R1", "6000 R0", "10000 R1"}));
  EXPECT_TRUE(r.ringing());
  r.stop();
  EXPECT_EQ(out.events.back(), "10500 R0");
  EXPECT_FALSE(r.active());
}

TEST(SoftRinger, DataAfterTheFirstRingRunsInsideTheFirstPause) {
  testing::FakeTimerQueue q;
  Recorder out(q);
  SoftRinger r(q, out, kGerman);
  // telecordia-like: first ring, 500 ms wait, 1200 ms of FSK, then the cadence resumes.
  r.ring({step(Kind::ring, 1000), step(Kind::silence, 500), step(Kind::audio, 1200, 9600)});
  q.advance(6000);
  EXPECT_EQ(out.events, (Events{"0 R1", "1000 R0", "1500 audio9600", "5000 R1", "6000 R0"}));
}

TEST(SoftRinger, ReversalAlertBeforeTheFirstRing) {
  testing::FakeTimerQueue q;
  Recorder out(q);
  SoftRinger r(q, out, kGerman);
  r.ring({step(Kind::polarity_reverse, 0), step(Kind::silence, 100), step(Kind::audio, 800, 6400),
          step(Kind::polarity_normal, 0), step(Kind::silence, 200), step(Kind::ring, 1000)});
  q.advance(6200);
  EXPECT_EQ(out.events, (Events{"0 rev", "100 audio6400", "900 norm", "1100 R1", "2100 R0",
                                "6100 R1"}));
}

TEST(SoftRinger, NttWaitsForThePhonesPrimaryResponse) {
  testing::FakeTimerQueue q;
  Recorder out(q);
  SoftRinger r(q, out, kGerman);
  r.ring({step(Kind::polarity_reverse, 0), step(Kind::ring_until_offhook, 6000),
          step(Kind::audio, 1000, 8000), step(Kind::await_onhook, 3000),
          step(Kind::polarity_normal, 0), step(Kind::ring, 1000)});
  q.advance(700);
  ASSERT_TRUE(r.wants_hook());
  r.hook(true);  // primary response: not an answer
  q.advance(1000);
  ASSERT_TRUE(r.wants_hook());
  r.hook(false);
  q.advance(1000);
  EXPECT_EQ(out.events, (Events{"0 rev", "0 R1", "500 R0", "700 audio8000", "1700 norm",
                                "1700 R1", "2700 R0"}));
}

TEST(SoftRinger, NttPhoneThatStaysOffHookHasAnswered) {
  testing::FakeTimerQueue q;
  Recorder out(q);
  SoftRinger r(q, out, kGerman);
  r.ring({step(Kind::ring_until_offhook, 6000), step(Kind::await_onhook, 3000),
          step(Kind::ring, 1000)});
  r.hook(true);
  q.advance(3000);
  EXPECT_EQ(out.events.back(), "3000 answered");
  EXPECT_FALSE(r.active());
}

TEST(SoftRinger, OffHookDataOnlyAfterTheAcknowledgement) {
  testing::FakeTimerQueue q;
  Recorder out(q);
  SoftRinger r(q, out, kGerman);
  auto plan = std::vector<CidStep>{step(Kind::audio, 80, 640), step(Kind::await_ack, 160),
                                   step(Kind::audio, 600, 4800)};
  r.offhook_cid(plan);
  q.advance(100);
  ASSERT_TRUE(r.wants_digit());
  r.digit('5');  // not an acknowledgement
  r.digit('D');
  q.advance(1000);
  EXPECT_EQ(out.events, (Events{"0 audio640", "100 audio4800"}));
  EXPECT_FALSE(r.active());

  out.events.clear();
  r.offhook_cid(plan);  // a phone without caller ID never acknowledges: no data
  q.advance(1000);
  EXPECT_EQ(out.events.size(), 1u);
}

}  // namespace
}  // namespace owsip::line
