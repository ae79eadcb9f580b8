// Every (state, event) pair of the port's table: the port is brought into each state the way
// a phone and a far end would bring it there, then handed each event, then the phone goes on
// (on-hook, off-hook, flash, a digit, on-hook, an administrator's hang-up). After every step
// nothing may have crashed and the state must match the calls the port holds
// (Port::inconsistency) and what the phone hears (a ringing bell only in RINGING and RECALL,
// silence in IDLE).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes/port_scenario.h"

namespace owsip::phone {

// Delivers raw events, as the call layer's observers and the state timers do.
struct PortProbe {
  static void dispatch(Port& p, PortEvent e, char arg = 0) { p.fsm_.dispatch(e, arg); }
};

namespace {

using testing_support::Scenario;

struct Recipe {
  PortState state;
  std::vector<std::string> steps;
};

const std::vector<std::string> kInCall = {"p1 offhook", "offhook", "dial 5551234", "peer 200"};
const std::vector<std::string> kWaiting = {"p1 offhook", "offhook", "dial 5551234", "peer 200",
                                           "incoming 5550006 Bob"};

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// How each state is reached (port 0; port 1 is off hook where only port 0 may be offered).
const std::vector<Recipe>& recipes() {
  static const std::vector<Recipe> r = {
      {PortState::idle, {}},
      {PortState::dial_tone, {"offhook"}},
      {PortState::dialing, {"offhook", "dial 5"}},
      {PortState::congestion, {"offhook", "dial 1", "wait 4000"}},
      {PortState::parked, {"offhook", "dial 1", "wait 4000", "wait 30000"}},
      {PortState::calling, {"offhook", "dial 5551234"}},
      {PortState::ringback, {"offhook", "dial 5551234", "peer 180"}},
      {PortState::early_media, {"offhook", "dial 5551234", "peer 183"}},
      {PortState::connected, kInCall},
      {PortState::busy, {"offhook", "dial 5551234", "peer 486"}},
      {PortState::ringing, {"p1 offhook", "incoming 5550006 Bob"}},
      {PortState::waiting, kWaiting},
      {PortState::two_calls, plus(kWaiting, {"flash"})},
      {PortState::holding, plus(kWaiting, {"flash", "peer c2 bye"})},
      {PortState::recall, plus(kWaiting, {"flash", "onhook"})},
      {PortState::confirm, {"offhook", "dial *78"}},
      {PortState::hold_dial_tone, plus(kInCall, {"flash"})},
      {PortState::hold_dialing, plus(kInCall, {"flash", "dial 5"})},
      {PortState::consult_calling, plus(kInCall, {"flash", "dial 5559876"})},
      {PortState::consulting, plus(kInCall, {"flash", "dial 5559876", "peer 200"})},
      {PortState::transferring, plus(kInCall, {"flash", "dial 5559876", "peer 200", "onhook"})},
      {PortState::conference, plus(kInCall, {"flash", "dial 5559876", "peer 200", "flash"})},
  };
  return r;
}

constexpr PortEvent kEvents[] = {
    PortEvent::off_hook,    PortEvent::on_hook,      PortEvent::flash,
    PortEvent::digit,       PortEvent::timeout,      PortEvent::ringing,
    PortEvent::early_media, PortEvent::answered,     PortEvent::busy,
    PortEvent::failed,      PortEvent::remote_hangup, PortEvent::incoming,
    PortEvent::withdrawn,   PortEvent::held_hangup,  PortEvent::transfer,
    PortEvent::transfer_failed, PortEvent::transfer_done, PortEvent::admin_hangup,
    PortEvent::line_lost,   PortEvent::reload,
};
static_assert(std::size(kEvents) == static_cast<size_t>(PortEvent::reload) + 1,
              "every event of the table is walked");

// "" or what is wrong with port 0 now.
std::string check(Scenario& s) {
  Port& port = s.port(0);
  std::string err = port.inconsistency();
  if (!err.empty()) return err;
  const bool rings = s.line(0).ringing();
  const bool may_ring = port.state() == PortState::ringing || port.state() == PortState::recall;
  if (rings && !may_ring) return std::string(port.state_name()) + ": the bell still rings";
  if (!rings && may_ring) return std::string(port.state_name()) + ": the bell does not ring";
  if (port.state() == PortState::idle && !s.line(0).tone.empty())
    return "IDLE: the phone hears " + s.line(0).tone;
  return "";
}

// Hands port 0 the event through the entry point that produces it in owsip.
void deliver(Scenario& s, PortEvent e) {
  Port& port = s.port(0);
  auto& line = s.line(0);
  switch (e) {
    case PortEvent::off_hook: return line.inject(line::LineEvent::hook(true));
    case PortEvent::on_hook: return line.inject(line::LineEvent::hook(false));
    case PortEvent::flash: return line.inject(line::LineEvent::flash_event());
    case PortEvent::digit: return line.inject(line::LineEvent::digit_event('5', false));
    case PortEvent::incoming: return s.calls().incoming(s.board(), "5550009", "Eve", "home");
    case PortEvent::withdrawn:
      if (port.offered()) {
        s.calls().cancel_incoming(s.board());
        return;
      }
      return PortProbe::dispatch(port, e);
    case PortEvent::admin_hangup: return port.hang_up();
    case PortEvent::line_lost: return port.on_line_event({line::LineEvent::Kind::lost});
    default: return PortProbe::dispatch(port, e);  // the call layer, the state's timer
  }
}

class PortEveryEvent : public ::testing::TestWithParam<size_t> {};

TEST_P(PortEveryEvent, EveryEventInThisStateLeavesAConsistentPort) {
  const Recipe& recipe = recipes()[GetParam()];
  for (PortEvent e : kEvents) {
    SCOPED_TRACE(std::string(port_event_name(e)));
    Scenario s;
    for (const auto& step : recipe.steps) ASSERT_EQ(s.step(step), "") << step;
    ASSERT_EQ(s.port(0).state(), recipe.state) << s.port(0).state_name();
    ASSERT_EQ(check(s), "") << "before the event";
    deliver(s, e);
    EXPECT_EQ(check(s), "") << "after the event";
    // The phone goes on; then the administrator hangs up, then the phone hangs up.
    for (const char* next : {"onhook", "offhook", "flash", "dial 5", "onhook", "hangup",
                             "offhook", "hangup", "onhook"}) {
      ASSERT_EQ(s.step(next), "") << next;
      EXPECT_EQ(check(s), "") << "after " << next;
    }
    // A port that was hung up and put on hook is idle and silent, or rings for a call.
    const PortState end = s.port(0).state();
    EXPECT_TRUE(end == PortState::idle || end == PortState::ringing) << s.port(0).state_name();
  }
}

INSTANTIATE_TEST_SUITE_P(States, PortEveryEvent, ::testing::Range<size_t>(0, 22),
                         [](const auto& i) {
                           const auto s = static_cast<size_t>(recipes()[i.param].state);
                           return std::string(port_fsm_spec().states[s].name);
                         });

TEST(PortEveryEventRecipes, CoverEveryState) {
  ASSERT_EQ(recipes().size(), port_fsm_spec().states.size());
  for (size_t i = 0; i < recipes().size(); ++i)
    EXPECT_EQ(static_cast<size_t>(recipes()[i].state), i);
}

}  // namespace
}  // namespace owsip::phone
