#include "media/media_session.h"

#include <gtest/gtest.h>

#include "core/log.h"
#include "line/dsp/detectors.h"
#include "media/software_path.h"
#include "media/stun.h"
#include "media/test_harness.h"

namespace owsip::media {
namespace {

using testing::ImpairmentRelay;
using testing::LinePump;
using testing::tone_amplitude;
using testing::via_relay;

class MediaCall : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(loop_.init()); }

  std::unique_ptr<MediaSession> session(SdpSettings sdp = {}, SoftwarePathSettings path = {}) {
    MediaSettings s;
    s.bind_ip = "127.0.0.1";
    s.sdp = std::move(sdp);
    s.rtcp_interval_ms = 300;
    s.tag = "media.test" + std::to_string(++sessions_);
    auto r =
        MediaSession::create(loop_, ports_, s, std::make_unique<SoftwarePath>(loop_.clock(), path));
    EXPECT_TRUE(r) << r.message();
    return r ? std::move(*r) : nullptr;
  }
  // Offer from `a`, answer from `b`; through `relay` when given (RTCP then goes direct).
  void connect(MediaSession& a, MediaSession& b, ImpairmentRelay* relay = nullptr) {
    auto offer = a.create_offer();
    ASSERT_TRUE(offer) << offer.message();
    std::string to_b = *offer;
    if (relay) {
      relay->to_a().to = {"127.0.0.1", a.rtp_port()};
      to_b = via_relay(to_b, relay->port_for_a(), static_cast<uint16_t>(a.rtp_port() + 1));
    }
    auto answer = b.answer_offer(to_b);
    ASSERT_TRUE(answer) << answer.message();
    std::string to_a = *answer;
    if (relay) {
      relay->to_b().to = {"127.0.0.1", b.rtp_port()};
      to_a = via_relay(to_a, relay->port_for_b(), static_cast<uint16_t>(b.rtp_port() + 1));
    }
    ASSERT_TRUE(a.accept_answer(to_a));
  }
  // Runs the loop for `ms`; the timer that stops it is also the guard.
  void run_for(uint64_t ms) {
    Timer stop(loop_);
    stop.start(ms, [this] { loop_.stop(); });
    ASSERT_TRUE(loop_.run());
  }

  Loop loop_;
  RtpPortAllocator ports_{0};
  int sessions_ = 0;
};

TEST_F(MediaCall, G711CallCarriesAToneBothWaysAndMeasuresItself) {
  auto a = session(), b = session();
  connect(*a, *b);
  LinePump pa(loop_, 8000, 1000), pb(loop_, 8000, 1500);
  pa.start(a->audio_endpoint());
  pb.start(b->audio_endpoint());
  run_for(1500);
  EXPECT_NEAR(pa.level(1500, 400, 1400), 8000, 800);
  EXPECT_NEAR(pb.level(1000, 400, 1400), 8000, 800);
  EXPECT_EQ(pb.weak_frames(1000, 300, 1400, 8000), 0);
  const MediaStats s = b->stats();
  std::printf(
      "PCMU call: sent %llu received %llu lost %lld jitter %.2f ms rtt %.2f ms delay %d ms MOS "
      "%.2f\n",
      static_cast<unsigned long long>(s.packets_sent),
      static_cast<unsigned long long>(s.packets_received), static_cast<long long>(s.packets_lost),
      s.jitter_ms, s.rtt_ms, s.playout_delay_ms, s.mos);
  EXPECT_TRUE(s.active);
  EXPECT_EQ(s.codec, "PCMU/8000");
  EXPECT_EQ(s.direction, "sendrecv");
  EXPECT_NEAR(static_cast<double>(s.packets_sent), 75, 8);
  EXPECT_NEAR(static_cast<double>(s.packets_received), 75, 8);
  EXPECT_EQ(s.packets_lost, 0);
  EXPECT_EQ(s.malformed_rtp, 0u);
  EXPECT_GE(s.rtt_ms, 0);  // RTCP went both ways
  EXPECT_LT(s.rtt_ms, 50);
  EXPECT_GT(s.mos, 4.2);
}

TEST_F(MediaCall, G722IsWidebandEndToEnd) {
  auto a = session({.codecs = {CodecId::g722}}), b = session({.codecs = {CodecId::g722}});
  connect(*a, *b);
  ASSERT_TRUE(b->negotiated());
  EXPECT_EQ(b->negotiated()->codec, CodecId::g722);
  LinePump pa(loop_, 16000, 5000), pb(loop_, 16000, 440);
  pa.start(a->audio_endpoint());
  pb.start(b->audio_endpoint());
  run_for(1200);
  const double level = pb.level(5000, 400, 1100);
  std::printf("G722: 5 kHz tone arrives at %.0f of 8000\n", level);
  EXPECT_NEAR(level, 8000, 1600);

  // The same tone over PCMU does not survive: the narrowband path filters it out.
  auto c = session({.codecs = {CodecId::pcmu}}), d = session();
  connect(*c, *d);
  LinePump pc(loop_, 16000, 5000), pd(loop_, 16000, 440);
  pc.start(c->audio_endpoint());
  pd.start(d->audio_endpoint());
  run_for(800);
  EXPECT_LT(pd.level(5000, 300, 700), 300);
}

// A receiving path's jitter statistics every 100 ms, from construction on.
class JitterSampler {
 public:
  JitterSampler(Loop& loop, std::function<JitterStats()> stats)
      : loop_(loop), stats_(std::move(stats)), t0_(loop.clock().now_ms()), timer_(loop) {
    sample();
  }
  int max_target(uint64_t from, uint64_t to) const {
    int m = 0;
    for (const auto& s : samples_)
      if (s.t >= from && s.t < to) m = std::max(m, s.j.target_ms);
    return m;
  }
  double mean_delay(uint64_t from, uint64_t to) const {
    double sum = 0;
    int n = 0;
    for (const auto& s : samples_)
      if (s.t >= from && s.t < to) sum += s.j.delay_ms, ++n;
    return n ? sum / n : 0.0;
  }
  const JitterStats& last() const { return samples_.back().j; }

 private:
  struct Sample {
    uint64_t t;
    JitterStats j;
  };
  void sample() {
    samples_.push_back({loop_.clock().now_ms() - t0_, stats_()});
    timer_.start(100, [this] { sample(); });
  }
  Loop& loop_;
  std::function<JitterStats()> stats_;
  const uint64_t t0_;
  Timer timer_;
  std::vector<Sample> samples_;
};

TEST_F(MediaCall, ImpairedNetworkIsConcealedAndTheBufferAdapts) {
  SoftwarePathSettings path;
  path.jitter.window_ms = 1500;  // a shorter memory keeps the test short
  auto a = session(), b = session({}, path);
  ImpairmentRelay relay(loop_, 42);
  connect(*a, *b, &relay);
  LinePump pa(loop_, 8000, 1000), pb(loop_, 8000, 700);
  pa.start(a->audio_endpoint());
  pb.start(b->audio_endpoint());
  JitterSampler samples(loop_, [&] { return b->path().stats().jitter; });
  // 0-2 s: 5 % loss, 5 % duplicates. 2-5 s: and 0-80 ms of jitter. 5-10 s: calm.
  relay.to_b().impair = {0.05, 0, 0.05, 0};
  Timer phase2(loop_), phase3(loop_);
  phase2.start(2000, [&] { relay.to_b().impair = {0.05, 80, 0.05, 0}; });
  phase3.start(5000, [&] { relay.to_b().impair = {}; });
  run_for(10000);
  auto max_target = [&](uint64_t from, uint64_t to) { return samples.max_target(from, to); };
  auto mean_delay = [&](uint64_t from, uint64_t to) { return samples.mean_delay(from, to); };
  const JitterStats& end = samples.last();
  std::printf(
      "impaired: target calm %d ms, under jitter up to %d ms (delay %.0f ms), calm again %d ms "
      "(delay %.0f ms); concealed %llu ms, late %llu, duplicates %llu, reordered %llu; MOS %.2f\n",
      max_target(1000, 2000), max_target(2000, 5200), mean_delay(3000, 5000),
      max_target(9000, 10000), mean_delay(9000, 10000),
      static_cast<unsigned long long>(end.concealed_ms), static_cast<unsigned long long>(end.late),
      static_cast<unsigned long long>(end.duplicates),
      static_cast<unsigned long long>(end.reordered), b->stats().mos);
  EXPECT_LE(max_target(1000, 2000), 40);
  EXPECT_GE(max_target(2000, 5200), 70);
  EXPECT_GE(mean_delay(3000, 5000), 60);
  EXPECT_LE(max_target(9000, 10000), 40);
  EXPECT_LE(mean_delay(9000, 10000), 50);
  EXPECT_GT(end.concealed_ms, 100u);  // about 5 % of 5 s were lost
  EXPECT_GT(end.duplicates, 10u);
  EXPECT_GT(end.reordered, 10u);
  EXPECT_GT(end.stretched_ms, 0u);
  EXPECT_GT(end.shrunk_ms, 0u);
  // The loss shows in the statistics and the MOS; the audio stays a continuous tone: lost
  // 20 ms packets are bridged, only rare bursts fade.
  const MediaStats s = b->stats();
  EXPECT_GT(s.packets_lost, 5);
  EXPECT_GT(s.loss_percent, 1);
  EXPECT_LT(s.mos, 4.3);
  EXPECT_LT(pb.weak_frames(1000, 500, 9900, 8000), 25);
  EXPECT_EQ(pb.weak_frames(1000, 8000, 9900, 8000), 0);
}

TEST_F(MediaCall, SrtpCallIsEncryptedAndRefusesTamperedPackets) {
  auto a = session({.codecs = {}, .srtp = SrtpPolicy::optional}),
       b = session({.codecs = {}, .srtp = SrtpPolicy::mandatory});
  ImpairmentRelay relay(loop_, 7);
  connect(*a, *b, &relay);
  ASSERT_TRUE(b->negotiated() && b->negotiated()->srtp);
  relay.to_b().impair.corrupt = 0.05;
  LinePump pa(loop_, 8000, 1000), pb(loop_, 8000, 700);
  pa.start(a->audio_endpoint());
  pb.start(b->audio_endpoint());
  run_for(2000);
  // On the wire: 12 + 160 + a 10-byte tag, and the payload is no tone.
  ASSERT_GT(relay.to_b().captured.size(), 50u);
  const auto& wire = relay.to_b().captured[40];
  EXPECT_EQ(wire.size(), 182u);
  auto dec = make_decoder(CodecId::pcmu);
  std::vector<int16_t> pcm;
  dec->decode(std::span(wire).subspan(12, 160), pcm);
  // Noise, not a tone: a tone's Goertzel amplitude is sqrt(2) x its RMS, noise's far less.
  EXPECT_LT(tone_amplitude(pcm, 1000, 8000) / testing::rms(pcm), 0.5);
  // Decrypted at the far end: the tone; tampered packets refused and concealed.
  EXPECT_NEAR(pb.level(1000, 500, 1900), 8000, 1200);
  EXPECT_NEAR(pa.level(700, 500, 1900), 8000, 1200);
  const MediaStats s = b->stats();
  EXPECT_TRUE(s.srtp);
  EXPECT_GT(s.srtp_failures, 0u);
  EXPECT_EQ(s.malformed_rtp, 0u);
  EXPECT_GE(s.rtt_ms, 0);  // SRTCP works both ways
}

TEST_F(MediaCall, MosFollowsLoss) {
  auto a = session(), b = session();
  ImpairmentRelay relay(loop_, 3);
  connect(*a, *b, &relay);
  LinePump pa(loop_, 8000, 1000), pb(loop_, 8000, 700);
  pa.start(a->audio_endpoint());
  pb.start(b->audio_endpoint());
  run_for(1000);
  const MediaStats clean = b->stats();
  relay.to_b().impair.loss = 0.2;
  auto c = session(), d = session();  // a second call, lossy from its start
  ImpairmentRelay lossy(loop_, 4);
  lossy.to_b().impair.loss = 0.2;
  connect(*c, *d, &lossy);
  LinePump pc(loop_, 8000, 1000), pd(loop_, 8000, 700);
  pc.start(c->audio_endpoint());
  pd.start(d->audio_endpoint());
  run_for(3000);
  const MediaStats bad = d->stats();
  std::printf(
      "MOS: clean call %.2f (loss %.1f %%), 20 %% loss %.2f (loss %.1f %%, concealed %llu ms)\n",
      clean.mos, clean.loss_percent, bad.mos, bad.loss_percent,
      static_cast<unsigned long long>(bad.concealed_ms));
  EXPECT_GT(clean.mos, 4.2);
  EXPECT_EQ(clean.loss_percent, 0);
  EXPECT_NEAR(bad.loss_percent, 20, 10);  // 150 packets: a sample
  EXPECT_GT(bad.mos, 2.0);
  EXPECT_LT(bad.mos, 3.2);
  // What d lost, c hears about through RTCP (a report interval behind).
  EXPECT_GT(c->stats().remote_packets_lost, 10);
  EXPECT_LE(c->stats().remote_packets_lost, bad.packets_lost);
}

TEST_F(MediaCall, KeysNeverReachTheLog) {
  std::vector<std::string> lines;
  log::set_level(log::kDebug);
  log::set_capture([&](int, const std::string& line) { lines.push_back(line); });
  auto a = session({.codecs = {}, .srtp = SrtpPolicy::optional}),
       b = session({.codecs = {}, .srtp = SrtpPolicy::optional});
  connect(*a, *b);
  auto off = session({.codecs = {}, .srtp = SrtpPolicy::off});
  auto refused = a->create_offer();
  ASSERT_TRUE(refused);
  std::string savp = *refused;
  savp.replace(savp.find("RTP/AVP"), 7, "RTP/SAVP");
  EXPECT_FALSE(off->answer_offer(savp));  // refused: its crypto lines are logged redacted too
  log::set_capture(nullptr);
  log::set_level(log::kErr);
  ASSERT_TRUE(a->negotiated() && a->negotiated()->srtp);
  const auto b64 = [](const SrtpKey& k) {
    const std::string line = format_crypto({1, SrtpSuite::aes_cm_128_hmac_sha1_80, k});
    return line.substr(line.find("inline:") + 7);
  };
  const std::string keys[] = {b64(a->negotiated()->tx_key), b64(a->negotiated()->rx_key)};
  bool saw_redacted = false;
  for (const auto& l : lines) {
    for (const auto& k : keys) EXPECT_EQ(l.find(k), std::string::npos) << l;
    if (l.find("inline:****") != std::string::npos) saw_redacted = true;
    EXPECT_EQ(l.find("inline:") == std::string::npos || l.find("inline:****") != std::string::npos,
              true)
        << l;
  }
  EXPECT_TRUE(saw_redacted);  // the SDP was logged, without keys
  EXPECT_EQ(off->stats().sdp_refused, 1u);
}

TEST_F(MediaCall, DtmfGoesAsTelephoneEventsAndIsPlayedToThePhone) {
  auto a = session(), b = session();
  ImpairmentRelay relay(loop_);
  connect(*a, *b, &relay);
  std::vector<DtmfDigit> got;
  b->set_dtmf_handler([&](const DtmfDigit& d) { got.push_back(d); });
  LinePump pa(loop_, 8000, 1000, 0), pb(loop_, 8000, 1000, 0);  // silent phones
  pa.start(a->audio_endpoint());
  pb.start(b->audio_endpoint());
  Timer press(loop_);
  press.start(300, [&] { a->send_dtmf('5', 120); });
  run_for(1200);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (DtmfDigit{'5', 0, false}));
  EXPECT_EQ(got[1].digit, '5');
  EXPECT_NEAR(got[1].duration_ms, 120, 20);
  // The phone hears the digit.
  std::string heard;
  line::dsp::DtmfDetector det(8000, [&](char d) { heard += d; });
  det.feed(pb.heard());
  EXPECT_EQ(heard, "5");
  // On the wire (RFC 4733): marker on the first, one timestamp, end packet three times.
  std::vector<RtpPacket> events;
  for (const auto& d : relay.to_b().captured) {
    RtpPacket p;
    if (parse_rtp(d, p) == RtpParse::ok && p.header.pt == 101) events.push_back(p);
  }
  ASSERT_GE(events.size(), 6u);
  int ends = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    TelephoneEvent e;
    ASSERT_TRUE(parse_telephone_event(events[i].payload, e));
    EXPECT_EQ(e.event, 5);
    EXPECT_EQ(events[i].header.marker, i == 0);
    EXPECT_EQ(events[i].header.ts, events[0].header.ts);
    ends += e.end;
  }
  EXPECT_EQ(ends, 3);
  EXPECT_EQ(a->stats().dtmf_sent, 1u);
  EXPECT_EQ(b->stats().dtmf_received, 1u);
}

TEST_F(MediaCall, DtmfGoesInBandWithoutTelephoneEvents) {
  auto a = session({.codecs = {}, .telephone_events = false}), b = session();
  connect(*a, *b);
  ASSERT_EQ(b->negotiated()->event_pt, -1);
  std::vector<DtmfDigit> got;
  b->set_dtmf_handler([&](const DtmfDigit& d) { got.push_back(d); });
  LinePump pa(loop_, 16000, 1000, 0), pb(loop_, 8000, 1000, 0);
  pa.start(a->audio_endpoint());
  pb.start(b->audio_endpoint());
  Timer press(loop_);
  press.start(300, [&] {
    a->send_dtmf('7', 100);
    a->send_dtmf('#', 100);
  });
  run_for(1200);
  std::string heard;
  line::dsp::DtmfDetector det(8000, [&](char d) { heard += d; });
  det.feed(pb.heard());
  EXPECT_EQ(heard, "7#");
  EXPECT_TRUE(got.empty());  // no events: nothing to report, the tones are in the audio
}

TEST_F(MediaCall, HoldStopsOneDirectionAndResumes) {
  auto a = session(), b = session();
  connect(*a, *b);
  LinePump pa(loop_, 8000, 1000), pb(loop_, 8000, 700);
  pa.start(a->audio_endpoint());
  pb.start(b->audio_endpoint());
  run_for(400);
  a->set_hold(true);  // a holds b: a sendonly, b recvonly
  connect(*a, *b);
  EXPECT_EQ(a->negotiated()->direction, Direction::sendonly);
  EXPECT_EQ(b->negotiated()->direction, Direction::recvonly);
  const uint64_t b_sent = b->stats().packets_sent, a_sent = a->stats().packets_sent;
  run_for(500);
  EXPECT_EQ(b->stats().packets_sent, b_sent);
  EXPECT_GT(a->stats().packets_sent, a_sent + 15);
  a->set_hold(false);
  connect(*a, *b);
  EXPECT_EQ(b->negotiated()->direction, Direction::sendrecv);
  run_for(600);
  EXPECT_GT(b->stats().packets_sent, b_sent + 15);
  EXPECT_NEAR(pa.level(700, 1200, 1500), 8000, 1200);
}

TEST_F(MediaCall, ReOfferMovesTheStreamToAnotherAddressAndCodec) {
  auto a = session(), b = session(), c = session({.codecs = {CodecId::pcma}});
  connect(*b, *a);
  LinePump pa(loop_, 8000, 1000), pb(loop_, 8000, 700), pc(loop_, 8000, 1800);
  pa.start(a->audio_endpoint());
  pb.start(b->audio_endpoint());
  pc.start(c->audio_endpoint());
  run_for(500);
  EXPECT_EQ(a->negotiated()->codec, CodecId::pcmu);
  // The far end is replaced (a transfer): a re-offer with c's address and only PCMA.
  connect(*c, *a);
  EXPECT_EQ(a->negotiated()->codec, CodecId::pcma);
  EXPECT_EQ(a->negotiated()->remote_rtp.port, c->rtp_port());
  run_for(800);
  EXPECT_NEAR(pa.level(1800, 900, 1300), 8000, 1200);
  EXPECT_NEAR(pc.level(1000, 900, 1300), 8000, 1200);
}

TEST_F(MediaCall, MalformedAndForeignPacketsAreCountedAndHarmless) {
  auto a = session(), b = session();
  connect(*a, *b);
  LinePump pa(loop_, 8000, 1000), pb(loop_, 8000, 700);
  pa.start(a->audio_endpoint());
  pb.start(b->audio_endpoint());
  auto attacker = UdpSocket::open("127.0.0.1", 0);
  ASSERT_TRUE(attacker);
  std::mt19937 rng(9);
  Timer junk(loop_);
  int sent = 0;
  std::function<void()> send_junk = [&] {
    const NetAddress rtp{"127.0.0.1", b->rtp_port()},
        rtcp{"127.0.0.1", static_cast<uint16_t>(b->rtp_port() + 1)};
    std::vector<uint8_t> d(rng() % 80);
    for (auto& x : d) x = static_cast<uint8_t>(rng());
    if (!d.empty() && sent % 2) d[0] = static_cast<uint8_t>(0x80 | (d[0] & 0x0f));  // looks like v2
    (void)attacker->send(d, rtp);
    (void)attacker->send(d, rtcp);
    // Well-formed RTP from a stranger: not played (the peer's address is latched).
    std::vector<uint8_t> pkt;
    write_rtp({0, false, static_cast<uint16_t>(sent), static_cast<uint32_t>(sent * 160), 0x666},
              std::vector<uint8_t>(160, 0), pkt);
    (void)attacker->send(pkt, rtp);
    if (++sent < 100) junk.start(10, send_junk);
  };
  junk.start(200, send_junk);
  run_for(1600);
  const MediaStats s = b->stats();
  std::printf("junk: malformed RTP %llu, RTCP %llu, foreign %llu\n",
              static_cast<unsigned long long>(s.malformed_rtp),
              static_cast<unsigned long long>(s.malformed_rtcp),
              static_cast<unsigned long long>(s.foreign_packets));
  EXPECT_GT(s.malformed_rtp, 30u);
  EXPECT_GT(s.malformed_rtcp, 50u);
  EXPECT_GE(s.foreign_packets, 100u);
  EXPECT_EQ(pb.weak_frames(1000, 300, 1500, 8000), 0);
}

// STUN on the RTP port is neither media nor malformed; a stranger's Binding Request gets no
// answer (only the peer's does: stun_test.cc checks the answer itself).
TEST_F(MediaCall, StunOnTheRtpPortIsRecognisedAndAStrangerIsNotAnswered) {
  auto a = session(), b = session();
  connect(*a, *b);
  auto stranger = UdpSocket::open("127.0.0.1", 0);
  ASSERT_TRUE(stranger);
  for (uint8_t i = 0; i < 5; ++i)
    (void)stranger->send(stun_binding_request({i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}),
                         {"127.0.0.1", b->rtp_port()});
  run_for(200);
  const MediaStats s = b->stats();
  EXPECT_EQ(s.stun_packets, 5u);
  EXPECT_EQ(s.malformed_rtp, 0u);
  EXPECT_EQ(s.srtp_failures, 0u);
  std::vector<uint8_t> buf(100);
  NetAddress from;
  EXPECT_EQ(stranger->receive(buf, from), -1);
}

// The peer (its SDP names the socket below) asks our RTP port for its mapped address, as
// linphone does: it gets a Binding success naming where its request came from.
TEST_F(MediaCall, ThePeersStunBindingRequestIsAnsweredOnTheRtpPort) {
  auto a = session(), b = session();
  auto peer = UdpSocket::open("127.0.0.1", 0);
  ASSERT_TRUE(peer);
  auto offer = a->create_offer();
  ASSERT_TRUE(offer) << offer.message();
  const std::string from = "m=audio " + std::to_string(a->rtp_port()) + " ";
  std::string to_b = *offer;
  ASSERT_NE(to_b.find(from), std::string::npos) << to_b;
  to_b.replace(to_b.find(from), from.size(), "m=audio " + std::to_string(peer->port()) + " ");
  ASSERT_TRUE(b->answer_offer(to_b));
  const StunTransactionId id = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
  ASSERT_TRUE(peer->send(stun_binding_request(id), {"127.0.0.1", b->rtp_port()}));
  run_for(200);
  std::vector<uint8_t> buf(200);
  NetAddress source;
  const ssize_t n = peer->receive(buf, source);
  ASSERT_GT(n, 0) << "no answer";
  buf.resize(static_cast<size_t>(n));
  auto mapped = stun_mapped_address(buf, id);
  ASSERT_TRUE(mapped) << mapped.message();
  EXPECT_EQ(*mapped, (NetAddress{"127.0.0.1", peer->port()}));
  EXPECT_EQ(source.port, b->rtp_port());
  EXPECT_EQ(b->stats().stun_packets, 1u);
  EXPECT_EQ(b->stats().malformed_rtp, 0u);
}

TEST(MediaPorts, PairsAreAllocatedUpwardFromTheBaseSkippingBusyPorts) {
  // Find a free range high up, then occupy its first pair.
  uint16_t base = 0;
  for (uint16_t b = 47000; b < 60000 && !base; b += 100) {
    bool free = true;
    std::vector<UdpSocket> probe;
    for (uint16_t p = b; p < b + 10 && free; ++p) {
      auto s = UdpSocket::open("127.0.0.1", p);
      free = s.is_ok();
      if (s) probe.push_back(std::move(*s));
    }
    if (free) base = b;
  }
  ASSERT_NE(base, 0);
  auto busy = UdpSocket::open("127.0.0.1", base);
  ASSERT_TRUE(busy);
  RtpPortAllocator ports(base + 1, 4);  // odd base: RTP starts on the next even port
  EXPECT_EQ(ports.base(), base + 2);
  auto busy2 = UdpSocket::open("127.0.0.1", static_cast<uint16_t>(base + 3));  // RTCP of pair 0
  ASSERT_TRUE(busy2);
  auto p1 = ports.open("127.0.0.1");
  ASSERT_TRUE(p1) << p1.message();
  EXPECT_EQ(p1->rtp.port(), base + 4);
  EXPECT_EQ(p1->rtcp.port(), base + 5);
  auto p2 = ports.open("127.0.0.1");
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->rtp.port(), base + 6);
  EXPECT_EQ(p2->rtcp.port(), base + 7);
  auto p3 = ports.open("127.0.0.1");
  ASSERT_TRUE(p3);
  EXPECT_EQ(p3->rtp.port(), base + 8);
  // Released pairs are reused only after the rest of the range.
  p1 = Status::error("released");
  auto p4 = ports.open("127.0.0.1");
  ASSERT_TRUE(p4);
  EXPECT_EQ(p4->rtp.port(), base + 4);
  EXPECT_FALSE(ports.open("127.0.0.1"));  // the range of 4 pairs is used up
  // Kernel-chosen pairs (base 0) keep the even/odd rule.
  RtpPortAllocator any(0);
  auto e = any.open("127.0.0.1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->rtp.port() % 2, 0);
  EXPECT_EQ(e->rtcp.port(), e->rtp.port() + 1);
}

TEST(MediaSessionCreate, NeedsAnAddressForTheSdp) {
  Loop loop;
  ASSERT_TRUE(loop.init());
  RtpPortAllocator ports(0);
  MediaSettings s;  // bound to 0.0.0.0 and no sdp_ip
  auto r = MediaSession::create(loop, ports, s, std::make_unique<SoftwarePath>(loop.clock()));
  EXPECT_FALSE(r);
  s.sdp_ip = "127.0.0.1";
  r = MediaSession::create(loop, ports, s, std::make_unique<SoftwarePath>(loop.clock()));
  ASSERT_TRUE(r) << r.message();
  auto offer = (*r)->create_offer();
  ASSERT_TRUE(offer);
  EXPECT_NE(offer->find("c=IN IP4 127.0.0.1"), std::string::npos);
  // STUN's public address replaces it, with the mapped port.
  ASSERT_TRUE((*r)->set_public_address({"192.0.2.1", 40000}));
  offer = (*r)->create_offer();
  ASSERT_TRUE(offer);
  EXPECT_NE(offer->find("c=IN IP4 192.0.2.1"), std::string::npos);
  EXPECT_NE(offer->find("m=audio 40000 "), std::string::npos);
}

}  // namespace
}  // namespace owsip::media
