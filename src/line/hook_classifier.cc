#include "line/hook_classifier.h"

#include "core/log.h"

namespace owsip::line {

HookClassifier::HookClassifier(TimerQueue& timers, const TimerValues& timings, Emit emit)
    : queue_(timers),
      debounce_ms_(timings.ms("hook_debounce")),
      pulse_break_max_ms_(timings.ms("pulse_break_max")),
      flash_max_ms_(timings.ms("flash_max")),
      interdigit_ms_(timings.ms("pulse_interdigit")),
      emit_(std::move(emit)),
      hangup_timer_(timers),
      interdigit_timer_(timers) {}

void HookClassifier::reset() {
  hangup_timer_.cancel();
  interdigit_timer_.cancel();
  raw_off_ = off_hook_ = false;
  pulses_ = 0;
}

void HookClassifier::raw(bool off) {
  if (off == raw_off_) return;
  raw_off_ = off;
  if (!off_hook_) {
    if (off) {  // lifting the handset is reported at once
      off_hook_ = true;
      emit_(LineEvent::hook(true));
    }
    return;
  }
  if (!off) {  // a break begins: pulse, flash or hang-up, decided when it ends
    break_started_ms_ = queue_.clock().now_ms();
    interdigit_timer_.cancel();
    hangup_timer_.start(flash_max_ms_, [this] {
      flush_pulses();
      off_hook_ = false;
      emit_(LineEvent::hook(false));
    });
    return;
  }
  end_of_break();
}

void HookClassifier::end_of_break() {
  hangup_timer_.cancel();
  const uint64_t ms = queue_.clock().now_ms() - break_started_ms_;
  if (ms < debounce_ms_) {
    if (pulses_ > 0) interdigit_timer_.start(interdigit_ms_, [this] { flush_pulses(); });
    return;  // contact bounce
  }
  if (ms <= pulse_break_max_ms_) {
    ++pulses_;
    interdigit_timer_.start(interdigit_ms_, [this] { flush_pulses(); });
    return;
  }
  flush_pulses();
  emit_(LineEvent::flash_event());
}

void HookClassifier::flush_pulses() {
  interdigit_timer_.cancel();
  const int n = pulses_;
  pulses_ = 0;
  if (n == 0) return;
  if (n > 10) {
    log::info("line", "ignored a pulse train of %d pulses (at most 10 make a digit)", n);
    return;
  }
  emit_(LineEvent::digit_event(static_cast<char>(n == 10 ? '0' : '0' + n), true));
}

}  // namespace owsip::line
