#include "sip/uas_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace owsip::sip {
namespace {

// A valid request; `edit` replaces the first occurrence of `from` with `to`.
std::string request(const std::string& method = "INVITE", const std::string& from = "",
                    const std::string& to = "") {
  std::string m = method +
                  " sip:u1@127.0.0.1:5060 SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
                  "Max-Forwards: 70\r\n"
                  "From: <sip:a@127.0.0.1>;tag=1\r\n"
                  "To: <sip:u1@127.0.0.1>\r\n"
                  "Call-ID: c1\r\n"
                  "CSeq: 1 " +
                  method +
                  "\r\n"
                  "Content-Length: 0\r\n\r\n";
  if (!from.empty()) m.replace(m.find(from), from.size(), to);
  return m;
}

std::string with_body(std::string m, const std::string& type, const std::string& body) {
  m.replace(m.find("Content-Length: 0"), 17,
            "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()));
  return m + body;
}

std::optional<UasAnswer> check(const std::string& text) {
  auto m = SipMessage::decode({reinterpret_cast<const uint8_t*>(text.data()), text.size()},
                              /*strict=*/false);
  EXPECT_TRUE(m) << m.message() << "\n" << text;
  if (!m) return UasAnswer{0, "undecodable", ""};
  return uas_refusal(*m);
}

uint16_t code(const std::string& text) {
  auto a = check(text);
  return a ? a->code : 0;
}

const std::string kSdp =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

TEST(UasRules, AValidRequestOfEveryAllowedMethodGoesOn) {
  for (const char* m : {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO", "NOTIFY", "REFER",
                        "PRACK", "UPDATE"})
    EXPECT_EQ(code(request(m)), 0) << m;
}

TEST(UasRules, AMalformedRequestIs400WithAWarningNamingTheFault) {
  auto a = check(request("INVITE", "CSeq: 1 INVITE", "CSeq: 1 BYE"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->code, 400);
  EXPECT_EQ(a->reason, "Bad Request (CSeq method differs from the request's)");
  EXPECT_EQ(a->headers, "Warning: 399 owsip \"CSeq method differs from the request's\"\r\n");
}

TEST(UasRules, AnUnknownMethodIs501AndAKnownOneOwsipDoesNotTakeIs405BothWithAllow) {
  auto unknown = check(request("FOO"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->code, 501);
  EXPECT_EQ(unknown->headers, "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY, REFER, PRACK, UPDATE\r\n");
  for (const char* m :
       {"REGISTER", "SUBSCRIBE", "MESSAGE", "PUBLISH"}) {
    auto a = check(request(m));
    ASSERT_TRUE(a) << m;
    EXPECT_EQ(a->code, 405) << m;
    EXPECT_EQ(a->headers, "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY, REFER, PRACK, UPDATE\r\n");
  }
  EXPECT_EQ(code(request("invite", "CSeq: 1 invite", "CSeq: 1 invite")), 501);  // case matters
}

TEST(UasRules, ARequestUriSchemeOtherThanSipOrSipsIs416) {
  EXPECT_EQ(code(request("INVITE", "sip:u1@127.0.0.1:5060", "tel:+4930123")), 416);
  EXPECT_EQ(code(request("OPTIONS", "sip:u1@127.0.0.1:5060", "urn:service:sos")), 416);
  EXPECT_EQ(code(request("INVITE", "sip:u1@127.0.0.1:5060", "sips:u1@127.0.0.1")), 0);
  // The method comes first: an unknown method with a tel: URI is 501.
  EXPECT_EQ(code(request("FOO", "sip:u1@127.0.0.1:5060", "tel:+4930123")), 501);
}

TEST(UasRules, RequireOfAnUnknownExtensionIs420ListingEveryUnsupportedTag) {
  auto a = check(
      request("INVITE", "Max-Forwards", "Require: 100rel, timer, bar\r\nRequire: foo\r\nMax-Forwards"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->code, 420);
  EXPECT_EQ(a->headers, "Unsupported: bar, foo\r\n");
  EXPECT_EQ(code(request("OPTIONS", "Max-Forwards", "Require: nothing-known\r\nMax-Forwards")),
            420);
  // ACK and CANCEL ignore Require (RFC 3261 section 8.2.2.3); Proxy-Require is for proxies.
  EXPECT_EQ(code(request("CANCEL", "Max-Forwards", "Require: foo\r\nMax-Forwards")), 0);
  EXPECT_EQ(code(request("ACK", "Max-Forwards", "Require: foo\r\nMax-Forwards")), 0);
  EXPECT_EQ(code(request("INVITE", "Max-Forwards", "Proxy-Require: foo\r\nMax-Forwards")), 0);
  // An attended transfer's target may be required to take Replaces (RFC 3891 section 3).
  EXPECT_EQ(code(request("INVITE", "Max-Forwards", "Require: replaces\r\nMax-Forwards")), 0);
  // 416 comes before 420.
  EXPECT_EQ(code(request("INVITE", "Max-Forwards", "Require: foo\r\nMax-Forwards")
                     .replace(7, 21, "tel:+1")),
            416);
}

TEST(UasRules, ABodyOwsipCannotReadIs415WithAcceptHeaders) {
  EXPECT_EQ(code(with_body(request("INVITE"), "application/sdp", kSdp)), 0);
  EXPECT_EQ(code(with_body(request("INVITE"), "Application/SDP", kSdp)), 0);
  auto a = check(with_body(request("INVITE"), "text/nobodyknowsthis", "hello"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->code, 415);
  EXPECT_EQ(a->headers,
            "Accept: application/sdp\r\nAccept-Encoding: identity\r\nAccept-Language: en\r\n");
  EXPECT_EQ(code(with_body(request("INVITE"), "multipart/mixed;boundary=x", "--x--\r\n")), 415);
  EXPECT_EQ(code(with_body(request("INFO"), "application/dtmf-relay", "Signal=5\r\n")), 0);
  auto info = check(with_body(request("INFO"), "application/sdp", kSdp));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->code, 415);
  EXPECT_NE(info->headers.find("Accept: application/dtmf-relay, application/dtmf\r\n"),
            std::string::npos);
  // A transfer's NOTIFY (RFC 3515 section 2.4.5) and message waiting (RFC 3842) are read;
  // other NOTIFY bodies are not.
  EXPECT_EQ(code(with_body(request("NOTIFY"), "message/sipfrag;version=2.0",
                           "SIP/2.0 200 OK\r\n")),
            0);
  EXPECT_EQ(code(with_body(request("NOTIFY"), "application/simple-message-summary",
                           "Messages-Waiting: yes\r\n")),
            0);
  auto presence = check(with_body(request("NOTIFY"), "application/pidf+xml", "<presence/>"));
  ASSERT_TRUE(presence);
  EXPECT_EQ(presence->code, 415);
  EXPECT_NE(presence->headers.find(
                "Accept: message/sipfrag, application/simple-message-summary\r\n"),
            std::string::npos);
}

TEST(UasRules, ContentEncodingDispositionAndBodilessMethods) {
  const std::string sdp = with_body(request("INVITE"), "application/sdp", kSdp);
  auto gz =
      check(std::string(sdp).replace(sdp.find("Max-Forwards"), 0, "Content-Encoding: gzip\r\n"));
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->code, 415);
  EXPECT_EQ(gz->reason, "Unsupported Content-Encoding");
  EXPECT_EQ(code(std::string(sdp).replace(sdp.find("Max-Forwards"), 0, "e: identity\r\n")), 0);
  const std::string odd = with_body(request("INVITE"), "text/x-odd", "hello");
  EXPECT_EQ(code(std::string(odd).replace(odd.find("Max-Forwards"), 0,
                                          "Content-Disposition: render; handling=optional\r\n")),
            0);
  EXPECT_EQ(code(std::string(odd).replace(odd.find("Max-Forwards"), 0,
                                          "Content-Disposition: render\r\n")),
            415);
  EXPECT_EQ(code(with_body(request("BYE"), "text/x-odd", "hello")), 0);  // never read
  EXPECT_EQ(code(with_body(request("ACK"), "text/x-odd", "hello")), 0);  // never answered
}

TEST(UasRules, AnInviteThatAcceptsNoSdpIs406) {
  auto a = check(request("INVITE", "Max-Forwards", "Accept: text/nobodyknowsthis\r\nMax-Forwards"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->code, 406);
  EXPECT_EQ(a->headers, "Accept: application/sdp\r\n");
  for (const char* ok :
       {"application/sdp;level=1", "text/plain, Application/SDP", "*/*", "application/*"})
    EXPECT_EQ(
        code(request("INVITE", "Max-Forwards", std::string("Accept: ") + ok + "\r\nMax-Forwards")),
        0)
        << ok;
  EXPECT_EQ(code(request("OPTIONS", "Max-Forwards", "Accept: text/x\r\nMax-Forwards")), 0);
}

TEST(UasRules, OptionsNamesTheSameCapabilitiesAsTheRefusals) {
  EXPECT_EQ(options_headers(),
            "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY, REFER, PRACK, UPDATE\r\n"
            "Accept: application/sdp\r\n"
            "Accept-Encoding: identity\r\nAccept-Language: en\r\nSupported: 100rel, replaces, timer\r\n");
  EXPECT_EQ(accepted_types("BYE"), "");
}

}  // namespace
}  // namespace owsip::sip

namespace owsip::sip {
namespace {

TEST(UasRules, InvitesAndTheirAnswersCarryTheSameAllowAndSupportedAsOptions) {
  const std::string allow = "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY, REFER, PRACK, UPDATE\r\n";
  EXPECT_EQ(capability_headers(), allow + "Supported: 100rel, replaces, timer\r\n");
  EXPECT_NE(options_headers().find(allow), std::string::npos);
  // An account with the extension off does not announce it.
  EXPECT_EQ(capability_headers(false, true), allow + "Supported: replaces, timer\r\n");
  EXPECT_EQ(capability_headers(true, false), allow + "Supported: 100rel, replaces\r\n");
}

}  // namespace
}  // namespace owsip::sip
