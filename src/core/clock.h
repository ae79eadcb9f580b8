#pragma once
// Monotonic time source. Everything that needs "now" takes a Clock&, so tests run on a fake.

#include <cstdint>

namespace owsip {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds on a monotonic clock (arbitrary origin).
  virtual uint64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  uint64_t now_ms() const override;
};

// Milliseconds since the Unix epoch on the wall clock (call records, the call log); not for
// timing, which uses a Clock.
int64_t wall_clock_ms();

}  // namespace owsip
