// owsip's ioctl trace for each step docs/HARDWARE.md documents (start-up, ringing with and
// without caller ID in every standard, tones, off-hook, digits, flash, fax tones, a G.711 and
// a G.722 call, on-hook) must stay what the document shows: the test runs each step on the
// emulated device with the `-v 7` trace on and compares it with the ```trace <step> block of
// docs/HARDWARE.md. Run with OWSIP_PRINT_TRACES=1 to print the traces (to update the document
// after a deliberate change).

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "core/log.h"
#include "line/tapi/tapi_rtp_device.h"
#include "line/tapi/tapi_test_fixture.h"

namespace owsip::line::tapi {
namespace {

using Trace = std::vector<std::string>;

// The ```trace <name> blocks of docs/HARDWARE.md.
std::map<std::string, Trace> documented() {
  std::ifstream in(std::string(OWSIP_SOURCE_DIR) + "/docs/HARDWARE.md");
  std::map<std::string, Trace> out;
  std::string line, name;
  while (std::getline(in, line)) {
    if (name.empty() && line.rfind("```trace ", 0) == 0) {
      name = line.substr(9);
      out[name];
    } else if (!name.empty() && line == "```") {
      name.clear();
    } else if (!name.empty()) {
      out[name].push_back(line);
    }
  }
  return out;
}

class TapiTrace : public testing::TapiFixture {
 protected:
  void SetUp() override {
    TapiFixture::SetUp();
    log::set_level(log::kDebug);
    log::set_capture([this](int, const std::string& l) {
      static const std::string kTag = "line.tapi.io: ";
      if (l.rfind(kTag, 0) == 0 && l.find(" open ") == std::string::npos)
        trace_.push_back(normalised(l.substr(kTag.size())));
    });
  }
  void TearDown() override {
    log::set_capture(nullptr);
    log::set_level(log::kErr);
    TapiFixture::TearDown();
  }
  // The test's temporary directory and the random RTP header fields are not part of a trace.
  std::string normalised(std::string l) const {
    for (size_t p; (p = l.find(dir_.string())) != std::string::npos;)
      l.replace(p, dir_.string().size(), "");
    static const std::regex kRandom("(ssrc=0x)[0-9a-f]+|(seq=)[0-9]+");
    return std::regex_replace(l, kRandom, "$1$2*");
  }
  void check(const std::string& step) {
    if (std::getenv("OWSIP_PRINT_TRACES")) {
      std::printf("```trace %s\n", step.c_str());
      for (const auto& l : trace_) std::printf("%s\n", l.c_str());
      std::printf("```\n\n");
    }
    const auto docs = documented();
    const auto it = docs.find(step);
    ASSERT_NE(it, docs.end()) << "docs/HARDWARE.md has no ```trace " << step << " block";
    EXPECT_EQ(trace_, it->second) << step;
  }
  // Started with only channel 0's lines (and the device's) kept.
  void start_quiet() {
    ASSERT_TRUE(start()) << error_;
    trace_.clear();
  }
  dsp::CallerId alice() const {
    dsp::CallerId cid{.number = "0301234567", .name = "Alice",
        .month = 11, .day = 28, .hour = 9, .minute = 5};
    return cid;
  }
  // A call's coder from start to end; `vbd`: voice-band data, `info`: keys by SIP INFO.
  void call(media::CodecId codec, int pt, bool vbd = false, bool info = false,
            int event_pt = 101) {
    auto dev = backend_->line_on_channel(0)->open_rtp_device();
    media::NegotiatedMedia m;
    m.codec = codec;
    m.pt = pt;
    m.receive = {{pt, codec}};
    m.event_pt = event_pt;
    dev->set_voiceband_data(vbd);
    dev->set_keys_by_info(info);
    ASSERT_TRUE(dev->start(m, [](std::span<const uint8_t>) {}));
    dev.reset();
  }
  Trace trace_;
};

TEST_F(TapiTrace, Startup) {
  ASSERT_TRUE(start()) << error_;
  Trace device_and_ch0;
  for (const auto& l : trace_)
    if (l.rfind("/dev/vmmc12", 0) != 0) device_and_ch0.push_back(l);
  trace_ = device_and_ch0;
  check("startup");
}

TEST_F(TapiTrace, RingWithoutCallerIdUntilAnswered) {
  cfg_.general.cid.clear();
  start_quiet();
  backend_->lines()[0]->ring(std::nullopt);
  emu_->hook(0, true);
  ASSERT_TRUE(run_until([&] { return backend_->lines()[0]->off_hook(); }));
  check("ring");
}

TEST_F(TapiTrace, RingWithCallerIdInEveryStandard) {
  for (const char* standard :
       {"telecordia", "etsi_fsk", "etsi_dtmf", "sin", "ntt", "kpn_dtmf", "kpn_dtmf_fsk"}) {
    SCOPED_TRACE(standard);
    cfg_.general.cid = standard;
    ASSERT_TRUE(start()) << error_;
    Trace cfg;
    for (const auto& l : trace_)
      if (l.rfind("/dev/vmmc11 IFX_TAPI_CID_CFG_SET", 0) == 0) cfg.push_back(l);
    trace_ = cfg;
    backend_->lines()[0]->ring(alice());
    check(std::string("ring_cid_") + standard);
    backend_.reset();
    trace_.clear();
  }
}

TEST_F(TapiTrace, TonesOffHookDigitsFlashAndFaxTones) {
  start_quiet();
  Line& l = *backend_->lines()[0];
  emu_->hook(0, true);
  ASSERT_TRUE(run_until([&] { return l.off_hook(); }));
  l.play_tone(ToneKind::dial);
  emu_->dtmf(0, '5');
  emu_->pulse(0, '0');
  emu_->flash(0);
  l.stop_tone();
  l.play_tone(ToneKind::busy);
  emu_->fax_tone(0, 0x35000002);  // CED
  emu_->fax_tone(0, 0x35000008);  // CNG
  emu_->fax_tone(0, 0x3500000a);  // V.21 flags
  run_for(30);
  check("offhook_digits_tones_fax");
}

TEST_F(TapiTrace, G711CallAndOnHook) {
  start_quiet();
  call(media::CodecId::pcma, 8);
  emu_->hook(0, true);
  ASSERT_TRUE(run_until([&] { return backend_->lines()[0]->off_hook(); }));
  emu_->hook(0, false);
  ASSERT_TRUE(run_until([&] { return !backend_->lines()[0]->off_hook(); }));
  backend_->lines()[0]->set_feed(LineFeed::standby);
  check("call_g711_onhook");
}

TEST_F(TapiTrace, G722Call) {
  start_quiet();
  call(media::CodecId::g722, 9);
  check("call_g722");
}

TEST_F(TapiTrace, FaxPassThroughCall) {
  start_quiet();
  call(media::CodecId::pcmu, 0, true);
  check("call_fax_passthrough");
}

TEST_F(TapiTrace, KeysByInfoAndACallWithoutTelephoneEvent) {
  start_quiet();
  call(media::CodecId::pcma, 8, false, true);
  call(media::CodecId::pcma, 8, false, false, -1);
  check("call_keys_by_info_and_no_events");
}

TEST_F(TapiTrace, NothingIsTracedBelowDebug) {
  log::set_level(log::kInfo);  // -v 6
  ASSERT_TRUE(start()) << error_;
  backend_->lines()[0]->ring(std::nullopt);
  EXPECT_TRUE(trace_.empty());
}

}  // namespace
}  // namespace owsip::line::tapi
