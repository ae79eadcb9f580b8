#include "sip/merged_requests.h"

#include <gtest/gtest.h>

#include <string>

#include "sip/uas_rules.h"

namespace owsip::sip {
namespace {

SipMessage request(const std::string& branch, const std::string& method = "INVITE",
                   const std::string& to_tag = "", int cseq = 1, const std::string& call = "c1") {
  const std::string text = method +
                           " sip:u1@127.0.0.1 SIP/2.0\r\n"
                           "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=" +
                           branch +
                           "\r\n"
                           "From: <sip:a@127.0.0.1>;tag=f1\r\n"
                           "To: <sip:u1@127.0.0.1>" +
                           (to_tag.empty() ? "" : ";tag=" + to_tag) +
                           "\r\n"
                           "Call-ID: " +
                           call + "\r\nCSeq: " + std::to_string(cseq) + " " + method +
                           "\r\n"
                           "Content-Length: 0\r\n\r\n";
  auto m = SipMessage::decode({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  EXPECT_TRUE(m) << m.message();
  return std::move(*m);
}

TEST(MergedRequests, TheSameRequestByAnotherPathIsMergedARetransmissionIsNot) {
  MergedRequests seen;
  EXPECT_FALSE(seen.merged(request("z9hG4bK-a"), 0));
  EXPECT_FALSE(seen.merged(request("z9hG4bK-a"), 500));  // a retransmission
  EXPECT_TRUE(seen.merged(request("z9hG4bK-b"), 1000));  // the fork's other copy
  // Another CSeq or Call-ID is another request; a To tag names a dialog; CANCEL and ACK
  // belong to the INVITE's transaction.
  EXPECT_FALSE(seen.merged(request("z9hG4bK-c", "INVITE", "", 2), 1000));
  EXPECT_FALSE(seen.merged(request("z9hG4bK-d", "INVITE", "", 1, "c2"), 1000));
  EXPECT_FALSE(seen.merged(request("z9hG4bK-e", "INVITE", "t1"), 1000));
  EXPECT_FALSE(seen.merged(request("z9hG4bK-f", "CANCEL"), 1000));
}

TEST(MergedRequests, ForgetsAfterATransactionLifetimeAndStaysBounded) {
  MergedRequests seen;
  EXPECT_FALSE(seen.merged(request("z9hG4bK-a"), 0));
  EXPECT_FALSE(seen.merged(request("z9hG4bK-b"), MergedRequests::kRememberMs));
  for (int i = 0; i < 2000; ++i)
    (void)seen.merged(request("z9hG4bK-x" + std::to_string(i), "OPTIONS", "", i + 10), 40000);
  EXPECT_LE(seen.size(), MergedRequests::kCapacity);
}

TEST(MergedRequests, A482ComesAfterTheSchemeCheckAndBeforeRequire) {
  const SipMessage m = request("z9hG4bK-a");
  auto a = uas_refusal(m, /*merged=*/true);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->code, 482);
  EXPECT_EQ(a->reason, "Loop Detected");
  EXPECT_FALSE(uas_refusal(m, false));
}

}  // namespace
}  // namespace owsip::sip
