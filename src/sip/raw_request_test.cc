#include "sip/raw_request.h"

#include <gtest/gtest.h>

#include <string>

namespace owsip::sip {
namespace {

std::string request(const std::string& start, const std::string& via, const std::string& from,
                    const std::string& method = "OPTIONS") {
  return start + "\r\nVia: " + via + "\r\nFrom: " + from +
         "\r\nTo: <sip:u1@127.0.0.1>\r\nCall-ID: raw1\r\nCSeq: 1 " + method +
         "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
}

const std::string kVia = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-r1";
const std::string kFrom = "<sip:a@127.0.0.1>;tag=f1";

std::string status_line(const RawVerdict& v) {
  EXPECT_EQ(v.kind, RawVerdict::Kind::kAnswer);
  return v.bytes.substr(0, v.bytes.find("\r\n"));
}

TEST(RawRequest, WhatLibreReadsIsLeftToIt) {
  EXPECT_EQ(check_raw_request(request("OPTIONS sip:u1@127.0.0.1 SIP/2.0", kVia, kFrom)).kind,
            RawVerdict::Kind::kPass);
}

TEST(RawRequest, AnotherVersionIs505WithTheRequestsIdentifiersAndATag) {
  RawVerdict v =
      check_raw_request(request("INVITE sip:u1@127.0.0.1 SIP/7.0", kVia, kFrom, "INVITE"));
  EXPECT_EQ(status_line(v), "SIP/2.0 505 Version Not Supported");
  EXPECT_NE(v.bytes.find("\r\nVia: " + kVia + "\r\n"), std::string::npos) << v.bytes;
  EXPECT_NE(v.bytes.find("\r\nFrom: " + kFrom + "\r\n"), std::string::npos);
  EXPECT_NE(v.bytes.find("\r\nTo: <sip:u1@127.0.0.1>;tag="), std::string::npos);
  EXPECT_NE(v.bytes.find("\r\nCall-ID: raw1\r\nCSeq: 1 INVITE\r\n"), std::string::npos);
  EXPECT_TRUE(v.bytes.ends_with("\r\nContent-Length: 0\r\n\r\n"));
}

TEST(RawRequest, ACutShortDatagramIs513WhenItCanBeAnswered) {
  // What libre's 8 KiB read leaves of a longer request: the head, then a header cut off.
  std::string cut = request("INVITE sip:u1@127.0.0.1 SIP/2.0", kVia, kFrom, "INVITE");
  cut = cut.substr(0, cut.size() - 4) + "\r\nX-Long: " + std::string(8000, 'a');
  RawVerdict v = too_large(cut);
  EXPECT_EQ(status_line(v), "SIP/2.0 513 Message Too Large");
  EXPECT_NE(v.bytes.find("\r\nVia: " + kVia + "\r\n"), std::string::npos) << v.bytes;
  EXPECT_NE(v.bytes.find("\r\nCall-ID: raw1\r\n"), std::string::npos);
  EXPECT_EQ(too_large(std::string(8192, 'x')).kind, RawVerdict::Kind::kDrop);  // no request
  EXPECT_EQ(too_large(request("ACK sip:u1@127.0.0.1 SIP/2.0", kVia, kFrom, "ACK")).kind,
            RawVerdict::Kind::kDrop);  // an ACK is never answered
}

TEST(RawRequest, MethodThenSchemeAsSection82Orders) {
  EXPECT_EQ(status_line(check_raw_request(request("FOO http://x/ SIP/2.0", kVia, kFrom, "FOO"))),
            "SIP/2.0 501 Not Implemented");
  EXPECT_EQ(status_line(check_raw_request(request("OPTIONS http://x/ SIP/2.0", kVia, kFrom))),
            "SIP/2.0 416 Unsupported URI Scheme");
}

TEST(RawRequest, AnRfc2543ViaGetsABranchThatIsTheSameForARetransmission) {
  const std::string r = request("OPTIONS sip:u1@127.0.0.1 SIP/2.0", "SIP/2.0/UDP 127.0.0.1:5070",
                                "<sip:a@127.0.0.1>");
  RawVerdict v = check_raw_request(r);
  ASSERT_EQ(v.kind, RawVerdict::Kind::kRewrite);
  EXPECT_NE(v.bytes.find("Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-2543-"), std::string::npos)
      << v.bytes;
  EXPECT_EQ(check_raw_request(r).bytes, v.bytes);
  EXPECT_EQ(check_raw_request(v.bytes).kind, RawVerdict::Kind::kPass);
}

TEST(RawRequest, AFromOfAnotherSchemeIsValidForOptionsAndUnreadableOtherwise) {
  const std::string from = "<http://www.example.com>;tag=f2";
  EXPECT_EQ(status_line(check_raw_request(request("OPTIONS sip:u1@127.0.0.1 SIP/2.0", kVia, from))),
            "SIP/2.0 200 OK");
  RawVerdict v =
      check_raw_request(request("INVITE sip:u1@127.0.0.1 SIP/2.0", kVia, from, "INVITE"));
  EXPECT_EQ(status_line(v), "SIP/2.0 400 Bad Request (From is not an address owsip can read)");
  EXPECT_NE(v.bytes.find("Warning: 399 owsip \"From is not"), std::string::npos);
}

TEST(RawRequest, A400SaysWhatIsWrong) {
  const std::string ok = request("OPTIONS sip:u1@127.0.0.1 SIP/2.0", kVia, kFrom);
  const std::pair<std::string, std::string> cases[] = {
      {ok.substr(0, ok.size() - 2), "no empty line after the headers"},
      {std::string(ok).insert(ok.find("Max-Forwards"), "Garbage line\r\n"),
       "a header line without a colon"},
      {request("OPTIONS sip:u1@127.0.0.1 SIP/2.0", "SIP/2.0/UDP ;branch=z9hG4bK1", kFrom),
       "malformed Via"},
      {request("OPTIONS  sip:u1@127.0.0.1 SIP/2.0", kVia, kFrom), "malformed request line"},
  };
  for (const auto& [text, why] : cases) {
    RawVerdict v = check_raw_request(text);
    EXPECT_EQ(status_line(v), "SIP/2.0 400 Bad Request (" + why + ")") << text;
    EXPECT_NE(v.bytes.find("Warning: 399 owsip \"" + why + "\""), std::string::npos);
  }
}

TEST(RawRequest, TheAnswerCarriesNoControlCharacterOfTheRequest) {
  RawVerdict v =
      check_raw_request(request("OPTIONS sip:u1@127.0.0.1 SIP/7.0",
                                std::string("SIP/2.0/UDP 127.0.0.1;branch=z9\x01\0x", 34), kFrom));
  EXPECT_EQ(status_line(v), "SIP/2.0 505 Version Not Supported");
  EXPECT_NE(v.bytes.find("Via: SIP/2.0/UDP 127.0.0.1;branch=z9  x\r\n"), std::string::npos)
      << v.bytes;
}

TEST(RawRequest, NothingToAnswerIsDropped) {
  EXPECT_EQ(check_raw_request("SIP/2.0 200 OK\r\n\r\n").kind, RawVerdict::Kind::kDrop);
  EXPECT_EQ(check_raw_request("garbage").kind, RawVerdict::Kind::kDrop);
  EXPECT_EQ(check_raw_request("").kind, RawVerdict::Kind::kDrop);
  EXPECT_EQ(check_raw_request(request("ACK sip:u1@127.0.0.1 SIP/7.0", kVia, kFrom, "ACK")).kind,
            RawVerdict::Kind::kDrop);
  EXPECT_EQ(check_raw_request("INVITE sip:u1@127.0.0.1 SIP/7.0\r\nCall-ID: x\r\n\r\n").kind,
            RawVerdict::Kind::kDrop);  // no Via: nowhere to answer
}

}  // namespace
}  // namespace owsip::sip
