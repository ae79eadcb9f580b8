#include "media/stun.h"

#include <arpa/inet.h>

#include <cstring>

namespace owsip::media {
namespace {

constexpr uint32_t kMagic = 0x2112A442;
constexpr uint16_t kBindingRequest = 0x0001;
constexpr uint16_t kBindingSuccess = 0x0101;
constexpr uint16_t kMappedAddress = 0x0001;
constexpr uint16_t kXorMappedAddress = 0x0020;

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

// The address of a (XOR-)MAPPED-ADDRESS value; `xor_key` is the cookie and transaction id
// (16 bytes) for XOR-MAPPED-ADDRESS, nullptr for MAPPED-ADDRESS.
std::optional<NetAddress> address(std::span<const uint8_t> v, const uint8_t* xor_key) {
  if (v.size() < 8) return std::nullopt;
  const uint8_t family = v[1];
  uint16_t port = be16(&v[2]);
  if (xor_key) port ^= static_cast<uint16_t>(kMagic >> 16);
  uint8_t ip[16];
  size_t n = family == 1 ? 4 : family == 2 ? 16 : 0;
  if (n == 0 || v.size() < 4 + n) return std::nullopt;
  for (size_t i = 0; i < n; ++i) ip[i] = static_cast<uint8_t>(v[4 + i] ^ (xor_key ? xor_key[i] : 0));
  char text[INET6_ADDRSTRLEN] = "";
  if (!inet_ntop(family == 1 ? AF_INET : AF_INET6, ip, text, sizeof text)) return std::nullopt;
  if (port == 0) return std::nullopt;
  return NetAddress{text, port};
}

}  // namespace

std::vector<uint8_t> stun_binding_request(const StunTransactionId& id) {
  std::vector<uint8_t> out(20);
  const uint8_t head[8] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42};
  std::memcpy(out.data(), head, sizeof head);
  std::memcpy(out.data() + 8, id.data(), id.size());
  return out;
}

bool is_stun(std::span<const uint8_t> p) {
  return p.size() >= 20 && (p[0] & 0xC0) == 0 && be32(&p[4]) == kMagic;
}

std::optional<std::vector<uint8_t>> stun_binding_response(std::span<const uint8_t> request,
                                                          const NetAddress& from) {
  if (!is_stun(request) || be16(&request[0]) != kBindingRequest) return std::nullopt;
  const size_t length = be16(&request[2]);
  if (length % 4 != 0 || 20 + length != request.size()) return std::nullopt;
  uint8_t ip[16];
  size_t n = 0;
  if (inet_pton(AF_INET, from.ip.c_str(), ip) == 1) n = 4;
  else if (inet_pton(AF_INET6, from.ip.c_str(), ip) == 1) n = 16;
  if (n == 0) return std::nullopt;
  std::vector<uint8_t> out(request.begin(), request.begin() + 20);  // cookie + transaction id
  out[0] = kBindingSuccess >> 8;
  out[1] = kBindingSuccess & 0xff;
  const uint16_t port = from.port ^ static_cast<uint16_t>(kMagic >> 16);
  const uint8_t head[8] = {0x00, 0x20, 0x00, static_cast<uint8_t>(4 + n), 0x00,
                           static_cast<uint8_t>(n == 4 ? 1 : 2), static_cast<uint8_t>(port >> 8),
                           static_cast<uint8_t>(port & 0xff)};
  out.insert(out.end(), head, head + sizeof head);
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(ip[i] ^ request[4 + i]));
  out[2] = 0;
  out[3] = static_cast<uint8_t>(out.size() - 20);
  return out;
}

Result<NetAddress> stun_mapped_address(std::span<const uint8_t> p, const StunTransactionId& id) {
  if (!is_stun(p)) return Status::error("not a STUN message");
  const size_t length = be16(&p[2]);
  if (length % 4 != 0 || 20 + length > p.size()) return Status::error("STUN length does not fit");
  if (std::memcmp(&p[8], id.data(), id.size()) != 0) return Status::error("another transaction");
  const uint16_t type = be16(&p[0]);
  if (type != kBindingSuccess)
    return Status::error(type == kBindingRequest ? "a request, not a response"
                                                 : "not a Binding success response");
  uint8_t key[16];
  std::memcpy(key, &p[4], 16);  // cookie + transaction id
  std::optional<NetAddress> mapped;
  for (size_t pos = 20; pos + 4 <= 20 + length;) {
    const uint16_t at = be16(&p[pos]);
    const size_t len = be16(&p[pos + 2]);
    if (pos + 4 + len > 20 + length) return Status::error("STUN attribute does not fit");
    std::span<const uint8_t> value = p.subspan(pos + 4, len);
    if (at == kXorMappedAddress) {
      if (auto a = address(value, key)) return *a;  // preferred
    } else if (at == kMappedAddress && !mapped) {
      mapped = address(value, nullptr);
    }
    pos += 4 + (len + 3) / 4 * 4;
  }
  if (mapped) return *mapped;
  return Status::error("no mapped address in the response");
}

}  // namespace owsip::media
