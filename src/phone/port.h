#pragma once
// One FXS port's telephony behaviour, as a declared state machine (fsm.h) over a Line:
// off-hook gives dial tone, the first digit stops it, digits are collected until the dial plan
// says the number is complete ('#', the inter-digit timeout, a unique contact code, a digit-map
// match), and the number is routed. Tones end in silence after the off-hook
// warning time. A `nodial` port hears congestion instead of dial tone.
//
// SIP calls (routing a dialled number, ringing for an incoming call, call waiting) join this
// table as the SIP layer lands; until then a dialled number has no route and gives congestion.

#include <functional>
#include <string>
#include <string_view>

#include "core/timer.h"
#include "core/timer_table.h"
#include "line/line.h"
#include "phone/dial_plan.h"
#include "phone/fsm.h"

namespace owsip::phone {

enum class PortState : uint8_t { idle, dial_tone, dialing, congestion, parked };
enum class PortEvent : uint8_t { off_hook, on_hook, flash, digit, timeout };

std::string_view port_event_name(PortEvent e);

struct PortOptions {
  bool nodial = false;
};

class Port {
 public:
  // Called when the dial plan says dial; returns false when it cannot be placed (congestion).
  using Router = std::function<bool(const DialTarget& target)>;

  Port(line::Line& line, PortOptions options, TimerQueue& timers, const TimerValues& timer_values);
  ~Port();

  void on_line_event(const line::LineEvent& e);
  void set_router(Router r) { router_ = std::move(r); }
  // The plan that decides when a number is complete and where it goes; nullptr: '#' or the
  // inter-digit pause ends a number, which then has no route. Not owned; must outlive the port.
  void set_dial_plan(const DialPlan* plan) { plan_ = plan; }
  void set_options(PortOptions o) { options_ = o; }
  void set_timer_values(const TimerValues& v) { fsm_.set_timer_values(v); }
  // Told of every state change (for the control interface's watch).
  void set_state_observer(std::function<void(PortState, PortState)> o) {
    fsm_.set_observer(std::move(o));
  }

  PortState state() const { return fsm_.state(); }
  std::string_view state_name() const { return fsm_.state_name(); }
  const std::string& number() const { return number_; }
  int id() const { return line_.port(); }
  line::Line& line() { return line_; }

 private:
  friend struct PortTable;
  // on-enter actions
  void enter_idle();
  void enter_dial_tone();
  void enter_dialing();
  void enter_congestion();
  void enter_parked();
  // actions
  void idle_event(PortEvent e, char arg);
  void dial_tone_event(PortEvent e, char arg);
  void dialing_event(PortEvent e, char arg);
  void waiting_for_on_hook_event(PortEvent e, char arg);

  // Asks the plan about the keys so far; dials, refuses or waits for more.
  void evaluate(bool finished);

  line::Line& line_;
  PortOptions options_;
  Router router_;
  const DialPlan* plan_ = nullptr;
  std::string number_;
  Fsm<Port, PortState, PortEvent> fsm_;
};

}  // namespace owsip::phone
