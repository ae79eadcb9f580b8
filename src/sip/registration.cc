#include "sip/registration.h"

#include <algorithm>
#include <array>
#include <memory>
#include <random>

#include "core/log.h"

namespace owsip::sip {
namespace {

constexpr uint32_t kMaxExpires = 86400;
constexpr uint32_t kBackoffFirstS = 4;
constexpr uint32_t kBackoffMaxS = 300;
constexpr double kJitter = 0.2;  // a retry comes up to 20 % early, so accounts drift apart

std::string seconds_from(uint64_t at_ms, uint64_t now_ms) {
  uint64_t s = at_ms > now_ms ? (at_ms - now_ms + 999) / 1000 : 0;
  return std::to_string(s) + " s";
}

Registration::Random default_random() {
  auto engine = std::make_shared<std::minstd_rand>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace

// The declared machine: which state takes which event and may enter which state.
struct RegistrationTable {
  using R = RegState;
  using E = RegEvent;
  using State = FsmState<Registration, R, E, const RegEventArg*>;
  static constexpr std::array<State, 7> kStates = {{
      {.id = R::kIdle, .name = "IDLE", .in_events = bits(E::start, E::suspend),
       .out_states = bits(R::kRegistering, R::kDisabled, R::kFailed),
       .action = &Registration::idle_event},
      {.id = R::kDisabled, .name = "DISABLED"},
      {.id = R::kRegistering, .name = "REGISTERING",
       .in_events = bits(E::answer, E::suspend, E::restart),
       .out_states = bits(R::kRegistering, R::kRegistered, R::kFailed),
       .action = &Registration::registering_event},
      {.id = R::kRegistered, .name = "REGISTERED",
       .in_events = bits(E::answer, E::retry, E::suspend, E::restart, E::flow_failed),
       .out_states = bits(R::kRegistered, R::kRegistering, R::kFailed),
       .action = &Registration::registered_event},
      {.id = R::kFailed, .name = "FAILED", .in_events = bits(E::retry, E::suspend, E::restart),
       .out_states = bits(R::kRegistering, R::kFailed), .action = &Registration::failed_event},
      {.id = R::kUnregistering, .name = "UNREGISTERING", .in_events = bits(E::answer),
       .out_states = bits(R::kStopped), .action = &Registration::unregistering_event},
      {.id = R::kStopped, .name = "STOPPED"},
  }};
  static constexpr FsmSpec<Registration, R, E, const RegEventArg*> kSpec = {
      .kind = "registration",
      .states = kStates,
      .event_name = reg_event_name,
      .event_count = static_cast<unsigned>(E::stop) + 1,
      .initial = R::kIdle,
      .all_state_events = bits(E::stop),
      .all_state_next = bits(R::kUnregistering, R::kStopped),
      .all_state_action = &Registration::stop_event,
  };
};

const FsmSpec<Registration, RegState, RegEvent, const RegEventArg*>& registration_fsm_spec() {
  return RegistrationTable::kSpec;
}

std::string_view reg_state_name(RegState s) {
  return RegistrationTable::kStates[static_cast<size_t>(s)].name;
}

std::string_view reg_event_name(RegEvent e) {
  switch (e) {
    case RegEvent::start: return "START";
    case RegEvent::answer: return "ANSWER";
    case RegEvent::retry: return "RETRY";
    case RegEvent::suspend: return "SUSPEND";
    case RegEvent::restart: return "RESTART";
    case RegEvent::flow_failed: return "FLOW_FAILED";
    case RegEvent::stop: return "STOP";
  }
  return "?";
}

std::string AccountStatus::describe(uint64_t now_ms) const {
  switch (state) {
    case RegState::kIdle: return "not started";
    case RegState::kDisabled: return "disabled";
    case RegState::kRegistering: return "registering";
    case RegState::kRegistered:
      return "registered as " + contact + " for " + seconds_from(registered_until_ms, now_ms) +
             " more";
    case RegState::kFailed: {
      std::string out = "failed: ";
      out += code ? std::to_string(code) + " " + reason : reason;
      out += retry_at_ms ? "; retry in " + seconds_from(retry_at_ms, now_ms)
                         : "; waiting for the network";
      return out;
    }
    case RegState::kUnregistering: return "unregistering";
    case RegState::kStopped: return "stopped";
  }
  return "?";
}

Registration::Registration(TimerQueue& timers, RegisterSender& sender,
                           RegistrationSettings settings, Random random)
    : timers_(timers),
      sender_(sender),
      settings_(std::move(settings)),
      random_(random ? std::move(random) : default_random()),
      timer_(timers),
      keepalive_timer_(timers),
      done_timer_(timers),
      expires_(std::clamp<uint32_t>(settings_.expires, 1, kMaxExpires)),
      fsm_(*this, RegistrationTable::kSpec, timers, nullptr, "sip.acct{" + settings_.name + "}") {
  fsm_.set_observer([this](RegState from, RegState to) { on_state_change(from, to); });
}

Registration::~Registration() {
  if (in_flight_) sender_.cancel();
}

uint32_t Registration::refresh_delay_s(uint32_t granted_s) {
  if (granted_s >= 120) return granted_s - 60;
  return std::max<uint32_t>(granted_s / 2, 1);
}

uint32_t Registration::backoff_s(int consecutive_failures) {
  uint32_t s = kBackoffFirstS;
  for (int i = 1; i < consecutive_failures && s < kBackoffMaxS; ++i) s *= 2;
  return std::min(s, kBackoffMaxS);
}

std::string Registration::tag() const { return "sip.acct{" + settings_.name + "}"; }

// Every state change: the status line in the log, then the change handler.
void Registration::on_state_change(RegState from, RegState to) {
  status_.state = to;
  const uint64_t now = timers_.clock().now_ms();
  const std::string line = status_.describe(now);
  if (from == to && to == RegState::kRegistered) {
    log::info(tag(), "refreshed: %s", line.c_str());
  } else if (to == RegState::kFailed) {
    log::write(status_.code >= 300 ? log::kErr : log::kWarning, tag(), "%s", line.c_str());
  } else {
    log::notice(tag(), "%s", line.c_str());
  }
  if (on_change_) on_change_(status_);
}

void Registration::start() { fsm_.dispatch(RegEvent::start); }

void Registration::idle_event(RegEvent e, Arg arg) {
  if (e == RegEvent::suspend) return do_suspend(arg ? arg->why : "");
  if (settings_.disabled) {
    fsm_.transition(RegState::kDisabled);
    return;
  }
  send_register();
  fsm_.transition(RegState::kRegistering);
}

void Registration::registering_event(RegEvent e, Arg arg) {
  switch (e) {
    case RegEvent::answer: return arg && arg->result ? on_result(*arg->result) : void();
    case RegEvent::suspend: return do_suspend(arg ? arg->why : "");
    case RegEvent::restart: return do_restart(arg ? arg->why : "");
    default: return;
  }
}

void Registration::registered_event(RegEvent e, Arg arg) {
  switch (e) {
    case RegEvent::answer: return arg && arg->result ? on_result(*arg->result) : void();
    case RegEvent::retry: return send_register();  // the refresh; the state stays
    case RegEvent::suspend: return do_suspend(arg ? arg->why : "");
    case RegEvent::restart: return do_restart(arg ? arg->why : "");
    case RegEvent::flow_failed:
      if (in_flight_) return;  // the request in flight finds out by itself
      log::warn(tag(), "connection to the registrar lost (%s): registering again",
                std::string(arg ? arg->why : "").c_str());
      timer_.cancel();
      keepalive_timer_.cancel();
      send_register();
      fsm_.transition(RegState::kRegistering);
      return;
    default: return;
  }
}

void Registration::failed_event(RegEvent e, Arg arg) {
  switch (e) {
    case RegEvent::retry:
      send_register();
      fsm_.transition(RegState::kRegistering);
      return;
    case RegEvent::suspend: return do_suspend(arg ? arg->why : "");
    case RegEvent::restart: return do_restart(arg ? arg->why : "");
    default: return;
  }
}

void Registration::unregistering_event(RegEvent, Arg arg) {
  if (arg && arg->result) on_unregistered(*arg->result);
}

void Registration::send(const RegisterRequest& req) {
  in_flight_ = true;
  sender_.send(req, [this](const RegisterResult& r) {
    in_flight_ = false;
    const RegEventArg arg{&r, {}};
    fsm_.dispatch(RegEvent::answer, &arg);  // REGISTERING, REGISTERED or UNREGISTERING take it
  });
}

void Registration::send_register() {
  RegisterRequest req;
  req.expires = expires_;
  req.contact = learned_;
  req.remove = remove_;
  send(req);
}

void Registration::on_result(const RegisterResult& r) {
  if (!r.contact.host.empty()) last_contact_ = r.contact;
  if (r.code >= 200 && r.code < 300) return on_registered(r);
  if (r.code == 423 && r.min_expires > expires_ && r.min_expires <= kMaxExpires) {
    log::notice(tag(), "registrar wants at least %u s (asked %u s): asking again", r.min_expires,
                expires_);
    expires_ = r.min_expires;
    send_register();
    return;
  }
  on_failure(r.code, r.reason, r.retry_after);
}

void Registration::on_registered(const RegisterResult& r) {
  const uint64_t now = timers_.clock().now_ms();
  const uint32_t granted = r.expires ? r.expires : expires_;
  failures_ = 0;
  remove_.clear();
  may_hold_binding_ = true;
  binding_until_ms_ = now + uint64_t{granted} * 1000;
  status_.registered_until_ms = binding_until_ms_;
  status_.contact = r.contact_uri;
  status_.code = 0;
  status_.reason.clear();
  status_.retry_at_ms = 0;

  if (settings_.learn_contact && r.seen_as && *r.seen_as != r.contact && !learned_this_round_) {
    fsm_.transition(RegState::kRegistered);
    log::notice(tag(), "registrar sees us at %s, our Contact said %s: registering that address",
                r.seen_as->to_string().c_str(), r.contact.to_string().c_str());
    remove_.push_back(r.contact);
    learned_ = r.seen_as;
    learned_this_round_ = true;
    send_register();
    return;
  }
  learned_this_round_ = false;
  timer_.start(uint64_t{refresh_delay_s(granted)} * 1000,
               [this] { fsm_.dispatch(RegEvent::retry); });
  fsm_.transition(RegState::kRegistered);
  schedule_keepalive();
}

void Registration::on_failure(int code, std::string reason, uint32_t retry_after_s) {
  ++failures_;
  keepalive_timer_.cancel();
  uint64_t delay_ms;
  if (retry_after_s > 0) {
    delay_ms = uint64_t{std::min(retry_after_s, kMaxExpires)} * 1000;
  } else {
    const double jitter = 1.0 - kJitter * std::clamp(random_(), 0.0, 1.0);
    delay_ms = static_cast<uint64_t>(backoff_s(failures_) * 1000.0 * jitter);
  }
  status_.code = code;
  status_.reason = reason.empty() ? "no reason given" : std::move(reason);
  status_.retry_at_ms = timers_.clock().now_ms() + delay_ms;
  timer_.start(delay_ms, [this] { fsm_.dispatch(RegEvent::retry); });
  fsm_.transition(RegState::kFailed);
}

void Registration::on_unregistered(const RegisterResult& r) {
  if (r.code >= 200 && r.code < 300)
    log::info(tag(), "binding removed (%d %s)", r.code, r.reason.c_str());
  else
    log::warn(tag(), "removing the binding failed: %s%s; it ends by itself when it expires",
              r.code ? (std::to_string(r.code) + " ").c_str() : "", r.reason.c_str());
  finish_stop();
}

void Registration::schedule_keepalive() {
  if (settings_.keepalive_s == 0) return;
  keepalive_timer_.start(uint64_t{settings_.keepalive_s} * 1000, [this] {
    if (status_.state != RegState::kRegistered) return;
    sender_.keepalive();
    schedule_keepalive();
  });
}

void Registration::cancel_activity() {
  if (in_flight_) sender_.cancel();
  in_flight_ = false;
  timer_.cancel();
  keepalive_timer_.cancel();
}

void Registration::suspend(std::string reason) {
  const RegEventArg arg{nullptr, reason};
  fsm_.dispatch(RegEvent::suspend, &arg);
}

void Registration::do_suspend(std::string_view reason) {
  cancel_activity();
  status_.code = 0;
  status_.reason = std::string(reason);
  status_.retry_at_ms = 0;
  fsm_.transition(RegState::kFailed);
}

void Registration::restart(std::string_view why) {
  const RegEventArg arg{nullptr, why};
  fsm_.dispatch(RegEvent::restart, &arg);
}

void Registration::do_restart(std::string_view why) {
  // The registrar may have taken the request in flight: its contact is removed too.
  const std::optional<HostPort> sent = in_flight_ ? sender_.contact_in_flight() : std::nullopt;
  cancel_activity();
  const uint64_t now = timers_.clock().now_ms();
  auto remove = [this](const HostPort& c) {
    if (!c.host.empty() && std::find(remove_.begin(), remove_.end(), c) == remove_.end())
      remove_.push_back(c);
  };
  if (may_hold_binding_ && now < binding_until_ms_) remove(last_contact_);
  if (sent) remove(*sent);
  learned_.reset();
  learned_this_round_ = false;
  failures_ = 0;
  log::notice(tag(), "registering anew: %s", std::string(why).c_str());
  send_register();
  fsm_.transition(RegState::kRegistering);
}

void Registration::on_flow_failed(std::string_view why) {
  const RegEventArg arg{nullptr, why};
  fsm_.dispatch(RegEvent::flow_failed, &arg);
}

void Registration::stop(std::function<void()> done) {
  if (status_.state == RegState::kUnregistering) return;  // already on its way
  on_stopped_ = std::move(done);
  fsm_.dispatch(RegEvent::stop);
}

void Registration::stop_event(RegEvent, Arg) {
  if (status_.state == RegState::kStopped) return finish_stop();
  timer_.cancel();
  keepalive_timer_.cancel();
  const uint64_t now = timers_.clock().now_ms();
  const bool may_hold = in_flight_ || (may_hold_binding_ && now < binding_until_ms_);
  if (in_flight_) sender_.cancel();
  in_flight_ = false;
  if (!may_hold) {
    finish_stop();
    return;
  }
  RegisterRequest req;
  req.expires = 0;
  req.contact = learned_;
  req.remove = remove_;
  if (!last_contact_.host.empty() && learned_ != last_contact_ &&
      std::find(req.remove.begin(), req.remove.end(), last_contact_) == req.remove.end())
    req.remove.push_back(last_contact_);
  send(req);
  fsm_.transition(RegState::kUnregistering);
}

void Registration::finish_stop() {
  if (status_.state != RegState::kStopped) fsm_.transition(RegState::kStopped);
  // From the loop: the owner may destroy this object in `done`.
  done_timer_.start(0, [this] {
    auto cb = std::move(on_stopped_);
    on_stopped_ = nullptr;
    if (cb) cb();
  });
}

}  // namespace owsip::sip
