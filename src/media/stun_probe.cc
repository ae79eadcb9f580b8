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

StunProbe::StunProbe(TimerQueue& timers, std::string local, std::string server, uint16_t port, Send send)
    : timers_(timers),
      local_(std::move(local)),
      server_(std::move(server)),
      port_(port),
      send_(std::move(send)),
      timer_(timers) {}

void StunProbe::start() { probe(); }

std::optional<NetAddress> StunProbe::public_address() const {
  if (!public_ || timers_.clock().now_ms() - learned_at_ms_ > 2 * kRefreshMs) return std::nullopt;
  return public_;
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
  waiting_ = true;
  transmit();
}

void StunProbe::transmit() {
  if (attempt_ == kAttempts) {
    waiting_ = false;
    log::warn(kTag, "no answer from STUN server %s; trying again in %llu s",
              server_addr_.text().c_str(), static_cast<unsigned long long>(kRetryMs / 1000));
    timer_.start(kRetryMs, [this] { probe(); });
    return;
  }
  if (!send_(stun_binding_request(id_), server_addr_))
    log::debug(kTag, "cannot send to STUN server %s", server_addr_.text().c_str());
  const uint64_t wait = 500ull << attempt_;
  ++attempt_;
  timer_.start(wait, [this] { transmit(); });
}

bool StunProbe::on_packet(std::span<const uint8_t> packet, const NetAddress& from) {
  if (!waiting_ || from != server_addr_ || !is_stun(packet)) return false;
  auto mapped = stun_mapped_address(packet, id_);
  if (!mapped) {
    log::debug(kTag, "ignored a reply from %s: %s", from.text().c_str(), mapped.message().c_str());
    return false;
  }
  waiting_ = false;
  const bool changed = public_ != *mapped;
  if (changed)
    log::notice(kTag, "public address %s (local %s), from %s", mapped->text().c_str(),
                local_.c_str(), server_addr_.text().c_str());
  public_ = *mapped;
  learned_at_ms_ = timers_.clock().now_ms();
  timer_.start(kRefreshMs, [this] { probe(); });
  if (changed && changed_) changed_(*public_);
  return true;
}

}  // namespace owsip::media
