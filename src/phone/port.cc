#include "phone/port.h"

#include <array>

#include "core/log.h"

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
    case E::transfer: return "TRANSFER";
    case E::transfer_failed: return "TRANSFER_FAILED";
    case E::transfer_done: return "TRANSFER_DONE";
    case E::admin_hangup: return "ADMIN_HANGUP";
    case E::line_lost: return "LINE_LOST";
    case E::reload: return "RELOAD";
  }
  return "?";
}

struct PortTable {
  using State = FsmState<Port, S, E>;
  static constexpr uint64_t kCallSetupEvents =
      bits(E::on_hook, E::flash, E::digit, E::ringing, E::early_media, E::answered, E::busy,
           E::failed, E::remote_hangup, E::transfer_failed);
  static constexpr uint64_t kCallSetupNext =
      bits(S::idle, S::ringback, S::early_media, S::connected, S::busy, S::congestion);
  // Tones that wait for on-hook; a call may still wait behind them (its caller is kept).
  static constexpr uint64_t kWaitingForOnHookEvents =
      bits(E::on_hook, E::timeout, E::digit, E::flash, E::withdrawn);
  static constexpr uint64_t kAfterHangUp = bits(S::idle, S::ringing, S::recall);
  static constexpr std::array<State, 22> kStates = {{
      {.id = S::idle, .name = "IDLE",
       .in_events = bits(E::off_hook, E::incoming),
       .out_states = bits(S::dial_tone, S::congestion, S::ringing),
       .on_enter = &Port::enter_idle, .action = &Port::idle_event},
      {.id = S::dial_tone, .name = "DIAL_TONE",
       .in_events = bits(E::digit, E::on_hook, E::flash, E::timeout),
       .out_states = bits(S::dialing, S::idle, S::congestion), .timer = "dial_tone_timeout",
       .on_enter = &Port::enter_dial_tone, .on_leave = &Port::leave_tone,
       .action = &Port::dial_tone_event},
      {.id = S::dialing, .name = "DIALING",
       .in_events = bits(E::digit, E::on_hook, E::flash, E::timeout),
       .out_states = bits(S::idle, S::congestion, S::calling, S::confirm), .timer = "interdigit",
       .on_leave = &Port::leave_dialing, .action = &Port::dialing_event},
      {.id = S::congestion, .name = "CONGESTION", .in_events = kWaitingForOnHookEvents,
       .out_states = kAfterHangUp | bits(S::parked), .timer = "off_hook_warning",
       .on_enter = &Port::enter_congestion, .on_leave = &Port::leave_tone,
       .action = &Port::waiting_for_on_hook_event},
      {.id = S::parked, .name = "PARKED",
       .in_events = bits(E::on_hook, E::digit, E::flash, E::withdrawn),
       .out_states = kAfterHangUp, .action = &Port::waiting_for_on_hook_event},
      {.id = S::calling, .name = "CALLING", .in_events = kCallSetupEvents,
       .out_states = kCallSetupNext, .action = &Port::call_setup_event},
      {.id = S::ringback, .name = "RINGBACK", .in_events = kCallSetupEvents,
       .out_states = kCallSetupNext, .on_enter = &Port::enter_ringback,
       .on_leave = &Port::leave_tone, .action = &Port::call_setup_event},
      {.id = S::early_media, .name = "EARLY_MEDIA", .in_events = kCallSetupEvents,
       .out_states = kCallSetupNext, .action = &Port::call_setup_event},
      {.id = S::connected, .name = "CONNECTED",
       .in_events = bits(E::on_hook, E::flash, E::digit, E::remote_hangup, E::incoming,
                         E::transfer),
       .out_states = bits(S::idle, S::busy, S::waiting, S::calling, S::hold_dial_tone),
       .action = &Port::connected_event},
      {.id = S::busy, .name = "BUSY", .in_events = kWaitingForOnHookEvents,
       .out_states = kAfterHangUp | bits(S::parked, S::connected), .timer = "off_hook_warning",
       .on_enter = &Port::enter_busy, .on_leave = &Port::leave_tone,
       .action = &Port::waiting_for_on_hook_event},
      {.id = S::ringing, .name = "RINGING", .in_events = bits(E::off_hook, E::withdrawn),
       .out_states = bits(S::connected, S::idle, S::congestion),
       .on_enter = &Port::enter_ringing, .on_leave = &Port::leave_ringing,
       .action = &Port::ringing_event},
      {.id = S::waiting, .name = "WAITING",
       .in_events = bits(E::on_hook, E::flash, E::digit, E::remote_hangup, E::withdrawn),
       .out_states = bits(S::two_calls, S::connected, S::ringing, S::busy),
       .on_enter = &Port::enter_waiting, .on_leave = &Port::leave_tone,
       .action = &Port::waiting_event},
      {.id = S::two_calls, .name = "TWO_CALLS",
       .in_events = bits(E::on_hook, E::flash, E::digit, E::remote_hangup, E::held_hangup),
       .out_states = bits(S::recall, S::holding, S::connected), .action = &Port::two_calls_event},
      {.id = S::holding, .name = "HOLDING",
       .in_events = bits(E::on_hook, E::flash, E::digit, E::remote_hangup),
       .out_states = bits(S::recall, S::connected, S::busy), .action = &Port::holding_event},
      {.id = S::recall, .name = "RECALL",
       .in_events = bits(E::off_hook, E::timeout, E::remote_hangup),
       .out_states = bits(S::connected, S::idle), .timer = "recall",
       .on_enter = &Port::enter_recall, .on_leave = &Port::leave_ringing,
       .action = &Port::recall_event},
      {.id = S::confirm, .name = "CONFIRM",
       .in_events = bits(E::on_hook, E::timeout, E::digit, E::flash),
       .out_states = bits(S::idle, S::dial_tone, S::dialing), .timer = "confirm_tone",
       .on_enter = &Port::enter_confirm, .on_leave = &Port::leave_tone,
       .action = &Port::confirm_event},
      // In-call services (port_transfer.cc).
      {.id = S::hold_dial_tone, .name = "HOLD_DIAL_TONE",
       .in_events = bits(E::digit, E::on_hook, E::flash, E::timeout, E::held_hangup),
       .out_states = bits(S::hold_dialing, S::connected, S::recall, S::holding, S::dial_tone),
       .timer = "dial_tone_timeout", .on_enter = &Port::enter_hold_dial_tone,
       .on_leave = &Port::leave_tone, .action = &Port::hold_dial_event},
      {.id = S::hold_dialing, .name = "HOLD_DIALING",
       .in_events = bits(E::digit, E::on_hook, E::flash, E::timeout, E::held_hangup),
       .out_states = bits(S::hold_dial_tone, S::consult_calling, S::connected, S::recall,
                          S::dialing),
       .timer = "interdigit", .action = &Port::hold_dial_event},
      {.id = S::consult_calling, .name = "CONSULT_CALLING",
       .in_events = bits(E::on_hook, E::flash, E::digit, E::ringing, E::early_media,
                         E::answered, E::busy, E::failed, E::remote_hangup, E::held_hangup),
       .out_states = bits(S::consulting, S::hold_dial_tone, S::connected, S::transferring,
                          S::recall, S::calling),
       .on_leave = &Port::leave_tone, .action = &Port::consult_calling_event},
      {.id = S::consulting, .name = "CONSULTING",
       .in_events = bits(E::on_hook, E::flash, E::digit, E::remote_hangup, E::held_hangup),
       .out_states = bits(S::two_calls, S::transferring, S::recall, S::holding, S::connected,
                          S::conference),
       .action = &Port::consulting_event},
      {.id = S::transferring, .name = "TRANSFERRING",
       .in_events = bits(E::off_hook, E::transfer_done, E::transfer_failed, E::remote_hangup),
       .out_states = bits(S::idle, S::busy, S::recall, S::connected),
       .action = &Port::transferring_event},
      {.id = S::conference, .name = "CONFERENCE",
       .in_events = bits(E::on_hook, E::flash, E::digit, E::remote_hangup, E::held_hangup),
       .out_states = bits(S::idle, S::connected), .action = &Port::conference_event},
  }};
  static constexpr FsmSpec<Port, S, E> kSpec = {
      .kind = "port",
      .states = kStates,
      .event_name = port_event_name,
      .event_count = static_cast<unsigned>(E::reload) + 1,
      .initial = S::idle,
      .all_state_events = bits(E::admin_hangup, E::line_lost, E::reload),
      .all_state_next = bits(S::idle, S::busy),
      .all_state_action = &Port::all_state_event,
      .timeout_event = E::timeout,
  };
};

const FsmSpec<Port, PortState, PortEvent>& port_fsm_spec() { return PortTable::kSpec; }

Port::Port(line::Line& line, PortOptions options, TimerQueue& timers,
           const TimerValues& timer_values)
    : line_(line),
      options_(options),
      mwi_timer_(timers),
      fsm_(*this, PortTable::kSpec, timers, &timer_values, "port" + std::to_string(line.port())) {
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
    case K::lost: fsm_.dispatch(E::line_lost); break;
    case K::fax_tone: on_fax_tone(e.fax); break;
  }
}

// A fax or modem tone from the phone (CNG, or CED / V.21 flags of an answering machine): the
// call in progress turns into voice-band data, unless this port's fax option is off
// (docs/FAX.md). The call layer decides with the account's option when the port has none.
void Port::on_fax_tone(line::FaxTone tone) {
  const char* what = tone == line::FaxTone::cng ? "CNG" : "CED";
  Leg& leg = active();
  if (options_.fax == "off") {
    log::info(fsm_.name(), "fax tone %s: fax is off on this port", what);
  } else if (!leg.call) {
    log::info(fsm_.name(), "fax tone %s outside a call", what);
  } else {
    log::info(fsm_.name(), "fax tone %s in a call", what);
    leg.call->fax_detected(options_.fax);
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

// Only a port talking to the call alone follows a transfer: it hears the new call's progress
// as for a call it placed (CALLING, RINGBACK...).
bool Port::Leg::on_call_transferring(const std::string& target) {
  if (index != port->active_ || port->fsm_.state() != S::connected) return false;
  log::notice(port->fsm_.name(), "transferred by the far end to %s", target.c_str());
  port->fsm_.dispatch(E::transfer);
  return port->fsm_.state() == S::calling;
}

void Port::Leg::on_call_transfer_failed() {
  if (index == port->active_) port->fsm_.dispatch(E::transfer_failed);
}

void Port::Leg::on_transfer_result(bool ok) {
  if (index == port->active_) port->fsm_.dispatch(ok ? E::transfer_done : E::transfer_failed);
}

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
  if (offered_ || !fsm_.accepts(E::incoming)) return false;
  offered_ = &call;
  offered_cid_ = cid;
  fsm_.dispatch(E::incoming);
  // The state's action decides: it rings or signals the call as waiting, or leaves it.
  if (fsm_.state() == S::ringing || fsm_.state() == S::waiting) {
    log::info(fsm_.name(), "offered %s", call.describe().c_str());
    if (services_) services_->set_last_caller(id(), call.call_back());
    return true;
  }
  offered_ = nullptr;
  return false;
}

void Port::withdraw(IncomingCall& call) {
  if (offered_ != &call) return;
  offered_ = nullptr;  // gone, whatever the state makes of it
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

void Port::hang_up() { fsm_.dispatch(E::admin_hangup); }

void Port::reload(PortOptions options, const DialPlan* plan) {
  pending_options_ = options;
  pending_plan_ = plan;
  fsm_.dispatch(E::reload);
}

void Port::end_everything(S next) {
  release_offered();
  other().call.reset();  // BYE or CANCEL
  active().call.reset();
  active_ = 0;
  fsm_.transition(next);
}

void Port::all_state_event(E e, char) {
  switch (e) {
    case E::admin_hangup:
      if (fsm_.state() == S::idle) return;
      // As on-hook, but the phone may still be off hook: it hears the busy tone.
      return end_everything(line_.off_hook() ? S::busy : S::idle);
    case E::line_lost:
      if (fsm_.state() != S::idle) end_everything(S::idle);
      return;
    case E::reload:
      options_ = pending_options_;
      plan_ = pending_plan_;
      return;
    default: return;
  }
}

std::string Port::inconsistency() const {
  const bool active_call = legs_[active_].call != nullptr;
  const bool held = legs_[1 - active_].call != nullptr;
  const bool offered = offered_ != nullptr;
  // What each state needs: [active call, held call, offered call]; -1 = either.
  struct Need { int active, held, offered; };
  Need n{0, 0, 0};
  switch (fsm_.state()) {
    case S::idle: case S::dial_tone: case S::dialing: n = {0, 0, 0}; break;
    case S::congestion: case S::parked: case S::busy: n = {0, 0, -1}; break;
    case S::calling: case S::ringback: case S::early_media: case S::connected: n = {1, 0, 0}; break;
    case S::ringing: n = {0, 0, 1}; break;
    case S::waiting: n = {1, 0, 1}; break;
    case S::two_calls: n = {1, 1, 0}; break;
    case S::confirm: n = {0, 0, 0}; break;
    case S::holding: case S::recall: case S::transferring: n = {1, 0, 0}; break;
    case S::hold_dial_tone: case S::hold_dialing: n = {0, 1, 0}; break;
    case S::consult_calling: case S::consulting: case S::conference: n = {1, 1, 0}; break;
  }
  std::string out;
  auto check = [&](int need, bool has, const char* what) {
    if (need >= 0 && (need == 1) != has)
      out += std::string(out.empty() ? "" : "; ") + (has ? "has " : "lacks ") + what;
  };
  check(n.active, active_call, "an active call");
  check(n.held, held, "a held call");
  check(n.offered, offered, "an offered call");
  if (out.empty()) return out;
  return std::string(fsm_.state_name()) + ": " + out;
}

// --- on-enter and on-leave actions ----------------------------------------------------------

void Port::enter_idle() {
  active().call.reset();  // CANCEL or BYE if a call is still up
  other().call.reset();
  number_.clear();
  no_callwaiting_ = false;
  // A change while the phone was busy: tell it once it has been on hook for a moment (a phone
  // just hung up may not listen for data yet; EN 300 659-1 sets no time, 2 s is owsip's).
  if (mwi_ != mwi_sent_) mwi_timer_.start(2000, [this] { set_message_waiting(mwi_); });
}

void Port::set_message_waiting(bool on) {
  if (on != mwi_) log::notice(fsm_.name(), "messages waiting: %s", on ? "yes" : "no");
  mwi_ = on;
  if (state() != S::idle || line_.off_hook() || line_.ringing()) return;  // later, enter_idle
  mwi_timer_.cancel();
  if (mwi_ == mwi_sent_ && line_.message_waiting() == mwi_) return;
  mwi_sent_ = mwi_;
  line_.send_mwi(mwi_);
}

// A new number: what star codes did to the last one is forgotten. With a service that changes
// how calls reach the port (do-not-disturb, forwarding), or with messages waiting, the dial
// tone is the special one.
void Port::enter_dial_tone() {
  number_.clear();
  feature_.reset();
  codes_checked_ = false;
  passthrough_.clear();
  privacy_ = DialTarget::Privacy::account;
  no_callwaiting_ = false;
  prompt_tone_ = false;
  const bool special = (services_ && services_->port(id()).any()) || mwi_;
  int delay_s = 0;
  if (plan_ && !plan_->hotline(id(), &delay_s).empty()) {
    // Hotline (0 s: no dial tone, the number goes out at once) or warm line: the timeout
    // dials it unless a key comes first.
    fsm_.restart_timer_ms(static_cast<uint32_t>(delay_s) * 1000);
    if (delay_s == 0) return;
  }
  line_.play_tone(special ? line::ToneKind::stutter_dial : line::ToneKind::dial);
}

void Port::enter_confirm() { line_.play_tone(line::ToneKind::confirm); }

void Port::enter_congestion() {
  active().call.reset();
  line_.play_tone(line::ToneKind::congestion);
}

void Port::enter_busy() {
  active().call.reset();
  line_.play_tone(line::ToneKind::busy);
}

void Port::enter_ringback() { line_.play_tone(line::ToneKind::ringback); }

void Port::enter_ringing() { line_.ring(offered_cid_); }

void Port::enter_waiting() {
  line_.play_tone(line::ToneKind::call_waiting);
  line_.send_offhook_cid(offered_cid_);
}

void Port::enter_recall() { line_.ring(std::nullopt); }

// Every state that plays a tone stops it when left, every state that rings stops the bell.
void Port::leave_tone() { line_.stop_tone(); }

void Port::leave_ringing() { line_.stop_ring(); }

// The dial tone a star code asked for again is still on when the number is complete.
void Port::leave_dialing() {
  if (!prompt_tone_) return;
  prompt_tone_ = false;
  line_.stop_tone();
}

// --- actions -------------------------------------------------------------------------------

void Port::idle_event(E e, char) {
  if (e == E::incoming) {
    // A phone that is there and on hook rings; otherwise the call is not taken here.
    if (offered_ && !line_.off_hook() && line_.present()) fsm_.transition(S::ringing);
  } else if (e == E::off_hook) {
    // A nodial port still gets dial tone when a dial plan can let emergency numbers through.
    fsm_.transition(options_.nodial && !plan_ ? S::congestion : S::dial_tone);
  }
}

void Port::dial_tone_event(E e, char arg) {
  switch (e) {
    case E::digit:
      number_ += arg;
      fsm_.transition(S::dialing);
      evaluate(false);
      return;
    case E::on_hook: fsm_.transition(S::idle); return;
    case E::timeout:
      if (plan_ && !plan_->hotline(id(), nullptr).empty()) {
        number_ = plan_->hotline(id(), nullptr);
        log::notice(fsm_.name(), "hotline %s", number_.c_str());
        fsm_.transition(S::dialing);
        return evaluate(true);
      }
      fsm_.transition(S::congestion);
      return;
    default: return;  // a flash on dial tone changes nothing
  }
}

void Port::dialing_event(E e, char arg) {
  switch (e) {
    case E::digit:
      if (prompt_tone_) {
        line_.stop_tone();
        prompt_tone_ = false;
      }
      if (arg == '#' && !number_.empty() && !hash_continues_code()) return evaluate(true);
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
    case E::transfer_failed: fsm_.transition(S::connected); return;  // the old call again
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
    case E::incoming:
      if (offered_ && options_.callwaiting && !no_callwaiting_ && !other().call)
        fsm_.transition(S::waiting);
      return;
    case E::transfer: fsm_.transition(S::calling); return;  // the Call is the new one now
    case E::flash: return hold_for_consultation();  // hold, dial tone (port_transfer.cc)
    default: return;
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
      if (!active().call || !other().call) return;
      active().call->hold(true);
      active_ = 1 - active_;
      active().call->hold(false);
      log::notice(fsm_.name(), "swapped: now talking to %s, holding %s",
                  active().call->describe().c_str(), other().call->describe().c_str());
      return;
    case E::on_hook: return hang_up_active();  // recall for the held call
    case E::digit:
      if (active().call) active().call->send_dtmf(arg);
      return;
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
      if (active().call) active().call->hold(false);
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
      if (active().call) active().call->hold(false);
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

void Port::confirm_event(E e, char arg) {
  switch (e) {
    case E::on_hook: fsm_.transition(S::idle); return;
    case E::timeout: fsm_.transition(S::dial_tone); return;
    case E::digit:  // dialling on: as on dial tone
      fsm_.transition(S::dial_tone);
      return dial_tone_event(e, arg);
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
  if (services_) services_->set_last_dialled(id(), target);
  fsm_.transition(S::calling);
}

bool Port::hash_continues_code() const {
  if (!services_ || codes_checked_) return false;
  return services_->codes().match(number_ + "#").status != FeatureMatch::Status::none;
}

bool Port::evaluate_feature(bool finished) {
  if (!services_ || codes_checked_) return false;
  const FeatureMatch m = services_->codes().match(number_);
  if (m.status == FeatureMatch::Status::none) {
    codes_checked_ = true;
    return false;
  }
  if (m.status == FeatureMatch::Status::partial) {
    if (!finished) return true;  // the start of a code: wait for the rest
    codes_checked_ = true;       // the pause: a shorter contact code may be meant
    return false;
  }
  codes_checked_ = true;
  log::notice(fsm_.name(), "star code %s: %s", m.code.c_str(),
              std::string(feature_name(m.feature)).c_str());
  if (!feature_takes_number(m.feature)) {
    run_feature(m.feature);
    return true;
  }
  number_.erase(0, m.code.size());
  switch (m.feature) {
    case Feature::passthrough: passthrough_ = m.code; break;
    // Codes for this call may be followed by another one (*67 *70 and the number).
    case Feature::hide_number:
      privacy_ = DialTarget::Privacy::hide;
      codes_checked_ = false;
      break;
    case Feature::show_number:
      privacy_ = DialTarget::Privacy::show;
      codes_checked_ = false;
      break;
    case Feature::no_callwaiting:
      no_callwaiting_ = true;
      codes_checked_ = false;
      break;
    default: feature_ = m.feature; break;  // forwarding on: the number is the target
  }
  if (number_.empty()) {
    if (m.feature != Feature::passthrough) {  // dial tone again: the number, please
      line_.play_tone(line::ToneKind::dial);
      prompt_tone_ = true;
    }
    return true;
  }
  return evaluate_feature(finished);
}

void Port::run_feature(Feature f) {
  std::optional<DialTarget> again;
  PortServices s = services_->port(id());
  switch (f) {
    case Feature::dnd_on: s.dnd = true; break;
    case Feature::dnd_off: s.dnd = false; break;
    case Feature::forward_all_off: s.forward_all.clear(); break;
    case Feature::forward_busy_off: s.forward_busy.clear(); break;
    case Feature::forward_noanswer_off: s.forward_noanswer.clear(); break;
    case Feature::call_return: again = services_->last_caller(id()); break;
    case Feature::redial: again = services_->last_dialled(id()); break;
    case Feature::mailbox: {
      DialTarget t;
      t.kind = DialTarget::Kind::mailbox;
      t.port = id();
      log::notice(fsm_.name(), "mailbox: the answering machine's menu");
      return place(t);
    }
    case Feature::voicemail:
      if (std::optional<DialTarget> t = plan_ ? plan_->voicemail(id()) : std::nullopt) {
        log::notice(fsm_.name(), "voicemail: %s through %s", t->target.c_str(), t->account.c_str());
        return place(*t);
      }
      log::notice(fsm_.name(), "voicemail: the port's account has no voicemail number");
      fsm_.transition(S::congestion);
      return;
    default: return;
  }
  if (f == Feature::call_return || f == Feature::redial) {
    const bool none = !again || (again->kind != DialTarget::Kind::internal && again->target.empty());
    if (none || !calls_) {
      log::notice(fsm_.name(), "%s: %s", std::string(feature_name(f)).c_str(),
                  !again ? "no call to go back to"
                  : none ? "the caller withheld the number"
                         : "no route");
      fsm_.transition(S::congestion);
      return;
    }
    log::notice(fsm_.name(), "%s: %s", std::string(feature_name(f)).c_str(),
                again->kind == DialTarget::Kind::internal
                    ? ("port" + std::to_string(again->port)).c_str()
                    : again->target.c_str());
    return place(*again);
  }
  save_services(s);
}

void Port::save_services(const PortServices& s) {
  services_->set(id(), s);
  log::notice(fsm_.name(), "services: %s", s.any() ? s.describe().c_str() : "none");
  fsm_.transition(S::confirm);
}

void Port::finish_feature(const DialTarget& target) {
  if (target.kind == DialTarget::Kind::internal) {
    log::notice(fsm_.name(), "%s: calls cannot be forwarded to a port",
                std::string(feature_name(*feature_)).c_str());
    fsm_.transition(S::congestion);
    return;
  }
  PortServices s = services_->port(id());
  switch (*feature_) {
    case Feature::forward_all_on: s.forward_all = target.target; break;
    case Feature::forward_busy_on: s.forward_busy = target.target; break;
    case Feature::forward_noanswer_on: s.forward_noanswer = target.target; break;
    default: return;
  }
  save_services(s);
}

void Port::evaluate(bool finished) {
  if (evaluate_feature(finished)) return;
  DialDecision d;
  if (plan_) {
    d = plan_->decide(number_, finished, id());
  } else if (finished) {
    d.status = DialDecision::Status::invalid;
    d.reason = "no dial plan";
  }
  switch (d.status) {
    case DialDecision::Status::need_more:
      // A number the digit map completes goes out on the short pause.
      if (d.on_pause) fsm_.restart_timer_ms(fsm_.timer_ms("interdigit_short"));
      return;
    case DialDecision::Status::invalid:
      log::notice(fsm_.name(), "%s: %s", number_.c_str(), d.reason.c_str());
      fsm_.transition(S::congestion);
      return;
    case DialDecision::Status::dial:
      log::notice(fsm_.name(), "dialled %s%s%s%s%s", passthrough_.c_str(), number_.c_str(),
                  d.target.contact.empty() ? "" : " = ", d.target.contact.c_str(),
                  d.target.emergency ? " (emergency number)" : "");
      if (feature_) return finish_feature(d.target);
      // An emergency call always shows the number (the emergency service calls back).
      d.target.privacy = d.target.emergency ? DialTarget::Privacy::show : privacy_;
      if (!passthrough_.empty() && d.target.kind == DialTarget::Kind::number)
        d.target.target = passthrough_ + d.target.target;
      if (calls_) return place(d.target);
      log::notice(fsm_.name(), "no route for %s", number_.c_str());
      fsm_.transition(S::congestion);
      return;
  }
}

}  // namespace owsip::phone
