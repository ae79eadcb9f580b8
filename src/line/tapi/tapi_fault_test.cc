// Field faults on the emulated device, none of which may take owsip down: events the driver
// should not send, a full event queue that lost a hook change, read errors, and a channel
// that stops answering while the other port is in a call.

#include <gtest/gtest.h>

#include <cerrno>

#include "core/log.h"
#include "line/tapi/tapi_io.h"
#include "line/tapi/tapi_rtp_device.h"
#include "line/tapi/tapi_test_fixture.h"

namespace owsip::line::tapi {
namespace {

using namespace io;  // NOLINT

class TapiFaults : public testing::TapiFixture {
 protected:
  void record_events() {
    for (Line* l : backend_->lines())
      l->set_event_handler([this, l](const LineEvent& e) {
        events_.push_back("port" + std::to_string(l->port()) + " " + e.describe());
      });
  }
  static TapiTuning fast() {
    TapiTuning t;
    t.audit_ms = 20;
    t.reset_retry_ms = 20;
    return t;
  }
  std::vector<std::string> events_;
};

TEST_F(TapiFaults, UnknownAndOutOfRangeEventsAreDropped) {
  ASSERT_TRUE(start()) << error_;
  record_events();
  const uint8_t bad_key[4] = {0, 0x1f, 'Z', 0};  // DTMF data with no key owsip knows
  const uint8_t twelve[2] = {0, 12};             // twelve pulses: no digit
  emu_->raw_event(0, kEvDtmfDigit, bad_key);
  emu_->raw_event(0, kEvPulseDigit, twelve);
  emu_->raw_event(0, 0x99000001);  // a type the driver does not have
  emu_->raw_event(1, 0xf4000002);  // a firmware fault (IFX_TAPI_EVENT_FAULT_FW_EBO_OF)
  emu_->hook(0, true);
  ASSERT_TRUE(run_until([&] { return !events_.empty(); }));
  run_for(20);
  EXPECT_EQ(events_, std::vector<std::string>{"port0 off_hook"});
}

TEST_F(TapiFaults, AFullQueueLosesAHookChangeAndOwsipRepairsIt) {
  ASSERT_TRUE(start()) << error_;
  record_events();
  for (int i = 0; i < 10; ++i) emu_->dtmf(0, '5');  // the queue holds 10
  emu_->hook(0, true);                               // lost
  EXPECT_EQ(emu_->channel(0).events_dropped, 1u);
  // Ten events in one read: owsip asks the driver for the hook state at once.
  ASSERT_TRUE(run_until([&] { return backend_->lines()[0]->off_hook(); }, 500));
  EXPECT_EQ(events_.back(), "port0 off_hook");
}

TEST_F(TapiFaults, TheHookAuditFindsALostEvent) {
  ASSERT_TRUE(start({}, {}, fast())) << error_;
  record_events();
  emu_->drop_next_event(1);
  emu_->hook(1, true);
  ASSERT_TRUE(run_until([&] { return backend_->lines()[1]->off_hook(); }, 1000));
  EXPECT_EQ(events_, std::vector<std::string>{"port1 off_hook"});
  EXPECT_EQ(backend_->resets(1), 0);
}

TEST_F(TapiFaults, AChannelThatStopsAnsweringIsResetAndTheOtherCallGoesOn) {
  ASSERT_TRUE(start({}, {}, fast())) << error_;
  record_events();
  // Port 1 is in a call: its coder runs and owsip relays its packets.
  emu_->hook(1, true);
  emu_->hook(0, true);
  ASSERT_TRUE(run_until([&] { return events_.size() == 2; }));
  auto dev = backend_->line_on_channel(1)->open_rtp_device();
  media::NegotiatedMedia m;
  m.codec = media::CodecId::pcma;
  m.pt = 8;
  m.receive = {{8, media::CodecId::pcma}};
  int relayed = 0;
  ASSERT_TRUE(dev->start(m, [&](std::span<const uint8_t>) { ++relayed; }));
  const std::vector<uint8_t> packet(172, 0x80);
  // Channel 0 stops answering: the hook audit's requests fail, owsip resets the channel,
  // the port's call ends (on hook), and the reset is tried until the channel answers.
  emu_->stall(0, EIO);
  ASSERT_TRUE(run_until([&] { return !backend_->lines()[0]->off_hook(); }, 1000));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(emu_->dsp_packet(1, packet));
  ASSERT_TRUE(run_until([&] { return relayed == 5; }));
  EXPECT_EQ(backend_->resets(0), 0);  // still not answering
  emu_->stall(0, 0);
  ASSERT_TRUE(run_until([&] { return backend_->resets(0) == 1; }, 1000));
  ASSERT_TRUE(run_until([&] { return backend_->lines()[0]->off_hook(); }, 500));
  EXPECT_EQ(emu_->channel(0).feed, kFeedStandby);  // configured again
  EXPECT_EQ(emu_->channel(0).tones.size(), kAllToneKinds.size());
  // Port 1 never noticed.
  EXPECT_TRUE(emu_->channel(1).encoding);
  EXPECT_EQ(backend_->resets(1), 0);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(emu_->dsp_packet(1, packet));
  ASSERT_TRUE(run_until([&] { return relayed == 10; }));
  const std::vector<std::string> want = {"port0 off_hook", "port1 off_hook", "port0 on_hook",
                                         "port0 off_hook"};
  EXPECT_EQ(events_, want);
}

TEST_F(TapiFaults, FailingEventReadsDoNotSpinAndRecover) {
  TapiTuning t = fast();
  t.event_retry_ms = 100;
  ASSERT_TRUE(start({}, {}, t)) << error_;
  record_events();
  emu_->stall_events(EIO);
  emu_->hook(0, true);  // waits in the queue; the node stays readable
  run_for(300);
  EXPECT_LE(emu_->event_gets(), 6);  // one try per pause, not a busy loop
  EXPECT_TRUE(events_.empty() || events_ == std::vector<std::string>{"port0 off_hook"});
  emu_->stall_events(0);
  emu_->dtmf(0, '7');
  ASSERT_TRUE(run_until(
      [&] { return !events_.empty() && events_.back() == "port0 digit 7 (dtmf)"; }, 1000));
  EXPECT_TRUE(backend_->lines()[0]->off_hook());  // the queued event or the hook audit
}

TEST_F(TapiFaults, TryAgainAndIoErrorsFromAChannelReadAreSurvived) {
  ASSERT_TRUE(start()) << error_;
  auto dev = backend_->line_on_channel(0)->open_rtp_device();
  media::NegotiatedMedia m;
  m.codec = media::CodecId::pcmu;
  m.pt = 0;
  m.receive = {{0, media::CodecId::pcmu}};
  int relayed = 0;
  ASSERT_TRUE(dev->start(m, [&](std::span<const uint8_t>) { ++relayed; }));
  const std::vector<uint8_t> packet(172, 0x80);
  for (int err : {EAGAIN, EIO, EAGAIN}) {
    emu_->read_error(0, err);
    ASSERT_TRUE(emu_->dsp_packet(0, packet));
    run_for(10);
  }
  ASSERT_TRUE(emu_->dsp_packet(0, packet));
  EXPECT_TRUE(run_until([&] { return relayed == 4; }));
  EXPECT_EQ(backend_->resets(0), 0);
}

}  // namespace
}  // namespace owsip::line::tapi
