#include "fax/t38_call_sdp.h"

#include <gtest/gtest.h>

namespace owsip::fax {
namespace {

constexpr const char* kSession =
    "v=0\r\no=owsip 1 3 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";

TEST(T38CallSdpTest, OfferReplacesTheAudioStreamByTheImageStream) {
  const std::string audio = std::string(kSession) +
                            "m=audio 8704 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n";
  EXPECT_EQ(sdp_session_part(audio), kSession);
  T38Options o;
  o.redundancy_depth = 2;
  o.max_bit_rate = 9600;
  const std::string offer = make_t38_offer_sdp(sdp_session_part(audio), make_t38_offer(o, 8706));
  EXPECT_EQ(offer.find("m=audio"), std::string::npos);
  EXPECT_NE(offer.find(std::string(kSession) + "m=image 8706 udptl t38\r\n"), std::string::npos);
  EXPECT_NE(offer.find("a=T38MaxBitRate:9600\r\n"), std::string::npos);
  EXPECT_NE(offer.find("a=T38FaxUdpEC:t38UDPRedundancy\r\n"), std::string::npos);
  // What the peer reads back from it.
  auto r = read_t38_remote(offer);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->ip, "127.0.0.1");
  EXPECT_EQ(r->sdp.port, 8706);
  EXPECT_EQ(r->sdp.max_bit_rate, 9600);
  EXPECT_EQ(r->sdp.udp_ec, T38UdpEc::kRedundancy);
}

TEST(T38CallSdpTest, MediaAddressWinsOverTheSession) {
  const std::string sdp = std::string(kSession) +
                          "m=audio 0 RTP/AVP 0\r\nm=image 4000 udptl t38\r\nc=IN IP4 127.0.0.9/127\r\n"
                          "a=T38FaxVersion:0\r\n";
  auto r = read_t38_remote(sdp);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->ip, "127.0.0.9");
  EXPECT_EQ(r->sdp.port, 4000);
}

TEST(T38CallSdpTest, AnswerKeepsEveryStreamOfTheOfferInOrder) {
  // An offer in the form of Asterisk's PJSIP and others: the audio stream kept with port 0
  // beside the image stream; and one with audio still active beside it.
  for (const char* audio : {"m=audio 0 RTP/AVP 0", "m=audio 5004 RTP/AVP 0 8"}) {
    const std::string offer = "v=0\nc=IN IP4 127.0.0.2\nt=0 0\n" + std::string(audio) +
                              "\na=rtpmap:0 PCMU/8000\nm=image 5006 udptl t38\na=T38FaxVersion:0\n";
    T38Options o;
    auto remote = read_t38_remote(offer);
    ASSERT_TRUE(remote) << remote.message();
    auto image = make_t38_answer(remote->sdp, o, 9000);
    ASSERT_TRUE(image) << image.message();
    auto answer = make_t38_answer_sdp(kSession, offer, *image);
    ASSERT_TRUE(answer) << answer.message();
    const size_t a = answer->find("m=audio 0 RTP/AVP ");
    const size_t i = answer->find("m=image 9000 udptl t38\r\n");
    ASSERT_NE(a, std::string::npos) << *answer;
    ASSERT_NE(i, std::string::npos) << *answer;
    EXPECT_LT(a, i);
    EXPECT_EQ(answer->find("rtpmap"), std::string::npos);  // nothing of the declined stream
  }
}

TEST(T38CallSdpTest, ImageOnlyOfferGetsAnImageOnlyAnswer) {
  const std::string offer = std::string(kSession) + "m=image 5006 udptl t38\r\na=T38FaxVersion:0\r\n";
  auto answer = make_t38_answer_sdp(kSession, offer, make_t38_offer(T38Options{}, 7000));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->find("m=audio"), std::string::npos);
  EXPECT_NE(answer->find("m=image 7000 udptl t38"), std::string::npos);
}

TEST(T38CallSdpTest, ErrorsAndMalformedInput) {
  EXPECT_FALSE(read_t38_remote(std::string(kSession) + "m=audio 4000 RTP/AVP 0\r\n"));
  EXPECT_FALSE(read_t38_remote("m=image 4000 udptl t38\r\n"));  // no address at all
  EXPECT_FALSE(read_t38_remote("c=IN IP4\r\nm=image 4000 udptl t38\r\n"));
  auto declined = read_t38_remote("m=image 0 udptl t38\r\n");  // port 0 needs no address
  ASSERT_TRUE(declined);
  EXPECT_EQ(declined->sdp.port, 0);
  EXPECT_FALSE(make_t38_answer_sdp(kSession, "m=audio 4000 RTP/AVP 0\r\n", T38Sdp{}));
  EXPECT_FALSE(make_t38_answer_sdp(kSession, "m=audio\r\nm=image 4000 udptl t38\r\n", T38Sdp{}));
  for (const char* junk : {"", "m=", "m=image", "\n\n\r\r", "c=IN IP4 1.2.3.4\nm=image x udptl t38"})
    (void)read_t38_remote(junk);  // no crash
  EXPECT_EQ(sdp_session_part("no media"), "no media");
}

}  // namespace
}  // namespace owsip::fax
