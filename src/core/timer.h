#pragma once
// Timers. A TimerQueue runs one-shot callbacks after a delay; the event loop provides the real
// one (libre's tmr) and tests a fake driven by a fake clock (tests/fakes/fake_timer_queue.h).
// Timer is the RAII handle the rest of the code uses: destroying or restarting it cancels what
// it had scheduled, so a callback never runs for an object that is gone.

#include <cstdint>
#include <functional>

#include "core/clock.h"

namespace owsip {

class TimerQueue {
 public:
  using Callback = std::function<void()>;
  using Id = uint64_t;  // 0 is never a valid id

  virtual ~TimerQueue() = default;
  virtual const Clock& clock() const = 0;
  // Runs `cb` once, `delay_ms` from now, from the loop. The queue owns `cb` until it runs or
  // is cancelled; it moves `cb` out before calling it, so `cb` may cancel or reschedule.
  virtual Id schedule(uint64_t delay_ms, Callback cb) = 0;
  // Cancelling an id that already ran or was cancelled is a no-op.
  virtual void cancel(Id id) = 0;
};

class Timer {
 public:
  explicit Timer(TimerQueue& queue) : queue_(&queue) {}
  ~Timer() { cancel(); }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // (Re)starts the timer: a pending callback is cancelled first. `cb` may destroy this Timer.
  void start(uint64_t delay_ms, TimerQueue::Callback cb);
  void cancel();
  bool active() const { return id_ != 0; }
  // Absolute expiry on the queue's clock; REQUIRES active().
  uint64_t expires_at_ms() const { return expires_at_ms_; }

 private:
  TimerQueue* queue_;
  TimerQueue::Id id_ = 0;
  uint64_t expires_at_ms_ = 0;
};

}  // namespace owsip
