#pragma once
// The SIP side of the daemon: one UserAgent and the config's accounts, kept in step with the
// configuration and the network.
//
// Reload applies the config diff: an added account registers, a removed one un-registers, a
// changed one un-registers and then registers as configured now (unless only its FXS port or
// default flag changed), an unchanged one is not touched (it keeps its registration). A change of
// what the user agent is built from (a general option the schema marks Restart::kSipStack, or the
// first/last TLS account) un-registers every account, rebuilds the user agent and registers them
// all again. stop() un-registers everything (bounded in time) before reporting done, so the daemon
// can keep its loop running until the un-REGISTERs are out.
//
// Single-threaded; must be destroyed before the Loop.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/diff.h"
#include "config/telephony.h"
#include "core/loop.h"
#include "sip/account.h"
#include "sip/inbound_filter.h"
#include "sip/net_monitor.h"
#include "sip/user_agent.h"

namespace owsip::sip {

// The user agent settings a configuration asks for.
UserAgentSettings user_agent_settings(const config::Telephony& config);
// The `stun` section's server for the user agent (UserAgent::set_stun), if there is one.
std::optional<StunServer> stun_server(const config::Telephony& config);

class SipService {
 public:
  // `net` defaults to the Linux monitor (rtnetlink).
  explicit SipService(Loop& loop, std::unique_ptr<NetworkMonitor> net = nullptr);
  ~SipService();
  SipService(const SipService&) = delete;
  SipService& operator=(const SipService&) = delete;

  // Builds the user agent and starts every account. Errors: the SIP stack could not be made
  // or its ports bound.
  Status start(const config::Telephony& config);
  void apply(const config::Telephony& next, const config::ConfigDiff& diff);
  // Un-registers every account (waiting at most `max_wait_ms` for the answers), closes the
  // stack, then runs `done` from the loop.
  void stop(std::function<void()> done, uint64_t max_wait_ms = 3000);

  // For the control interface: every account (section name, status), in config order.
  std::vector<std::pair<std::string, AccountStatus>> accounts() const;
  // Runs after every state change of any account (also of one being removed), from the loop.
  using ChangeHandler = std::function<void(const std::string& key, const AccountStatus&)>;
  void set_change_handler(ChangeHandler h) { on_change_ = std::move(h); }
  const Account* account(const std::string& key) const;
  // The enabled accounts as requests from outside are matched to them (ghost-call protection:
  // inbound_filter.h), for INVITEs and unsolicited NOTIFYs alike.
  std::vector<InboundAccount> inbound_accounts() const;
  UserAgent* user_agent() { return ua_.get(); }
  const config::Telephony& config() const { return config_; }
  // Told of each new user agent once it started, and with nullptr just before the user agent
  // goes (rebuild, stop): the call layer listens on it and ends its calls before it goes.
  void set_stack_observer(std::function<void(UserAgent*)> o) { on_stack_ = std::move(o); }

 private:
  Status build();
  void drop_user_agent();
  void reconcile(const std::string& key);
  void retire(const std::string& key);
  void retire_all(std::function<void()> then, uint64_t max_wait_ms);
  void rebuild();
  Account* active(const std::string& key);
  bool retiring(const std::string& key) const;

  Loop& loop_;
  std::unique_ptr<NetworkMonitor> net_;
  config::Telephony config_;
  std::unique_ptr<UserAgent> ua_;
  std::vector<std::unique_ptr<Account>> accounts_;  // config order
  std::vector<std::unique_ptr<Account>> retiring_;  // un-registering, then destroyed
  bool rebuilding_ = false;
  bool stopping_ = false;
  std::function<void()> after_retire_;
  ChangeHandler on_change_;
  std::function<void(UserAgent*)> on_stack_;
  Timer retire_deadline_;
  Timer defer_;
};

}  // namespace owsip::sip
