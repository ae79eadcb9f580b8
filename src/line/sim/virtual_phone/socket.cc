// The socket to owsip: packets out (through an outbox while the socket is full), packets in.
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "line/sim/sim_protocol.h"
#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {

namespace {

// Why the connection ended, from a failed send or recv. On a Unix socket ECONNRESET and EPIPE
// mean that owsip closed its end (with our packets still unread: a reset, not an end of file),
// which is the same event as recv() returning 0; which one the phone sees is a matter of timing.
std::string socket_error(int err) {
  if (err == ECONNRESET || err == EPIPE) return "connection closed by owsip";
  return std::string("socket: ") + std::strerror(err);
}

}  // namespace

// Readable always; writable too while packets wait in the outbox.
Status VirtualPhone::watch(bool writable) {
  return socket_.watch.watch(socket_.fd, FdWatch::kRead | (writable ? FdWatch::kWrite : 0),
                             [this](int events) {
                               if (events & FdWatch::kWrite) flush_outbox();
                               if (socket_.fd >= 0 && (events & (FdWatch::kRead | FdWatch::kError)))
                                 on_readable();
                             });
}

bool VirtualPhone::send(std::string packet, bool droppable) {
  if (socket_.fd < 0) return false;
  if (!socket_.outbox.empty()) {
    if (droppable && socket_.outbox.size() >= kMaxOutbox) return false;
    socket_.outbox.push_back(std::move(packet));
    return true;
  }
  ssize_t n = ::send(socket_.fd, packet.data(), packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n == static_cast<ssize_t>(packet.size())) return true;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    socket_.outbox.push_back(std::move(packet));
    (void)watch(true);
    return true;
  }
  close_with(n < 0 ? socket_error(errno) : "socket: short send", true);
  return false;
}

void VirtualPhone::flush_outbox() {
  while (socket_.fd >= 0 && !socket_.outbox.empty()) {
    const std::string& p = socket_.outbox.front();
    ssize_t n = ::send(socket_.fd, p.data(), p.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n != static_cast<ssize_t>(p.size())) {
      close_with(n < 0 ? socket_error(errno) : "socket: short send", true);
      return;
    }
    socket_.outbox.pop_front();
  }
  if (socket_.fd >= 0) (void)watch(false);
}

void VirtualPhone::on_readable() {
  std::array<uint8_t, kMaxMessage + 1> buf;
  // Bounded: a flood from owsip must not starve the rest of the loop.
  for (int i = 0; i < 64 && socket_.fd >= 0; ++i) {
    ssize_t n = ::recv(socket_.fd, buf.data(), buf.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      close_with(socket_error(errno), true);
      return;
    }
    if (n == 0) {
      close_with("connection closed by owsip", true);
      return;
    }
    if (static_cast<size_t>(n) > kMaxMessage) {
      close_with("protocol: packet of " + std::to_string(n) + " bytes", true);
      return;
    }
    handle(std::string(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n)));
  }
}

}  // namespace owsip::line::sim
