// What the phone hears on the line: ringing, feed, caller ID, tones; and WAV in and out.
#include "line/sim/virtual_phone.h"

#include <gtest/gtest.h>

#include "line/dsp/level.h"
#include "line/sim/virtual_phone_test_support.h"

namespace owsip::line::sim {
namespace {

using namespace phone_test;

TEST_F(VirtualPhoneTest, RingAndFeedEvents) {
  auto p = phone();
  daemon_->send(encode_feed(LineFeed::reversed));
  daemon_->send(encode_ring(true));
  Timer t1(loop_), t2(loop_);
  t1.start(200, [&] { daemon_->send(encode_ring(false)); });
  t2.start(500, [&] { daemon_->send(encode_ring(true)); });
  EXPECT_TRUE(run_until([&] { return of_kind(PhoneEvent::Kind::ring).size() >= 3; }, 2000));
  auto feed = of_kind(PhoneEvent::Kind::feed);
  ASSERT_EQ(feed.size(), 1u);
  EXPECT_EQ(feed[0].json(), R"({"event":"feed","feed":"reversed"})");
  EXPECT_EQ(p->feed(), LineFeed::reversed);
  auto ring = of_kind(PhoneEvent::Kind::ring);
  ASSERT_EQ(ring.size(), 3u);
  EXPECT_TRUE(ring[0].on);
  EXPECT_FALSE(ring[1].on);
  EXPECT_NEAR(ring[1].ms, 200, 15);
  EXPECT_TRUE(ring[2].on);
  EXPECT_NEAR(ring[2].ms, 300, 15);
  EXPECT_EQ(ring[1].json(),
            R"({"event":"ring","on":false,"ms":)" + std::to_string(ring[1].ms) + "}");
  EXPECT_TRUE(p->ringing());
  // Not NTT: ringing on a reversed line is not answered by the phone.
  EXPECT_TRUE(daemon_->hooks.empty());
}

TEST_F(VirtualPhoneTest, OnHookCallerIdIsDecoded) {
  for (int rate : {8000, 16000}) {
    SCOPED_TRACE(rate);
    daemon_ = std::make_unique<FakeDaemon>(socket_path_);
    daemon_->listen();
    daemon_->cid = "etsi_fsk";
    events_.clear();
    auto p = phone(rate);
    auto audio = dsp::render_plan(dsp::ring_plan(dsp::CidStandard::etsi_fsk, alice(), 200));
    daemon_->play(rate == 16000 ? upsampled(audio) : audio);
    EXPECT_TRUE(run_until([&] { return !of_kind(PhoneEvent::Kind::cid).empty(); }, 4000));
    auto cid = of_kind(PhoneEvent::Kind::cid);
    ASSERT_EQ(cid.size(), 1u);
    EXPECT_EQ(cid[0].caller, alice());
    EXPECT_EQ(cid[0].json(),
              R"({"event":"cid","number":"0301234567","name":"ALICE SMITH","time":"03-14 09:26"})");
    ASSERT_TRUE(p->last_cid());
  }
}

TEST_F(VirtualPhoneTest, WithheldCallerIdJson) {
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::cid;
  e.caller.absence = dsp::CidAbsence::withheld;
  EXPECT_EQ(e.json(), R"({"event":"cid","number":"","name":"","absence":"withheld"})");
  e.kind = PhoneEvent::Kind::tone;
  EXPECT_EQ(e.json(), R"({"event":"tone","freqs":[]})");
  e.tone.steps = {{{950}, 330}, {{1400}, 330}, {{1800}, 330}, {{}, 1000}};
  e.tone.level_dbm0 = -13.04;
  EXPECT_EQ(e.json(),
            R"({"event":"tone","freqs":[950,1400,1800],"cadence":[330,330,330,1000],)"
            R"("level_dbm0":-13.0,"steps":[{"freqs":[950],"ms":330},{"freqs":[1400],"ms":330},)"
            R"({"freqs":[1800],"ms":330},{"freqs":[],"ms":1000}]})");
  e.kind = PhoneEvent::Kind::error;
  e.text = "a\"b\\c\nd\x01";
  EXPECT_EQ(e.json(), R"({"event":"error","message":"a\"b\\c\nd\u0001"})");
}

TEST_F(VirtualPhoneTest, ToneEventsFromTheEarpiece) {
  auto p = phone();
  daemon_->play(tone_gen_pcm(425, -13, 480, 480, 2900));
  EXPECT_TRUE(run_until([&] { return !of_kind(PhoneEvent::Kind::tone).empty(); }, 3500));
  auto tones = of_kind(PhoneEvent::Kind::tone);
  ASSERT_EQ(tones.size(), 1u);
  EXPECT_EQ(tones[0].tone.freqs(), (std::vector<uint16_t>{425}));
  auto cad = tones[0].tone.cadence();
  ASSERT_EQ(cad.size(), 2u);
  EXPECT_NEAR(cad[0], 480, 20);
  EXPECT_NEAR(cad[1], 480, 20);
  EXPECT_NE(tones[0].json().find(R"("freqs":[425],"cadence":[)"), std::string::npos)
      << tones[0].json();
  ASSERT_NE(p->tone_analyzer(), nullptr);
  EXPECT_TRUE(p->tone_analyzer()->matches(find_tone_set("germany")->busy));
  // Then silence: the tone stops.
  EXPECT_TRUE(run_until([&] { return of_kind(PhoneEvent::Kind::tone).size() >= 2; }, 1500));
  EXPECT_EQ(of_kind(PhoneEvent::Kind::tone)[1].json(), R"({"event":"tone","freqs":[]})");
}

TEST_F(VirtualPhoneTest, NttPrimaryResponseLoopsTheLineForCallerId) {
  daemon_->cid = "ntt";
  auto p = phone();
  // The FSK part of an NTT plan, sent once the phone has looped the line.
  std::vector<int16_t> fsk;
  for (const auto& step : dsp::ring_plan(dsp::CidStandard::ntt, alice(), 1000))
    if (step.kind == dsp::CidStep::Kind::audio) fsk = step.pcm;
  ASSERT_FALSE(fsk.empty());
  uint64_t car_us = 0;
  daemon_->on_message = [&](const Message& m) {
    if (m.type == Message::Type::hook && m.on) {
      daemon_->send(encode_ring(false));
      daemon_->play(std::vector<int16_t>(800, 0));  // 100 ms, as the plan waits
      daemon_->play(fsk);
    }
  };
  daemon_->send(encode_feed(LineFeed::reversed));
  car_us = now_us();
  daemon_->send(encode_ring(true));
  EXPECT_TRUE(run_until([&] { return daemon_->hooks.size() >= 2; }, 4000));
  const auto& h = daemon_->hooks;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_TRUE(h[0].off);
  EXPECT_LE(double(h[0].us - car_us) / 1000, 100);  // primary response within 100 ms
  EXPECT_FALSE(h[1].off);                           // released after the message
  auto cid = of_kind(PhoneEvent::Kind::cid);
  ASSERT_EQ(cid.size(), 1u);
  EXPECT_EQ(cid[0].caller.number, "0301234567");
  EXPECT_EQ(cid[0].caller.name, "ALICE SMITH");
  auto pr = of_kind(PhoneEvent::Kind::primary_response);
  ASSERT_EQ(pr.size(), 2u);
  EXPECT_EQ(pr[0].json(), R"({"event":"primary_response","loop":"closed"})");
  EXPECT_EQ(pr[1].json(), R"({"event":"primary_response","loop":"open"})");
  EXPECT_FALSE(p->off_hook());  // the user never lifted the handset
  EXPECT_FALSE(p->loop_closed());
}

TEST_F(VirtualPhoneTest, NttPrimaryResponseEndsAfterThreeSecondsWithoutMessage) {
  daemon_->cid = "ntt";
  auto p = phone();
  daemon_->send(encode_feed(LineFeed::reversed));
  daemon_->send(encode_ring(true));
  EXPECT_TRUE(run_until([&] { return daemon_->hooks.size() >= 2; }, 4500));
  const auto& h = daemon_->hooks;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_NEAR(double(h[1].us - h[0].us) / 1000, 3000, 40);
}

TEST_F(VirtualPhoneTest, OffHookCallerIdIsAcknowledgedAndDecoded) {
  daemon_->cid = "etsi_fsk";
  auto p = phone();
  p->offhook();
  ASSERT_TRUE(run_until([&] { return !daemon_->hooks.empty(); }, 1000));
  auto plan = dsp::offhook_plan(dsp::CidStandard::etsi_fsk, alice());
  ASSERT_GE(plan.size(), 4u);
  ASSERT_EQ(plan[0].kind, dsp::CidStep::Kind::audio);  // the CAS
  ASSERT_EQ(plan[1].kind, dsp::CidStep::Kind::await_ack);
  const size_t mic_before = daemon_->mic.size();
  const size_t frames_before = daemon_->frame_us.size();
  daemon_->play(plan[0].pcm);
  // When the frame carrying the end of the CAS went out, and when the phone answered.
  const size_t cas_frames = (plan[0].pcm.size() + 159) / 160;
  EXPECT_TRUE(run_until(
      [&] { return dtmf_digits(daemon_->mic, 8000).find('D') != std::string::npos; }, 1500));
  ASSERT_GE(daemon_->earpiece_sent_us.size(), cas_frames);
  const uint64_t cas_end_us = daemon_->earpiece_sent_us[cas_frames - 1];
  size_t first_loud = 0;
  for (size_t i = mic_before; i < daemon_->mic.size(); ++i)
    if (daemon_->mic[i] != 0) {
      first_loud = i;
      break;
    }
  ASSERT_GT(first_loud, 0u);
  const uint64_t ack_us = daemon_->frame_us[frames_before + (first_loud - mic_before) / 160];
  EXPECT_LE(double(ack_us - cas_end_us) / 1000, 100);
  ASSERT_EQ(of_kind(PhoneEvent::Kind::cas).size(), 1u);
  EXPECT_EQ(of_kind(PhoneEvent::Kind::cas)[0].json(), R"({"event":"cas","ack":"D"})");
  // The port heard the acknowledgement: the FSK follows.
  daemon_->play(std::vector<int16_t>(plan[2].ms * 8, 0));
  daemon_->play(plan[3].pcm);
  EXPECT_TRUE(run_until([&] { return !of_kind(PhoneEvent::Kind::cid).empty(); }, 3000));
  auto cid = of_kind(PhoneEvent::Kind::cid);
  ASSERT_EQ(cid.size(), 1u);
  EXPECT_EQ(cid[0].caller, alice());
}

TEST_F(VirtualPhoneTest, NoAcknowledgementOnHookOrWithoutCas) {
  daemon_->cid = "etsi_fsk";
  auto p = phone();
  auto plan = dsp::offhook_plan(dsp::CidStandard::etsi_fsk, alice());
  daemon_->play(plan[0].pcm);  // on hook: a phone does not answer the CAS
  run_for(300);
  p->offhook();
  daemon_->play(tone_gen_pcm(2130, -13, 1000, 0, 200));  // one of the two tones only
  run_for(400);
  EXPECT_TRUE(of_kind(PhoneEvent::Kind::cas).empty());
  for (int16_t s : daemon_->mic) ASSERT_EQ(s, 0);
}

TEST_F(VirtualPhoneTest, PlaysAndRecordsWavFiles) {
  auto p = phone();
  // A WAV to play: 300 ms of a ramp the fake daemon can compare sample by sample.
  const std::string in = file("in.wav");
  std::vector<int16_t> ramp(2400);
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<int16_t>(i * 7 - 8000);
  {
    dsp::WavWriter w;
    ASSERT_TRUE(w.open(in, 8000));
    ASSERT_TRUE(w.write(ramp));
    ASSERT_TRUE(w.close());
  }
  const std::string out = file("out.wav");
  ASSERT_TRUE(p->record(out));
  p->offhook();
  ASSERT_TRUE(p->play(in));
  EXPECT_FALSE(p->play(dir_ + "/missing.wav"));
  auto earpiece = tone_gen_pcm(1000, -10, 1000, 0, 400);
  daemon_->play(earpiece);
  run_for(600);
  p->record("");  // stop: the file is complete
  run_for(30);

  // The microphone carried the ramp, whole and in order, after the hook went off.
  const auto& mic = daemon_->mic;
  auto it = std::search(mic.begin(), mic.end(), ramp.begin(), ramp.begin() + 10);
  ASSERT_NE(it, mic.end());
  ASSERT_GE(mic.end() - it, static_cast<std::ptrdiff_t>(ramp.size()));
  EXPECT_TRUE(std::equal(ramp.begin(), ramp.end(), it));
  EXPECT_TRUE(std::all_of(it + static_cast<std::ptrdiff_t>(ramp.size()), mic.end(),
                          [](int16_t s) { return s == 0; }));  // silence after the end

  // The recording holds what the earpiece got.
  auto rec = dsp::read_wav(out);
  ASSERT_TRUE(rec) << rec.message();
  EXPECT_EQ(rec->rate, 8000);
  auto r = std::search(rec->samples.begin(), rec->samples.end(), earpiece.begin(), earpiece.end());
  EXPECT_NE(r, rec->samples.end());
}

TEST_F(VirtualPhoneTest, MicrophoneToneHasItsLevel) {
  auto p = phone(16000);
  p->offhook();
  ASSERT_TRUE(p->tone(1000, -10));
  EXPECT_FALSE(p->tone(9000));
  run_for(300);
  const auto& mic = daemon_->mic;
  ASSERT_GT(mic.size(), 3200u);
  const std::vector<int16_t> last(mic.end() - 3200, mic.end());
  EXPECT_NEAR(dsp::dbm0(dsp::mean_square(last)), -10, 0.2);
}

}  // namespace
}  // namespace owsip::line::sim
