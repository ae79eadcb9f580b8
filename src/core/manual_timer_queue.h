#pragma once
// A TimerQueue whose clock moves only when its owner says so: nothing runs until advance(),
// then due callbacks run in deadline order (ties in scheduling order), each with the clock set
// to its deadline. Tests use it as a fake clock; the sim line uses it to run ringing and
// caller ID on the virtual phone's 20 ms frame clock, as a DSP runs them on its own clock.

#include <cstdint>
#include <map>
#include <utility>

#include "core/clock.h"
#include "core/timer.h"

namespace owsip {

class ManualClock final : public Clock {
 public:
  uint64_t now_ms() const override { return now_; }
  int64_t wall_us() const override { return fake_wall_us(now_ms()); }
  void set(uint64_t ms) { now_ = ms; }

 private:
  uint64_t now_ = 1000000;
};

class ManualTimerQueue final : public TimerQueue {
 public:
  const Clock& clock() const override { return clock_; }
  Id schedule(uint64_t delay_ms, Callback cb) override;
  void cancel(Id id) override;

  // Moves the clock forward by `ms`, running every callback that falls due on the way,
  // including ones scheduled by callbacks. Returns how many ran.
  int advance(uint64_t ms);
  size_t pending() const { return by_deadline_.size(); }
  uint64_t now() const { return clock_.now_ms(); }

 private:
  ManualClock clock_;
  Id next_id_ = 1;
  // (deadline, id) -> callback; id breaks ties in scheduling order.
  std::map<std::pair<uint64_t, Id>, Callback> by_deadline_;
  std::map<Id, uint64_t> deadline_of_;
};

}  // namespace owsip
