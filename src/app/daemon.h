#pragma once
// The daemon: owns the running configuration and the objects built from it (line backend,
// ports, relays, the switchboard joining ports to the SIP call layer, the call log). Reload parses and validates the new file first; a bad file changes nothing.
// A good one is applied as a difference: relays are switched individually; the line backend is
// rebuilt only when its settings change, and never under a port that is busy (the rebuild
// waits until every port is idle).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/diff.h"
#include "config/schema.h"
#include "core/loop.h"
#include "line/backend.h"
#include "line/sysfs.h"
#include "app/call_log.h"
#include "media/port_allocator.h"
#include "phone/port.h"
#include "phone/services.h"
#include "phone/switchboard.h"
#include "sip/call_manager.h"
#include "sip/mwi_client.h"
#include "voicemail/answering_machine.h"
#include "sip/sip_service.h"

namespace owsip::app {

struct DaemonOptions {
  std::string config_path;
  int log_level_override = -1;  // >= 0 wins over general.log_level
  std::string sysfs_root = "/sys";
};

class DaemonControl;

class Daemon {
 public:
  Daemon(Loop& loop, config::Environment env, DaemonOptions options);
  ~Daemon();

  // Loads the config and builds everything; on config errors returns them all (one per line).
  Status start();
  // Re-reads the config file. When it is bad, keeps the running config and returns every
  // error (one "file:line: message" per line).
  Status reload();
  // Stops cleanly and ends the loop: lines first, then the SIP accounts un-register (the
  // loop keeps running until their answers are in, at most a few seconds). A second stop()
  // ends the loop at once.
  void stop();

  const config::Telephony& config() const { return *config_; }
  line::LineBackend* backend() { return backend_.get(); }
  phone::Port* port(int id);
  std::vector<phone::Port*> ports();
  sip::SipService* sip() { return sip_.get(); }
  sip::CallManager* calls() { return calls_.get(); }
  sip::MwiClient* mwi() { return mwi_.get(); }
  voicemail::AnsweringMachineService* answering_machine() { return machine_.get(); }
  phone::Switchboard* switchboard() { return board_.get(); }
  phone::Services* services() { return services_.get(); }
  const CallLog& call_log() const { return call_log_; }
  // Tests: observe each applied change.
  void set_on_applied(std::function<void(const config::ConfigDiff&)> cb) { on_applied_ = std::move(cb); }

 private:
  void apply(const config::Telephony& next, const config::ConfigDiff& diff);
  Status build_lines();
  void teardown_lines();
  void apply_relays(const config::ConfigDiff& diff);
  bool all_ports_idle() const;
  void maybe_rebuild();
  void start_calls();
  void on_call_record(sip::CallManager::RecordEvent e, const sip::CallRecord& r);
  // Each port's message waiting: its answering machine's new messages and its accounts'
  // provider voicemail (an account bound to no port lights every port).
  void update_message_waiting();

  Loop& loop_;
  config::Environment env_;
  DaemonOptions options_;
  line::Sysfs sysfs_;
  std::optional<config::Telephony> config_;
  std::unique_ptr<line::LineBackend> backend_;
  std::unique_ptr<phone::DialPlan> plan_;  // before ports_: they point to it
  std::unique_ptr<phone::Services> services_;  // before ports_ and board_: they point to it
  std::unique_ptr<voicemail::AnsweringMachineService> machine_;  // before board_: it points to it
  std::unique_ptr<phone::Switchboard> board_;  // before ports_: they point to it
  std::vector<std::unique_ptr<phone::Port>> ports_;
  std::vector<std::unique_ptr<line::GpioRelay>> relays_;
  std::unique_ptr<sip::SipService> sip_;
  std::unique_ptr<media::RtpPortAllocator> rtp_ports_;
  std::unique_ptr<sip::CallManager> calls_;
  std::unique_ptr<sip::MwiClient> mwi_;  // after calls_: told when its event socket goes
  CallLog call_log_;
  std::unique_ptr<DaemonControl> control_;
  bool stopping_ = false;
  bool rebuild_pending_ = false;
  Timer rebuild_timer_;
  std::function<void(const config::ConfigDiff&)> on_applied_;
};

// Every diagnostic as "file:line: message", one per line.
std::string format_diagnostics(const config::Diagnostics& diags);

}  // namespace owsip::app
