// What a call asks of the DSP beyond its coder, on the emulated device:
// - voice-band data (fax pass-through, issue 19): the channel goes to data settings (echo
//   canceller off, fixed jitter buffer with data packet adaptation, VAD off, the phone's tones
//   left in the voice) and back to the voice settings when the call ends;
// - keys by SIP INFO (account `dtmf info`, issue 17): the DSP sends neither RFC 4733 events
//   nor the tone (IFX_TAPI_PKT_EV_OOB_BLOCK);
// - every RTP configuration names an event payload type, which drv_vmmc demands.
//
// The values the emulator decodes are those of the vendor's header, written here as literals
// with their place ([T] drv_tapi 3.6.1 include/drv_tapi_io.h, SigrandLLC/sg17_firmware,
// package/drv-tapi/drv_tapi-3.6.1; [V] drv_vmmc 1.10.2.2, dl/drv_vmmc-1.10.2.2.tar.gz of
// uwehermann/easybox-904-xdsl-firmware), not owsip's names, so a wrong value in tapi_io.h fails
// here. [V] facts used: src/drv_vmmc_cod.c:4184-4206 (VMMC_COD_baseConf: VAD on by default),
// :1097-1161 (VAD_Cfg accepts 0..4), :2135-2200 (JB_Cfg: FIXED/ADAPTIVE, VOICE/DATA/DATA_NO_REP);
// src/drv_vmmc_sig.c:458-483 (RTP_OOB_Cfg refuses event PT 0), src/drv_vmmc_sig_dtmfg.c:351-381
// (BLOCK: tone suppression on, no events). Data settings as Lantiq's tapidemo 5.1.1.0
// src/lib_tapi_signal.c:665-782 (fixed data buffer, NOVAD; its restore at :910-1054).

#include <gtest/gtest.h>

#include "line/tapi/tapi_rtp_device.h"
#include "line/tapi/tapi_test_fixture.h"
#include "media/device_path.h"
#include "media/media_config.h"
#include "media/media_session.h"
#include "media/software_path.h"

namespace owsip::line::tapi {
namespace {

// [T] IFX_TAPI_WLEC_TYPE_t (line 4015): OFF 0, NE 1, NFE 2.
constexpr int32_t kWlecOff = 0, kWlecNe = 1, kWlecNfe = 2;
// [T] IFX_TAPI_JB_TYPE_t (line 4992): FIXED 1, ADAPTIVE 2; IFX_TAPI_JB_PKT_ADAPT_t (line
// 5005-5007): VOICE 2, DATA 3.
constexpr int32_t kJbTypeFixed = 1, kJbTypeAdaptive = 2, kJbVoice = 2, kJbData = 3;
// [T] IFX_TAPI_ENC_VAD_t (lines 4949-4965): NOVAD 0, ON 1.
constexpr int32_t kNoVad = 0, kVadOnDefault = 1;
// [T] IFX_TAPI_PKT_EV_OOB_t (lines 5011-5023): NO 1, ONLY 2, BLOCK 4;
// IFX_TAPI_PKT_EV_OOBPLAY_t (lines 5026-5038): PLAY 1, MUTE 2.
constexpr uint8_t kEvNo = 1, kEvOnly = 2, kEvBlock = 4, kPlay = 1, kMute = 2;

media::NegotiatedMedia pcmu(int event_pt) {
  media::NegotiatedMedia m;
  m.codec = media::CodecId::pcmu;
  m.pt = 0;
  m.receive = {{0, media::CodecId::pcmu}};
  m.event_pt = event_pt;
  return m;
}

class TapiDspModes : public testing::TapiFixture {
 protected:
  // The emulator's record of the requests since the last mark, without the channel prefix.
  std::vector<std::string> requests_since_mark() {
    std::vector<std::string> out;
    for (const std::string& c : emu_->calls()) out.push_back(c.substr(c.find(' ') + 1));
    return out;
  }
  void mark() { emu_->clear_calls(); }

  // The voice settings of the default configuration: near- and far-end canceller, adaptive
  // voice buffer 60 ms in 20..160 ms (125 us units), no VAD.
  void expect_voice(const EmulatedTapi::Channel& c) {
    EXPECT_EQ(c.ec_type, kWlecNfe);
    EXPECT_EQ(c.jb_type, kJbTypeAdaptive);
    EXPECT_EQ(c.jb_adapt, kJbVoice);
    EXPECT_EQ(c.jb_initial, 480);
    EXPECT_EQ(c.jb_min, 160);
    EXPECT_EQ(c.jb_max, 1280);
    EXPECT_EQ(c.vad, kNoVad);
  }

  media::RtpPortAllocator ports_{0};
};

TEST_F(TapiDspModes, TheChannelStartsWithoutVadWhichTheDriverWouldHaveOn) {
  EmulatedTapi idle({});  // what drv_vmmc sets up by itself (VMMC_COD_baseConf): VAD on
  EXPECT_EQ(idle.channel(0).vad, kVadOnDefault);
  ASSERT_TRUE(start()) << error_;
  expect_voice(emu_->channel(0));
  expect_voice(emu_->channel(1));
}

TEST_F(TapiDspModes, FaxPassThroughPutsTheChannelInDataModeAndTheEndBringsVoiceBack) {
  ASSERT_TRUE(start()) << error_;
  auto dev = backend_->line_on_channel(0)->open_rtp_device();
  dev->set_voiceband_data(true);
  mark();
  ASSERT_TRUE(dev->start(pcmu(101), [](std::span<const uint8_t>) {}));
  // Data settings before the coder runs, then the coder as in any call.
  EXPECT_EQ(requests_since_mark(),
            (std::vector<std::string>{"IFX_TAPI_PKT_RTP_PT_CFG_SET", "IFX_TAPI_ENC_CFG_SET",
                                      "IFX_TAPI_PKT_RTP_CFG_SET", "IFX_TAPI_WLEC_PHONE_CFG_SET",
                                      "IFX_TAPI_JB_CFG_SET", "IFX_TAPI_ENC_VAD_CFG_SET",
                                      "IFX_TAPI_ENC_START", "IFX_TAPI_DEC_START",
                                      "IFX_TAPI_LINE_FEED_SET"}));
  const auto& c = emu_->channel(0);
  EXPECT_EQ(c.ec_type, kWlecOff);
  EXPECT_EQ(c.jb_type, kJbTypeFixed);
  EXPECT_EQ(c.jb_adapt, kJbData);
  EXPECT_EQ(c.jb_initial, 480);  // 60 ms of play-out delay, fixed
  EXPECT_EQ(c.vad, kNoVad);
  // A modem signal that looks like a key stays in the voice: no events, no suppression.
  EXPECT_EQ(c.rtp_events, kEvNo);
  EXPECT_EQ(c.rtp_play_events, kPlay);  // the peer's events are still played
  EXPECT_TRUE(c.encoding);

  // A re-INVITE in data mode reprograms the coder, not the settings again.
  mark();
  ASSERT_TRUE(dev->start(pcmu(101), [](std::span<const uint8_t>) {}));
  for (const std::string& r : requests_since_mark()) {
    EXPECT_NE(r, "IFX_TAPI_WLEC_PHONE_CFG_SET");
    EXPECT_NE(r, "IFX_TAPI_JB_CFG_SET");
  }

  // The call ends: the channel is back in voice for the next one.
  mark();
  dev.reset();
  EXPECT_FALSE(c.encoding);
  expect_voice(c);
  EXPECT_EQ(requests_since_mark(),
            (std::vector<std::string>{"IFX_TAPI_ENC_STOP", "IFX_TAPI_DEC_STOP",
                                      "IFX_TAPI_WLEC_PHONE_CFG_SET", "IFX_TAPI_JB_CFG_SET",
                                      "IFX_TAPI_ENC_VAD_CFG_SET"}));
  // A voice call afterwards sends none of them.
  auto next = backend_->line_on_channel(0)->open_rtp_device();
  mark();
  ASSERT_TRUE(next->start(pcmu(101), [](std::span<const uint8_t>) {}));
  EXPECT_EQ(requests_since_mark().size(), 6u);  // PT, ENC, RTP, ENC/DEC start, feed
  EXPECT_EQ(c.rtp_events, kEvOnly);
}

TEST_F(TapiDspModes, AVoiceCallTouchesNoneOfTheSettings) {
  ASSERT_TRUE(start()) << error_;
  auto dev = backend_->line_on_channel(1)->open_rtp_device();
  mark();
  ASSERT_TRUE(dev->start(pcmu(101), [](std::span<const uint8_t>) {}));
  dev.reset();
  for (const std::string& r : requests_since_mark()) {
    EXPECT_NE(r, "IFX_TAPI_WLEC_PHONE_CFG_SET");
    EXPECT_NE(r, "IFX_TAPI_JB_CFG_SET");
    EXPECT_NE(r, "IFX_TAPI_ENC_VAD_CFG_SET");
  }
  expect_voice(emu_->channel(1));
}

TEST_F(TapiDspModes, AFaxCallReturnsToThePortsOwnEchoCancellerAndBuffer) {
  cfg_.general.jb_min = 80;
  cfg_.general.jb_max = 200;
  config::Port p;
  p.id = 0;
  p.echo_canceller = "nlec";
  p.ec_window = 8;
  cfg_.ports.push_back(p);
  ASSERT_TRUE(start()) << error_;
  auto dev = backend_->line_on_channel(0)->open_rtp_device();
  dev->set_voiceband_data(true);
  ASSERT_TRUE(dev->start(pcmu(-1), [](std::span<const uint8_t>) {}));
  const auto& c = emu_->channel(0);
  EXPECT_EQ(c.ec_type, kWlecOff);
  EXPECT_EQ(c.ec_window_near, 0);
  EXPECT_EQ(c.jb_initial, 80 * 8);  // 60 ms is below jb_min: the buffer starts at jb_min
  dev.reset();
  EXPECT_EQ(c.ec_type, kWlecNe);
  EXPECT_EQ(c.ec_window_near, 8);
  EXPECT_EQ(c.jb_type, kJbTypeAdaptive);
  EXPECT_EQ(c.jb_min, 80 * 8);
  EXPECT_EQ(c.jb_max, 200 * 8);
}

// The jitter buffer request of the switch to data is refused: the call does not start, and
// what was already switched (the echo canceller) goes back to voice with the device.
TEST_F(TapiDspModes, ASwitchToDataThatFailsHalfWayIsUndone) {
  ASSERT_TRUE(start()) << error_;
  auto dev = backend_->line_on_channel(0)->open_rtp_device();
  dev->set_voiceband_data(true);
  emu_->refuse_next(0, io::kJbCfgSet);
  EXPECT_FALSE(dev->start(pcmu(101), [](std::span<const uint8_t>) {}));
  const auto& c = emu_->channel(0);
  EXPECT_EQ(c.ec_type, kWlecOff);
  dev.reset();
  expect_voice(c);
}

// Through the call's media session: the far end's offer with a=silenceSupp:off switches the
// DSP (MediaSession -> DevicePath -> TapiRtpDevice); destroying the session restores voice.
TEST_F(TapiDspModes, AVoiceBandDataOfferSwitchesTheDspThroughTheMediaSession) {
  ASSERT_TRUE(start()) << error_;
  media::MediaSettings s;
  s.bind_ip = "127.0.0.1";
  auto dsp = media::MediaSession::create(
      loop_, ports_, s,
      std::make_unique<media::DevicePath>(backend_->line_on_channel(0)->open_rtp_device()));
  ASSERT_TRUE(dsp) << dsp.message();
  auto peer = media::MediaSession::create(loop_, ports_, s,
                                          std::make_unique<media::SoftwarePath>(loop_.clock()));
  ASSERT_TRUE(peer) << peer.message();
  auto offer = (*dsp)->create_offer();
  ASSERT_TRUE(offer);
  auto answer = (*peer)->answer_offer(*offer);
  ASSERT_TRUE(answer);
  ASSERT_TRUE((*dsp)->accept_answer(*answer));
  const auto& c = emu_->channel(0);
  EXPECT_EQ(c.jb_type, kJbTypeAdaptive);  // a voice call
  EXPECT_EQ(c.rtp_events, kEvOnly);

  (*peer)->set_voiceband_data(true);  // the far end's fax tone: its re-INVITE
  auto vbd_offer = (*peer)->create_offer();
  ASSERT_TRUE(vbd_offer);
  auto vbd_answer = (*dsp)->answer_offer(*vbd_offer);
  ASSERT_TRUE(vbd_answer) << vbd_answer.message();
  EXPECT_TRUE((*dsp)->voiceband_data());
  EXPECT_EQ(c.ec_type, kWlecOff);
  EXPECT_EQ(c.jb_type, kJbTypeFixed);
  EXPECT_EQ(c.jb_adapt, kJbData);
  EXPECT_EQ(c.vad, kNoVad);
  EXPECT_EQ(c.rtp_events, kEvNo);

  dsp->reset();
  expect_voice(c);
}

TEST_F(TapiDspModes, KeysByInfoBlockBothTheEventsAndTheTone) {
  ASSERT_TRUE(start()) << error_;
  auto dev = backend_->line_on_channel(0)->open_rtp_device();
  dev->set_keys_by_info(true);
  ASSERT_TRUE(dev->start(pcmu(101), [](std::span<const uint8_t>) {}));
  const auto& c = emu_->channel(0);
  EXPECT_EQ(c.rtp_events, kEvBlock);    // neither out of band nor in band
  EXPECT_EQ(c.rtp_play_events, kPlay);  // the peer's events are still played to the phone
  EXPECT_EQ(c.event_pt, 101);
  // Without telephone-event in the call, the same.
  ASSERT_TRUE(dev->start(pcmu(-1), [](std::span<const uint8_t>) {}));
  EXPECT_EQ(c.rtp_events, kEvBlock);
  EXPECT_EQ(c.rtp_play_events, kMute);
  EXPECT_NE(c.event_pt, 0);
}

// The account's `dtmf info` reaches the DSP: sdp_settings -> MediaSession -> DevicePath.
TEST_F(TapiDspModes, AnAccountWithDtmfInfoProgramsTheDspToBlockKeys) {
  ASSERT_TRUE(start()) << error_;
  config::Account acc;
  acc.key = "a1";
  acc.codecs = "pcmu pcma";
  acc.dtmf = "info";
  auto sdp = media::sdp_settings(cfg_.general, acc);
  ASSERT_TRUE(sdp) << sdp.message();
  EXPECT_TRUE(sdp->keys_by_info);
  media::MediaSettings s;
  s.bind_ip = "127.0.0.1";
  s.sdp = *sdp;
  auto dsp = media::MediaSession::create(
      loop_, ports_, s,
      std::make_unique<media::DevicePath>(backend_->line_on_channel(1)->open_rtp_device()));
  ASSERT_TRUE(dsp) << dsp.message();
  media::MediaSettings ps;
  ps.bind_ip = "127.0.0.1";
  auto peer = media::MediaSession::create(loop_, ports_, ps,
                                          std::make_unique<media::SoftwarePath>(loop_.clock()));
  ASSERT_TRUE(peer);
  auto offer = (*peer)->create_offer();
  ASSERT_TRUE(offer);
  ASSERT_TRUE((*dsp)->answer_offer(*offer));
  EXPECT_EQ(emu_->channel(1).rtp_events, kEvBlock);

  acc.dtmf = "rfc4733";
  EXPECT_FALSE(media::sdp_settings(cfg_.general, acc)->keys_by_info);
}

// drv_vmmc refuses an event payload type of 0 whatever nEvents says: a call without
// telephone-event (and an internal call) still names one, and no events are sent or played.
TEST_F(TapiDspModes, ACallWithoutTelephoneEventNamesAnUnusedEventPayloadType) {
  ASSERT_TRUE(start()) << error_;
  auto dev = backend_->line_on_channel(0)->open_rtp_device();
  ASSERT_TRUE(dev->start(pcmu(-1), [](std::span<const uint8_t>) {}));
  const auto& c = emu_->channel(0);
  EXPECT_EQ(c.rtp_events, kEvNo);  // the keys in the voice
  EXPECT_EQ(c.rtp_play_events, kMute);
  EXPECT_EQ(c.event_pt, 0x62);  // svd's choice for the same case
}

}  // namespace
}  // namespace owsip::line::tapi
