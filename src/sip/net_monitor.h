#pragma once
// The network as the SIP stack sees it: the address of the interface named by
// general.interface (or of the default route), and a signal when addresses, links or routes
// change (a PPPoE reconnect, DHCP renewing with another address, the interface going down).
// Linux reads addresses with getifaddrs and hears changes on an rtnetlink socket watched by
// the loop.

#include <functional>
#include <optional>
#include <string>

#include "core/loop.h"
#include "core/status.h"
#include "core/timer.h"

namespace owsip::sip {

class NetworkMonitor {
 public:
  virtual ~NetworkMonitor() = default;
  // The address to bind for interface `ifname`: its first IPv4 address, else its first global
  // IPv6 address; nullopt when the interface does not exist, is down or has none.
  virtual std::optional<std::string> address_of(const std::string& ifname) const = 0;
  // The source address the kernel would use towards the Internet (the default route's
  // interface); nullopt without a default route. Found without sending anything.
  virtual std::optional<std::string> default_source_address() const = 0;
  // `cb` runs from the loop shortly after addresses or links changed (bursts are merged).
  virtual void set_change_handler(std::function<void()> cb) = 0;
};

class LinuxNetworkMonitor final : public NetworkMonitor {
 public:
  explicit LinuxNetworkMonitor(TimerQueue& timers);
  ~LinuxNetworkMonitor() override;
  LinuxNetworkMonitor(const LinuxNetworkMonitor&) = delete;
  LinuxNetworkMonitor& operator=(const LinuxNetworkMonitor&) = delete;

  // Opens the rtnetlink socket. On failure addresses can still be read, but changes go unseen.
  Status start();

  std::optional<std::string> address_of(const std::string& ifname) const override;
  std::optional<std::string> default_source_address() const override;
  void set_change_handler(std::function<void()> cb) override { on_change_ = std::move(cb); }

 private:
  void on_readable();

  int fd_ = -1;
  FdWatch watch_;
  Timer settle_;  // merges a burst of netlink messages into one change
  std::function<void()> on_change_;
};

}  // namespace owsip::sip
