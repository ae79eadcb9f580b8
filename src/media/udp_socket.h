#pragma once
// A non-blocking UDP socket bound to a numeric address (IPv4 or IPv6), owned: the descriptor
// closes with the object. RTP and RTCP use one each; the loop watches them (FdWatch).

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>

#include "core/status.h"
#include "media/stream.h"

namespace owsip::media {

class UdpSocket {
 public:
  UdpSocket() = default;
  // Binds `ip` (may be 0.0.0.0 or ::) and `port` (0: the kernel picks).
  static Result<UdpSocket> open(const std::string& ip, uint16_t port);
  ~UdpSocket();
  UdpSocket(UdpSocket&& o) noexcept;
  UdpSocket& operator=(UdpSocket&& o) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  uint16_t port() const { return port_; }
  // One datagram into `buf`. Returns its full size (larger than buf.size() when it was cut
  // off), or -1 when none is waiting.
  ssize_t receive(std::span<uint8_t> buf, NetAddress& from);
  Status send(std::span<const uint8_t> data, const NetAddress& to);
  // Differentiated services code point for what this socket sends (RTP: EF, 46).
  void set_dscp(int dscp);

 private:
  UdpSocket(int fd, uint16_t port) : fd_(fd), port_(port) {}
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace owsip::media
