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
    case E::incoming: return "INCOMING";
    case E::withdrawn: return "WITHDRAWN";
    case E::held_hangup: return "HELD_HANGUP";
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
  // Tones that wait for on-hook; a call may still wait behind them (its caller is kept).
  static constexpr uint64_t kWaitingForOnHookEvents =
      bits(E::on_hook, E::timeout, E::digit, E::flash, E::withdrawn);
  static constexpr uint64_t kAfterHangUp = bits(S::idle, S::ringing, S::recall);
  static constexpr std::array<State, 15> kStates = {{
      {S::idle, "IDLE", bits(E::off_hook, E::incoming), bits(S::dial_tone, S::congestion, S::ringing),
       "", &Port::enter_idle, &Port::idle_event},
      {S::dial_tone, "DIAL_TONE", bits(E::digit, E::on_hook, E::flash, E::timeout),
       bits(S::dialing, S::idle, S::congestion), "dial_tone_timeout", &Port::enter_dial_tone,
       &Port::dial_tone_event},
      {S::dialing, "DIALING", bits(E::digit, E::on_hook, E::flash, E::timeout),
       bits(S::idle, S::congestion, S::calling), "interdigit", &Port::enter_dialing,
       &Port::dialing_event},
      {S::congestion, "CONGESTION", kWaitingForOnHookEvents, kAfterHangUp | bits(S::parked),
       "off_hook_warning", &Port::enter_congestion, &Port::waiting_for_on_hook_event},
      {S::parked, "PARKED", bits(E::on_hook, E::digit, E::flash, E::withdrawn), kAfterHangUp, "",
       &Port::enter_parked, &Port::waiting_for_on_hook_event},
      {S::calling, "CALLING", kCallSetupEvents, kCallSetupNext, "", &Port::enter_calling,
       &Port::call_setup_event},
      {S::ringback, "RINGBACK", kCallSetupEvents, kCallSetupNext, "", &Port::enter_ringback,
       &Port::call_setup_event},
      {S::early_media, "EARLY_MEDIA", kCallSetupEvents, kCallSetupNext, "", &Port::enter_talking,
       &Port::call_setup_event},
      {S::connected, "CONNECTED",
       bits(E::on_hook, E::flash, E::digit, E::remote_hangup, E::incoming),
       bits(S::idle, S::busy, S::waiting), "", &Port::enter_talking, &Port::connected_event},
      {S::busy, "BUSY", kWaitingForOnHookEvents, kAfterHangUp | bits(S::parked, S::connected),
       "off_hook_warning", &Port::enter_busy, &Port::waiting_for_on_hook_event},
      {S::ringing, "RINGING", bits(E::off_hook, E::withdrawn), bits(S::connected, S::idle, S::congestion),
       "", &Port::enter_ringing, &Port::ringing_event},
      {S::waiting, "WAITING",
       bits(E::on_hook, E::flash, E::digit, E::remote_hangup, E::withdrawn),
       bits(S::two_calls, S::connected, S::ringing, S::busy), "", &Port::enter_waiting,
       &Port::waiting_event},
      {S::two_calls, "TWO_CALLS",
       bits(E::on_hook, E::flash, E::digit, E::remote_hangup, E::held_hangup),
       bits(S::recall, S::holding, S::connected), "", &Port::enter_two_calls,
       &Port::two_calls_event},
      {S::holding, "HOLDING", bits(E::on_hook, E::flash, E::digit, E::remote_hangup),
       bits(S::recall, S::connected, S::busy), "", &Port::enter_holding, &Port::holding_event},
      {S::recall, "RECALL", bits(E::off_hook, E::timeout, E::remote_hangup),
       bits(S::connected, S::idle), "recall", &Port::enter_recall, &Port::recall_event},
  }};
};

Port::Port(line::Line& line, PortOptions options, TimerQueue& timers,
           const TimerValues& timer_values)
    : line_(line),
      options_(options),
      fsm_(*this, PortTable::kStates, port_event_name, E::timeout, timers, timer_values,
           "port" + std::to_string(line.port()), S::idle) {
  for (int i = 0; i < 2; ++i) {
    legs_[i].port = this;
    legs_[i].index = i;
  }
}

Port::~Port() {
  // Calls first (their destructors hang up), then the offered call is given back.
  legs_[0].call.reset();
  legs_[1].call.reset();
  if (offered_ && desk_) desk_->release(*this, *offered_);
}

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

// --- call legs ---------------------------------------------------------------------------

void Port::Leg::on_call_progress(int code, bool early_media) {
  if (index != port->active_) return;
  log::info(port->fsm_.name(), "call progress %d%s", code, early_media ? " with media" : "");
  port->fsm_.dispatch(early_media ? E::early_media : E::ringing);
}

void Port::Leg::on_call_answered() {
  if (index == port->active_) port->fsm_.dispatch(E::answered);
}

void Port::Leg::on_call_ended(const CallEnd& end) { port->leg_ended(*this, end); }

void Port::leg_ended(const Leg& leg, const CallEnd& end) {
  log::notice(fsm_.name(), "%s call ended: %d %s", leg.index == active_ ? "active" : "held",
              end.code, end.reason.c_str());
  if (leg.index != active_) fsm_.dispatch(E::held_hangup);
  else if (end.remote_hangup) fsm_.dispatch(E::remote_hangup);
  else if (end.code == 486 || end.code == 600) fsm_.dispatch(E::busy);
  else fsm_.dispatch(E::failed);
}

// --- offered calls -----------------------------------------------------------------------

bool Port::offer(IncomingCall& call, const line::dsp::CallerId& cid) {
  if (offered_) return false;
  const S s = fsm_.state();
  const bool can_ring = s == S::idle && !line_.off_hook() && line_.present();
  const bool can_wait = s == S::connected && options_.callwaiting && !other().call;
  if (!can_ring && !can_wait) return false;
  offered_ = &call;
  offered_cid_ = cid;
  log::info(fsm_.name(), "offered %s", call.describe().c_str());
  fsm_.dispatch(E::incoming);
  return true;
}

void Port::withdraw(IncomingCall& call) {
  if (offered_ != &call) return;
  offered_ = nullptr;
  fsm_.dispatch(E::withdrawn);
}

void Port::release_offered() {
  IncomingCall* c = offered_;
  offered_ = nullptr;
  if (c && desk_) desk_->release(*this, *c);
}

bool Port::answer_offered() {
  IncomingCall* c = offered_;
  offered_ = nullptr;
  if (!c || !desk_) return false;
  Leg& leg = other();
  auto call = desk_->take(*this, *c, leg);
  if (!call) {
    log::notice(fsm_.name(), "cannot answer: %s", call.message().c_str());
    return false;
  }
  leg.call = std::move(*call);
  active_ = leg.index;
  log::notice(fsm_.name(), "answered %s", leg.call->describe().c_str());
  return true;
}

void Port::hang_up_active() {
  active().call.reset();  // BYE or CANCEL
  if (other().call) {
    active_ = 1 - active_;  // the held call becomes the one the port rings for
    fsm_.transition(S::recall);
  } else if (offered_) {
    fsm_.transition(S::ringing);
  } else {
    fsm_.transition(S::idle);
  }
}

void Port::hang_up() {
  switch (fsm_.state()) {
    case S::idle: return;
    case S::ringing:
      release_offered();
      fsm_.transition(S::idle);
      return;
    case S::recall:
      active().call.reset();
      fsm_.transition(S::idle);
      return;
    default:
      // As on-hook, but the phone may still be off hook: it hears the busy tone.
      release_offered();
      other().call.reset();
      active().call.reset();
      if (line_.off_hook()) fsm_.transition(S::busy);
      else fsm_.transition(S::idle);
  }
}

// --- on-enter actions ----------------------------------------------------------------------

void Port::enter_idle() {
  active().call.reset();  // CANCEL or BYE if a call is still up
  other().call.reset();
  line_.stop_ring();
  line_.stop_tone();
  number_.clear();
}

void Port::enter_dial_tone() {
  number_.clear();
  line_.play_tone(line::ToneKind::dial);
}

void Port::enter_dialing() { line_.stop_tone(); }

void Port::enter_congestion() {
  active().call.reset();
  line_.play_tone(line::ToneKind::congestion);
}

void Port::enter_busy() {
  active().call.reset();
  line_.play_tone(line::ToneKind::busy);
}

void Port::enter_calling() { line_.stop_tone(); }

void Port::enter_ringback() { line_.play_tone(line::ToneKind::ringback); }

// Early media and a connected call: the far end's audio, no local tone.
void Port::enter_talking() { line_.stop_tone(); }

void Port::enter_parked() { line_.stop_tone(); }

void Port::enter_ringing() {
  line_.stop_tone();
  line_.ring(offered_cid_);
}

void Port::enter_waiting() {
  line_.play_tone(line::ToneKind::call_waiting);
  line_.send_offhook_cid(offered_cid_);
}

void Port::enter_two_calls() { line_.stop_tone(); }

void Port::enter_holding() { line_.stop_tone(); }

void Port::enter_recall() {
  line_.stop_tone();
  line_.ring(std::nullopt);
}

// --- actions -------------------------------------------------------------------------------

void Port::idle_event(E e, char) {
  if (e == E::incoming) fsm_.transition(S::ringing);
  else if (e == E::off_hook) fsm_.transition(options_.nodial ? S::congestion : S::dial_tone);
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
  if (e == E::on_hook) hang_up_active();
  else if (e == E::timeout) fsm_.transition(S::parked);
  else if (e == E::flash && offered_ && fsm_.state() == S::busy && answer_offered())
    fsm_.transition(S::connected);  // the call that waited while the other one ended
  // withdrawn: offered_ is already cleared; the tone goes on
}

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
    case E::on_hook: return hang_up_active();
    case E::digit:
      if (active().call) active().call->send_dtmf(arg);
      return;
    case E::remote_hangup: fsm_.transition(S::busy); return;
    case E::incoming: fsm_.transition(S::waiting); return;
    default: return;  // a flash without a second call does nothing
  }
}

void Port::ringing_event(E e, char) {
  if (e == E::withdrawn) {
    fsm_.transition(S::idle);
    return;
  }
  // off-hook: answer
  fsm_.transition(answer_offered() ? S::connected : S::congestion);
}

void Port::waiting_event(E e, char arg) {
  switch (e) {
    case E::flash: {
      Leg& was_active = active();
      if (was_active.call) was_active.call->hold(true);
      if (answer_offered()) {
        fsm_.transition(S::two_calls);
      } else {
        if (was_active.call) was_active.call->hold(false);
        fsm_.transition(S::connected);
      }
      return;
    }
    case E::on_hook: return hang_up_active();  // the waiting call rings
    case E::digit:
      if (active().call) active().call->send_dtmf(arg);
      return;
    case E::remote_hangup: fsm_.transition(S::busy); return;  // flash or on-hook takes the waiting one
    case E::withdrawn: fsm_.transition(S::connected); return;
    default: return;
  }
}

void Port::two_calls_event(E e, char arg) {
  switch (e) {
    case E::flash:
      active().call->hold(true);
      active_ = 1 - active_;
      active().call->hold(false);
      log::notice(fsm_.name(), "swapped: now talking to %s, holding %s",
                  active().call->describe().c_str(), other().call->describe().c_str());
      return;
    case E::on_hook: return hang_up_active();  // recall for the held call
    case E::digit: active().call->send_dtmf(arg); return;
    case E::remote_hangup:
      active().call.reset();
      active_ = 1 - active_;
      fsm_.transition(S::holding);
      return;
    case E::held_hangup:
      other().call.reset();
      fsm_.transition(S::connected);
      return;
    default: return;
  }
}

void Port::holding_event(E e, char) {
  switch (e) {
    case E::flash:
      active().call->hold(false);
      fsm_.transition(S::connected);
      return;
    case E::on_hook: fsm_.transition(S::recall); return;
    case E::remote_hangup:  // the held call, which sits in the active leg here
      fsm_.transition(S::busy);
      return;
    default: return;
  }
}

void Port::recall_event(E e, char) {
  switch (e) {
    case E::off_hook:
      active().call->hold(false);
      fsm_.transition(S::connected);
      return;
    case E::timeout:
      log::notice(fsm_.name(), "recall not answered: ending the held call");
      fsm_.transition(S::idle);
      return;
    case E::remote_hangup: fsm_.transition(S::idle); return;
    default: return;
  }
}

// --- outgoing ------------------------------------------------------------------------------

void Port::place(const DialTarget& target) {
  Leg& leg = active();
  auto call = calls_->place(id(), target, line_, leg);
  if (!call) {
    log::notice(fsm_.name(), "cannot call %s: %s", target.target.c_str(), call.message().c_str());
    fsm_.transition(S::congestion);
    return;
  }
  leg.call = std::move(*call);
  log::info(fsm_.name(), "calling %s", leg.call->describe().c_str());
  fsm_.transition(S::calling);
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
