#include "fax/t38_sdp.h"

#include <gtest/gtest.h>

#include <string>

namespace owsip::fax {
namespace {

// The offer of ITU-T T.38 Annex D's example (D.2.4), in the boolean ":0" form of the older
// editions.
constexpr std::string_view kAnnexDOffer =
    "m=image 49170 udptl t38\r\n"
    "a=T38FaxVersion:0\r\n"
    "a=T38MaxBitRate:14400\r\n"
    "a=T38FaxFillBitRemoval:0\r\n"
    "a=T38FaxTranscodingMMR:0\r\n"
    "a=T38FaxTranscodingJBIG:0\r\n"
    "a=T38FaxRateManagement:transferredTCF\r\n"
    "a=T38FaxMaxBuffer:260\r\n"
    "a=T38FaxUdpEC:t38UDPRedundancy\r\n";

TEST(T38Sdp, ParsesAnnexDExample) {
  auto r = parse_t38_media(kAnnexDOffer);
  ASSERT_TRUE(r.is_ok()) << r.message();
  EXPECT_EQ(r->port, 49170);
  EXPECT_EQ(r->version, 0);
  EXPECT_EQ(r->max_bit_rate, 14400);
  EXPECT_FALSE(r->fill_bit_removal);
  EXPECT_FALSE(r->transcoding_mmr);
  EXPECT_FALSE(r->transcoding_jbig);
  EXPECT_EQ(r->rate_management, T38RateManagement::kTransferredTcf);
  EXPECT_EQ(r->max_buffer, 260);
  EXPECT_EQ(r->max_datagram, 0);
  EXPECT_EQ(r->udp_ec, T38UdpEc::kRedundancy);
}

// RFC 4612's SDP mapping: booleans by presence; a later-edition offer with FEC, local TCF,
// version 3, a higher (V.34) bit rate, lower-case names, LF line ends.
TEST(T38Sdp, ParsesPresenceBooleansAndFec) {
  auto r = parse_t38_media(
      "m=image 5004 udptl t38\n"
      "a=t38faxversion:3\n"
      "a=T38MaxBitRate:33600\n"
      "a=T38FaxFillBitRemoval\n"
      "a=T38FaxTranscodingMMR\n"
      "a=T38FaxRateManagement:localTCF\n"
      "a=T38FaxMaxDatagram:316\n"
      "a=T38FaxUdpEC:t38UDPFEC\n"
      "a=T38FaxUdpECDepth:1 3\n");
  ASSERT_TRUE(r.is_ok()) << r.message();
  EXPECT_EQ(r->version, 3);
  EXPECT_EQ(r->max_bit_rate, 33600);
  EXPECT_TRUE(r->fill_bit_removal);
  EXPECT_TRUE(r->transcoding_mmr);
  EXPECT_FALSE(r->transcoding_jbig);
  EXPECT_EQ(r->rate_management, T38RateManagement::kLocalTcf);
  EXPECT_EQ(r->max_datagram, 316);
  EXPECT_EQ(r->udp_ec, T38UdpEc::kFec);
}

TEST(T38Sdp, RefusesWhatIsNotT38) {
  EXPECT_FALSE(parse_t38_media("m=audio 4000 RTP/AVP 0\r\n").is_ok());
  EXPECT_FALSE(parse_t38_media("m=image 4000 udptl t38\r\na=T38FaxVersion:x\r\n").is_ok());
  EXPECT_FALSE(parse_t38_media("m=image 4000 udptl t38\r\na=T38MaxBitRate:-1\r\n").is_ok());
  EXPECT_FALSE(parse_t38_media("m=image 4000 udptl t38\r\na=T38FaxUdpEC:magic\r\n").is_ok());
  EXPECT_FALSE(parse_t38_media("m=image 4000 udptl t38\r\na=T38FaxRateManagement:x\r\n").is_ok());
  EXPECT_FALSE(parse_t38_media("m=image 99999 udptl t38\r\n").is_ok());
  EXPECT_FALSE(parse_t38_media("a=T38FaxVersion:0\r\n").is_ok());
  EXPECT_FALSE(parse_t38_media("").is_ok());
  EXPECT_FALSE(parse_t38_media("m=image 4000 tcp t38\r\n").is_ok());
}

TEST(T38Sdp, FindsTheImageStreamInAReInvite) {
  const std::string sdp =
      "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
      "m=audio 0 RTP/AVP 0\r\n"
      "m=image 6000 udptl t38\r\na=T38FaxVersion:0\r\na=T38MaxBitRate:9600\r\n"
      "m=video 0 RTP/AVP 31\r\na=T38MaxBitRate:2400\r\n";
  auto m = find_t38_media(sdp);
  ASSERT_TRUE(m.has_value());
  auto r = parse_t38_media(*m);
  ASSERT_TRUE(r.is_ok()) << r.message();
  EXPECT_EQ(r->port, 6000);
  EXPECT_EQ(r->max_bit_rate, 9600);  // not the video stream's attribute
  EXPECT_FALSE(find_t38_media("v=0\r\nm=audio 4000 RTP/AVP 0\r\n").has_value());
}

TEST(T38Sdp, OfferFromOptions) {
  T38Options o;
  o.max_bit_rate = 9600;
  o.redundancy_depth = 2;
  o.max_datagram = 300;
  const std::string text = format_t38_media(make_t38_offer(o, 4242));
  EXPECT_EQ(text,
            "m=image 4242 udptl t38\r\n"
            "a=T38FaxVersion:0\r\n"
            "a=T38MaxBitRate:9600\r\n"
            "a=T38FaxRateManagement:transferredTCF\r\n"
            "a=T38FaxMaxBuffer:1800\r\n"
            "a=T38FaxMaxDatagram:300\r\n"
            "a=T38FaxUdpEC:t38UDPRedundancy\r\n");
  o.redundancy_depth = 0;
  auto back = parse_t38_media(format_t38_media(make_t38_offer(o, 4242)));
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(back->udp_ec, T38UdpEc::kNone);
  EXPECT_EQ(back->max_bit_rate, 9600);
}

TEST(T38Sdp, AnswerNegotiatesDown) {
  T38Options ours;  // 14400, depth 3
  auto offer = parse_t38_media(
      "m=image 5004 udptl t38\r\na=T38FaxVersion:3\r\na=T38MaxBitRate:33600\r\n"
      "a=T38FaxFillBitRemoval\r\na=T38FaxTranscodingJBIG\r\n"
      "a=T38FaxRateManagement:localTCF\r\na=T38FaxMaxDatagram:200\r\n"
      "a=T38FaxUdpEC:t38UDPFEC\r\n");
  ASSERT_TRUE(offer.is_ok());
  auto a = make_t38_answer(*offer, ours, 7000);
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(a->port, 7000);
  EXPECT_EQ(a->version, 0);
  EXPECT_EQ(a->max_bit_rate, 14400);
  EXPECT_EQ(a->rate_management, T38RateManagement::kLocalTcf);  // theirs, unchanged
  EXPECT_EQ(a->udp_ec, T38UdpEc::kRedundancy);                  // FEC offered: we send redundancy
  EXPECT_FALSE(a->fill_bit_removal);
  EXPECT_FALSE(a->transcoding_jbig);
  const T38Options run = t38_session_options(*a, *offer, ours);
  EXPECT_EQ(run.max_bit_rate, 14400);
  EXPECT_EQ(run.max_datagram, 200u);  // their limit on what we send
  EXPECT_EQ(run.redundancy_depth, 3);

  // A slower offer without error correction: 9600, no redundancy.
  auto slow = parse_t38_media(kAnnexDOffer);
  ASSERT_TRUE(slow.is_ok());
  slow->max_bit_rate = 9600;
  slow->udp_ec = T38UdpEc::kNone;
  auto b = make_t38_answer(*slow, ours, 7000);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b->max_bit_rate, 9600);
  EXPECT_EQ(b->udp_ec, T38UdpEc::kNone);
  EXPECT_EQ(t38_session_options(*b, *slow, ours).redundancy_depth, 0);
  EXPECT_EQ(t38_session_options(*b, *slow, ours).max_bit_rate, 9600);

  // A refused stream is not answered.
  slow->port = 0;
  EXPECT_FALSE(make_t38_answer(*slow, ours, 7000).is_ok());
}

}  // namespace
}  // namespace owsip::fax
