#pragma once
// RTP packets on the wire (RFC 3550 section 5.1): parsing that never trusts its input, and
// serialisation. Plain byte spans, no libre types, so every part of media/ and the tests can
// use it. Header extensions and CSRC lists are accepted and skipped; padding is removed.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace owsip::media {

inline constexpr size_t kRtpHeaderSize = 12;
// A datagram larger than this is not audio RTP we could play; it is refused.
inline constexpr size_t kMaxRtpPacket = 1500;

struct RtpHeader {
  uint8_t pt = 0;
  bool marker = false;
  uint16_t seq = 0;
  uint32_t ts = 0;
  uint32_t ssrc = 0;
  bool operator==(const RtpHeader&) const = default;
};

// A parsed packet; `payload` views the datagram it was parsed from.
struct RtpPacket {
  RtpHeader header;
  std::span<const uint8_t> payload;
};

enum class RtpParse : uint8_t {
  ok,
  too_short,    // shorter than the fixed header or than what the header announces
  bad_version,  // V != 2
  bad_padding,  // padding count 0 or longer than the payload
  too_long,     // larger than kMaxRtpPacket
  is_rtcp,      // second byte 192..223: an RTCP packet (rtcp-mux), not RTP
};

const char* rtp_parse_name(RtpParse r);

// Parses one datagram. On anything but ok, `out` is unspecified.
RtpParse parse_rtp(std::span<const uint8_t> datagram, RtpPacket& out);

// Whether the first two bytes look like RTCP (RFC 5761 section 4: PT 64-95 seen as 192-223).
bool looks_like_rtcp(std::span<const uint8_t> datagram);

// Appends a 12-byte header (no CSRC, no extension) and `payload` to `out`.
void write_rtp(const RtpHeader& h, std::span<const uint8_t> payload, std::vector<uint8_t>& out);

// Sequence numbers and timestamps of one source, extended to 64 bits across wrap-around
// (RFC 3550 appendix A.1): values within half the range of the last one are taken as the
// nearer neighbour. Reset when the source changes.
class SequenceExtender {
 public:
  // First call sets the base. Returns the extended value of `seq`.
  int64_t extend(uint16_t seq);
  void reset() { started_ = false; }
  bool started() const { return started_; }
  int64_t highest() const { return highest_; }

 private:
  bool started_ = false;
  int64_t highest_ = 0;
};

class TimestampExtender {
 public:
  int64_t extend(uint32_t ts);
  void reset() { started_ = false; }
  bool started() const { return started_; }

 private:
  bool started_ = false;
  int64_t last_ = 0;
};

}  // namespace owsip::media
