#pragma once
// RTP/RTCP port pairs for calls, allocated upward from general.rtp_port: RTP on an even port,
// RTCP on the next (RFC 3550 section 11). The search starts after the pair handed out last,
// so a port just released (which may still receive the previous call's packets) is not reused
// at once, and wraps to the base after `pairs` pairs. Ports in use by anything else are skipped.
// Base 0 lets the kernel choose (tests); the pair rule still holds.

#include <cstdint>
#include <string>

#include "core/status.h"
#include "media/udp_socket.h"

namespace owsip::media {

struct RtpSockets {
  UdpSocket rtp;
  UdpSocket rtcp;
};

class RtpPortAllocator {
 public:
  explicit RtpPortAllocator(int base_port, int pairs = 256);
  // Binds a pair on `ip`; fails when every pair of the range is taken.
  Result<RtpSockets> open(const std::string& ip);
  int base() const { return base_; }
  // A new base (reload of general.rtp_port): ports in use stay as they are.
  void set_base(int base_port) {
    if (base_port == base_) return;
    base_ = base_port;
    next_ = 0;
  }

 private:
  Result<RtpSockets> open_ephemeral(const std::string& ip);
  int base_;
  int pairs_;
  int next_ = 0;  // index of the pair to try first
};

}  // namespace owsip::media
