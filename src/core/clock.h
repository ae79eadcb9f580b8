#pragma once
// Monotonic time source. Everything that needs "now" takes a Clock&, so tests run on a fake.

#include <cstdint>

namespace owsip {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds on a monotonic clock (arbitrary origin).
  virtual uint64_t now_ms() const = 0;
  // Microseconds on the same monotonic clock (RTP arrival times, RTCP round trips).
  virtual uint64_t now_us() const { return now_ms() * 1000; }
  // Microseconds since the Unix epoch on the wall clock (RTCP's NTP timestamps, the date and
  // time caller ID shows); not for timing.
  virtual int64_t wall_us() const = 0;
};

class SystemClock final : public Clock {
 public:
  uint64_t now_ms() const override;
  uint64_t now_us() const override;
  int64_t wall_us() const override;
};

// A fake clock's wall time: a fixed date (2026-03-14 09:26:40 UTC) plus its monotonic time.
inline int64_t fake_wall_us(uint64_t now_ms) {
  return 1773480400LL * 1000000 + static_cast<int64_t>(now_ms) * 1000;
}

// Milliseconds since the Unix epoch on the wall clock (call records, the call log); not for
// timing, which uses a Clock.
int64_t wall_clock_ms();

}  // namespace owsip
