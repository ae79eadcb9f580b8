#include "line/sim/sim_backend.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/log.h"

namespace owsip::line::sim {
namespace {

constexpr const char* kTag = "line.sim";
constexpr uint64_t kHelloTimeoutMs = 5000;
// Earpiece frames in a row that a phone failed to take before it counts as not reading.
constexpr unsigned kMaxSendFailures = 100;

}  // namespace

Result<std::unique_ptr<LineBackend>> SimBackend::create(BackendContext& ctx) {
  const config::Telephony& cfg = ctx.config;
  int jacks = 2;
  for (const auto& p : cfg.ports) jacks = std::max(jacks, p.id + 1);
  std::unique_ptr<SimBackend> b(new SimBackend(ctx.loop, cfg.general.sim_socket));
  for (int jack = 0; jack < jacks; ++jack) {
    LineSettings s = line_settings(cfg, jack);
    std::unique_ptr<Led> led;
    if (const config::Port* p = port_section(cfg, s.port); p && !p->led.empty())
      led = std::make_unique<Led>(ctx.sysfs, p->led);
    b->lines_.push_back(std::make_unique<SimLine>(s, ctx.loop, cfg.timers, std::move(led)));
  }
  b->jack_conn_.assign(jacks, nullptr);
  if (Status s = b->listen(); !s) return s;
  log::notice(kTag, "listening on %s for %d virtual phones", b->path_.c_str(), jacks);
  return std::unique_ptr<LineBackend>(std::move(b));
}

SimBackend::SimBackend(Loop& loop, std::string path)
    : loop_(loop), path_(std::move(path)), reap_timer_(loop) {}

SimBackend::~SimBackend() {
  for (auto& c : conns_)
    if (!c->dead) drop(c.get(), "owsip is stopping", true);
  conns_.clear();
  listen_watch_.close();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    ::unlink(path_.c_str());
  }
}

Status SimBackend::listen() {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.empty() || path_.size() >= sizeof addr.sun_path)
    return Status::error("sim_socket '" + path_ + "': empty or too long for a Unix socket");
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  listen_fd_ = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return Status::error(errno_text("socket"));
  struct stat st;
  if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(path_.c_str());
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Status::error(errno_text("sim_socket " + path_));
  if (::listen(listen_fd_, SOMAXCONN) != 0) return Status::error(errno_text("listen"));
  return listen_watch_.watch(listen_fd_, FdWatch::kRead, [this](int) { on_accept(); });
}

std::vector<Line*> SimBackend::lines() {
  std::vector<Line*> out;
  for (auto& l : lines_) out.push_back(l.get());
  std::sort(out.begin(), out.end(), [](Line* a, Line* b) { return a->port() < b->port(); });
  return out;
}

SimLine* SimBackend::line_on_jack(int jack) {
  return jack >= 0 && jack < static_cast<int>(lines_.size()) ? lines_[jack].get() : nullptr;
}

size_t SimBackend::connected_phones() const {
  return static_cast<size_t>(std::count_if(jack_conn_.begin(), jack_conn_.end(),
                                            [](Conn* c) { return c != nullptr; }));
}

void SimBackend::on_accept() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        log::warn(kTag, "%s", errno_text("accept").c_str());
      return;
    }
    auto c = std::make_unique<Conn>(loop_);
    c->fd = fd;
    Conn* raw = c.get();
    conns_.push_back(std::move(c));
    if (Status s = raw->watch.watch(fd, FdWatch::kRead, [this, raw](int) { on_readable(raw); });
        !s) {
      drop(raw, s.message(), false);
      continue;
    }
    raw->hello_timer.start(kHelloTimeoutMs, [this, raw] { drop(raw, "no hello within 5 s", true); });
  }
}

void SimBackend::on_readable(Conn* c) {
  // One packet per wake-up: the loop's epoll is level-triggered, so the next queued packet wakes
  // it again, and the usual case (one frame per 20 ms) costs no failed recv; a chatty phone
  // cannot starve the loop either.
  if (c->dead) return;
  uint8_t buf[kMaxMessage + 1];
  ssize_t n = ::recv(c->fd, buf, sizeof buf, MSG_TRUNC);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    return drop(c, errno_text("recv"), false);
  }
  if (n == 0) return drop(c, "phone disconnected", false);
  if (static_cast<size_t>(n) > kMaxMessage)
    return drop(c, "packet of " + std::to_string(n) + " bytes (at most " +
                       std::to_string(kMaxMessage) + ")", true);
  (void)handle(c, std::span<const uint8_t>(buf, static_cast<size_t>(n)));
}

bool SimBackend::handle(Conn* c, std::span<const uint8_t> packet) {
  if (Status s = decode(packet, c->rate, c->msg); !s) {
    drop(c, s.message(), true);
    return false;
  }
  SimLine* line = line_on_jack(c->jack);
  switch (c->msg.type) {
    case Message::Type::hello:
      if (c->jack >= 0) {
        drop(c, "second hello", true);
        return false;
      }
      return on_hello(c);
    case Message::Type::hook:
      if (!line) break;
      line->on_hook_switch(c->msg.on);
      return true;
    case Message::Type::audio:
      if (!line) break;
      line->on_audio(c->msg.samples);
      return !c->dead;
    default:
      drop(c, std::string("message type '") + static_cast<char>(c->msg.type) +
                  "' is not sent by phones",
           true);
      return false;
  }
  drop(c, "message before hello", true);
  return false;
}

bool SimBackend::on_hello(Conn* c) {
  const int jack = c->msg.jack;
  if (jack >= static_cast<int>(lines_.size())) {
    drop(c, "no jack " + std::to_string(jack) + " (this sim has " +
                std::to_string(lines_.size()) + ")",
         true);
    return false;
  }
  if (jack_conn_[jack]) {
    drop(c, "jack " + std::to_string(jack) + " already has a phone", true);
    return false;
  }
  c->hello_timer.cancel();
  c->jack = jack;
  c->rate = c->msg.rate;
  jack_conn_[jack] = c;
  SimLine* line = lines_[jack].get();
  const auto& s = line->settings();
  send(c, encode_welcome(s.port, jack, c->rate, s.tones->locale,
                         s.cid ? dsp::cid_standard_name(*s.cid) : "none"));
  line->attach(c->rate, [this, c](const std::string& m) { return send(c, m); });
  log::info(kTag, "jack %d (port %d): phone connected at %d Hz", jack, s.port, c->rate);
  return !c->dead;
}

bool SimBackend::send(Conn* c, const std::string& msg) {
  if (c->dead) return false;
  if (::send(c->fd, msg.data(), msg.size(), MSG_DONTWAIT | MSG_NOSIGNAL) ==
      static_cast<ssize_t>(msg.size())) {
    c->send_failures = 0;
    return true;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK) {
    if (++c->send_failures >= kMaxSendFailures) drop(c, "phone is not reading", false);
  } else {
    drop(c, errno_text("send"), false);
  }
  return false;
}

void SimBackend::drop(Conn* c, const std::string& reason, bool tell_peer) {
  if (c->dead) return;
  c->dead = true;
  if (tell_peer) {
    std::string e = encode_error(reason.substr(0, kMaxTextMessage - 2));
    (void)::send(c->fd, e.data(), e.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  const bool normal = reason == "phone disconnected" || reason == "owsip is stopping";
  if (c->jack >= 0) {
    log::write(normal ? log::kInfo : log::kWarning, kTag, "jack %d: %s", c->jack, reason.c_str());
    jack_conn_[c->jack] = nullptr;
    lines_[c->jack]->detach();
  } else {
    log::write(normal ? log::kInfo : log::kWarning, kTag, "unidentified phone: %s",
               reason.c_str());
  }
  c->watch.close();
  c->hello_timer.cancel();
  ::close(c->fd);
  c->fd = -1;
  reap_timer_.start(0, [this] { reap(); });
}

void SimBackend::reap() {
  conns_.erase(std::remove_if(conns_.begin(), conns_.end(),
                              [](const std::unique_ptr<Conn>& c) { return c->dead; }),
               conns_.end());
}

}  // namespace owsip::line::sim
