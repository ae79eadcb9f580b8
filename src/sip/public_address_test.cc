#include "sip/public_address.h"

#include <gtest/gtest.h>

namespace owsip::sip {
namespace {

const HostPort kLocal{"127.0.0.1", 5060};
const HostPort kPublic{"198.51.100.7", 40000};

TEST(RewritePublic, RequestGetsThePublicAddressInTopViaAndContactOnly) {
  const std::string body = "v=0\r\nc=IN IP4 127.0.0.1\r\n";
  const std::string msg =
      "INVITE sip:bob@127.0.0.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1;rport\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK0\r\n"
      "From: <sip:alice@127.0.0.1:5060>;tag=a\r\n"
      "To: <sip:bob@127.0.0.1:5060>\r\n"
      "Contact: <sip:u1@127.0.0.1:5060;transport=udp>\r\n"
      "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  auto out = rewrite_public(msg, kLocal, kPublic);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out,
            "INVITE sip:bob@127.0.0.1:5060 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 198.51.100.7:40000;branch=z9hG4bK1;rport\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK0\r\n"
            "From: <sip:alice@127.0.0.1:5060>;tag=a\r\n"
            "To: <sip:bob@127.0.0.1:5060>\r\n"
            "Contact: <sip:u1@198.51.100.7:40000;transport=udp>\r\n"
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

TEST(RewritePublic, ResponseKeepsTheRequestersViaAndGetsTheContact) {
  const std::string msg =
      "SIP/2.0 200 OK\r\n"
      "v: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
      "m: <sip:u1@127.0.0.1:5060>, <sip:127.0.0.1:5060>;expires=0\r\n"
      "Content-Length: 0\r\n\r\n";
  auto out = rewrite_public(msg, kLocal, kPublic);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out,
            "SIP/2.0 200 OK\r\n"
            "v: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
            "m: <sip:u1@198.51.100.7:40000>, <sip:198.51.100.7:40000>;expires=0\r\n"
            "Content-Length: 0\r\n\r\n");
}

TEST(RewritePublic, RegisterKeepsItsOwnContactsAndGetsTheVia) {
  const std::string msg =
      "REGISTER sip:127.0.0.1:5070 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1;rport\r\n"
      "Contact: <sip:u1@198.51.100.7:40000>;expires=3600\r\n"
      "Contact: <sip:u1@127.0.0.1:5060>;expires=0\r\n"
      "Content-Length: 0\r\n\r\n";
  auto out = rewrite_public(msg, kLocal, kPublic);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out,
            "REGISTER sip:127.0.0.1:5070 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 198.51.100.7:40000;branch=z9hG4bK1;rport\r\n"
            "Contact: <sip:u1@198.51.100.7:40000>;expires=3600\r\n"
            "Contact: <sip:u1@127.0.0.1:5060>;expires=0\r\n"
            "Content-Length: 0\r\n\r\n");
}

TEST(RewritePublic, LeavesOtherPortsHostsAndNonSipAlone) {
  const std::string other_port =
      "OPTIONS sip:r SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:50601;branch=z9hG4bK1\r\n"
      "Contact: <sip:u@127.0.0.1:50601>\r\nContact: <sip:u@127.0.0.10:5060>\r\n"
      "Content-Length: 0\r\n\r\n";
  EXPECT_FALSE(rewrite_public(other_port, kLocal, kPublic));
  EXPECT_FALSE(rewrite_public("\r\n\r\n", kLocal, kPublic));           // UDP keep-alive
  EXPECT_FALSE(rewrite_public(std::string("\x00\x01\x00\x00", 4), kLocal, kPublic));  // STUN
  EXPECT_FALSE(rewrite_public("OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060",
                              kLocal, kPublic));  // no end of headers: not ours to touch
}

TEST(RewritePublic, Ipv6LocalAddressInBrackets) {
  const std::string msg =
      "BYE sip:b@[2001:db8::9]:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1\r\n"
      "Content-Length: 0\r\n\r\n";
  auto out = rewrite_public(msg, HostPort{"2001:db8::1", 5060}, HostPort{"2001:db8::2", 6000});
  ASSERT_TRUE(out);
  EXPECT_NE(out->find("Via: SIP/2.0/UDP [2001:db8::2]:6000;branch"), std::string::npos) << *out;
  EXPECT_NE(out->find("BYE sip:b@[2001:db8::9]:5060"), std::string::npos);
}

}  // namespace
}  // namespace owsip::sip
