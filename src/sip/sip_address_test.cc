#include "sip/sip_address.h"

#include <gtest/gtest.h>

namespace owsip::sip {
namespace {

TEST(SipAddress, TransportsByName) {
  EXPECT_EQ(parse_transport("udp"), Transport::kUdp);
  EXPECT_EQ(parse_transport("TCP"), Transport::kTcp);
  EXPECT_EQ(parse_transport("tls"), Transport::kTls);
  EXPECT_FALSE(parse_transport("sctp"));
  EXPECT_EQ(transport_name(Transport::kTls), "tls");
  EXPECT_EQ(default_port(Transport::kTcp), 5060);
  EXPECT_EQ(default_port(Transport::kTls), 5061);
}

TEST(SipAddress, HostPortForms) {
  auto a = parse_host_port("sip.example.com");
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(a->host, "sip.example.com");
  EXPECT_EQ(a->port, 0);
  auto b = parse_host_port("192.168.1.1:9060");
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, (HostPort{"192.168.1.1", 9060}));
  EXPECT_EQ(b->to_string(), "192.168.1.1:9060");
  auto c = parse_host_port("[2001:db8::1]:5070");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "2001:db8::1");
  EXPECT_EQ(c->port, 5070);
  EXPECT_EQ(c->to_string(), "[2001:db8::1]:5070");
  EXPECT_TRUE(c->is_ipv6());
}

TEST(SipAddress, HostPortErrorsSayWhatIsWrong) {
  EXPECT_NE(parse_host_port("2001:db8::1").message().find("needs [brackets]"), std::string::npos);
  EXPECT_NE(parse_host_port("host:0").message().find("1..65535"), std::string::npos);
  EXPECT_NE(parse_host_port("host:65536").message().find("1..65535"), std::string::npos);
  EXPECT_NE(parse_host_port("[::1").message().find("without ']'"), std::string::npos);
  EXPECT_NE(parse_host_port("[nonsense]").message().find("IPv6"), std::string::npos);
  EXPECT_FALSE(parse_host_port(""));
  EXPECT_FALSE(parse_host_port("a b"));
}

TEST(SipAddress, IpLiterals) {
  EXPECT_TRUE(is_ip_literal("127.0.0.1"));
  EXPECT_TRUE(is_ip_literal("::1"));
  EXPECT_FALSE(is_ip_literal("localhost"));
  EXPECT_FALSE(is_ip_literal("1.2.3"));
}

TEST(SipAddress, SeedOutboundProxyLosesLrForLibre) {
  auto p = parse_proxy("<sip:192.168.1.1:9060;lr;transport=udp>");
  ASSERT_TRUE(p) << p.message();
  EXPECT_EQ(p->address, (HostPort{"192.168.1.1", 9060}));
  EXPECT_EQ(p->transport, Transport::kUdp);
  EXPECT_EQ(p->route_uri, "sip:192.168.1.1:9060;transport=udp");
}

TEST(SipAddress, ProxyForms) {
  auto tcp = parse_proxy("sip:proxy.example.com;transport=TCP;lr");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->transport, Transport::kTcp);
  EXPECT_EQ(tcp->route_uri, "sip:proxy.example.com;transport=tcp");
  auto sips = parse_proxy("<sips:[2001:db8::2]:5071;lr>");
  ASSERT_TRUE(sips) << sips.message();
  EXPECT_EQ(sips->transport, Transport::kTls);
  EXPECT_EQ(sips->route_uri, "sip:[2001:db8::2]:5071;transport=tls");
  auto bare = parse_proxy("sip:10.0.0.1;maddr=10.0.0.2");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->route_uri, "sip:10.0.0.1;maddr=10.0.0.2;transport=udp");
}

TEST(SipAddress, ProxyErrors) {
  EXPECT_NE(parse_proxy("http://x").message().find("not a sip: or sips: URI"), std::string::npos);
  EXPECT_NE(parse_proxy("<sip:x").message().find("without closing '>'"), std::string::npos);
  EXPECT_NE(parse_proxy("sip:x;transport=sctp").message().find("udp, tcp or tls"),
            std::string::npos);
  EXPECT_NE(parse_proxy("sip:bob@x").message().find("names a user"), std::string::npos);
  EXPECT_NE(parse_proxy("sips:x;transport=udp").message().find("needs transport tls"),
            std::string::npos);
}

TEST(SipAddress, ContactUris) {
  EXPECT_EQ(contact_uri("alice", {"10.0.0.2", 5060}, Transport::kUdp), "sip:alice@10.0.0.2:5060");
  EXPECT_EQ(contact_uri("alice", {"::1", 5061}, Transport::kTls),
            "sip:alice@[::1]:5061;transport=tls");
}

TEST(SipAddress, UriParams) {
  EXPECT_EQ(uri_param(";branch=z9;rport=5062;received=1.2.3.4", "rport"), "5062");
  EXPECT_EQ(uri_param(";branch=z9;RPORT", "rport"), "");
  EXPECT_EQ(uri_param(";branch=z9", "rport"), std::nullopt);
  EXPECT_EQ(uri_param("", "x"), std::nullopt);
}

TEST(SipAddress, SeenAsFromVia) {
  const HostPort sent_by{"192.168.1.20", 5060};
  // NAT: both the address and the port differ.
  EXPECT_EQ(seen_as_from_via(";branch=z9;rport=61000;received=203.0.113.7", sent_by),
            (HostPort{"203.0.113.7", 61000}));
  // Only the port was rewritten: the address is the sent-by one.
  EXPECT_EQ(seen_as_from_via(";rport=61000;branch=z9", sent_by),
            (HostPort{"192.168.1.20", 61000}));
  // received without rport: same port.
  EXPECT_EQ(seen_as_from_via(";received=203.0.113.7", sent_by), (HostPort{"203.0.113.7", 5060}));
  // rport without a value (the registrar ignored it) and no received: nothing learned.
  EXPECT_EQ(seen_as_from_via(";rport;branch=z9", sent_by), std::nullopt);
  EXPECT_EQ(seen_as_from_via(";received=not-an-ip", sent_by), std::nullopt);
}

}  // namespace
}  // namespace owsip::sip
