// When the switchboard hands a call to a port's answering machine (phone/answering.h): after
// answer_after of ringing, at once on busy or do-not-disturb when the port says so, never when
// the machine is switched off; a phone picking up first keeps the call.
#include "phone/answering.h"

#include <gtest/gtest.h>

#include "fakes/port_scenario.h"

namespace owsip::phone {
namespace {

class FakeMachine final : public AnsweringMachine {
 public:
  bool active(int) const override { return on; }
  bool take(IncomingCall& call, int port, const std::string& account) override {
    taken.push_back("port" + std::to_string(port) + " " + account + " " + call.caller().number);
    return true;
  }
  Result<std::unique_ptr<Call>> open_menu(int port, line::Line&, CallObserver&) override {
    taken.push_back("menu port" + std::to_string(port));
    return Status::error("no menu in this test");
  }
  bool on = true;
  std::vector<std::string> taken;
};

std::string config(const std::string& port0) {
  return std::string(testing_support::kConfig) + "config port\n option id 0\n" + port0;
}

TEST(AnsweringMachine, AnswersAfterAnswerAfterOfRinging) {
  testing_support::Scenario s(config(" option answering_machine 1\n option answer_after 5\n"));
  FakeMachine m;
  s.board().set_answering_machine(&m);
  s.calls().incoming(s.board(), "0301234", "Ann", "home");
  EXPECT_EQ(s.port(0).state(), PortState::ringing);
  s.queue().advance(4999);
  EXPECT_TRUE(m.taken.empty());
  s.queue().advance(1);
  EXPECT_EQ(m.taken, std::vector<std::string>{"port0 home 0301234"});
  EXPECT_EQ(s.port(0).state(), PortState::idle);  // both phones stopped ringing
  EXPECT_EQ(s.port(1).state(), PortState::idle);
  EXPECT_EQ(s.board().offered_calls(), 0u);
}

TEST(AnsweringMachine, APhonePickingUpFirstKeepsTheCall) {
  testing_support::Scenario s(config(" option answering_machine 1\n option answer_after 5\n"));
  FakeMachine m;
  s.board().set_answering_machine(&m);
  s.calls().incoming(s.board(), "0301234", "Ann", "home");
  s.queue().advance(2000);
  s.line(1).inject(line::LineEvent::hook(true));
  EXPECT_EQ(s.port(1).state(), PortState::connected);
  s.queue().advance(10000);
  EXPECT_TRUE(m.taken.empty());
}

TEST(AnsweringMachine, SwitchedOffOrAbsentItLeavesTheCallRinging) {
  testing_support::Scenario s(config(" option answering_machine 1\n option answer_after 5\n"));
  FakeMachine m;
  m.on = false;
  s.board().set_answering_machine(&m);
  s.calls().incoming(s.board(), "0301234", "Ann", "home");
  s.queue().advance(10000);
  EXPECT_TRUE(m.taken.empty());
  EXPECT_EQ(s.port(0).state(), PortState::ringing);
  testing_support::Scenario plain(config(""));  // no answering_machine option
  FakeMachine m2;
  plain.board().set_answering_machine(&m2);
  plain.calls().incoming(plain.board(), "0301234", "Ann", "home");
  plain.queue().advance(30000);
  EXPECT_TRUE(m2.taken.empty());
}

TEST(AnsweringMachine, AtOnceOnBusyAndOnDoNotDisturbWhenAsked) {
  testing_support::Scenario s(config(" option answering_machine 1\n option answer_busy 1\n"
                                     " option answer_dnd 1\n"
                                     "config account 'home2'\n option realm r\n option username u\n"
                                     " option password p\n option port 0\n"));
  FakeMachine m;
  s.board().set_answering_machine(&m);
  // Busy: port 0 is dialling.
  s.line(0).inject(line::LineEvent::hook(true));
  s.calls().incoming(s.board(), "0301234", "Ann", "home2");
  EXPECT_TRUE(m.taken.empty());  // not from inside offer(): from the loop
  s.queue().advance(0);
  EXPECT_EQ(m.taken, std::vector<std::string>{"port0 home2 0301234"});
  s.line(0).inject(line::LineEvent::hook(false));
  // Do-not-disturb.
  PortServices dnd;
  dnd.dnd = true;
  ASSERT_TRUE(s.services().set(0, dnd));
  s.calls().incoming(s.board(), "0305555", "Bob", "home2");
  s.queue().advance(0);
  EXPECT_EQ(m.taken.back(), "port0 home2 0305555");
  EXPECT_EQ(s.port(0).state(), PortState::idle);  // the phone stayed silent
}

TEST(AnsweringMachine, AnswerAccountsChoosesWhoseCallsItTakes) {
  testing_support::Scenario s(config(" option answering_machine 1\n option answer_after 5\n"
                                     " option answer_accounts 'home2 internal'\n"
                                     "config account 'home2'\n option realm r\n option username u\n"
                                     " option password p\n option port 0\n"));
  FakeMachine m;
  s.board().set_answering_machine(&m);
  // A call of the account `home` rings on past answer_after: not this machine's.
  s.calls().incoming(s.board(), "0301234", "Ann", "home");
  s.queue().advance(10000);
  EXPECT_TRUE(m.taken.empty());
  EXPECT_EQ(s.port(0).state(), PortState::ringing);
  s.calls().cancel_incoming(s.board());
  s.queue().advance(0);
  // One of `home2` is taken after answer_after.
  s.calls().incoming(s.board(), "0305555", "Bob", "home2");
  s.queue().advance(5000);
  EXPECT_EQ(m.taken, std::vector<std::string>{"port0 home2 0305555"});
  // `internal` names the calls from the other ports (account "").
  s.calls().incoming(s.board(), "**2", "", "", 0);
  s.queue().advance(5000);
  EXPECT_EQ(m.taken.back(), "port0  **2");
}

TEST(AnsweringMachine, TheMailboxCodeOpensTheMenu) {
  testing_support::Scenario s(config(" option answering_machine 1\n"));
  FakeMachine m;
  s.board().set_answering_machine(&m);
  s.line(0).inject(line::LineEvent::hook(true));
  for (char d : std::string("*98")) s.line(0).inject(line::LineEvent::digit_event(d, false));
  EXPECT_EQ(m.taken, std::vector<std::string>{"menu port0"});
  EXPECT_EQ(s.port(0).state(), PortState::congestion);  // this fake machine refused
}

}  // namespace
}  // namespace owsip::phone
