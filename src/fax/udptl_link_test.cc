#include "fax/udptl_link.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/timer.h"
#include "fax/t38_session.h"

namespace owsip::fax {
namespace {

using Bytes = std::vector<uint8_t>;

class UdptlLinkTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(loop_.init()); }
  void run_for_at_most(uint64_t ms) {
    Timer guard(loop_);
    guard.start(ms, [&] {
      timed_out_ = true;
      loop_.stop();
    });
    ASSERT_TRUE(loop_.run());
  }
  Loop loop_;
  bool timed_out_ = false;
};

// Two links on 127.0.0.1: eleven IFP packets one way arrive in order, the last sent as three
// copies of its datagram and delivered once; B answers A without being
// told A's port (symmetric), and a stray non-UDPTL datagram is counted, not delivered.
TEST_F(UdptlLinkTest, IfpPacketsCrossTheLoopbackBothWays) {
  std::vector<std::pair<uint16_t, Bytes>> at_b, at_a;
  auto b = UdptlLink::open("127.0.0.1", 0, media::NetAddress{}, 2, 400, true,
                           [&](uint16_t seq, std::span<const uint8_t> ifp) {
                             at_b.emplace_back(seq, Bytes(ifp.begin(), ifp.end()));
                           });
  ASSERT_TRUE(b.is_ok()) << b.message();
  auto a = UdptlLink::open("127.0.0.1", 0, media::NetAddress{"127.0.0.1", (*b)->local_port()}, 2,
                           400, false, [&](uint16_t seq, std::span<const uint8_t> ifp) {
                             at_a.emplace_back(seq, Bytes(ifp.begin(), ifp.end()));
                             loop_.stop();
                           });
  ASSERT_TRUE(a.is_ok()) << a.message();
  EXPECT_FALSE((*b)->send_ifp(Bytes{1}).is_ok());  // no remote yet
  auto junk = media::UdpSocket::open("127.0.0.1", 0);
  ASSERT_TRUE(junk.is_ok());
  const uint8_t garbage[] = {0, 1, 0x7f};
  ASSERT_TRUE(junk->send(garbage, media::NetAddress{"127.0.0.1", (*b)->local_port()}));
  for (uint8_t i = 0; i < 10; ++i) ASSERT_TRUE((*a)->send_ifp(Bytes{i, 0x55}));
  ASSERT_TRUE((*a)->send_ifp(Bytes{0x99}, 3));  // three copies of one datagram: delivered once
  Timer answer(loop_);
  answer.start(100, [&] { (void)(*b)->send_ifp(Bytes{0xee}); });
  run_for_at_most(2000);
  EXPECT_FALSE(timed_out_);
  ASSERT_EQ(at_b.size(), 11u);
  EXPECT_EQ(at_b[10], (std::pair<uint16_t, Bytes>{10, Bytes{0x99}}));
  for (uint8_t i = 0; i < 10; ++i) {
    EXPECT_EQ(at_b[i].first, i);
    EXPECT_EQ(at_b[i].second, (Bytes{i, 0x55}));
  }
  ASSERT_EQ(at_a.size(), 1u);
  EXPECT_EQ(at_a[0].second, Bytes{0xee});
  EXPECT_EQ((*b)->remote().port, (*a)->local_port());
  const UdptlLinkStats sb = (*b)->stats();
  EXPECT_EQ(sb.rx.malformed, 1u);
  EXPECT_EQ(sb.rx.datagrams, 13u);
  EXPECT_EQ(sb.rx.duplicates, 2u);
  EXPECT_EQ((*a)->stats().datagrams_sent, 13u);
}

// A T38Session opens, exposes its gateway as an AudioEndpoint and sends what the gateway makes.
TEST_F(UdptlLinkTest, SessionSendsTheGatewaysPackets) {
  std::vector<Bytes> got;
  auto sink = UdptlLink::open("127.0.0.1", 0, media::NetAddress{}, 0, 400, true,
                              [&](uint16_t, std::span<const uint8_t> ifp) {
                                got.emplace_back(ifp.begin(), ifp.end());
                              });
  ASSERT_TRUE(sink.is_ok());
  auto s = T38Session::open("127.0.0.1", 0, media::NetAddress{"127.0.0.1", (*sink)->local_port()},
                            T38Options{}, false);
  ASSERT_TRUE(s.is_ok()) << s.message();
  std::vector<int16_t> silence(160, 0), ear(160);
  Timer feed(loop_);
  int frames = 0;
  std::function<void()> tick = [&] {
    (*s)->endpoint().on_line_audio(silence, 8000);
    (*s)->endpoint().fill_line_audio(ear, 8000);
    if (++frames < 25) feed.start(20, tick);
    else loop_.stop();
  };
  feed.start(20, tick);
  run_for_at_most(3000);
  EXPECT_FALSE(timed_out_);
  // Silence from the line: the gateway announces no-signal (IFP 00) to the far end.
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front(), Bytes{0x00});
  EXPECT_LE((*s)->gateway_stats().ifp_sent, (*s)->link_stats().datagrams_sent);
  EXPECT_EQ((*s)->link_stats().send_errors, 0u);
}

// A session adopts the socket a call bound for its SDP: same port, never released (a second
// bind of that port fails the whole time), and it receives on it.
TEST_F(UdptlLinkTest, SessionAdoptsTheBoundSocket) {
  auto held = media::UdpSocket::open("127.0.0.1", 0);
  ASSERT_TRUE(held.is_ok());
  const uint16_t port = held->port();
  auto s = T38Session::adopt(std::move(*held), media::NetAddress{}, T38Options{}, true);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_EQ((*s)->local_port(), port);
  EXPECT_FALSE(media::UdpSocket::open("127.0.0.1", port).is_ok());
  auto peer = UdptlLink::open("127.0.0.1", 0, media::NetAddress{"127.0.0.1", port}, 0, 400, false,
                              [](uint16_t, std::span<const uint8_t>) {});
  ASSERT_TRUE(peer.is_ok());
  const Bytes ifp{0x00};
  ASSERT_TRUE((*peer)->send_ifp(ifp).is_ok());
  Timer stop(loop_);
  stop.start(200, [&] { loop_.stop(); });
  run_for_at_most(2000);
  EXPECT_EQ((*s)->link_stats().rx.datagrams, 1u);
  // An invalid socket is refused, not adopted.
  EXPECT_FALSE(T38Session::adopt(media::UdpSocket{}, media::NetAddress{}, T38Options{}, true).is_ok());
}

}  // namespace
}  // namespace owsip::fax
