#pragma once
// STUN (RFC 5389) Binding, just enough to learn the public address a NAT gives us: the
// request and the parsing of a success response (XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from
// an RFC 3489 server). Pure functions: no I/O.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/status.h"
#include "media/stream.h"

namespace owsip::media {

using StunTransactionId = std::array<uint8_t, 12>;

// A Binding Request (20 bytes, no attributes) with `id`.
std::vector<uint8_t> stun_binding_request(const StunTransactionId& id);

// True when `packet` looks like STUN (first two bits zero, magic cookie), so a socket that
// also carries RTP can tell them apart.
bool is_stun(std::span<const uint8_t> packet);

// The Binding success response (RFC 5389 section 10.1.3 / 15.2: XOR-MAPPED-ADDRESS of
// `from`, the request's transaction id) to `request`; nullopt when `request` is not a
// well-formed Binding Request or `from` is not a numeric IPv4/IPv6 address.
std::optional<std::vector<uint8_t>> stun_binding_response(std::span<const uint8_t> request,
                                                          const NetAddress& from);

// The mapped address of a Binding success response for `id`. Errors: not STUN, another
// transaction, an error response, no (valid) mapped address.
Result<NetAddress> stun_mapped_address(std::span<const uint8_t> packet, const StunTransactionId& id);

}  // namespace owsip::media
