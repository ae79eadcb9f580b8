#pragma once
// One engine for owsip's declared state machines (ports, registrations, SIP calls), in the
// manner of Osmocom's osmo_fsm. A machine is a table of states, one entry per state with named
// fields:
//   - the events the state accepts (`in_events`) and the states it may enter (`out_states`);
//   - an on-enter and an on-leave action, and the action that handles accepted events;
//   - a named timer (from the timer table) armed on entry, whose expiry is the timeout event.
// Events every state accepts (an administrator's hang-up, the line going away, a reload) are
// declared once in the machine's spec (`all_state_events`) and go to its all-state action,
// which may enter any of `all_state_next` besides the current state's own `out_states`.
//
// The engine refuses and logs an event the state does not accept and a transition the table
// does not declare; every step is logged as `name{STATE}: ...`. fsm_mermaid() draws a table
// (docs/STATE_MACHINES.md is generated from it).
//
// S and E are enum classes with at most 64 values, numbered from 0. Ctx is the object whose
// member functions are the actions; Arg is what an event carries (a digit, a pointer to a
// result). Single-threaded; actions may dispatch further events or transition.

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/log.h"
#include "core/timer.h"
#include "core/timer_table.h"

namespace owsip {

template <class T>
constexpr uint64_t bit(T v) {
  return uint64_t{1} << static_cast<unsigned>(v);
}
template <class T, class... Ts>
constexpr uint64_t bits(T v, Ts... vs) {
  return (bit(v) | ... | bit(vs));
}

template <class Ctx, class S, class E, class Arg = char>
struct FsmState {
  S id;
  std::string_view name;
  uint64_t in_events = 0;   // accepted events: bits(E::...)
  uint64_t out_states = 0;  // states it may enter: bits(S::...)
  std::string_view timer = {};  // named timer armed on entry ("" = none)
  void (Ctx::*on_enter)() = nullptr;
  void (Ctx::*on_leave)() = nullptr;
  void (Ctx::*action)(E event, Arg arg) = nullptr;
};

template <class Ctx, class S, class E, class Arg = char>
struct FsmSpec {
  using State = FsmState<Ctx, S, E, Arg>;
  std::string_view kind;  // "port", for the diagram's title
  std::span<const State> states;
  std::string_view (*event_name)(E) = nullptr;
  unsigned event_count = 0;  // events are 0 .. event_count-1
  S initial{};
  uint64_t other_initial = 0;  // further states an instance may start in (bits)
  // Events every state accepts, handled by all_state_action (before the state's own action,
  // which does not see them); that action may also enter the states of all_state_next.
  uint64_t all_state_events = 0;
  uint64_t all_state_next = 0;
  void (Ctx::*all_state_action)(E event, Arg arg) = nullptr;
  // The event a state's named timer sends; ignored when no state names a timer.
  E timeout_event{};
};

template <class Ctx, class S, class E, class Arg = char>
class Fsm {
 public:
  using Spec = FsmSpec<Ctx, S, E, Arg>;
  using State = FsmState<Ctx, S, E, Arg>;

  // REQUIRES: `spec.states[i].id == S(i)` for every i, and `timer_values` set when a state
  // names a timer (checked: a broken table aborts at start-up). `spec` must outlive the Fsm.
  // `initial`: spec.initial or one of spec.other_initial (checked like the table).
  Fsm(Ctx& ctx, const Spec& spec, TimerQueue& timers, const TimerValues* timer_values,
      std::string name)
      : Fsm(ctx, spec, timers, timer_values, std::move(name), spec.initial) {}
  Fsm(Ctx& ctx, const Spec& spec, TimerQueue& timers, const TimerValues* timer_values,
      std::string name, S initial)
      : ctx_(ctx),
        spec_(spec),
        timer_values_(timer_values),
        timer_(timers),
        name_(std::move(name)),
        state_(initial) {
    for (size_t i = 0; i < spec_.states.size(); ++i) {
      const State& s = spec_.states[i];
      if (static_cast<size_t>(s.id) != i || (!s.timer.empty() && !timer_values_)) std::abort();
    }
    if (initial != spec_.initial && !(spec_.other_initial & bit(initial))) std::abort();
  }

  S state() const { return state_; }
  std::string_view state_name() const { return def(state_).name; }
  std::string_view state_name(S s) const { return def(s).name; }
  const std::string& name() const { return name_; }
  void set_timer_values(const TimerValues& v) { timer_values_ = &v; }
  bool timer_active() const { return timer_.active(); }
  // Whether the current state accepts `event` (its own or an all-state event).
  bool accepts(E event) const {
    return ((def(state_).in_events | spec_.all_state_events) & bit(event)) != 0;
  }

  // Delivers an event: an all-state event to the all-state action, any other to the current
  // state's action. Returns false (and logs) when the state does not accept it.
  bool dispatch(E event, Arg arg = Arg{}) {
    const bool all_state = (spec_.all_state_events & bit(event)) != 0;
    const State& s = def(state_);
    if (!all_state && !(s.in_events & bit(event))) {
      log::info(tag(), "event %s not permitted, ignored", event_name(event).c_str());
      return false;
    }
    log_event(event, arg);
    if (all_state) {
      const bool was = in_all_state_;
      in_all_state_ = true;
      if (spec_.all_state_action) (ctx_.*spec_.all_state_action)(event, arg);
      in_all_state_ = was;
    } else if (s.action) {
      (ctx_.*s.action)(event, arg);
    }
    return true;
  }

  // Called after every transition (from, to), e.g. to publish port states.
  void set_observer(std::function<void(S, S)> observer) { observer_ = std::move(observer); }

  // Restarts the current state's timer without leaving the state.
  void restart_timer() { arm_timer(def(state_)); }
  // Arms the current state's timeout after `ms` instead of its named timer: a duration the
  // state decides on (a digit map's short pause, a warm line's delay). Its expiry is the same
  // timeout event; leaving the state cancels it.
  void restart_timer_ms(uint32_t ms) {
    timer_.cancel();
    timer_.start(ms, [this] { dispatch(spec_.timeout_event); });
  }
  // The value in force of the named timer `name`. REQUIRES: timer values set.
  uint32_t timer_ms(std::string_view name) const { return timer_values_->ms(name); }

  // Leaves the current state (its on-leave) and enters `next` (its timer, its on-enter);
  // re-entering the current state runs both again. Returns false (and logs an error) when
  // the table does not allow it.
  bool transition(S next) {
    const State& from = def(state_);
    const uint64_t allowed = from.out_states | (in_all_state_ ? spec_.all_state_next : 0);
    if (!(allowed & bit(next))) {
      log::err(tag(), "transition to %s not permitted", std::string(def(next).name).c_str());
      return false;
    }
    timer_.cancel();
    if (from.on_leave) (ctx_.*from.on_leave)();
    log::info(tag(), "-> %s", std::string(def(next).name).c_str());
    const S prev = state_;
    state_ = next;
    const State& to = def(next);
    arm_timer(to);
    if (to.on_enter) (ctx_.*to.on_enter)();
    if (observer_) observer_(prev, next);
    return true;
  }

 private:
  std::string event_name(E e) const {
    return spec_.event_name ? std::string(spec_.event_name(e)) : std::to_string(unsigned(e));
  }
  void log_event(E event, Arg arg) const {
    if constexpr (std::is_same_v<Arg, char>) {
      if (arg) {
        log::info(tag(), "event %s '%c'", event_name(event).c_str(), arg);
        return;
      }
    }
    log::info(tag(), "event %s", event_name(event).c_str());
  }
  void arm_timer(const State& s) {
    timer_.cancel();
    if (!s.timer.empty())
      timer_.start(timer_values_->ms(s.timer), [this] { dispatch(spec_.timeout_event); });
  }
  const State& def(S s) const { return spec_.states[static_cast<size_t>(s)]; }
  std::string tag() const { return name_ + "{" + std::string(def(state_).name) + "}"; }

  Ctx& ctx_;
  const Spec& spec_;
  const TimerValues* timer_values_;
  Timer timer_;
  std::string name_;
  S state_;
  bool in_all_state_ = false;
  std::function<void(S, S)> observer_;
};

// The table as a Mermaid state diagram: one edge per declared transition, each state with the
// events it accepts (and its timer), the all-state events in a note.
template <class Ctx, class S, class E, class Arg>
std::string fsm_mermaid(const FsmSpec<Ctx, S, E, Arg>& spec) {
  auto names = [&](uint64_t mask) {
    std::string out;
    for (unsigned e = 0; e < spec.event_count; ++e) {
      if (!(mask & (uint64_t{1} << e))) continue;
      if (!out.empty()) out += ", ";
      out += spec.event_name(static_cast<E>(e));
    }
    return out;
  };
  std::string out = "stateDiagram-v2\n";
  for (const auto& s : spec.states)
    if (s.id == spec.initial || (spec.other_initial & bit(s.id)))
      out += "  [*] --> " + std::string(s.name) + "\n";
  for (const auto& s : spec.states) {
    std::string events = names(s.in_events);
    out += "  " + std::string(s.name) + " : " + (events.empty() ? "(no events)" : events);
    if (!s.timer.empty()) out += " / timer " + std::string(s.timer);
    out += "\n";
  }
  for (const auto& s : spec.states)
    for (const auto& t : spec.states)
      if (s.out_states & bit(t.id))
        out += "  " + std::string(s.name) + " --> " + std::string(t.name) + "\n";
  if (spec.all_state_events) {
    std::string targets;
    for (const auto& t : spec.states)
      if (spec.all_state_next & bit(t.id))
        targets += (targets.empty() ? "" : ", ") + std::string(t.name);
    out += "  note right of " + std::string(spec.states[static_cast<size_t>(spec.initial)].name) +
           " : every state accepts " + names(spec.all_state_events) +
           (targets.empty() ? "" : " and may then enter " + targets) + "\n";
  }
  return out;
}

}  // namespace owsip
