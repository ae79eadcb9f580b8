// TAPI lines on the emulated device: events of both channels at once reaching their ports'
// state machines (the old owsip's "only the primary voice channel works" is the bug these
// tests keep dead), `revert`, ringing with caller ID through the DSP, tones and line feed.

#include "line/tapi/tapi_line.h"

#include <gtest/gtest.h>

#include <cstring>

#include "core/log.h"
#include "line/tapi/tapi_test_fixture.h"
#include "phone/port.h"

namespace owsip::line::tapi {
namespace {

using namespace io;  // NOLINT
using phone::PortState;

class TapiLines : public testing::TapiFixture {
 protected:
  void attach_ports() {
    for (Line* l : backend_->lines()) {
      ports_.push_back(std::make_unique<phone::Port>(*l, phone::PortOptions{}, loop_, cfg_.timers));
      phone::Port* p = ports_.back().get();
      l->set_event_handler([this, p](const LineEvent& e) {
        events_.push_back("port" + std::to_string(p->id()) + " " + e.describe());
        p->on_line_event(e);
      });
    }
  }
  void TearDown() override {
    ports_.clear();
    TapiFixture::TearDown();
  }
  phone::Port& port(int id) { return *ports_.at(static_cast<size_t>(id)); }

  std::vector<std::unique_ptr<phone::Port>> ports_;  // by logical port id
  std::vector<std::string> events_;
};

TEST_F(TapiLines, BothChannelsDialAtTheSameTime) {
  ASSERT_TRUE(start()) << error_;
  attach_ports();
  emu_->hook(0, true);
  emu_->hook(1, true);
  ASSERT_TRUE(run_until([&] {
    return port(0).state() == PortState::dial_tone && port(1).state() == PortState::dial_tone;
  }));
  // Both hear dial tone from the DSP's tone table.
  EXPECT_EQ(emu_->channel(0).tone, TapiLine::tone_index(ToneKind::dial));
  EXPECT_EQ(emu_->channel(1).tone, TapiLine::tone_index(ToneKind::dial));
  // Interleaved: DTMF on one channel, pulses on the other (0xB is the digit 0).
  emu_->dtmf(0, '1');
  emu_->pulse(1, '0');
  emu_->dtmf(0, '2');
  emu_->pulse(1, '5');
  emu_->dtmf(0, '#');
  emu_->pulse(1, '9');
  ASSERT_TRUE(run_until([&] { return port(1).number() == "059"; }));
  EXPECT_EQ(port(0).number(), "12");  // '#' ended the number: no route, congestion
  EXPECT_EQ(port(0).state(), PortState::congestion);
  EXPECT_EQ(port(1).state(), PortState::dialing);
  EXPECT_EQ(emu_->channel(0).tone, TapiLine::tone_index(ToneKind::congestion));
  EXPECT_EQ(emu_->channel(1).tone, 0u);  // the first digit stopped dial tone
  // A flash on the second channel reaches the second port only.
  emu_->flash(1);
  ASSERT_TRUE(run_until([&] { return events_.back() == "port1 flash"; }));
  // Each channel's queue is read in its order; the two queues are read one after the other.
  auto of_port = [&](const std::string& p) {
    std::vector<std::string> out;
    for (const auto& e : events_)
      if (e.rfind(p, 0) == 0) out.push_back(e);
    return out;
  };
  EXPECT_EQ(of_port("port0"), (std::vector<std::string>{"port0 off_hook", "port0 digit 1 (dtmf)",
                                                        "port0 digit 2 (dtmf)",
                                                        "port0 digit # (dtmf)"}));
  EXPECT_EQ(of_port("port1"),
            (std::vector<std::string>{"port1 off_hook", "port1 digit 0 (pulse)",
                                      "port1 digit 5 (pulse)", "port1 digit 9 (pulse)",
                                      "port1 flash"}));
  emu_->hook(0, false);
  emu_->hook(1, false);
  ASSERT_TRUE(run_until([&] {
    return port(0).state() == PortState::idle && port(1).state() == PortState::idle;
  }));
  EXPECT_FALSE(backend_->lines()[0]->off_hook());
}

TEST_F(TapiLines, RevertSwapsThePorts) {
  cfg_.general.revert = true;
  ASSERT_TRUE(start()) << error_;
  EXPECT_EQ(backend_->line_on_channel(0)->port(), 1);
  EXPECT_EQ(backend_->line_on_channel(1)->port(), 0);
  attach_ports();
  emu_->hook(0, true);  // the jack of channel 0 is now port 1
  ASSERT_TRUE(run_until([&] { return port(1).state() == PortState::dial_tone; }));
  EXPECT_EQ(port(0).state(), PortState::idle);
  EXPECT_EQ(events_, std::vector<std::string>{"port1 off_hook"});
  EXPECT_EQ(emu_->channel(0).tone, TapiLine::tone_index(ToneKind::dial));
  EXPECT_EQ(emu_->channel(1).tone, 0u);
}

TEST_F(TapiLines, RingingWithCallerIdThroughTheDspUntilAnswered) {
  ASSERT_TRUE(start()) << error_;
  attach_ports();
  Line& l = *backend_->lines()[1];
  dsp::CallerId cid{.number = "0301234567", .name = "Alice",
      .month = 11, .day = 28, .hour = 9, .minute = 5};
  l.ring(cid);
  EXPECT_TRUE(l.ringing());
  const auto& c = emu_->channel(1);
  EXPECT_TRUE(c.ringing);
  EXPECT_EQ(c.cid_mode, kCidOnHook);
  ASSERT_EQ(c.cid.size(), 3u);
  EXPECT_EQ(c.cid[0].type, kCidDate);
  EXPECT_EQ(c.cid[0].text, "11280905");
  EXPECT_EQ(c.cid[1].type, kCidNumber);
  EXPECT_EQ(c.cid[1].text, "0301234567");
  EXPECT_EQ(c.cid[2].type, kCidName);
  EXPECT_EQ(c.cid[2].text, "Alice");
  EXPECT_FALSE(emu_->channel(0).ringing);  // the other port is left alone
  // The phone answers: the driver stops ringing (ring trip) and reports off-hook.
  emu_->hook(1, true);
  ASSERT_TRUE(run_until([&] { return l.off_hook(); }));
  EXPECT_FALSE(l.ringing());
  EXPECT_FALSE(c.ringing);
  // Call waiting: caller ID to the off-hook phone.
  dsp::CallerId second;
  second.absence = dsp::CidAbsence::withheld;
  l.send_offhook_cid(second);
  EXPECT_EQ(c.cid_mode, kCidOffHook);
  ASSERT_EQ(c.cid.size(), 1u);
  EXPECT_EQ(c.cid[0].type, kCidNoNumber);
  EXPECT_EQ(c.cid[0].text, "P");
}

TEST_F(TapiLines, MessageWaitingOnHookWithoutRinging) {
  ASSERT_TRUE(start()) << error_;
  attach_ports();
  Line& l = *backend_->lines()[1];
  const auto& c = emu_->channel(1);
  l.send_mwi(true);
  EXPECT_TRUE(l.message_waiting());
  EXPECT_FALSE(c.ringing);
  EXPECT_EQ(c.cid_mode, kCidOnHook);
  EXPECT_EQ(c.cid_type, kCidMessageWaiting);
  ASSERT_EQ(c.cid.size(), 1u);
  EXPECT_EQ(c.cid[0].type, kCidVisualIndicator);
  EXPECT_EQ(c.cid[0].text, "on");
  l.send_mwi(false);
  ASSERT_EQ(c.cid.size(), 1u);
  EXPECT_EQ(c.cid[0].text, "off");
  // Off hook, the lamp state is kept but nothing is sent (the port sends it when idle again).
  emu_->hook(1, true);
  ASSERT_TRUE(run_until([&] { return l.off_hook(); }));
  l.send_mwi(true);
  EXPECT_TRUE(l.message_waiting());
  EXPECT_EQ(c.cid[0].text, "off");
}

TEST_F(TapiLines, RingingWithoutCallerIdAndOnANoringPort) {
  cfg_.general.cid.clear();
  config::Port p;
  p.id = 1;
  p.noring = true;
  cfg_.ports.push_back(p);
  ASSERT_TRUE(start()) << error_;
  dsp::CallerId cid{.number = "123", .name = ""};
  backend_->lines()[0]->ring(cid);
  EXPECT_TRUE(emu_->channel(0).ringing);
  EXPECT_TRUE(emu_->channel(0).cid.empty());
  EXPECT_EQ(emu_->channel(0).cid_standard, -1);  // no `cid`: the generator is not configured
  backend_->lines()[1]->ring(std::nullopt);
  EXPECT_FALSE(emu_->channel(1).ringing);
  backend_->lines()[0]->stop_ring();
  EXPECT_FALSE(emu_->channel(0).ringing);
  EXPECT_FALSE(backend_->lines()[0]->ringing());
}

TEST_F(TapiLines, FeedFaxTonesAndUnknownEvents) {
  std::vector<std::string> logged;
  log::set_level(log::kNotice);
  log::set_capture([&](int, const std::string& l) { logged.push_back(l); });
  ASSERT_TRUE(start()) << error_;
  attach_ports();
  backend_->lines()[0]->set_feed(LineFeed::reversed);
  EXPECT_EQ(emu_->channel(0).feed, kFeedActiveReversed);
  // From power down the VMMC goes to standby only: owsip passes through it on the way up.
  backend_->lines()[0]->set_feed(LineFeed::disabled);
  backend_->lines()[0]->set_feed(LineFeed::active);
  EXPECT_EQ(emu_->channel(0).feed, kFeedActive);
  EXPECT_EQ(std::vector<std::string>(emu_->calls().end() - 3, emu_->calls().end()),
            (std::vector<std::string>{"ch0 IFX_TAPI_LINE_FEED_SET", "ch0 IFX_TAPI_LINE_FEED_SET",
                                      "ch0 IFX_TAPI_LINE_FEED_SET"}));
  emu_->hook(0, true);
  emu_->fax_tone(0, kEvFaxCngFax);
  emu_->fax_tone(0, kEvFaxV21Low);
  emu_->raw_event(0, 0x77000042);                // an event type the driver does not have
  emu_->raw_event(0, kEvCidTxSeqEnd);
  emu_->raw_event(0, kEvFaultLineOvertemp);
  emu_->pulse(0, '4');
  ASSERT_TRUE(run_until([&] { return events_.size() == 4; }));
  log::set_capture(nullptr);
  log::set_level(log::kErr);
  const std::vector<std::string> want = {"port0 off_hook", "port0 fax_tone cng",
                                         "port0 fax_tone ced", "port0 digit 4 (pulse)"};
  EXPECT_EQ(events_, want);
  auto has = [&](const char* what) {
    return std::any_of(logged.begin(), logged.end(),
                       [&](const std::string& l) { return l.find(what) != std::string::npos; });
  };
  EXPECT_TRUE(has("unknown TAPI event 0x77000042 ch0")) << ::testing::PrintToString(logged);
  EXPECT_TRUE(has("driver reports a fault: FAULT_LINE_OVERTEMP ch0"));
}

}  // namespace
}  // namespace owsip::line::tapi
