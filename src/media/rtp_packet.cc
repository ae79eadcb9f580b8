#include "media/rtp_packet.h"

namespace owsip::media {

namespace {
uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}
}  // namespace

const char* rtp_parse_name(RtpParse r) {
  switch (r) {
    case RtpParse::ok:
      return "ok";
    case RtpParse::too_short:
      return "truncated";
    case RtpParse::bad_version:
      return "not version 2";
    case RtpParse::bad_padding:
      return "bad padding";
    case RtpParse::too_long:
      return "too long";
    case RtpParse::is_rtcp:
      return "RTCP on the RTP port";
  }
  return "?";
}

bool looks_like_rtcp(std::span<const uint8_t> d) {
  return d.size() >= 2 && (d[0] >> 6) == 2 && d[1] >= 192 && d[1] <= 223;
}

RtpParse parse_rtp(std::span<const uint8_t> d, RtpPacket& out) {
  if (d.size() > kMaxRtpPacket) return RtpParse::too_long;
  if (d.size() < kRtpHeaderSize) return RtpParse::too_short;
  if ((d[0] >> 6) != 2) return RtpParse::bad_version;
  if (looks_like_rtcp(d)) return RtpParse::is_rtcp;
  const bool padding = d[0] & 0x20;
  const bool extension = d[0] & 0x10;
  const size_t csrc_count = d[0] & 0x0f;
  size_t pos = kRtpHeaderSize + 4 * csrc_count;
  if (pos > d.size()) return RtpParse::too_short;
  if (extension) {
    if (pos + 4 > d.size()) return RtpParse::too_short;
    pos += 4 + 4 * static_cast<size_t>(be16(&d[pos + 2]));
    if (pos > d.size()) return RtpParse::too_short;
  }
  size_t end = d.size();
  if (padding) {
    const size_t pad = d[end - 1];
    if (pad == 0 || pad > end - pos) return RtpParse::bad_padding;
    end -= pad;
  }
  out.header.marker = d[1] & 0x80;
  out.header.pt = d[1] & 0x7f;
  out.header.seq = be16(&d[2]);
  out.header.ts = be32(&d[4]);
  out.header.ssrc = be32(&d[8]);
  out.payload = d.subspan(pos, end - pos);
  return RtpParse::ok;
}

void write_rtp(const RtpHeader& h, std::span<const uint8_t> payload, std::vector<uint8_t>& out) {
  const uint8_t hdr[kRtpHeaderSize] = {
      0x80,
      static_cast<uint8_t>((h.marker ? 0x80 : 0) | (h.pt & 0x7f)),
      static_cast<uint8_t>(h.seq >> 8),
      static_cast<uint8_t>(h.seq),
      static_cast<uint8_t>(h.ts >> 24),
      static_cast<uint8_t>(h.ts >> 16),
      static_cast<uint8_t>(h.ts >> 8),
      static_cast<uint8_t>(h.ts),
      static_cast<uint8_t>(h.ssrc >> 24),
      static_cast<uint8_t>(h.ssrc >> 16),
      static_cast<uint8_t>(h.ssrc >> 8),
      static_cast<uint8_t>(h.ssrc),
  };
  out.insert(out.end(), hdr, hdr + kRtpHeaderSize);
  out.insert(out.end(), payload.begin(), payload.end());
}

int64_t SequenceExtender::extend(uint16_t seq) {
  if (!started_) {
    started_ = true;
    highest_ = seq;
    return seq;
  }
  const auto delta =
      static_cast<int16_t>(static_cast<uint16_t>(seq - static_cast<uint16_t>(highest_)));
  const int64_t ext = highest_ + delta;
  if (ext > highest_) highest_ = ext;
  return ext;
}

int64_t TimestampExtender::extend(uint32_t ts) {
  if (!started_) {
    started_ = true;
    last_ = ts;
    return ts;
  }
  const auto delta = static_cast<int32_t>(ts - static_cast<uint32_t>(last_));
  const int64_t ext = last_ + delta;
  if (ext > last_) last_ = ext;
  return ext;
}

}  // namespace owsip::media
