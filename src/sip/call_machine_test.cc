// The SIP call's declared states on a fake dialog: what the machine tells the port, the
// switchboard and the call record for each step, and every (state, event) pair.

#include "sip/call_machine.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "fakes/fake_timer_queue.h"

namespace owsip::sip {
namespace {

// Records what the machine asks for, as the far end's and the port's view of the call.
class FakeDialog final : public CallDialog {
 public:
  void state_changed(CallState, CallState to) override {
    log.push_back("state " + std::string(call_state_name(to)));
  }
  void tell_progress(int code, bool early) override {
    log.push_back("progress " + std::to_string(code) + (early ? " early" : ""));
  }
  void tell_answered() override {
    ++answers;
    log.push_back("answered");
  }
  void tell_ended(const CallEventArg& how, CallState from, bool was_offered) override {
    ++ends;
    log.push_back("ended " + std::to_string(how.code) + " " + how.cause + " from " +
                  std::string(call_state_name(from)) + (was_offered ? " withdraw" : ""));
  }
  std::vector<std::string> log;
  int answers = 0;
  int ends = 0;
};

using Log = std::vector<std::string>;

class CallMachineTest : public ::testing::Test {
 protected:
  testing::FakeTimerQueue timers;
  FakeDialog dialog;
};

TEST_F(CallMachineTest, OutgoingRingsThenAnswersThenHoldsThenEnds) {
  CallMachine m(dialog, timers, "call1", false);
  EXPECT_EQ(m.record_state(), "calling");
  EXPECT_TRUE(m.progress(180, false));
  EXPECT_TRUE(m.progress(183, true));
  EXPECT_TRUE(m.progress(180, false));  // early media, once flowing, stays
  EXPECT_EQ(m.record_state(), "early");
  EXPECT_TRUE(m.answered_now());
  EXPECT_TRUE(m.answered());
  EXPECT_TRUE(m.hold(true));
  EXPECT_EQ(m.record_state(), "held");
  EXPECT_FALSE(m.hold(true)) << "already held";
  EXPECT_TRUE(m.hold(false));
  EXPECT_TRUE(m.end({.code = 0, .cause = "remote hangup", .remote_hangup = true}));
  EXPECT_FALSE(m.end({.code = 500, .cause = "again"})) << "a call ends once";
  EXPECT_EQ(dialog.log, (Log{"state RINGING", "progress 180", "state EARLY", "progress 183 early",
                             "state EARLY", "progress 180 early", "state CONNECTED", "answered",
                             "state HELD", "state CONNECTED", "state ENDED",
                             "ended 0 remote hangup from CONNECTED"}));
}

TEST_F(CallMachineTest, IncomingCancelledWhileRingingIsWithdrawnFromTheSwitchboard) {
  CallMachine m(dialog, timers, "call2", true);
  EXPECT_EQ(m.record_state(), "offered");
  EXPECT_FALSE(m.offered()) << "not before the 180";
  EXPECT_FALSE(m.progress(180, false)) << "an incoming call hears no progress";
  EXPECT_TRUE(m.ring());
  EXPECT_TRUE(m.offered());
  m.end({.code = 0, .cause = "cancelled"});
  EXPECT_EQ(dialog.log.back(), "ended 0 cancelled from RINGING withdraw");
}

TEST_F(CallMachineTest, IncomingRefusedByTheSwitchboardIsNotWithdrawnAgain) {
  CallMachine m(dialog, timers, "call3", true);
  m.ring();
  m.end({.code = 480, .cause = "not answered", .by_switchboard = true});
  EXPECT_EQ(dialog.log.back(), "ended 480 not answered from RINGING");
}

TEST_F(CallMachineTest, IncomingAnsweredThenTheAckChangesNothing) {
  CallMachine m(dialog, timers, "call4", true);
  m.ring();
  EXPECT_TRUE(m.answered_now());
  EXPECT_FALSE(m.offered());
  EXPECT_TRUE(m.answered_now());  // the ACK
  EXPECT_EQ(dialog.answers, 1);
  EXPECT_EQ(m.record_state(), "connected");
}

// Every (state, event) pair: after each, the dialog heard exactly one end if and only if
// the call ended, at most one answer, and the state agrees with what it was told.
TEST_F(CallMachineTest, EveryEventInEveryStateKeepsTheCallConsistent) {
  struct Recipe {
    CallState state;
    bool incoming;
    std::function<void(CallMachine&)> steps;
  };
  const std::vector<Recipe> recipes = {
      {CallState::offered, true, [](CallMachine&) {}},
      {CallState::calling, false, [](CallMachine&) {}},
      {CallState::ringing, true, [](CallMachine& m) { m.ring(); }},
      {CallState::early, false, [](CallMachine& m) { m.progress(183, true); }},
      {CallState::connected, false, [](CallMachine& m) { m.progress(180, false), m.answered_now(); }},
      {CallState::held, true, [](CallMachine& m) { m.ring(), m.answered_now(), m.hold(true); }},
      {CallState::ended, false, [](CallMachine& m) { m.end({.code = 486, .cause = "busy"}); }},
  };
  ASSERT_EQ(recipes.size(), call_fsm_spec().states.size());
  const std::vector<std::pair<CallEvent, std::function<void(CallMachine&)>>> events = {
      {CallEvent::ring, [](CallMachine& m) { m.ring(); }},
      {CallEvent::progress, [](CallMachine& m) { m.progress(183, true); }},
      {CallEvent::answered, [](CallMachine& m) { m.answered_now(); }},
      {CallEvent::hold, [](CallMachine& m) { m.hold(true); }},
      {CallEvent::resume, [](CallMachine& m) { m.hold(false); }},
      {CallEvent::end, [](CallMachine& m) { m.end({.code = 0, .cause = "local hangup"}); }},
  };
  ASSERT_EQ(events.size(), static_cast<size_t>(CallEvent::end) + 1);
  for (const auto& r : recipes) {
    for (const auto& [event, deliver] : events) {
      SCOPED_TRACE(std::string(call_state_name(r.state)) + " + " +
                   std::string(call_event_name(event)));
      FakeDialog d;
      CallMachine m(d, timers, "call", r.incoming);
      r.steps(m);
      ASSERT_EQ(m.state(), r.state);
      deliver(m);
      const bool talking = m.state() == CallState::connected || m.state() == CallState::held;
      EXPECT_EQ(d.ends, m.ended() ? 1 : 0);
      EXPECT_LE(d.answers, 1);
      EXPECT_TRUE(!talking || m.answered()) << "connected without an answer";
      EXPECT_EQ(m.offered(), r.incoming && m.state() == CallState::ringing);
      EXPECT_EQ(m.record_state() == "ended", m.ended());
      m.end({.code = 0, .cause = "end of test"});
      EXPECT_TRUE(m.ended());
      EXPECT_EQ(d.ends, 1) << "told of the end once";
    }
  }
}

}  // namespace
}  // namespace owsip::sip
