#pragma once
// Learns the public address a NAT gives one UDP socket from a STUN server (UCI section `stun`):
// a Binding request (RFC 5389) sent through the socket's owner, retransmitted after 0.5, 1 and
// 2 s, refreshed every 5 minutes, retried after 30 s when no answer came. The probe does no
// I/O of its own: the owner sends what `send` is given and hands every datagram that may be
// STUN to on_packet() (owsip's SIP socket is libre's; sip/public_address.h).
//
// The public address names the SIP socket's mapping in Contact and Via, and its IP the media
// in SDP (with the call's own RTP port: right for the port-preserving NATs of home routers;
// symmetric RTP at the peer covers the others).
//
// Single-threaded; owns its timer.

#include <functional>
#include <optional>
#include <span>
#include <string>

#include "core/timer.h"
#include "media/stun.h"

namespace owsip::media {

class StunProbe {
 public:
  static constexpr uint64_t kRefreshMs = 300000;
  static constexpr uint64_t kRetryMs = 30000;

  // Sends one datagram to `to`; false when it could not be sent.
  using Send = std::function<bool(std::span<const uint8_t> packet, const NetAddress& to)>;
  // The public address was learned, or it changed.
  using Changed = std::function<void(const NetAddress& public_address)>;

  // `server`: host name or address, resolved at each probe (getaddrinfo); `local`: the
  // socket's own address, for the log.
  StunProbe(TimerQueue& timers, std::string local, std::string server, uint16_t port, Send send);
  ~StunProbe() = default;
  StunProbe(const StunProbe&) = delete;
  StunProbe& operator=(const StunProbe&) = delete;

  void set_changed_handler(Changed h) { changed_ = std::move(h); }
  void start();
  // True when `packet` from `from` was this probe's answer (taken); false: not for it.
  bool on_packet(std::span<const uint8_t> packet, const NetAddress& from);
  // The public address learned last, while it is fresh (within two refresh periods).
  std::optional<NetAddress> public_address() const;
  const std::string& server() const { return server_; }
  uint16_t port() const { return port_; }

 private:
  void probe();
  void transmit();

  TimerQueue& timers_;
  std::string local_, server_;
  uint16_t port_;
  Send send_;
  Changed changed_;
  Timer timer_;
  NetAddress server_addr_;
  StunTransactionId id_{};
  int attempt_ = 0;
  bool waiting_ = false;  // a request is out and unanswered
  std::optional<NetAddress> public_;
  uint64_t learned_at_ms_ = 0;
};

}  // namespace owsip::media
