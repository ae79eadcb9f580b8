#pragma once
// Remote access to a mailbox (docs/VOICEMAIL.md, "Remote access"): a caller who presses * while
// the machine greets or records, then the port's `remote_pin` and #, gets the mailbox menu.
// The guard counts wrong PINs per port: a call gets kTriesPerCall tries, and kFailuresToLock
// wrong PINs within kWindowMs lock remote access for kLockMs (the machine then records such
// callers like any other). Single-threaded; times are a monotonic clock's milliseconds.

#include <cstdint>
#include <deque>
#include <string>

namespace owsip::voicemail {

class PinGuard {
 public:
  static constexpr int kTriesPerCall = 3;
  static constexpr size_t kFailuresToLock = 5;
  static constexpr uint64_t kWindowMs = 10 * 60 * 1000;
  static constexpr uint64_t kLockMs = 10 * 60 * 1000;

  bool locked(uint64_t now_ms) const { return now_ms < locked_until_; }
  // Whether `entered` is `pin` (compared in time independent of where they differ). Refused
  // while locked; a wrong PIN is counted, and the kFailuresToLock-th within the window locks.
  bool check(const std::string& entered, const std::string& pin, uint64_t now_ms);

 private:
  std::deque<uint64_t> failures_;  // times of the wrong PINs within the window
  uint64_t locked_until_ = 0;
};

}  // namespace owsip::voicemail
