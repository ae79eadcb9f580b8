// Ringing, and NTT caller ID's primary response: CAR (ringing while the line is reversed) asks
// an idle phone to loop the line so it can receive the caller ID; this is not answering the
// call.
#include <utility>

#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {

void VirtualPhone::on_ring(bool on) {
  const uint64_t now = loop_.clock().now_ms();
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::ring;
  e.on = on;
  e.ms = static_cast<uint32_t>(now - ring_changed_ms_);
  ring_changed_ms_ = now;
  ringing_ = on;
  emit(std::move(e));
  if (on && state_ == State::connected) ntt_respond();
}

void VirtualPhone::ntt_respond() {
  if (cid_standard_ != dsp::CidStandard::ntt || feed_ != LineFeed::reversed) return;
  if (user_off_hook_ || loop_closed_ || primary_response_ || ntt_timer_.active()) return;
  ntt_timer_.start(kNttResponseMs, [this] {
    if (state_ != State::connected || user_off_hook_ || loop_closed_) return;
    primary_response_ = true;
    set_loop(true);
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::primary_response;
    e.on = true;
    emit(std::move(e));
    if (primary_response_) ntt_timer_.start(kNttMaxLoopMs, [this] { ntt_release(); });
  });
}

void VirtualPhone::ntt_release() {
  if (!primary_response_) return;
  primary_response_ = false;
  ntt_timer_.cancel();
  if (!user_off_hook_) set_loop(false);
  if (state_ != State::connected) return;
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::primary_response;
  e.on = false;
  emit(std::move(e));
}

}  // namespace owsip::line::sim
