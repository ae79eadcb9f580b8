#include "phone/barring.h"

#include <gtest/gtest.h>

#include "config/schema.h"
#include "fakes/port_scenario.h"

namespace owsip::phone {
namespace {

using line::dsp::CallerId;
using line::dsp::CidAbsence;

config::Telephony load(const std::string& text) {
  auto r = config::load_telephony_text(text, "t", {{"sim"}, {"germany"}});
  EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics[0].to_string());
  return r.config.value_or(config::Telephony{});
}

CallerId caller(const char* number, const char* name = "",
                CidAbsence absence = CidAbsence::none) {
  CallerId c;
  c.number = number;
  c.name = name;
  c.absence = absence;
  return c;
}

const char* kAccounts =
    "config account 'home'\n option realm r\n option username u\n option password p\n"
    " list bar_incoming '0900'\n list bar_incoming '030123[0-4]'\n list bar_incoming '\\+49900'\n"
    " option anonymous_reject 1\n"
    "config account 'open'\n option realm r\n option username u\n option password p\n"
    " option bar_incoming '0137' \n option bar_incoming_response 403\n";

TEST(Barring, AnAccountRefusesBarredNumbersAndRanges) {
  auto cfg = load(kAccounts);
  std::string why;
  EXPECT_EQ(account_refusal(cfg, "home", caller("09001234"), why), 603);
  EXPECT_EQ(why, "caller 09001234 barred by '0900' (bar_incoming of account home)");
  EXPECT_EQ(account_refusal(cfg, "home", caller("0301233"), why), 603);
  EXPECT_EQ(account_refusal(cfg, "home", caller("0301235"), why), 0);
  EXPECT_EQ(account_refusal(cfg, "home", caller("+49900555"), why), 603);
  EXPECT_EQ(account_refusal(cfg, "home", caller("+4930555"), why), 0);
  EXPECT_EQ(account_refusal(cfg, "open", caller("0137555"), why), 403);
  EXPECT_EQ(account_refusal(cfg, "open", caller("09001234"), why), 0);
}

TEST(Barring, AnonymousCallersGet433WhereAsked) {
  auto cfg = load(kAccounts);
  std::string why;
  EXPECT_EQ(account_refusal(cfg, "home", caller("", "", CidAbsence::withheld), why), 433);
  EXPECT_EQ(why, "anonymous caller (anonymous_reject of account home)");
  EXPECT_EQ(account_refusal(cfg, "home", caller("", ""), why), 433);  // no identity at all
  EXPECT_EQ(account_refusal(cfg, "home", caller("", "bob"), why), 0);  // sip:bob@example.org
  EXPECT_EQ(account_refusal(cfg, "open", caller("", "", CidAbsence::withheld), why), 0);
}

TEST(Barring, APortRefusesForItselfOnly) {
  auto cfg = load(std::string(kAccounts) +
                  "config port\n option id 1\n option bar_incoming '0800'\n"
                  " option bar_incoming_response 480\n option anonymous_reject 1\n");
  std::string why;
  EXPECT_EQ(port_refusal(cfg, 1, caller("0800123"), why), 480);
  EXPECT_EQ(why, "caller 0800123 barred by '0800' (bar_incoming of port 1)");
  EXPECT_EQ(port_refusal(cfg, 1, caller("", "", CidAbsence::withheld), why), 433);
  EXPECT_EQ(port_refusal(cfg, 0, caller("0800123"), why), 0);  // no section: no barring
  EXPECT_EQ(port_refusal(cfg, 1, caller("0301"), why), 0);
}

TEST(Barring, BadPatternsAreRefusedWithTheirLine) {
  auto r = config::load_telephony_text(
      "config account 'a'\n option realm r\n option username u\n option password p\n"
      " list bar_incoming '09[00'\n list bar_outgoing '0900x'\n option prefix '**7'\n",
      "t", {{"sim"}, {"germany"}});
  ASSERT_EQ(r.diagnostics.size(), 4u);  // and the warning: no general section
  EXPECT_EQ(r.diagnostics[1].to_string(), "t:5: digit map '09[00': '[' without ']'");
  EXPECT_EQ(r.diagnostics[2].to_string(), "t:6: '0900x' is not a prefix a phone dials (keys 0-9, * and #)");
  EXPECT_EQ(r.diagnostics[3].to_string(), "t:7: prefix '**7' would hide the internal numbers **1, **2, ...");
}

// Through the switchboard: a port's barring keeps that port from ringing; the caller is refused
// only when no port is left.
TEST(Barring, ThePortsBarringKeepsOnlyThatPortFromRinging) {
  testing_support::Scenario s(std::string(testing_support::kConfig) +
                              "config port\n option id 0\n option anonymous_reject 1\n"
                              " option bar_incoming 0137\n"
                              "config port\n option id 1\n option bar_incoming 0137\n"
                              " option bar_incoming_response 480\n");
  s.calls().incoming(s.board(), "0301234", "Ann", "home");
  EXPECT_EQ(s.port(0).state(), PortState::ringing);
  EXPECT_EQ(s.port(1).state(), PortState::ringing);
  ASSERT_TRUE(s.calls().cancel_incoming(s.board()));
  EXPECT_EQ(s.port(0).state(), PortState::idle);

  s.calls().incoming(s.board(), "", "", "home");  // anonymous: port 0 refuses, port 1 rings
  EXPECT_EQ(s.port(0).state(), PortState::idle);
  EXPECT_EQ(s.port(1).state(), PortState::ringing);
  EXPECT_TRUE(s.calls().log.empty());
  ASSERT_TRUE(s.calls().cancel_incoming(s.board()));

  s.calls().incoming(s.board(), "0137555", "Premium", "home");  // both bar it
  EXPECT_EQ(s.port(0).state(), PortState::idle);
  EXPECT_EQ(s.port(1).state(), PortState::idle);
  EXPECT_EQ(s.calls().log,
            (std::vector<std::string>{
                "explain caller 0137555 barred by '0137' (bar_incoming of port 1)", "refuse 480"}));
}

TEST(Barring, AccountPrefixesMayNotHideEachOther) {
  auto r = config::load_telephony_text(
      "config general\n"
      "config account 'a'\n option realm r\n option username u\n option password p\n"
      " option prefix '#2'\n"
      "config account 'b'\n option realm r\n option username u\n option password p\n"
      " option prefix '#23'\n",
      "t", {{"sim"}, {"germany"}});
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].to_string(),
            "t:11: account 'b' prefix '#23' and account 'a' prefix '#2': one would hide the other");
}

}  // namespace
}  // namespace owsip::phone
