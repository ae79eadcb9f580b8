#include "media/udp_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace owsip::media {

namespace {

bool to_sockaddr(const std::string& ip, uint16_t port, sockaddr_storage& ss, socklen_t& len) {
  std::memset(&ss, 0, sizeof ss);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

NetAddress from_sockaddr(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = "";
  NetAddress a;
  if (ss.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
    a.port = ntohs(v4->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
    a.port = ntohs(v6->sin6_port);
  }
  a.ip = buf;
  return a;
}

}  // namespace

Result<UdpSocket> UdpSocket::open(const std::string& ip, uint16_t port) {
  sockaddr_storage ss;
  socklen_t len = 0;
  if (!to_sockaddr(ip, port, ss, len)) return Status::error("not a numeric address: '" + ip + "'");
  const int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::error(std::string("socket: ") + std::strerror(errno));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::error("bind " + NetAddress{ip, port}.text() + ": " + std::strerror(err));
  }
  sockaddr_storage bound;
  socklen_t blen = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  return UdpSocket(fd, from_sockaddr(bound).port);
}

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

UdpSocket::UdpSocket(UdpSocket&& o) noexcept : fd_(o.fd_), port_(o.port_) {
  o.fd_ = -1;
}

UdpSocket& UdpSocket::operator=(UdpSocket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    port_ = o.port_;
    o.fd_ = -1;
  }
  return *this;
}

ssize_t UdpSocket::receive(std::span<uint8_t> buf, NetAddress& from) {
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  const ssize_t n =
      ::recvfrom(fd_, buf.data(), buf.size(), MSG_TRUNC, reinterpret_cast<sockaddr*>(&ss), &len);
  if (n < 0) return -1;
  from = from_sockaddr(ss);
  return n;
}

Status UdpSocket::send(std::span<const uint8_t> data, const NetAddress& to) {
  sockaddr_storage ss;
  socklen_t len = 0;
  if (!to_sockaddr(to.ip, to.port, ss, len))
    return Status::error("not a numeric address: '" + to.ip + "'");
  if (::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) < 0)
    return Status::error("send to " + to.text() + ": " + std::strerror(errno));
  return Status::ok();
}

void UdpSocket::set_dscp(int dscp) {
  const int tos = dscp << 2;
  // Best effort: a kernel or address family without it just sends unmarked.
  (void)setsockopt(fd_, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  (void)setsockopt(fd_, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
}

}  // namespace owsip::media
