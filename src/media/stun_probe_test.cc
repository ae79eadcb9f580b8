#include "media/stun_probe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/manual_timer_queue.h"

namespace owsip::media {
namespace {

// A Binding success response for `request` (its transaction ID) naming ip:port in an
// XOR-MAPPED-ADDRESS (RFC 5389 sections 7.3.1 and 15.2: the port XOR the cookie's top 16 bits,
// the address XOR the cookie).
std::vector<uint8_t> answer(const std::vector<uint8_t>& request, uint32_t ip, uint16_t port) {
  const uint16_t xport = port ^ 0x2112;
  const uint32_t xip = ip ^ 0x2112A442u;
  const uint8_t head[8] = {0x01, 0x01, 0x00, 0x0c, 0x21, 0x12, 0xA4, 0x42};
  const uint8_t attr[12] = {0x00, 0x20, 0x00, 0x08, 0x00, 0x01,
                            static_cast<uint8_t>(xport >> 8), static_cast<uint8_t>(xport),
                            static_cast<uint8_t>(xip >> 24), static_cast<uint8_t>(xip >> 16),
                            static_cast<uint8_t>(xip >> 8), static_cast<uint8_t>(xip)};
  std::vector<uint8_t> r(32);
  std::copy(head, head + 8, r.begin());
  std::copy(request.begin() + 8, request.begin() + 20, r.begin() + 8);
  std::copy(attr, attr + 12, r.begin() + 20);
  return r;
}

constexpr uint32_t k198_51_100_7 = 0xC6336407;
const NetAddress kServer{"127.0.0.1", 3478};

class StunProbeTest : public ::testing::Test {
 protected:
  StunProbeTest() {
    probe_.set_changed_handler([this](const NetAddress& a) { changes_.push_back(a); });
  }
  bool reply(uint32_t ip, uint16_t port, const NetAddress& from = kServer) {
    return probe_.on_packet(answer(sent_.back(), ip, port), from);
  }

  ManualTimerQueue timers_;
  std::vector<std::vector<uint8_t>> sent_;
  std::vector<NetAddress> to_;
  std::vector<NetAddress> changes_;
  StunProbe probe_{timers_, "127.0.0.1:5060", "127.0.0.1", 3478,
                   [this](std::span<const uint8_t> p, const NetAddress& to) {
                     sent_.emplace_back(p.begin(), p.end());
                     to_.push_back(to);
                     return true;
                   }};
};

TEST_F(StunProbeTest, RetransmitsAfterHalfOneAndTwoSecondsThenRetriesAfterThirty) {
  probe_.start();
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(to_[0], kServer);
  EXPECT_TRUE(is_stun(sent_[0]));
  timers_.advance(499);
  EXPECT_EQ(sent_.size(), 1u);
  timers_.advance(1);
  EXPECT_EQ(sent_.size(), 2u);
  timers_.advance(1000);
  EXPECT_EQ(sent_.size(), 3u);
  timers_.advance(2000);
  EXPECT_EQ(sent_.size(), 4u);
  EXPECT_EQ(sent_[3], sent_[0]);  // one transaction, the same request
  timers_.advance(4000 + StunProbe::kRetryMs - 1);
  EXPECT_EQ(sent_.size(), 4u);
  timers_.advance(1);
  ASSERT_EQ(sent_.size(), 5u);
  EXPECT_NE(std::vector<uint8_t>(sent_[4].begin() + 8, sent_[4].end()),
            std::vector<uint8_t>(sent_[0].begin() + 8, sent_[0].end()));  // a new transaction
  EXPECT_FALSE(probe_.public_address());
}

TEST_F(StunProbeTest, LearnsTheMappedAddressAndReportsOnlyChanges) {
  probe_.start();
  ASSERT_TRUE(reply(k198_51_100_7, 40000));
  ASSERT_TRUE(probe_.public_address());
  EXPECT_EQ(probe_.public_address()->text(), "198.51.100.7:40000");
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_FALSE(reply(k198_51_100_7, 40000));  // a late retransmission's answer: not awaited
  timers_.advance(10000);
  EXPECT_EQ(sent_.size(), 1u);  // answered: no retransmission
  timers_.advance(StunProbe::kRefreshMs - 10000);
  ASSERT_EQ(sent_.size(), 2u);  // the refresh
  ASSERT_TRUE(reply(k198_51_100_7, 40000));
  EXPECT_EQ(changes_.size(), 1u);  // the same mapping: nothing to tell
  timers_.advance(StunProbe::kRefreshMs);
  ASSERT_TRUE(reply(k198_51_100_7, 40002));  // the NAT gave a new mapping
  ASSERT_EQ(changes_.size(), 2u);
  EXPECT_EQ(changes_[1].port, 40002);
}

TEST_F(StunProbeTest, TakesOnlyItsOwnAnswerFromTheServer) {
  probe_.start();
  EXPECT_FALSE(reply(k198_51_100_7, 40000, NetAddress{"127.0.0.2", 3478}));
  auto other = answer(sent_.back(), k198_51_100_7, 40000);
  other[19] ^= 1;  // another transaction
  EXPECT_FALSE(probe_.on_packet(other, kServer));
  const uint8_t sip[] = "SIP/2.0 200 OK\r\n";
  EXPECT_FALSE(probe_.on_packet(sip, kServer));
  EXPECT_FALSE(probe_.public_address());
  EXPECT_TRUE(changes_.empty());
}

TEST_F(StunProbeTest, ForgetsTheAddressWhenRefreshesGoUnansweredForTwoPeriods) {
  probe_.start();
  ASSERT_TRUE(reply(k198_51_100_7, 40000));
  timers_.advance(2 * StunProbe::kRefreshMs);
  EXPECT_TRUE(probe_.public_address());
  timers_.advance(1);
  EXPECT_FALSE(probe_.public_address());
}

}  // namespace
}  // namespace owsip::media
