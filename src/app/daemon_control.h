#pragma once
// The daemon's side of the control interface: answers owsipctl's commands from the running
// objects and publishes events (port states, registration changes) to `watch` clients.

#include <memory>
#include <string>

#include "core/timer.h"
#include "ctl/commands.h"
#include "ctl/ctl_server.h"
#include "phone/port.h"
#include "sip/call_manager.h"
#include "sip/registration.h"

namespace owsip::app {

class Daemon;

class DaemonControl final : public ctl::Control {
 public:
  DaemonControl(Loop& loop, Daemon& daemon);
  ~DaemonControl() override;

  // (Re)opens the control socket per the config; failures are logged, not fatal.
  void listen(const std::string& path, const std::string& group);
  void publish_port(const phone::Port& port, phone::PortState from, phone::PortState to);
  // A call started, changed state or ended (`record` is its call_record_json()).
  void publish_call(sip::CallManager::RecordEvent e, const Json& record);

  Json status() override;
  Json accounts() override;
  Json ports() override;
  Json calls() override;
  Json call_log(size_t max_records) override;
  Json timers() override;
  Result<Json> reload() override;
  Result<Json> set_log_level(int level) override;
  Result<Json> hangup(int port) override;
  Result<Json> messages(int port) override;
  Result<Json> play_message(const std::string& id) override;
  Result<Json> delete_message(const std::string& id) override;
  // An account's registration changed: to the watchers.
  void publish_account(const std::string& key, const sip::AccountStatus& status);

 private:
  Loop& loop_;
  Daemon& daemon_;
  ctl::CtlServer server_;
  std::string path_, group_;
  uint64_t started_ms_;
};

}  // namespace owsip::app
