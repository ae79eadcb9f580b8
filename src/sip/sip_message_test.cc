#include "sip/sip_message.h"

#include <gtest/gtest.h>

#include <string>

namespace owsip::sip {
namespace {

Result<SipMessage> decode(const std::string& text) {
  return SipMessage::decode({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

std::string options(const std::string& replace_from = "", const std::string& with = "") {
  std::string m =
      "OPTIONS sip:owsip@127.0.0.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1;rport=5071;received=192.0.2.7\r\n"
      "Max-Forwards: 70\r\n"
      "From: \"A\" <sip:a@127.0.0.1:5070;transport=udp>;tag=1\r\n"
      "To: <sip:owsip@127.0.0.1>\r\n"
      "Call-ID: c1\r\n"
      "CSeq: 7 OPTIONS\r\n"
      "Retry-After: 99999999999 (later)\r\n"
      "Content-Length: 0\r\n\r\n";
  if (!replace_from.empty()) m.replace(m.find(replace_from), replace_from.size(), with);
  return m;
}

TEST(SipMessage, ReadsARequestAsOwsipTypes) {
  auto m = decode(options());
  ASSERT_TRUE(m) << m.message();
  EXPECT_TRUE(m->is_request());
  EXPECT_EQ(m->method(), "OPTIONS");
  EXPECT_EQ(m->request_uri(), "sip:owsip@127.0.0.1:5060");
  EXPECT_EQ(m->cseq(), 7u);
  EXPECT_EQ(m->from().display, "A");  // libre removes the quotes
  EXPECT_EQ(m->from().user, "a");
  EXPECT_EQ(m->from().host, (HostPort{"127.0.0.1", 5070}));
  EXPECT_EQ(m->from_tag(), "1");
  EXPECT_EQ(m->via_sent_by(), (HostPort{"127.0.0.1", 5070}));
  EXPECT_EQ(m->seen_as(), (HostPort{"192.0.2.7", 5071}));
  EXPECT_EQ(m->header_number("Retry-After"), UINT32_MAX);  // saturated, not wrapped
  EXPECT_EQ(m->header_number("Max-Forwards"), 70u);
  EXPECT_FALSE(m->header_number("Expires"));
  EXPECT_EQ(m->request_error(), std::nullopt);
}

TEST(SipMessage, RefusesWhatRfc3261Refuses) {
  const std::pair<std::string, std::string> cases[] = {
      {"CSeq: 7 OPTIONS\r\n", ""},
      {"Call-ID: c1\r\n", ""},
      {"To: <sip:owsip@127.0.0.1>\r\n", ""},
      {"CSeq: 7 OPTIONS", "CSeq: 7 INVITE"},
      {"CSeq: 7 OPTIONS", "CSeq: 2147483648 OPTIONS"},
      {"CSeq: 7 OPTIONS", "CSeq: -1 OPTIONS"},
      {"Content-Length: 0", "Content-Length: 10"},
      {"Content-Length: 0", "Content-Length: -1"},
      {"Max-Forwards: 70", "Max-Forwards: 256"},
      {"Call-ID: c1\r\n", "Call-ID: c1\r\ni: c2\r\n"},
      {"Max-Forwards: 70", std::string("Max-Forwards: 70\r\nSubject: a\0b", 29)},
  };
  for (const auto& [from, to] : cases) {
    auto m = decode(options(from, to));
    if (!m) continue;  // libre's decoder refused it already: dropped
    EXPECT_TRUE(m->request_error()) << from << " -> " << to;
  }
}

// RFC 4475 section 3.1.1.1 folds CSeq across lines; section 3.1.1.2 escapes BEL, NUL and DEL
// with quoted-pairs inside a display name. Both are valid.
TEST(SipMessage, AcceptsFoldedValuesAndQuotedPairsOfControlCharacters) {
  auto folded = decode(options("CSeq: 7 OPTIONS", "CSeq: 0009\r\n  \t OPTIONS"));
  ASSERT_TRUE(folded) << folded.message();
  EXPECT_EQ(folded->request_error(), std::nullopt);
  EXPECT_EQ(folded->header("CSeq"), "0009 OPTIONS");
  const char kEscaped[] = "From: \"BEL:\\\x07 NUL:\\\0 DEL:\\\x7f\" <sip:a@127.0.0.1>;tag=1";
  const std::string escaped(kEscaped, sizeof kEscaped - 1);
  auto pairs = decode(options("From: \"A\" <sip:a@127.0.0.1:5070;transport=udp>;tag=1", escaped));
  ASSERT_TRUE(pairs) << pairs.message();
  EXPECT_EQ(pairs->request_error(), std::nullopt);
  // The same octets unescaped, inside or outside quotes, are not.
  auto raw = decode(options("Max-Forwards: 70", "Max-Forwards: 70\r\nSubject: \"a\x07\""));
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->request_error(), "control character in a header");
}

// Values libre reads but RFC 3261, RFC 4475 and RFC 5118 call malformed.
TEST(SipMessage, RefusesMalformedValuesLibreReads) {
  const std::pair<std::string, std::string> cases[] = {
      {"sip:owsip@127.0.0.1:5060 SIP", "sip:owsip@127.0.0.1:5060?Route=%3Csip:x%3E SIP"},
      {"sip:owsip@127.0.0.1:5060 SIP", "sip:owsip@[2001:db8::1 SIP"},
      {"sip:owsip@127.0.0.1:5060 SIP", "sip:owsip@[2001:db8:::1] SIP"},
      {"sip:owsip@127.0.0.1:5060 SIP", "sip:owsip@2001:db8::1 SIP"},
      {"Max-Forwards: 70", "Max-Forwards: 70\r\nDate: Fri, 01 Jan 2010 16:00:00 EST"},
      {"From: \"A\"", "From: Bell, Alexander"},
      {"From: \"A\"", "From: \"A"},
      {"5070;branch=z9hG4bK1;", "5070;;branch=z9hG4bK1;"},
  };
  for (const auto& [from, to] : cases) {
    auto m = decode(options(from, to));
    ASSERT_TRUE(m) << to << ": " << m.message();
    EXPECT_TRUE(m->request_error()) << from << " -> " << to;
  }
}

// What RFC 3261 and RFC 5118 allow and the checks above must not refuse.
TEST(SipMessage, AcceptsTheValidFormsNextToTheRefusedOnes) {
  const std::pair<std::string, std::string> cases[] = {
      {"sip:owsip@127.0.0.1:5060 SIP", "sip:we?ird@127.0.0.1:5060 SIP"},  // '?' in the user
      {"sip:owsip@127.0.0.1:5060 SIP", "sip:owsip@[2001:db8::10]:5070 SIP"},
      {"sip:owsip@127.0.0.1:5060 SIP", "sip:[::ffff:192.0.2.10] SIP"},
      {"sip:owsip@127.0.0.1:5060 SIP", "urn:service:sos:x SIP"},  // not SIP: 416 decides
      {"Max-Forwards: 70", "Max-Forwards: 70\r\nDate: Sat, 13 Nov 2010 23:29:00 GMT"},
      {"From: \"A\"", "From: caller"},
      {"From: \"A\"", "From: \"a \\\" b\""},
  };
  for (const auto& [from, to] : cases) {
    auto m = decode(options(from, to));
    ASSERT_TRUE(m) << to << ": " << m.message();
    EXPECT_EQ(m->request_error(), std::nullopt) << from << " -> " << to;
  }
}

TEST(SipMessage, UnfoldsAndListsHeaderValues) {
  EXPECT_EQ(unfold("a \r\n\t b"), "a b");
  EXPECT_EQ(unfold("a\r\n b\r\n c"), "a b c");
  EXPECT_EQ(unfold("plain"), "plain");
  auto m = decode(options("Max-Forwards", "Require: a, ,b\r\n  ,c\r\nRequire: d\r\nMax-Forwards"));
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->header_list("Require"), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(m->header_list("Supported").empty());
}

TEST(SipMessage, GarbageIsAnErrorNotACrash) {
  EXPECT_FALSE(decode(""));
  EXPECT_FALSE(decode("\r\n\r\n"));
  EXPECT_FALSE(decode("HELLO\r\n\r\n"));
  EXPECT_EQ(leading_decimal(" 42abc"), 42u);
  EXPECT_EQ(leading_decimal("x"), std::nullopt);
}

}  // namespace
}  // namespace owsip::sip

namespace owsip::sip {
namespace {

TEST(SipMessage, OneReasonPhraseTableForAnswersAndSipfrags) {
  EXPECT_STREQ(reason_phrase(180), "Ringing");
  EXPECT_STREQ(reason_phrase(421), "Extension Required");
  EXPECT_STREQ(reason_phrase(422), "Session Interval Too Small");
  EXPECT_STREQ(reason_phrase(433), "Anonymity Disallowed");
  EXPECT_STREQ(reason_phrase(486), "Busy Here");
  EXPECT_STREQ(reason_phrase(499), "Request Failure");
  EXPECT_STREQ(reason_phrase(599), "Server Error");
  EXPECT_STREQ(reason_phrase(699), "Global Failure");
}

}  // namespace
}  // namespace owsip::sip
