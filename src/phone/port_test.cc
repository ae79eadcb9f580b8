// The port state machine, driven by scripted line events on a fake clock; the expected
// behaviour is the transcript of what the line was told and of the FSM's log.

#include "phone/port.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/log.h"
#include "fakes/fake_call_control.h"
#include "fakes/fake_line.h"
#include "fakes/fake_timer_queue.h"

namespace owsip::phone {
namespace {

using line::LineEvent;

config::Account account(const char* key) {
  config::Account a;
  a.key = key;
  a.realm = "r";
  a.username = "u";
  a.password = "p";
  return a;
}
using Lines = std::vector<std::string>;

// Port section `id` with what `set` changes.
template <class F>
config::Port port_section(int id, F set) {
  config::Port p;
  p.key = "port" + std::to_string(id);
  p.id = id;
  set(p);
  return p;
}

class PortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::kInfo);
    log::set_capture([this](int, const std::string& l) { log_.push_back(l); });
    line_.set_event_handler([this](const LineEvent& e) { port_.on_line_event(e); });
  }
  void TearDown() override {
    log::set_capture(nullptr);
    log::set_level(log::kErr);
  }
  void dial(const std::string& digits) {
    for (char d : digits) line_.inject(LineEvent::digit_event(d, false));
  }
  bool logged(const std::string& line) const {
    return std::find(log_.begin(), log_.end(), line) != log_.end();
  }
  Lines take_commands() {
    Lines c = std::move(line_.commands);
    line_.commands.clear();
    return c;
  }

  testing::FakeTimerQueue queue_;
  TimerValues timers_;
  testing::FakeLine line_{1};
  testing::FakeCallControl calls_;  // before the port, which may hold its calls
  Port port_{line_, {}, queue_, timers_};
  Lines log_;
};

TEST_F(PortTest, OffHookDialToneFirstDigitStopsIt) {
  line_.inject(LineEvent::hook(true));
  EXPECT_EQ(port_.state(), PortState::dial_tone);
  EXPECT_EQ(take_commands(), Lines{"tone dial"});
  dial("5");
  EXPECT_EQ(port_.state(), PortState::dialing);
  EXPECT_EQ(take_commands(), Lines{"stop_tone"});
  EXPECT_EQ(log_, (Lines{"port1{IDLE}: event OFF_HOOK", "port1{IDLE}: -> DIAL_TONE",
                         "port1{DIAL_TONE}: event DIGIT '5'", "port1{DIAL_TONE}: -> DIALING"}));
}

TEST_F(PortTest, HashEndsTheNumberAndTheCallIsPlaced) {
  config::Telephony cfg;
  cfg.accounts.push_back(account("a"));
  DialPlan plan(cfg);
  port_.set_dial_plan(&plan);
  port_.set_call_control(&calls_);
  line_.inject(LineEvent::hook(true));
  dial("0301234#");
  EXPECT_EQ(calls_.log, Lines{"invite 0301234@a"});
  EXPECT_EQ(port_.state(), PortState::calling);
}

TEST_F(PortTest, AUniqueContactCodeDialsWithoutWaiting) {
  config::Telephony cfg;
  cfg.accounts.push_back(account("a"));
  config::Contact c;
  c.key = c.code = "example";
  c.desc = "Ex";
  c.dial = "0123";
  c.type = "realm";
  cfg.contacts.push_back(c);
  DialPlan plan(cfg);
  port_.set_dial_plan(&plan);
  port_.set_call_control(&calls_);
  line_.inject(LineEvent::hook(true));
  dial("*3926753");
  EXPECT_EQ(calls_.log, Lines{"invite 0123@a"});
}

TEST_F(PortTest, ANumberTheDialPlanRefusesGivesCongestionAtOnce) {
  config::Telephony cfg;
  cfg.general.dialplan = "[2-9]xx";
  cfg.accounts.push_back(account("a"));
  DialPlan plan(cfg);
  port_.set_dial_plan(&plan);
  line_.inject(LineEvent::hook(true));
  dial("0");
  EXPECT_EQ(port_.state(), PortState::congestion);
  EXPECT_EQ(log_.back(), "port1{DIALING}: -> CONGESTION");
}

TEST_F(PortTest, AKeyThatMayBecomeAnEmergencyNumberIsNotRefused) {
  config::Telephony cfg;  // locale germany: 110 and 112
  cfg.general.dialplan = "[2-9]xx";
  cfg.accounts.push_back(account("a"));
  DialPlan plan(cfg);
  port_.set_dial_plan(&plan);
  port_.set_call_control(&calls_);
  line_.inject(LineEvent::hook(true));
  dial("11");
  EXPECT_EQ(port_.state(), PortState::dialing);
  dial("2");
  EXPECT_EQ(calls_.log, Lines{"invite 112@a shown"});
  EXPECT_TRUE(logged("port1: dialled 112 (emergency number)"));
}

TEST_F(PortTest, ACompleteNumberThatCouldGoOnLeavesOnTheShortPause) {
  config::Telephony cfg;
  cfg.general.dialplan = "0xx.|0900x.!";
  cfg.accounts.push_back(account("a"));
  DialPlan plan(cfg);
  port_.set_dial_plan(&plan);
  port_.set_call_control(&calls_);
  line_.inject(LineEvent::hook(true));
  dial("030");
  queue_.advance(timers_.ms("interdigit_short") - 1);
  EXPECT_TRUE(calls_.log.empty());
  queue_.advance(1);
  EXPECT_EQ(calls_.log, Lines{"invite 030@a"});
}

TEST_F(PortTest, ABarredAlternativeGivesCongestionAtOnce) {
  config::Telephony cfg;
  cfg.general.dialplan = "0xx.|0900x.!";
  cfg.accounts.push_back(account("a"));
  DialPlan plan(cfg);
  port_.set_dial_plan(&plan);
  port_.set_call_control(&calls_);
  line_.inject(LineEvent::hook(true));
  dial("0900");
  EXPECT_EQ(port_.state(), PortState::congestion);
  EXPECT_TRUE(calls_.log.empty());
  EXPECT_TRUE(logged("port1: 0900: 0900 is barred by the dial plan"));
}

TEST_F(PortTest, InterDigitTimeoutEndsTheNumberNoRouteGivesCongestion) {
  line_.inject(LineEvent::hook(true));
  dial("12");
  queue_.advance(3999);
  EXPECT_EQ(port_.state(), PortState::dialing);
  queue_.advance(1);
  EXPECT_EQ(port_.state(), PortState::congestion);
  EXPECT_EQ(port_.number(), "12");
  EXPECT_EQ(take_commands(), (Lines{"tone dial", "stop_tone", "tone congestion"}));
  queue_.advance(30000);  // off-hook warning: the tone ends, the port waits for on-hook
  EXPECT_EQ(port_.state(), PortState::parked);
  line_.inject(LineEvent::hook(false));
  EXPECT_EQ(port_.state(), PortState::idle);
}

TEST_F(PortTest, NoDigitAfterDialToneTimeout) {
  line_.inject(LineEvent::hook(true));
  queue_.advance(15000);
  EXPECT_EQ(port_.state(), PortState::congestion);
}

TEST_F(PortTest, HashFirstIsADigitNotTheEnd) {
  line_.inject(LineEvent::hook(true));
  dial("#1");
  EXPECT_EQ(port_.number(), "#1");
  EXPECT_EQ(port_.state(), PortState::dialing);
}

TEST_F(PortTest, NodialPortWithoutADialPlanHearsCongestion) {
  port_.set_options({.nodial = true});
  line_.inject(LineEvent::hook(true));
  EXPECT_EQ(port_.state(), PortState::congestion);
  EXPECT_EQ(take_commands(), Lines{"tone congestion"});
}

TEST_F(PortTest, NodialPortDialsOnlyEmergencyNumbers) {
  config::Telephony cfg;
  cfg.accounts.push_back(account("a"));
  cfg.ports.push_back(port_section(1, [](config::Port& p) { p.nodial = true; }));
  DialPlan plan(cfg);
  port_.set_options({.nodial = true});
  port_.set_dial_plan(&plan);
  port_.set_call_control(&calls_);
  line_.inject(LineEvent::hook(true));
  EXPECT_EQ(take_commands(), Lines{"tone dial"});
  dial("112");  // at once, no '#' nor pause
  EXPECT_EQ(calls_.log, Lines{"invite 112@a shown"});  // never hidden
  line_.inject(LineEvent::hook(false));
  line_.inject(LineEvent::hook(true));
  dial("0");
  EXPECT_EQ(port_.state(), PortState::congestion);
  EXPECT_TRUE(logged("port1: 0: port 1 is nodial: only emergency numbers"));
  EXPECT_EQ(calls_.log, (Lines{"invite 112@a shown", "cancel"}));
}

TEST_F(PortTest, HotlineDialsAtOnceWithoutDialTone) {
  config::Telephony cfg;
  cfg.accounts.push_back(account("a"));
  cfg.ports.push_back(port_section(1, [](config::Port& p) { p.hotline = "0301234"; }));
  DialPlan plan(cfg);
  port_.set_dial_plan(&plan);
  port_.set_call_control(&calls_);
  line_.inject(LineEvent::hook(true));
  queue_.advance(0);
  EXPECT_EQ(calls_.log, Lines{"invite 0301234@a"});
  EXPECT_EQ(port_.state(), PortState::calling);
  EXPECT_EQ(take_commands(), Lines{"stop_tone"});  // no dial tone
}

TEST_F(PortTest, WarmLineDialsAfterItsDelayUnlessAKeyComesFirst) {
  config::Telephony cfg;
  cfg.accounts.push_back(account("a"));
  cfg.ports.push_back(port_section(1, [](config::Port& p) {
    p.hotline = "**2";
    p.hotline_delay = 5;
  }));
  DialPlan plan(cfg);
  port_.set_dial_plan(&plan);
  port_.set_call_control(&calls_);
  line_.inject(LineEvent::hook(true));
  EXPECT_EQ(take_commands(), Lines{"tone dial"});
  queue_.advance(4999);
  EXPECT_TRUE(calls_.log.empty());
  queue_.advance(1);
  EXPECT_EQ(calls_.log, Lines{"invite internal 1"});
  line_.inject(LineEvent::hook(false));
  // A key within the delay: an ordinary call.
  line_.inject(LineEvent::hook(true));
  queue_.advance(4000);
  dial("0301234#");
  queue_.advance(10000);
  EXPECT_EQ(calls_.log, (Lines{"invite internal 1", "cancel", "invite 0301234@a"}));
}

TEST_F(PortTest, EventsAStateDoesNotAcceptAreRefusedAndLogged) {
  dial("5");  // digits while on hook
  EXPECT_EQ(port_.state(), PortState::idle);
  EXPECT_EQ(log_, Lines{"port1{IDLE}: event DIGIT not permitted, ignored"});
}

TEST_F(PortTest, HangingUpAnywhereReturnsToIdleAndSilence) {
  line_.inject(LineEvent::hook(true));
  dial("12");
  line_.inject(LineEvent::hook(false));
  EXPECT_EQ(port_.state(), PortState::idle);
  EXPECT_EQ(take_commands().back(), "stop_tone");
  EXPECT_EQ(port_.number(), "");
}

TEST_F(PortTest, ConfiguredTimersApply) {
  TimerValues t;
  t.set("interdigit", 1000);
  port_.set_timer_values(t);
  line_.inject(LineEvent::hook(true));
  dial("7");
  queue_.advance(1000);
  EXPECT_EQ(port_.state(), PortState::congestion);
}

TEST_F(PortTest, MessageWaitingLightsTheIdlePhoneAndGivesStutterDialTone) {
  port_.set_message_waiting(true);
  EXPECT_EQ(take_commands(), Lines{"mwi on"});
  EXPECT_TRUE(logged("port1: messages waiting: yes"));
  port_.set_message_waiting(true);  // no change: the phone is not told again
  EXPECT_EQ(take_commands(), Lines{});
  line_.inject(LineEvent::hook(true));
  EXPECT_EQ(take_commands(), Lines{"tone stutter_dial"});
  // Cleared while the phone is off hook: told once it is back on hook for 2 s.
  port_.set_message_waiting(false);
  EXPECT_EQ(take_commands(), Lines{});
  line_.inject(LineEvent::hook(false));
  take_commands();
  queue_.advance(1999);
  EXPECT_EQ(take_commands(), Lines{});
  queue_.advance(1);
  EXPECT_EQ(take_commands(), Lines{"mwi off"});
  line_.inject(LineEvent::hook(true));
  EXPECT_EQ(take_commands(), Lines{"tone dial"});
}

TEST_F(PortTest, TheVoicemailCodeDialsTheAccountsVoicemailNumber) {
  config::Telephony cfg;
  cfg.accounts.push_back(account("a"));
  DialPlan plan(cfg);
  Services services(cfg.features);
  port_.set_services(&services);
  port_.set_dial_plan(&plan);
  port_.set_call_control(&calls_);
  line_.inject(LineEvent::hook(true));
  dial("*97");  // no voicemail number on the account
  EXPECT_EQ(port_.state(), PortState::congestion);
  EXPECT_TRUE(logged("port1: voicemail: the port's account has no voicemail number"));
  line_.inject(LineEvent::hook(false));
  cfg.accounts[0].voicemail = "5500";
  DialPlan with(cfg);
  port_.set_dial_plan(&with);
  line_.inject(LineEvent::hook(true));
  dial("*97");
  EXPECT_EQ(calls_.log, Lines{"invite 5500@a"});
  EXPECT_EQ(port_.state(), PortState::calling);
}

// A fax tone from the phone goes to the call in progress with the port's fax option (the call
// layer decides with the account's when it is empty); `fax off` on the port keeps it a voice
// call; outside a call nothing happens (docs/FAX.md).
TEST_F(PortTest, AFaxToneTurnsTheCallToVoicebandDataUnlessThePortSaysOff) {
  config::Telephony cfg;
  cfg.accounts.push_back(account("a"));
  DialPlan plan(cfg);
  port_.set_dial_plan(&plan);
  port_.set_call_control(&calls_);
  line_.inject(LineEvent::fax_event(line::FaxTone::cng));  // idle: nothing
  line_.inject(LineEvent::hook(true));
  dial("0301234#");
  ASSERT_TRUE(calls_.peer("200"));
  line_.inject(LineEvent::fax_event(line::FaxTone::cng));
  EXPECT_EQ(calls_.log, (Lines{"invite 0301234@a", "fax (account)"}));

  port_.set_options({.nodial = false, .callwaiting = true, .fax = "t38"});
  line_.inject(LineEvent::fax_event(line::FaxTone::ced));
  EXPECT_EQ(calls_.log.back(), "fax t38");
  port_.set_options({.nodial = false, .callwaiting = true, .fax = "off"});
  const size_t before = calls_.log.size();
  line_.inject(LineEvent::fax_event(line::FaxTone::ced));
  EXPECT_EQ(calls_.log.size(), before);
  EXPECT_EQ(port_.state(), PortState::connected);
}

}  // namespace
}  // namespace owsip::phone
