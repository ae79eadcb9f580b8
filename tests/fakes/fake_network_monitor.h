#pragma once
// A NetworkMonitor whose interfaces, addresses and default route the test sets; change() is
// the rtnetlink signal.

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "sip/net_monitor.h"

namespace owsip::testing {

class FakeNetworkMonitor final : public sip::NetworkMonitor {
 public:
  std::optional<std::string> address_of(const std::string& ifname) const override {
    auto it = addresses_.find(ifname);
    if (it == addresses_.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> default_source_address() const override { return default_; }
  void set_change_handler(std::function<void()> cb) override { on_change_ = std::move(cb); }

  // The interface's address; nullopt: it has none (or does not exist).
  void set_address(const std::string& ifname, std::optional<std::string> address) {
    if (address)
      addresses_[ifname] = *address;
    else
      addresses_.erase(ifname);
  }
  void set_default_source(std::optional<std::string> address) { default_ = std::move(address); }
  // Addresses or links changed: the handler runs, as LinuxNetworkMonitor's does from the loop.
  void change() {
    if (on_change_) on_change_();
  }
  bool has_handler() const { return static_cast<bool>(on_change_); }

 private:
  std::map<std::string, std::string> addresses_;
  std::optional<std::string> default_;
  std::function<void()> on_change_;
};

}  // namespace owsip::testing
