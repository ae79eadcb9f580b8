#include "sip/account.h"

#include <gtest/gtest.h>

namespace owsip::sip {
namespace {

config::Account account() {
  config::Account a;
  a.key = "fxs1";
  a.realm = "example.com";
  a.username = "alice";
  a.password = "pw";
  return a;
}

TEST(AccountTarget, DefaultsComeFromRealmAndUsername) {
  auto t = make_register_target(account(), config::General{});
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(t->registrar, (HostPort{"example.com", 0}));
  EXPECT_EQ(t->auth_user, "alice");
  EXPECT_EQ(t->user, "alice");
  EXPECT_EQ(t->realm, "example.com");
  EXPECT_EQ(t->transport, Transport::kUdp);
  EXPECT_EQ(t->flow_keepalive_s, 0u) << "UDP keep-alives are the registration's, not the flow's";
  EXPECT_TRUE(t->tls_verify);
  EXPECT_FALSE(t->outbound);
}

TEST(AccountTarget, ExplicitOptionsWin) {
  config::Account a = account();
  a.registrar = "sip.example.net:5080";
  a.auth_user = "alice-auth";
  a.transport = "tcp";
  a.keepalive = 30;
  config::General g;
  g.outbound = "<sip:192.168.1.1:9060;lr;transport=udp>";
  auto t = make_register_target(a, g);
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(t->registrar, (HostPort{"sip.example.net", 5080}));
  EXPECT_EQ(t->auth_user, "alice-auth");
  EXPECT_EQ(t->transport, Transport::kTcp);
  EXPECT_EQ(t->flow_keepalive_s, 30u);
  ASSERT_TRUE(t->outbound);
  EXPECT_EQ(t->outbound->route_uri, "sip:192.168.1.1:9060;transport=udp");
}

TEST(AccountTarget, ErrorsNameTheOption) {
  config::Account a = account();
  a.registrar = "2001:db8::1";
  EXPECT_NE(make_register_target(a, {}).message().find("registrar"), std::string::npos);
  config::General g;
  g.outbound = "http://proxy";
  EXPECT_NE(make_register_target(account(), g).message().find("outbound proxy"),
            std::string::npos);
}

TEST(AccountTarget, OnlyPortAndDefaultDoNotNeedANewRegistration) {
  config::Account a = account();
  config::Account b = a;
  b.port = 1;
  b.is_default = true;
  EXPECT_TRUE(same_registration(a, b));
  config::Account plan = a;  // dial plan and barring: read per call, no new registration
  plan.dialplan = "x.";
  plan.prefix = "#2";
  plan.bar_outgoing = "0900";
  plan.bar_incoming = "0137";
  plan.anonymous_reject = true;
  EXPECT_TRUE(same_registration(a, plan));
  b.expires = 600;
  EXPECT_FALSE(same_registration(a, b));
  config::Account c = a;
  c.password = "other";
  EXPECT_FALSE(same_registration(a, c));
  c = a;
  c.disabled = true;
  EXPECT_FALSE(same_registration(a, c));
}

TEST(Account, ContactUserIsStableSecretAndPerAccount) {
  config::Account a;
  a.username = "2001";
  a.realm = "example.com";
  a.password = "secret";
  const std::string u = contact_user_for(a);
  EXPECT_EQ(u.size(), 17u);
  EXPECT_EQ(u[0], 'u');
  EXPECT_EQ(u.find_first_not_of("0123456789abcdef", 1), std::string::npos) << u;
  EXPECT_EQ(contact_user_for(a), u);  // the same after a restart
  config::Account b = a;
  b.password = "other";
  EXPECT_NE(contact_user_for(b), u);
  b = a;
  b.username = "2002";
  EXPECT_NE(contact_user_for(b), u);
  EXPECT_EQ(u.find("2001"), std::string::npos);
}

}  // namespace
}  // namespace owsip::sip
