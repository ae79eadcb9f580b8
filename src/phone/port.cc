#include "phone/port.h"

#include <array>

namespace owsip::phone {

using S = PortState;
using E = PortEvent;

std::string_view port_event_name(PortEvent e) {
  switch (e) {
    case E::off_hook: return "OFF_HOOK";
    case E::on_hook: return "ON_HOOK";
    case E::flash: return "FLASH";
    case E::digit: return "DIGIT";
    case E::timeout: return "TIMEOUT";
    case E::ringing: return "RINGING";
    case E::early_media: return "EARLY_MEDIA";
    case E::answered: return "ANSWERED";
    case E::busy: return "BUSY";
    case E::failed: return "FAILED";
    case E::remote_hangup: return "REMOTE_HANGUP";
  }
  return "?";
}

struct PortTable {
  using State = FsmState<Port, S, E>;
  static constexpr uint64_t kCallSetupEvents =
      bits(E::on_hook, E::flash, E::digit, E::ringing, E::early_media, E::answered, E::busy,
           E::failed, E::remote_hangup);
  static constexpr uint64_t kCallSetupNext =
      bits(S::idle, S::ringback, S::early_media, S::connected, S::busy, S::congestion);
  static constexpr std::array<State, 10> kStates = {{
      {S::idle, "IDLE", bits(E::off_hook), bits(S::dial_tone, S::congestion), "",
       &Port::enter_idle, &Port::idle_event},
      {S::dial_tone, "DIAL_TONE", bits(E::digit, E::on_hook, E::flash, E::timeout),
       bits(S::dialing, S::idle, S::congestion), "dial_tone_timeout", &Port::enter_dial_tone,
       &Port::dial_tone_event},
      {S::dialing, "DIALING", bits(E::digit, E::on_hook, E::flash, E::timeout),
       bits(S::idle, S::congestion, S::calling), "interdigit", &Port::enter_dialing,
       &Port::dialing_event},
      {S::congestion, "CONGESTION", bits(E::on_hook, E::timeout, E::digit, E::flash),
       bits(S::idle, S::parked), "off_hook_warning", &Port::enter_congestion,
       &Port::waiting_for_on_hook_event},
      {S::parked, "PARKED", bits(E::on_hook, E::digit, E::flash), bits(S::idle), "",
       &Port::enter_parked, &Port::waiting_for_on_hook_event},
      {S::calling, "CALLING", kCallSetupEvents, kCallSetupNext, "", &Port::enter_calling,
       &Port::call_setup_event},
      {S::ringback, "RINGBACK", kCallSetupEvents, kCallSetupNext, "", &Port::enter_ringback,
       &Port::call_setup_event},
      {S::early_media, "EARLY_MEDIA", kCallSetupEvents, kCallSetupNext, "", &Port::enter_talking,
       &Port::call_setup_event},
      {S::connected, "CONNECTED", bits(E::on_hook, E::flash, E::digit, E::remote_hangup),
       bits(S::idle, S::busy), "", &Port::enter_talking, &Port::connected_event},
      {S::busy, "BUSY", bits(E::on_hook, E::timeout, E::digit, E::flash),
       bits(S::idle, S::parked), "off_hook_warning", &Port::enter_busy,
       &Port::waiting_for_on_hook_event},
  }};
};

Port::Port(line::Line& line, PortOptions options, TimerQueue& timers,
           const TimerValues& timer_values)
    : line_(line),
      options_(options),
      fsm_(*this, PortTable::kStates, port_event_name, E::timeout, timers, timer_values,
           "port" + std::to_string(line.port()), S::idle) {}

Port::~Port() = default;

void Port::on_line_event(const line::LineEvent& e) {
  using K = line::LineEvent::Kind;
  switch (e.kind) {
    case K::off_hook: fsm_.dispatch(E::off_hook); break;
    case K::on_hook: fsm_.dispatch(E::on_hook); break;
    case K::flash: fsm_.dispatch(E::flash); break;
    case K::digit: fsm_.dispatch(E::digit, e.digit); break;
    case K::fax_tone: break;  // fax handling arrives with T.38
  }
}

void Port::enter_idle() {
  call_.reset();  // CANCEL or BYE if a call is still up
  line_.stop_tone();
  number_.clear();
}

void Port::enter_dial_tone() {
  number_.clear();
  line_.play_tone(line::ToneKind::dial);
}

void Port::enter_dialing() { line_.stop_tone(); }

void Port::enter_congestion() {
  call_.reset();
  line_.play_tone(line::ToneKind::congestion);
}

void Port::enter_busy() {
  call_.reset();
  line_.play_tone(line::ToneKind::busy);
}

void Port::enter_calling() { line_.stop_tone(); }

void Port::enter_ringback() { line_.play_tone(line::ToneKind::ringback); }

// Early media and a connected call: the far end's audio, no local tone.
void Port::enter_talking() { line_.stop_tone(); }

void Port::call_setup_event(E e, char) {
  switch (e) {
    case E::on_hook: fsm_.transition(S::idle); return;
    case E::ringing:
      if (fsm_.state() == S::calling) fsm_.transition(S::ringback);
      return;
    case E::early_media:
      if (fsm_.state() != S::early_media) fsm_.transition(S::early_media);
      return;
    case E::answered: fsm_.transition(S::connected); return;
    case E::busy: fsm_.transition(S::busy); return;
    case E::failed:
    case E::remote_hangup: fsm_.transition(S::congestion); return;
    default: return;  // digits and flash before the answer go nowhere
  }
}

void Port::connected_event(E e, char arg) {
  switch (e) {
    case E::on_hook: fsm_.transition(S::idle); return;
    case E::digit:
      if (call_) call_->send_dtmf(arg);
      return;
    case E::remote_hangup: fsm_.transition(S::busy); return;
    default: return;  // flash: call waiting and hold come with incoming calls
  }
}

void Port::on_call_progress(int code, bool early_media) {
  log::info(fsm_.name(), "call progress %d%s", code, early_media ? " with media" : "");
  fsm_.dispatch(early_media ? E::early_media : E::ringing);
}

void Port::on_call_answered() { fsm_.dispatch(E::answered); }

void Port::on_call_ended(const CallEnd& end) {
  log::notice(fsm_.name(), "call ended: %d %s", end.code, end.reason.c_str());
  if (end.remote_hangup) fsm_.dispatch(E::remote_hangup);
  else if (end.code == 486 || end.code == 600) fsm_.dispatch(E::busy);
  else fsm_.dispatch(E::failed);
}

void Port::place(const DialTarget& target) {
  auto call = calls_->place(id(), target, line_, *this);
  if (!call) {
    log::notice(fsm_.name(), "cannot call %s: %s", target.target.c_str(), call.message().c_str());
    fsm_.transition(S::congestion);
    return;
  }
  call_ = std::move(*call);
  log::info(fsm_.name(), "calling %s", call_->describe().c_str());
  fsm_.transition(S::calling);
}

void Port::enter_parked() { line_.stop_tone(); }

void Port::idle_event(E e, char) {
  if (e == E::off_hook) fsm_.transition(options_.nodial ? S::congestion : S::dial_tone);
}

void Port::dial_tone_event(E e, char arg) {
  switch (e) {
    case E::digit:
      number_ += arg;
      fsm_.transition(S::dialing);
      evaluate(false);
      return;
    case E::on_hook: fsm_.transition(S::idle); return;
    case E::timeout: fsm_.transition(S::congestion); return;
    default: return;  // a flash on dial tone changes nothing
  }
}

void Port::dialing_event(E e, char arg) {
  switch (e) {
    case E::digit:
      if (arg == '#' && !number_.empty()) return evaluate(true);
      number_ += arg;
      fsm_.restart_timer();
      return evaluate(false);
    case E::timeout: return evaluate(true);
    case E::on_hook: fsm_.transition(S::idle); return;
    default: return;
  }
}

void Port::waiting_for_on_hook_event(E e, char) {
  if (e == E::on_hook) fsm_.transition(S::idle);
  else if (e == E::timeout) fsm_.transition(S::parked);
}

void Port::evaluate(bool finished) {
  DialDecision d;
  if (plan_) {
    d = plan_->decide(number_, finished, id());
  } else if (finished) {
    d.status = DialDecision::Status::invalid;
    d.reason = "no dial plan";
  }
  switch (d.status) {
    case DialDecision::Status::need_more:
      return;
    case DialDecision::Status::invalid:
      log::notice(fsm_.name(), "%s: %s", number_.c_str(), d.reason.c_str());
      fsm_.transition(S::congestion);
      return;
    case DialDecision::Status::dial:
      log::notice(fsm_.name(), "dialled %s%s%s", number_.c_str(),
                  d.target.contact.empty() ? "" : " = ", d.target.contact.c_str());
      if (calls_) return place(d.target);
      if (router_ && router_(d.target)) return;
      log::notice(fsm_.name(), "no route for %s", number_.c_str());
      fsm_.transition(S::congestion);
      return;
  }
}

}  // namespace owsip::phone
