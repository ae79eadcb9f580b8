#pragma once
// One UDPTL stream on a UDP socket, on the event loop: IFP packets out through a UdptlSender,
// datagrams in through a UdptlReceiver, delivered in order to a callback. The remote address
// is the SDP's; with `symmetric` the link answers the source of the last good datagram
// instead (the peer behind a NAT or a relay, as symmetric RTP does).

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "core/loop.h"
#include "core/status.h"
#include "fax/udptl.h"
#include "media/stream.h"
#include "media/udp_socket.h"

namespace owsip::fax {

struct UdptlLinkStats {
  uint64_t datagrams_sent = 0;  // repeats included
  uint64_t send_errors = 0;
  UdptlRxStats rx;
};

class UdptlLink {
 public:
  using OnIfp = std::function<void(uint16_t seq, std::span<const uint8_t> ifp)>;
  // Binds ip:port (port 0: the kernel picks) and starts watching the socket.
  static Result<std::unique_ptr<UdptlLink>> open(const std::string& ip, uint16_t port,
                                                 const media::NetAddress& remote,
                                                 int redundancy_depth, size_t max_datagram,
                                                 bool symmetric, OnIfp on_ifp);
  // The same on a socket already bound (the port a call's offer named, held since then so no
  // other call or program can take it in between).
  static Result<std::unique_ptr<UdptlLink>> adopt(media::UdpSocket socket,
                                                  const media::NetAddress& remote,
                                                  int redundancy_depth, size_t max_datagram,
                                                  bool symmetric, OnIfp on_ifp);
  // One datagram carrying `ifp` (and the redundancy), sent `copies` times: a repeat is the
  // same datagram with the same sequence number (the receiver drops the extra ones), so it
  // protects the last packet before a pause without looking like a new packet.
  Status send_ifp(std::span<const uint8_t> ifp, int copies = 1);
  uint16_t local_port() const { return socket_.port(); }
  const media::NetAddress& remote() const { return remote_; }
  UdptlLinkStats stats() const;

 private:
  UdptlLink(media::UdpSocket s, const media::NetAddress& remote, int depth, size_t max_datagram,
            bool symmetric, OnIfp on_ifp);
  void on_readable();

  media::UdpSocket socket_;
  media::NetAddress remote_;
  bool symmetric_;
  UdptlSender sender_;
  UdptlReceiver receiver_;
  FdWatch watch_;
  uint64_t sent_ = 0;
  uint64_t send_errors_ = 0;
};

}  // namespace owsip::fax
