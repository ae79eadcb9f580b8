#pragma once
// Turns the raw hook switch of a line without a DSP (sim, sound card) into line events, the way
// an FXS DSP does: a short on-hook is a dial pulse, a longer one a hook flash, a longer one still
// hangs up. Because a flash and a hang-up start alike, on-hook is reported only once the
// on-hook has lasted longer than `flash_max`. Timings come from the named timer table:
// hook_debounce, pulse_break_max, flash_max, pulse_interdigit.

#include <functional>

#include "core/timer.h"
#include "core/timer_table.h"
#include "line/line.h"

namespace owsip::line {

class HookClassifier {
 public:
  using Emit = std::function<void(const LineEvent&)>;

  HookClassifier(TimerQueue& timers, const TimerValues& timings, Emit emit);

  // The switch state changed (repeats of the same state are ignored).
  void raw(bool off_hook);
  // The state reported so far: off hook from the off_hook event to the on_hook event.
  bool off_hook() const { return off_hook_; }
  // Forget everything and report nothing further (the phone went away).
  void reset();

 private:
  void end_of_break();
  void flush_pulses();

  TimerQueue& queue_;
  uint32_t debounce_ms_, pulse_break_max_ms_, flash_max_ms_, interdigit_ms_;
  Emit emit_;
  bool raw_off_ = false;
  bool off_hook_ = false;
  uint64_t break_started_ms_ = 0;
  int pulses_ = 0;
  Timer hangup_timer_;
  Timer interdigit_timer_;
};

}  // namespace owsip::line
