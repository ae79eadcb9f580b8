#pragma once
// The TLS client context of the SIP stack: libre's `struct tls` with certificate checking
// turned on. libre 1.1.0 accepts any server certificate and sends no SNI (LIBRARY_NOTES.md), so
// owsip configures the OpenSSL context behind it: the CA bundle, peer verification with a
// callback that records and logs why a certificate was refused, the host name (or IP address)
// to check, and SNI, set when each handshake starts.
//
// libre opens TLS connections itself, inside the request path. What a new connection checks
// is taken from the context when libre creates it, so the caller (the REGISTER client's send
// handler, which runs right before libre connects) calls expect() first. A connection that
// already exists is reused as it is.

#include <map>
#include <memory>
#include <string>

#include "core/status.h"

struct tls;  // libre

namespace owsip::sip {

class TlsContext {
 public:
  // Never fails for a bad CA file: the context is made and ca_error() says why the bundle
  // is unusable, so that accounts with tls_verify 0 still work and the others say why not.
  static Result<std::unique_ptr<TlsContext>> create(const std::string& ca_file);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  struct ::tls* tls() { return tls_; }
  // Why the CA bundle could not be loaded; "" when it was.
  const std::string& ca_error() const { return ca_error_; }

  // The next connection libre opens checks its certificate against `host` (a DNS name, or an
  // IP address matched against the certificate's IP SANs), sends `host` as SNI when it is a
  // name, and is refused when the chain or the name does not verify, unless !verify.
  void expect(const std::string& host, bool verify);
  // Why the last handshake expecting `host` refused the server's certificate, e.g.
  // "certificate of 127.0.0.1 refused: unable to get local issuer certificate (depth 0,
  // subject CN=kamailio)"; "" when none was refused since clear_refusal(host).
  std::string refusal(const std::string& host) const;
  void clear_refusal(const std::string& host) { refusals_.erase(host); }

 private:
  friend struct TlsCallbacks;  // OpenSSL's verify callback records refusals
  TlsContext() = default;

  struct ::tls* tls_ = nullptr;
  std::string ca_error_;
  std::map<std::string, std::string> refusals_;
};

}  // namespace owsip::sip
