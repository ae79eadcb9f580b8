#include "sip/inbound_filter.h"

#include <gtest/gtest.h>

namespace owsip::sip {
namespace {

std::vector<InboundAccount> accounts() {
  InboundAccount home;
  home.key = "home";
  home.contact_user = "u0123456789abcdef";
  home.username = "2001";
  home.registrar = "udp:192.0.2.1:5060";
  InboundAccount office = home;
  office.key = "office";
  office.contact_user = "ufedcba9876543210";
  office.username = "3001";
  office.registrar = "tcp:198.51.100.9:5060";
  return {home, office};
}

TEST(InboundFilter, RingsOnlyForTheContactUserFromTheRegistrar) {
  auto a = accounts();
  EXPECT_EQ(route_inbound("u0123456789abcdef", "udp:192.0.2.1:5060", a).account, "home");
  EXPECT_EQ(route_inbound("ufedcba9876543210", "tcp:198.51.100.9:5060", a).account, "office");
  // Another port, transport or host of the same provider is not the registrar.
  EXPECT_EQ(route_inbound("u0123456789abcdef", "udp:192.0.2.1:5062", a).account, "");
  EXPECT_EQ(route_inbound("u0123456789abcdef", "tcp:192.0.2.1:5060", a).account, "");
  EXPECT_EQ(route_inbound("u0123456789abcdef", "udp:192.0.2.2:5060", a).account, "");
  // The account's own username is what scanners guess: refused by default.
  EXPECT_EQ(route_inbound("2001", "udp:192.0.2.1:5060", a).account, "");
  // One account's contact user through the other's registrar.
  EXPECT_EQ(route_inbound("u0123456789abcdef", "tcp:198.51.100.9:5060", a).account, "");
}

TEST(InboundFilter, RefusalsNameTheOptionThatWouldAcceptThem) {
  auto a = accounts();
  auto d = route_inbound("u0123456789abcdef", "udp:203.0.113.5:5060", a);
  EXPECT_NE(d.reason.find("not from account home's registrar (udp:192.0.2.1:5060)"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("inbound_source any"), std::string::npos);
  d = route_inbound("2001", "udp:192.0.2.1:5060", a);
  EXPECT_NE(d.reason.find("inbound_uri user"), std::string::npos) << d.reason;
  d = route_inbound("100", "udp:192.0.2.1:5060", a);
  EXPECT_NE(d.reason.find("inbound_uri any"), std::string::npos) << d.reason;
}

TEST(InboundFilter, OptionsRelaxEachCheck) {
  auto a = accounts();
  a[0].uri_policy = "user";
  EXPECT_EQ(route_inbound("2001", "udp:192.0.2.1:5060", a).account, "home");
  EXPECT_EQ(route_inbound("2001", "udp:203.0.113.5:5060", a).account, "");
  a[0].source_policy = "any";
  EXPECT_EQ(route_inbound("2001", "udp:203.0.113.5:5060", a).account, "home");
  a[0].uri_policy = "any";
  EXPECT_EQ(route_inbound("anything", "udp:203.0.113.5:5060", a).account, "home");
}

TEST(InboundFilter, NotYetRegisteredMeansNoRegistrarToMatch) {
  auto a = accounts();
  a[0].registrar.clear();
  auto d = route_inbound("u0123456789abcdef", "udp:192.0.2.1:5060", a);
  EXPECT_EQ(d.account, "");
  EXPECT_NE(d.reason.find("not registered yet"), std::string::npos) << d.reason;
}

TEST(RefusalLimiter, TenPerSecondAfterABurstOfTwenty) {
  RefusalLimiter l;
  int sent = 0;
  for (int i = 0; i < 100; ++i) sent += l.allow_reply(1000);
  EXPECT_EQ(sent, 20);
  EXPECT_EQ(l.dropped(), 80u);
  sent = 0;
  for (uint64_t t = 1000; t < 2000; t += 10) sent += l.allow_reply(t);  // 100 requests in 1 s
  EXPECT_GE(sent, 9);
  EXPECT_LE(sent, 11);
}

TEST(RefusalLimiter, LogsEachSourceOnceWithinABound) {
  RefusalLimiter l;
  EXPECT_TRUE(l.first_refusal("192.0.2.1 source"));
  EXPECT_FALSE(l.first_refusal("192.0.2.1 source"));
  EXPECT_TRUE(l.first_refusal("192.0.2.1 uri"));
  for (size_t i = 0; i < RefusalLimiter::kRememberedSources; ++i)
    l.first_refusal("10.0.0." + std::to_string(i));
  EXPECT_TRUE(l.first_refusal("192.0.2.1 source"));  // forgotten: the memory is bounded
}

}  // namespace
}  // namespace owsip::sip
