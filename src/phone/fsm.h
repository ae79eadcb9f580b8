#pragma once
// A declared state machine in the manner of osmo_fsm: every state lists the events it accepts,
// the states it may enter, its on-enter action, its action for accepted events, and a named
// timer (from the timer table) whose expiry is just another event. One engine checks every
// event and transition against the table and logs each step as `name{STATE}: ...`.
//
// S and E are enum classes with at most 64 values. Ctx is the object whose member functions
// are the actions. Single-threaded; actions may dispatch further events or transition.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/log.h"
#include "core/timer.h"
#include "core/timer_table.h"

namespace owsip::phone {

template <class T>
constexpr uint64_t bit(T v) {
  return uint64_t{1} << static_cast<unsigned>(v);
}
template <class T, class... Ts>
constexpr uint64_t bits(T v, Ts... vs) {
  return (bit(v) | ... | bit(vs));
}

template <class Ctx, class S, class E>
struct FsmState {
  S id;
  std::string_view name;
  uint64_t events;  // accepted events: bits(E::...)
  uint64_t next;    // states it may enter: bits(S::...)
  std::string_view timer;  // named timer armed on entry ("" = none); expiry sends timeout_event
  void (Ctx::*on_enter)();
  void (Ctx::*action)(E event, char arg);
};

template <class Ctx, class S, class E>
class Fsm {
 public:
  using State = FsmState<Ctx, S, E>;

  // REQUIRES: `table[i].id == S(i)` for every i (checked: a broken table aborts at start-up).
  Fsm(Ctx& ctx, std::span<const State> table, std::string_view (*event_name)(E), E timeout_event,
      TimerQueue& timers, const TimerValues& timer_values, std::string name, S initial)
      : ctx_(ctx),
        table_(table),
        event_name_(event_name),
        timeout_event_(timeout_event),
        timer_values_(&timer_values),
        timer_(timers),
        name_(std::move(name)),
        state_(initial) {
    for (size_t i = 0; i < table_.size(); ++i)
      if (static_cast<size_t>(table_[i].id) != i) std::abort();
  }

  S state() const { return state_; }
  std::string_view state_name() const { return def(state_).name; }
  std::string_view state_name(S s) const { return def(s).name; }
  const std::string& name() const { return name_; }
  void set_timer_values(const TimerValues& v) { timer_values_ = &v; }
  bool timer_active() const { return timer_.active(); }

  // Delivers an event to the current state's action. Returns false (and logs) when the state
  // does not accept it.
  bool dispatch(E event, char arg = 0) {
    const State& s = def(state_);
    if (!(s.events & bit(event))) {
      log::info(tag(), "event %s not permitted, ignored", std::string(event_name_(event)).c_str());
      return false;
    }
    if (arg)
      log::info(tag(), "event %s '%c'", std::string(event_name_(event)).c_str(), arg);
    else
      log::info(tag(), "event %s", std::string(event_name_(event)).c_str());
    if (s.action) (ctx_.*s.action)(event, arg);
    return true;
  }

  // Called after every transition (from, to), e.g. to publish port states.
  void set_observer(std::function<void(S, S)> observer) { observer_ = std::move(observer); }

  // Restarts the current state's timer without leaving the state.
  void restart_timer() { arm_timer(def(state_)); }

  // Enters `next` (re-entering the current state restarts its timer and on-enter). Returns
  // false (and logs an error) when the table does not allow it.
  bool transition(S next) {
    const State& from = def(state_);
    if (!(from.next & bit(next))) {
      log::err(tag(), "transition to %s not permitted", std::string(def(next).name).c_str());
      return false;
    }
    timer_.cancel();
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
  void arm_timer(const State& s) {
    timer_.cancel();
    if (!s.timer.empty())
      timer_.start(timer_values_->ms(s.timer), [this] { dispatch(timeout_event_); });
  }
  const State& def(S s) const { return table_[static_cast<size_t>(s)]; }
  std::string tag() const { return name_ + "{" + std::string(def(state_).name) + "}"; }

  Ctx& ctx_;
  std::span<const State> table_;
  std::string_view (*event_name_)(E);
  E timeout_event_;
  const TimerValues* timer_values_;
  Timer timer_;
  std::string name_;
  S state_;
  std::function<void(S, S)> observer_;
};

}  // namespace owsip::phone
