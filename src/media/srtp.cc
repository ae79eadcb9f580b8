#include "media/srtp.h"

#include <re.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace owsip::media {

namespace {

struct SuiteName {
  SrtpSuite suite;
  std::string_view name;
  enum srtp_suite libre;
};
constexpr SuiteName kSuites[] = {
    {SrtpSuite::aes_cm_128_hmac_sha1_80, "AES_CM_128_HMAC_SHA1_80", SRTP_AES_CM_128_HMAC_SHA1_80},
    {SrtpSuite::aes_cm_128_hmac_sha1_32, "AES_CM_128_HMAC_SHA1_32", SRTP_AES_CM_128_HMAC_SHA1_32},
};
constexpr size_t kKeyBase64 = 40;  // 30 bytes
constexpr std::string_view kInline = "inline:";

bool is_base64(std::string_view s) {
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
  return true;
}

std::string error_text(int err) {
  switch (err) {
    case EAUTH:
      return "authentication failed";
    case EALREADY:
      return "replayed";
    case EBADMSG:
      return "malformed";
    case ETIMEDOUT:
      return "sequence number out of range";
    case ENOSR:
      return "too many sources";
    default:
      return std::strerror(err);
  }
}

// RFC 4568 section 6.2.2: with AES_CM_128_HMAC_SHA1_32 the SRTCP tag is still 80 bits, so RTCP
// uses the _80 transform (same cipher and key derivation; only the tag length differs).
// libre would use 32 bits for both.
int alloc(struct ::srtp** ctx, SrtpSuite suite, bool rtcp, const SrtpKey& key) {
  enum srtp_suite s = SRTP_AES_CM_128_HMAC_SHA1_80;
  if (!rtcp)
    for (const auto& n : kSuites)
      if (n.suite == suite) s = n.libre;
  return srtp_alloc(ctx, s, key.data(), key.size(), 0);
}

}  // namespace

std::string_view srtp_suite_name(SrtpSuite s) {
  for (const auto& n : kSuites)
    if (n.suite == s) return n.name;
  return "?";
}

std::optional<SrtpSuite> parse_srtp_suite(std::string_view name) {
  for (const auto& n : kSuites)
    if (n.name == name) return n.suite;
  return std::nullopt;
}

std::string_view srtp_policy_name(SrtpPolicy p) {
  switch (p) {
    case SrtpPolicy::off:
      return "off";
    case SrtpPolicy::optional:
      return "optional";
    case SrtpPolicy::mandatory:
      return "mandatory";
  }
  return "?";
}

std::optional<SrtpPolicy> parse_srtp_policy(std::string_view name) {
  for (SrtpPolicy p : {SrtpPolicy::off, SrtpPolicy::optional, SrtpPolicy::mandatory})
    if (srtp_policy_name(p) == name) return p;
  return std::nullopt;
}

SrtpKey random_srtp_key() {
  SrtpKey k;
  rand_bytes(k.data(), k.size());
  return k;
}

Result<CryptoAttribute> parse_crypto(std::string_view v) {
  // tag SP suite SP key-params [SP session-params]
  CryptoAttribute c;
  const size_t sp1 = v.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0 || sp1 > 9) return Status::error("crypto: no tag");
  c.tag = 0;
  for (char ch : v.substr(0, sp1)) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return Status::error("crypto: bad tag");
    c.tag = c.tag * 10 + (ch - '0');
  }
  v.remove_prefix(sp1 + 1);
  const size_t sp2 = v.find(' ');
  if (sp2 == std::string_view::npos) return Status::error("crypto: no key");
  const auto suite = parse_srtp_suite(v.substr(0, sp2));
  if (!suite)
    return Status::error("crypto: unsupported suite " +
                         std::string(v.substr(0, std::min<size_t>(sp2, 40))));
  c.suite = *suite;
  v.remove_prefix(sp2 + 1);
  const size_t sp3 = v.find(' ');
  if (sp3 != std::string_view::npos)
    return Status::error("crypto: session parameters not supported");
  if (v.find(';') != std::string_view::npos)
    return Status::error("crypto: more than one key not supported");
  if (v.substr(0, kInline.size()) != kInline)
    return Status::error("crypto: key method is not inline");
  v.remove_prefix(kInline.size());
  const size_t bar = v.find('|');
  const std::string_view b64 = v.substr(0, bar);
  if (bar != std::string_view::npos) {
    std::string_view rest = v.substr(bar + 1);
    // An optional lifetime ("2^31" or a number) may follow; an MKI ("1:4") needs MKI support
    // in every packet, which libre's srtp lacks.
    if (rest.find(':') != std::string_view::npos || rest.find('|') != std::string_view::npos)
      return Status::error("crypto: MKI not supported");
  }
  if (b64.size() != kKeyBase64 || !is_base64(b64))
    return Status::error("crypto: key is not 30 bytes of base64");
  size_t len = c.key.size() + 2;
  uint8_t buf[kSrtpKeyBytes + 2];
  if (base64_decode(b64.data(), b64.size(), buf, &len) != 0 || len != kSrtpKeyBytes)
    return Status::error("crypto: key is not 30 bytes of base64");
  std::memcpy(c.key.data(), buf, kSrtpKeyBytes);
  return c;
}

std::string format_crypto(const CryptoAttribute& c) {
  char b64[kKeyBase64 + 4] = {};
  size_t len = sizeof b64;
  base64_encode(c.key.data(), c.key.size(), b64, &len);
  return std::to_string(c.tag) + " " + std::string(srtp_suite_name(c.suite)) + " " +
         std::string(kInline) + std::string(b64, len);
}

std::string redact_sdp(std::string_view sdp) {
  std::string out(sdp);
  for (size_t at = out.find(kInline); at != std::string::npos; at = out.find(kInline, at)) {
    at += kInline.size();
    const size_t end = out.find_first_of("|; \r\n", at);
    out.replace(at, (end == std::string::npos ? out.size() : end) - at, "****");
  }
  return out;
}

Result<std::unique_ptr<SrtpSession>> SrtpSession::create(SrtpSuite suite, const SrtpKey& tx,
                                                         const SrtpKey& rx) {
  std::unique_ptr<SrtpSession> s(new SrtpSession(suite, rx));
  int err = alloc(&s->tx_rtp_, suite, false, tx);
  if (!err) err = alloc(&s->rx_rtp_, suite, false, rx);
  if (!err) err = alloc(&s->tx_rtcp_, suite, true, tx);
  if (!err) err = alloc(&s->rx_rtcp_, suite, true, rx);
  if (!err) {
    s->mb_ = mbuf_alloc(1600);
    if (!s->mb_) err = ENOMEM;
  }
  if (err) return Status::error("srtp: " + error_text(err));
  return s;
}

SrtpSession::~SrtpSession() {
  mem_deref(tx_rtp_);
  mem_deref(rx_rtp_);
  mem_deref(tx_rtcp_);
  mem_deref(rx_rtcp_);
  mem_deref(mb_);
}

Status SrtpSession::run(struct ::srtp*& ctx, bool rtcp, Op op, std::vector<uint8_t>& packet) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    mbuf_rewind(mb_);
    if (mbuf_write_mem(mb_, packet.data(), packet.size()) != 0)
      return Status::error("srtp: out of memory");
    mb_->pos = 0;
    int err;
    if (op == Op::protect)
      err = rtcp ? srtcp_encrypt(ctx, mb_) : srtp_encrypt(ctx, mb_);
    else
      err = rtcp ? srtcp_decrypt(ctx, mb_) : srtp_decrypt(ctx, mb_);
    if (err == ENOSR && op == Op::unprotect && attempt == 0) {
      // libre keeps 8 sources per context and adds them before authenticating: forged
      // packets can fill it. Start the receiving context afresh (replay state is lost).
      struct ::srtp* fresh = nullptr;
      if (alloc(&fresh, suite_, rtcp, rx_key_) != 0)
        return Status::error("srtp: " + error_text(err));
      mem_deref(ctx);
      ctx = fresh;
      continue;
    }
    if (err) return Status::error(error_text(err));
    packet.assign(mb_->buf + mb_->pos, mb_->buf + mb_->end);
    return Status::ok();
  }
  return Status::error("srtp: too many sources");
}

Status SrtpSession::protect_rtp(std::vector<uint8_t>& p) {
  return run(tx_rtp_, false, Op::protect, p);
}
Status SrtpSession::unprotect_rtp(std::vector<uint8_t>& p) {
  return run(rx_rtp_, false, Op::unprotect, p);
}
Status SrtpSession::protect_rtcp(std::vector<uint8_t>& p) {
  return run(tx_rtcp_, true, Op::protect, p);
}
Status SrtpSession::unprotect_rtcp(std::vector<uint8_t>& p) {
  return run(rx_rtcp_, true, Op::unprotect, p);
}

}  // namespace owsip::media
