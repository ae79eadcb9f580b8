// The network as the SIP stack sees it: the Linux monitor reads real interfaces; the fake one
// (tests/fakes/fake_network_monitor.h) drives the SIP service's user agent through address
// changes, as rtnetlink would.
#include "sip/net_monitor.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/loop.h"
#include "fakes/fake_network_monitor.h"
#include "sip/sip_service.h"
#include "sip/user_agent.h"

namespace owsip::sip {
namespace {

using testing::FakeNetworkMonitor;
using NetEvent = UserAgent::NetEvent;

TEST(LinuxNetworkMonitor, ReadsTheLoopbackAddress) {
  Loop loop;
  ASSERT_TRUE(loop.init());
  LinuxNetworkMonitor net(loop);
  EXPECT_EQ(net.address_of("lo"), "127.0.0.1");
  EXPECT_EQ(net.address_of("owsip-none0"), std::nullopt);
}

class NetworkFollowing : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.init());
    auto net = std::make_unique<FakeNetworkMonitor>();
    net_ = net.get();
    service_ = std::make_unique<SipService>(loop_, std::move(net));
    config_.general.interface = "fake0";
    config_.general.local_port = 0;  // any free port: only the address matters here
  }
  void TearDown() override { service_.reset(); }

  // Starts the service and records what its user agent tells its observers.
  void start() {
    ASSERT_TRUE(service_->start(config_));
    ASSERT_NE(service_->user_agent(), nullptr);
    service_->user_agent()->add_observer([this](NetEvent e) { events_.push_back(e); });
  }
  UserAgent& ua() { return *service_->user_agent(); }

  Loop loop_;
  FakeNetworkMonitor* net_ = nullptr;
  std::unique_ptr<SipService> service_;
  config::Telephony config_;
  std::vector<NetEvent> events_;
};

TEST_F(NetworkFollowing, BindsWhenTheInterfaceGetsAnAddress) {
  start();
  EXPECT_TRUE(net_->has_handler());
  EXPECT_FALSE(ua().bound());
  EXPECT_EQ(ua().down_reason(), "interface fake0 has no address");
  net_->change();  // something else changed: still no address, still down
  EXPECT_FALSE(ua().bound());
  net_->set_address("fake0", "127.0.0.1");
  net_->change();
  EXPECT_TRUE(ua().bound());
  EXPECT_EQ(ua().bound_address(), "127.0.0.1");
  EXPECT_EQ(events_, (std::vector<NetEvent>{NetEvent::kDown, NetEvent::kUp}));
  net_->change();  // the same address: nothing to do
  EXPECT_EQ(events_.size(), 2u);
}

TEST_F(NetworkFollowing, MovesWithTheAddressAndClosesWhenItGoes) {
  net_->set_address("fake0", "127.0.0.1");
  start();
  EXPECT_EQ(ua().bound_address(), "127.0.0.1");
  net_->set_address("fake0", "127.0.0.2");
  net_->change();
  EXPECT_EQ(ua().bound_address(), "127.0.0.2");
  net_->set_address("fake0", std::nullopt);
  net_->change();
  EXPECT_FALSE(ua().bound());
  EXPECT_EQ(ua().down_reason(), "interface fake0 has no address");
  EXPECT_EQ(events_, (std::vector<NetEvent>{NetEvent::kMoved, NetEvent::kDown}));
}

TEST_F(NetworkFollowing, AnyFollowsTheDefaultRoute) {
  config_.general.interface = "any";
  start();
  EXPECT_EQ(ua().down_reason(), "no default route");
  net_->set_default_source("127.0.0.1");
  net_->change();
  EXPECT_EQ(ua().bound_address(), "127.0.0.1");
  EXPECT_EQ(events_, std::vector<NetEvent>{NetEvent::kUp});
}

}  // namespace
}  // namespace owsip::sip
