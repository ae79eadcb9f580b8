#pragma once
// One FXS port's telephony behaviour, as a declared state machine (fsm.h) over a Line:
// off-hook gives dial tone, the first digit stops it, digits are collected until the dial plan
// says the number is complete ('#', the inter-digit timeout, a unique contact code, a digit-map
// match), and the number is routed. Tones end in silence after the off-hook
// warning time. A `nodial` port hears congestion instead of dial tone.
//
// A complete number is placed through CallControl: CALLING, then RINGBACK (180, local ringback
// tone) or EARLY_MEDIA (183 with media), CONNECTED; 486/600 give busy tone, other failures
// congestion; the far end's BYE gives busy tone; on-hook ends the call (CANCEL or BYE).
// Incoming calls and call waiting join this table with the SIP call layer.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/timer.h"
#include "core/timer_table.h"
#include "line/line.h"
#include "phone/call_control.h"
#include "phone/dial_plan.h"
#include "phone/fsm.h"

namespace owsip::phone {

enum class PortState : uint8_t {
  idle,
  dial_tone,
  dialing,
  congestion,
  parked,
  calling,      // INVITE sent, nothing heard yet
  ringback,     // 180: the far end rings, local ringback tone
  early_media,  // 183 with SDP: the far end's audio
  connected,
  busy,         // 486/600, or the far end hung up
};
enum class PortEvent : uint8_t {
  off_hook,
  on_hook,
  flash,
  digit,
  timeout,
  ringing,        // call progress 180 (or 183 without media)
  early_media,    // call progress with media
  answered,
  busy,           // 486 Busy Here / 600 Busy Everywhere
  failed,         // any other failure
  remote_hangup,  // BYE from the far end
};

std::string_view port_event_name(PortEvent e);

struct PortOptions {
  bool nodial = false;
};

class Port : private CallObserver {
 public:
  // Called when the dial plan says dial and no CallControl is set; returns false when the
  // number cannot be placed (congestion).
  using Router = std::function<bool(const DialTarget& target)>;

  Port(line::Line& line, PortOptions options, TimerQueue& timers, const TimerValues& timer_values);
  ~Port();

  void on_line_event(const line::LineEvent& e);
  void set_router(Router r) { router_ = std::move(r); }
  // Where calls are placed; not owned, must outlive the port (or be reset to nullptr first).
  void set_call_control(CallControl* c) { calls_ = c; }
  const Call* call() const { return call_.get(); }
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
  void enter_calling();
  void enter_ringback();
  void enter_talking();
  void enter_busy();
  // actions
  void idle_event(PortEvent e, char arg);
  void dial_tone_event(PortEvent e, char arg);
  void dialing_event(PortEvent e, char arg);
  void waiting_for_on_hook_event(PortEvent e, char arg);
  void call_setup_event(PortEvent e, char arg);
  void connected_event(PortEvent e, char arg);

  // CallObserver
  void on_call_progress(int code, bool early_media) override;
  void on_call_answered() override;
  void on_call_ended(const CallEnd& end) override;
  void place(const DialTarget& target);

  // Asks the plan about the keys so far; dials, refuses or waits for more.
  void evaluate(bool finished);

  line::Line& line_;
  PortOptions options_;
  Router router_;
  const DialPlan* plan_ = nullptr;
  CallControl* calls_ = nullptr;
  std::unique_ptr<Call> call_;
  std::string number_;
  Fsm<Port, PortState, PortEvent> fsm_;
};

}  // namespace owsip::phone
