#include "media/sdp_negotiator.h"

#include <gtest/gtest.h>

#include <random>

namespace owsip::media {
namespace {

std::unique_ptr<SdpNegotiator> make(SdpSettings s = {}, NetAddress local = {"127.0.0.1", 4000},
                                    Capabilities caps = Capabilities::software()) {
  auto n = SdpNegotiator::create(std::move(caps), std::move(s), std::move(local));
  EXPECT_TRUE(n) << n.message();
  return n ? std::move(*n) : nullptr;
}

bool has(const std::string& sdp, const std::string& line) {
  return sdp.find(line + "\r\n") != std::string::npos;
}

// An offer as a typical peer writes it.
std::string peer_offer(const std::string& fmts, const std::string& extra,
                       const std::string& proto = "RTP/AVP", const std::string& addr = "127.0.0.2",
                       int port = 7078) {
  return "v=0\r\no=peer 1 1 IN IP4 " + addr + "\r\ns=-\r\nc=IN IP4 " + addr + "\r\nt=0 0\r\n" +
         "m=audio " + std::to_string(port) + " " + proto + " " + fmts + "\r\n" + extra;
}

TEST(MediaSdp, OfferListsCapabilitiesInPreferenceOrder) {
  auto n = make();
  auto offer = n->create_offer();
  ASSERT_TRUE(offer) << offer.message();
  EXPECT_TRUE(offer->starts_with("v=0\r\no=owsip "));
  EXPECT_TRUE(has(*offer, "c=IN IP4 127.0.0.1"));
  EXPECT_TRUE(has(*offer, "m=audio 4000 RTP/AVP 0 8 9 101"));
  EXPECT_TRUE(has(*offer, "a=rtpmap:9 G722/8000"));  // RFC 3551: G.722's clock is 8000
  EXPECT_TRUE(has(*offer, "a=rtpmap:101 telephone-event/8000"));
  EXPECT_TRUE(has(*offer, "a=fmtp:101 0-15"));
  EXPECT_TRUE(has(*offer, "a=ptime:20"));
  EXPECT_TRUE(has(*offer, "a=sendrecv"));
  EXPECT_EQ(offer->find("crypto"), std::string::npos);

  auto wb =
      make({.codecs = {CodecId::g722, CodecId::pcma}, .ptime_ms = 30, .telephone_events = false});
  auto o2 = wb->create_offer();
  ASSERT_TRUE(o2);
  EXPECT_TRUE(has(*o2, "m=audio 4000 RTP/AVP 9 8"));
  EXPECT_TRUE(has(*o2, "a=ptime:30"));
  // A preference naming only codecs the line lacks is refused.
  EXPECT_FALSE(SdpNegotiator::create({{CodecId::pcmu}, {8000}}, {.codecs = {CodecId::g722}},
                                     {"127.0.0.1", 4000}));
}

TEST(MediaSdp, AnswerIsTheOffersSubsetInOurPreference) {
  const std::string offer =
      peer_offer("0 8 9 96 3", "a=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-16\r\n");
  struct Case {
    std::vector<CodecId> pref;
    std::string m_line;
    CodecId codec;
  } cases[] = {
      {{}, "m=audio 4000 RTP/AVP 0 96", CodecId::pcmu},
      {{CodecId::g722, CodecId::pcmu}, "m=audio 4000 RTP/AVP 9 96", CodecId::g722},
      {{CodecId::pcma}, "m=audio 4000 RTP/AVP 8 96", CodecId::pcma},
  };
  for (const auto& c : cases) {
    auto n = make({.codecs = c.pref});
    auto a = n->answer_offer(offer);
    ASSERT_TRUE(a) << a.message();
    EXPECT_TRUE(has(a->sdp, c.m_line)) << a->sdp;
    EXPECT_TRUE(has(a->sdp, "a=rtpmap:96 telephone-event/8000"));
    EXPECT_EQ(a->media.codec, c.codec);
    EXPECT_EQ(a->media.pt, codec_info(c.codec).static_pt);
    EXPECT_EQ(a->media.event_pt, 96);
    EXPECT_EQ(a->media.remote_rtp, (NetAddress{"127.0.0.2", 7078}));
    EXPECT_EQ(a->media.remote_rtcp, (NetAddress{"127.0.0.2", 7079}));
    EXPECT_EQ(a->media.direction, Direction::sendrecv);
    EXPECT_FALSE(a->media.srtp);
  }
}

TEST(MediaSdp, StaticPayloadTypesNeedNoRtpmapAndDynamicCodecsAreKnownByName) {
  auto n = make({.codecs = {CodecId::g722}});
  auto a = n->answer_offer(peer_offer("98 0", "a=rtpmap:98 g722/8000\r\n"));
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(a->media.codec, CodecId::g722);
  EXPECT_EQ(a->media.pt, 98);
  EXPECT_TRUE(has(a->sdp, "m=audio 4000 RTP/AVP 98"));
}

// An rtpmap without a clock rate (RFC 4566 wants one) costs only that payload type: a static
// one still means its RFC 3551 codec, a dynamic one is not chosen.
TEST(MediaSdp, AnRtpmapWithoutAClockRateIsIgnoredNotTheWholeOffer) {
  auto n = make({.codecs = {CodecId::pcmu}});
  auto a = n->answer_offer(
      peer_offer("0 101", "a=rtpmap:0 PCMU\r\na=rtpmap:101 telephone-event\r\na=rtpmap:0\r\n"));
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(a->media.codec, CodecId::pcmu);
  EXPECT_TRUE(has(a->sdp, "m=audio 4000 RTP/AVP 0"));
  auto g722 = make({.codecs = {CodecId::g722}});
  auto refused = g722->answer_offer(peer_offer("98", "a=rtpmap:98 G722\r\n"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.message().find("no common codec"), std::string::npos) << refused.message();
}

TEST(MediaSdp, NoCommonCodecIsRefused) {
  auto n = make();
  auto a = n->answer_offer(peer_offer("3 111", "a=rtpmap:111 opus/48000/2\r\n"));
  ASSERT_FALSE(a);
  EXPECT_NE(a.message().find("no common codec"), std::string::npos) << a.message();
  // Only a line of the preference is offered: refused too.
  auto only_pcma = make({.codecs = {CodecId::pcma}});
  EXPECT_FALSE(only_pcma->answer_offer(peer_offer("0 9", "")));
}

TEST(MediaSdp, TelephoneEventRates) {
  struct Case {
    std::string fmts, extra;
    int pt, rate;
  } cases[] = {
      {"9 101", "a=rtpmap:101 telephone-event/8000\r\n", 101, 8000},
      {"9 102", "a=rtpmap:102 telephone-event/16000\r\n", 102,
       16000},  // G.722 peers that count 16 kHz
      {"9 102 101", "a=rtpmap:102 telephone-event/16000\r\na=rtpmap:101 telephone-event/8000\r\n",
       101, 8000},
      {"9 100", "a=rtpmap:100 telephone-event/48000\r\n", -1, 8000},
      {"9", "", -1, 8000},
  };
  for (const auto& c : cases) {
    auto n = make();
    auto a = n->answer_offer(peer_offer(c.fmts, c.extra));
    ASSERT_TRUE(a) << a.message();
    EXPECT_EQ(a->media.event_pt, c.pt) << c.fmts;
    if (c.pt >= 0) {
      EXPECT_EQ(a->media.event_rate, c.rate);
      EXPECT_TRUE(has(a->sdp, "a=rtpmap:" + std::to_string(c.pt) + " telephone-event/" +
                                  std::to_string(c.rate)));
    } else {
      EXPECT_EQ(a->sdp.find("telephone-event"), std::string::npos);
    }
  }
  // Events switched off: not answered even when offered.
  auto off = make({.codecs = {}, .telephone_events = false});
  auto a = off->answer_offer(peer_offer("0 101", "a=rtpmap:101 telephone-event/8000\r\n"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->media.event_pt, -1);
}

TEST(MediaSdp, PtimeIsHonouredWithin10To60) {
  struct Case {
    std::string attrs;
    int ptime;
  } cases[] = {
      {"", 20},
      {"a=ptime:30\r\n", 30},
      {"a=ptime:10\r\n", 10},
      {"a=ptime:5\r\n", 10},
      {"a=ptime:100\r\n", 60},
      {"a=ptime:40\r\na=maxptime:20\r\n", 20},
      {"a=ptime:x\r\n", 20},
  };
  for (const auto& c : cases) {
    auto n = make();
    auto a = n->answer_offer(peer_offer("0", c.attrs));
    ASSERT_TRUE(a) << a.message();
    EXPECT_EQ(a->media.ptime_ms, c.ptime) << c.attrs;
  }
}

TEST(MediaSdp, OfferAnswerBetweenTwoOwsipsAndHoldDirections) {
  auto alice = make({}, {"127.0.0.1", 4000});
  auto bob = make({.codecs = {CodecId::g722}}, {"127.0.0.1", 4100});
  auto exchange = [&](NegotiatedMedia& am, NegotiatedMedia& bm) {
    auto offer = alice->create_offer();
    ASSERT_TRUE(offer);
    auto ans = bob->answer_offer(*offer);
    ASSERT_TRUE(ans) << ans.message();
    auto acc = alice->accept_answer(ans->sdp);
    ASSERT_TRUE(acc) << acc.message();
    am = *acc;
    bm = ans->media;
  };
  NegotiatedMedia am, bm;
  exchange(am, bm);
  EXPECT_EQ(am.codec, CodecId::g722);  // the answerer's preference, among what was offered
  EXPECT_EQ(bm.codec, CodecId::g722);
  EXPECT_EQ(am.remote_rtp, (NetAddress{"127.0.0.1", 4100}));
  EXPECT_EQ(bm.remote_rtp, (NetAddress{"127.0.0.1", 4000}));
  EXPECT_EQ(am.event_pt, 101);
  EXPECT_EQ(am.direction, Direction::sendrecv);

  alice->set_hold(true);  // Alice holds Bob: she may send (music), he only receives
  exchange(am, bm);
  EXPECT_EQ(am.direction, Direction::sendonly);
  EXPECT_EQ(bm.direction, Direction::recvonly);
  bob->set_hold(true);  // both hold
  exchange(am, bm);
  EXPECT_EQ(am.direction, Direction::inactive);
  EXPECT_EQ(bm.direction, Direction::inactive);
  alice->set_hold(false);
  bob->set_hold(false);
  exchange(am, bm);
  EXPECT_EQ(am.direction, Direction::sendrecv);
  EXPECT_EQ(bm.direction, Direction::sendrecv);
}

TEST(MediaSdp, PeerHoldsUs) {
  auto n = make();
  auto a = n->answer_offer(peer_offer("0", "a=sendonly\r\n"));
  ASSERT_TRUE(a);
  EXPECT_TRUE(has(a->sdp, "a=recvonly"));
  EXPECT_EQ(a->media.direction, Direction::recvonly);
  a = n->answer_offer(peer_offer("0", "a=inactive\r\n"));
  ASSERT_TRUE(a);
  EXPECT_TRUE(has(a->sdp, "a=inactive"));
  EXPECT_EQ(a->media.direction, Direction::inactive);
  // RFC 2543 hold: c=0.0.0.0. Nothing to send to.
  a = n->answer_offer(peer_offer("0", "", "RTP/AVP", "0.0.0.0"));
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->media.remote_rtp.valid());
  EXPECT_FALSE(sends(a->media.direction));
}

TEST(MediaSdp, ReOfferMayChangeCodecAndAddressAndKeepsEventPayloadType) {
  auto n = make();
  auto a = n->answer_offer(peer_offer("0 8 96", "a=rtpmap:96 telephone-event/8000\r\n"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->media.codec, CodecId::pcmu);
  // re-INVITE: another address and only PCMA.
  a = n->answer_offer(
      peer_offer("8 96", "a=rtpmap:96 telephone-event/8000\r\n", "RTP/AVP", "127.0.0.3", 9000));
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(a->media.codec, CodecId::pcma);
  EXPECT_EQ(a->media.remote_rtp, (NetAddress{"127.0.0.3", 9000}));
  EXPECT_TRUE(has(a->sdp, "m=audio 4000 RTP/AVP 8 96"));
  // Our own re-offer later keeps payload type 96 for events, and the session version grows.
  auto o = n->create_offer();
  ASSERT_TRUE(o);
  EXPECT_TRUE(has(*o, "m=audio 4000 RTP/AVP 0 8 9 96"));
  // A new public address (STUN) shows in the next offer.
  ASSERT_TRUE(n->set_local({"192.0.2.7", 4000}));
  o = n->create_offer();
  ASSERT_TRUE(o);
  EXPECT_TRUE(has(*o, "c=IN IP4 192.0.2.7"));
}

TEST(MediaSdp, RtcpAttributeGivesTheRtcpAddress) {
  auto n = make();
  auto a = n->answer_offer(peer_offer("0", "a=rtcp:7000\r\n"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->media.remote_rtcp, (NetAddress{"127.0.0.2", 7000}));
  a = n->answer_offer(peer_offer("0", "a=rtcp:7002 IN IP4 127.0.0.9\r\n"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->media.remote_rtcp, (NetAddress{"127.0.0.9", 7002}));
}

// SRTP policy matrix (RFC 4568): offerer policy x answerer policy.
TEST(MediaSdp, CryptoMatrixBetweenPolicies) {
  using P = SrtpPolicy;
  struct Case {
    P offerer, answerer;
    bool ok;
    bool srtp;
  } cases[] = {
      {P::off, P::off, true, false},
      {P::off, P::optional, true, false},
      {P::off, P::mandatory, false, false},
      {P::optional, P::off, true, false},
      {P::optional, P::optional, true, true},
      {P::optional, P::mandatory, true, true},
      {P::mandatory, P::off, false, false},
      {P::mandatory, P::optional, true, true},
      {P::mandatory, P::mandatory, true, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(srtp_policy_name(c.offerer)) + " -> " +
                 std::string(srtp_policy_name(c.answerer)));
    auto alice = make({.codecs = {}, .srtp = c.offerer});
    auto bob = make({.codecs = {}, .srtp = c.answerer}, {"127.0.0.1", 4100});
    auto offer = alice->create_offer();
    ASSERT_TRUE(offer);
    EXPECT_EQ(offer->find("RTP/SAVP") != std::string::npos, c.offerer == P::mandatory);
    auto ans = bob->answer_offer(*offer);
    ASSERT_EQ(ans.is_ok(), c.ok) << (ans ? ans->sdp : ans.message());
    if (!c.ok) continue;
    auto acc = alice->accept_answer(ans->sdp);
    ASSERT_TRUE(acc) << acc.message();
    EXPECT_EQ(ans->media.srtp.has_value(), c.srtp);
    EXPECT_EQ(acc->srtp.has_value(), c.srtp);
    if (c.srtp) {
      EXPECT_EQ(*acc->srtp, SrtpSuite::aes_cm_128_hmac_sha1_80);  // the first offered
      EXPECT_EQ(acc->tx_key, ans->media.rx_key);
      EXPECT_EQ(acc->rx_key, ans->media.tx_key);
      EXPECT_NE(acc->tx_key, acc->rx_key);
      EXPECT_EQ(ans->sdp.find("a=crypto:2"), std::string::npos);  // one line in the answer
    }
  }
}

TEST(MediaSdp, CryptoSuitesAndUnusableLines) {
  const std::string k = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
  auto n = make({.codecs = {}, .srtp = SrtpPolicy::optional});
  // Only the 32-bit suite offered.
  auto a = n->answer_offer(
      peer_offer("0", "a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:" + k + "\r\n", "RTP/SAVP"));
  ASSERT_TRUE(a) << a.message();
  ASSERT_TRUE(a->media.srtp);
  EXPECT_EQ(*a->media.srtp, SrtpSuite::aes_cm_128_hmac_sha1_32);
  EXPECT_TRUE(has(a->sdp, "m=audio 4000 RTP/SAVP 0"));
  EXPECT_NE(a->sdp.find("a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:"), std::string::npos);
  // Both suites offered, _32 first: the answer takes _80.
  a = n->answer_offer(peer_offer("0",
                                 "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" + k + "\r\n" +
                                     "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" + k + "\r\n",
                                 "RTP/SAVP"));
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(*a->media.srtp, SrtpSuite::aes_cm_128_hmac_sha1_80);
  EXPECT_NE(a->sdp.find("a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:"), std::string::npos);
  // Unusable crypto (unknown suite, MKI) on RTP/AVP: optional answers plain ...
  const std::string unusable = "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:" + k + "\r\n" +
                               "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|2^20|1:4\r\n";
  a = n->answer_offer(peer_offer("0", unusable));
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->media.srtp);
  EXPECT_EQ(a->sdp.find("crypto"), std::string::npos);
  // ... but not on RTP/SAVP, and mandatory refuses.
  EXPECT_FALSE(n->answer_offer(peer_offer("0", unusable, "RTP/SAVP")));
  auto m = make({.codecs = {}, .srtp = SrtpPolicy::mandatory});
  auto r = m->answer_offer(peer_offer("0", unusable));
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("mandatory"), std::string::npos);
  // A key in an error message would end in a log: never.
  EXPECT_EQ(r.message().find(k), std::string::npos);
}

TEST(MediaSdp, AnswerWithoutOurCodecOrStreamFails) {
  auto n = make();
  ASSERT_TRUE(n->create_offer());
  auto r = n->accept_answer(peer_offer("3", ""));
  EXPECT_FALSE(r);
  ASSERT_TRUE(n->create_offer());
  r = n->accept_answer(peer_offer("0", "", "RTP/AVP", "127.0.0.2", 0));  // stream refused
  EXPECT_FALSE(r);
  ASSERT_TRUE(n->create_offer());
  r = n->accept_answer(peer_offer("8", ""));
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->codec, CodecId::pcma);
}

TEST(MediaSdp, OffersWithoutUsableAudioAreRefused) {
  auto n = make();
  EXPECT_FALSE(n->answer_offer(peer_offer("0", "", "RTP/AVP", "127.0.0.2", 0)));  // disabled
  EXPECT_FALSE(n->answer_offer(peer_offer("0", "", "UDP/TLS/RTP/SAVPF")));        // WebRTC
  // The feedback profile is answered as offered.
  auto f = n->answer_offer(peer_offer("0", "", "RTP/AVPF"));
  ASSERT_TRUE(f) << f.message();
  EXPECT_TRUE(has(f->sdp, "m=audio 4000 RTP/AVPF 0"));
  EXPECT_FALSE(
      n->answer_offer("v=0\r\no=p 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 "
                      "0\r\nm=video 5000 RTP/AVP 96\r\n"));
  // A video stream beside the audio one is declined (port 0), the audio answered.
  auto a =
      n->answer_offer(peer_offer("0", "m=video 7080 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"));
  ASSERT_TRUE(a) << a.message();
  EXPECT_TRUE(has(a->sdp, "m=video 0 RTP/AVP 0"));
}

TEST(MediaSdp, MalformedSdpIsRefusedAndTheSessionStaysUsable) {
  auto n = make();
  const std::string good =
      peer_offer("0 8 101", "a=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n");
  const std::vector<std::string> bad = {
      "",
      "hello",
      "v=1\r\n",
      "v=0\r\nthis is not sdp\r\n",
      std::string("v=0\r\n\0o=x\r\n", 12),
      "v=0\r\nm=\r\n",
      "v=0\r\nm=audio\r\n",
      "v=0\r\nc=IN IP4\r\nm=audio 5 RTP/AVP 0\r\n",
      "v=0\r\nm=audio 5 RTP/AVP 0\r\nc=IN IP7 1.2.3.4\r\n",
      "v=0\r\nb=AS\r\n",
      std::string(20000, 'a'),
  };
  for (const auto& b : bad) EXPECT_FALSE(n->answer_offer(b)) << b.substr(0, 40);
  std::mt19937 rng(5);
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string s = good;
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 3) {
        case 0:
          s[rng() % s.size()] = static_cast<char>(rng() % 128);
          break;
        case 1:
          s.erase(rng() % s.size(), 1 + rng() % 8);
          break;
        default:
          s.insert(rng() % s.size(), 1, " =:/\r\n0"[rng() % 7]);
          break;
      }
      if (s.empty()) s = "x";
    }
    auto a = n->answer_offer(s);
    accepted += a.is_ok();
    if (a) {
      EXPECT_FALSE(a->sdp.empty());
    }
  }
  std::printf("fuzzed offers: %d of 3000 still acceptable\n", accepted);
  auto a = n->answer_offer(good);
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(a->media.codec, CodecId::pcmu);
  EXPECT_EQ(a->media.event_pt, 101);
}

// Fax pass-through (docs/FAX.md): voice-band data offers G.711 only with
// a=silenceSupp:off - - - - (RFC 3108, V.152), and an offer carrying it switches the answerer.
TEST(MediaSdp, VoicebandDataReofferSwitchesBothSidesToG711) {
  auto alice = make({.codecs = {CodecId::g722, CodecId::pcma}}, {"127.0.0.1", 4000});
  auto bob = make({.codecs = {CodecId::g722, CodecId::pcmu, CodecId::pcma}}, {"127.0.0.1", 4100});
  auto offer = alice->create_offer();
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->find("silenceSupp"), std::string::npos);
  auto ans = bob->answer_offer(*offer);
  ASSERT_TRUE(ans) << ans.message();
  ASSERT_TRUE(alice->accept_answer(ans->sdp));
  EXPECT_EQ(ans->media.codec, CodecId::g722);
  EXPECT_FALSE(bob->voiceband_data());

  alice->set_voiceband_data(true);
  auto vbd = alice->create_offer();
  ASSERT_TRUE(vbd);
  // G.711 only, the account's PCMA first, PCMU too although its codecs leave it out.
  EXPECT_TRUE(has(*vbd, "m=audio 4000 RTP/AVP 8 0 101")) << *vbd;
  EXPECT_TRUE(has(*vbd, "a=silenceSupp:off - - - -")) << *vbd;
  auto vans = bob->answer_offer(*vbd);
  ASSERT_TRUE(vans) << vans.message();
  EXPECT_TRUE(bob->voiceband_data());
  EXPECT_EQ(vans->media.codec, CodecId::pcmu);  // bob's preference among the G.711 offered
  EXPECT_TRUE(has(vans->sdp, "a=silenceSupp:off - - - -")) << vans->sdp;
  auto acc = alice->accept_answer(vans->sdp);
  ASSERT_TRUE(acc) << acc.message();
  EXPECT_EQ(acc->codec, CodecId::pcmu);

  // It stays for the rest of the call: bob's own re-offer (hold, say) keeps G.711 and the
  // attribute, the codec in use first.
  auto again = bob->create_offer();
  ASSERT_TRUE(again);
  EXPECT_TRUE(has(*again, "m=audio 4100 RTP/AVP 0 8 101")) << *again;
  EXPECT_TRUE(has(*again, "a=silenceSupp:off - - - -"));
  // An offer without G.711 is refused in voice-band data.
  EXPECT_FALSE(bob->answer_offer(peer_offer("9", "a=silenceSupp:off - - - -\r\n")));

  // A voice-band data offer that cannot be accepted leaves a voice call a voice call.
  auto carol = make({}, {"127.0.0.1", 4200});
  EXPECT_FALSE(carol->answer_offer(peer_offer("9", "a=silenceSupp:off - - - -\r\n")));
  EXPECT_FALSE(carol->voiceband_data());
  auto plain = carol->answer_offer(peer_offer("9 0", ""));
  ASSERT_TRUE(plain) << plain.message();
  EXPECT_EQ(plain->media.codec, CodecId::pcmu);  // carol's own preference: PCMU first
  EXPECT_EQ(plain->sdp.find("silenceSupp"), std::string::npos);
}

}  // namespace
}  // namespace owsip::media
