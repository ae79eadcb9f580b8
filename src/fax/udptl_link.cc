#include "fax/udptl_link.h"

#include <algorithm>
#include <vector>

#include "core/log.h"

namespace owsip::fax {

UdptlLink::UdptlLink(media::UdpSocket s, const media::NetAddress& remote, int depth,
                     size_t max_datagram, bool symmetric, OnIfp on_ifp)
    : socket_(std::move(s)),
      remote_(remote),
      symmetric_(symmetric),
      sender_(depth, max_datagram),
      receiver_(std::move(on_ifp)) {}

Result<std::unique_ptr<UdptlLink>> UdptlLink::open(const std::string& ip, uint16_t port,
                                                   const media::NetAddress& remote,
                                                   int redundancy_depth, size_t max_datagram,
                                                   bool symmetric, OnIfp on_ifp) {
  auto sock = media::UdpSocket::open(ip, port);
  if (!sock) return sock.status();
  return adopt(std::move(*sock), remote, redundancy_depth, max_datagram, symmetric,
               std::move(on_ifp));
}

Result<std::unique_ptr<UdptlLink>> UdptlLink::adopt(media::UdpSocket socket,
                                                    const media::NetAddress& remote,
                                                    int redundancy_depth, size_t max_datagram,
                                                    bool symmetric, OnIfp on_ifp) {
  if (!socket.valid()) return Status::error("UDPTL: no socket");
  std::unique_ptr<UdptlLink> link(new UdptlLink(std::move(socket), remote, redundancy_depth,
                                                max_datagram, symmetric, std::move(on_ifp)));
  UdptlLink* self = link.get();
  if (Status st = link->watch_.watch(link->socket_.fd(), FdWatch::kRead,
                                     [self](int) { self->on_readable(); });
      !st)
    return st;
  return link;
}

Status UdptlLink::send_ifp(std::span<const uint8_t> ifp, int copies) {
  // Before numbering it: a packet never sent must not reappear as redundancy.
  if (!remote_.valid()) return Status::error("UDPTL: no remote address yet");
  std::vector<uint8_t> d;
  if (Status s = sender_.make_datagram(ifp, d); !s) return s;
  Status result = Status::ok();
  for (int i = 0; i < std::clamp(copies, 1, 3); ++i) {
    Status s = socket_.send(d, remote_);
    if (s) {
      ++sent_;
    } else {
      ++send_errors_;
      result = s;
    }
  }
  return result;
}

void UdptlLink::on_readable() {
  uint8_t buf[2048];
  // Bounded: at most 64 datagrams per wake-up, the rest on the next one.
  for (int i = 0; i < 64; ++i) {
    media::NetAddress from;
    const ssize_t n = socket_.receive(buf, from);
    if (n < 0) return;
    if (static_cast<size_t>(n) > sizeof buf) {
      receiver_.receive({});  // counted as malformed
      continue;
    }
    Status s = receiver_.receive(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
    if (!s) {
      log::debug("udptl", "from %s: %s", from.text().c_str(), s.message().c_str());
      continue;
    }
    if (symmetric_ && from.valid()) remote_ = from;
  }
}

UdptlLinkStats UdptlLink::stats() const {
  UdptlLinkStats s;
  s.datagrams_sent = sent_;
  s.send_errors = send_errors_;
  s.rx = receiver_.stats();
  return s;
}

}  // namespace owsip::fax
