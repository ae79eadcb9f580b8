// The DSP's media path on the emulated device: whole RTP packets from the channel fd reach a
// UDP peer on 127.0.0.1 through a MediaSession with a DevicePath, and the peer's packets reach
// the DSP; owsip relays every packet (the stock driver has no kernel RTP) and says so once.

#include "line/tapi/tapi_rtp_device.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "line/tapi/tapi_test_fixture.h"
#include "media/codec.h"
#include "media/device_path.h"
#include "media/media_session.h"
#include "media/rtp_packet.h"
#include "media/software_path.h"
#include "media/test_harness.h"
#include "media/test_signal.h"

namespace owsip::line::tapi {
namespace {

using namespace io;  // NOLINT

// What the emulated DSP's encoder sends: PCMA of a 1 kHz tone, its own SSRC and sequence.
std::vector<uint8_t> dsp_packet(uint32_t n, int pt) {
  static const std::vector<int16_t> tone = media::testing::sine(1000, 8000, 8000, 8000);
  auto enc = media::make_encoder(media::CodecId::pcma);
  std::vector<uint8_t> payload, packet;
  enc->encode(std::span(tone).subspan((n % 50) * 160, 160), payload);
  media::write_rtp({static_cast<uint8_t>(pt), n == 0, static_cast<uint16_t>(n), 160u * n,
                    0xd5d5d5d5},
                   payload, packet);
  return packet;
}

class TapiMedia : public testing::TapiFixture {
 protected:
  // A UDP socket on 127.0.0.1, port 0.
  static int udp_socket() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
  }
  static sockaddr_in address_of(int fd) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return a;
  }
  // A call between the DSP of channel `channel` (session `dsp`, DevicePath) and a software
  // peer (session `peer`) on 127.0.0.1, offer/answer done. False (with a failure) otherwise.
  bool connect_call(int channel, media::SrtpPolicy srtp,
                    std::unique_ptr<media::MediaSession>& dsp,
                    std::unique_ptr<media::MediaSession>& peer) {
    auto device = backend_->line_on_channel(channel)->open_rtp_device();
    EXPECT_TRUE(device);
    if (!device) return false;
    media::MediaSettings s;
    s.bind_ip = "127.0.0.1";
    s.sdp.srtp = srtp;
    auto a = media::MediaSession::create(loop_, ports_, s,
                                         std::make_unique<media::DevicePath>(std::move(device)));
    EXPECT_TRUE(a) << a.message();
    s.sdp.codecs = {media::CodecId::pcma, media::CodecId::pcmu};
    auto b = media::MediaSession::create(loop_, ports_, s,
                                         std::make_unique<media::SoftwarePath>(loop_.clock()));
    EXPECT_TRUE(b) << b.message();
    if (!a || !b) return false;
    auto offer = (*a)->create_offer();
    EXPECT_TRUE(offer);
    if (!offer) return false;
    auto answer = (*b)->answer_offer(*offer);
    EXPECT_TRUE(answer) << answer.message();
    if (!answer) return false;
    EXPECT_TRUE((*a)->accept_answer(*answer));
    dsp = std::move(*a);
    peer = std::move(*b);
    return true;
  }
  media::RtpPortAllocator ports_{0};

  media::NegotiatedMedia pcma() {
    media::NegotiatedMedia m;
    m.codec = media::CodecId::pcma;
    m.pt = 8;
    m.receive = {{8, media::CodecId::pcma}};
    m.event_pt = 101;
    return m;
  }
};

TEST_F(TapiMedia, DspPacketsReachAUdpPeerAndBackThroughAMediaSession) {
  ASSERT_TRUE(start()) << error_;
  std::unique_ptr<media::MediaSession> a, b;
  ASSERT_TRUE(connect_call(0, media::SrtpPolicy::off, a, b));

  // The channel is programmed for the call.
  const auto& c = emu_->channel(0);
  EXPECT_TRUE(c.encoding);
  EXPECT_TRUE(c.decoding);
  EXPECT_EQ(c.feed, kFeedActive);
  EXPECT_EQ(c.coder, kCodAlaw);
  EXPECT_EQ(c.frame, kFrame20ms);
  ASSERT_TRUE(c.rtp_set);
  EXPECT_EQ(c.rtp_events, kOobOnly);  // keys as RFC 2833 events only ([T] IFX_TAPI_PKT_EV_OOB_ONLY 2)
  EXPECT_EQ(c.rtp_play_events, kOobPlayPlay);  // the peer's events played ([T] _OOBPLAY_PLAY 1)
  EXPECT_EQ(c.event_pt, a->negotiated()->event_pt);
  EXPECT_EQ(c.pt_up[kCodAlaw], 8);
  EXPECT_FALSE(emu_->channel(1).encoding);

  // The DSP speaks every 20 ms; the peer's phone speaks too.
  uint32_t n = 0;
  Timer dsp(loop_);
  std::function<void()> tick = [&] {
    EXPECT_TRUE(emu_->dsp_packet(0, dsp_packet(n++, 8)));
    if (n < 60) dsp.start(20, tick);
  };
  dsp.start(0, tick);
  media::testing::LinePump pb(loop_, 8000, 700);
  pb.start(b->audio_endpoint());
  ASSERT_TRUE(run_until([&] {
    return n >= 60 && b->stats().packets_received >= 50 && c.played.size() >= 40;
  }, 4000));
  pb.stop();
  // DSP -> UDP -> the peer's earpiece: the tone.
  EXPECT_NEAR(pb.level(1000, 400, 1100), 8000, 1500);
  // The peer -> UDP -> the DSP: whole RTP packets of the negotiated payload type.
  media::RtpPacket p;
  ASSERT_EQ(media::parse_rtp(c.played[10], p), media::RtpParse::ok);
  EXPECT_EQ(p.header.pt, 8);
  EXPECT_EQ(p.payload.size(), 160u);
  // Hanging up stops the coder.
  a.reset();
  EXPECT_FALSE(c.encoding);
  EXPECT_FALSE(c.decoding);
}

TEST_F(TapiMedia, KpiAutoRelaysAndSaysTheStockDriverHasNone) {
  std::vector<std::string> logged;
  log::set_level(log::kNotice);
  log::set_capture([&](int, const std::string& l) { logged.push_back(l); });
  ASSERT_TRUE(start()) << error_;  // kpi 'auto', the default
  auto dev = backend_->line_on_channel(1)->open_rtp_device();
  int relayed = 0;
  ASSERT_TRUE(dev->start(pcma(), [&](std::span<const uint8_t>) { ++relayed; }));
  const int sock = udp_socket();
  EXPECT_FALSE(dev->offload(sock, media::NetAddress{"127.0.0.1", 9}));
  EXPECT_TRUE(emu_->dsp_packet(1, dsp_packet(0, 8)));
  EXPECT_TRUE(run_until([&] { return relayed == 1; }));
  dev.reset();
  ::close(sock);
  log::set_capture(nullptr);
  log::set_level(log::kErr);
  EXPECT_EQ(std::count_if(logged.begin(), logged.end(),
                          [](const std::string& l) {
                            return l.find("RTP relayed by owsip (kpi auto: the stock driver has "
                                          "no KPI)") != std::string::npos;
                          }),
            1);
}

TEST_F(TapiMedia, ReadErrorsFromTheChannelDoNotStopTheCall) {
  ASSERT_TRUE(start()) << error_;
  auto dev = backend_->line_on_channel(0)->open_rtp_device();
  int relayed = 0;
  ASSERT_TRUE(dev->start(pcma(), [&](std::span<const uint8_t>) { ++relayed; }));
  emu_->read_error(0, EIO);
  ASSERT_TRUE(emu_->dsp_packet(0, dsp_packet(0, 8)));
  run_for(50);  // the read fails once: the packet waits for the next wake-up
  ASSERT_TRUE(emu_->dsp_packet(0, dsp_packet(1, 8)));
  EXPECT_TRUE(run_until([&] { return relayed == 2; }));
  EXPECT_EQ(backend_->resets(0), 0);  // one error is not a channel that stopped answering
}

TEST_F(TapiMedia, SrtpCallsStayRelayedByOwsip) {
  ASSERT_TRUE(start()) << error_;
  std::unique_ptr<media::MediaSession> a, b;
  ASSERT_TRUE(connect_call(0, media::SrtpPolicy::mandatory, a, b));
  ASSERT_TRUE(emu_->dsp_packet(0, dsp_packet(0, 8)));
  ASSERT_TRUE(run_until([&] { return b->stats().packets_received >= 1; }, 2000));
  EXPECT_EQ(a->stats().packets_sent, 1u);
}

}  // namespace
}  // namespace owsip::line::tapi
