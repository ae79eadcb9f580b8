// Connecting to owsip's sim socket, disconnecting, closing.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/log.h"
#include "line/sim/sim_protocol.h"
#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {

VirtualPhone::VirtualPhone(Loop& loop, Options options)
    : loop_(loop), options_(options), frame_timer_(loop), ntt_timer_(loop), action_timer_(loop) {}

VirtualPhone::~VirtualPhone() {
  close_with("", false);
}

Status VirtualPhone::connect(const std::string& socket_path, int jack, int rate) {
  if (state_ == State::connecting || state_ == State::connected)
    return Status::error("already connected");
  if (!valid_rate(rate)) return Status::error("rate " + std::to_string(rate) + ": 8000 or 16000");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof addr.sun_path)
    return Status::error("socket path '" + socket_path + "' is empty or too long");
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::error(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    // A Unix socket connects at once or not at all (EAGAIN: owsip's backlog is full).
    std::string why = std::strerror(errno);
    ::close(fd);
    return Status::error(socket_path + ": " + why);
  }
  socket_.fd = fd;
  Status w = watch(false);
  if (!w) {
    ::close(socket_.fd);
    socket_.fd = -1;
    return w;
  }
  reset_for(jack, rate);
  log_at(log::kDebug, "connecting to %s at %d Hz", socket_path.c_str(), rate);
  send(encode_hello(jack, rate), false);
  return Status::ok();
}

// A fresh connection: nothing of the previous one is left.
void VirtualPhone::reset_for(int jack, int rate) {
  state_ = State::connecting;
  requested_jack_ = jack;
  rate_ = rate;
  port_ = jack_ = -1;
  frames_sent_ = frames_received_ = frames_skipped_ = 0;
  user_off_hook_ = loop_closed_ = ringing_ = primary_response_ = false;
  feed_ = LineFeed::standby;
  mic_.source = Source::silence;
}

void VirtualPhone::disconnect() {
  close_with("disconnected", true);
}

void VirtualPhone::close_with(std::string reason, bool emit_event) {
  const bool was_open = state_ == State::connecting || state_ == State::connected;
  socket_.watch.close();
  if (socket_.fd >= 0) ::close(socket_.fd);
  socket_.fd = -1;
  socket_.outbox.clear();
  frame_timer_.cancel();
  action_timer_.cancel();
  ntt_timer_.cancel();
  queue_.clear();
  busy_ = false;
  ringing_ = false;
  primary_response_ = false;
  mic_.dtmf.reset();
  mic_.ack.reset();
  fax_ = {};
  stop_recording();
  if (!was_open) return;
  state_ = State::closed;
  log_at(log::kDebug, "closed: %s", reason.c_str());
  if (emit_event) {
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::closed;
    e.text = std::move(reason);
    emit(std::move(e));
  }
}

}  // namespace owsip::line::sim
