#include "media/device_path.h"

#include <gtest/gtest.h>

#include "media/media_session.h"
#include "media/software_path.h"
#include "media/test_harness.h"

namespace owsip::media {
namespace {

using testing::ImpairmentRelay;
using testing::LinePump;
using testing::via_relay;

// A DSP channel as the Lantiq backend will drive it: it makes whole RTP packets (its own SSRC
// and sequence numbers) of a 1 kHz tone every 20 ms and takes packets to play.
class FakeDsp final : public RtpDevice {
 public:
  FakeDsp(Loop& loop, bool* stopped) : stopped_(stopped), timer_(loop) {}
  Capabilities capabilities() const override { return {{CodecId::pcma, CodecId::pcmu}, {8000}}; }
  Status start(const NegotiatedMedia& media, PacketHandler from_dsp) override {
    media_ = media;
    from_dsp_ = std::move(from_dsp);
    ++starts;
    tick();
    return Status::ok();
  }
  void stop() override {
    timer_.cancel();
    *stopped_ = true;
  }
  Status write_packet(std::span<const uint8_t> packet) override {
    RtpPacket p;
    if (parse_rtp(packet, p) != RtpParse::ok) return Status::error("not RTP");
    written_pts.push_back(p.header.pt);
    return Status::ok();
  }
  Status send_dtmf(char digit, int) override {
    digits += digit;
    return Status::ok();
  }

  int starts = 0;
  std::string digits;
  std::vector<uint8_t> written_pts;
  static constexpr uint32_t kDspSsrc = 0xd5d5d5d5;

 private:
  void tick() {
    std::vector<uint8_t> payload, packet;
    encoder_->encode(std::span(tone_).subspan(static_cast<size_t>(n_ % 50) * 160, 160), payload);
    write_rtp(
        {static_cast<uint8_t>(media_.pt), n_ == 0, static_cast<uint16_t>(n_), 160u * n_, kDspSsrc},
        payload, packet);
    ++n_;
    from_dsp_(packet);
    timer_.start(20, [this] { tick(); });
  }
  bool* stopped_;
  Timer timer_;
  NegotiatedMedia media_;
  PacketHandler from_dsp_;
  std::unique_ptr<Encoder> encoder_ = make_encoder(CodecId::pcma);
  std::vector<int16_t> tone_ = testing::sine(1000, 8000, 8000, 8000);
  uint32_t n_ = 0;
};

// The offer of the DSP's session `a` answered by `b`, both through `relay`. The SDP side is
// the same as a software path's; it offers what the DSP can do.
void exchange_sdp(MediaSession& a, MediaSession& b, ImpairmentRelay& relay) {
  auto offer = a.create_offer();
  ASSERT_TRUE(offer);
  EXPECT_NE(offer->find("m=audio " + std::to_string(a.rtp_port()) + " RTP/AVP 8 0 101\r\n"),
            std::string::npos);
  relay.to_a().to = {"127.0.0.1", a.rtp_port()};
  auto answer = b.answer_offer(
      via_relay(*offer, relay.port_for_a(), static_cast<uint16_t>(a.rtp_port() + 1)));
  ASSERT_TRUE(answer) << answer.message();
  relay.to_b().to = {"127.0.0.1", b.rtp_port()};
  ASSERT_TRUE(a.accept_answer(
      via_relay(*answer, relay.port_for_b(), static_cast<uint16_t>(b.rtp_port() + 1))));
}

TEST(MediaDevicePath, DspPacketsAreRelayedBothWaysWithTheSessionsSsrc) {
  Loop loop;
  ASSERT_TRUE(loop.init());
  RtpPortAllocator ports(0);
  MediaSettings s;
  s.bind_ip = "127.0.0.1";
  s.rtcp_interval_ms = 300;
  bool dsp_stopped = false;
  auto dsp = std::make_unique<FakeDsp>(loop, &dsp_stopped);
  FakeDsp* fake = dsp.get();
  auto a = MediaSession::create(loop, ports, s, std::make_unique<DevicePath>(std::move(dsp)));
  ASSERT_TRUE(a) << a.message();
  s.sdp.codecs = {CodecId::pcma, CodecId::pcmu};
  auto b = MediaSession::create(loop, ports, s, std::make_unique<SoftwarePath>(loop.clock()));
  ASSERT_TRUE(b) << b.message();
  EXPECT_EQ((*a)->audio_endpoint(), nullptr);  // the DSP talks to the line itself

  ImpairmentRelay relay(loop);
  ASSERT_NO_FATAL_FAILURE(exchange_sdp(**a, **b, relay));
  EXPECT_EQ(fake->starts, 1);

  std::vector<DtmfDigit> got;
  (*a)->set_dtmf_handler([&](const DtmfDigit& d) { got.push_back(d); });
  LinePump pb(loop, 8000, 700);
  pb.start((*b)->audio_endpoint());
  Timer keys(loop), stop(loop);
  keys.start(500, [&] {
    (*a)->send_dtmf('3', 100);
    (*b)->send_dtmf('9', 100);
  });
  stop.start(1500, [&] { loop.stop(); });
  ASSERT_TRUE(loop.run());

  // DSP -> network -> phone: the tone arrives; on the wire the session's SSRC, not the DSP's.
  EXPECT_NEAR(pb.level(1000, 400, 1400), 8000, 1200);
  ASSERT_GT(relay.to_b().captured.size(), 50u);
  RtpPacket p;
  ASSERT_EQ(parse_rtp(relay.to_b().captured[10], p), RtpParse::ok);
  EXPECT_NE(p.header.ssrc, FakeDsp::kDspSsrc);
  EXPECT_EQ(p.header.pt, 8);
  // Network -> DSP: audio and the peer's telephone-events, which are also reported.
  EXPECT_GT(std::count(fake->written_pts.begin(), fake->written_pts.end(), 8), 50);
  EXPECT_GE(std::count(fake->written_pts.begin(), fake->written_pts.end(), 101), 4);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].digit, '9');
  EXPECT_TRUE(got[1].ended);
  // Our digits are the DSP's to send.
  EXPECT_EQ(fake->digits, "3");
  const MediaStats st = (*a)->stats();
  EXPECT_GT(st.packets_sent, 50u);
  EXPECT_GT(st.packets_received, 50u);
  EXPECT_GE(st.rtt_ms, 0);
  a = Status::error("hung up");
  EXPECT_TRUE(dsp_stopped);
}

}  // namespace
}  // namespace owsip::media
