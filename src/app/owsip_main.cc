// owsip: SIP daemon for the FXS ports of OpenWrt routers.

#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "app/daemon.h"
#include "app/environment.h"
#include "app/options.h"
#include "config/schema.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/version.h"

using namespace owsip;

namespace {

int check_config(const app::Options& opts, const config::Environment& env) {
  config::LoadResult r = config::load_telephony_file(opts.config_path, env);
  std::fputs(app::format_diagnostics(r.diagnostics).c_str(), stderr);
  if (!r.ok()) return 1;
  std::fputs(config::format_effective(*r.config).c_str(), stdout);
  return 0;
}

// --help, --version, --schema, --check-config: an exit status; nullopt for the daemon.
std::optional<int> one_shot(const app::Options& opts, const config::Environment& env) {
  if (opts.show_help) {
    std::fputs(app::usage().c_str(), stdout);
    return 0;
  }
  if (opts.show_version) {
    std::printf("owsip %s\n", kVersion);
    return 0;
  }
  if (opts.show_schema) {
    std::fputs(config::format_schema_markdown(env).c_str(), stdout);
    return 0;
  }
  if (opts.check_config) return check_config(opts, env);
  return std::nullopt;
}

// Logging as asked; in the background, detached once the config is known to load. False
// (reported) when owsip cannot go on.
bool set_up_process(const app::Options& opts, const config::Environment& env) {
  if (opts.log_level >= 0) log::set_level(opts.log_level);
  if (opts.syslog) log::set_sink(log::Sink::kSyslog);
  log::set_timestamps(opts.log_timestamps);
  if (opts.foreground) return true;
  // Refuse a bad config while stderr still reaches the user, before detaching.
  config::LoadResult pre = config::load_telephony_file(opts.config_path, env);
  if (!pre.ok()) {
    std::fputs(app::format_diagnostics(pre.diagnostics).c_str(), stderr);
    return false;
  }
  log::set_sink(log::Sink::kSyslog);
  if (daemon(0, 0) != 0) {
    std::perror("owsip: daemon");
    return false;
  }
  return true;
}

// Every error of a failed start on its own line, as file:line: message.
void log_start_error(const Status& s) {
  std::string msg = s.message();
  size_t start = 0;
  for (size_t nl; (nl = msg.find('\n', start)) != std::string::npos; start = nl + 1)
    log::err("config", "%s", msg.substr(start, nl - start).c_str());
  if (start < msg.size()) log::err("app", "%s", msg.substr(start).c_str());  // the last line
}

}  // namespace

int main(int argc, char** argv) {
  auto opts = app::parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!opts) {
    std::fprintf(stderr, "owsip: %s\n%s", opts.message().c_str(), app::usage().c_str());
    return 2;
  }
  config::Environment env = app::make_environment();
  if (auto exit_status = one_shot(*opts, env)) return *exit_status;
  if (!set_up_process(*opts, env)) return 1;

  Loop loop;
  if (Status s = loop.init(); !s) {
    log::err("app", "%s", s.message().c_str());
    return 1;
  }
  app::Daemon daemon(loop, env, {opts->config_path, opts->log_level, opts->sysfs_root});
  if (Status s = daemon.start(); !s) {
    log_start_error(s);
    return 1;
  }
  if (Status s = loop.handle_signals([&] { daemon.stop(); }, [&] { daemon.reload(); }); !s) {
    log::err("app", "%s", s.message().c_str());
    return 1;
  }
  log::notice("app", "owsip %s running (backend %s)", kVersion,
              daemon.config().general.backend.c_str());
  Status s = loop.run();
  if (!s) {
    log::err("app", "%s", s.message().c_str());
    return 1;
  }
  log::notice("app", "stopped");
  return 0;
}
