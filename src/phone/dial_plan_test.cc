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
