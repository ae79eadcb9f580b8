#pragma once
// A TimerQueue on a FakeClock: nothing runs until the test advances time, then due callbacks
// run in deadline order (ties in scheduling order), each with the clock set to its deadline.

#include <map>
#include <utility>

#include "core/timer.h"
#include "fakes/fake_clock.h"

namespace owsip::testing {

class FakeTimerQueue final : public TimerQueue {
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
  FakeClock clock_;
  Id next_id_ = 1;
  // (deadline, id) -> callback; id breaks ties in scheduling order.
  std::map<std::pair<uint64_t, Id>, Callback> by_deadline_;
  std::map<Id, uint64_t> deadline_of_;
};

}  // namespace owsip::testing
