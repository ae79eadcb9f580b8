#pragma once
// Command-line options of the owsip daemon.

#include <string>
#include <vector>

#include "core/status.h"

namespace owsip::app {

struct Options {
  std::string config_path = "/etc/config/telephony";
  bool foreground = false;    // -f: stay in the foreground, log to stderr
  bool syslog = false;        // --syslog: log to syslog even in the foreground (procd)
  bool check_config = false;  // --check-config: validate, print the effective config, exit
  bool show_version = false;
  bool show_help = false;
  bool log_timestamps = false;  // --log-timestamps: monotonic ms before every log line
  bool show_schema = false;   // --schema: print the option table (Markdown) and exit
  int log_level = -1;         // -v N overrides general.log_level; -1 = from the config
  std::string sysfs_root = "/sys";  // --sysfs-root: where LEDs and GPIOs are (tests: a temp dir)
};

Result<Options> parse_options(const std::vector<std::string>& args);
std::string usage();

}  // namespace owsip::app
