#include "core/timer.h"

#include <utility>

namespace owsip {

void Timer::start(uint64_t delay_ms, TimerQueue::Callback cb) {
  cancel();
  expires_at_ms_ = queue_->clock().now_ms() + delay_ms;
  id_ = queue_->schedule(delay_ms, [this, cb = std::move(cb)]() {
    id_ = 0;  // before the callback, which may restart or destroy this Timer
    cb();
  });
}

void Timer::cancel() {
  if (id_ != 0) {
    queue_->cancel(id_);
    id_ = 0;
  }
}

}  // namespace owsip
