#pragma once
// One line's T.38 session as the call layer will hold it after a T.38 re-INVITE: a
// T38Gateway (the line's audio side, a media::AudioEndpoint) wired to a UdptlLink (the
// network side) with the negotiated options (t38_session_options in t38_sdp.h).
// owsip-t38peer --gateway runs exactly this.

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "fax/t38_gateway.h"
#include "fax/t38_options.h"
#include "fax/udptl_link.h"
#include "media/stream.h"

namespace owsip::fax {

class T38Session {
 public:
  // Binds ip:port (0: any free port) on the loop (which must be initialised) and sends to
  // `remote`; `symmetric`: answer whoever sent the last good datagram instead.
  static Result<std::unique_ptr<T38Session>> open(const std::string& ip, uint16_t port,
                                                  const media::NetAddress& remote,
                                                  const T38Options& options, bool symmetric);
  // The same on a socket already bound (UdptlLink::adopt).
  static Result<std::unique_ptr<T38Session>> adopt(media::UdpSocket socket,
                                                   const media::NetAddress& remote,
                                                   const T38Options& options, bool symmetric);
  media::AudioEndpoint& endpoint() { return *gateway_; }
  T38Gateway& gateway() { return *gateway_; }
  uint16_t local_port() const { return link_->local_port(); }
  UdptlLinkStats link_stats() const { return link_->stats(); }
  T38GatewayStats gateway_stats() const { return gateway_->stats(); }

 private:
  T38Session() = default;
  std::unique_ptr<T38Gateway> gateway_;
  std::unique_ptr<UdptlLink> link_;  // after gateway_: destroyed first, so no IFP arrives late
};

}  // namespace owsip::fax
