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

// The mapped address of a Binding success response for `id`. Errors: not STUN, another
// transaction, an error response, no (valid) mapped address.
Result<NetAddress> stun_mapped_address(std::span<const uint8_t> packet, const StunTransactionId& id);

}  // namespace owsip::media
