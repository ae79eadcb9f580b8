// The microphone's frame clock: one frame every 20 ms on absolute time.
#include "core/log.h"
#include "line/sim/sim_protocol.h"
#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {

void VirtualPhone::tick() {
  if (state_ != State::connected) return;
  const size_t n = frame_samples(rate_);
  const uint64_t now = loop_.clock().now_ms();
  // Frames whose time has come: frame k is due at start + k * 20 ms.
  const uint64_t due = (now - clock_start_ms_) / kFrameMs + 1;
  for (int sent = 0; next_frame_ < due && sent < kMaxFramesPerTick; ++sent) {
    ++next_frame_;
    if (fax_.terminal) {
      fax_tick();  // starts the session when the line is up, ends the action when it is over
      if (state_ != State::connected) return;
    }
    frame_.assign(n, 0);
    fill_frame(frame_);
    if (send(encode_audio(frame_), true)) ++frames_sent_;
    if (state_ != State::connected) return;
    if (mic_.source == Source::dtmf && !mic_.dtmf) {
      // The digits are out: back to silence, and the next action may start.
      mic_.source = Source::silence;
      done();
      if (state_ != State::connected) return;
    }
  }
  if (next_frame_ < due) {
    // Far behind (a stalled loop): skip rather than burst, like a DSP that lost its clock.
    frames_skipped_ += due - next_frame_;
    log_at(log::kDebug, "%llu frames late, skipped",
           static_cast<unsigned long long>(due - next_frame_));
    next_frame_ = due;
  }
  const uint64_t at = clock_start_ms_ + next_frame_ * kFrameMs;
  frame_timer_.start(at > now ? at - now : 0, [this] { tick(); });
}

}  // namespace owsip::line::sim
