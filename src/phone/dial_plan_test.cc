#include "phone/dial_plan.h"

#include <gtest/gtest.h>

#include "config/schema.h"

namespace owsip::phone {
namespace {

using St = DialDecision::Status;
using K = DialTarget::Kind;

config::Telephony load(const std::string& extra) {
  auto r = config::load_telephony_text(
      "config general\n" + extra +
          "config account 'home'\n option realm r1\n option username u\n option password p\n"
          " option default 1\n"
          "config account 'p1'\n option realm r2\n option username u\n option password p\n"
          " option port 1\n"
          "config account 'off'\n option realm r3\n option username u\n option password p\n"
          " option disabled 1\n"
          "config contact\n option desc 'Example'\n option code 'example'\n option dial '0123456789'\n"
          " option type realm\n"
          "config contact\n option desc 'Bob'\n option code 'bob'\n option dial 'bob@example.org'\n"
          " option type sip\n option account p1\n"
          "config contact\n option desc 'Bobby'\n option code 'bobby'\n option dial '555'\n"
          " option type realm\n"
          "config contact\n option desc 'Dead'\n option code '7'\n option dial '1'\n"
          " option type realm\n option account off\n",
      "t", {{"sim"}, {"germany"}});
  EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics[0].to_string());
  return r.config.value_or(config::Telephony{});
}

TEST(DialPlan, KeypadLetters) {
  EXPECT_EQ(keypad_digits("example"), "3926753");
  EXPECT_EQ(keypad_digits("ABCxyz09*#"), "222999" "09*#");
  EXPECT_EQ(keypad_digits("pqrs tuv"), "7777 888");
}

TEST(DialPlan, PlainNumbersWaitForTheEndAndUseThePortsAccount) {
  DialPlan plan(load(""));
  EXPECT_EQ(plan.decide("0301234", false, 0).status, St::need_more);
  auto d = plan.decide("0301234", true, 0);
  ASSERT_EQ(d.status, St::dial);
  EXPECT_EQ(d.target.kind, K::number);
  EXPECT_EQ(d.target.target, "0301234");
  EXPECT_EQ(d.target.account, "home");                      // the default account
  EXPECT_EQ(plan.decide("0301234", true, 1).target.account, "p1");  // bound to port 1
}

TEST(DialPlan, ContactsByKeypadCode) {
  DialPlan plan(load(""));
  auto d = plan.decide("*3926753", false, 0);
  ASSERT_EQ(d.status, St::dial);  // unique and complete: no need to wait
  EXPECT_EQ(d.target.kind, K::number);
  EXPECT_EQ(d.target.target, "0123456789");
  EXPECT_EQ(d.target.contact, "Example");
  EXPECT_EQ(plan.decide("#13926753", false, 0).target.target, "0123456789");  // #1 backend

  // "bob" is a prefix of "bobby": wait for the pause before calling Bob.
  EXPECT_EQ(plan.decide("*262", false, 0).status, St::need_more);
  d = plan.decide("*262", true, 0);
  ASSERT_EQ(d.status, St::dial);
  EXPECT_EQ(d.target.kind, K::sip_uri);
  EXPECT_EQ(d.target.target, "sip:bob@example.org");
  EXPECT_EQ(d.target.account, "p1");  // the contact's account
  EXPECT_EQ(plan.decide("*26229", false, 0).target.target, "555");

  EXPECT_EQ(plan.decide("*26", false, 0).status, St::need_more);
  EXPECT_EQ(plan.decide("*9", false, 0).status, St::invalid);
  auto dead = plan.decide("*7", false, 0);
  EXPECT_EQ(dead.status, St::invalid);
  EXPECT_EQ(dead.reason, "account off of contact Dead is disabled");
  EXPECT_EQ(plan.decide("#2", false, 0).reason, "no dial backend #2 (#1 is the contact backend)");
}

TEST(DialPlan, InternalCalls) {
  DialPlan plan(load(""));
  EXPECT_EQ(plan.decide("**", false, 0).status, St::need_more);
  auto d = plan.decide("**2", false, 0);
  ASSERT_EQ(d.status, St::dial);
  EXPECT_EQ(d.target.kind, K::internal);
  EXPECT_EQ(d.target.port, 1);
  EXPECT_EQ(plan.decide("**0", false, 0).status, St::invalid);
}

TEST(DialPlan, ALoneStarWaitsForMoreEvenWithoutContacts) {
  auto config = load("");
  config.contacts.clear();
  DialPlan plan(config);
  EXPECT_EQ(plan.decide("*", false, 0).status, St::need_more);
  EXPECT_EQ(plan.decide("**", false, 0).status, St::need_more);
  EXPECT_EQ(plan.decide("**2", false, 0).status, St::dial);
  EXPECT_EQ(plan.decide("*", true, 0).status, St::invalid);
  EXPECT_EQ(plan.decide("*5", false, 0).status, St::invalid);
}

TEST(DialPlan, DigitMapDialsAtOnceAndRefusesImpossibleNumbers) {
  DialPlan plan(load(" option dialplan '[2-9]xxxxxx|0xx.|11[02]'\n"));
  EXPECT_EQ(plan.decide("555123", false, 0).status, St::need_more);
  auto d = plan.decide("5551234", false, 0);
  EXPECT_EQ(d.status, St::dial);
  EXPECT_EQ(plan.decide("110", false, 0).status, St::dial);
  EXPECT_EQ(plan.decide("0301", false, 0).status, St::need_more);  // 0xx. may go on
  EXPECT_EQ(plan.decide("0301", true, 0).status, St::dial);
  EXPECT_EQ(plan.decide("111", false, 0).reason, "111 does not match the dial plan");
  EXPECT_EQ(plan.decide("55", true, 0).reason, "55 is incomplete for the dial plan");
  EXPECT_EQ(plan.decide("*3926753", false, 0).status, St::dial);  // contacts bypass the map
}

TEST(DialPlan, TheDigitMapsNumberGoesOutAfterSubstitution) {
  DialPlan plan(load(" option dialplan '<:030>[2-9]xxxxxx|<9:>0xx.T|0900x.!'\n"));
  auto d = plan.decide("5551234", false, 0);
  ASSERT_EQ(d.status, St::dial);
  EXPECT_EQ(d.target.target, "0305551234");
  d = plan.decide("90301", false, 0);
  EXPECT_EQ(d.status, St::need_more);
  EXPECT_TRUE(d.on_pause);  // complete, dialled on the short pause
  EXPECT_EQ(plan.decide("90301", true, 0).target.target, "0301");
  EXPECT_FALSE(plan.decide("090", false, 0).on_pause);
  EXPECT_EQ(plan.decide("0900", false, 0).reason, "0900 is barred by the dial plan");
}

TEST(DialPlan, EachAccountHasItsDigitMapElseTheGeneralOne) {
  DialPlan plan(load(" option dialplan '[2-9]xxxxxx'\n"
                     "config account 'a2'\n option realm r4\n option username u\n option password p\n"
                     " option port 0\n option dialplan '<:0049>[1-9]x.T'\n"));
  // Port 0 calls through a2 (bound to it), port 1 through p1 (general map).
  auto d = plan.decide("301234", true, 0);
  ASSERT_EQ(d.status, St::dial);
  EXPECT_EQ(d.target.target, "0049301234");
  EXPECT_EQ(d.target.account, "a2");
  EXPECT_EQ(plan.decide("301234", true, 1).reason, "301234 is incomplete for the dial plan");
  EXPECT_EQ(plan.decide("3012345", false, 1).target.target, "3012345");
}

TEST(DialPlan, EmergencyNumbersGoOutAtOncePastEverything) {
  DialPlan plan(load(" option dialplan '[2-9]xxxxxx|1x.!'\n option emergency '19222 0800112'\n"
                     "config port\n option id 1\n option nodial 1\n"
                     "config port\n option id 0\n option bar_outgoing '1 08'\n"));
  EXPECT_EQ(plan.emergency_numbers(), (std::vector<std::string>{"110", "112", "19222", "0800112"}));
  for (int port : {0, 1}) {
    for (const char* n : {"110", "112", "19222", "0800112"}) {
      auto d = plan.decide(n, false, port);
      ASSERT_EQ(d.status, St::dial) << n << " on port " << port << ": " << d.reason;
      EXPECT_TRUE(d.target.emergency);
      EXPECT_EQ(d.target.target, n);
    }
    // On the way to 112 nothing is refused yet; a key off that way is.
    EXPECT_EQ(plan.decide("11", false, port).status, St::need_more);
    EXPECT_EQ(plan.decide("11", true, port).status, St::invalid);
    EXPECT_EQ(plan.decide("113", false, port).status, St::invalid);
  }
  EXPECT_EQ(plan.decide("113", false, 0).reason, "barred: prefix 1 (bar_outgoing of port 0)");
  EXPECT_EQ(plan.decide("5551234", false, 1).reason, "port 1 is nodial: only emergency numbers");
  EXPECT_EQ(plan.decide("*3926753", false, 1).status, St::invalid);  // no contacts either
  EXPECT_EQ(plan.decide("**1", false, 1).status, St::invalid);       // nor internal calls
}

TEST(DialPlan, EmergencyNumbersFollowTheLocale) {
  auto cfg = load("");
  cfg.general.locale = "united_kingdom";
  DialPlan plan(cfg);
  EXPECT_EQ(plan.emergency_numbers(), (std::vector<std::string>{"999", "112"}));
  EXPECT_TRUE(plan.decide("999", false, 0).target.emergency);
  EXPECT_FALSE(plan.decide("110", true, 0).target.emergency);
}

TEST(DialPlan, OutgoingBarringByPortAndAccount) {
  DialPlan plan(load("config port\n option id 0\n list bar_outgoing '0900'\n list bar_outgoing '0137'\n"
                     "config account 'a2'\n option realm r4\n option username u\n option password p\n"
                     " option prefix '#2'\n option bar_outgoing '00'\n"));
  EXPECT_EQ(plan.decide("0900", false, 0).reason, "barred: prefix 0900 (bar_outgoing of port 0)");
  EXPECT_EQ(plan.decide("0137123", false, 0).status, St::invalid);
  EXPECT_EQ(plan.decide("0900", false, 1).status, St::need_more);  // port 1 is not barred
  EXPECT_EQ(plan.decide("090", false, 0).status, St::need_more);
  EXPECT_EQ(plan.decide("0041", true, 0).status, St::dial);  // home has no barring
  EXPECT_EQ(plan.decide("#20041", false, 0).reason, "barred: prefix 00 (bar_outgoing of account a2)");
  EXPECT_EQ(plan.decide("#20900", false, 0).reason, "barred: prefix 0900 (bar_outgoing of port 0)");
}

TEST(DialPlan, APrefixChoosesTheAccountForOneCall) {
  DialPlan plan(load("config account 'a2'\n option realm r4\n option username u\n option password p\n"
                     " option prefix '*81'\n option dialplan '<:0>[1-9]xxx'\n"
                     "config account 'a3'\n option realm r5\n option username u\n option password p\n"
                     " option prefix '#3'\n"));
  EXPECT_EQ(plan.decide("*8", false, 0).status, St::need_more);  // may become *81
  EXPECT_EQ(plan.decide("*81", false, 0).status, St::need_more);
  auto d = plan.decide("*813012", false, 0);
  ASSERT_EQ(d.status, St::dial);  // a2's map completes it
  EXPECT_EQ(d.target.account, "a2");
  EXPECT_EQ(d.target.target, "03012");
  d = plan.decide("#3555", true, 1);
  ASSERT_EQ(d.status, St::dial);
  EXPECT_EQ(d.target.account, "a3");
  EXPECT_EQ(d.target.target, "555");
  EXPECT_TRUE(plan.decide("#3112", false, 0).target.emergency);
  EXPECT_EQ(plan.decide("#3112", false, 0).target.account, "a3");
  // Without a prefix: the port's account; '#1' and contacts still work.
  EXPECT_EQ(plan.decide("555", true, 0).target.account, "home");
  EXPECT_EQ(plan.decide("#13926753", false, 0).target.target, "0123456789");
  EXPECT_EQ(plan.decide("#2", false, 0).status, St::invalid);
}

TEST(DialPlan, NoAccountNoCall) {
  auto cfg = load("");
  for (auto& a : cfg.accounts) a.disabled = true;
  DialPlan plan(cfg);
  auto d = plan.decide("123", true, 0);
  EXPECT_EQ(d.status, St::invalid);
  EXPECT_EQ(d.reason, "no enabled account to call 123 through");
  EXPECT_EQ(plan.decide("**1", false, 0).status, St::dial);  // internal calls need none
}

}  // namespace
}  // namespace owsip::phone
