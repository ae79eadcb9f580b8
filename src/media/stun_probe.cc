#include "media/stun_probe.h"

#include <netdb.h>
#include <sys/socket.h>

#include <random>

#include "core/log.h"

namespace owsip::media {
namespace {

constexpr const char* kTag = "stun";
constexpr int kAttempts = 4;  // sent at 0, 0.5, 1.5, 3.5 s

std::optional<std::string> resolve(const std::string& host) {
  struct addrinfo hints {};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  struct addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res) return std::nullopt;
  char text[NI_MAXHOST] = "";
  const int err = getnameinfo(res->ai_addr, res->ai_addrlen, text, sizeof text, nullptr, 0,
                              NI_NUMERICHOST);
  freeaddrinfo(res);
  if (err != 0) return std::nullopt;
  return std::string(text);
}

}  // namespace

StunProbe::StunProbe(Loop& loop, std::string bind_ip, std::string server, uint16_t port)
    : loop_(loop), bind_ip_(std::move(bind_ip)), server_(std::move(server)), port_(port), timer_(loop) {}

StunProbe::~StunProbe() { watch_.close(); }

void StunProbe::start() {
  auto s = UdpSocket::open(bind_ip_, 0);
  if (!s) {
    log::err(kTag, "no socket for STUN on %s: %s", bind_ip_.c_str(), s.message().c_str());
    return;
  }
  socket_ = std::move(*s);
  if (Status w = watch_.watch(socket_.fd(), FdWatch::kRead, [this](int) { on_readable(); }); !w) {
    log::err(kTag, "%s", w.message().c_str());
    return;
  }
  probe();
}

std::optional<std::string> StunProbe::public_ip() const {
  if (!public_ip_ || loop_.clock().now_ms() - learned_at_ms_ > 2 * kRefreshMs) return std::nullopt;
  return public_ip_;
}

void StunProbe::probe() {
  auto ip = resolve(server_);
  if (!ip) {
    log::warn(kTag, "cannot resolve STUN server %s; trying again in %llu s", server_.c_str(),
              static_cast<unsigned long long>(kRetryMs / 1000));
    timer_.start(kRetryMs, [this] { probe(); });
    return;
  }
  server_addr_ = NetAddress{*ip, port_};
  std::random_device rd;
  for (auto& b : id_) b = static_cast<uint8_t>(rd());
  attempt_ = 0;
  transmit();
}

void StunProbe::transmit() {
  if (attempt_ == kAttempts) {
    log::warn(kTag, "no answer from STUN server %s; trying again in %llu s",
              server_addr_.text().c_str(), static_cast<unsigned long long>(kRetryMs / 1000));
    timer_.start(kRetryMs, [this] { probe(); });
    return;
  }
  (void)socket_.send(stun_binding_request(id_), server_addr_);
  const uint64_t wait = 500ull << attempt_;
  ++attempt_;
  timer_.start(wait, [this] { transmit(); });
}

void StunProbe::on_readable() {
  uint8_t buf[1500];
  NetAddress from;
  ssize_t n;
  while ((n = socket_.receive(buf, from)) >= 0) {
    if (from != server_addr_ || static_cast<size_t>(n) > sizeof buf) continue;
    auto mapped = stun_mapped_address(std::span<const uint8_t>(buf, static_cast<size_t>(n)), id_);
    if (!mapped) {
      log::debug(kTag, "ignored a reply from %s: %s", from.text().c_str(), mapped.message().c_str());
      continue;
    }
    if (public_ip_ != mapped->ip)
      log::notice(kTag, "public address %s (local %s), from %s", mapped->ip.c_str(),
                  bind_ip_.c_str(), server_addr_.text().c_str());
    public_ip_ = mapped->ip;
    learned_at_ms_ = loop_.clock().now_ms();
    timer_.start(kRefreshMs, [this] { probe(); });
  }
}

}  // namespace owsip::media
