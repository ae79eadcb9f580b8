#pragma once
// The daemon: owns the running configuration and (as later layers land) the objects built from
// it. Reload parses and validates the new file first; a bad file changes nothing.

#include <functional>
#include <optional>
#include <string>

#include "config/diff.h"
#include "config/schema.h"
#include "core/loop.h"

namespace owsip::app {

class Daemon {
 public:
  // `log_level_override` >= 0 wins over general.log_level.
  Daemon(Loop& loop, config::Environment env, std::string config_path, int log_level_override);

  // Loads the config; on errors returns them all (one per line) and starts nothing.
  Status start();
  // Re-reads the config file. Returns false (and keeps the running config) when it is bad.
  bool reload();
  // Stops cleanly (later: un-REGISTER, hang up calls) and ends the loop.
  void stop();

  const config::Telephony& config() const { return *config_; }
  // Tests: observe each applied change.
  void set_on_applied(std::function<void(const config::ConfigDiff&)> cb) { on_applied_ = std::move(cb); }

 private:
  void apply(const config::Telephony& next, const config::ConfigDiff& diff);

  Loop& loop_;
  config::Environment env_;
  std::string config_path_;
  int log_level_override_;
  std::optional<config::Telephony> config_;
  std::function<void(const config::ConfigDiff&)> on_applied_;
};

// Every diagnostic as "file:line: message", one per line.
std::string format_diagnostics(const config::Diagnostics& diags);

}  // namespace owsip::app
