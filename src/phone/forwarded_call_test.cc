// Forwarding by call (phone/forwarded_call.h) through the switchboard: which mode a port's
// forwarding takes, what the caller gets for the target's failures, and the daemon stopping
// with a forwarded call up. The call sequences are in tests/data/scenarios/forward_by_call.scn.
#include "phone/forwarded_call.h"

#include <gtest/gtest.h>

#include "fakes/port_scenario.h"

namespace owsip::phone {
namespace {

using Log = std::vector<std::string>;

std::string config(const std::string& features, const std::string& port0) {
  return std::string(testing_support::kConfig) + features + "config port\n option id 0\n" + port0;
}

void forward_all(testing_support::Scenario& s, int port, const std::string& to) {
  PortServices p;
  p.forward_all = to;
  s.services().set(port, p);
}

TEST(ForwardedCall, APortsForwardModeOverridesTheFeatures) {
  {  // the features say 302, port 0 says call
    testing_support::Scenario s(config("", " option forward_mode call\n"));
    forward_all(s, 0, "0301234");
    s.calls().incoming(s.board(), "5550001", "Ann", "home");
    EXPECT_EQ(s.calls().log, (Log{"explain forwarded to 0301234 (port0 forwards every call)",
                                  "invite 0301234@home diversion unconditional"}));
    EXPECT_EQ(s.board().forwarded_calls(), 1u);
  }
  {  // the features say call, port 0 says 302; port 1 (no section) follows the features
    testing_support::Scenario s(config(" option forward_mode call\n", " option forward_mode 302\n"));
    forward_all(s, 0, "0301234");
    s.calls().incoming(s.board(), "5550001", "Ann", "home");
    EXPECT_EQ(s.calls().log, (Log{"explain forwarded to 0301234 (port0 forwards every call)",
                                  "refuse 302 to 0301234"}));
    s.services().set(0, PortServices{});
    forward_all(s, 1, "0309999");
    s.calls().log.clear();
    s.calls().incoming(s.board(), "5550002", "Bob", "home");
    EXPECT_EQ(s.calls().log, (Log{"explain forwarded to 0309999 (port1 forwards every call)",
                                  "invite 0309999@home diversion unconditional"}));
  }
}

TEST(ForwardedCall, WithoutANetworkItIsA302) {
  testing_support::Scenario s(config(" option forward_mode call\n", ""));
  s.board().set_network(nullptr);
  forward_all(s, 0, "0301234");
  s.calls().incoming(s.board(), "5550001", "Ann", "home");
  EXPECT_EQ(s.calls().log, (Log{"explain forwarded to 0301234 (port0 forwards every call)",
                                "refuse 302 to 0301234"}));
}

TEST(ForwardedCall, TheCallerHearsWhatTheTargetsFailureMeans) {
  EXPECT_EQ(caller_status_for(486), 486);
  EXPECT_EQ(caller_status_for(600), 600);
  EXPECT_EQ(caller_status_for(404), 404);
  EXPECT_EQ(caller_status_for(603), 603);
  EXPECT_EQ(caller_status_for(408), 408);
  EXPECT_EQ(caller_status_for(401), 503);  // the account's credentials: not the caller's business
  EXPECT_EQ(caller_status_for(407), 503);
  EXPECT_EQ(caller_status_for(0), 480);    // no answer from the network at all
  EXPECT_EQ(caller_status_for(302), 480);  // a redirect owsip does not follow
}

TEST(ForwardedCall, TheCallLayerGoingAwayEndsBothCalls) {
  testing_support::Scenario s(config(" option forward_mode call\n", ""));
  forward_all(s, 0, "0301234");
  s.calls().incoming(s.board(), "5550001", "Ann", "home");  // the target rings: the caller waits
  s.calls().incoming(s.board(), "5550002", "Bob", "home");
  ASSERT_TRUE(s.calls().peer("200"));  // Bob's target answers: Bob is answered
  s.calls().log.clear();
  s.board().set_network(nullptr);  // the daemon stops
  EXPECT_EQ(s.calls().log, (Log{"reject 503 to 0301234", "cancel", "bye", "bye"}));
  EXPECT_EQ(s.board().forwarded_calls(), 0u);
  s.queue().advance(100);
  EXPECT_EQ(s.calls().log.size(), 4u);
}

}  // namespace
}  // namespace owsip::phone
