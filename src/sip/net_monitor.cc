#include "sip/net_monitor.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"

namespace owsip::sip {

namespace {
constexpr const char* kTag = "sip.net";
constexpr uint64_t kSettleMs = 300;  // a PPPoE reconnect sends a burst: link, address, route
}  // namespace

LinuxNetworkMonitor::LinuxNetworkMonitor(TimerQueue& timers) : settle_(timers) {}

LinuxNetworkMonitor::~LinuxNetworkMonitor() {
  watch_.close();
  if (fd_ >= 0) ::close(fd_);
}

Status LinuxNetworkMonitor::start() {
  fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd_ < 0) return Status::error(std::string("rtnetlink socket: ") + std::strerror(errno));
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
                 RTMGRP_IPV6_ROUTE;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    Status s = Status::error(std::string("rtnetlink bind: ") + std::strerror(errno));
    ::close(fd_);
    fd_ = -1;
    return s;
  }
  return watch_.watch(fd_, FdWatch::kRead, [this](int) { on_readable(); });
}

void LinuxNetworkMonitor::on_readable() {
  char buf[8192];
  int messages = 0;
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) ++messages;  // overrun: something changed, we lost the details
      break;
    }
    if (n == 0) break;
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, static_cast<size_t>(n));
         h = NLMSG_NEXT(h, n)) {
      switch (h->nlmsg_type) {
        case RTM_NEWADDR:
        case RTM_DELADDR:
        case RTM_NEWLINK:
        case RTM_DELLINK:
        case RTM_NEWROUTE:
        case RTM_DELROUTE:
          ++messages;
          break;
        default:
          break;
      }
    }
  }
  if (messages == 0) return;
  log::debug(kTag, "%d rtnetlink change(s)", messages);
  if (!settle_.active())
    settle_.start(kSettleMs, [this] {
      if (on_change_) on_change_();
    });
}

std::optional<std::string> LinuxNetworkMonitor::address_of(const std::string& ifname) const {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::string> v4, v6;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || !a->ifa_name || ifname != a->ifa_name) continue;
    if (!(a->ifa_flags & IFF_UP)) continue;
    char text[INET6_ADDRSTRLEN] = "";
    if (a->ifa_addr->sa_family == AF_INET && !v4) {
      auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
      if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) v4 = text;
    } else if (a->ifa_addr->sa_family == AF_INET6 && !v6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(a->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr)) continue;
      if (inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text)) v6 = text;
    }
  }
  freeifaddrs(list);
  return v4 ? v4 : v6;
}

std::optional<std::string> LinuxNetworkMonitor::default_source_address() const {
  // connect() on a datagram socket only picks the route and source address; nothing is sent.
  // 192.0.2.1 (TEST-NET-1) stands for "somewhere on the Internet".
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(9);
  inet_pton(AF_INET, "192.0.2.1", &dst.sin_addr);
  std::optional<std::string> out;
  sockaddr_in src{};
  socklen_t len = sizeof src;
  char text[INET_ADDRSTRLEN] = "";
  if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&src), &len) == 0 &&
      inet_ntop(AF_INET, &src.sin_addr, text, sizeof text))
    out = text;
  ::close(fd);
  return out;
}

}  // namespace owsip::sip
