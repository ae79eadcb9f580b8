#include "app/daemon.h"

#include "core/log.h"

namespace owsip::app {

namespace {
constexpr const char* kTag = "app";
}

std::string format_diagnostics(const config::Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags) out += d.to_string() + "\n";
  return out;
}

Daemon::Daemon(Loop& loop, config::Environment env, std::string config_path,
               int log_level_override)
    : loop_(loop),
      env_(std::move(env)),
      config_path_(std::move(config_path)),
      log_level_override_(log_level_override) {}

Status Daemon::start() {
  config::LoadResult r = config::load_telephony_file(config_path_, env_);
  if (!r.ok()) return Status::error(format_diagnostics(r.diagnostics));
  for (const auto& d : r.diagnostics) log::warn(kTag, "%s", d.to_string().c_str());
  config::Telephony empty;
  config::ConfigDiff initial = config::diff(empty, *r.config);
  apply(*r.config, initial);
  log::notice(kTag, "started with %s: %zu account(s), %zu port section(s), %zu contact(s)",
              config_path_.c_str(), config_->accounts.size(), config_->ports.size(),
              config_->contacts.size());
  return Status::ok();
}

bool Daemon::reload() {
  config::LoadResult r = config::load_telephony_file(config_path_, env_);
  if (!r.ok()) {
    for (const auto& d : r.diagnostics)
      log::write(d.is_error() ? log::kErr : log::kWarning, kTag, "%s", d.to_string().c_str());
    log::err(kTag, "reload of %s refused: keeping the running configuration",
             config_path_.c_str());
    return false;
  }
  for (const auto& d : r.diagnostics) log::warn(kTag, "%s", d.to_string().c_str());
  config::ConfigDiff d = config::diff(*config_, *r.config);
  log::notice(kTag, "reload of %s: %s", config_path_.c_str(), d.summary().c_str());
  apply(*r.config, d);
  return true;
}

void Daemon::apply(const config::Telephony& next, const config::ConfigDiff& diff) {
  config::register_secrets(next);
  log::set_level(log_level_override_ >= 0 ? log_level_override_ : next.general.log_level);
  config_ = next;
  if (on_applied_) on_applied_(diff);
}

void Daemon::stop() {
  log::notice(kTag, "stopping");
  loop_.stop();
}

}  // namespace owsip::app
