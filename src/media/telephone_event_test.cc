#include "media/telephone_event.h"

#include <gtest/gtest.h>

namespace owsip::media {
namespace {

TEST(MediaDtmf, EventPayloadRoundTrips) {
  const TelephoneEvent e{11, true, 10, 800};
  const auto b = encode_telephone_event(e);
  EXPECT_EQ(b, (std::array<uint8_t, 4>{11, 0x8a, 0x03, 0x20}));
  TelephoneEvent back;
  ASSERT_TRUE(parse_telephone_event(b, back));
  EXPECT_EQ(back, e);
  EXPECT_FALSE(parse_telephone_event(std::span(b).first(3), back));
}

TEST(MediaDtmf, DigitCodes) {
  EXPECT_EQ(dtmf_event_code('0'), 0);
  EXPECT_EQ(dtmf_event_code('*'), 10);
  EXPECT_EQ(dtmf_event_code('#'), 11);
  EXPECT_EQ(dtmf_event_code('d'), 15);
  EXPECT_EQ(dtmf_event_code('E'), std::nullopt);
  EXPECT_EQ(dtmf_event_code('\0'), std::nullopt);
  EXPECT_EQ(dtmf_digit(12), 'A');
  EXPECT_EQ(dtmf_digit(16), std::nullopt);  // flash is not a digit
}

// RFC 4733 section 2.5: one timestamp for the whole event, marker on the first packet only,
// durations growing by the packet interval, the end packet sent three times.
TEST(MediaDtmf, SenderPacketSequenceIsExact) {
  DtmfSender s(8000);
  ASSERT_TRUE(s.queue('5', 100));
  EXPECT_FALSE(s.queue('x', 100));
  std::vector<DtmfSender::Packet> all;
  uint32_t ts = 16000;
  for (int i = 0; i < 10; ++i, ts += 160) {
    for (const auto& p : s.tick(ts, 160)) all.push_back(p);
  }
  ASSERT_EQ(all.size(), 7u);
  const uint16_t durations[] = {160, 320, 480, 640, 800, 800, 800};
  for (size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(all[i].ts, 16000u);
    EXPECT_EQ(all[i].marker, i == 0);
    EXPECT_EQ(all[i].event.event, 5);
    EXPECT_EQ(all[i].event.volume, 10);
    EXPECT_EQ(all[i].event.duration, durations[i]);
    EXPECT_EQ(all[i].event.end, i >= 4);
  }
  EXPECT_FALSE(s.active());
}

TEST(MediaDtmf, SenderQueuesDigitsAndHonoursMinimumAndClock) {
  DtmfSender s(16000);  // telephone-event/16000: durations in 16 kHz ticks
  s.queue('1', 10);     // raised to 40 ms = 640 ticks
  s.queue('2', 40);
  std::vector<DtmfSender::Packet> all;
  uint32_t ts = 0;
  for (int i = 0; i < 20; ++i, ts += 320) {
    for (const auto& p : s.tick(ts, 320)) all.push_back(p);
  }
  ASSERT_EQ(all.size(), 8u);  // per digit: start, end x3
  EXPECT_EQ(all[0].event.duration, 320);
  EXPECT_EQ(all[1].event.duration, 640);
  EXPECT_TRUE(all[1].event.end);
  EXPECT_TRUE(all[4].marker);
  EXPECT_EQ(all[4].event.event, 2);
  EXPECT_GT(all[4].ts, all[0].ts);
}

struct Recorder {
  std::vector<DtmfDigit> got;
  DtmfReceiver rx{8000, [this](const DtmfDigit& d) { got.push_back(d); }};
  void send(uint32_t ts, uint8_t ev, bool end, uint16_t dur, uint64_t now, uint32_t ssrc = 1) {
    const auto b = encode_telephone_event({ev, end, 10, dur});
    rx.on_packet(ssrc, ts, b, now);
  }
};

TEST(MediaDtmf, ReceiverReportsStartAndEndOnceDespiteRepeats) {
  Recorder r;
  r.send(100, 9, false, 160, 0);
  r.send(100, 9, false, 160, 1);  // duplicate
  r.send(100, 9, false, 480, 40);
  r.send(100, 9, true, 800, 80);
  r.send(100, 9, true, 800, 81);
  r.send(100, 9, true, 800, 82);
  ASSERT_EQ(r.got.size(), 2u);
  EXPECT_EQ(r.got[0], (DtmfDigit{'9', 0, false}));
  EXPECT_EQ(r.got[1], (DtmfDigit{'9', 100, true}));
  EXPECT_EQ(r.rx.digits(), 1u);
}

TEST(MediaDtmf, ReceiverEndsADigitWhoseEndWasLost) {
  Recorder r;
  r.send(100, 1, false, 160, 0);
  r.send(100, 1, false, 320, 20);
  r.send(900, 2, false, 160, 200);  // next digit, the first never ended
  ASSERT_EQ(r.got.size(), 3u);
  EXPECT_EQ(r.got[1], (DtmfDigit{'1', 40, true}));
  EXPECT_EQ(r.got[2], (DtmfDigit{'2', 0, false}));
  r.rx.poll(500);
  EXPECT_EQ(r.got.size(), 3u);
  r.rx.poll(1001);  // 800 ms without an update
  ASSERT_EQ(r.got.size(), 4u);
  EXPECT_EQ(r.got[3], (DtmfDigit{'2', 20, true}));
}

TEST(MediaDtmf, ReceiverIgnoresFlashAndCountsMalformed) {
  Recorder r;
  r.send(1, 16, true, 800, 0);
  const uint8_t shorty[2] = {1, 2};
  r.rx.on_packet(1, 2, shorty, 0);
  EXPECT_TRUE(r.got.empty());
  EXPECT_EQ(r.rx.malformed(), 1u);
}

TEST(MediaDtmf, SipInfoBodies) {
  auto d = parse_dtmf_info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
  ASSERT_TRUE(d) << d.message();
  EXPECT_EQ(*d, (DtmfDigit{'5', 160, true}));
  d = parse_dtmf_info("Application/DTMF-Relay; charset=x", "signal = #\nduration= 80");
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (DtmfDigit{'#', 80, true}));
  d = parse_dtmf_info("application/dtmf-relay", "Signal=10\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (DtmfDigit{'*', 250, true}));
  d = parse_dtmf_info("application/dtmf", " b\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, 'B');
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Duration=100\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=55\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=5\r\nDuration=-3\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=5\r\nDuration=1x\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/sdp", "v=0"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", ""));
}

}  // namespace
}  // namespace owsip::media
