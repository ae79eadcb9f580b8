#include "app/daemon.h"

#include <algorithm>

#include "app/daemon_control.h"
#include "core/clock.h"
#include "core/log.h"

namespace owsip::app {

namespace {
constexpr const char* kTag = "app";
}  // namespace

std::string format_diagnostics(const config::Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags) out += d.to_string() + "\n";
  return out;
}

Daemon::Daemon(Loop& loop, config::Environment env, DaemonOptions options)
    : loop_(loop),
      env_(std::move(env)),
      options_(std::move(options)),
      sysfs_(options_.sysfs_root),
      rebuild_timer_(loop) {}

Daemon::~Daemon() {
  if (sip_) sip_->set_change_handler(nullptr);
  control_.reset();
  teardown_lines();  // ports hang up their calls
  if (board_) board_->set_network(nullptr);
  if (board_) board_->set_answering_machine(nullptr);
  machine_.reset();  // its calls hang up before the call layer goes
  calls_.reset();
  mwi_.reset();
  board_.reset();
  sip_.reset();
  relays_.clear();
}

Status Daemon::start() {
  config::LoadResult r = config::load_telephony_file(options_.config_path, env_);
  if (!r.ok()) return Status::error(format_diagnostics(r.diagnostics));
  for (const auto& d : r.diagnostics) log::warn(kTag, "%s", d.to_string().c_str());
  config::Telephony empty;
  config::ConfigDiff initial = config::diff(empty, *r.config);
  config::register_secrets(*r.config);
  config_ = *r.config;
  log::set_level(options_.log_level_override >= 0 ? options_.log_level_override
                                                  : config_->general.log_level);
  services_ = std::make_unique<phone::Services>(config_->features);
  board_ = std::make_unique<phone::Switchboard>(loop_);
  board_->set_config(*config_);
  board_->set_services(services_.get());
  machine_ = std::make_unique<voicemail::AnsweringMachineService>(
      loop_, [this](int) { update_message_waiting(); });
  machine_->configure(*config_);
  board_->set_answering_machine(machine_.get());
  if (Status s = build_lines(); !s) return s;
  apply_relays(initial);
  sip_ = std::make_unique<sip::SipService>(loop_);
  // A SIP port that cannot be bound is not fatal: the lines work, the accounts say why they
  // cannot register, and binding is retried.
  if (Status s = sip_->start(*config_); !s) log::err(kTag, "%s", s.message().c_str());
  start_calls();
  control_ = std::make_unique<DaemonControl>(loop_, *this);
  control_->listen(config_->general.ctl_socket, config_->general.ctl_group);
  sip_->set_change_handler([this](const std::string& key, const sip::AccountStatus& st) {
    if (control_) control_->publish_account(key, st);
    if (mwi_) mwi_->on_account(key, st);
  });
  log::notice(kTag, "started with %s: %zu account(s), %zu port(s), %zu contact(s)",
              options_.config_path.c_str(), config_->accounts.size(), ports_.size(),
              config_->contacts.size());
  if (on_applied_) on_applied_(initial);
  return Status::ok();
}

void Daemon::start_calls() {
  call_log_.configure(config_->general.call_log,
                      static_cast<uint64_t>(config_->general.call_log_size) * 1024);
  rtp_ports_ = std::make_unique<media::RtpPortAllocator>(config_->general.rtp_port);
  calls_ = std::make_unique<sip::CallManager>(loop_, *sip_, *rtp_ports_);
  calls_->set_sink(board_.get());
  calls_->set_record_handler(
      [this](sip::CallManager::RecordEvent e, const sip::CallRecord& r) { on_call_record(e, r); });
  board_->set_network(calls_.get());
  mwi_ = std::make_unique<sip::MwiClient>(*sip_, loop_,
                                          [this](const std::string&, const sip::MessageSummary&) {
                                            update_message_waiting();
                                          });
  calls_->set_events_observer([this](sip::UserAgent* ua, struct ::sipevent_sock* events) {
    mwi_->on_stack(ua, events);
    if (ua) ua->set_request_hook([this](const struct ::sip_msg* m) { return mwi_->on_request(m); });
  });
}

void Daemon::update_message_waiting() {
  for (auto& p : ports_) {
    bool waiting = machine_ && machine_->new_messages(p->id()) > 0;
    for (const auto& a : config_->accounts)
      if (auto s = mwi_ ? mwi_->summary(a.key) : std::nullopt;
          !a.disabled && (a.port == p->id() || a.port < 0) && s && s->waiting)
        waiting = true;
    p->set_message_waiting(waiting);
  }
}

void Daemon::on_call_record(sip::CallManager::RecordEvent e, const sip::CallRecord& r) {
  const int64_t now = wall_clock_ms();
  Json rec = call_record_json(r, now);
  if (e == sip::CallManager::RecordEvent::ended) call_log_.append(rec);
  if (control_) control_->publish_call(e, rec);
}

// The options of the port with id `port` in `c` (defaults when it has no section).
static phone::PortOptions port_options(const config::Telephony& c, int port) {
  phone::PortOptions opts;
  if (const config::Port* p = line::port_section(c, port)) {
    opts.nodial = p->nodial;
    opts.callwaiting = p->callwaiting;
    opts.fax = p->fax;
  }
  return opts;
}

Status Daemon::reload() {
  config::LoadResult r = config::load_telephony_file(options_.config_path, env_);
  if (!r.ok()) {
    for (const auto& d : r.diagnostics)
      log::write(d.is_error() ? log::kErr : log::kWarning, kTag, "%s", d.to_string().c_str());
    log::err(kTag, "reload of %s refused: keeping the running configuration",
             options_.config_path.c_str());
    return Status::error(format_diagnostics(r.diagnostics));
  }
  for (const auto& d : r.diagnostics) log::warn(kTag, "%s", d.to_string().c_str());
  config::ConfigDiff d = config::diff(*config_, *r.config);
  log::notice(kTag, "reload of %s: %s", options_.config_path.c_str(), d.summary().c_str());
  apply(*r.config, d);
  return Status::ok();
}

void Daemon::apply(const config::Telephony& next, const config::ConfigDiff& diff) {
  config::register_secrets(next);
  log::set_level(options_.log_level_override >= 0 ? options_.log_level_override
                                                  : next.general.log_level);
  config_ = next;
  if (board_) board_->set_config(*config_);
  call_log_.configure(config_->general.call_log,
                      static_cast<uint64_t>(config_->general.call_log_size) * 1024);
  if (rtp_ports_) rtp_ports_->set_base(config_->general.rtp_port);
  plan_ = std::make_unique<phone::DialPlan>(*config_);
  if (services_) services_->configure(config_->features);
  if (machine_) machine_->configure(*config_);
  for (auto& p : ports_) p->reload(port_options(*config_, p->id()), plan_.get());
  apply_relays(diff);
  update_message_waiting();  // an account may serve other ports now
  if (sip_) sip_->apply(next, diff);
  if (control_) control_->listen(config_->general.ctl_socket, config_->general.ctl_group);
  if (diff.restart_lines) {
    rebuild_pending_ = true;
    if (!all_ports_idle())
      log::notice(kTag, "line settings changed: applied once every port is idle");
    maybe_rebuild();
  }
  if (on_applied_) on_applied_(diff);
}

bool Daemon::all_ports_idle() const {
  return std::all_of(ports_.begin(), ports_.end(), [](const auto& p) {
    return p->state() == phone::PortState::idle && !p->line().off_hook();
  });
}

void Daemon::maybe_rebuild() {
  if (!rebuild_pending_ || !all_ports_idle()) return;
  // Never from inside a line's callback: the line is about to be destroyed.
  rebuild_timer_.start(0, [this] {
    if (!rebuild_pending_ || !all_ports_idle()) return;
    rebuild_pending_ = false;
    log::notice(kTag, "rebuilding lines (backend %s)", config_->general.backend.c_str());
    teardown_lines();
    if (Status s = build_lines(); !s) log::err(kTag, "%s", s.message().c_str());
  });
}

Status Daemon::build_lines() {
  line::BackendContext ctx{loop_, *config_, sysfs_};
  auto b = line::create_backend(config_->general.backend, ctx);
  if (!b) return Status::error("backend " + config_->general.backend + ": " + b.message());
  backend_ = std::move(*b);
  for (line::Line* l : backend_->lines()) {
    auto port = std::make_unique<phone::Port>(*l, port_options(*config_, l->port()), loop_,
                                              config_->timers);
    if (!plan_) plan_ = std::make_unique<phone::DialPlan>(*config_);
    port->set_dial_plan(plan_.get());
    port->set_services(services_.get());
    if (board_) board_->add_port(*port);
    phone::Port* raw = port.get();
    raw->set_state_observer([this, raw](phone::PortState from, phone::PortState to) {
      if (control_) control_->publish_port(*raw, from, to);
    });
    l->set_event_handler([this, raw](const line::LineEvent& e) {
      raw->on_line_event(e);
      if (rebuild_pending_) maybe_rebuild();
    });
    ports_.push_back(std::move(port));
  }
  update_message_waiting();
  return Status::ok();
}

void Daemon::teardown_lines() {
  if (backend_)
    for (line::Line* l : backend_->lines()) l->set_event_handler(nullptr);
  if (board_)
    for (auto& p : ports_) board_->remove_port(*p);
  ports_.clear();
  backend_.reset();
}

void Daemon::apply_relays(const config::ConfigDiff& diff) {
  auto drop = [this](const std::string& key) {
    relays_.erase(std::remove_if(relays_.begin(), relays_.end(),
                                 [&](const auto& r) { return "gpio" + std::to_string(r->gpio()) == key; }),
                  relays_.end());
  };
  for (const auto& k : diff.relays.removed) drop(k);
  for (const auto& k : diff.relays.changed) drop(k);
  std::vector<std::string> start = diff.relays.added;
  start.insert(start.end(), diff.relays.changed.begin(), diff.relays.changed.end());
  for (const auto& r : config_->relays) {
    if (std::find(start.begin(), start.end(), r.key) == start.end()) continue;
    auto relay = std::make_unique<line::GpioRelay>(sysfs_, r.gpio, r.value);
    if (Status s = relay->engage(); !s) {
      log::err(kTag, "%s", s.message().c_str());
      continue;
    }
    relays_.push_back(std::move(relay));
  }
}

std::vector<phone::Port*> Daemon::ports() {
  std::vector<phone::Port*> out;
  for (auto& p : ports_) out.push_back(p.get());
  return out;
}

phone::Port* Daemon::port(int id) {
  for (auto& p : ports_)
    if (p->id() == id) return p.get();
  return nullptr;
}

void Daemon::stop() {
  if (stopping_) {
    log::notice(kTag, "stopping now");
    loop_.stop();
    return;
  }
  stopping_ = true;
  log::notice(kTag, "stopping");
  control_.reset();
  teardown_lines();  // ports hang up: BYE and CANCEL go out before the un-REGISTERs
  if (board_) board_->set_network(nullptr);
  calls_.reset();
  relays_.clear();
  if (!sip_) {
    loop_.stop();
    return;
  }
  sip_->stop([this] { loop_.stop(); });
}

}  // namespace owsip::app
