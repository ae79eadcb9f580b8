#pragma once
// Learns this host's public IP address from a STUN server (UCI section `stun`), for the SDP of
// calls behind a NAT: a Binding request from a UDP socket on the SIP interface's address,
// retransmitted after 0.5, 1 and 2 s, refreshed every 5 minutes, retried after 30 s when no
// answer came. The SDP then names the public address with the call's own RTP port (right for
// the port-preserving NATs of home routers; symmetric RTP at the peer covers the others).
// SIP learns its public address from the registrar's Via received/rport instead.
//
// Single-threaded; owns its socket and timers.

#include <optional>
#include <string>

#include "core/loop.h"
#include "core/timer.h"
#include "media/stun.h"
#include "media/udp_socket.h"

namespace owsip::media {

class StunProbe {
 public:
  static constexpr uint64_t kRefreshMs = 300000;
  static constexpr uint64_t kRetryMs = 30000;

  // `server`: host name or address; resolved at each probe (getaddrinfo).
  StunProbe(Loop& loop, std::string bind_ip, std::string server, uint16_t port);
  ~StunProbe();
  StunProbe(const StunProbe&) = delete;
  StunProbe& operator=(const StunProbe&) = delete;

  void start();
  // The public IP learned last, while it is fresh (within two refresh periods).
  std::optional<std::string> public_ip() const;
  const std::string& server() const { return server_; }
  uint16_t port() const { return port_; }
  const std::string& bind_ip() const { return bind_ip_; }

 private:
  void probe();
  void transmit();
  void on_readable();

  Loop& loop_;
  std::string bind_ip_, server_;
  uint16_t port_;
  UdpSocket socket_;
  FdWatch watch_;
  Timer timer_;
  NetAddress server_addr_;
  StunTransactionId id_{};
  int attempt_ = 0;
  std::optional<std::string> public_ip_;
  uint64_t learned_at_ms_ = 0;
};

}  // namespace owsip::media
