#include "sip/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "core/re_compat.h"
#include "sip/sip_address.h"

namespace owsip::sip {

namespace {
constexpr const char* kTag = "sip.tls";

std::string openssl_error() {
  const unsigned long e = ERR_peek_last_error();
  const char* why = e ? ERR_reason_error_string(e) : nullptr;
  std::string out = why ? why : (errno ? std::strerror(errno) : "unreadable");
  ERR_clear_error();
  return out;
}

// The name (or IP address) the connection of `ssl` checks the certificate against.
std::string expected_host(SSL* ssl) {
  X509_VERIFY_PARAM* p = SSL_get0_param(ssl);
  if (const char* h = X509_VERIFY_PARAM_get0_host(p, 0)) return h;
  if (char* ip = X509_VERIFY_PARAM_get1_ip_asc(p)) {
    std::string s(ip);
    OPENSSL_free(ip);
    return s;
  }
  return "?";
}
}  // namespace

struct TlsCallbacks {
  static int ex_index() {
    static const int idx = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return idx;
  }

  // Called by OpenSSL for every problem it finds in the chain (ok == 0), and for every
  // certificate that passed (ok == 1).
  static int on_verify(int ok, X509_STORE_CTX* store) {
    if (ok) return 1;
    auto* ssl = static_cast<SSL*>(
        X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    if (!ssl) return 0;
    auto* self = static_cast<TlsContext*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ex_index()));
    const int err = X509_STORE_CTX_get_error(store);
    char subject[256] = "?";
    if (X509* cert = X509_STORE_CTX_get_current_cert(store))
      X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
    const std::string host = expected_host(ssl);
    std::string reason = "certificate of " + host + " refused: " +
                         X509_verify_cert_error_string(err) + " (depth " +
                         std::to_string(X509_STORE_CTX_get_error_depth(store)) + ", subject " +
                         subject + ")";
    if (!(SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER)) {
      log::info(kTag, "%s: accepted anyway (tls_verify 0)", reason.c_str());
      return 1;
    }
    log::err(kTag, "%s; check tls_ca_file, or set tls_verify 0 on the account to accept it",
             reason.c_str());
    if (self && !self->refusals_.count(host)) self->refusals_[host] = reason;
    return 0;
  }

  // libre starts the handshake itself; the start of each client handshake is the moment to
  // name the server (SNI) before the ClientHello is written.
  static void on_info(const SSL* cssl, int where, int /*ret*/) {
    if (!(where & SSL_CB_HANDSHAKE_START)) return;
    SSL* ssl = const_cast<SSL*>(cssl);
    if (SSL_is_server(ssl) || SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) return;
    const char* host = X509_VERIFY_PARAM_get0_host(SSL_get0_param(ssl), 0);
    if (host && *host && !is_ip_literal(host)) SSL_set_tlsext_host_name(ssl, host);
  }
};

Result<std::unique_ptr<TlsContext>> TlsContext::create(const std::string& ca_file) {
  std::unique_ptr<TlsContext> self(new TlsContext());
  int err = tls_alloc(&self->tls_, TLS_METHOD_SSLV23, nullptr, nullptr);
  if (err) return Status::error(std::string("TLS: cannot create a context: ") + std::strerror(err));
  SSL_CTX* ctx = re_compat::openssl_ctx(self->tls_);
  if (!ctx) return Status::error("TLS: libre has no OpenSSL context");
  re_compat::leave_tls_verification_to_owsip(self->tls_);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_ex_data(ctx, TlsCallbacks::ex_index(), self.get());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, TlsCallbacks::on_verify);
  SSL_CTX_set_info_callback(ctx, TlsCallbacks::on_info);
  X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(ctx), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (ca_file.empty()) {
    self->ca_error_ = "tls_ca_file is not set";
  } else {
    errno = 0;
    if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1)
      self->ca_error_ = "cannot load the CA bundle " + ca_file + " (tls_ca_file): " + openssl_error();
  }
  if (!self->ca_error_.empty()) log::warn(kTag, "%s", self->ca_error_.c_str());
  return self;
}

TlsContext::~TlsContext() {
  if (!tls_) return;
  if (SSL_CTX* ctx = re_compat::openssl_ctx(tls_))
    SSL_CTX_set_ex_data(ctx, TlsCallbacks::ex_index(), nullptr);
  mem_deref(tls_);
}

void TlsContext::expect(const std::string& host, bool verify) {
  SSL_CTX* ctx = re_compat::openssl_ctx(tls_);
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
  if (is_ip_literal(host)) {
    X509_VERIFY_PARAM_set1_host(param, nullptr, 0);
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_ip(param, nullptr, 0);
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  }
  SSL_CTX_set_verify(ctx, verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, TlsCallbacks::on_verify);
  ERR_clear_error();
}

std::string TlsContext::refusal(const std::string& host) const {
  auto it = refusals_.find(host);
  return it == refusals_.end() ? "" : it->second;
}

}  // namespace owsip::sip
