#include "fax/t38_session.h"

namespace owsip::fax {

Result<std::unique_ptr<T38Session>> T38Session::open(const std::string& ip, uint16_t port,
                                                     const media::NetAddress& remote,
                                                     const T38Options& options, bool symmetric) {
  auto sock = media::UdpSocket::open(ip, port);
  if (!sock) return sock.status();
  return adopt(std::move(*sock), remote, options, symmetric);
}

Result<std::unique_ptr<T38Session>> T38Session::adopt(media::UdpSocket socket,
                                                      const media::NetAddress& remote,
                                                      const T38Options& options, bool symmetric) {
  std::unique_ptr<T38Session> s(new T38Session());
  T38Session* self = s.get();
  s->gateway_ = T38Gateway::create(options, [self](std::span<const uint8_t> ifp, int copies) {
    if (self->link_) (void)self->link_->send_ifp(ifp, copies);
  });
  if (!s->gateway_) return Status::error("T.38: spandsp could not create the gateway");
  auto link = UdptlLink::adopt(std::move(socket), remote, options.redundancy_depth,
                               options.max_datagram, symmetric,
                               [self](uint16_t seq, std::span<const uint8_t> ifp) {
                                 self->gateway_->on_ifp(seq, ifp);
                               });
  if (!link) return link.status();
  s->link_ = std::move(*link);
  return s;
}

}  // namespace owsip::fax
