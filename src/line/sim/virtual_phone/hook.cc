// The hook switch: lifting, hanging up, flash and pulse dialling; the loop as owsip sees it.
#include <utility>

#include "line/sim/sim_protocol.h"
#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {

void VirtualPhone::set_loop(bool closed) {
  if (loop_closed_ == closed) return;
  loop_closed_ = closed;
  if (state_ == State::connected) send(encode_hook(closed), false);
}

void VirtualPhone::lift() {
  if (primary_response_) {
    // Lifted during the NTT primary response: the loop is already closed; now it is the
    // user's.
    primary_response_ = false;
    ntt_timer_.cancel();
  }
  user_off_hook_ = true;
  set_loop(true);
}

void VirtualPhone::hang_up() {
  if (!user_off_hook_) return;
  user_off_hook_ = false;
  mic_.ack.reset();
  set_loop(false);
}

void VirtualPhone::start_flash(uint32_t ms) {
  if (!user_off_hook_) return error("flash while on hook: ignored");
  busy_ = true;
  set_loop(false);
  action_timer_.start(ms, [this] {
    set_loop(true);
    done();
  });
}

void VirtualPhone::start_pulse(std::string digits) {
  if (!user_off_hook_) return error("pulse dialling while on hook: ignored");
  busy_ = true;
  pulse_.digits = std::move(digits);
  pulse_.index = 0;
  pulse_.left = 0;
  pulse_digit();
}

void VirtualPhone::pulse_digit() {
  if (state_ != State::connected) return;
  if (pulse_.left == 0) {
    if (pulse_.index >= pulse_.digits.size()) return done();
    const char d = pulse_.digits[pulse_.index++];
    pulse_.left = d == '0' ? 10 : d - '0';
  }
  set_loop(false);  // break
  action_timer_.start(kPulseBreakMs, [this] {
    set_loop(true);  // make
    --pulse_.left;
    action_timer_.start(pulse_.left > 0 ? kPulseMakeMs : kPulseInterDigitMs,
                        [this] { pulse_digit(); });
  });
}

}  // namespace owsip::line::sim
