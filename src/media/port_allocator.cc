#include "media/port_allocator.h"

#include <algorithm>

namespace owsip::media {

namespace {
constexpr int kEphemeralAttempts = 64;
}

RtpPortAllocator::RtpPortAllocator(int base_port, int pairs)
    : base_(base_port <= 0 ? 0 : std::min(base_port + (base_port & 1), 65534)),
      pairs_(std::clamp(pairs, 1, (65536 - std::max(base_, 2)) / 2)) {}

Result<RtpSockets> RtpPortAllocator::open(const std::string& ip) {
  if (base_ == 0) return open_ephemeral(ip);
  std::string last_error;
  for (int i = 0; i < pairs_; ++i) {
    const int index = (next_ + i) % pairs_;
    const auto port = static_cast<uint16_t>(base_ + 2 * index);
    auto rtp = UdpSocket::open(ip, port);
    if (!rtp) {
      last_error = rtp.message();
      continue;
    }
    auto rtcp = UdpSocket::open(ip, static_cast<uint16_t>(port + 1));
    if (!rtcp) {
      last_error = rtcp.message();
      continue;
    }
    next_ = (index + 1) % pairs_;
    return RtpSockets{std::move(*rtp), std::move(*rtcp)};
  }
  return Status::error("no free RTP port pair in " + std::to_string(base_) + "-" +
                       std::to_string(base_ + 2 * pairs_ - 1) + " (last: " + last_error + ")");
}

Result<RtpSockets> RtpPortAllocator::open_ephemeral(const std::string& ip) {
  for (int i = 0; i < kEphemeralAttempts; ++i) {
    auto rtp = UdpSocket::open(ip, 0);
    if (!rtp) return rtp.status();
    if (rtp->port() & 1 || rtp->port() == 65535) continue;
    auto rtcp = UdpSocket::open(ip, static_cast<uint16_t>(rtp->port() + 1));
    if (rtcp) return RtpSockets{std::move(*rtp), std::move(*rtcp)};
  }
  return Status::error("no free RTP port pair from the kernel");
}

}  // namespace owsip::media
