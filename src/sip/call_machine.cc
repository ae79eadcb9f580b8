#include "sip/call_machine.h"

#include <array>
#include <cctype>

namespace owsip::sip {

using S = CallState;
using E = CallEvent;

struct CallTable {
  using State = FsmState<CallMachine, S, E, const CallEventArg*>;
  static constexpr uint64_t kSetupEvents = bits(E::progress, E::answered);
  static constexpr std::array<State, 7> kStates = {{
      // ANSWERED here: a port took the call before the 180 went out.
      {.id = S::offered, .name = "OFFERED", .in_events = bits(E::ring, E::answered),
       .out_states = bits(S::ringing, S::connected), .action = &CallMachine::offered_event},
      {.id = S::calling, .name = "CALLING", .in_events = kSetupEvents,
       .out_states = bits(S::ringing, S::early, S::connected),
       .action = &CallMachine::setup_event},
      // Incoming: only ANSWERED (the port took it); outgoing: more progress too.
      {.id = S::ringing, .name = "RINGING", .in_events = kSetupEvents,
       .out_states = bits(S::ringing, S::early, S::connected),
       .action = &CallMachine::setup_event},
      {.id = S::early, .name = "EARLY", .in_events = kSetupEvents,
       .out_states = bits(S::early, S::connected), .action = &CallMachine::setup_event},
      {.id = S::connected, .name = "CONNECTED", .in_events = bits(E::answered, E::hold),
       .out_states = bits(S::held), .action = &CallMachine::connected_event},
      {.id = S::held, .name = "HELD", .in_events = bits(E::answered, E::resume),
       .out_states = bits(S::connected), .action = &CallMachine::held_event},
      {.id = S::ended, .name = "ENDED"},
  }};
  static constexpr FsmSpec<CallMachine, S, E, const CallEventArg*> kSpec = {
      .kind = "call",
      .states = kStates,
      .event_name = call_event_name,
      .event_count = static_cast<unsigned>(E::end) + 1,
      .initial = S::calling,
      .other_initial = bits(S::offered),
      .all_state_events = bits(E::end),
      .all_state_next = bits(S::ended),
      .all_state_action = &CallMachine::end_event,
  };
};

const FsmSpec<CallMachine, CallState, CallEvent, const CallEventArg*>& call_fsm_spec() {
  return CallTable::kSpec;
}

std::string_view call_state_name(CallState s) {
  return CallTable::kStates[static_cast<size_t>(s)].name;
}

std::string_view call_event_name(CallEvent e) {
  switch (e) {
    case E::ring: return "RING";
    case E::progress: return "PROGRESS";
    case E::answered: return "ANSWERED";
    case E::hold: return "HOLD";
    case E::resume: return "RESUME";
    case E::end: return "END";
  }
  return "?";
}

CallMachine::CallMachine(CallDialog& dialog, TimerQueue& timers, std::string name, bool incoming)
    : dialog_(dialog),
      incoming_(incoming),
      fsm_(*this, CallTable::kSpec, timers, nullptr, std::move(name),
           incoming ? S::offered : S::calling) {
  fsm_.set_observer([this](S from, S to) { dialog_.state_changed(from, to); });
}

std::string CallMachine::record_state() const {
  std::string out(state_name());
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool CallMachine::progress(int code, bool early_media) {
  const CallEventArg arg{.early_media = early_media, .code = code};
  return fsm_.dispatch(E::progress, &arg);
}

bool CallMachine::end(CallEventArg how) {
  if (ended()) return false;
  fsm_.dispatch(E::end, &how);
  return true;
}

void CallMachine::offered_event(E e, Arg arg) {
  if (e == E::ring) fsm_.transition(S::ringing);
  else setup_event(e, arg);
}

void CallMachine::setup_event(E e, Arg arg) {
  if (e == E::answered) {
    answered_ = true;
    fsm_.transition(S::connected);
    dialog_.tell_answered();
    return;
  }
  // PROGRESS: only an outgoing call hears it; once early media flows it stays early.
  if (incoming_) return;
  const bool early = (arg && arg->early_media) || state() == S::early;
  fsm_.transition(early ? S::early : S::ringing);
  dialog_.tell_progress(arg ? arg->code : 0, early);
}

void CallMachine::connected_event(E e, Arg) {
  if (e == E::hold) fsm_.transition(S::held);
  // ANSWERED again: the ACK of our 2xx, or a 2xx retransmission; nothing changes.
}

void CallMachine::held_event(E e, Arg) {
  if (e == E::resume) fsm_.transition(S::connected);
}

void CallMachine::end_event(E, Arg arg) {
  if (ended()) return;
  const CallEventArg how = arg ? *arg : CallEventArg{};
  const bool was_offered = offered() && !how.by_switchboard;
  const S from = state();
  fsm_.transition(S::ended);
  dialog_.tell_ended(how, from, was_offered);
}

}  // namespace owsip::sip
