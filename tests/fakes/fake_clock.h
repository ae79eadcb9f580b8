#pragma once
#include "core/clock.h"

namespace owsip::testing {

class FakeClock final : public Clock {
 public:
  uint64_t now_ms() const override { return now_; }
  int64_t wall_us() const override { return fake_wall_us(now_ms()); }
  void set(uint64_t ms) { now_ = ms; }

 private:
  uint64_t now_ = 1000000;
};

}  // namespace owsip::testing
