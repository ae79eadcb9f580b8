#include "app/options.h"

namespace owsip::app {

std::string usage() {
  return "usage: owsip [-c FILE] [-f] [--syslog] [-v LEVEL] [--sysfs-root DIR] [--log-timestamps]\n"
         "             [--check-config] [--schema] [--version] [--help]\n"
         "  -c, --config FILE  telephony config (default /etc/config/telephony)\n"
         "  -f, --foreground   stay in the foreground and log to stderr (default: daemon, syslog)\n"
         "  --syslog           log to syslog (ident owsip) also in the foreground (procd)\n"
         "  -v, --verbose N    log level 0..7, overriding general.log_level\n"
         "  --sysfs-root DIR   where LEDs and relay GPIOs are found (default /sys)\n"
         "  --log-timestamps   prefix log lines with the monotonic time in ms ([12345.678])\n"
         "  --check-config     validate the config, print the effective values and exit\n"
         "                     (exit 0 if valid, 1 with every error as FILE:LINE: message)\n"
         "  --schema           print the table of config options (Markdown) and exit\n"
         "  --version          print the version and exit\n"
         "  -h, --help         print this help and exit\n"
         "signals: SIGHUP reloads the config (a bad file keeps the running one),\n"
         "         SIGTERM/SIGINT stop cleanly\n";
}

Result<Options> parse_options(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* what) -> const std::string* {
      if (i + 1 >= args.size()) return nullptr;
      (void)what;
      return &args[++i];
    };
    if (a == "-c" || a == "--config") {
      const std::string* v = value("FILE");
      if (!v) return Status::error(a + " needs a file name");
      o.config_path = *v;
    } else if (a.rfind("--config=", 0) == 0) {
      o.config_path = a.substr(9);
    } else if (a == "-f" || a == "--foreground") {
      o.foreground = true;
    } else if (a == "--syslog") {
      o.syslog = true;
    } else if (a == "-v" || a == "--verbose") {
      const std::string* v = value("LEVEL");
      if (!v || v->size() != 1 || (*v)[0] < '0' || (*v)[0] > '7')
        return Status::error(a + " needs a log level 0..7");
      o.log_level = (*v)[0] - '0';
    } else if (a == "--sysfs-root") {
      const std::string* v = value("DIR");
      if (!v || v->empty()) return Status::error(a + " needs a directory");
      o.sysfs_root = *v;
    } else if (a == "--log-timestamps") {
      o.log_timestamps = true;
    } else if (a == "--check-config") {
      o.check_config = true;
    } else if (a == "--schema") {
      o.show_schema = true;
    } else if (a == "--version" || a == "-V") {
      o.show_version = true;
    } else if (a == "-h" || a == "--help") {
      o.show_help = true;
    } else {
      return Status::error("unknown argument '" + a + "'");
    }
  }
  if (o.config_path.empty()) return Status::error("the config file name is empty");
  return o;
}

}  // namespace owsip::app
