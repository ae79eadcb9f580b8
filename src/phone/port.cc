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
  }
  return "?";
}

struct PortTable {
  using State = FsmState<Port, S, E>;
  static constexpr std::array<State, 5> kStates = {{
      {S::idle, "IDLE", bits(E::off_hook), bits(S::dial_tone, S::congestion), "",
       &Port::enter_idle, &Port::idle_event},
      {S::dial_tone, "DIAL_TONE", bits(E::digit, E::on_hook, E::flash, E::timeout),
       bits(S::dialing, S::idle, S::congestion), "dial_tone_timeout", &Port::enter_dial_tone,
       &Port::dial_tone_event},
      {S::dialing, "DIALING", bits(E::digit, E::on_hook, E::flash, E::timeout),
       bits(S::idle, S::congestion), "interdigit", &Port::enter_dialing,
       &Port::dialing_event},
      {S::congestion, "CONGESTION", bits(E::on_hook, E::timeout, E::digit, E::flash),
       bits(S::idle, S::parked), "off_hook_warning", &Port::enter_congestion,
       &Port::waiting_for_on_hook_event},
      {S::parked, "PARKED", bits(E::on_hook, E::digit, E::flash), bits(S::idle), "",
       &Port::enter_parked, &Port::waiting_for_on_hook_event},
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
  line_.stop_tone();
  number_.clear();
}

void Port::enter_dial_tone() {
  number_.clear();
  line_.play_tone(line::ToneKind::dial);
}

void Port::enter_dialing() { line_.stop_tone(); }

void Port::enter_congestion() { line_.play_tone(line::ToneKind::congestion); }

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
      if (router_ && router_(d.target)) return;
      log::notice(fsm_.name(), "no route for %s", number_.c_str());
      fsm_.transition(S::congestion);
      return;
  }
}

}  // namespace owsip::phone
