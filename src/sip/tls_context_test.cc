#include "sip/tls_context.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <fstream>

#include "core/re_compat.h"

namespace owsip::sip {
namespace {

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(libre_init(), 0); }
  void TearDown() override { libre_close(); }
};

TEST_F(TlsContextTest, VerifiesPeersByDefault) {
  auto tls = TlsContext::create("/etc/ssl/certs/ca-certificates.crt");
  ASSERT_TRUE(tls) << tls.message();
  SSL_CTX* ctx = re_compat::openssl_ctx((*tls)->tls());
  ASSERT_NE(ctx, nullptr);
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_PEER);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
}

TEST_F(TlsContextTest, AnUnreadableBundleIsReportedNotFatal) {
  auto tls = TlsContext::create("/nonexistent/ca.pem");
  ASSERT_TRUE(tls) << tls.message();
  EXPECT_NE((*tls)->ca_error().find("cannot load the CA bundle /nonexistent/ca.pem (tls_ca_file)"),
            std::string::npos)
      << (*tls)->ca_error();
  auto empty = TlsContext::create("");
  ASSERT_TRUE(empty);
  EXPECT_EQ((*empty)->ca_error(), "tls_ca_file is not set");
}

TEST_F(TlsContextTest, ExpectSetsWhatTheNextConnectionChecks) {
  auto tls = TlsContext::create("");
  ASSERT_TRUE(tls);
  SSL_CTX* ctx = re_compat::openssl_ctx((*tls)->tls());

  (*tls)->expect("sip.example.com", true);
  SSL* a = SSL_new(ctx);
  ASSERT_NE(a, nullptr);
  EXPECT_STREQ(X509_VERIFY_PARAM_get0_host(SSL_get0_param(a), 0), "sip.example.com");
  EXPECT_EQ(SSL_get_verify_mode(a), SSL_VERIFY_PEER);

  (*tls)->expect("192.0.2.1", false);
  SSL* b = SSL_new(ctx);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(X509_VERIFY_PARAM_get0_host(SSL_get0_param(b), 0), nullptr);
  char* ip = X509_VERIFY_PARAM_get1_ip_asc(SSL_get0_param(b));
  ASSERT_NE(ip, nullptr);
  EXPECT_STREQ(ip, "192.0.2.1");
  OPENSSL_free(ip);
  EXPECT_EQ(SSL_get_verify_mode(b), SSL_VERIFY_NONE);
  // The first connection keeps what it was made with.
  EXPECT_STREQ(X509_VERIFY_PARAM_get0_host(SSL_get0_param(a), 0), "sip.example.com");
  SSL_free(a);
  SSL_free(b);
  EXPECT_EQ((*tls)->refusal("sip.example.com"), "");
}

}  // namespace
}  // namespace owsip::sip
