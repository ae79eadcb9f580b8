#include "media/stun.h"

#include <gtest/gtest.h>

#include <vector>

namespace owsip::media {
namespace {

std::vector<uint8_t> hex(const char* s) {
  std::vector<uint8_t> out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (; s[0] && s[1]; s += 2) {
    while (*s == ' ') ++s;
    out.push_back(static_cast<uint8_t>(nib(s[0]) << 4 | nib(s[1])));
  }
  return out;
}

const StunTransactionId kRfc5769Id = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                      0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

// RFC 5769 section 2.2: the sample IPv4 response (SOFTWARE, XOR-MAPPED-ADDRESS,
// MESSAGE-INTEGRITY, FINGERPRINT).
const char* const kRfc5769Response =
    "0101003c2112a442b7e7a701bc34d686fa87dfae"
    "8022000b7465737420766563746f7220"
    "002000080001a147e112a643"
    "000800142b91f599fd9e90114ec6c8fa37a3ab9c86a2a7fa"
    "80280004c07d4c96";

TEST(Stun, BindingRequestIsTwentyBytesWithCookieAndId) {
  auto r = stun_binding_request(kRfc5769Id);
  ASSERT_EQ(r.size(), 20u);
  EXPECT_EQ(r[0], 0x00);
  EXPECT_EQ(r[1], 0x01);
  EXPECT_TRUE(is_stun(r));
  EXPECT_EQ(std::vector<uint8_t>(r.begin() + 8, r.end()),
            std::vector<uint8_t>(kRfc5769Id.begin(), kRfc5769Id.end()));
}

TEST(Stun, Rfc5769SampleResponseGivesItsMappedAddress) {
  auto p = hex(kRfc5769Response);
  auto a = stun_mapped_address(p, kRfc5769Id);
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(a->ip, "192.0.2.1");
  EXPECT_EQ(a->port, 32853);
}

TEST(Stun, RefusesWhatIsNotOurAnswer) {
  auto p = hex(kRfc5769Response);
  StunTransactionId other = kRfc5769Id;
  other[0] ^= 1;
  EXPECT_FALSE(stun_mapped_address(p, other));  // another transaction
  auto cut = p;
  cut.resize(40);
  EXPECT_FALSE(stun_mapped_address(cut, kRfc5769Id));  // length does not fit
  auto error = p;
  error[1] = 0x11;  // Binding error response
  EXPECT_FALSE(stun_mapped_address(error, kRfc5769Id));
  std::vector<uint8_t> rtp = {0x80, 0x00, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0,
                              0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(is_stun(rtp));
  EXPECT_FALSE(stun_mapped_address(rtp, kRfc5769Id));
  // An attribute running past the end.
  auto bad = hex("010100082112a442b7e7a701bc34d686fa87dfae00200010000100");
  EXPECT_FALSE(stun_mapped_address(bad, kRfc5769Id));
}

TEST(Stun, PlainMappedAddressFromAnOldServer) {
  auto p = hex("0101000c2112a442b7e7a701bc34d686fa87dfae" "000100080001162ec6336407");
  auto a = stun_mapped_address(p, kRfc5769Id);
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(a->ip, "198.51.100.7");
  EXPECT_EQ(a->port, 5678);
}

}  // namespace
}  // namespace owsip::media

namespace owsip::media {
namespace {

// A peer (linphone) asks our RTP port what address it sees: the answer is a Binding success
// with its address XOR-ed as RFC 5389 section 15.2 says (RFC 5769 section 2.2's bytes for
// 192.0.2.1:32853), and our own parser reads it back.
TEST(Stun, AnswersABindingRequestWithTheSendersAddress) {
  const StunTransactionId id = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  auto v4 = stun_binding_response(stun_binding_request(id), {"192.0.2.1", 32853});
  ASSERT_TRUE(v4);
  ASSERT_EQ(v4->size(), 32u);
  EXPECT_EQ(std::vector<uint8_t>(v4->begin(), v4->begin() + 4), hex("0101000c"));
  EXPECT_EQ(std::vector<uint8_t>(v4->begin() + 20, v4->end()), hex("00200008 0001a147 e112a643"));
  auto back = stun_mapped_address(*v4, id);
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(*back, (NetAddress{"192.0.2.1", 32853}));
  auto v6 = stun_binding_response(stun_binding_request(id), {"2001:db8::7", 5004});
  ASSERT_TRUE(v6);
  auto back6 = stun_mapped_address(*v6, id);
  ASSERT_TRUE(back6) << back6.message();
  EXPECT_EQ(*back6, (NetAddress{"2001:db8::7", 5004}));
}

TEST(Stun, AnswersNothingButAWellFormedBindingRequest) {
  const StunTransactionId id = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  std::vector<uint8_t> req = stun_binding_request(id);
  EXPECT_FALSE(stun_binding_response(req, {"not-an-address", 1}));
  auto resp = stun_binding_response(req, {"127.0.0.1", 1});
  ASSERT_TRUE(resp);
  EXPECT_FALSE(stun_binding_response(*resp, {"127.0.0.1", 1}));  // a response, not a request
  std::vector<uint8_t> cut(req.begin(), req.begin() + 19);
  EXPECT_FALSE(stun_binding_response(cut, {"127.0.0.1", 1}));
  std::vector<uint8_t> lying = req;
  lying[3] = 8;  // says 8 bytes of attributes, has none
  EXPECT_FALSE(stun_binding_response(lying, {"127.0.0.1", 1}));
  std::vector<uint8_t> rtp = {0x80, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_FALSE(stun_binding_response(rtp, {"127.0.0.1", 1}));
}

}  // namespace
}  // namespace owsip::media
