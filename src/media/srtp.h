#pragma once
// SRTP keyed by SDES (RFC 4568), on libre's srtp:
// - CryptoAttribute: the value of an `a=crypto` line ("1 AES_CM_128_HMAC_SHA1_80 inline:..."),
//   parsed strictly (only what owsip can do is accepted: the two suites below, a 30-byte inline
//   key, an optional lifetime; an MKI or session parameters make the line unusable) and formatted;
// - SrtpSession: protects what we send with our key and checks and decrypts what we receive
//   with the peer's key (RTP and RTCP).
// Keys are secrets: nothing here logs them, format_crypto is for the SDP only, and
// redact_sdp() is the form of an SDP that may be logged.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

struct srtp;  // libre
struct mbuf;  // libre

namespace owsip::media {

enum class SrtpSuite : uint8_t { aes_cm_128_hmac_sha1_80, aes_cm_128_hmac_sha1_32 };
enum class SrtpPolicy : uint8_t {
  off,        // plain RTP/AVP; an offer of RTP/SAVP is refused
  optional,   // offer RTP/AVP with a=crypto; answer crypto with crypto, plain with plain
  mandatory,  // offer RTP/SAVP; refuse an offer without usable crypto (488)
};

std::string_view srtp_suite_name(SrtpSuite s);
std::optional<SrtpSuite> parse_srtp_suite(std::string_view name);
std::string_view srtp_policy_name(SrtpPolicy p);
std::optional<SrtpPolicy> parse_srtp_policy(std::string_view name);

inline constexpr size_t kSrtpKeyBytes = 30;  // 128-bit master key + 112-bit salt
using SrtpKey = std::array<uint8_t, kSrtpKeyBytes>;

// A fresh random master key and salt (libre's rand_bytes: OpenSSL's generator).
SrtpKey random_srtp_key();

struct CryptoAttribute {
  int tag = 1;
  SrtpSuite suite = SrtpSuite::aes_cm_128_hmac_sha1_80;
  SrtpKey key{};
};

// Parses the value of an a=crypto attribute; the error says what made it unusable.
Result<CryptoAttribute> parse_crypto(std::string_view value);
// "<tag> <suite> inline:<base64 key>" for our SDP.
std::string format_crypto(const CryptoAttribute& c);
// `sdp` with every inline key replaced by "****", for logs.
std::string redact_sdp(std::string_view sdp);

class SrtpSession {
 public:
  // `tx` protects what we send, `rx` checks what the peer sends.
  static Result<std::unique_ptr<SrtpSession>> create(SrtpSuite suite, const SrtpKey& tx,
                                                     const SrtpKey& rx);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  SrtpSuite suite() const { return suite_; }
  // In place. protect_* appends the authentication tag (and the SRTCP index); unprotect_*
  // verifies and removes it, refusing forged, tampered and replayed packets.
  Status protect_rtp(std::vector<uint8_t>& packet);
  Status unprotect_rtp(std::vector<uint8_t>& packet);
  Status protect_rtcp(std::vector<uint8_t>& packet);
  Status unprotect_rtcp(std::vector<uint8_t>& packet);

 private:
  SrtpSession(SrtpSuite suite, const SrtpKey& rx) : suite_(suite), rx_key_(rx) {}
  enum class Op { protect, unprotect };
  Status run(struct ::srtp*& ctx, bool rtcp, Op op, std::vector<uint8_t>& packet);

  SrtpSuite suite_;
  SrtpKey rx_key_;  // kept to rebuild the receiving context when its SSRC table is full
  struct ::srtp* tx_rtp_ = nullptr;
  struct ::srtp* rx_rtp_ = nullptr;
  struct ::srtp* tx_rtcp_ = nullptr;
  struct ::srtp* rx_rtcp_ = nullptr;
  struct ::mbuf* mb_ = nullptr;
};

}  // namespace owsip::media
