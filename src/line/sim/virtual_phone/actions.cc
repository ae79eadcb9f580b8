// The action queue: actions run one after the other; the ones that take time hold back the
// ones after them.
#include <utility>

#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {

void VirtualPhone::enqueue(Action action) {
  queue_.push_back(std::move(action));
  pump();
}

void VirtualPhone::pump() {
  if (pumping_) return;
  pumping_ = true;
  while (!busy_ && !queue_.empty() && state_ == State::connected) {
    Action a = std::move(queue_.front());
    queue_.pop_front();
    start(a);
  }
  pumping_ = false;
}

void VirtualPhone::done() {
  busy_ = false;
  pump();
}

void VirtualPhone::start(Action& a) {
  using K = Action::Kind;
  switch (a.kind) {
    case K::offhook:
      return lift();
    case K::onhook:
      return hang_up();
    case K::flash:
      return start_flash(a.ms);
    case K::pulse:
      return start_pulse(std::move(a.digits));
    case K::dtmf:
      return start_dtmf(a.digits);
    case K::tone:
      return start_tone(a.hz, a.level);
    case K::silence:
      mic_.source = Source::silence;
      return;
    case K::play:
      return start_play(std::move(a.wav));
    case K::record:
      return start_record(std::move(a.writer));
    case K::wait:
      busy_ = true;
      action_timer_.start(a.ms, [this] { done(); });
      return;
    case K::fax:
      return start_fax(std::move(a.fax_terminal));
    case K::call:
      if (a.fn) a.fn();
      return;
  }
}

}  // namespace owsip::line::sim
