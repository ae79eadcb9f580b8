// Two virtual phones on the sim backend talking through two MediaSessions over RTP on
// 127.0.0.1: the whole software media path, from a microphone to the other earpiece, without SIP.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "config/telephony.h"
#include "line/backend.h"
#include "line/dsp/detectors.h"
#include "line/dsp/wav.h"
#include "line/sim/virtual_phone.h"
#include "line/sysfs.h"
#include "media/media_session.h"
#include "media/software_path.h"

namespace owsip::media {
namespace {

namespace fs = std::filesystem;
using line::sim::PhoneEvent;
using line::sim::VirtualPhone;

class MediaSimCall : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.init());
    char tmpl[] = "/tmp/owsip-media-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    cfg_.general.backend = "sim";
    cfg_.general.sim_socket = (dir_ / "sim.sock").string();
    sysfs_ = std::make_unique<line::Sysfs>((dir_ / "sys").string());
    line::BackendContext ctx{loop_, cfg_, *sysfs_};
    auto b = line::create_backend("sim", ctx);
    ASSERT_TRUE(b) << b.message();
    backend_ = std::move(*b);
  }
  void TearDown() override {
    for (auto* l : backend_->lines()) l->attach_audio(nullptr);
    sessions_.clear();
    phones_.clear();
    backend_.reset();
    fs::remove_all(dir_);
  }

  VirtualPhone& phone(int jack, int rate) {
    phones_.push_back(std::make_unique<VirtualPhone>(loop_));
    VirtualPhone& p = *phones_.back();
    p.set_event_handler([this, jack](const PhoneEvent& e) { events_.push_back({jack, e}); });
    EXPECT_TRUE(p.connect(cfg_.general.sim_socket, jack, rate));
    return p;
  }
  MediaSession& session(int jack, int rate, SdpSettings sdp = {}) {
    MediaSettings s;
    s.bind_ip = "127.0.0.1";
    s.sdp = std::move(sdp);
    s.tag = "media.port" + std::to_string(jack);
    SoftwarePathSettings ps;
    ps.line_rate = rate;
    auto r =
        MediaSession::create(loop_, ports_, s, std::make_unique<SoftwarePath>(loop_.clock(), ps));
    EXPECT_TRUE(r) << r.message();
    sessions_.push_back(std::move(*r));
    EXPECT_TRUE(backend_->lines()[static_cast<size_t>(jack)]->attach_audio(
        sessions_.back()->audio_endpoint()));
    return *sessions_.back();
  }
  void connect(MediaSession& a, MediaSession& b) {
    auto offer = a.create_offer();
    ASSERT_TRUE(offer);
    auto answer = b.answer_offer(*offer);
    ASSERT_TRUE(answer) << answer.message();
    ASSERT_TRUE(a.accept_answer(*answer));
  }
  void run_for(uint64_t ms) {
    Timer stop(loop_);  // also the guard
    stop.start(ms, [this] { loop_.stop(); });
    ASSERT_TRUE(loop_.run());
  }
  // The last "sound" the phone on `jack` reported hearing, in Hz (0: none).
  double heard_hz(int jack) const {
    double hz = 0;
    for (const auto& [j, e] : events_)
      if (j == jack && e.kind == PhoneEvent::Kind::audio) hz = e.freq_hz;
    return hz;
  }

  Loop loop_;
  fs::path dir_;
  config::Telephony cfg_;
  std::unique_ptr<line::Sysfs> sysfs_;
  std::unique_ptr<line::LineBackend> backend_;
  std::vector<std::unique_ptr<VirtualPhone>> phones_;
  std::vector<std::unique_ptr<MediaSession>> sessions_;
  std::vector<std::pair<int, PhoneEvent>> events_;
  RtpPortAllocator ports_{0};
};

TEST_F(MediaSimCall, NarrowbandAndWidebandPhonesHearEachOther) {
  VirtualPhone& p0 = phone(0, 8000);
  VirtualPhone& p1 = phone(1, 16000);
  MediaSession& s0 = session(0, 8000);
  MediaSession& s1 = session(1, 16000);  // G.722 first: the wideband phone's preference wins
  connect(s0, s1);
  EXPECT_EQ(s1.negotiated()->codec, CodecId::g722);
  p0.offhook();
  p1.offhook();
  ASSERT_TRUE(p0.tone(1000, -10));
  ASSERT_TRUE(p1.tone(6000, -10));  // more than the 8 kHz phone can hear
  run_for(2500);
  EXPECT_NEAR(heard_hz(1), 1000, 15);
  EXPECT_EQ(heard_hz(0), 0);  // 6 kHz does not exist at 8 kHz: filtered, not aliased
  EXPECT_LT(p0.earpiece_level_dbm0(), -50);
  // Now a tone the narrowband phone can hear.
  ASSERT_TRUE(p1.tone(3000, -10));
  run_for(1500);
  EXPECT_NEAR(heard_hz(0), 3000, 15);
  const MediaStats st = s0.stats();
  EXPECT_EQ(st.codec, "G722/8000");
  EXPECT_EQ(st.packets_lost, 0);
  EXPECT_GT(st.mos, 4.2);
}

TEST_F(MediaSimCall, DigitsDialledOnOnePhoneAreHeardOnTheOther) {
  VirtualPhone& p0 = phone(0, 8000);
  VirtualPhone& p1 = phone(1, 8000);
  MediaSession& s0 = session(0, 8000);
  MediaSession& s1 = session(1, 8000);
  connect(s0, s1);
  ASSERT_GE(s0.negotiated()->event_pt, 0);
  // The port's job in the daemon: a digit from the line goes out as a telephone-event.
  std::string detected;
  backend_->lines()[0]->set_event_handler([&](const line::LineEvent& e) {
    if (e.kind != line::LineEvent::Kind::digit) return;
    detected += e.digit;
    s0.send_dtmf(e.digit, 100);
  });
  std::string received;
  s1.set_dtmf_handler([&](const DtmfDigit& d) {
    if (d.ended) received += d.digit;
  });
  p0.offhook();
  p1.offhook();
  ASSERT_TRUE(p1.record((dir_ / "p1.wav").string()));
  p0.wait(300);
  ASSERT_TRUE(p0.dtmf("159#"));
  run_for(2000);
  p1.record("");
  EXPECT_EQ(detected, "159#");
  EXPECT_EQ(received, "159#");
  EXPECT_EQ(s0.stats().dtmf_sent, 4u);
  // What the phone on the other side heard: the same digits, once each.
  auto wav = line::dsp::read_wav((dir_ / "p1.wav").string());
  ASSERT_TRUE(wav) << wav.message();
  std::string heard;
  line::dsp::DtmfDetector det(wav->rate, [&](char d) { heard += d; });
  det.feed(wav->samples);
  EXPECT_EQ(heard, "159#");
}

}  // namespace
}  // namespace owsip::media
